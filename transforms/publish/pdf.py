"""PDF of a workbook, rendered by LibreOffice headless (the pack for the meeting papers)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

CONVERT_SECONDS = 240  # a cold start with a fresh profile takes a few seconds; a large pack more


def soffice() -> str | None:
    """The LibreOffice binary, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def render_pdf(workbook: Path, pdf: Path) -> Path | None:
    """Render `workbook` to `pdf` with LibreOffice headless (a private profile, so parallel runs never share one);
    None when LibreOffice is not installed. The PDF appears whole or not at all."""
    binary = soffice()
    if binary is None:
        return None
    with tempfile.TemporaryDirectory(prefix="assure-pdf-") as folder:
        profile = (Path(folder) / "profile").as_uri()
        subprocess.run([binary, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--convert-to", "pdf",
                        "--outdir", folder, str(workbook)], check=True, timeout=CONVERT_SECONDS,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, "HOME": folder})
        made = Path(folder) / f"{workbook.stem}.pdf"
        if not made.is_file():
            raise RuntimeError(f"LibreOffice did not render {workbook.name} to PDF")
        pdf.parent.mkdir(parents=True, exist_ok=True)
        partial = pdf.with_name(pdf.name + ".partial")
        shutil.move(str(made), partial)
        os.replace(partial, pdf)
    return pdf


__all__ = ["render_pdf", "soffice"]
