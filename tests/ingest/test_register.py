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
