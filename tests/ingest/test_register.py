"""Registration: the same bytes twice are one submission, archived by sha256."""

from tests.police_files import ppn_file, rows_of
from transforms.ingest.register import register


def test_same_bytes_twice_is_one_submission(tmp_path, sqlite_url):
    path = ppn_file(tmp_path, "a.xlsx", [["P1", "N1", "01/07/2026", "02/07/2026", "Other", ""]])
    copy = tmp_path / "landing" / "police" / "copy.xlsx"
    copy.write_bytes(path.read_bytes())
    first = register(str(path), "police", "2026-09", str(tmp_path / "out"), sqlite_url)
    second = register(str(copy), "police", "2026-09", str(tmp_path / "out"), sqlite_url)
    assert first == second
    assert len(rows_of(sqlite_url, "raw_submission")) == 1
    assert (tmp_path / "out" / "archive" / f"{first.sha256}.xlsx").read_bytes() == path.read_bytes()


def test_the_same_bytes_next_quarter_are_next_quarters_return_archived_once(tmp_path, sqlite_url):
    """An agency whose data did not change resends its file: it is that quarter's return too (DESIGN.md s6), so
    nothing the file feeds goes to "no data"; the archive keeps the bytes once."""
    path = ppn_file(tmp_path, "a.xlsx", [["P1", "N1", "01/07/2026", "02/07/2026", "Other", ""]])
    out = str(tmp_path / "out")
    june = register(str(path), "police", "2026-06", out, sqlite_url)
    september = register(str(path), "police", "2026-09", out, sqlite_url)
    assert june.sha256 == september.sha256 and june.submission_id != september.submission_id
    assert (june.period, september.period) == ("2026-06", "2026-09")
    assert register(str(path), "police", "2026-09", out, sqlite_url) == september  # and still once per quarter
    assert sorted(rows_of(sqlite_url, "raw_submission")["period"]) == ["2026-06", "2026-09"]
    assert [p.name for p in (tmp_path / "out" / "archive").iterdir()] == [f"{june.sha256}.xlsx"]


def test_a_file_loaded_last_quarter_is_pending_this_quarter(tmp_path, sqlite_url):
    from transforms.ingest import pending
    from transforms.pipeline import run

    path = ppn_file(tmp_path, "a.xlsx", [["P1", "N1", "01/07/2026", "02/07/2026", "Other", ""]])
    landing = tmp_path / "landing"
    run(str(landing), "2026-06", str(tmp_path / "out"), sqlite_url, progress=lambda line: None)
    assert pending(landing, sqlite_url, "2026-06") == []
    assert [item["path"] for item in pending(landing, sqlite_url, "2026-09")] == [str(path)]
