"""The records stages hand each other: a JSON round trip that loses nothing, one place for the work-folder paths,
and the checks across returns kept apart from what ingest wrote."""

import json

from transforms.handoff import IngestResult, Submission, TableResult, WorkFolder

SUBMISSION = Submission(submission_id="abc123", sha256="ab" * 32, agency="police", file_name="ppn (2).xlsx",
                        archive_path="/out/archive/x.xlsx", period="2026-09", received_at="2026-10-01T09:00:00Z")


def result(out_dir) -> IngestResult:
    work = WorkFolder.of(out_dir, SUBMISSION.submission_id)
    return IngestResult(**SUBMISSION.to_dict(), status="PARTIAL", return_id="police_ppn", notes=["a note"],
                        tables=[TableResult("police_ppn", "PPN", str(work.accepted("police_ppn")), 3,
                                            {"ppn_id": "PPN ID"})],
                        rows_read=3, rows_accepted=2, rows_rejected=1, rows_queried=1, issues_path=str(work.issues),
                        rejected_paths=[str(work.rejected(0))])


def test_records_round_trip_through_plain_data_and_json(tmp_path):
    assert Submission.from_dict(SUBMISSION.to_dict()) == SUBMISSION
    original = result(tmp_path)
    assert IngestResult.from_dict(json.loads(json.dumps(original.to_dict()))) == original
    assert IngestResult.from_dict(json.loads(original.to_json())) == original
    assert Submission.from_dict(original.to_dict()) == SUBMISSION  # a result is its submission and more


def test_read_takes_the_crosscheck_count_and_leaves_the_result_file_alone(tmp_path):
    original = result(tmp_path)
    work = WorkFolder.of(tmp_path, original.submission_id)
    assert IngestResult.read(tmp_path, original.submission_id) is None  # no work files: nothing to read
    work.path.mkdir(parents=True)
    work.result.write_text(original.to_json())
    assert IngestResult.read(tmp_path, original.submission_id) == original
    work.cross_counts.write_text(json.dumps({"rows_queried": 2}))
    assert IngestResult.read(tmp_path, original.submission_id).rows_queried == 2
    assert json.loads(work.result.read_text())["rows_queried"] == 1


def test_every_work_file_lives_in_the_submission_folder(tmp_path):
    work = WorkFolder.of(tmp_path, "abc123")
    assert work.path == tmp_path / "work" / "abc123"
    files = [work.result, work.issues, work.accepted("police_ppn"), work.rejected(0), work.cross_issues,
             work.cross_counts]
    assert all(f.parent == work.path for f in files) and len({f.name for f in files}) == len(files)


def test_a_work_table_comes_back_as_it_was_written(tmp_path):
    """The work folder's tables (Arrow IPC) give back the frame's columns, types and values, whatever its index;
    a parquet one, as an earlier version wrote them, is still read."""
    import numpy as np
    import pandas as pd

    from transforms.handoff import WORK_FILE, read_frame, write_frame

    frame = pd.DataFrame({"text": pd.Series(["a", None, "Zoë", ""], dtype="str"),
                          "row": np.array([4, 5, 7, 9], dtype="int64"),
                          "mixed": pd.Series(["x", None, "3", "y"], dtype="object"),
                          "flag": [True, False, True, False], "number": [1.5, np.nan, 3.0, 4.0]},
                         index=[10, 3, 7, 0])  # rows kept after rejections: not a plain index
    write_frame(frame, tmp_path / f"accepted{WORK_FILE}")
    frame.to_parquet(tmp_path / "accepted.parquet", index=False)
    as_before = pd.read_parquet(tmp_path / "accepted.parquet")  # what the work files gave back as parquet
    back = read_frame(tmp_path / f"accepted{WORK_FILE}")
    pd.testing.assert_frame_equal(back, as_before)
    pd.testing.assert_frame_equal(read_frame(tmp_path / "accepted.parquet"), as_before)
    assert back.index.tolist() == [0, 1, 2, 3]
    assert back.astype("object").where(back.notna(), None).values.tolist() == \
        frame.astype("object").where(frame.notna(), None).values.tolist()
    assert [str(t) for t in back.dtypes] == ["str", "int64", "str", "bool", "float64"]
    assert not list(tmp_path.glob(".*partial")), "written whole, then renamed"
