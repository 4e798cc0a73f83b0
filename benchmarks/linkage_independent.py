"""Person reconciliation on people it has never seen (issue 18), beside a plain Splink model on the same records.

Data the engine was never trained or tuned on:
- the independent generator (`benchmarks/independent_people.py`: its own name pools, households and corruption
  model, written without sight of `synthetic/` or `transforms/people/`);
- FEBRL 3 (5,000 records, one file) and FEBRL 4 (two files of 5,000, linked as one file of two sources), read from
  the `recordlinkage` package (its pandas pin excludes it from this project's environment, so its files are
  installed once, without dependencies, into build/bench/ and only its CSV files are read).

Each file is reconciled twice, each in a fresh process whose wall time and peak resident memory (VmHWM) are
measured: by `assure link`'s engine (`transforms.people.link.link_file`), and by a plain Splink model built the way
Splink's documentation builds one (its comparison library on first name, surname, date of birth, postcode, sex and
identifier; u by random sampling, m by expectation maximisation on two blocking rules; connected components of the
pairs at 0.99). Reported: pairwise precision, recall and F1 of the automatic links, the review queue (ours), time
and peak memory. `python -m benchmarks.linkage_independent [--records N ...]`; `make bench` includes it.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

PROJECT = Path(__file__).resolve().parents[1]
FOLDER = PROJECT / "build" / "bench" / "linkage_independent"
SEED = 11
THRESHOLD = 0.99
RECORDLINKAGE = "recordlinkage==0.16"


# ---- the data ---------------------------------------------------------------------------------------------------

def independent_file(n: int) -> Path:
    """n records of the independent generator, with their true person (written once)."""
    from benchmarks.independent_people import generate

    path = FOLDER / f"independent-{n}-seed{SEED}.parquet"
    if not path.exists() or not _twins_path(path).exists():
        FOLDER.mkdir(parents=True, exist_ok=True)
        records, people = generate(n, SEED, with_truth=True)
        records.to_parquet(path, index=False)
        twins = people.loc[people["twin_of"] >= 0, ["true_person", "twin_of"]]
        twins.astype("str").to_parquet(_twins_path(path), index=False)
    return path


def _twins_path(path: Path) -> Path:
    """Beside a file of records: its true twin pairs (true_person, twin_of), where the generator says so."""
    return path.with_name(path.stem + "-twins.parquet")


def twins_merged(source: Path, linked: pd.DataFrame) -> int | None:
    """How many true twin pairs one person key holds both of (None when the data says nothing of twins)."""
    path = _twins_path(source)
    if not path.exists():
        return None
    twins = pd.read_parquet(path)
    pairs = {tuple(sorted(pair)) for pair in zip(twins["true_person"], twins["twin_of"], strict=True)}
    keys = linked.assign(true_person=linked["true_person"].astype("str")).groupby("true_person")["person_key"] \
        .agg(set)
    return sum(bool(keys.get(a, set()) & keys.get(b, set())) for a, b in pairs)


def _febrl_csv(name: str) -> pd.DataFrame:
    package = FOLDER / "recordlinkage"
    if not (package / "recordlinkage" / "datasets" / "febrl").is_dir():
        # the package's files only (--no-deps): its pandas pin would not resolve beside this project's pandas 3
        uv = [shutil.which("uv")] if shutil.which("uv") else ["python3", "-m", "uv"]
        subprocess.run([*uv, "pip", "install", "--quiet", "--no-deps", "--target", str(package), RECORDLINKAGE],
                       check=True)
    path = package / "recordlinkage" / "datasets" / "febrl" / f"{name}.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, skipinitialspace=True)
    frame.columns = [c.strip() for c in frame.columns]
    return frame


def _febrl_people(frame: pd.DataFrame, source: str) -> pd.DataFrame:
    """FEBRL records in the person-file columns: the true person is the number in `rec-<n>-org|dup-<k>`."""
    born = frame["date_of_birth"].str.strip()
    return pd.DataFrame({
        "record_id": frame["rec_id"].str.strip(), "source": source,
        "first_name": frame["given_name"].str.strip(), "last_name": frame["surname"].str.strip(),
        "date_of_birth": born.where(born.str.fullmatch(r"\d{8}"), "").map(
            lambda d: f"{d[:4]}-{d[4:6]}-{d[6:]}" if d else ""),
        "sex": "", "postcode": frame["postcode"].str.strip(),
        "address_line": (frame["street_number"].str.strip() + " " + frame["address_1"].str.strip()).str.strip(),
        # FEBRL's personal identifier (a social security number, mistyped in some duplicates): the engine reads it
        # as `other_id`, the baseline as its identifier
        "nhs_number": "", "other_id": frame["soc_sec_id"].str.strip(),
        "true_person": frame["rec_id"].str.extract(r"rec-(\d+)-")[0]})


def febrl_file(which: int) -> Path:
    """FEBRL 3 or 4 as one person file with its truth (written once)."""
    path = FOLDER / f"febrl{which}-with-identifier.parquet"
    if not path.exists():
        FOLDER.mkdir(parents=True, exist_ok=True)
        if which == 3:
            people = _febrl_people(_febrl_csv("dataset3"), "febrl")
        else:
            people = pd.concat([_febrl_people(_febrl_csv("dataset4a"), "a"),
                                _febrl_people(_febrl_csv("dataset4b"), "b")], ignore_index=True)
        people.to_parquet(path, index=False)
    return path


# ---- the two engines, each in its own process -------------------------------------------------------------------

def run_ours(source: str, out: str, review: str) -> dict:
    """`assure link`'s engine on the file: each record's person key, and the review queue."""
    from transforms.people.link import link_file

    records = pd.read_parquet(source).drop(columns=["true_person"])
    bare = Path(out).with_suffix(".input.parquet")
    records.to_parquet(bare, index=False)
    link_file(bare, out, review)
    keys = pd.read_parquet(out, columns=["source", "record_id", "person_key"])
    return {"review": len(pd.read_parquet(review)) if Path(review).exists() else 0, "keys": len(keys)}


def _identifier(records: pd.DataFrame) -> pd.Series | None:
    """The baseline's one identifier column: the NHS number, else the other identifier (what the engine reads too)."""
    found = [records[c].str.strip().replace("", None) for c in ("nhs_number", "other_id") if c in records]
    if not found:
        return None
    return found[0].fillna(found[1]) if len(found) > 1 else found[0]


def run_splink(source: str, out: str, review: str) -> dict:
    """A plain Splink model, as Splink's documentation builds one, on the same records."""
    import duckdb
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    records = pd.read_parquet(source).drop(columns=["true_person"])
    frame = pd.DataFrame({
        "unique_id": records["source"] + "|" + records["record_id"],
        **{c: records[c].str.strip().str.lower().replace("", None) for c in
           ("first_name", "last_name", "date_of_birth", "sex", "postcode")},
        "identifier": _identifier(records),
    })
    frame["date_of_birth"] = pd.to_datetime(frame["date_of_birth"], errors="coerce").dt.strftime("%Y-%m-%d")
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[cl.NameComparison("first_name"), cl.NameComparison("last_name"),
                     cl.DateOfBirthComparison("date_of_birth", input_is_string=True),
                     cl.PostcodeComparison("postcode"), cl.ExactMatch("sex"), cl.ExactMatch("identifier")],
        blocking_rules_to_generate_predictions=[
            block_on("first_name", "last_name"), block_on("date_of_birth", "last_name"),
            block_on("date_of_birth", "first_name"), block_on("postcode", "last_name"),
            block_on("postcode", "date_of_birth")],
        retain_intermediate_calculation_columns=False)
    connection = duckdb.connect()
    connection.execute("SET memory_limit = '1536MB'")
    linker = Linker(DuckDBAPI(connection).register(frame, table_name="records"), settings, log_level=None)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("first_name", "last_name", "date_of_birth")], recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=SEED)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("date_of_birth"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("first_name", "last_name"))
    pairs = linker.inference.predict(threshold_match_probability=0.5)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(pairs, THRESHOLD).as_pandas_dataframe()
    keys = pd.DataFrame({"source": clusters["unique_id"].str.split("|", n=1).str[0],
                         "record_id": clusters["unique_id"].str.split("|", n=1).str[1],
                         "person_key": clusters["cluster_id"].astype(str)})
    keys.to_parquet(out, index=False)
    return {"review": None, "keys": len(keys)}


ENGINES = {"ours": run_ours, "splink": run_splink}


def child(engine: str, source: str, out: str, review: str) -> None:
    """In the child process: one engine on one file; then its peak memory."""
    from transforms.operations import stopwatch

    started = time.perf_counter()
    result = ENGINES[engine](source, out, review)
    print(json.dumps({**result, "engine_seconds": time.perf_counter() - started,
                      "peak_mb": stopwatch.high_water_mb()}))


# ---- accuracy ---------------------------------------------------------------------------------------------------

def _pairs(sizes: pd.Series) -> int:
    return int((sizes * (sizes - 1) // 2).sum())


def pairwise(predicted: pd.Series, truth: pd.Series) -> dict:
    """Pairwise precision, recall and F1 of a clustering against the true people (one row per record)."""
    both = pd.DataFrame({"p": predicted.astype(str).to_numpy(), "t": truth.astype(str).to_numpy()})
    agree = _pairs(both.groupby(["p", "t"]).size())
    linked, true = _pairs(both.groupby("p").size()), _pairs(both.groupby("t").size())
    precision = agree / linked if linked else 1.0
    recall = agree / true if true else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "true_pairs": true, "linked_pairs": linked}


def measure(name: str, source: Path, engine: str) -> dict:
    """One engine on one file in a fresh process: accuracy against the truth, wall time, peak memory."""
    out, review = FOLDER / f"{name}-{engine}-keys.parquet", FOLDER / f"{name}-{engine}-review.parquet"
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "benchmarks.linkage_independent", "child", engine, str(source),
                           str(out), str(review)], cwd=PROJECT, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{engine} on {name} failed:\n{done.stderr[-3000:]}")
    seconds = time.perf_counter() - started
    measured = json.loads(done.stdout.strip().splitlines()[-1])
    truth = pd.read_parquet(source, columns=["source", "record_id", "true_person"])
    keys = pd.read_parquet(out, columns=["source", "record_id", "person_key"])
    linked = truth.merge(keys, on=["source", "record_id"], how="left")
    linked["person_key"] = linked["person_key"].fillna("unlinked:" + linked["source"] + linked["record_id"])
    records = len(truth)
    return {"data": name, "engine": engine, "records": records, "seconds": seconds, **measured,
            "twins_merged": twins_merged(source, linked), **pairwise(linked["person_key"], linked["true_person"])}


def report(rows: list[dict]) -> list[str]:
    """Markdown lines for the results file."""
    lines = ["| data | engine | records | precision | recall | F1 | review queue | twin pairs merged | seconds | "
             "peak MB |", "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        review = "-" if r["review"] is None else f"{r['review']:,} ({100 * r['review'] / r['records']:.1f}%)"
        twins = "-" if r.get("twins_merged") is None else f"{r['twins_merged']:,}"
        lines.append(f"| {r['data']} | {r['engine']} | {r['records']:,} | {r['precision']:.4f} | {r['recall']:.4f} | "
                     f"{r['f1']:.4f} | {review} | {twins} | {r['seconds']:.1f} | {r['peak_mb']:,.0f} |")
    return lines


def targets(rows: list[dict]) -> list[str]:
    """Issue 18's target rows (markdown) for the results file: the independent generator and FEBRL 3 and 4."""
    by = {(r["data"], r["engine"]): r for r in rows}
    lines = []
    for (data, engine), ours in by.items():
        splink = by.get((data, "splink"))
        if engine != "ours" or splink is None:
            continue
        if data.startswith("independent"):
            share = ours["review"] / ours["records"]
            met = (ours["precision"] >= 0.995 and ours["recall"] >= 0.97 and share < 0.02
                   and ours["seconds"] <= 1.5 * splink["seconds"])
            lines.append(f"| {data} (never seen): precision at least 0.995, recall at least 0.97, review under 2%, "
                         f"at most 1.5x Splink's time | {ours['precision']:.4f}, {ours['recall']:.4f}, "
                         f"{100 * share:.1f}%, {ours['seconds']:.1f} s vs {splink['seconds']:.1f} s | "
                         f"{'met' if met else '**NOT MET**'} |")
        else:
            met = ours["f1"] >= splink["f1"]
            lines.append(f"| {data}: F1 at least Splink's baseline | {ours['f1']:.4f} vs {splink['f1']:.4f} | "
                         f"{'met' if met else '**NOT MET**'} |")
    return lines


def main(argv: list[str]) -> int:
    """Measure both engines on the independent generator (each --records size) and FEBRL 3 and 4."""
    if argv[:1] == ["child"]:
        child(*argv[1:5])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, nargs="*", default=[200_000])
    parser.add_argument("--no-febrl", action="store_true")
    args = parser.parse_args(argv)
    files = [(f"independent {n:,}", independent_file(n)) for n in args.records]
    if not args.no_febrl:
        files += [("FEBRL 3", febrl_file(3)), ("FEBRL 4", febrl_file(4))]
    rows = [measure(name, path, engine) for name, path in files for engine in ENGINES]
    print("\n".join(report(rows)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
