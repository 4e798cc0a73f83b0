"""Register a landed file: archive it unchanged under its sha256 and record who sent it, for which period, and when.

The same bytes from one agency for one period are one submission: a second registration returns the first. The
same bytes in a later period are that period's return (an agency whose data did not change resends its file), so
they register again, as a new submission of the new period; the archive holds the bytes once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import shutil
from pathlib import Path

import sqlalchemy as sa

from transforms import warehouse
from transforms.handoff import Submission
from transforms.ingest.files import atomic_write

IGNORED_PREFIXES = ("_", ".", "~$")  # folders such as `_truth/`, hidden folders
# Files skipped: Excel's `~$` lock files and the folder metadata desktops write. Anything else is an agency's
# file, whatever its name (`_final.xlsx`, `..\x.xlsx`): nothing that lands may be silently ignored.
IGNORED_FILE_PREFIXES = ("~$",)
IGNORED_FILE_NAMES = {".DS_Store", "Thumbs.db", "desktop.ini"}


def sha256_of(path: Path) -> str:
    """Hex sha256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def safe_name(name: str) -> str:
    """A file name safe to use inside our folders (never a path)."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(name).name).strip("._")
    return cleaned or "file"


def discover(landing_dir: Path) -> list[dict]:
    """Files waiting in `landing/<agency>/`, oldest first (then by name): [{'path', 'agency'}]."""
    found = []
    for agency_dir in sorted(Path(landing_dir).iterdir()):
        if not agency_dir.is_dir() or agency_dir.name.startswith(IGNORED_PREFIXES):
            continue
        for path in agency_dir.iterdir():
            if path.is_file() and not path.name.startswith(IGNORED_FILE_PREFIXES) \
                    and path.name not in IGNORED_FILE_NAMES:
                found.append((path.stat().st_mtime_ns, agency_dir.name, path.name, str(path)))
    return [{"path": path, "agency": agency} for _, agency, _, path in sorted(found)]


def _archive(source: Path, archive: Path) -> None:
    """Copy into the archive atomically: a reader (or a second copy racing this one) never sees half a file."""
    if archive.exists():
        return
    with atomic_write(archive) as partial:
        shutil.copyfile(source, partial)


def _suffix(name: str) -> str:
    # the archive name is ours: keep a plain extension only (a name may end in `.csv;rm -rf ~`)
    suffix = Path(name).suffix.lower()
    return suffix if re.fullmatch(r"\.[a-z0-9]{1,8}", suffix) else ""


def submission_id_of(sha: str, agency: str, period: str) -> str:
    """The id of the submission of these bytes by this agency for this period (the same on every registration)."""
    return hashlib.sha256(f"{agency}\n{period}\n{sha}".encode()).hexdigest()[:16]


def register(path: str, agency: str, period: str, out_dir: str, warehouse_url: str) -> Submission:
    """Archive the file and record it in `raw_submission`; return the submission."""
    source = Path(path)
    sha = sha256_of(source)
    table = warehouse.raw_submission
    submission_id = submission_id_of(sha, agency, period)

    def attempt() -> dict:
        with warehouse.engine(warehouse_url).begin() as conn:
            row = conn.execute(sa.select(table).where(table.c.submission_id == submission_id)).mappings().first()
            if row is not None:
                return dict(row)
            archive = Path(out_dir) / "archive" / f"{sha}{_suffix(source.name)}"
            _archive(source, archive)
            row = {
                "submission_id": submission_id, "sha256": sha, "agency": agency, "file_name": source.name,
                "archive_path": str(archive), "period": period,
                # microseconds keep the arrival order of submissions strict
                "received_at": dt.datetime.now(dt.UTC).isoformat(timespec="microseconds"),
            }
            conn.execute(table.insert().values(**row, loaded=0))
            return row

    def once() -> dict:
        try:
            return attempt()
        except sa.exc.IntegrityError:  # the same bytes registered by another process at the same moment
            return attempt()

    return Submission.from_dict(warehouse.retrying(once, f"registering {agency}/{source.name!r}"))


def pending(landing_dir: Path, warehouse_url: str, period: str) -> list[dict]:
    """Landed files not yet loaded for `period` (by content: a file already loaded for the period under another
    name is not pending; the same bytes loaded for an earlier period are)."""
    table = warehouse.raw_submission
    with warehouse.engine(warehouse_url).connect() as conn:
        loaded = set(conn.execute(sa.select(table.c.submission_id)
                                  .where(table.c.loaded == 1, table.c.period == period)).scalars())
    return [item for item in discover(landing_dir)
            if submission_id_of(sha256_of(Path(item["path"])), item["agency"], period) not in loaded]
