"""Inline SVG charts for the offline dashboard: no script, no font or library from the network."""

from __future__ import annotations

import html
import math

WIDTH, HEIGHT = 560, 230
LEFT, RIGHT, TOP, BOTTOM = 56, 44, 16, 40


def _y_scale(values: list[float], comparator: float | None, unit: str) -> tuple[float, float]:
    top = max([v for v in values] + ([comparator] if comparator is not None else []) + [1.0])
    if unit == "percent":
        top = min(100.0, top * 1.15) if top < 87 else 100.0
    else:
        top *= 1.15
    return 0.0, top


def _label(value: float, unit: str) -> str:
    if unit == "percent":
        return f"{value:.0f}%"
    return f"{value:,.0f}" if value >= 10 else f"{value:.1f}"


def _segments(values: list, x, y) -> list[list[str]]:
    """The runs of consecutive values that are not None, as polyline points ("x,y"): a gap breaks the line."""
    segments, current = [], []
    for i, value in enumerate(values):
        if value is None:
            if current:
                segments.append(current)
            current = []
        else:
            current.append(f"{x(i):.1f},{y(value):.1f}")
    return segments + [current] if current else segments


def line_chart(points: list[tuple[str, float | None]], comparator: float | None, unit: str, title: str,
               comparator_label: str = "England") -> str:
    """A trend line over quarters with an optional dashed comparator line. Missing points leave a gap."""
    known = [v for _, v in points if v is not None]
    low, high = _y_scale(known, comparator, unit)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(points) - 1, 1)

    def x(i: int) -> float:
        return LEFT + i * step

    def y(v: float) -> float:
        return TOP + plot_h - (v - low) / (high - low or 1) * plot_h

    parts = [f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" role="img" '
             f'aria-label="{html.escape(title)}" xmlns="http://www.w3.org/2000/svg">']
    for tick in range(5):
        value = low + (high - low) * tick / 4
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(value):.1f}" y2="{y(value):.1f}" '
                     f'stroke="#ddd"/><text x="{LEFT - 6}" y="{y(value) + 4:.1f}" text-anchor="end" '
                     f'font-size="12" fill="#444">{html.escape(_label(value, unit))}</text>')
    for i, (quarter, _) in enumerate(points):
        parts.append(f'<text x="{x(i):.1f}" y="{HEIGHT - 14}" text-anchor="middle" font-size="12" '
                     f'fill="#444">{html.escape(quarter)}</text>')
    if comparator is not None:
        parts.append(f'<line class="comparator" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(comparator):.1f}" '
                     f'y2="{y(comparator):.1f}" stroke="#b8860b" stroke-width="2" stroke-dasharray="6 4"/>'
                     f'<text x="{WIDTH - RIGHT}" y="{y(comparator) - 6:.1f}" text-anchor="end" font-size="12" '
                     f'fill="#7a5a00">{html.escape(comparator_label)} {html.escape(_label(comparator, unit))}</text>')
    for segment in _segments([value for _, value in points], x, y):
        parts.append(f'<polyline class="series" fill="none" stroke="#1f5f99" stroke-width="3" '
                     f'points="{" ".join(segment)}"/>')
    for i, (quarter, value) in enumerate(points):
        if value is not None:
            parts.append(f'<circle cx="{x(i):.1f}" cy="{y(value):.1f}" r="4" fill="#1f5f99">'
                         f'<title>{html.escape(quarter)}: {html.escape(_label(value, unit))}</title></circle>')
    if not known:
        parts.append(f'<text x="{WIDTH / 2}" y="{HEIGHT / 2}" text-anchor="middle" font-size="14" '
                     f'fill="#555">no data to chart</text>')
    parts.append("</svg>")
    return "".join(parts)


# Several series over quarters (the data-quality report's charts). Okabe-Ito colours (safe for the common colour
# blindnesses; the yellow left out: it does not show on white), and each series also has its own dash and marker so it
# reads in greyscale print; a legend on top, a label at each line's end, the values in each marker's <title> and in
# the <desc>; the page shows the same numbers in a table.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
DASHES = ("", "9 5", "2 4", "12 4 3 4", "5 5", "1 4", "16 6")
MARKERS = ("circle", "square", "triangle", "diamond", "down", "cross", "circle-open")
MULTI_WIDTH, MULTI_HEIGHT = 860, 360
MULTI_LEFT, MULTI_RIGHT, MULTI_TOP, MULTI_BOTTOM = 78, 190, 14, 62
MIN_TOP = {"percent": 1.0, "days": 5.0}
MIN_STEP = {"percent": 0.1, "days": 1.0}


def _value_text(value: float, unit: str) -> str:
    """A value as the report writes it: a percentage to one decimal place, working days whole."""
    if unit == "percent":
        return f"{value:.1f}%"
    if unit == "days":
        return f"{value:,.0f} working day{'' if round(value) == 1 else 's'}"
    return f"{value:,.1f}" if value != int(value) else f"{value:,.0f}"


def _nice_axis(high: float, unit: str) -> tuple[float, float]:
    """(top, step) of a y axis from 0: four or five steps of 1, 2 or 5 times a power of ten."""
    high = max(high, MIN_TOP.get(unit, 1.0))
    raw = high / 4
    magnitude = 10 ** math.floor(math.log10(raw))
    multiples = (1, 2, 2.5, 5, 10) if magnitude >= 10 else (1, 2, 5, 10)  # 2.5 only where it stays whole
    step = next(m * magnitude for m in multiples if m * magnitude >= raw)
    step = max(step, MIN_STEP.get(unit, 0.0))
    return step * math.ceil(high / step - 1e-9), step


def _tick_text(value: float, step: float, unit: str) -> str:
    whole = abs(step - round(step)) < 1e-9
    number = f"{value:,.0f}" if whole else f"{value:,.1f}"
    return number + ("%" if unit == "percent" else "")


def _marker(shape: str, x: float, y: float, colour: str) -> str:
    """A marker's shape (its <title> follows, then the closing tag is added by the caller)."""
    if shape == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5.5" fill="{colour}"'
    if shape == "circle-open":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="#fff" stroke="{colour}" stroke-width="2.5"'
    if shape == "square":
        return f'<rect x="{x - 5:.1f}" y="{y - 5:.1f}" width="10" height="10" fill="{colour}"'
    points = {"triangle": ((0, -6.5), (6, 4.5), (-6, 4.5)), "down": ((0, 6.5), (6, -4.5), (-6, -4.5)),
              "diamond": ((0, -7), (6, 0), (0, 7), (-6, 0)),
              "cross": ((-2, -6), (2, -6), (2, -2), (6, -2), (6, 2), (2, 2), (2, 6), (-2, 6), (-2, 2), (-6, 2),
                        (-6, -2), (-2, -2))}[shape]
    return (f'<polygon points="{" ".join(f"{x + dx:.1f},{y + dy:.1f}" for dx, dy in points)}" '
            f'fill="{colour}"')


def _closing(shape: str) -> str:
    return {"circle": "</circle>", "circle-open": "</circle>", "square": "</rect>"}.get(shape, "</polygon>")


def _spread(wanted: list[float], gap: float, low: float, high: float) -> list[float]:
    """Label positions as near as they can be to `wanted` (sorted ascending) at least `gap` apart, within bounds."""
    placed: list[float] = []
    for y in wanted:
        placed.append(max(y, placed[-1] + gap) if placed else max(y, low))
    overflow = placed[-1] - high if placed else 0
    if overflow > 0:
        placed = [y - overflow for y in placed]
        for i in range(len(placed) - 2, -1, -1):
            placed[i] = min(placed[i], placed[i + 1] - gap)
    return placed


def multi_line_chart(categories: list[str], series: list[tuple[str, list[float | None]]], unit: str, title: str,
                     y_label: str, category_labels: list[str] | None = None) -> str:
    """One line per series over `categories` (quarters), values in `unit` (`percent`: 0-100; `days`: working days).
    A None leaves a gap. `category_labels` are the words under the x axis (a newline starts a second line)."""
    labels = category_labels or categories
    plot_w = MULTI_WIDTH - MULTI_LEFT - MULTI_RIGHT
    known = [v for _, values in series for v in values if v is not None]
    top, step = _nice_axis(max(known, default=0.0), unit)
    # the legend on top, wrapped into rows as wide as the plot
    legend, row_x, row = [], 0.0, 0
    for index, (name, _) in enumerate(series):
        width = 48 + 8.2 * len(name) + 22
        if row_x and row_x + width > MULTI_WIDTH - MULTI_LEFT:
            row, row_x = row + 1, 0.0
        legend.append((index, name, MULTI_LEFT + row_x, MULTI_TOP + 10 + 24 * row))
        row_x += width
    top_of_plot = MULTI_TOP + 24 * (row + 1) + 14 if series else MULTI_TOP + 10
    height = MULTI_HEIGHT + top_of_plot - MULTI_TOP
    plot_h = height - top_of_plot - MULTI_BOTTOM
    pad = 28 if len(categories) > 1 else 0

    def x(i: int) -> float:
        if len(categories) == 1:
            return MULTI_LEFT + plot_w / 2
        return MULTI_LEFT + pad + i * (plot_w - 2 * pad) / (len(categories) - 1)

    def y(v: float) -> float:
        return top_of_plot + plot_h - v / top * plot_h

    summary = "; ".join(
        f"{name}: " + ", ".join(f"{label.replace(chr(10), ' ')} {_value_text(v, unit) if v is not None else 'no data'}"
                                for label, v in zip(labels, values, strict=True))
        for name, values in series)
    parts = [f'<svg class="chart multi" viewBox="0 0 {MULTI_WIDTH} {height}" width="{MULTI_WIDTH}" '
             f'height="{height}" role="img" aria-label="{html.escape(title)}" '
             f'xmlns="http://www.w3.org/2000/svg" font-family="Arial, Helvetica, sans-serif">'
             f"<title>{html.escape(title)}</title><desc>{html.escape(summary or 'no data')}</desc>"]
    value = 0.0
    while value <= top + 1e-9:
        parts.append(f'<line x1="{MULTI_LEFT}" x2="{MULTI_LEFT + plot_w}" y1="{y(value):.1f}" y2="{y(value):.1f}" '
                     f'stroke="{"#888" if value == 0 else "#d8d8d8"}"/><text x="{MULTI_LEFT - 8}" '
                     f'y="{y(value) + 5:.1f}" text-anchor="end" font-size="15" fill="#333">'
                     f"{html.escape(_tick_text(value, step, unit))}</text>")
        value += step
    middle = top_of_plot + plot_h / 2
    parts.append(f'<text x="18" y="{middle:.1f}" transform="rotate(-90 18 {middle:.1f})" text-anchor="middle" '
                 f'font-size="15" fill="#333">{html.escape(y_label)}</text>')
    for i, label in enumerate(labels):
        lines = label.split("\n")
        spans = "".join(f'<tspan x="{x(i):.1f}" dy="{0 if n == 0 else 17}">{html.escape(line)}</tspan>'
                        for n, line in enumerate(lines))
        parts.append(f'<text x="{x(i):.1f}" y="{top_of_plot + plot_h + 22:.1f}" text-anchor="middle" '
                     f'font-size="15" fill="#333">{spans}</text>')
    for index, name, left, base in legend:
        colour, dash, shape = (PALETTE[index % len(PALETTE)], DASHES[index % len(DASHES)],
                               MARKERS[index % len(MARKERS)])
        parts.append(f'<g class="legend-item"><line x1="{left:.1f}" x2="{left + 38:.1f}" y1="{base:.1f}" '
                     f'y2="{base:.1f}" stroke="{colour}" stroke-width="3"'
                     + (f' stroke-dasharray="{dash}"' if dash else "") + "/>"
                     + _marker(shape, left + 19, base, colour) + "/>"
                     + f'<text x="{left + 46:.1f}" y="{base + 5:.1f}" font-size="15" fill="#111">'
                     f"{html.escape(name)}</text></g>")
    ends = []
    for index, (name, values) in enumerate(series):
        colour, dash, shape = (PALETTE[index % len(PALETTE)], DASHES[index % len(DASHES)],
                               MARKERS[index % len(MARKERS)])
        group = [f'<g class="line" data-series="{html.escape(name)}">']
        for segment in _segments(values, x, y):
            group.append(f'<polyline class="series" fill="none" stroke="{colour}" stroke-width="3" '
                         + (f'stroke-dasharray="{dash}" ' if dash else "") + f'points="{" ".join(segment)}"/>')
        for i, v in enumerate(values):
            if v is not None:
                text = f"{name}, {labels[i].replace(chr(10), ' ')}: {_value_text(v, unit)}"
                group.append(_marker(shape, x(i), y(v), colour)
                             + f' class="point" data-category="{html.escape(categories[i])}" '
                             f'data-value="{html.escape(_value_text(v, unit))}"><title>{html.escape(text)}</title>'
                             + _closing(shape))
        group.append("</g>")
        parts.append("".join(group))
        last = max((i for i, v in enumerate(values) if v is not None), default=None)
        if last is not None:
            ends.append((y(values[last]), x(last), name, colour))
    ends.sort()
    placed = _spread([e[0] for e in ends], 18, top_of_plot, top_of_plot + plot_h)
    label_x = MULTI_LEFT + plot_w + 14
    for (point_y, point_x, name, colour), label_y in zip(ends, placed, strict=True):
        parts.append(f'<line x1="{point_x + 8:.1f}" y1="{point_y:.1f}" x2="{label_x - 3:.1f}" y2="{label_y:.1f}" '
                     f'stroke="{colour}" stroke-width="1"/><text x="{label_x:.1f}" y="{label_y + 5:.1f}" '
                     f'font-size="15" fill="#111">{html.escape(name)}</text>')
    if not known:
        parts.append(f'<text x="{MULTI_LEFT + plot_w / 2:.1f}" y="{top_of_plot + plot_h / 2:.1f}" '
                     f'text-anchor="middle" font-size="16" fill="#555">no data to chart</text>')
    parts.append("</svg>")
    return "".join(parts)
