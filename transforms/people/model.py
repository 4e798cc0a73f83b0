"""The probabilistic model (Fellegi-Sunter, Splink on DuckDB): its comparisons, training, the frozen JSON, scoring.

Comparisons, each a few levels from strongest to weakest agreement:
- first name: exact (term-frequency adjusted), nickname (Tom/Thomas), one keying slip, short form (the first three
  or more letters: Eys/Eysamo), swapped with the surname, an initial, similar, different;
- surname: exact (term-frequency adjusted), swapped with the first name, one slip, similar, one part of a
  double-barrelled name, different;
- date of birth: exact, day and month swapped, one character slip, different;
- location, one comparison because postcode and address are one fact (counted twice, siblings would merge): same
  postcode and address, same postcode, same address, same postcode sector, same district, elsewhere;
- sex; identifiers (NHS number, UPN or another identifier: agree, or both present and different; another identifier
  one keying slip away counts as none).
The model is trained once on generated labelled records (`assure link-train`) and frozen as `model.json` beside
this file: m from the true pairs, u from random pairs, the prior from the truth. Scoring reads the JSON.
"""

from __future__ import annotations

import json
import math
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from transforms import settings

MODEL_PATH = Path(__file__).with_name("model.json")
# What Splink reads of a standardised record (`uid` is the record's row position, a compact join key).
SPLINK_COLUMNS = ["uid", "first_name", "first_canon", "last_name", "dob", "birth_year", "sex", "postcode",
                  "postcode_sector", "postcode_district", "address", "nhs_number", "upn", "other_id"]
TF_COLUMNS = ("first_name", "last_name")
TF_PRIOR_RECORDS = 2000


def _null(*columns: str) -> dict:
    either = " OR ".join(f'"{c}_l" IS NULL OR "{c}_r" IS NULL' for c in columns)
    return {"sql_condition": either, "label_for_charts": "missing", "is_null_level": True}


def _level(sql: str, label: str, tf: str | None = None) -> dict:
    level = {"sql_condition": sql, "label_for_charts": label}
    if tf:
        level |= {"tf_adjustment_column": tf, "tf_adjustment_weight": 1.0}
    return level


def _one_slip(column: str) -> str:
    """SQL: the column's two values are at most one keying slip apart (Damerau-Levenshtein distance 0 or 1).

    The same test as `damerau_levenshtein(l, r) <= 1`, written so that DuckDB computes the distance (slow: a few
    microseconds a pair, millions of pairs at a million records) only where it can be 1 and a cheaper test cannot
    say: values of one length differ in at most one place (one slip) or in two (a swap of neighbours, or two
    slips); of values one letter apart in length, the longer loses a letter at one end (so the other end agrees) or
    within (both ends agree), unless the shorter is empty.
    """
    left, right = f'"{column}_l"', f'"{column}_r"'
    return (f"(CASE WHEN length({left}) = length({right}) THEN "
            f"(CASE WHEN {left} = {right} THEN true WHEN hamming({left}, {right}) <= 1 THEN true "
            f"WHEN hamming({left}, {right}) = 2 THEN damerau_levenshtein({left}, {right}) <= 1 ELSE false END) "
            f"WHEN abs(length({left}) - length({right})) = 1 THEN "
            f"(CASE WHEN left({left}, 1) = left({right}, 1) OR right({left}, 1) = right({right}, 1) "
            f"OR least(length({left}), length({right})) = 0 "
            f"THEN damerau_levenshtein({left}, {right}) <= 1 ELSE false END) "
            f"ELSE false END)")


ELSE = {"sql_condition": "ELSE", "label_for_charts": "different"}
# "Eys" for Eysamo, "Chris" for Christopher: one name is the first three or more letters of the other
SHORT_FORM = ('(length("first_name_r") >= 3 AND starts_with("first_name_l", "first_name_r")) OR '
              '(length("first_name_l") >= 3 AND starts_with("first_name_r", "first_name_l"))')
# first name and surname keyed the wrong way round on one of the records
SWAPPED = '"first_name_l" = "last_name_r" AND "last_name_l" = "first_name_r"'

# Identifiers: both records hold an NHS number, a UPN or another identifier (`other_id`) to compare.
BOTH_HOLD_ONE = ('("nhs_number_l" IS NOT NULL AND "nhs_number_r" IS NOT NULL) OR '
                 '("upn_l" IS NOT NULL AND "upn_r" IS NOT NULL) OR '
                 '("other_id_l" IS NOT NULL AND "other_id_r" IS NOT NULL)')
# An NHS number or UPN with a keying slip fails its check digit and is read as missing; another identifier has no
# check digit, so a slip survives as a number one keystroke from the person's own: that says neither "same" nor
# "different" (the model has learnt no weight for it), so it counts as no identifier at all.
OTHER_ID_SLIP = ('(NOT (("nhs_number_l" IS NOT NULL AND "nhs_number_r" IS NOT NULL) OR '
                 '("upn_l" IS NOT NULL AND "upn_r" IS NOT NULL)) '
                 f'AND "other_id_l" <> "other_id_r" AND {_one_slip("other_id")})')

COMPARISONS = [
    {"output_column_name": "first_name", "comparison_description": "first name", "comparison_levels": [
        _null("first_name"),
        _level('"first_name_l" = "first_name_r"', "exact", "first_name"),
        _level('"first_canon_l" = "first_canon_r"', "nickname"),
        _level(_one_slip("first_name"), "one slip"),
        _level(SHORT_FORM, "short form"),
        _level(SWAPPED, "swapped with surname"),
        _level('(length("first_name_l") = 1 OR length("first_name_r") = 1) AND '
               'left("first_name_l", 1) = left("first_name_r", 1)', "initial"),
        _level('jaro_winkler_similarity("first_name_l", "first_name_r") >= 0.88', "similar"),
        ELSE]},
    {"output_column_name": "last_name", "comparison_description": "surname", "comparison_levels": [
        _null("last_name"),
        _level('"last_name_l" = "last_name_r"', "exact", "last_name"),
        _level(SWAPPED, "swapped with first name"),
        _level(_one_slip("last_name"), "one slip"),
        _level('jaro_winkler_similarity("last_name_l", "last_name_r") >= 0.88', "similar"),
        _level('(length("last_name_l") >= 3 AND length("last_name_r") >= 3) AND '
               '(contains("last_name_l", "last_name_r") OR contains("last_name_r", "last_name_l"))',
               "part of a double-barrelled name"),
        ELSE]},
    {"output_column_name": "dob", "comparison_description": "date of birth", "comparison_levels": [
        _null("dob"),
        _level('"dob_l" = "dob_r"', "exact"),
        _level('substr("dob_l", 1, 5) || substr("dob_l", 9, 2) || \'-\' || substr("dob_l", 6, 2) = "dob_r"',
               "day and month swapped"),
        _level(_one_slip("dob"), "one character slip"),
        ELSE]},
    {"output_column_name": "location", "comparison_description": "postcode and address", "comparison_levels": [
        {"sql_condition": 'NOT (("postcode_l" IS NOT NULL AND "postcode_r" IS NOT NULL) OR '
                          '("address_l" IS NOT NULL AND "address_r" IS NOT NULL))',
         "label_for_charts": "missing", "is_null_level": True},
        _level('"postcode_l" = "postcode_r" AND "address_l" = "address_r"', "same postcode and address"),
        _level('"postcode_l" = "postcode_r"', "same postcode"),
        _level('"address_l" = "address_r"', "same address, other postcode"),
        _level('"postcode_sector_l" = "postcode_sector_r"', "same postcode sector"),
        _level('"postcode_district_l" = "postcode_district_r"', "same postcode district"),
        ELSE]},
    {"output_column_name": "sex", "comparison_description": "sex", "comparison_levels": [
        _null("sex"), _level('"sex_l" = "sex_r"', "same"), ELSE]},
    {"output_column_name": "identifier", "comparison_description": "NHS number, UPN or other identifier",
     "comparison_levels": [
        {"sql_condition": f"NOT ({BOTH_HOLD_ONE}) OR {OTHER_ID_SLIP}", "label_for_charts": "missing",
         "is_null_level": True},
        _level('"nhs_number_l" = "nhs_number_r" OR "upn_l" = "upn_r" OR "other_id_l" = "other_id_r"', "same"),
        ELSE]},
]

DESCRIPTIONS = {c["output_column_name"]: c["comparison_description"] for c in COMPARISONS}

# Candidate pairs: each rule lets through the pairs whose other details may have drifted. Every rule keeps an
# exact date of birth or a postcode or a birth year beside a name, so blocks stay small at a million records.
BLOCKING_RULES = [
    "l.dob = r.dob AND l.last_name = r.last_name",
    "l.dob = r.dob AND l.first_canon = r.first_canon",
    "l.first_canon = r.first_canon AND l.last_name = r.last_name AND l.birth_year = r.birth_year",
    "l.postcode = r.postcode AND l.last_name = r.last_name",
    "l.postcode = r.postcode AND l.first_canon = r.first_canon",
    "l.postcode = r.postcode AND l.dob = r.dob",
    "l.first_canon = r.first_canon AND l.last_name = r.last_name AND l.postcode_district = r.postcode_district",
    # a record without a date of birth meets every record of the same names (two rules: one for each side); the
    # condition on one side is a filter DuckDB applies before the join, so no extra key column is carried
    "l.first_canon = r.first_canon AND l.last_name = r.last_name AND l.dob IS NULL",
    "l.first_canon = r.first_canon AND l.last_name = r.last_name AND r.dob IS NULL",
]


def untrained_settings(prior: float = 1e-4) -> dict:
    """The Splink settings before training: comparisons, blocking rules, ids."""
    return {
        "link_type": "dedupe_only",
        "unique_id_column_name": "uid",
        "probability_two_random_records_match": prior,
        "comparisons": COMPARISONS,
        "blocking_rules_to_generate_predictions": [{"blocking_rule": rule} for rule in BLOCKING_RULES],
        "retain_matching_columns": False,
        "retain_intermediate_calculation_columns": False,
    }


def load(path: Path | str = MODEL_PATH) -> dict:
    """The frozen model (a Splink settings dict with trained m and u)."""
    return json.loads(Path(path).read_text())


def level_labels(model: dict) -> dict[str, dict[int, str]]:
    """comparison -> {comparison vector value (gamma) -> label}: what a pair's evidence says in words."""
    out = {}
    for comparison in model["comparisons"]:
        levels = comparison["comparison_levels"]
        labels, value = {}, len([lv for lv in levels if not lv.get("is_null_level")]) - 1
        for level in levels:
            if level.get("is_null_level"):
                labels[-1] = level["label_for_charts"]
            else:
                labels[value] = level["label_for_charts"]
                value -= 1
        out[comparison["output_column_name"]] = labels
    return out


@contextmanager
def duckdb_session(memory_limit: str | None = None,
                   temp_dir: str | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """An in-memory DuckDB with a memory limit and its own spill folder (removed afterwards).

    The limit keeps a million records within the machine (DuckDB spills the rest to disk); the folder of its own
    keeps two runs at once from sharing spill files.
    """
    base = Path(temp_dir or settings.linkage_temp_dir() or tempfile.gettempdir())
    base.mkdir(parents=True, exist_ok=True)
    spill = tempfile.mkdtemp(prefix="assure-duckdb-", dir=base)
    con = duckdb.connect(config={"memory_limit": memory_limit or settings.linkage_memory_limit(),
                                 "temp_directory": spill, "threads": settings.linkage_threads(),
                                 "preserve_insertion_order": False})
    try:
        yield con
    finally:
        con.close()
        shutil.rmtree(spill, ignore_errors=True)


def splink_input(records: pd.DataFrame) -> pd.DataFrame:
    """The columns Splink reads, with `uid` = row position."""
    frame = records[SPLINK_COLUMNS[1:]]  # copy-on-write: the added column below does not copy these
    frame.insert(0, "uid", range(len(frame)))
    return frame


def _exact_u(model: dict, column: str) -> float:
    """u probability of the exact level adjusted by `column`'s term frequencies: the frequency that adjusts nothing."""
    for comparison in model["comparisons"]:
        for level in comparison["comparison_levels"]:
            if level.get("tf_adjustment_column") == column:
                return float(level.get("u_probability") or 0.0)
    return 0.0


def _term_frequency_tables(con: duckdb.DuckDBPyConnection, table: str, model: dict) -> None:
    """Term frequencies of the names over every record (index and new alike), as tables tf_<column>_lookup.

    Splink's predict_within / predict_between do not derive them from the records they are given, and the
    frequencies of the whole index are the right ones: a surname common in the borough is weak evidence. Each
    frequency is smoothed towards the neutral value (the exact level's u) by `TF_PRIOR_RECORDS` pseudo-records, so
    a file of twenty records does not decide that every name in it is common.
    """
    for column in TF_COLUMNS:
        u = _exact_u(model, column)
        con.execute(f"CREATE TABLE tf_{column}_lookup AS SELECT {column}, "
                    f"(count(*) + {TF_PRIOR_RECORDS} * {u!r}) / (sum(count(*)) OVER () + {TF_PRIOR_RECORDS}) "
                    f"AS tf_{column} FROM {table} WHERE {column} IS NOT NULL GROUP BY {column}")


def train(records: pd.DataFrame, out_path: Path | str = MODEL_PATH, max_pairs: float = 2e7, seed: int = 1) -> dict:
    """Train on standardised records with a true `person_id`, write the frozen model JSON and return it.

    m comes from the true pairs (every pair of records of one person), u from random pairs, and the prior
    (probability that two random records match) from the truth itself.
    """
    from splink import DuckDBAPI, Linker

    sizes = records.groupby("person_id").size()
    n = len(records)
    prior = float((sizes * (sizes - 1) / 2).sum() / (n * (n - 1) / 2))
    frame = splink_input(records)
    frame["person_id"] = records["person_id"].to_numpy()
    with duckdb_session() as con:
        db_api = DuckDBAPI(con)
        linker = Linker(db_api.register(frame, table_name="training_records"), untrained_settings(prior),
                        log_level=None)
        for column in TF_COLUMNS:
            linker.table_management.compute_tf_table(column)
        linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs, seed=seed)
        linker.training.estimate_m_from_label_column("person_id")
        model = linker.misc.save_model_to_json()
    model.pop("linker_uid", None)  # a random id per training run: leaving it out keeps retraining reproducible
    Path(out_path).write_text(json.dumps(model, indent=2) + "\n")
    return model


def _weight(value: float) -> str:
    return f"cast({value!r} as float8)"


def _comparison_sql(model: dict) -> tuple[list[str], list[str]]:
    """The frozen model as SQL: one `gamma_<comparison>` per comparison (the level each pair reached, -1 when a value
    is missing) and the terms of the match weight (each level's log2 Bayes factor, the term-frequency adjustments).

    The same expressions, in the same order, as Splink's own prediction SQL for these settings, so a pair gets the
    same weight to the last bit (tested against Splink).
    """
    gammas, terms = [], []
    for comparison in model["comparisons"]:
        name = comparison["output_column_name"]
        levels = comparison["comparison_levels"]
        value = len([level for level in levels if not level.get("is_null_level")]) - 1
        cases, weights, adjustments = [], [f"WHEN gamma_{name} = -1 THEN {_weight(0.0)}"], []
        for level in levels:
            if level.get("is_null_level"):
                cases.append(f"WHEN {level['sql_condition']} THEN -1")
                continue
            condition = level["sql_condition"]
            cases.append(f"ELSE {value}" if condition == "ELSE" else f"WHEN {condition} THEN {value}")
            weights.append(f"WHEN gamma_{name} = {value} THEN "
                           f"{_weight(math.log2(level['m_probability'] / level['u_probability']))}")
            column = level.get("tf_adjustment_column")
            if column:
                tf_l, tf_r = f"tf_{column}_l", f"tf_{column}_r"
                adjustments.append(
                    f"WHEN gamma_{name} = {value} THEN CASE WHEN coalesce({tf_l}, {tf_r}) IS NOT NULL THEN "
                    f"{_weight(float(level.get('tf_adjustment_weight', 1.0)))} * ("
                    f"{_weight(math.log2(level['u_probability']))} - log2(greatest(coalesce({tf_l}, {tf_r}), "
                    f"coalesce({tf_r}, {tf_l}), {_weight(float(level.get('tf_minimum_u_value', 0.0)))}))) "
                    f"ELSE {_weight(0.0)} END")
            value -= 1
        gammas.append(f"CASE {' '.join(cases)} END AS gamma_{name}")
        terms.append(f"(CASE {' '.join(weights)} END)")
        if adjustments:
            terms.append(f"(CASE {' '.join(adjustments)} ELSE {_weight(0.0)} END)")
    return gammas, terms


BLOCKING_KEYS = ("first_canon", "last_name", "dob", "birth_year", "postcode", "postcode_district")


def blocking_keys(records: pd.DataFrame) -> pd.DataFrame:
    """`uid` and the columns the blocking rules join on, each value as an integer code (NA stays NA).

    The rules only ever ask whether two values are equal (or missing), and integers answer that as text does but
    a third faster at a million records: joins on them move numbers, not strings.
    """
    keys = pd.DataFrame({"uid": np.arange(len(records), dtype=np.int64)})
    for column in BLOCKING_KEYS:
        code, _ = pd.factorize(records[column])
        keys[column] = pd.arrays.IntegerArray(code.astype(np.int32), mask=code < 0)
    return keys


def _blocked_pairs_sql(left: str, right: str, within: bool) -> str:
    """Candidate pairs (uid_l from `left`, uid_r from `right`): those meeting a blocking rule, each pair once (under
    the first rule it meets), as Splink generates them. `within`: both sides are one table, each pair taken once."""
    parts = []
    for number, rule in enumerate(BLOCKING_RULES):
        earlier = " OR ".join(f"coalesce(({previous}), false)" for previous in BLOCKING_RULES[:number])
        where = ['l."uid" < r."uid"'] if within else []
        where += [f"NOT ({earlier})"] if earlier else []
        parts.append(f'SELECT l."uid" AS uid_l, r."uid" AS uid_r FROM {left} AS l INNER JOIN {right} AS r ON ({rule})'
                     + (f" WHERE {' AND '.join(where)}" if where else ""))
    return " UNION ALL ".join(parts)


def score(records: pd.DataFrame, probe: pd.Series, model: dict, threshold: float,
          memory_limit: str | None = None, temp_dir: str | None = None) -> pd.DataFrame:
    """Scored candidate pairs involving at least one probe record, above `threshold` match probability.

    `records` are standardised records (row position = uid); `probe` marks the new or changed ones. Pairs among
    the other records were scored when those records arrived, so only probe x probe and probe x rest are scored.
    Returns uid_l, uid_r (uid_l < uid_r), match_weight, match_probability and one gamma_<comparison> per
    comparison (the level each pair reached).

    The frozen model is run as plain SQL in DuckDB (Splink is needed only to train it): the candidate pairs of the
    blocking rules, then each pair's comparison levels and weight in one pass that keeps only what reaches the
    threshold. Splink's own prediction gives the same pairs and weights; run here, nothing is materialised but the
    candidate pairs' ids, and no column is carried that the output does not need.
    """
    gammas = [f"gamma_{c['output_column_name']}" for c in model["comparisons"]]
    empty = pd.DataFrame(columns=["uid_l", "uid_r", "match_weight", "match_probability", *gammas])
    if not probe.any():
        return empty
    compared = [c for c in SPLINK_COLUMNS if c != "uid"] + [f"tf_{c}" for c in TF_COLUMNS]
    with duckdb_session(memory_limit, temp_dir) as con:
        frame = splink_input(records)
        frame["probe"] = probe.to_numpy()
        # read straight from the frame: the frequencies, then the records with theirs, one copy in DuckDB
        con.register("all_records", frame)
        _term_frequency_tables(con, "all_records", model)
        lookups = " ".join(f"LEFT JOIN tf_{c}_lookup USING ({c})" for c in TF_COLUMNS)
        con.execute(f"CREATE TABLE compared_records AS SELECT all_records.*, "
                    f"{', '.join(f'tf_{c}' for c in TF_COLUMNS)} FROM all_records {lookups}")
        con.unregister("all_records")
        del frame  # DuckDB holds its own copy now
        keys = blocking_keys(records)
        keys["probe"] = probe.to_numpy()
        con.register("blocking_keys_view", keys)
        con.execute("CREATE TABLE blocking_keys AS SELECT * FROM blocking_keys_view")
        con.unregister("blocking_keys_view")
        del keys
        if probe.all():  # the first run: every record is new
            blocked = _blocked_pairs_sql("blocking_keys", "blocking_keys", True)
        else:
            con.execute("CREATE VIEW probe_records AS SELECT * FROM blocking_keys WHERE probe")
            con.execute("CREATE VIEW rest_records AS SELECT * FROM blocking_keys WHERE NOT probe")
            blocked = (f"{_blocked_pairs_sql('probe_records', 'probe_records', True)} UNION ALL "
                       f"{_blocked_pairs_sql('probe_records', 'rest_records', False)}")
        con.execute(f"CREATE TABLE candidate_pairs AS {blocked}")
        con.execute("DROP TABLE blocking_keys CASCADE")
        levels, terms = _comparison_sql(model)
        prior = model["probability_two_random_records_match"]
        weight = " + ".join([_weight(math.log2(prior / (1 - prior))), *terms])
        sides = ", ".join(f"l.{c} AS {c}_l, r.{c} AS {c}_r" for c in compared)
        two = _weight(2.0)
        pairs = con.sql(f"""
            WITH joined AS (
                SELECT p.uid_l, p.uid_r, {sides} FROM candidate_pairs AS p
                JOIN compared_records AS l ON l.uid = p.uid_l JOIN compared_records AS r ON r.uid = p.uid_r),
            compared AS (
                SELECT uid_l, uid_r, {', '.join(f'tf_{c}_l, tf_{c}_r' for c in TF_COLUMNS)}, {', '.join(levels)}
                FROM joined),
            weighed AS (SELECT uid_l, uid_r, {', '.join(gammas)}, {weight} AS match_weight FROM compared)
            SELECT least(uid_l, uid_r) AS uid_l, greatest(uid_l, uid_r) AS uid_r, match_weight,
                CASE WHEN match_weight >= 0 THEN 1.0 / (1.0 + power({two}, -match_weight))
                     ELSE power({two}, match_weight) / (1.0 + power({two}, match_weight)) END AS match_probability,
                {', '.join(gammas)}
            FROM weighed WHERE match_weight >= {math.log2(threshold / (1 - threshold))!r}""").df()
    if pairs.empty:
        return empty
    return pairs.astype({"uid_l": "int64", "uid_r": "int64"}).sort_values(["uid_l", "uid_r"]).reset_index(drop=True)
