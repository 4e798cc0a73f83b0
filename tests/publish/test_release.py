"""Release after approval (DESIGN.md section 7): the internal profile is published on every run, the public profile
only once an analyst approved the quarter, and every decision is recorded in `ops_release` with who and when.
On SQLite and PostgreSQL; then `assure run` with and without --approve. The DAG's approval step is tested through
dag.test() in tests/dags/ (approve, reject, nobody answering) and through the REST API in test_airflow_live.py."""

import csv
from pathlib import Path

import pytest

from tests.operations.test_faults import small_landing
from tests.police_files import ingest, ppn_file
from transforms import cli, warehouse
from transforms.dataset.indicators import compute_indicators
from transforms.publish import APPROVED, REJECTED, ReleaseRefused, outputs, publish, release, releases

ROWS = [["P1", "N1", "01/07/2026", "02/07/2026", "Domestic abuse", "Y"],
        ["P2", "N2", "01/08/2026", "02/08/2026", "Domestic abuse", "N"],
        ["P3", "N3", "01/08/2026", "02/08/2026", "Missing", ""]]
JUNE = [["P5", "N5", "01/05/2026", "02/05/2026", "Domestic abuse", "Y"]]


@pytest.fixture
def no_pdf(monkeypatch):
    """The ARG pack's PDF stands in as a small file (LibreOffice takes seconds per pack; its own tests render it)."""
    def stand_in(path: Path, *pack, **options) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"%PDF-1.4 stand-in")
        return path

    monkeypatch.setattr(outputs, "render_pack_pdf", stand_in)


def public_files(out: Path) -> list[str]:
    folder = out / "published"
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")
                  if p.is_file() and p.relative_to(folder).parts[0] in ("public", "circulation"))


def test_approve_releases_the_public_profile_reject_records_only(tmp_path, warehouse_url, no_pdf):
    out = tmp_path / "out"
    ingest(tmp_path, warehouse_url, ppn_file(tmp_path, "june.xlsx", JUNE), period="2026-06")
    compute_indicators("2026-06", warehouse_url, "run-june")
    ingest(tmp_path, warehouse_url, ppn_file(tmp_path, "ppn.xlsx", ROWS))
    compute_indicators("2026-09", warehouse_url, "run-1")

    internal = publish("2026-09", warehouse_url, str(out))
    assert {"csv", "dashboard", "arg_pack", "data_quality"} == set(internal), "printed for circulation on release"
    assert public_files(out) == [], "the internal profile alone: nothing public before an approval"

    rejected = release("2026-09", warehouse_url, str(out), "bob", approved=False, comment="POL-02 looks low",
                       run_id="run-1", decided_at="2026-10-30T09:15:00+00:00")
    assert (rejected["decision"], rejected["released_at"], rejected["outputs"]) == (REJECTED, None, {})
    assert public_files(out) == []

    approved = release("2026-09", warehouse_url, str(out), "alice", run_id="run-1", comment="checked")
    assert {"circulation/arg_pack_2026-09.pdf", "public/dashboard/index.html", "public/partnership_dataset_2026-09.csv",
            "public/partnership_dataset_2026-09.meta.csv"} <= set(public_files(out))
    assert (out / "published" / "circulation" / "arg_pack_2026-09.pdf").read_bytes() == b"%PDF-1.4 stand-in"
    with open(out / "published" / "public" / "partnership_dataset_2026-09.csv", newline="") as handle:
        pol02 = next(r for r in csv.DictReader(handle) if r["indicator_id"] == "POL-02" and not r["breakdown"])
    assert (pol02["numerator"], pol02["value"]) == ("c", "c"), "the public profile: 1 of 2 is suppressed"
    assert "class='lineage'" not in (out / "published" / "public" / "dashboard" / "index.html").read_text()

    recorded = releases(warehouse_url, "2026-09")
    assert [(r["decision"], r["decided_by"], r["comment"], r["run_id"]) for r in recorded] == [
        (REJECTED, "bob", "POL-02 looks low", "run-1"), (APPROVED, "alice", "checked", "run-1")]
    assert recorded[0]["decided_at"] == "2026-10-30T09:15:00+00:00" and recorded[0]["released_at"] is None
    assert recorded[1]["released_at"] >= recorded[1]["decided_at"] == approved["decided_at"]
    assert recorded[1]["outputs"].splitlines() == ["published/public/partnership_dataset_2026-09.csv",
                                                   "published/public/dashboard/index.html",
                                                   "published/circulation/arg_pack_2026-09.pdf"]

    # released again: the period's public files replaced, both approvals kept
    (out / "published" / "public" / "partnership_dataset_2026-09.csv").write_text("stale")
    release("2026-09", warehouse_url, str(out), "carol")
    assert (out / "published" / "public" / "partnership_dataset_2026-09.csv").read_text().startswith("indicator_id,")
    assert [r["decided_by"] for r in releases(warehouse_url, "2026-09")] == ["bob", "alice", "carol"]
    assert releases(warehouse_url, "2026-09")[-1]["run_id"] == "run-1", "the run whose numbers were released"

    # another quarter: rejected, it removes nothing of 2026-09; approved later, an earlier quarter's release leaves
    # the public dashboard on the latest quarter released
    before = {name: (out / "published" / name).read_bytes() for name in public_files(out)}
    release("2026-06", warehouse_url, str(out), "bob", approved=False)
    assert {name: (out / "published" / name).read_bytes() for name in public_files(out)} == before
    earlier = release("2026-06", warehouse_url, str(out), "alice")
    assert set(earlier["outputs"]) == {"public_csv", "circulation_pdf"}, "the dashboard of 2026-09 stays"
    assert Path(earlier["outputs"]["circulation_pdf"]).name == "arg_pack_2026-06.pdf", "its own pack, printed"
    assert (out / "published" / "public" / "partnership_dataset_2026-06.csv").is_file()
    assert {name: (out / "published" / name).read_bytes() for name in before} == before
    assert [(r["period"], r["decision"]) for r in releases(warehouse_url)][-2:] == [("2026-06", REJECTED),
                                                                                    ("2026-06", APPROVED)]


def test_a_release_is_refused_when_the_numbers_are_not_those_approved(tmp_path, sqlite_url):
    out = tmp_path / "out"
    with pytest.raises(ReleaseRefused, match="has not been computed"):
        release("2026-09", sqlite_url, str(out), "alice")
    ingest(tmp_path, sqlite_url, ppn_file(tmp_path, "ppn.xlsx", ROWS))
    compute_indicators("2026-09", sqlite_url, "run-1")
    compute_indicators("2026-09", sqlite_url, "run-2")  # computed again after run-1's publication was approved
    with pytest.raises(ReleaseRefused, match=r"computed again \(run run-2\) after run run-1"):
        release("2026-09", sqlite_url, str(out), "alice", run_id="run-1")
    with pytest.raises(ValueError, match="who made it"):
        release("2026-09", sqlite_url, str(out), " ")
    assert public_files(out) == [] and releases(sqlite_url) == []
    # a rejection of those numbers is still recorded: it writes nothing
    release("2026-09", sqlite_url, str(out), "alice", approved=False, run_id="run-1")
    assert public_files(out) == []
    assert [(r["decision"], r["run_id"]) for r in releases(sqlite_url)] == [(REJECTED, "run-1")]


def test_assure_run_releases_only_with_approve(tmp_path, sqlite_url, capsys, no_pdf):
    landing, out = small_landing(tmp_path / "landing"), tmp_path / "out"
    command = ["run", "--landing", str(landing), "--period", "2026-09", "--out", str(out), "--warehouse", sqlite_url]
    assert cli.main(command) == 0
    said = capsys.readouterr().out
    assert "public:       not released: the public profile of 2026-09 awaits approval" in said
    assert f"assure run --landing {landing} --period 2026-09 --out {out} --warehouse URL --approve" in said
    assert (out / "published" / "partnership_dataset_2026-09.csv").is_file()
    assert public_files(out) == [] and releases(sqlite_url) == []

    assert cli.main([*command, "--by", "tester"]) == 2, "--by names an approver: it needs --approve"
    assert "--by and --comment go with --approve" in capsys.readouterr().err

    assert cli.main([*command, "--approve", "--by", "tester", "--comment", "numbers checked"]) == 0
    said = capsys.readouterr().out
    assert "public_csv:   " in said and "awaits approval" not in said
    assert "released:     the public profile of 2026-09, approved by tester at " in said
    assert "public/partnership_dataset_2026-09.csv" in public_files(out)
    assert "circulation/arg_pack_2026-09.pdf" in public_files(out)
    [recorded] = releases(sqlite_url)
    assert (recorded["decision"], recorded["decided_by"], recorded["comment"]) == (APPROVED, "tester",
                                                                                   "numbers checked")
    computed = warehouse.fct_indicator_value
    with warehouse.engine(sqlite_url).connect() as conn:
        assert {run for (run,) in conn.execute(computed.select().with_only_columns(computed.c.run_id)
                                               .where(computed.c.period == "2026-09").distinct())} == \
            {recorded["run_id"]}, "the numbers released are those of the run that approved them"
