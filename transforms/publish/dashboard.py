"""The offline HTML dashboard: an overview and one page per priority area, with trend charts.

Pages are self-contained (inline CSS and SVG, no script, no request beyond their own folder), so they open
from a shared drive on a closed council network and read on a projector.
"""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd

from transforms.dataset import areas, display_value, grouped
from transforms.publish.charts import line_chart
from transforms.publish.story import Story, label_of
from transforms.publish.suppression import SUPPRESSED

RAG_COLOURS = {"RED": "#b3261e", "AMBER": "#a15c00", "GREEN": "#2e7d32"}
ARROW_WORDS = {"up": "up", "down": "down", "level": "level"}
ARROWS = {"up": "&#8593;", "down": "&#8595;", "level": "&#8594;"}
STYLE = """
body { font-family: Arial, Helvetica, sans-serif; margin: 0; font-size: 18px; color: #111; background: #fafafa; }
header { background: #1f3b57; color: #fff; padding: 1rem 2rem; }
header h1 { margin: 0; font-size: 28px; }
nav { background: #e8eef4; padding: .5rem 2rem; }
nav a { margin-right: 1.2rem; color: #0b3d6b; font-weight: bold; text-decoration: none; }
nav a.here { text-decoration: underline; }
main { padding: 1rem 2rem 3rem; }
section.indicator { background: #fff; border: 1px solid #d5dde5; border-radius: 6px; padding: 1rem 1.2rem;
  margin: 1rem 0; }
figure { display: inline-block; margin: 0 1.5rem 1rem 0; }
figcaption { font-weight: bold; margin-bottom: .2rem; }
section.indicator h2 { font-size: 22px; margin: 0 0 .3rem; }
p.definition { color: #333; margin: .2rem 0 .8rem; font-size: 16px; }
table { border-collapse: collapse; margin: .5rem 0 1rem; }
th, td { border-bottom: 1px solid #ccc; padding: .35rem .7rem; text-align: left; }
th { background: #eef2f6; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.rag { color: #fff; padding: .1rem .5rem; border-radius: .3rem; font-size: 15px; }
.nodata { color: #555; font-style: italic; }
.cards { display: flex; flex-wrap: wrap; gap: 1rem; }
.card { background: #fff; border: 1px solid #d5dde5; border-radius: 6px; padding: 1rem; width: 15rem; }
.card a { font-size: 20px; font-weight: bold; color: #0b3d6b; }
.card ul { padding-left: 1.1rem; margin: .4rem 0 0; font-size: 16px; }
.arrow { font-size: 22px; font-weight: bold; }
.better { color: #2e7d32; } .worse { color: #b3261e; } .neither { color: #555; }
.legend { background: #fff; border: 1px solid #d5dde5; border-radius: 6px; padding: .5rem 1rem; font-size: 15px;
  margin: .5rem 0 1rem; }
.legend span.rag { margin-right: .3rem; }
p.commentary { background: #f4f7fa; border-left: 4px solid #1f3b57; padding: .5rem .8rem; margin: .5rem 0; }
p.commentary small, p.why small { color: #555; }
p.why { margin: .3rem 0 .8rem; font-size: 16px; }
ul.overview { margin: .3rem 0 1rem; }
"""
LEGEND = ("<div class='legend' id='rag-legend'><strong>RAG</strong>, only where the indicator's polarity says which "
          "way is better, against its comparator (shown with its area, year and source): "
          "<span class='rag' style='background:{green}'>Green</span> as good as the comparator or better; "
          "<span class='rag' style='background:{amber}'>Amber</span> worse by up to 10%; "
          "<span class='rag' style='background:{red}'>Red</span> worse by more than 10%; <em>not rated</em>: no "
          "direction is better, or no comparator. Arrows: change on last quarter (a year-to-date count: on the same "
          "quarter last year), <span class='arrow better'>&#8593;</span> better, "
          "<span class='arrow worse'>&#8595;</span> worse, <span class='arrow neither'>&#8594;</span> neither or "
          "level. <strong>*</strong> history incomplete. <strong>c</strong>: a count from 1 to 5, not published.</div>")


def display(value: object, unit: str) -> str:
    """A value as the ARG reads it: percentages to one decimal place, rates to one, counts whole."""
    return value if isinstance(value, str) else display_value(value, unit)  # a string: suppressed


def _rag(rag: str) -> str:
    if rag == "NO_DATA":
        return '<span class="nodata">no data</span>'
    if not rag:
        return '<span class="nodata">not rated</span>'
    return f'<span class="rag" style="background:{RAG_COLOURS[rag]}">{rag.title()}</span>'


def _page(title: str, period: str, profile: str, pages: dict[str, str], here: str, body: str) -> str:
    """A dashboard page; `pages` holds every area page, id -> title, in display order."""
    links = ['<a href="index.html"' + (' class="here"' if here == "index" else "") + ">Overview</a>"]
    links += [f'<a href="{a}.html"' + (' class="here"' if here == a else "") + f">{name}</a>"
              for a, name in pages.items()]
    if profile == "internal":  # served inside Airflow beside the workbench and the data-quality report
        # the report sits beside the dashboard's folder: the link works offline and inside Airflow alike
        links += [f'<a href="../data_quality_{html.escape(period)}.html">Data quality</a>',
                  '<a href="../workbench/submissions">Workbench</a>']
    note = ("Internal profile: exact counts, for the Assurance and Review Group." if profile == "internal" else
            "Public profile: counts from 1 to 5, and rates built on them, are shown as c.")
    return (f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{html.escape(title)}</title><style>{STYLE}</style></head><body>"
            f"<header><h1>{html.escape(title)}</h1><div>Quarter ending {html.escape(period)}. "
            f"{html.escape(note)}</div></header><nav>{''.join(links)}</nav><main>{legend()}{body}</main></body></html>\n")


def legend() -> str:
    """The RAG and arrow legend every page carries."""
    return LEGEND.format(green=RAG_COLOURS["GREEN"], amber=RAG_COLOURS["AMBER"], red=RAG_COLOURS["RED"])


def arrow(direction: str, polarity: str, value: object) -> str:
    """The direction arrow, coloured better or worse by the polarity; none on a suppressed or missing value."""
    if isinstance(value, str) or value is None or pd.isna(value) or direction not in ARROWS:
        return ""
    if direction == "level" or polarity not in ("higher_is_better", "lower_is_better"):
        kind, word = "neither", "no direction is better" if direction != "level" else "level"
    else:
        better = (direction == "up") == (polarity == "higher_is_better")
        kind, word = ("better", "better") if better else ("worse", "worse")
    return (f"<span class='arrow {kind}' title='{ARROW_WORDS[direction]}: {word}' "
            f"aria-label='{ARROW_WORDS[direction]}, {word}'>{ARROWS[direction]}</span>")


def _number_or_none(value: object) -> float | None:
    return None if value is None or isinstance(value, str) or pd.isna(value) else float(value)


def _notes(rows: list[dict], trend: list[dict], labels: dict[str, str]) -> list[str]:
    """Caveats under an indicator (its rows and its trend's, as records): a value's note (history incomplete, no
    population) and each quarter revised since it was published, with what was published."""
    notes = []
    for row in rows:
        what = row["breakdown"] or "all"
        if row.get("note") and isinstance(row["note"], str):
            notes.append(f"{what}: {row['note']}")
    for row in trend:
        if row.get("revised") == 1:
            notes.append(f"{row['breakdown'] or 'all'}, {labels.get(row['quarter'], row['quarter'])}: revised since "
                         f"published (published {display(row['published_value'], row['unit'])}, now "
                         f"{display(row['value'], row['unit'])})")
    return notes


def _words(indicator, story: Story | None, profile: str) -> str:
    """The commentary (the analyst's, else the draft) and why it moved. The public profile carries only the
    analyst's own text: a draft names exact counts, which may be small."""
    if story is None:
        return ""
    said = story.commentary.get(indicator.id)
    parts = []
    if said and (profile == "internal" or said["edited"]):
        whose = f"edited by {said['edited_by']}" if said["edited"] else "draft from the numbers"
        parts.append(f"<p class='commentary'>{html.escape(said['text'])} <small>({html.escape(whose)})</small></p>")
    why = story.why.get(indicator.id)
    if why and profile == "internal" and not (said and why in said["text"]):  # a draft says it already
        parts.append(f"<p class='why'>{html.escape(why)}</p>")
    return "".join(parts)


def _indicator_section(indicator, rows: list[dict], trend: list[dict], quarters: list[str],
                       labels: dict[str, str], comparators: dict[tuple[str, str], object],
                       lineage: str | None = None, story: Story | None = None, profile: str = "internal") -> str:
    """One indicator's section from its rows of the quarter and of its trend (records, in the frames' order)."""
    table = ["<table><thead><tr><th>Breakdown</th><th>Value</th><th>Numerator</th><th>Denominator</th>"
             "<th>Comparator</th><th>RAG</th><th>Change</th></tr></thead><tbody>"]
    for row in rows:
        value = None if row["rag"] == "NO_DATA" else row["value"]
        comparator = _number_or_none(row.get("comparator"))
        about = comparators.get((indicator.id, row["breakdown"]))
        flagged = " *" if row.get("history_incomplete") == 1 else ""
        shown = "" if comparator is None else html.escape(display(comparator, row["unit"]))
        cell = shown if comparator is None or about is None else (
            f"{shown} <span title='{html.escape(about.source)}'>({html.escape(about.label)})</span>")
        shown_value = html.escape(display(value, row["unit"]))
        if lineage:  # the internal profile: every value leads to where it came from
            shown_value = f"<a class='lineage' href='{html.escape(lineage)}' title='Where this number came from'>" \
                          f"{shown_value}</a>"
        polarity = indicator.polarity if row["breakdown"] == "" else "neutral"  # polarity is the headline's
        table.append(
            f"<tr><td>{html.escape(label_of(story, indicator, row['breakdown']))}</td>"
            f"<td class='num'>{shown_value}{flagged}</td>"
            f"<td class='num'>{html.escape(display(row['numerator'], 'count'))}</td>"
            f"<td class='num'>{html.escape(display(row['denominator'], 'count')) if row['unit'] != 'count' else ''}"
            f"</td><td class='num'>{cell}</td>"
            f"<td>{_rag(row['rag'])}</td><td>{arrow(row['direction'], polarity, value)}</td></tr>")
    table.append("</tbody></table>")
    notes = _notes(rows, trend, labels)
    if notes:
        table.append("<ul class='notes'>" + "".join(f"<li>{html.escape(n)}</li>" for n in notes) + "</ul>")
    sources = sorted({(c.label, c.source) for (i, _), c in comparators.items() if i == indicator.id})
    if sources:
        table.append("<p class='definition'>Comparators: " + "; ".join(
            f"{html.escape(label)}: {html.escape(source)}" for label, source in sources) + "</p>")
    charts = []
    for row in rows:
        if row["rag"] == "NO_DATA":
            continue
        by_quarter = {point["quarter"]: point["value"] for point in trend if point["breakdown"] == row["breakdown"]}
        points = [(labels.get(q, q), _number_or_none(by_quarter.get(q))) for q in quarters]
        comparator = _number_or_none(row.get("comparator"))
        name = label_of(story, indicator, row["breakdown"])
        label = f"{indicator.title} ({name}) over five quarters"
        about = comparators.get((indicator.id, row["breakdown"]))
        charts.append(f"<figure><figcaption>{html.escape(name)}</figcaption>"
                      f"{line_chart(points, comparator, row['unit'], label, about.label if about else 'England')}"
                      f"</figure>")
        if len(charts) >= 6:
            break
    return (f'<section class="indicator" id="{html.escape(indicator.id)}"><h2>{html.escape(indicator.id)} '
            f"{html.escape(indicator.title)}</h2><p class='definition'>{html.escape(indicator.definition)} "
            f"(Definition: {html.escape(indicator.definition_source)}.)</p>{_words(indicator, story, profile)}"
            f"{''.join(table)}{''.join(charts)}</section>")


def _overview(current: pd.DataFrame, by_area: dict[str, list], pages: dict[str, str], story: Story | None,
              profile: str) -> str:
    """The overview: per area its key figures; the indicators rated red; the biggest movers on last quarter and on
    the same quarter last year (internal profile: they name exact values); the caveats behind indicators."""
    cards = []
    heads = current[current["breakdown"] == ""].set_index("indicator_id") if len(current) else current
    for area, name in pages.items():
        figures = []
        for indicator in by_area[area]:
            if indicator.id not in heads.index:
                continue
            row = heads.loc[indicator.id]
            value = None if row["rag"] == "NO_DATA" else row["value"]
            figures.append(f"<li>{html.escape(indicator.title)}: <strong>{html.escape(display(value, row['unit']))}"
                           f"</strong> {arrow(row['direction'], indicator.polarity, value)}</li>")
        cards.append(f'<div class="card"><a href="{area}.html">{html.escape(name)}</a>'
                     f"<ul>{''.join(figures)}</ul></div>")
    by_id = {i.id: (area, i) for area, listed in by_area.items() for i in listed}
    parts = [f"<div class='cards'>{''.join(cards)}</div>"]
    if story is not None:
        reds = [r for r in story.reds if r["indicator_id"] in by_id]
        parts.append("<h2>Rated red</h2><ul class='overview' id='reds'>" + ("".join(
            f"<li><a href='{by_id[r['indicator_id']][0]}.html#{html.escape(r['indicator_id'])}'>"
            f"{html.escape(r['indicator_id'])} {html.escape(r['title'])}</a>: "
            f"{html.escape(display(heads.loc[r['indicator_id']]['value'], r['unit']))}</li>" for r in reds)
            or "<li>None: no rated indicator is more than 10% worse than its comparator.</li>") + "</ul>")
        if profile == "internal":
            for title, moved in (("Biggest movers on last quarter", story.movers_quarter),
                                 ("Biggest movers on the same quarter last year", story.movers_year)):
                items = "".join(
                    f"<li><a href='{by_id[m['indicator_id']][0]}.html#{html.escape(m['indicator_id'])}'>"
                    f"{html.escape(m['indicator_id'])} {html.escape(m['title'])}</a>: "
                    f"{html.escape(display(m['before'], m['unit']))} &#8594; "
                    f"<strong>{html.escape(display(m['value'], m['unit']))}</strong> "
                    f"{arrow('up' if m['change'] > 0 else 'down', by_id[m['indicator_id']][1].polarity, m['value'])}"
                    "</li>" for m in moved if m["indicator_id"] in by_id)
                parts.append(f"<h2>{title}</h2><ul class='overview'>{items or '<li>No earlier quarter held.</li>'}"
                             "</ul>")
        behind: dict[str, list[str]] = {}  # one caveat, the indicators it is behind
        for indicator_id, said in sorted(story.caveats.items()):
            for caveat in said if indicator_id in by_id else ():
                behind.setdefault(caveat, []).append(indicator_id)
        parts.append("<h2>Caveats</h2><ul class='overview' id='caveats'>" + ("".join(
            f"<li>{html.escape(caveat[:1].upper() + caveat[1:])}: " + ", ".join(
                f"<a href='{by_id[i][0]}.html#{html.escape(i)}'>{html.escape(i)}</a>" for i in ids) + "</li>"
            for caveat, ids in behind.items())
            or "<li>None: every return behind the indicators arrived on time, whole and with full history.</li>")
            + "</ul>")
    return "".join(parts)


def write_dashboard(current: pd.DataFrame, trend: pd.DataFrame, indicators: list, period: str, quarters: list[str],
                    labels: dict[str, str], folder: Path, profile: str,
                    comparators: dict[tuple[str, str], object] | None = None,
                    story: Story | None = None) -> list[Path]:
    """Write index.html and one page per priority area into `folder`; return the paths written.

    `comparators`: per (indicator, breakdown) the comparator's details (`dataset.comparator_details`: label and
    source, shown beside each figure); `story`: the quarter's commentary, why it moved, reds, movers and caveats
    (`story.gather`)."""
    folder.mkdir(parents=True, exist_ok=True)
    by_area: dict[str, list] = {}
    for indicator in indicators:
        by_area.setdefault(getattr(indicator, "area", "other") or "other", []).append(indicator)
    titles = areas()  # the catalogue's areas in display order; an area it does not name comes after, by id
    shown = [a for a in titles if a in by_area] + sorted(a for a in by_area if a not in titles)
    pages = {a: titles.get(a, a) for a in shown}
    written = []
    current_of, trend_of = grouped(current, "indicator_id"), grouped(trend, "indicator_id")
    for area, name in pages.items():
        sections = [_indicator_section(i, current_of.get((i.id,), []), trend_of.get((i.id,), []), quarters, labels,
                                       comparators or {},
                                       f"../workbench/indicators/{i.id}?period={period}" if profile == "internal"
                                       else None, story, profile)
                    for i in by_area[area]]
        title = f"{name}: partnership dataset"
        path = folder / f"{area}.html"
        path.write_text(_page(title, period, profile, pages, area, "".join(sections)), encoding="utf-8")
        written.append(path)
    body = (f"<p>The quarterly picture of how well children are protected, from every agency's return. "
            f"Values use the data received for the quarter ending {html.escape(period)} with the history earlier "
            f"quarters' returns hold; each earlier quarter in a trend is shown as it was computed for that quarter "
            f"(a quarter revised since it was published says so).</p>"
            f"{_overview(current, by_area, pages, story, profile)}")
    index = folder / "index.html"
    index.write_text(_page("Partnership dataset", period, profile, pages, "index", body), encoding="utf-8")
    return [index, *written]


__all__ = ["write_dashboard", "display", "SUPPRESSED"]
