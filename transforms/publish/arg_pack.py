"""The ARG pack: an xlsx laid out like the annual report's tables, for the Assurance and Review Group.

One row per indicator and breakdown: comparator, the last five quarters, direction arrow, RAG and an empty
commentary column for the analyst. A Definitions sheet comes from the catalogue, a Sources sheet from lineage.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import xlsxwriter

from transforms.dataset import areas, breakdown_label, grouped, records
from transforms.feedback.neutralise import neutralise
from transforms.publish.dashboard import display
from transforms.publish.story import Story, label_of

ARROWS = {"up": "↑", "down": "↓", "level": "→"}
RAG_FILL = {"RED": "#F4C7C3", "AMBER": "#FCE8B2", "GREEN": "#B7E1CD"}


# "Comparator" and "Direction" fit their columns whole (LibreOffice breaks a word wider than its column when printing)
PRINT_WIDTHS = {"indicator": 26, "breakdown": 24, "comparator": 11, "comparator_is": 13, "quarter": 8, "trend": 10,
                "direction": 9, "rag": 7, "notes": 20, "commentary": 62}


BLOCKS = "▁▂▃▄▅▆▇█"  # eight heights, lowest to highest


def trend_text(series: list[float | None]) -> str:
    """The quarters' values as a line of blocks, lowest to highest of the row's own values (as a sparkline scales),
    oldest first: a quarter without a value between two that have one is `·`; fewer than two values, nothing.

    Text, not a drawn sparkline: LibreOffice printed the ARG pack's sparklines as their markers alone, and text
    reads the same in every spreadsheet, on screen and on paper."""
    known = [i for i, v in enumerate(series) if v is not None]
    if len(known) < 2:
        return ""
    values = [series[i] for i in known]
    low, high = min(values), max(values)
    steps = len(BLOCKS) - 1
    heights = {i: steps // 2 if high == low else round((series[i] - low) / (high - low) * steps) for i in known}
    return "".join(BLOCKS[heights[i]] if i in heights else "·" for i in range(known[0], known[-1] + 1))


def _commentary(story: Story | None, indicator_id: str) -> str:
    said = story.commentary.get(indicator_id) if story else None
    if not said:
        return ""
    return f"{said['text']} ({'edited by ' + str(said['edited_by']) if said['edited'] else 'draft from the numbers'})"


LINE_POINTS = 12.75  # one line of 10-point text
CHARS_PER_UNIT = 1.25  # characters of running text per unit of column width (a unit is one "0"), measured


def lines_needed(text: str, width: float) -> int:
    """How many lines `text` wraps to in a column `width` units wide (words kept whole). The pack sets each row's
    height from it: LibreOffice and Excel do not grow a row for wrapped text a file's writer left it to size."""
    per_line = max(int(width * CHARS_PER_UNIT) - 1, 1)
    count = 0
    for paragraph in str(text).split("\n"):
        line = 0
        count += 1
        for word in paragraph.split():
            if line and line + 1 + len(word) > per_line:
                count += 1
                line = 0
            line += len(word) + (1 if line else 0)
            while line > per_line:  # a word longer than the column breaks across lines
                count += 1
                line -= per_line
    return count


def _number(value: object) -> float | None:
    return None if value is None or isinstance(value, str) or pd.isna(value) else float(value)


def _printable(sheet, last_row: int, last_column: int, period: str) -> None:
    """Landscape A4, one page wide, the header row repeated, page numbers."""
    sheet.set_landscape()
    sheet.set_paper(9)
    sheet.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(0)
    sheet.freeze_panes(1, 0)
    sheet.print_area(0, 0, max(last_row, 1), last_column)
    sheet.set_header(f"&L&8Partnership dataset, quarter ending {period}&R&8&A")
    sheet.set_footer("&R&8Page &P of &N")


def write_arg_pack(path: Path, current: pd.DataFrame, trend: pd.DataFrame, indicators: list, quarters: list[str],
                   labels: dict[str, str], lineage: pd.DataFrame,
                   comparators: dict[tuple[str, str], object] | None = None, story: Story | None = None,
                   with_sources: bool = True) -> Path:
    """Write the pack; `quarters` oldest first, the last being the period; `labels` names each quarter;
    `comparators` per (indicator, breakdown) the comparator's details (`dataset.comparator_details`); `story` the
    quarter's commentary and why it moved (`story.gather`).

    It prints: landscape A4, one page wide, the header rows repeated on every page, panes frozen below them, text
    wrapped in its cell (never over the next), each indicator's label and values on one row, the five quarters'
    trend as a line of blocks per row (`trend_text`). `with_sources=False` leaves out the Sources sheet (the copy
    printed for circulation: it lists every submission, for the analyst). A quarter revised since it was published
    shows its value now with `(r)`; the Notes column says what was published and why it moved, and flags a value
    whose history is incomplete (`*`)."""
    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False})
    bold = book.add_format({"bold": True, "font_size": 13})
    head = book.add_format({"bold": True, "bg_color": "#1F3B57", "font_color": "#FFFFFF", "text_wrap": True,
                            "valign": "top", "border": 1})
    area_format = book.add_format({"bold": True, "bg_color": "#E8EEF4", "font_size": 12})
    cell = {"font_size": 10, "valign": "top", "border": 1, "border_color": "#CCCCCC"}
    wrap = book.add_format({**cell, "text_wrap": True})
    first = book.add_format({**cell, "text_wrap": True, "bold": True})
    number = book.add_format({**cell, "align": "right"})
    arrow = book.add_format({**cell, "align": "center", "font_size": 13})
    fills = {rag: book.add_format({**cell, "bg_color": colour}) for rag, colour in RAG_FILL.items()}
    small = book.add_format({"font_size": 10, "italic": True, "text_wrap": True, "valign": "top"})
    # DejaVu Sans draws the eight block heights in LibreOffice and Excel alike, on screen and printed
    trend_format = book.add_format({**cell, "font_name": "DejaVu Sans", "font_size": 12, "font_color": "#1F3B57",
                                    "align": "center"})

    sheet = book.add_worksheet("Partnership dataset")
    sheet.write(0, 0, f"Partnership dataset: quarter ending {quarters[-1]} (internal profile, exact counts)", bold)
    comparators = comparators or {}
    columns = ["Indicator", "Breakdown", "Comparator", "Comparator is", *[labels[q] for q in quarters],
               "Trend", "Direction", "RAG", "Notes", "Commentary"]
    first_quarter = 4  # column of the oldest quarter
    after = first_quarter + len(quarters)  # the trend column
    sheet.write_row(2, 0, columns, head)
    sheet.set_row(2, 32)
    sheet.freeze_panes(3, 2)
    widths = [PRINT_WIDTHS["indicator"], PRINT_WIDTHS["breakdown"], PRINT_WIDTHS["comparator"],
              PRINT_WIDTHS["comparator_is"], *[PRINT_WIDTHS["quarter"]] * len(quarters), PRINT_WIDTHS["trend"],
              PRINT_WIDTHS["direction"], PRINT_WIDTHS["rag"], PRINT_WIDTHS["notes"], PRINT_WIDTHS["commentary"]]
    for column, width in enumerate(widths):
        sheet.set_column(column, column, width)
    # printing: landscape A4, one page wide, as many pages tall as it takes, the header rows on every page
    sheet.set_landscape()
    sheet.set_paper(9)
    sheet.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(0, 2)
    sheet.print_area(0, 0, 0, len(columns) - 1)  # widened to the last row below
    sheet.set_header(f"&L&8Partnership dataset, quarter ending {quarters[-1]}&R&8Internal: exact counts")
    sheet.set_footer("&L&8Assurance and Review Group&R&8Page &P of &N")
    points = {(r["indicator_id"], r["breakdown"], r["quarter"]): r for r in records(trend)}
    rows_of = grouped(current, "indicator_id")
    row = 3
    titles = areas()
    for area in dict.fromkeys(getattr(i, "area", "other") for i in indicators):
        sheet.merge_range(row, 0, row, len(columns) - 1, titles.get(area, area), area_format)
        row += 1
        for indicator in [i for i in indicators if getattr(i, "area", "other") == area]:
            in_order = sorted(rows_of.get((indicator.id,), []), key=lambda r: r["breakdown"] != "")  # headline first
            for position, record in enumerate(in_order):
                label = label_of(story, indicator, record["breakdown"])
                sheet.write_string(row, 0, str(neutralise(f"{indicator.id} {indicator.title}")),
                                   first if position == 0 else wrap)
                sheet.write_string(row, 1, str(neutralise(label)), wrap)
                about = comparators.get((indicator.id, record["breakdown"]))
                sheet.write_string(row, 2, display(about.value, record["unit"]) if about else "", number)
                sheet.write_string(row, 3, about.label if about else "", wrap)
                notes = [record["note"]] if isinstance(record.get("note"), str) and record["note"] else []
                series = []
                for offset, quarter in enumerate(quarters):
                    point = points.get((indicator.id, record["breakdown"], quarter), {})
                    value = record["value"] if quarter == quarters[-1] else point.get("value")
                    if quarter == quarters[-1] and record["rag"] == "NO_DATA":
                        value = None
                    # a quarter never computed is blank: it is not recomputed from a later quarter's returns
                    text = display(value, record["unit"]) if quarter == quarters[-1] or point else ""
                    if quarter == quarters[-1] and record.get("history_incomplete") == 1:
                        text += " *"
                    if quarter != quarters[-1] and point.get("revised") == 1:
                        text += " (r)"
                        notes.append(f"{labels[quarter]} revised: published as "
                                     f"{display(point['published_value'], record['unit'])}")
                    sheet.write_string(row, first_quarter + offset, text, number)
                    series.append(_number(value) if text else None)
                sheet.write_string(row, after, trend_text(series), trend_format)
                sheet.write_string(row, after + 1, ARROWS.get(record["direction"], ""), arrow)
                rag = record["rag"]
                sheet.write_string(row, after + 2, "no data" if rag == "NO_DATA" else rag.title(),
                                   fills.get(rag, wrap))
                if position == 0 and story and story.why.get(indicator.id):
                    said = story.commentary.get(indicator.id)
                    if not (said and story.why[indicator.id] in said["text"]):  # the draft says it already
                        notes.append(story.why[indicator.id])
                sheet.write_string(row, after + 3, str(neutralise("; ".join(notes))), wrap)
                commentary_text = _commentary(story, indicator.id) if position == 0 else ""
                sheet.write_string(row, after + 4, str(neutralise(commentary_text)), wrap)
                texts = ((f"{indicator.id} {indicator.title}", widths[0]), (label, widths[1]),
                         (about.label if about else "", widths[3]), ("; ".join(notes), widths[after + 3]),
                         (commentary_text, widths[after + 4]))
                sheet.set_row(row, LINE_POINTS * max(lines_needed(t, w) for t, w in texts) + 3)
                row += 1
    sheet.merge_range(row + 1, 0, row + 1, len(columns) - 1,
                      "* history incomplete: the value's look-back reaches before the earliest return held. "
                      "(r) revised since published. RAG only where the indicator's polarity says which way is better: "
                      "Green as good as the comparator or better, Amber worse by up to 10%, Red worse by more than "
                      "10%. Arrows: change on last quarter (a year-to-date count: on the same quarter last year). "
                      "Trend: the five quarters, oldest first, from the lowest to the highest of the row's own values "
                      "(· a quarter without a value).", small)
    sheet.set_row(row + 1, 45)
    sheet.print_area(0, 0, row + 1, len(columns) - 1)

    definitions = book.add_worksheet("Definitions")
    definitions.write_row(0, 0, ["Indicator", "Title", "Definition", "Unit", "Polarity", "Source returns",
                                 "Definition source", "Reference"], head)
    defined_widths = (9, 28, 80, 13, 13, 13, 13, 45)
    for column, width in enumerate(defined_widths):
        definitions.set_column(column, column, width)
    for r, indicator in enumerate(indicators, start=1):
        cells = [str(neutralise(v)) for v in (
            indicator.id, indicator.title, indicator.definition, indicator.unit, indicator.polarity,
            ", ".join(indicator.sources), indicator.definition_source, indicator.reference)]
        definitions.write_row(r, 0, cells, wrap)
        definitions.set_row(r, LINE_POINTS * max(lines_needed(c, w) for c, w in zip(cells, defined_widths,
                                                                                    strict=True)) + 3)
    compared_rows = len(comparators)
    compared = book.add_worksheet("Comparators")
    compared.write_row(0, 0, ["Indicator", "Breakdown", "Value", "Comparator is", "Source"], head)
    for r, ((indicator_id, breakdown), about) in enumerate(sorted(comparators.items()), start=1):
        compared.write_row(r, 0, [indicator_id, breakdown_label(breakdown), about.value, about.label, about.source],
                           wrap)
        compared.set_row(r, LINE_POINTS * max(lines_needed(about.source, 90), lines_needed(about.label, 24)) + 3)
    compared.set_column(0, 2, 12)
    compared.set_column(3, 3, 24)
    compared.set_column(4, 4, 90)
    for other, last_row, last_column in ((definitions, len(indicators), 7), (compared, compared_rows, 4)):
        _printable(other, last_row, last_column, quarters[-1])
    if not with_sources:
        book.close()
        return path

    sources = book.add_worksheet("Sources")
    # each submission by agency, return, day received and sha256 prefix: never its file name, which may hold anything
    sources.write_row(0, 0, ["Indicator", "Agency", "Return", "Received", "Submission (sha256)"], head)
    for r, record in enumerate(records(lineage), start=1):
        sources.write_row(r, 0, [str(neutralise("" if pd.isna(v) else str(v))) for v in (
            record["indicator_id"], record["agency"], record["return_id"], str(record["received_at"])[:10],
            str(record["sha256"])[:12])])
    sources.set_column(0, 2, 16)
    sources.set_column(3, 4, 20)
    _printable(sources, len(lineage), 4, quarters[-1])
    book.close()
    return path
