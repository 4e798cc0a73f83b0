"""The value map (DESIGN.md section 4): a local value no code list can read is collected with its count, told to the
agency, mapped once by the analyst (`assure values map`), loaded on the next run of the same file, and survives an
export and an import into another warehouse."""

import json

from tests.police_files import ppn_file, rows_of
from transforms import cli
from transforms.pipeline import run

PERIOD = "2026-09"
ROWS = [["P1", "N1", "01/07/2026", "02/07/2026", "FREI", "Y"],
        ["P2", "N2", "02/07/2026", "03/07/2026", "frei ", "Y"],  # the same value, spelled otherwise
        ["P3", "N3", "03/07/2026", "04/07/2026", "Child concern", ""],
        ["P4", "N4", "04/07/2026", "05/07/2026", "ACOM", ""]]


def quiet_run(tmp_path, url):
    return run(str(tmp_path / "landing"), PERIOD, str(tmp_path / "out"), url, progress=lambda line: None)


def types_loaded(url):
    loaded = rows_of(url, "stg_police_ppn")
    return {ppn: (kind if isinstance(kind, str) else None) for ppn, kind in zip(loaded["ppn_id"], loaded["ppn_type"],
                                                                               strict=True)}


def test_an_unmapped_value_is_counted_told_mapped_and_loaded_on_the_next_run(tmp_path, sqlite_url, capsys):
    ppn_file(tmp_path, "ppn.xlsx", ROWS)
    summary = quiet_run(tmp_path, sqlite_url)
    assert summary.submissions[0]["rows_rejected"] == 0, "an unreadable code never rejects a row"
    assert types_loaded(sqlite_url) == {"P1": None, "P2": None, "P3": "CHILD_CONCERN", "P4": None}
    waiting = rows_of(sqlite_url, "dq_unmapped_value").set_index("value_key")
    assert waiting.loc["frei", "rows"] == 2 and waiting.loc["acom", "rows"] == 1
    assert waiting.loc["frei", "column"] == "ppn_type" and waiting.loc["frei", "example_rows"] == "PPN!3, 4"
    with open(summary.submissions[0]["feedback"]["json"]) as handle:
        feedback = json.load(handle)
    assert {(v["column"], v["value"], v["rows"]) for v in feedback["unmapped_values"]} == {
        ("PPN Type", "FREI", 2), ("PPN Type", "ACOM", 1)}

    assert cli.main(["values", "unmapped", "--warehouse", sqlite_url]) == 0
    assert "FREI" in capsys.readouterr().out
    assert cli.main(["values", "map", "--agency", "police", "--column", "ppn_type", "--value", "Frei.",
                     "--code", "DOMESTIC_ABUSE", "--by", "analyst-1", "--warehouse", sqlite_url]) == 0
    mapped = rows_of(sqlite_url, "dq_value_map").iloc[0]
    assert (mapped["value_key"], mapped["code"], mapped["mapped_by"]) == ("frei", "DOMESTIC_ABUSE", "analyst-1")
    assert mapped["mapped_at"]

    quiet_run(tmp_path, sqlite_url)  # the same file, run again
    assert types_loaded(sqlite_url) == {"P1": "DOMESTIC_ABUSE", "P2": "DOMESTIC_ABUSE", "P3": "CHILD_CONCERN",
                                        "P4": None}
    assert set(rows_of(sqlite_url, "dq_unmapped_value")["value_key"]) == {"acom"}
    capsys.readouterr()
    assert cli.main(["values", "unmapped", "--warehouse", sqlite_url]) == 0
    listed = capsys.readouterr().out
    assert "ACOM" in listed and "FREI" not in listed


def test_mappings_survive_export_and_import_into_another_warehouse(tmp_path, sqlite_url):
    assert cli.main(["values", "map", "--agency", "police", "--column", "ppn_type", "--value", "FREI",
                     "--code", "DOMESTIC_ABUSE", "--by", "analyst-1", "--warehouse", sqlite_url]) == 0
    exported = tmp_path / "map.csv"
    assert cli.main(["values", "export", str(exported), "--warehouse", sqlite_url]) == 0
    other = f"sqlite:///{tmp_path / 'other.sqlite'}"
    assert cli.main(["values", "import", str(exported), "--warehouse", other, "--by", "mover"]) == 0
    before = rows_of(sqlite_url, "dq_value_map").to_dict("records")
    after = rows_of(other, "dq_value_map").to_dict("records")
    assert after == before, "who and when travel with the mapping"
    ppn_file(tmp_path, "ppn.xlsx", ROWS)
    quiet_run(tmp_path, other)
    assert types_loaded(other)["P1"] == "DOMESTIC_ABUSE"


def test_a_mapping_must_name_a_coded_column_and_one_of_its_codes(tmp_path, sqlite_url, capsys):
    assert cli.main(["values", "map", "--agency", "police", "--column", "ppn_type", "--value", "FREI",
                     "--code", "NOT_A_CODE", "--warehouse", sqlite_url]) == 2
    assert "not a code of ppn_type" in capsys.readouterr().err
    assert cli.main(["values", "map", "--agency", "police", "--column", "ppn_id", "--value", "FREI",
                     "--code", "X", "--warehouse", sqlite_url]) == 2
    assert "no coded column 'ppn_id'" in capsys.readouterr().err
    assert cli.main(["values", "map", "--agency", "police", "--warehouse", sqlite_url]) == 2
    assert rows_of(sqlite_url, "dq_value_map").empty
