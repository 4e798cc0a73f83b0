"""Screen a landed file before any parser sees it: its size, what it really is (judged by its bytes, never by its
name), encryption, macros, zip bombs and its number of rows. A file that fails is refused with a FILE rule.

Limits come from the environment so an operator can tune them without a release:
`ASSURE_MAX_FILE_MB` (default 100), `ASSURE_MAX_ROWS` (rows per sheet, default 1,048,576: Excel's own maximum),
`ASSURE_MAX_UNCOMPRESSED_MB` (what an xlsx/ods may expand to, default 1024), `ASSURE_MAX_ZIP_RATIO` (expansion
of one compressed member, and of the whole archive, default 100; real workbooks expand 3 to 20 times) and
`ASSURE_MAX_ZIP_MEMBERS` (parts in one archive, default 2,000; a real workbook has a few dozen).
"""

from __future__ import annotations

import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from schemas.file_rules import EMPTY, ENCRYPTED, MACROS, TOO_LARGE, TOO_MANY_ROWS, UNREADABLE, ZIP_BOMB, FileProblem
from transforms import settings

WORKBOOK, CSV = "workbook", "csv"
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Compound File: .xls, and the wrapper of an encrypted .xlsx
CHUNK = 1 << 20
MB = 1 << 20
# A member smaller than this is never called a bomb, whatever its ratio (tiny XML parts compress very well).
RATIO_FLOOR_BYTES = MB
NOT_SPREADSHEETS = ((b"%PDF", "a PDF document"), (b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"),
                    (b"GIF8", "a GIF image"), (b"{\\rtf", "a Word (RTF) document"), (b"Rar!", "a RAR archive"),
                    (b"\x1f\x8b", "a gzip archive"), (b"7z\xbc\xaf", "a 7-Zip archive"))


@dataclass(frozen=True)
class Limits:
    """Size and row limits for one landed file."""

    max_bytes: int
    max_rows: int
    max_uncompressed: int
    max_ratio: float
    max_members: int


def limits() -> Limits:
    """The limits in force (read from the environment on every call, so tests and operators can change them)."""
    given = settings.file_limits()
    return Limits(max_bytes=int(given["max_file_mb"] * MB), max_rows=int(given["max_rows"]),
                  max_uncompressed=int(given["max_uncompressed_mb"] * MB), max_ratio=given["max_zip_ratio"],
                  max_members=int(given["max_zip_members"]))


@dataclass
class Screened:
    """What the file is (`workbook` or `csv`) and notes for the sender (e.g. a name that does not match).

    `formula_parts`: the zip members (sheets) whose XML holds a formula or an error value, seen while every part
    was read for the screen, so the reader looks for untrusted cells there only; None when not known.
    """

    kind: str
    notes: list[str] = field(default_factory=list)
    formula_parts: frozenset[str] | None = None
    altered_text: bool = False  # some part holds a NUL escape (`_x0000_`) or U+FFFD: the reader scrubs the cells


def _mb(size: int) -> str:
    return f"{size / MB:,.1f} MB"


def _looks_like_text(head: bytes) -> bool:
    """True for text a CSV could hold: a Unicode BOM, or hardly any control characters (a stray NUL is text damaged
    on the way, removed and queried when read; UTF-16 without a BOM, half NULs, is not text we can read)."""
    if head.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return True
    controls = sum(1 for byte in head if byte < 32 and byte not in (9, 10, 12, 13))
    return controls <= len(head) * 0.01


def _count_in_stream(handle, needles: tuple[bytes, ...], budget: int) -> tuple[int, dict[bytes, int]]:
    """(total bytes, occurrences of each needle) reading `handle` in chunks; stops past `budget` bytes.

    A needle is only searched for in a chunk holding every one of its bytes: most needles are signs of something
    rare, and one of their bytes is usually missing from a whole chunk of sheet XML (a `'`, a `:`, an `f` among
    the cells), which one memchr pass tells far sooner than a search for the needle."""
    total, found = 0, dict.fromkeys(needles, 0)
    keep = max(len(needle) for needle in needles) - 1  # enough of a chunk's end to complete a needle it cuts
    needed = {needle: [bytes([byte]) for byte in dict.fromkeys(needle)] for needle in needles}  # its bytes, once
    tail = b""
    while chunk := handle.read(CHUNK):
        total += len(chunk)
        if total > budget:
            break
        window = tail + chunk
        present: dict[bytes, bool] = {}  # byte -> whether the window holds it, looked up once a window
        for needle in needles:
            if not _holds_every(window, needed[needle], present):
                continue  # a byte of it is missing: not in the window, so not in its tail either
            # a needle wholly inside the tail was counted with the chunk before (none of them overlaps itself)
            found[needle] += window.count(needle) - tail.count(needle)
        tail = window[-keep:] if keep else b""
    return total, found


def _holds_every(window: bytes, needed: list[bytes], present: dict[bytes, bool]) -> bool:
    """Whether `window` holds every one of the `needed` bytes; each byte looked up once a window (`present`)."""
    for byte in needed:
        if byte not in present:
            present[byte] = byte in window
        if not present[byte]:
            return False
    return True


def _is_sheet(name: str) -> bool:
    return (name.startswith("xl/worksheets/") and name.endswith(".xml")) or name == "content.xml"


ROW_TAGS = (b"</row>", b":row>", b"</table:table-row>")  # xlsx, xlsx with a namespace prefix, ods
# Cheap signs that a sheet may hold a formula or an error value, whatever the prefix or quoting (`<f>`, `<x:f>`,
# `t="e"`, `t='e'`); the reader then parses that sheet's XML to find the cells (read.py). False alarms cost a parse.
FORMULA_TAGS = (b"<f", b":f", b'"e"', b"'e'")
ALTERED_TAGS = (b"_x0000_", "\ufffd".encode())  # a NUL written as an OOXML escape; a character already lost


def _screen_zip(path: Path, limit: Limits) -> tuple[frozenset[str], bool]:
    """Refuse the archive if it is unsafe or too big; the sheets holding formulas or error values, and whether any
    part holds text the reader must scrub."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise FileProblem(UNREADABLE, "It is a damaged or incomplete zip archive.") from exc
    with archive:
        members = archive.infolist()
        names = {m.filename.lower() for m in members}
        if any(n.endswith("vbaproject.bin") for n in names):
            raise FileProblem(MACROS, "It holds a VBA project.")
        if any(m.flag_bits & 0x1 for m in members):
            raise FileProblem(ENCRYPTED, "Parts of it are encrypted.")
        if len(members) > limit.max_members:
            raise FileProblem(ZIP_BOMB, f"It holds {len(members):,} parts; the limit is {limit.max_members:,}.")
        declared = sum(m.file_size for m in members)
        if declared > limit.max_uncompressed:
            raise FileProblem(ZIP_BOMB, f"It would expand to {_mb(declared)}; the limit is "
                                        f"{_mb(limit.max_uncompressed)}.")
        # the whole archive's expansion, so a bomb split into many small parts is caught like one big part
        compressed = sum(m.compress_size for m in members)
        if declared > RATIO_FLOOR_BYTES and declared / max(compressed, 1) > limit.max_ratio:
            raise FileProblem(ZIP_BOMB, f"It expands {declared / max(compressed, 1):,.0f} times "
                                        f"(the limit is {limit.max_ratio:g}).")
        for member in members:
            ratio = member.file_size / max(member.compress_size, 1)
            if member.file_size > RATIO_FLOOR_BYTES and ratio > limit.max_ratio:
                raise FileProblem(ZIP_BOMB, f"Part '{member.filename}' expands {ratio:,.0f} times "
                                            f"(the limit is {limit.max_ratio:g}).")
        # Declared sizes can lie: read every part once, within the budget, so the CRC and the real sizes are
        # checked by us before a parser trusts them. Rows with cells are counted on the way (`</row>`), and
        # formulas and error values noticed, so the reader scans only the sheets that hold any.
        budget = limit.max_uncompressed
        formula_parts, altered = set(), False
        for member in members:
            sheet = _is_sheet(member.filename)
            try:
                with archive.open(member) as handle:
                    needles = ROW_TAGS + FORMULA_TAGS + ALTERED_TAGS if sheet else ALTERED_TAGS
                    size, counts = _count_in_stream(handle, needles, budget)
            except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
                raise FileProblem(ZIP_BOMB if "CRC" in str(exc) else UNREADABLE,
                                  f"Part '{member.filename}' is damaged or its size is not what it says.") from exc
            except NotImplementedError as exc:  # an unusual compression method (e.g. deflate64)
                raise FileProblem(UNREADABLE, f"Part '{member.filename}' uses an unsupported compression.") from exc
            except RuntimeError as exc:  # zipfile: "password required"
                raise FileProblem(ENCRYPTED, "Parts of it are encrypted.") from exc
            budget -= size
            if budget < 0:
                raise FileProblem(ZIP_BOMB, f"It expands to more than {_mb(limit.max_uncompressed)}.")
            altered = altered or any(counts[tag] for tag in ALTERED_TAGS)
            if not sheet:
                continue
            rows = sum(counts[tag] for tag in ROW_TAGS)
            if rows > limit.max_rows:
                raise FileProblem(TOO_MANY_ROWS, f"A sheet has {rows:,} rows; the limit is {limit.max_rows:,}.")
            if any(counts[tag] for tag in FORMULA_TAGS):
                formula_parts.add(member.filename)
    return frozenset(formula_parts), altered


def _stream_has(path: Path, needles: tuple[bytes, ...]) -> bool:
    with open(path, "rb") as handle:
        return any(_count_in_stream(handle, needles, 1 << 62)[1].values())


def _utf16(name: str) -> bytes:
    return name.encode("utf-16-le")


def _screen_ole(path: Path) -> None:
    # Encrypted xlsx files are Compound Files holding these two streams (MS-OFFCRYPTO); stream names are UTF-16.
    if _stream_has(path, (_utf16("EncryptedPackage"), _utf16("EncryptionInfo"))):
        raise FileProblem(ENCRYPTED, "It is an encrypted Office document.")
    if _stream_has(path, (_utf16("_VBA_PROJECT"), _utf16("_VBA_PROJECT_CUR"))):
        raise FileProblem(MACROS, "It is an .xls workbook holding VBA macros.")


def _csv_rows(path: Path) -> int:
    with open(path, "rb") as handle:
        return _count_in_stream(handle, (b"\n",), 1 << 62)[1][b"\n"] + 1


def screen(path: Path, name: str | None = None) -> Screened:
    """Check the file at `path` (sent as `name`) before parsing; raise FileProblem if it must be refused."""
    limit = limits()
    size = path.stat().st_size
    if size == 0:
        raise FileProblem(EMPTY, "It is 0 bytes long.")
    if size > limit.max_bytes:
        raise FileProblem(TOO_LARGE, f"It is {_mb(size)}; the limit is {_mb(limit.max_bytes)}.")
    with open(path, "rb") as handle:
        head = handle.read(8192)
    suffix = Path(name or path.name).suffix.lower()
    notes = []
    if head.startswith(ZIP_MAGIC):
        formula_parts, altered = _screen_zip(path, limit)
        if suffix in (".csv", ".txt"):
            notes.append(f"The file is named '{suffix}' but is an Excel or OpenDocument workbook: it was read as one.")
        return Screened(WORKBOOK, notes, formula_parts, altered)
    if head.startswith(OLE_MAGIC):
        _screen_ole(path)
        return Screened(WORKBOOK, notes)
    for magic, what in NOT_SPREADSHEETS:
        if head.startswith(magic):
            raise FileProblem(UNREADABLE, f"It is {what}.")
    if re.match(rb"\s*<(!doctype html|html|\?xml)", head[:200], re.I):
        raise FileProblem(UNREADABLE, "It is a web page or an XML file, not a spreadsheet.")
    if not _looks_like_text(head):
        raise FileProblem(UNREADABLE, "Its content is neither a spreadsheet nor text.")
    rows = _csv_rows(path)
    if rows > limit.max_rows:
        raise FileProblem(TOO_MANY_ROWS, f"It has {rows:,} lines; the limit is {limit.max_rows:,}.")
    if suffix in (".xlsx", ".xlsm", ".xls", ".ods"):
        notes.append(f"The file is named '{suffix}' but holds plain text (CSV): it was read as CSV.")
    return Screened(CSV, notes)
