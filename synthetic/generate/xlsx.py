"""A small, fast, deterministic xlsx writer for the generator's sheets (shared strings, date formats, bold titles).

xlsxwriter costs about 10 microseconds a cell, which at `--scale 14` (over ten million cells) is minutes. Here
each column's cell XML is built in one pass and rows are joined once, so a cell costs well under one. The
package is what Excel itself writes (shared strings table, styles with custom number formats, core properties),
and every zip entry carries a fixed timestamp so the same sheets give the same bytes.
"""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from transforms.ingest.mapping import column_letter

# cellXfs indexes in STYLES_XML
PLAIN, BOLD, TITLE, HEADER, DATE, DATETIME = range(6)
NUMBER_STYLES = {"dd/mm/yyyy": DATE, "dd/mm/yyyy hh:mm": DATETIME}
ZIP_TIME = (1980, 1, 1, 0, 0, 0)

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

STYLES_XML = DECL + (
    f'<styleSheet xmlns="{NS}">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/>'
    '<numFmt numFmtId="165" formatCode="dd/mm/yyyy hh:mm"/></numFmts>'
    '<fonts count="3"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="12"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFD9E1F2"/><bgColor indexed="64"/></patternFill></fill>'
    '</fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="6"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1" applyAlignment="1">'
    '<alignment wrapText="1"/></xf>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    '<dxfs count="0"/><tableStyles count="0" defaultTableStyle="TableStyleMedium9" '
    'defaultPivotStyle="PivotStyleLight16"/></styleSheet>'
)


def escape(text: str) -> str:
    """Text safe inside an XML element or a double-quoted attribute."""
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;"))


class SharedStrings:
    """The workbook's shared strings table: each distinct string once, cells point at it by index."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}
        self.count = 0

    def add(self, values: np.ndarray) -> np.ndarray:
        """Indexes (int64) for an object array of strings, adding the new ones in order of first appearance."""
        self.count += len(values)
        codes, uniques = pd.factorize(values)  # one hash pass; the dict is touched once per distinct string
        lookup = self.index
        ids = np.array([lookup.setdefault(u, len(lookup)) for u in uniques], dtype=np.int64)
        return ids[codes]

    def xml(self) -> str:
        parts = [DECL, f'<sst xmlns="{NS}" count="{self.count}" uniqueCount="{len(self.index)}">']
        for text in self.index:
            space = ' xml:space="preserve"' if text != text.strip() else ""
            parts.append(f"<si><t{space}>{escape(text)}</t></si>")
        parts.append("</sst>")
        return "".join(parts)


def column_xml(letter: str, rows: pa.Array, values: Sequence, style: int, strings: SharedStrings) -> pa.Array:
    """Per row, the `<c>` element of one column ('' where the cell is empty), built by Arrow's string kernels.

    Numbers are written as the shortest text that reads back to the same double (Arrow's cast), whole ones
    without `.0`; text goes to the shared strings table and the cell holds its index.
    """
    v = np.empty(len(values), dtype=object)
    v[:] = values
    # one pass over the cells in Python: 0 empty, 1 text, 2 number; everything after runs in C
    kind = np.fromiter((0 if x is None or x == "" else 1 if isinstance(x, str) else 2 for x in v), dtype=np.int8,
                       count=len(v))
    is_str, is_num = kind == 1, kind == 2
    index = np.zeros(len(v), dtype=np.int64)
    if is_str.any():
        index[is_str] = strings.add(v[is_str])
    number = np.zeros(len(v), dtype=np.float64)
    if is_num.any():
        number[is_num] = v[is_num].astype(np.float64)
    ref = pc.binary_join_element_wise(letter, rows, "")
    text = pc.binary_join_element_wise('<c r="', ref, '" t="s"><v>', pc.cast(pa.array(index), pa.string()),
                                       "</v></c>", "")
    s_attr = f' s="{style}"' if style else ""
    num = pc.binary_join_element_wise('<c r="', ref, '"' + s_attr + "><v>", pc.cast(pa.array(number), pa.string()),
                                      "</v></c>", "")
    return pc.if_else(pa.array(is_str), text, pc.if_else(pa.array(is_num), num, ""))


def sheet_xml(title_rows: list[str], header_row: int, headers: list[str], columns: list[Sequence],
              styles: list[int], widths: list[float], strings: SharedStrings, first_style: int = TITLE) -> str:
    """One worksheet: title rows from row 1, the header at `header_row` (1-based, 0 for none), data below it."""
    parts = [DECL, f'<worksheet xmlns="{NS}" xmlns:r="{REL_NS}">']
    n_rows = len(columns[0]) if columns else 0
    last_row = max(len(title_rows), header_row + n_rows, 1)
    last_col = column_letter(max(len(headers), 1) - 1)
    parts.append(f'<dimension ref="A1:{last_col}{last_row}"/>')
    parts.append('<sheetViews><sheetView workbookViewId="0"/></sheetViews><sheetFormatPr defaultRowHeight="15"/>')
    if widths:
        parts.append("<cols>" + "".join(f'<col min="{i + 1}" max="{i + 1}" width="{w}" customWidth="1"/>'
                                        for i, w in enumerate(widths)) + "</cols>")
    parts.append("<sheetData>")
    for r, line in enumerate(title_rows, start=1):
        index = strings.add(np.array([line], dtype=object))[0]
        parts.append(f'<row r="{r}"><c r="A{r}" s="{first_style if r == 1 else TITLE}" t="s"><v>{index}</v></c></row>')
    if header_row:
        ids = strings.add(np.array(headers, dtype=object))
        cells = "".join(f'<c r="{column_letter(c)}{header_row}" s="{HEADER}" t="s"><v>{i}</v></c>'
                        for c, i in enumerate(ids))
        parts.append(f'<row r="{header_row}">{cells}</row>')
    if n_rows:
        numbers = pc.cast(pa.array(np.arange(header_row + 1, header_row + 1 + n_rows)), pa.string())
        cells = [column_xml(column_letter(c), numbers, col, styles[c], strings) for c, col in enumerate(columns)]
        body = pc.binary_join_element_wise(*cells, "")
        filled = pc.not_equal(body, "")  # a row with no value at all is not written (Excel does not either)
        rows = pc.binary_join_element_wise('<row r="', pc.filter(numbers, filled), '">', pc.filter(body, filled),
                                           "</row>", "")
        parts.append("".join(rows.to_pylist()))
    parts.append("</sheetData>")
    parts.append('<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>')
    parts.append("</worksheet>")
    return "".join(parts)


def package(path: Path, sheet_names: list[str], sheets: list[str], strings: SharedStrings, created: datetime,
            author: str, title: str) -> None:
    """Zip the parts into an xlsx at `path`, every entry with a fixed timestamp."""
    n = len(sheets)
    stamp = created.strftime("%Y-%m-%dT%H:%M:%SZ")
    content_types = DECL + (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        + "".join(f'<Override PartName="/xl/worksheets/sheet{i + 1}.xml" '
                  'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                  for i in range(n))
        + '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        '<Override PartName="/xl/sharedStrings.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        '<Override PartName="/docProps/core.xml" '
        'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
        '<Override PartName="/docProps/app.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>')
    root_rels = DECL + (
        f'<Relationships xmlns="{PKG_REL}">'
        f'<Relationship Id="rId1" Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/'
        'core-properties" Target="docProps/core.xml"/>'
        f'<Relationship Id="rId3" Type="{REL_NS}/extended-properties" Target="docProps/app.xml"/>'
        "</Relationships>")
    core = DECL + (
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{escape(title)}</dc:title><dc:creator>{escape(author)}</dc:creator>"
        f"<cp:lastModifiedBy>{escape(author)}</cp:lastModifiedBy>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified></cp:coreProperties>')
    app = DECL + ('<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
                  "<Application>Microsoft Excel</Application></Properties>")
    workbook = DECL + (
        f'<workbook xmlns="{NS}" xmlns:r="{REL_NS}"><bookViews><workbookView/></bookViews><sheets>'
        + "".join(f'<sheet name="{escape(name)}" sheetId="{i + 1}" r:id="rId{i + 1}"/>'
                  for i, name in enumerate(sheet_names))
        + "</sheets></workbook>")
    workbook_rels = DECL + (
        f'<Relationships xmlns="{PKG_REL}">'
        + "".join(f'<Relationship Id="rId{i + 1}" Type="{REL_NS}/worksheet" Target="worksheets/sheet{i + 1}.xml"/>'
                  for i in range(n))
        + f'<Relationship Id="rId{n + 1}" Type="{REL_NS}/styles" Target="styles.xml"/>'
        f'<Relationship Id="rId{n + 2}" Type="{REL_NS}/sharedStrings" Target="sharedStrings.xml"/>'
        "</Relationships>")
    parts = [("[Content_Types].xml", content_types), ("_rels/.rels", root_rels), ("docProps/core.xml", core),
             ("docProps/app.xml", app), ("xl/workbook.xml", workbook), ("xl/_rels/workbook.xml.rels", workbook_rels),
             ("xl/styles.xml", STYLES_XML), ("xl/sharedStrings.xml", strings.xml())]
    parts += [(f"xl/worksheets/sheet{i + 1}.xml", xml) for i, xml in enumerate(sheets)]
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in parts:
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0  # the same bytes whatever system wrote them
            archive.writestr(info, text.encode("utf-8"), compresslevel=1)  # fast deflate: speed over size
