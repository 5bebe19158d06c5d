"""Server-side inline SVG charts (no JavaScript, no CDN).

Each function returns ``markupsafe.Markup`` holding one ``<svg class="chart">`` element.
Every label passes through :func:`html.escape`; styling uses SVG presentation attributes
only, so the strict Content-Security-Policy (no inline styles) holds.
"""

from __future__ import annotations

import html
import math
from typing import List, Optional, Sequence, Tuple

from markupsafe import Markup

PALETTE = {
    "blue": "#2f6db5",
    "teal": "#1b8a7a",
    "orange": "#d9822b",
    "red": "#c23b3b",
    "green": "#3b8a3e",
    "grey": "#8a8f98",
    "purple": "#7a4fb5",
}
FONT = 'font-family="system-ui, sans-serif"'

Series = Tuple[str, Sequence[float], str]  # (name, values, colour)


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _nice_step(value: float) -> float:
    """A round step (1, 2 or 5 times a power of ten) close to ``value``."""
    if value <= 0:
        return 1.0
    exponent = math.floor(math.log10(value))
    base = 10 ** exponent
    for step in (1, 2, 5, 10):
        if value <= step * base:
            return step * base
    return 10 * base


def _scale(peak: float, integer: bool = True) -> Tuple[float, float]:
    """``(y_max, step)`` with at most five round gridlines covering ``peak``."""
    step = _nice_step(max(peak, 1e-9) / 4)
    if integer:
        step = max(1.0, step)
    top = step * max(1, math.ceil(peak / step - 1e-9))
    return top, step


def _nice_max(value: float) -> float:
    return _scale(value, integer=False)[0]


def _fmt(value: float, percent: bool) -> str:
    if percent:
        return f"{value * 100:.0f}%"
    return f"{value:g}" if value < 1000 else f"{value / 1000:.1f}k"


def _open(chart_id: str, title: str, width: int, height: int) -> List[str]:
    return [
        f'<svg class="chart" id="{_e(chart_id)}" role="img" aria-labelledby="{_e(chart_id)}-title" '
        f'viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{_e(chart_id)}-title">{_e(title)}</title>',
        f'<text x="0" y="16" {FONT} font-size="14" font-weight="600" fill="#222">{_e(title)}</text>',
    ]


def _empty(parts: List[str], width: int, height: int) -> Markup:
    parts.append(
        f'<text x="{width / 2}" y="{height / 2}" text-anchor="middle" {FONT} font-size="13" '
        f'fill="#777">No data for this selection</text></svg>'
    )
    return Markup("".join(parts))


def _legend(parts: List[str], series: Sequence[Series], y: float) -> None:
    x = 0.0
    for name, _, colour in series:
        parts.append(f'<rect x="{x:.1f}" y="{y - 9:.1f}" width="10" height="10" fill="{colour}"/>')
        parts.append(f'<text x="{x + 14:.1f}" y="{y:.1f}" {FONT} font-size="11" fill="#333">{_e(name)}</text>')
        x += 24 + 7 * len(name)


def _axes(
    parts: List[str], left: float, top: float, plot_w: float, plot_h: float, y_max: float, percent: bool, step: float
) -> None:
    count = max(1, round(y_max / step))
    for i in range(count + 1):
        value = step * i
        y = top + plot_h - plot_h * value / y_max
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w:.1f}" y2="{y:.1f}" stroke="#e3e3e3"/>')
        parts.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" {FONT} font-size="10" fill="#555">'
            f"{_e(_fmt(value, percent))}</text>"
        )


def _x_labels(parts: List[str], labels: Sequence[str], left: float, slot: float, y: float) -> None:
    every = max(1, math.ceil(len(labels) / 12))
    for i, label in enumerate(labels):
        if i % every:
            continue
        x = left + slot * i + slot / 2
        parts.append(
            f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="middle" {FONT} font-size="10" fill="#555">{_e(label)}</text>'
        )


def bar_chart(
    chart_id: str,
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    width: int = 640,
    height: int = 240,
    stacked: bool = False,
) -> Markup:
    """Vertical bars per label (e.g. per day); several series side by side or stacked."""
    parts = _open(chart_id, title, width, height)
    if not labels or not any(any(v for v in values) for _, values, _ in series):
        return _empty(parts, width, height)
    left, top, bottom = 44.0, 40.0, 28.0
    plot_w, plot_h = width - left - 8, height - top - bottom
    totals = [sum(values[i] for _, values, _ in series) for i in range(len(labels))]
    peak = max(totals) if stacked else max(max(values) for _, values, _ in series)
    y_max, step = _scale(peak)
    _legend(parts, series, 32)
    _axes(parts, left, top, plot_w, plot_h, y_max, False, step)
    slot = plot_w / len(labels)
    groups = 1 if stacked else len(series)
    bar_w = max(1.0, slot * 0.8 / groups)
    for i, label in enumerate(labels):
        base = top + plot_h
        for k, (name, values, colour) in enumerate(series):
            value = values[i]
            h = plot_h * value / y_max
            x = left + slot * i + slot * 0.1 + (0 if stacked else bar_w * k)
            y = base - h
            parts.append(
                f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" fill="{colour}">'
                f"<title>{_e(label)}: {_e(name)} {_e(_fmt(value, False))}</title></rect>"
            )
            if stacked:
                base = y
    _x_labels(parts, labels, left, slot, height - 10)
    parts.append("</svg>")
    return Markup("".join(parts))


def line_chart(
    chart_id: str,
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    width: int = 640,
    height: int = 240,
    percent: bool = False,
    y_max: Optional[float] = None,
) -> Markup:
    """Lines with point markers per label; ``percent`` formats the axis 0-100 %."""
    parts = _open(chart_id, title, width, height)
    if not labels or not any(values for _, values, _ in series):
        return _empty(parts, width, height)
    left, top, bottom = 44.0, 40.0, 28.0
    plot_w, plot_h = width - left - 8, height - top - bottom
    peak = max((max(values) for _, values, _ in series if values), default=0)
    top_value, step = _scale(peak, integer=not percent)
    if y_max is not None:
        top_value, step = y_max, y_max / 4
    _legend(parts, series, 32)
    _axes(parts, left, top, plot_w, plot_h, top_value, percent, step)
    slot = plot_w / len(labels)
    for name, values, colour in series:
        points = []
        for i, value in enumerate(values):
            x = left + slot * i + slot / 2
            y = top + plot_h - plot_h * min(value, top_value) / top_value
            points.append((x, y, value, labels[i]))
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _, _ in points)
            parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for x, y, value, label in points:
            parts.append(
                f'<circle class="point" cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}">'
                f"<title>{_e(label)}: {_e(name)} {_e(_fmt(value, percent))}</title></circle>"
            )
    _x_labels(parts, labels, left, slot, height - 10)
    parts.append("</svg>")
    return Markup("".join(parts))


def hbar_chart(
    chart_id: str,
    title: str,
    rows: Sequence[Tuple[str, Sequence[float]]],
    series: Sequence[Tuple[str, str]],
    width: int = 640,
    label_width: int = 230,
) -> Markup:
    """Horizontal stacked bars: one row per label, one segment per series (name, colour)."""
    height = int(48 + 22 * max(1, len(rows)) + 10)
    parts = _open(chart_id, title, width, height)
    if not rows or not any(sum(values) for _, values in rows):
        return _empty(parts, width, height)
    legend = [(name, [], colour) for name, colour in series]
    _legend(parts, legend, 32)
    plot_w = width - label_width - 40
    peak = _scale(max(sum(values) for _, values in rows))[0]
    for i, (label, values) in enumerate(rows):
        y = 44 + 22 * i
        short = label if len(label) <= 34 else label[:33] + "…"
        parts.append(
            f'<text x="{label_width - 6}" y="{y + 13}" text-anchor="end" {FONT} font-size="11" fill="#333">'
            f"<title>{_e(label)}</title>{_e(short)}</text>"
        )
        x = float(label_width)
        for (name, colour), value in zip(series, values):
            w = plot_w * value / peak
            if w > 0:
                parts.append(
                    f'<rect class="bar" x="{x:.1f}" y="{y + 2}" width="{w:.1f}" height="16" fill="{colour}">'
                    f"<title>{_e(label)}: {_e(name)} {_e(_fmt(value, False))}</title></rect>"
                )
            x += w
        parts.append(
            f'<text x="{x + 4:.1f}" y="{y + 14}" {FONT} font-size="10" fill="#555">{_e(_fmt(sum(values), False))}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
