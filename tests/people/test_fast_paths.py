"""The vectorised paths of the person index give exactly what the one-at-a-time definitions give.

A million records are grouped, keyed and compared in bulk (`cluster.group`, `index.person_keys`, the model's one-slip
test); each is checked here against the plain definition it replaces, on cases made to hit its corners.
"""

from __future__ import annotations

import hmac
import random

import duckdb
import numpy as np
import pandas as pd
import pytest

from transforms.people import cluster, index, model


def sequential(nhs, joined, candidates, cannot_link, model_cannot_link):
    """The definition: `Groups`, one union at a time, in order."""
    groups = cluster.Groups(nhs, zip(*cannot_link, strict=True), zip(*model_cannot_link, strict=True))
    for a, b in zip(*joined, strict=True):
        groups.union(int(a), int(b))
    kept = [groups.union(int(a), int(b), bool(m)) for a, b, m in zip(*candidates, strict=True)]
    return np.array(groups.labels()), np.array(kept, dtype=bool), groups.vetoed


@pytest.mark.parametrize("seed", range(12))
def test_grouping_in_bulk_equals_one_union_at_a_time(seed):
    rng = np.random.default_rng(seed)
    size = 400
    # few NHS numbers, so that links often meet two of them (the veto)
    nhs = [f"N{rng.integers(6)}" if rng.random() < 0.15 else None for _ in range(size)]
    joined = (rng.integers(0, size, 60), rng.integers(0, size, 60))
    left, right = rng.integers(0, size, 500), rng.integers(0, size, 500)
    candidates = (left, right, rng.random(500) < 0.6)
    cannot_link = (rng.integers(0, size, 20), rng.integers(0, size, 20))
    model_cannot_link = (rng.integers(0, size, 30), rng.integers(0, size, 30))
    label, kept, vetoed = cluster.group(nhs, joined, candidates, cannot_link, model_cannot_link)
    want_label, want_kept, want_vetoed = sequential(nhs, joined, candidates, cannot_link, model_cannot_link)
    assert want_vetoed > 0  # the case has conflicts to settle one by one
    assert label.tolist() == want_label.tolist()
    assert kept.tolist() == want_kept.tolist()
    assert vetoed == want_vetoed


def test_components_follow_long_chains():
    size = 1000
    order = np.random.default_rng(1).permutation(size)
    label = cluster.components(size, order[:-1], order[1:])  # one chain through every position, in random order
    assert set(label.tolist()) == {0}
    assert cluster.components(3, np.array([], dtype=int), np.array([], dtype=int)).tolist() == [0, 1, 2]


@pytest.mark.parametrize("secret", [b"short key", b"k" * 64, b"a key longer than one block of sha256" * 3])
def test_person_keys_in_bulk_are_the_hmac_of_each_record(secret):
    sources = ["police_nominals", "csc_child_identity", "edu_cme", "police_nominals"]
    record_ids = ["N1", "C-Zoë 2", "back\\slash\\x01", ""]
    expected = [hmac.digest(secret, f"{s}|{r}".encode(), "sha256").hex()[:20] for s, r in zip(sources, record_ids,
                                                                                              strict=True)]
    assert index.person_keys(secret, sources, record_ids) == expected
    assert expected[0] == index.new_key(secret, sources[0], record_ids[0], set())
    assert index.person_keys(secret, [], []) == []


def test_the_one_slip_test_is_damerau_levenshtein_at_most_one():
    rng = random.Random(7)

    def slipped(text: str) -> str:
        letters = list(text)
        kind = rng.choice(["substitute", "delete", "insert", "swap", "twice", "same", "other"])
        if kind == "substitute" and letters:
            letters[rng.randrange(len(letters))] = rng.choice("ABC")
        elif kind == "delete" and letters:
            del letters[rng.randrange(len(letters))]
        elif kind == "insert":
            letters.insert(rng.randrange(len(letters) + 1), rng.choice("ABC"))
        elif kind == "swap" and len(letters) > 1:
            i = rng.randrange(len(letters) - 1)
            letters[i], letters[i + 1] = letters[i + 1], letters[i]
        elif kind == "twice":
            return slipped(slipped(text))
        elif kind == "other":
            return "".join(rng.choice("ABC") for _ in range(rng.randrange(6)))
        return "".join(letters)

    left = ["".join(rng.choice("ABC") for _ in range(rng.randrange(7))) for _ in range(20000)]
    pairs = pd.DataFrame({"x_l": [*left, None, "A", None, "", "A"],
                          "x_r": [*(slipped(t) for t in left), "A", None, None, "", ""]})
    with duckdb.connect() as con:
        con.register("pairs", pairs)
        disagree, slips = con.execute(
            f"SELECT sum((coalesce(damerau_levenshtein(x_l, x_r) <= 1, false) <> coalesce({model._one_slip('x')}, "
            "false))::int), sum(coalesce(damerau_levenshtein(x_l, x_r) <= 1, false)::int) FROM pairs").fetchone()
    assert slips > 5000  # the case holds plenty of both
    assert disagree == 0


def splink_scores(records: pd.DataFrame, model_dict: dict, threshold: float) -> pd.DataFrame:
    """The definition: Splink's own prediction with the frozen model, every record against every other."""
    from splink import DuckDBAPI, Linker

    with model.duckdb_session() as con:
        frame = model.splink_input(records)
        con.register("records_view", frame)
        con.execute("CREATE TABLE scored AS SELECT * FROM records_view")
        model._term_frequency_tables(con, "scored", model_dict)
        db_api = DuckDBAPI(con)
        table = db_api.register("scored", table_name="scored_records")
        linker = Linker(table, {**model_dict, "retain_matching_columns": True,
                                "retain_intermediate_calculation_columns": False}, log_level=None)
        for column in model.TF_COLUMNS:
            linker.table_management.register_term_frequency_lookup(
                db_api.register(f"tf_{column}_lookup", table_name=f"tf_{column}_registered"), column)
        predicted = linker.inference.predict_within(table, threshold_match_probability=threshold,
                                                    warning_mode="never")
        gammas = ", ".join(f"gamma_{c['output_column_name']}" for c in model_dict["comparisons"])
        return con.sql(f"SELECT least(uid_l, uid_r) AS uid_l, greatest(uid_l, uid_r) AS uid_r, match_weight, "
                       f"match_probability, {gammas} FROM {predicted.physical_name} ORDER BY 1, 2").df()


def test_scoring_in_sql_gives_splinks_pairs_and_weights_to_the_last_bit():
    from synthetic.linkage.person_records import person_records
    from transforms.people.standardise import standardise

    records = standardise(person_records(4000, seed=3))
    model_dict = model.load()
    ours = model.score(records, pd.Series(True, index=records.index), model_dict, 0.5)
    theirs = splink_scores(records, model_dict, 0.5).astype({"uid_l": "int64", "uid_r": "int64"})
    assert len(ours) > 1000
    pd.testing.assert_frame_equal(ours, theirs[ours.columns], check_exact=True, check_dtype=False)


def test_no_records_standardise_to_no_records():
    """A run with nothing new to match (every person-bearing file of the quarter failed or is unchanged)."""
    from transforms.people.standardise import COLUMNS, standardise

    empty = standardise(pd.DataFrame({"source": pd.Series([], dtype="str"), "record_id": pd.Series([], dtype="str")}))
    assert len(empty) == 0 and set(COLUMNS) <= set(empty.columns)


@pytest.mark.parametrize("seed", range(4))
def test_keys_joined_back_by_position_equal_the_join_on_keys(seed):
    """`assure link` gives each input row its record's result by position; the definition is the join on
    (source, record_id): rows repeating a key, rows without a record id, spaces around ids, in any order."""
    from transforms.people.link import OUTPUT, REQUIRED, _joined
    from transforms.people.standardise import standardise_rows

    rng = random.Random(seed)
    ids = [rng.choice(["", "  ", None, f" r{rng.randrange(40)} ", f"r{rng.randrange(40)}"]) for _ in range(300)]
    raw = pd.DataFrame({"source": [rng.choice(["a", "b", "c"]) for _ in ids], "record_id": ids,
                        "first_name": [rng.choice(["Ann", "Bo", None]) for _ in ids]})
    order = raw[list(REQUIRED)].astype("str").apply(lambda column: column.str.strip())
    records, row_of_input = standardise_rows(raw)
    linked = records[["source", "record_id"]].assign(
        person_key=[f"P{rng.randrange(30)}" for _ in range(len(records))],
        match_probability=[rng.choice([1.0, 0.97, np.nan]) for _ in range(len(records))],
        rule=[rng.choice(["SINGLE", "NHS", None]) for _ in range(len(records))])
    by_position = _joined(order, records, row_of_input, linked)
    by_key = order.merge(linked, on=["source", "record_id"], how="left")[OUTPUT]
    assert (row_of_input < 0).any() and raw["record_id"].duplicated().any(), "the corners were hit"
    pd.testing.assert_frame_equal(by_position.astype(object), by_key.astype(object))
    shuffled = linked.sample(frac=1, random_state=seed).reset_index(drop=True)  # not in order: joined on keys
    pd.testing.assert_frame_equal(_joined(order, records, row_of_input, shuffled).astype(object),
                                  by_key.astype(object))
