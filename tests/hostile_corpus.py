"""The hostile-input corpus of issue 17, written from the specification (DESIGN.md section 9 and the issue text), not
from the implementation: each case is a file (or a link, a pipe, a folder) landed somewhere in `landing/`, with the
outcome `assure run` must reach. `build_hostile(root)` writes every case under `root/landing/` (and the things links
point at under `root/outside/`).

Outcomes:
- ACCEPTED / PARTIAL / QUARANTINED: the file is registered (a `raw_submission` row for its bytes and agency) with that
  status, and its submission carries exactly `rules` in `dq_issue` (`ANY_FILE_RULE`: exactly one FILE rule, which one
  the issue does not say; `QUERIES_ONLY`: no FILE or ERROR rule).
- REFUSED: the thing is not registered at all (no `raw_submission` row, nothing archived), a note
  `out/outbox/<agency>/*.refused.txt` says why (rule `rules`), and stdout says "refused".

All cases are for period 2026-09 (window 2024-10-01 to 2026-09-30). Every file name starts with `hc_` (or holds a
planted person's name) so a published output naming one can be found.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import html
import io
import os
import struct
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import xlsxwriter

from tests.bad_inputs import (
    HSR_HEADER,
    PPN_HEADER,
    STYLES,
    as_text,
    nhs_number,
    ppn_rows,
    write_csv,
    write_xlsx,
)
from tests.bad_inputs import PERIOD as PERIOD  # re-exported: the period every case is for

ACCEPTED, PARTIAL, QUARANTINED, REFUSED = "ACCEPTED", "PARTIAL", "QUARANTINED", "REFUSED"
ANY_FILE_RULE = "any FILE rule"  # QUARANTINED with exactly one FILE rule: the issue does not name it
QUERIES_ONLY = "queries only"  # loaded; the issue names no rule, so any QUERY rules but no FILE or ERROR rule

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
DOC_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
SHEET_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"

# ---- planted identities: nothing of these may reach out/published/ ----------------------------------------

PLANTED_NAMES = ("Philippa Thistlewood", "Casimir Blomqvist")
PLANTED_SURNAMES = ("Thistlewood", "Blomqvist")
NHS_TRAINING, NHS_FILE_NAME, NHS_EMPTY_NAME, NHS_FREE_CODE = (nhs_number(s) for s in (901, 902, 903, 904))


def spaced(nhs: str) -> str:
    return f"{nhs[:3]} {nhs[3:6]} {nhs[6:]}"


CANARY_HOST = "hc-canary.invalid"  # in every planted formula: never to be seen in a published output

# people with accents (all encodable in Windows-1252, including the curly apostrophe, which Latin-1 lacks)
ENC_PEOPLE = [("Zoë", "Vantongeren"), ("Siân", "Aberconwy-Pryce"), ("Renée", "Ó Dálaigh"),
              ("Maëlys", "Brontë-Quennell"), ("Niamh", "O’Sullivan"), ("Jürgen", "Straßmann"),
              ("Chloé", "Dufresne"), ("Oisín", "Mac Giolla Bhríde")]
ENC_NHS = [nhs_number(910 + i) for i in range(len(ENC_PEOPLE))]
STRAY_ROW = 6  # Chloé Dufresne: a stray byte in her last name
CUT_ROW = 5  # Jürgen Straßmann: the ß cut to its first byte
ENC_SURNAMES = ("Vantongeren", "Aberconwy-Pryce", "Brontë-Quennell", "Straßmann", "Dufresne")

HOSTILE_TRAINING_NAME = f"Philippa Thistlewood {NHS_TRAINING} =HYPERLINK(x) training.xlsx"
HOSTILE_PPN_NAME = f"Casimir Blomqvist {NHS_FILE_NAME} PPN return.xlsx"
HOSTILE_EMPTY_NAME = f"Referrals for Philippa Thistlewood NHS {spaced(NHS_EMPTY_NAME)}.xlsx"
LONG_NAME_245 = "hc_long PPN return for the quarter ending September 2026 " + "q" * 183 + ".xlsx"
LONG_NAME_255 = "hc_long_csv " + "z" * 239 + ".csv"
assert len(LONG_NAME_245) == 245 and len(LONG_NAME_255) == 255

# a training return (DESIGN s3: course_id, module, course_date, agency, attendees): catalogued modules and free text
TRAINING_HEADER = ["Course ID", "Module", "Course Date", "Agency", "Attendees"]
CATALOGUED_MODULES = ("Module 2 - Working Together to Safeguard Children", "Domestic abuse awareness")
HOSTILE_MODULES = (
    f'=HYPERLINK("http://{CANARY_HOST}/trn","Philippa Thistlewood {NHS_TRAINING}")',  # name + NHS + formula
    f"Working Together refresher (trainer Philippa Thistlewood, NHS {spaced(NHS_TRAINING)})",
    f"Casimir Blomqvist {NHS_TRAINING} one-to-one",
    "+Briefing for Casimir Blomqvist",
    "-Neglect walkthrough by Philippa Thistlewood",
    "@Lunchtime session",
)
HOSTILE_AGENCY = "Education (ask Philippa Thistlewood)"
FREE_CODE_TYPE = f"Raised by Casimir Blomqvist {spaced(NHS_FREE_CODE)}"  # an unmappable PPN type
FREE_CODE_RISK = f'=HYPERLINK("http://{CANARY_HOST}/risk","click me")'  # an unmappable risk level
FEEDBACK_TYPE = f'=HYPERLINK("http://{CANARY_HOST}/fb","click")'
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

# every planted string that must never be published (file names are added by the test from the landed files)
PLANTED_TEXT = (*PLANTED_NAMES, *PLANTED_SURNAMES, *ENC_SURNAMES, CANARY_HOST, "HYPERLINK")
PLANTED_NHS = (NHS_TRAINING, NHS_FILE_NAME, NHS_EMPTY_NAME, NHS_FREE_CODE, *ENC_NHS)


# ---- rows -------------------------------------------------------------------------------------------------

def ppn(prefix: str, count: int = 12) -> list[list[object]]:
    """Valid PPN rows with ids `<prefix>001`..; the person ids are N5000.. (see bad_inputs.ppn_rows)."""
    return ppn_rows(count, prefix=prefix)


def referrals(prefix: str, people: list[tuple[str, str]], nhs: list[str] | None = None) -> list[list[object]]:
    """Valid health safeguarding referrals, one per person, referred in the quarter, children at the referral."""
    rows = []
    for i, (first, last) in enumerate(people):
        rows.append([f"{prefix}{i + 1:04d}", first, last, dt.date(2012 + i % 6, 1 + i % 12, 1 + i % 28),
                     "F" if i % 2 else "M", f"B9{i % 10} {i % 10}QS", nhs[i] if nhs else "", "Health visiting",
                     dt.date(2026, 7, 1) + dt.timedelta(days=i % 90), "Neglect", "Y"])
    return rows


def csv_bytes(rows: list[list[object]], delimiter: str = ",") -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows([[as_text(v) for v in r] for r in rows])
    return buffer.getvalue()


# ---- a zip writer that compresses a repeated member once (a split bomb in milliseconds) --------------------

def write_zip(path: Path, entries: list[tuple[str, bytes]], level: int = 6) -> Path:
    """A plain deflated zip of `entries` (name, data) with honest headers. Members that are the same bytes object are
    compressed once, so hundreds of 1 MiB parts cost one compression."""
    path.parent.mkdir(parents=True, exist_ok=True)
    cache: dict[int, tuple[int, bytes]] = {}
    stamp_time, stamp_date = 0, ((2026 - 1980) << 9) | (10 << 5) | 5
    body, central = io.BytesIO(), io.BytesIO()
    for name, data in entries:
        key = id(data)
        if key not in cache:
            packer = zlib.compressobj(level, zlib.DEFLATED, -15)
            cache[key] = (zlib.crc32(data), packer.compress(data) + packer.flush())
        crc, packed = cache[key]
        encoded = name.encode()
        offset = body.tell()
        body.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, stamp_time, stamp_date, crc, len(packed),
                               len(data), len(encoded), 0) + encoded + packed)
        central.write(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, stamp_time, stamp_date, crc,
                                  len(packed), len(data), len(encoded), 0, 0, 0, 0, 0, offset) + encoded)
    directory = central.getvalue()
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(directory), body.tell(), 0)
    path.write_bytes(body.getvalue() + directory + end)
    return path


# ---- raw OOXML ----------------------------------------------------------------------------------------------

def esc(text: str) -> str:
    return html.escape(text, quote=True)


def char_refs(text: str) -> str:
    """Every character that is not a letter or digit as a numeric character reference (`&#38;`, `&#x22;`)."""
    return "".join(c if c.isalnum() else (f"&#{ord(c)};" if i % 2 else f"&#x{ord(c):x};") for i, c in enumerate(text))


def raw_book(path: Path, sheets: list[tuple[str, str, str]], shared: list[str] | None = None,
             extra: list[tuple[str, bytes]] = (), level: int = 6) -> Path:
    """An xlsx written part by part. `sheets`: (name as it goes into workbook.xml's attribute, already escaped;
    sheet XML; state: '' visible, 'hidden', 'veryHidden'), in workbook order. `shared`: the shared strings, stored
    as given (so `_x0000_` escapes reach the reader untouched). The first visible sheet is the active one."""
    count = len(sheets)
    overrides = "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{SHEET_CT}"/>'
                        for i in range(1, count + 1))
    if shared is not None:
        overrides += ('<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
                      'officedocument.spreadsheetml.sharedStrings+xml"/>')
    types = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="{CT_NS}">'
             '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
             '<Default Extension="xml" ContentType="application/xml"/>'
             '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
             'spreadsheetml.sheet.main+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.'
             f'openxmlformats-officedocument.spreadsheetml.styles+xml"/>{overrides}</Types>')
    root_rels = (f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_REL_NS}"><Relationship Id="rId1" '
                 f'Type="{DOC_REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
    active = next((i for i, (_, _, state) in enumerate(sheets) if not state), 0)
    entries = "".join(f'<sheet name="{name}" sheetId="{i}"{f" state={chr(34)}{state}{chr(34)}" if state else ""} '
                      f'r:id="rId{i}"/>' for i, (name, _, state) in enumerate(sheets, start=1))
    workbook = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="{MAIN_NS}" '
                f'xmlns:r="{DOC_REL_NS}"><bookViews><workbookView activeTab="{active}" firstSheet="{active}"/>'
                f"</bookViews><sheets>{entries}</sheets></workbook>")
    rels = "".join(f'<Relationship Id="rId{i}" Type="{DOC_REL_NS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                   for i in range(1, count + 1))
    rels += f'<Relationship Id="rId{count + 1}" Type="{DOC_REL_NS}/styles" Target="styles.xml"/>'
    if shared is not None:
        rels += f'<Relationship Id="rId{count + 2}" Type="{DOC_REL_NS}/sharedStrings" Target="sharedStrings.xml"/>'
    members = [("[Content_Types].xml", types.encode()), ("_rels/.rels", root_rels.encode()),
               ("xl/workbook.xml", workbook.encode()),
               ("xl/_rels/workbook.xml.rels", f'<?xml version="1.0" encoding="UTF-8"?><Relationships '
                f'xmlns="{PKG_REL_NS}">{rels}</Relationships>'.encode()),
               ("xl/styles.xml", STYLES.encode())]
    members += [(f"xl/worksheets/sheet{i}.xml", xml.encode()) for i, (_, xml, _) in enumerate(sheets, start=1)]
    if shared is not None:
        items = "".join(f'<si><t xml:space="preserve">{text}</t></si>' for text in shared)
        members.append(("xl/sharedStrings.xml", f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst '
                        f'xmlns="{MAIN_NS}" count="{len(shared)}" uniqueCount="{len(shared)}">{items}</sst>'.encode()))
    return write_zip(path, [*members, *extra], level=level)


def column(c: int) -> str:
    return chr(65 + c)


def excel_serial(day: dt.date) -> int:
    return (day - dt.date(1899, 12, 30)).days


@dataclass(frozen=True)
class Formula:
    """A formula cell: `text` in <f> (None: an empty <f/>, a shared formula's follower), `attrs` on <f>, `cached`
    the value Excel saved in <v> (a valid code: loading it would go unnoticed)."""

    text: str | None
    cached: str
    attrs: str = ""


def sheet_xml(rows: list[list[object]], formulas: dict[tuple[int, int], Formula] | None = None, *, prefix: str = "",
              order: str = "rst", refs: bool = True, shared: list[str] | None = None, serial_dates: bool = False,
              raw_text: dict[tuple[int, int], str] | None = None) -> str:
    """Sheet XML for `rows` (row 0 is Excel row 1). `formulas`/`raw_text` by (row index, column): formula cells, and
    text put into the XML as given (escapes such as `_x0000_` untouched). `prefix` ('x:') spells every element with
    a namespace prefix; `order` is the order of a cell's attributes r/s/t; `refs=False` leaves out every `r`
    (positions by order, blanks as empty <c/>); `shared` (a list to fill) stores text as shared strings."""
    formulas, raw_text = formulas or {}, raw_text or {}
    p = prefix
    out = []

    def attributes(ref: str, style: str, kind: str) -> str:
        values = {"r": ref if refs else "", "s": style, "t": kind}
        return "".join(f' {key}="{values[key]}"' for key in order if values[key])

    def text_cell(ref: str, text: str, escaped: bool = False) -> str:
        body = text if escaped else esc(text)
        if shared is not None:
            shared.append(body)
            return f"<{p}c{attributes(ref, '', 's')}><{p}v>{len(shared) - 1}</{p}v></{p}c>"
        return f'<{p}c{attributes(ref, "", "inlineStr")}><{p}is><{p}t xml:space="preserve">{body}</{p}t></{p}is></{p}c>'

    for r, row in enumerate(rows):
        cells = []
        for c, value in enumerate(row):
            ref = f"{column(c)}{r + 1}"
            if (r, c) in formulas:
                f = formulas[(r, c)]
                element = (f"<{p}f{f.attrs}/>" if f.text is None else f"<{p}f{f.attrs}>{esc(f.text)}</{p}f>")
                cells.append(f"<{p}c{attributes(ref, '0', 'str')}>{element}<{p}v>{esc(f.cached)}</{p}v></{p}c>")
            elif (r, c) in raw_text:
                cells.append(text_cell(ref, raw_text[(r, c)], escaped=True))
            elif value is None or value == "":
                if not refs:
                    cells.append(f"<{p}c/>")
            elif isinstance(value, dt.date) and serial_dates:
                cells.append(f"<{p}c{attributes(ref, '1', '')}><{p}v>{excel_serial(value)}</{p}v></{p}c>")
            else:
                cells.append(text_cell(ref, as_text(value)))
        numbered = f' r="{r + 1}"' if refs else ""
        out.append(f"<{p}row{numbered}>{''.join(cells)}</{p}row>")
    namespace = f'xmlns:{p[:-1]}="{MAIN_NS}"' if p else f'xmlns="{MAIN_NS}"'
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><{p}worksheet {namespace}>'
            f"<{p}sheetData>{''.join(out)}</{p}sheetData></{p}worksheet>")


# ---- builders: each takes (path to write, corpus root holding landing/ and outside/) -------------------------

Builder = Callable[[Path, Path], object]

RISK = 6  # the Risk Level column
FORMULA_PREFIX = {"formula_attributes_reordered": "PPN-FA", "formula_without_cell_refs": "PPN-FB",
                  "formula_namespace_prefixed": "PPN-FC", "formula_sheet_name_escaped": "PPN-FD",
                  "formula_shared_follower_charref_sheet": "PPN-FE"}
FORMULA_ROWS = {  # case id -> the data rows (0-based within ppn rows) whose Risk Level is a formula
    "formula_attributes_reordered": (4,),
    "formula_without_cell_refs": (2,),
    "formula_namespace_prefixed": (7,),
    "formula_sheet_name_escaped": (5,),
    "formula_shared_follower_charref_sheet": (3, 4),
}


def _formula_book(case_id: str, sheet_name: str, use_shared: bool = False, **style) -> Builder:
    def build(path: Path, root: Path) -> Path:
        rows = [PPN_HEADER, *ppn(FORMULA_PREFIX[case_id])]
        cached = {0: "High", 1: "Medium", 2: "Standard"}
        formulas = {}
        for data_row in FORMULA_ROWS[case_id]:
            value = cached[(data_row + 1) % 3]
            formulas[(data_row + 1, RISK)] = Formula(f'IF(1,"{value}")', value)
        if case_id == "formula_shared_follower_charref_sheet":
            first, second = (r + 1 for r in FORMULA_ROWS[case_id])
            ref = f"{column(RISK)}{first + 1}:{column(RISK)}{second + 1}"
            formulas[(first, RISK)] = Formula('IF(1,"High")', "High", f' t="shared" ref="{ref}" si="0"')
            formulas[(second, RISK)] = Formula(None, "High", ' t="shared" si="0"')
        shared = [] if use_shared else None
        xml = sheet_xml(rows, formulas, shared=shared, **style)
        return raw_book(path, [(sheet_name, xml, "")], shared=shared)
    return build


def nul_csv_police(path: Path, root: Path) -> Path:
    rows = ppn("PPN-HN")
    rows[6][1] = "N50\x0006"  # one NUL byte in one cell
    return write_csv(path, [PPN_HEADER, *rows])


def nul_csv_health(path: Path, root: Path) -> Path:
    rows = referrals("HSR-HN", ENC_PEOPLE, ENC_NHS)
    rows[1][2] = "Aberconwy\x00-Pryce"
    return write_csv(path, [HSR_HEADER, *rows])


NUL_EXPECTED = {  # case id -> (column, record id, the value loaded: the NUL removed)
    "nul_csv_police": ("police_person_id", "PPN-HN007", "N5006"),
    "nul_csv_health": ("last_name", "HSR-HN0002", "Aberconwy-Pryce"),
    "nul_xlsx_shared_string": ("police_person_id", "PPN-HS004", "N5003"),
    "nul_xlsx_inline_string": ("ppn_type", "PPN-HI009", "CHILD_CONCERN"),
}


def nul_xlsx_shared(path: Path, root: Path) -> Path:
    """`_x0000_` (the OOXML escape of NUL) inside a shared string."""
    rows = [PPN_HEADER, *ppn("PPN-HS")]
    shared: list[str] = []
    return raw_book(path, [("PPN", sheet_xml(rows, shared=shared, raw_text={(4, 1): "N_x0000_5003"},
                                              serial_dates=True), "")], shared=shared)


def nul_xlsx_inline(path: Path, root: Path) -> Path:
    """`_x0000_` inside an inline string (the PPN type), dates as date cells."""
    rows = [PPN_HEADER, *ppn("PPN-HI")]
    rows[9][4] = "Child concern"
    return raw_book(path, [("PPN", sheet_xml(rows, raw_text={(9, 4): "Child concern_x0000_"},
                                              serial_dates=True), "")])


def training_free_text(path: Path, root: Path) -> Path:
    modules = [*CATALOGUED_MODULES, *HOSTILE_MODULES]
    agencies = ("Police", "Children's Services", "Health - ICB", HOSTILE_AGENCY)
    rows = [[f"TRN-HC{i + 1:03d}", modules[i % len(modules)], dt.date(2026, 7, 1) + dt.timedelta(days=4 * i),
             agencies[i % len(agencies)], 3 + i] for i in range(2 * len(modules))]
    return write_xlsx(path, {"Training": [TRAINING_HEADER, *rows]})


def ppn_free_text_codes(path: Path, root: Path) -> Path:
    rows = ppn("PPN-HF")
    rows[2][4] = FREE_CODE_TYPE
    rows[5][6] = FREE_CODE_RISK
    return write_xlsx(path, {"PPN": [PPN_HEADER, *rows]})


def plain_ppn(prefix: str, title: str | None = None) -> Builder:
    def build(path: Path, root: Path) -> Path:
        rows = [PPN_HEADER, *ppn(prefix)]
        return write_xlsx(path, {"PPN": [[title], *rows] if title else rows})
    return build


def plain_ppn_csv(prefix: str) -> Builder:
    return lambda path, root: write_csv(path, [PPN_HEADER, *ppn(prefix)])


def plain_referrals_csv(prefix: str) -> Builder:
    return lambda path, root: write_csv(path, [HSR_HEADER, *referrals(prefix, ENC_PEOPLE, ENC_NHS)])


def empty_file(path: Path, root: Path) -> Path:
    path.write_bytes(b"")
    return path


def copy_of(case_id: str) -> Builder:
    def build(path: Path, root: Path) -> Path:
        source = BY_ID[case_id]
        path.write_bytes((root / "landing" / source.folder / source.file_name).read_bytes())
        return path
    return build


# links and pipes: `outside/` is beside landing, never part of it
OUTSIDE_PPN = "hc_outside_secret_ppn.xlsx"
OUTSIDE_DIR = "hc_outside_folder"
OUTSIDE_DIR_PPN = "hc_in_linked_folder_ppn.xlsx"
SECRET_PREFIXES = ("PPN-SECRET", "PPN-LINKDIR")


def link_outside_file(path: Path, root: Path) -> Path:
    target = plain_ppn("PPN-SECRET")(root / "outside" / OUTSIDE_PPN, root)
    path.symlink_to(target)
    return path


def link_proc_environ(path: Path, root: Path) -> Path:
    path.symlink_to("/proc/self/environ")
    return path


def link_dangling(path: Path, root: Path) -> Path:
    path.symlink_to(root / "outside" / "hc_does_not_exist.xlsx")
    return path


def named_pipe(path: Path, root: Path) -> Path:
    os.mkfifo(path)
    return path


def link_to_directory(path: Path, root: Path) -> Path:
    folder = root / "outside" / OUTSIDE_DIR
    plain_ppn("PPN-LINKDIR")(folder / OUTSIDE_DIR_PPN, root)
    path.symlink_to(folder, target_is_directory=True)
    return path


def link_inside_landing(path: Path, root: Path) -> Path:
    """A relative link from police/ to a health file in landing (health's own, landed as a regular file)."""
    path.symlink_to(Path("..") / "health" / BY_ID["nul_csv_health"].file_name)
    return path


LINK_TARGETS = {  # case id -> the target's path relative to the corpus root (a regular file), if any
    "link_outside_file": f"outside/{OUTSIDE_PPN}",
    "link_to_directory": f"outside/{OUTSIDE_DIR}/{OUTSIDE_DIR_PPN}",
}


def split_bomb(parts: int, part_bytes: int) -> Builder:
    """A valid small PPN workbook plus `parts` parts of `part_bytes` blanks each: none a bomb alone, the whole is."""
    def build(path: Path, root: Path) -> Path:
        blank = b" " * part_bytes
        extra = [(f"xl/media/hc_part{i:04d}.xml", blank) for i in range(parts)]
        return raw_book(path, [("PPN", sheet_xml([PPN_HEADER, *ppn("PPN-HB")]), "")], extra=extra, level=9)
    return build


def many_members(total: int, empty: bool = False) -> Builder:
    """A valid small PPN workbook of exactly `total` zip members (tiny or empty extra parts)."""
    def build(path: Path, root: Path) -> Path:
        extra = [(f"customXml/hc_item{i:05d}.xml", b"" if empty else f"<i>{i}</i>".encode())
                 for i in range(total - 6)]
        return raw_book(path, [("PPN", sheet_xml([PPN_HEADER, *ppn("PPN-HM")]), "")], extra=extra)
    return build


STALE = ("PPN-OLD", 20)  # prefix and count of the stale table
CURRENT_PREFIX = {"hidden_stale_sheet_first": "PPN-HNEW", "very_hidden_stale_sheet_last": "PPN-VNEW"}


def hidden_stale_first(path: Path, root: Path) -> Path:
    """xlsxwriter: the stale table on a hidden first sheet named 'PPN', the current one visible (and active)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False})
    stale = book.add_worksheet("PPN")
    current = book.add_worksheet("Sheet2")
    for sheet, rows in ((stale, ppn_rows(STALE[1], first=dt.date(2026, 8, 30), step=17, prefix=STALE[0])),
                        (current, ppn(CURRENT_PREFIX["hidden_stale_sheet_first"]))):
        for r, row in enumerate([PPN_HEADER, *rows]):
            sheet.write_row(r, 0, [as_text(v) for v in row])
    current.activate()
    stale.hide()
    book.close()
    return path


def very_hidden_stale_last(path: Path, root: Path) -> Path:
    """Raw XML: the current table visible first, the stale one on a very hidden sheet after it."""
    current = sheet_xml([PPN_HEADER, *ppn(CURRENT_PREFIX["very_hidden_stale_sheet_last"])], serial_dates=True)
    stale = sheet_xml([PPN_HEADER, *ppn_rows(STALE[1], first=dt.date(2026, 8, 30), step=17, prefix=STALE[0])],
                      serial_dates=True)
    return raw_book(path, [("Q2 return", current, ""), ("PPN", stale, "veryHidden")])


FEEDBACK_HEADERS = {  # case id -> {column index: header as sent}
    "feedback_header_triggers_xlsx": {0: "=PPN ID", 1: "+Person ID"},
    "feedback_header_triggers_csv": {2: "-Incident Date", 6: "@Risk Level", 4: "\tPPN Type"},
}
FEEDBACK_VALUES = {  # case id -> values planted in the rejected row (sent as-is; shown neutralised)
    "feedback_header_triggers_xlsx": ("@N5103", "-PPN-FX004"),
    "feedback_header_triggers_csv": ("+N5203", "@PPN-FK004"),
}


def feedback_book(case_id: str, prefix: str, as_csv: bool) -> Builder:
    """Headers with formula triggers in front, one row rejected (an impossible incident date) holding trigger values,
    so headers and values are written to the feedback's Rejected rows sheet; one row queried (an unmappable type)."""
    def build(path: Path, root: Path) -> Path:
        header = [FEEDBACK_HEADERS[case_id].get(i, h) for i, h in enumerate(PPN_HEADER)]
        rows = ppn(prefix)
        person, record = FEEDBACK_VALUES[case_id]
        rows[3][0], rows[3][1], rows[3][2] = record, person, "31/02/2026"
        rows[7][4] = FEEDBACK_TYPE
        if as_csv:
            return write_csv(path, [header, *rows])
        return write_xlsx(path, {"PPN": [header, *rows]})
    return build


def stray_byte_csv(path: Path, root: Path) -> Path:
    """UTF-8 referrals with accented names; one stray 0xFF byte inside one last name."""
    rows = referrals("HSR-HU", ENC_PEOPLE, ENC_NHS)
    rows[STRAY_ROW][2] = "DufresMARKne"
    data = csv_bytes([HSR_HEADER, *rows]).encode("utf-8").replace(b"MARK", b"\xff")
    path.write_bytes(data)
    return path


def cut_sequence_csv(path: Path, root: Path) -> Path:
    """UTF-8 referrals whose ß in one last name is cut to its first byte (0xC3 followed by ASCII)."""
    data = csv_bytes([HSR_HEADER, *referrals("HSR-HK", ENC_PEOPLE, ENC_NHS)]).encode("utf-8")
    whole = "Straßmann".encode()
    assert data.count(whole) == 1
    path.write_bytes(data.replace(whole, "Straßmann".encode()[:5] + b"mann"))  # b"Stra\xc3" + b"mann"
    return path


def cp1252_csv(path: Path, root: Path) -> Path:
    return write_csv(path, [HSR_HEADER, *referrals("HSR-HW", ENC_PEOPLE, ENC_NHS)], encoding="cp1252")


LATE_ASCII_ROWS = 800


def cp1252_late_csv(path: Path, root: Path) -> Path:
    """Windows-1252, the first high byte after 64 KiB of plain ASCII rows (the accented people come last)."""
    people = [(f"Person{i:03d}", f"Plain{i:03d}") for i in range(LATE_ASCII_ROWS)] + ENC_PEOPLE
    path = write_csv(path, [HSR_HEADER, *referrals("HSR-HL", people)], delimiter=";", encoding="cp1252")
    return path


def bom_over(bom: bytes, body_encoding: str, content: str) -> Builder:
    def build(path: Path, root: Path) -> Path:
        rows = ([PPN_HEADER, *ppn("PPN-HO")] if content == "ppn"
                else [HSR_HEADER, *referrals("HSR-HO", ENC_PEOPLE, ENC_NHS)])
        path.write_bytes(bom + csv_bytes(rows).encode(body_encoding))
        return path
    return build


# ---- the cases ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Case:
    """One hostile input: where it lands (`folder` relative to landing, '' for the landing root), how it is built,
    the outcome, and `agency`: whose submission it is (the registry's agency), or whose outbox gets the refusal."""

    case_id: str
    group: str
    folder: str
    file_name: str
    build: Builder
    status: str
    rules: frozenset[str] | str  # the exact rule ids, or ANY_FILE_RULE / QUERIES_ONLY
    agency: str
    why: str
    fresh: bool = False  # lands after the generated quarter (so it is the agency's current submission)

    @property
    def registered(self) -> bool:
        return self.status != REFUSED

    @property
    def regular(self) -> bool:
        """A regular file (the links, pipe and link to a folder are not)."""
        return self.group != "not_regular"


def _case(case_id, group, folder, file_name, build, status, rules=(), why="", agency=None, fresh=False):
    agency = agency or (folder.split("/")[0] if folder else "_landing")
    return Case(case_id, group, folder, file_name, build, status,
                rules if isinstance(rules, str) else frozenset(rules), agency, why, fresh)


CASES: list[Case] = [
    # -- NUL bytes (PREFIX-094Q; NUL removed before loading) --
    _case("nul_csv_police", "nul", "police", "hc_nul_ppn.csv", nul_csv_police, ACCEPTED, ["PPN-094Q"],
          "one NUL byte in a police CSV cell: removed, the row queried"),
    _case("nul_csv_health", "nul", "health", "hc_nul_referrals.csv", nul_csv_health, ACCEPTED, ["HSR-094Q"],
          "one NUL byte in a health CSV last name"),
    _case("nul_xlsx_shared_string", "nul", "police", "hc_nul_shared.xlsx", nul_xlsx_shared, ACCEPTED, ["PPN-094Q"],
          "_x0000_ in a shared string"),
    _case("nul_xlsx_inline_string", "nul", "police", "hc_nul_inline.xlsx", nul_xlsx_inline, ACCEPTED, ["PPN-094Q"],
          "_x0000_ in an inline string (after a valid code)"),
    # -- free text never published --
    # the issue names no rule for free text in a TEXT column: loaded, queries allowed, nothing refused or rejected
    _case("training_free_text", "free_text", "partnership", HOSTILE_TRAINING_NAME, training_free_text, ACCEPTED,
          QUERIES_ONLY, "modules carrying a name, an NHS number and =HYPERLINK: loaded, published as 'Other'",
          fresh=True),
    # interpretation: free text in a code column is an unmapped value (DESIGN s4 lists those in the data-quality
    # report); the issue says free text must not reach out/published/ at all
    _case("ppn_free_text_codes", "free_text", "police", "hc_ppn_free_text.xlsx", ppn_free_text_codes, ACCEPTED,
          ["PPN-009Q", "PPN-011Q"], "a name and NHS number as a PPN type, a formula as a risk level", fresh=True),
    # -- hostile file names --
    _case("hostile_name_ppn", "file_name", "police", HOSTILE_PPN_NAME, plain_ppn("PPN-HH"), ACCEPTED, [],
          "a person's name and NHS number in a loaded file's name"),
    _case("hostile_name_empty", "file_name", "health", HOSTILE_EMPTY_NAME, empty_file, QUARANTINED, ["FILE-002"],
          "the same in a quarantined (empty) file's name"),
    # -- long file names --
    _case("long_name_245", "long_name", "police", LONG_NAME_245, plain_ppn("PPN-HL", "Force extract"), ACCEPTED, [],
          "a 245-character name: loaded, the name kept as sent"),
    _case("long_name_short_copy", "long_name", "police", "hc_long_copy.xlsx", copy_of("long_name_245"), ACCEPTED,
          [], "byte-identical copy under a short name: the same submission"),
    _case("long_name_255_csv", "long_name", "police", LONG_NAME_255, plain_ppn_csv("PPN-HZ"), ACCEPTED, [],
          "the longest name a file system allows (255)"),
    # -- formula cells, whatever the XML spelling (PREFIX-090Q, the field loaded blank) --
    _case("formula_attributes_reordered", "formula", "police", "hc_formula_order.xlsx",
          _formula_book("formula_attributes_reordered",
                        "PPN", order="str"), ACCEPTED, ["PPN-090Q"],
          '<c s="0" t="str" r="G6">: attributes in another order'),
    _case("formula_without_cell_refs", "formula", "police", "hc_formula_no_r.xlsx",
          _formula_book("formula_without_cell_refs",
                        "PPN", refs=False, serial_dates=True), ACCEPTED,
          ["PPN-090Q"], "no r on cells or rows: positions by order"),
    _case("formula_namespace_prefixed", "formula", "police", "hc_formula_prefixed.xlsx",
          _formula_book("formula_namespace_prefixed",
                        "PPN", prefix="x:", use_shared=True), ACCEPTED,
          ["PPN-090Q"], "<x:c><x:f>..</x:f><x:v>..</x:v></x:c> with xmlns:x, shared strings"),
    _case("formula_sheet_name_escaped", "formula", "police", "hc_formula_sheetname.xlsx",
          _formula_book("formula_sheet_name_escaped",
                        esc('PPN & "data" <Q2>')), ACCEPTED, ["PPN-090Q"],
          'sheet named PPN & "data" <Q2>'),
    _case("formula_shared_follower_charref_sheet", "formula", "police", "hc_formula_shared.xlsx",
          _formula_book("formula_shared_follower_charref_sheet",
                        char_refs("PPN & 'Q2' <\"x\">"),
                        order="tsr", serial_dates=True), ACCEPTED, ["PPN-090Q"],
          "a shared formula and its follower (an empty <f/>), on a sheet named by character references"),
    # -- links, pipes (FILE-015, refused, never followed) --
    _case("link_outside_file", "not_regular", "police", "hc_link_outside.xlsx", link_outside_file, REFUSED,
          ["FILE-015"], "a link to a valid PPN file outside landing"),
    _case("link_proc_environ", "not_regular", "police", "hc_link_environ.csv", link_proc_environ, REFUSED,
          ["FILE-015"], "a link to /proc/self/environ"),
    _case("link_dangling", "not_regular", "health", "hc_link_dangling.xlsx", link_dangling, REFUSED, ["FILE-015"],
          "a link to nothing"),
    _case("named_pipe", "not_regular", "police", "hc_pipe.csv", named_pipe, REFUSED, ["FILE-015"],
          "a named pipe (reading it would block the run)"),
    # interpretation: a link to a folder is a link (DESIGN s9: links refused with a reason, never followed)
    _case("link_to_directory", "not_regular", "police", "hc_link_folder", link_to_directory, REFUSED, ["FILE-015"],
          "a link to a folder outside landing holding a PPN file"),
    _case("link_inside_landing", "not_regular", "police", "hc_link_sibling.csv", link_inside_landing, REFUSED,
          ["FILE-015"], "a relative link to a health file in landing: a link all the same"),
    # -- folders --
    _case("subfolder_police", "folders", "police/2026-Q3", "hc_sub_ppn.xlsx", plain_ppn("PPN-HQ"), ACCEPTED, [],
          "a sub-folder of police/: police's file"),
    _case("subfolder_health_nested", "folders", "health/sent/july", "hc_sub_referrals.csv",
          plain_referrals_csv("HSR-HQ"), ACCEPTED, [], "two levels down in health/: health's file"),
    _case("root_xlsx", "folders", "", "hc_root_ppn.xlsx", plain_ppn("PPN-HR"), REFUSED, ["FILE-016"],
          "a PPN file at the landing root: no agency folder"),
    _case("root_csv", "folders", "", "hc_root_referrals.csv", plain_referrals_csv("HSR-HR"), REFUSED, ["FILE-016"],
          "a referrals CSV at the landing root"),
    # -- the same bytes in two agencies' folders (health's copy first) --
    _case("same_bytes_health_xlsx", "same_bytes", "health", "hc_both_ppn.xlsx", plain_ppn("PPN-HD"), QUARANTINED,
          ["FILE-011"], "a PPN return in health/: wrong folder"),
    _case("same_bytes_police_xlsx", "same_bytes", "police", "hc_both_ppn_police.xlsx",
          copy_of("same_bytes_health_xlsx"), ACCEPTED, [], "the same bytes in police/: police's return, loaded"),
    _case("same_bytes_health_csv", "same_bytes", "health", "hc_both_ppn.csv", plain_ppn_csv("PPN-HC"), QUARANTINED,
          ["FILE-011"], "a PPN CSV in health/"),
    _case("same_bytes_police_csv", "same_bytes", "police", "hc_both_ppn.csv", copy_of("same_bytes_health_csv"),
          ACCEPTED, [], "the same bytes, same name, in police/"),
    # -- zip bombs split into parts, and too many parts (FILE-007) --
    _case("split_bomb_320x1mib", "zip", "police", "hc_split_bomb.xlsx", split_bomb(320, 1 << 20), QUARANTINED,
          ["FILE-007"], "320 parts of 1 MiB of blanks"),
    _case("split_bomb_1200x256kib", "zip", "police", "hc_split_bomb_small.xlsx", split_bomb(1200, 1 << 18),
          QUARANTINED, ["FILE-007"], "1,200 parts of 256 KiB of blanks (under 2,000 members)"),
    _case("members_2001", "zip", "police", "hc_members_2001.xlsx", many_members(2001), QUARANTINED, ["FILE-007"],
          "2,001 members: just over the limit"),
    _case("members_4000_empty", "zip", "police", "hc_members_4000.xlsx", many_members(4000, empty=True),
          QUARANTINED, ["FILE-007"], "4,000 members, most of them empty"),
    # -- a stale table on a hidden sheet --
    # interpretation: the hidden sheet is noted, not a rule (no issue for the submission)
    _case("hidden_stale_sheet_first", "hidden_sheet", "police", "hc_hidden_first.xlsx", hidden_stale_first,
          ACCEPTED, [], "stale table on a hidden first sheet named PPN"),
    _case("very_hidden_stale_sheet_last", "hidden_sheet", "police", "hc_very_hidden_last.xlsx",
          very_hidden_stale_last, ACCEPTED, [], "stale table on a very hidden sheet after the visible one"),
    # -- formula triggers written to feedback --
    _case("feedback_header_triggers_xlsx", "feedback", "police", "hc_feedback_headers.xlsx",
          feedback_book("feedback_header_triggers_xlsx", "PPN-FX", False), PARTIAL, ["PPN-005", "PPN-009Q"],
          "headers =PPN ID, +Person ID; trigger values in a rejected row"),
    _case("feedback_header_triggers_csv", "feedback", "police", "hc_feedback_headers.csv",
          feedback_book("feedback_header_triggers_csv", "PPN-FK", True), PARTIAL, ["PPN-005", "PPN-009Q"],
          "headers -Incident Date, @Risk Level, <tab>PPN Type in a CSV"),
    # -- encodings --
    _case("utf8_stray_byte", "encoding", "health", "hc_utf8_stray.csv", stray_byte_csv, ACCEPTED, ["HSR-094Q"],
          "UTF-8 with one 0xFF: stays UTF-8, the row queried"),
    _case("utf8_cut_sequence", "encoding", "health", "hc_utf8_cut.csv", cut_sequence_csv, ACCEPTED, ["HSR-094Q"],
          "UTF-8 with a two-byte character cut to one byte"),
    _case("cp1252_names", "encoding", "health", "hc_cp1252.csv", cp1252_csv, ACCEPTED, [],
          "Windows-1252 (no valid UTF-8 sequence): names survive, curly apostrophe included"),
    _case("cp1252_late_high_bytes", "encoding", "health", "hc_cp1252_late.csv", cp1252_late_csv, ACCEPTED, [],
          "Windows-1252 whose first high byte is past 64 KiB"),
    # the issue says "refused (a FILE rule, status QUARANTINED)" without naming the rule
    _case("bom_utf8_utf16_body", "encoding", "police", "hc_bom_utf8_utf16.csv",
          bom_over(codecs.BOM_UTF8, "utf-16-le", "ppn"), QUARANTINED, ANY_FILE_RULE, "UTF-8 BOM, UTF-16 body"),
    _case("bom_utf16le_8bit_body", "encoding", "police", "hc_bom_utf16_8bit.csv",
          bom_over(codecs.BOM_UTF16_LE, "utf-8", "ppn"), QUARANTINED, ANY_FILE_RULE, "UTF-16 LE BOM, UTF-8 body"),
    _case("bom_utf16be_8bit_body", "encoding", "health", "hc_bom_utf16be_1252.csv",
          bom_over(codecs.BOM_UTF16_BE, "cp1252", "hsr"), QUARANTINED, ANY_FILE_RULE,
          "UTF-16 BE BOM, Windows-1252 body"),
]

BY_ID = {case.case_id: case for case in CASES}
GROUPS = sorted({case.group for case in CASES})


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build_hostile(root: Path) -> dict[str, Path]:
    """Write every case under `root/landing/` (link targets under `root/outside/`); case id -> path.

    Arrival order is set by mtimes: most cases a month ago, one minute apart in case order (so health's copy of the
    same bytes is older than police's); `fresh` cases a day ago, after a normal quarter landed two days ago."""
    landing = root / "landing"
    (root / "outside").mkdir(parents=True, exist_ok=True)
    now = time.time()
    paths = {}
    for number, case in enumerate(CASES):
        folder = landing / case.folder if case.folder else landing
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / case.file_name
        case.build(path, root)
        stamp = (now - 86400 if case.fresh else now - 30 * 86400) + 60 * number
        os.utime(path, (stamp, stamp), follow_symlinks=False)
        paths[case.case_id] = path
    return paths
