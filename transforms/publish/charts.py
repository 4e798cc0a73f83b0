"""Inline SVG charts for the offline dashboard: no script, no font or library from the network."""

from __future__ import annotations

import html

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
    segments, current = [], []
    for i, (_, value) in enumerate(points):
        if value is None:
            if current:
                segments.append(current)
            current = []
        else:
            current.append(f"{x(i):.1f},{y(value):.1f}")
    if current:
        segments.append(current)
    for segment in segments:
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
