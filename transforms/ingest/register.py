"""Survey the landing folder and register a landed file: archive it unchanged under its sha256 and record who sent
it, for which period, and when.

Only regular files are registered, opened without following links (`open_regular`); links, pipes and devices, and
files at the landing root (no agency folder says who sent them) are refused with a note in the outbox, never read.

The same bytes from one agency for one period are one submission: a second registration returns the first. The
same bytes in a later period are that period's return (an agency whose data did not change resends its file), so
they register again, as a new submission of the new period; the archive holds the bytes once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import shutil
import stat
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from schemas.file_rules import NO_AGENCY_FOLDER, NOT_A_FILE, FileRule
from transforms import warehouse
from transforms.handoff import Submission
from transforms.ingest.files import atomic_write

# Folders at the landing root that are ours, not an agency's (`_truth/`, `_reference/`, `_earlier/`), or hidden.
IGNORED_PREFIXES = ("_", ".")
# Files skipped: Excel's `~$` lock files and the folder metadata desktops write. Anything else is an agency's
# file, whatever its name (`_final.xlsx`, `..\x.xlsx`): nothing that lands may be silently ignored.
IGNORED_FILE_PREFIXES = ("~$",)
IGNORED_FILE_NAMES = {".DS_Store", "Thumbs.db", "desktop.ini"}
SAFE_NAME_CHARS = 80  # derived names stay far below any file system's 255-byte limit, outbox prefixes included
LANDING_ROOT = "_landing"  # the outbox folder for notes about files no agency folder holds


class NotRegularFile(OSError):
    """The path is a link, a pipe, a device or a folder, not a regular file: never opened for its content."""


def open_regular(path: Path):
    """Open `path` for reading only if it is a regular file, without following a link at its end (and without
    blocking on a pipe); raise NotRegularFile otherwise."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as exc:
        if os.path.islink(path):
            raise NotRegularFile(f"{path} is a link") from exc
        raise
    if not stat.S_ISREG(os.fstat(descriptor).st_mode):
        os.close(descriptor)
        raise NotRegularFile(f"{path} is not a regular file")
    return os.fdopen(descriptor, "rb")


def sha256_of(path: Path) -> str:
    """Hex sha256 of a regular file, read in chunks (never through a link)."""
    digest = hashlib.sha256()
    with open_regular(path) as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def safe_name(name: str) -> str:
    """A file name safe to use inside our folders: never a path, only plain characters, and at most
    SAFE_NAME_CHARS long (a longer name keeps its start and extension, with a hash of the whole name between, so
    two long names never collide)."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(name).name).strip("._") or "file"
    if len(cleaned) <= SAFE_NAME_CHARS:
        return cleaned
    suffix = _suffix(cleaned)
    tag = hashlib.sha256(name.encode("utf-8", "surrogateescape")).hexdigest()[:10]
    return f"{cleaned[:SAFE_NAME_CHARS - len(suffix) - 11]}_{tag}{suffix}"


@dataclass(frozen=True)
class Refusal:
    """Something in landing that is not registered, and why: `agency` is its agency folder (None at the root)."""

    path: str
    agency: str | None
    rule: FileRule
    detail: str

    @property
    def landed(self) -> str:
        """Where it is, relative to the landing folder, printable."""
        return "".join(c if c.isprintable() else "?" for c in self.path)


def _kind(mode: int) -> str:
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def survey(landing_dir: Path) -> tuple[list[dict], list[Refusal]]:
    """Everything in the landing folder, without following any link: the regular files waiting in
    `landing/<agency>/` and its sub-folders, oldest first (then by name), as [{'path', 'agency'}]; and the refusals:
    links, pipes and devices anywhere (FILE-015), files at the landing root (FILE-016)."""
    landing_dir = Path(landing_dir)
    found, refused = [], []

    def refuse(path: Path, agency: str | None, rule: FileRule, detail: str) -> None:
        refused.append(Refusal(str(path.relative_to(landing_dir)), agency, rule, detail))

    def walk(folder: Path, agency: str) -> None:
        for entry in sorted(os.scandir(folder), key=lambda e: e.name):
            path, mode = Path(entry.path), entry.stat(follow_symlinks=False).st_mode
            if stat.S_ISDIR(mode):
                walk(path, agency)  # a sub-folder of an agency's folder is that agency's (e.g. `police/2026-Q3/`)
            elif stat.S_ISREG(mode):
                if not entry.name.startswith(IGNORED_FILE_PREFIXES) and entry.name not in IGNORED_FILE_NAMES:
                    found.append((entry.stat(follow_symlinks=False).st_mtime_ns, agency, entry.name, str(path)))
            else:
                refuse(path, agency, NOT_A_FILE, f"It is {_kind(mode)}.")

    for entry in sorted(os.scandir(landing_dir), key=lambda e: e.name):
        path, mode = Path(entry.path), entry.stat(follow_symlinks=False).st_mode
        if stat.S_ISDIR(mode):
            if not entry.name.startswith(IGNORED_PREFIXES):
                walk(path, entry.name)
        elif stat.S_ISREG(mode):
            if not entry.name.startswith(IGNORED_FILE_PREFIXES) and entry.name not in IGNORED_FILE_NAMES:
                refuse(path, None, NO_AGENCY_FOLDER, "")
        else:
            refuse(path, None, NOT_A_FILE, f"It is {_kind(mode)}.")
    files = [{"path": path, "agency": agency} for _, agency, _, path in sorted(found)]
    return files, refused


def discover(landing_dir: Path) -> list[dict]:
    """Regular files waiting in `landing/<agency>/` (and its sub-folders), oldest first: [{'path', 'agency'}]."""
    return survey(landing_dir)[0]


def refuse(refusals: list[Refusal], out_dir: str) -> list[str]:
    """Write a note for each refusal to `outbox/<agency>/` (`outbox/_landing/` at the root); return one line each
    for the run summary. The note names the entry as it is in landing; it is never opened or followed."""
    lines = []
    for refusal in refusals:
        folder = Path(out_dir) / "outbox" / (safe_name(refusal.agency) if refusal.agency else LANDING_ROOT)
        note = folder / f"{safe_name(Path(refusal.path).name)}.refused.txt"
        text = (f"Not read: landing/{refusal.landed}\n{refusal.rule.rule_id}: {refusal.rule.title}. "
                f"{refusal.rule.message} {refusal.detail}".rstrip() + "\n")
        with atomic_write(note) as partial:
            partial.write_text(text, encoding="utf-8")
        lines.append(f"{refusal.landed}: {refusal.rule.rule_id} {refusal.rule.title}. {refusal.detail}".rstrip())
    return lines


def _archive(source: Path, archive: Path) -> None:
    """Copy into the archive atomically: a reader (or a second copy racing this one) never sees half a file. The
    source is opened as a regular file only: a link swapped in since the survey is not followed."""
    if archive.exists():
        return
    with open_regular(source) as handle, atomic_write(archive) as partial, open(partial, "wb") as copy:
        shutil.copyfileobj(handle, copy, 1 << 20)


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
    return [item for item in survey(landing_dir)[0]
            if submission_id_of(sha256_of(Path(item["path"])), item["agency"], period) not in loaded]
