"""The workbooks we send agencies open in a second spreadsheet program: LibreOffice converts them to PDF.

Excel is not available here; LibreOffice stands in for "not only the library that wrote it can read it".
Without `soffice` the test skips, except under CI (CI=true), where it fails.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import write_xlsx
from transforms.feedback.report import write_feedback
from transforms.feedback.templates import bespoke_returns, write_templates
from transforms.handoff import Submission
from transforms.ingest.register import sha256_of
from transforms.ingest.submission import validate_submission

CONVERT_TIMEOUT = 180  # seconds; a cold start with a fresh profile takes a few


def soffice() -> str:
    """Path of the LibreOffice binary, or skip (fail under CI)."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail("LibreOffice (soffice) is required under CI but is not installed")
        pytest.skip("LibreOffice (soffice) not installed (set CI=true to make this a failure)")
    return found


def to_pdf(workbook: Path, tmp_path: Path) -> Path:
    """Convert with a private profile (parallel runs would otherwise share one and silently convert nothing)."""
    out = tmp_path / "pdf"
    profile = (tmp_path / "lo-profile").as_uri()
    done = subprocess.run([soffice(), f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                           "--outdir", str(out), str(workbook)],
                          capture_output=True, text=True, timeout=CONVERT_TIMEOUT)
    assert done.returncode == 0, done.stderr
    pdf = out / f"{workbook.stem}.pdf"
    assert pdf.is_file() and pdf.stat().st_size > 0, f"no PDF from {workbook.name}: {done.stdout} {done.stderr}"
    assert pdf.read_bytes().startswith(b"%PDF")
    return pdf


def test_feedback_workbook_opens_in_libreoffice(tmp_path):
    soffice()
    header = ["PPN ID", "Person ID", "Incident Date", "Submitted Date", "PPN Type", "DARA Completed"]
    rows = [["P1", "N1", "01/07/2026", "02/07/2026", "Other", ""],
            ["P2", "N2", "31/02/2026", "30/06/2026", "=HYPERLINK(\"x\")", ""],  # rejected: commented cells
            ["P3", "N3", dt.datetime(2026, 7, 3), "04/07/2026", "Domestic abuse", ""]]  # a query
    path = write_xlsx(tmp_path / "landing" / "police" / "ppn.xlsx", {"PPN": [["Force extract"], header, *rows]})
    sha = sha256_of(path)
    submission = Submission(submission_id=sha[:16], sha256=sha, file_name=path.name, archive_path=str(path),
                            agency="police", period="2026-09", received_at="2026-10-01T09:00:00+00:00")
    result = validate_submission(submission, str(tmp_path / "out"))
    assert result.status == "PARTIAL" and result.rows_rejected >= 1 and result.rows_queried >= 1
    feedback = Path(write_feedback(result, str(tmp_path / "out"))["xlsx"])
    pdf = to_pdf(feedback, tmp_path)
    # printed, every sheet fits the page's width: the summary's counts and a rejected row's last column are there
    printed = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True,
                             timeout=60).stdout
    rows_read = [line.split() for line in printed.splitlines() if line.strip().startswith("Rows read")]
    assert rows_read and rows_read[0][-1] == str(result.rows_read), "the count is printed beside its label"
    assert "DARA Completed" in printed


def test_a_template_opens_in_libreoffice(tmp_path):
    soffice()
    paths = write_templates(tmp_path / "templates")
    assert [p.stem for p in paths] == bespoke_returns()
    to_pdf(paths[0], tmp_path)
