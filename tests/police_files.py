"""Small police PPN files, ingested end to end into a warehouse, and its tables read back (tests of every stage)."""

import pandas as pd
import sqlalchemy as sa

from tests.conftest import write_xlsx
from transforms import warehouse
from transforms.feedback.report import write_feedback
from transforms.ingest.register import register
from transforms.ingest.submission import validate_submission
from transforms.load.staging import load_submission

PPN_HEADER = ["PPN ID", "Person ID", "Incident Date", "Submitted Date", "PPN Type", "DARA Completed"]


def ppn_file(tmp_path, name, rows):
    return write_xlsx(tmp_path / "landing" / "police" / name, {"PPN": [["Force extract"], PPN_HEADER, *rows]})


def ingest(tmp_path, url, path, period="2026-09"):
    submission = register(str(path), "police", period, str(tmp_path / "out"), url)
    result = validate_submission(submission, str(tmp_path / "out"))
    paths = write_feedback(result, str(tmp_path / "out"), url)
    load_submission(result, url)
    return result, paths


def rows_of(url, table):
    with warehouse.engine(url).connect() as conn:
        return pd.DataFrame(conn.execute(sa.select(warehouse.METADATA.tables[table])).mappings().all())
