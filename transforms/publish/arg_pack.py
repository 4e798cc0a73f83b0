"""The ARG pack: an xlsx laid out like the annual report's tables, for the Assurance and Review Group.

One row per indicator and breakdown: comparator, the last five quarters, direction arrow, RAG and an empty
commentary column for the analyst. A Definitions sheet comes from the catalogue, a Sources sheet from lineage.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import xlsxwriter

from transforms.dataset import areas
from transforms.feedback.neutralise import neutralise
from transforms.publish.dashboard import display

ARROWS = {"up": "↑", "down": "↓", "level": "→"}
RAG_FILL = {"RED": "#F4C7C3", "AMBER": "#FCE8B2", "GREEN": "#B7E1CD"}


def write_arg_pack(path: Path, current: pd.DataFrame, trend: pd.DataFrame, indicators: list, quarters: list[str],
                   labels: dict[str, str], lineage: pd.DataFrame,
                   comparators: dict[tuple[str, str], object] | None = None) -> Path:
    """Write the pack; `quarters` oldest first, the last being the period; `labels` names each quarter;
    `comparators` per (indicator, breakdown) the comparator's details (`dataset.comparator_details`).

    A quarter revised since it was published shows its value now with `(r)`; the Notes column says what was
    published, and flags a value whose history is incomplete (marked `*`)."""
    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False})
    bold = book.add_format({"bold": True})
    head = book.add_format({"bold": True, "bg_color": "#1F3B57", "font_color": "#FFFFFF", "text_wrap": True,
                            "valign": "top", "border": 1})
    area_format = book.add_format({"bold": True, "bg_color": "#E8EEF4", "font_size": 12})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    number = book.add_format({"align": "right", "valign": "top"})
    arrow = book.add_format({"align": "center", "valign": "top", "font_size": 14})
    fills = {rag: book.add_format({"bg_color": colour, "valign": "top"}) for rag, colour in RAG_FILL.items()}

    sheet = book.add_worksheet("Partnership dataset")
    sheet.write(0, 0, f"Partnership dataset: quarter ending {quarters[-1]} (internal profile, exact counts)", bold)
    comparators = comparators or {}
    columns = ["Indicator", "Breakdown", "Comparator", "Comparator is", *[labels[q] for q in quarters],
               "Direction", "RAG", "Notes", "Commentary"]
    first_quarter = 4  # column of the oldest quarter
    sheet.write_row(2, 0, columns, head)
    sheet.set_row(2, 32)
    sheet.freeze_panes(3, 2)
    sheet.set_column(0, 0, 48)
    sheet.set_column(1, 1, 16)
    sheet.set_column(2, first_quarter + len(quarters) - 1, 12)
    sheet.set_column(first_quarter + len(quarters), first_quarter + len(quarters) + 1, 10)
    sheet.set_column(first_quarter + len(quarters) + 2, first_quarter + len(quarters) + 2, 40)
    sheet.set_column(first_quarter + len(quarters) + 3, first_quarter + len(quarters) + 3, 50)
    sheet.set_column(3, 3, 22)
    points = {(r["indicator_id"], r["breakdown"], r["quarter"]): r for r in trend.to_dict("records")}
    row = 3
    titles = areas()
    for area in dict.fromkeys(getattr(i, "area", "other") for i in indicators):
        sheet.merge_range(row, 0, row, len(columns) - 1, titles.get(area, area), area_format)
        row += 1
        for indicator in [i for i in indicators if getattr(i, "area", "other") == area]:
            rows = current[current["indicator_id"] == indicator.id]
            for record in rows.to_dict("records"):
                sheet.write_string(row, 0, str(neutralise(f"{indicator.id} {indicator.title}")), wrap)
                sheet.write_string(row, 1, str(neutralise(record["breakdown"] or "all")), wrap)
                about = comparators.get((indicator.id, record["breakdown"]))
                sheet.write_string(row, 2, display(about.value, record["unit"]) if about else "", number)
                sheet.write_string(row, 3, about.label if about else "", wrap)
                notes = [record["note"]] if isinstance(record.get("note"), str) and record["note"] else []
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
                after = first_quarter + len(quarters)
                sheet.write_string(row, after, ARROWS.get(record["direction"], ""), arrow)
                rag = record["rag"]
                sheet.write_string(row, after + 1, "no data" if rag == "NO_DATA" else rag.title(),
                                   fills.get(rag, wrap))
                sheet.write_string(row, after + 2, str(neutralise("; ".join(notes))), wrap)
                sheet.write_blank(row, after + 3, None, wrap)
                row += 1
    sheet.write(row + 1, 0, "* history incomplete: the value's look-back reaches before the earliest return held. "
                "(r) revised since published. RAG only where the indicator's polarity says which way is better.")

    definitions = book.add_worksheet("Definitions")
    definitions.write_row(0, 0, ["Indicator", "Title", "Definition", "Unit", "Polarity", "Source returns",
                                 "Definition source", "Reference"], head)
    for r, indicator in enumerate(indicators, start=1):
        definitions.write_row(r, 0, [str(neutralise(v)) for v in (
            indicator.id, indicator.title, indicator.definition, indicator.unit, indicator.polarity,
            ", ".join(indicator.sources), indicator.definition_source, indicator.reference)], wrap)
    definitions.set_column(0, 0, 10)
    definitions.set_column(1, 1, 40)
    definitions.set_column(2, 2, 90)
    definitions.set_column(3, 6, 18)
    definitions.set_column(7, 7, 60)
    compared = book.add_worksheet("Comparators")
    compared.write_row(0, 0, ["Indicator", "Breakdown", "Value", "Comparator is", "Source"], head)
    for r, ((indicator_id, breakdown), about) in enumerate(sorted(comparators.items()), start=1):
        compared.write_row(r, 0, [indicator_id, breakdown or "all", about.value, about.label, about.source], wrap)
    compared.set_column(0, 2, 12)
    compared.set_column(3, 3, 24)
    compared.set_column(4, 4, 90)

    sources = book.add_worksheet("Sources")
    # each submission by agency, return, day received and sha256 prefix: never its file name, which may hold anything
    sources.write_row(0, 0, ["Indicator", "Agency", "Return", "Received", "Submission (sha256)"], head)
    for r, record in enumerate(lineage.to_dict("records"), start=1):
        sources.write_row(r, 0, [str(neutralise("" if pd.isna(v) else str(v))) for v in (
            record["indicator_id"], record["agency"], record["return_id"], str(record["received_at"])[:10],
            str(record["sha256"])[:12])])
    sources.set_column(0, 2, 16)
    sources.set_column(3, 4, 20)
    book.close()
    return path
