"""Server-drawn SVG charts: sober bars, labelled axes, a title and description for screen readers.

No JavaScript, no library, nothing fetched: the SVG is part of the page, and each chart has its table
beside it (the table is the accessible form of the figures; the chart is `aria-describedby` it)."""

from __future__ import annotations

import math
from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


def _nice_max(value: int) -> int:
    if value <= 0:
        return 1
    exp = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * exp:
            return int(step * exp) if step * exp >= 1 else 1
    return value


def bar_chart(
    points: Sequence[tuple[str, int]], *, title: str, table_id: str, width: int = 720, height: int = 220
) -> SafeString:
    """A vertical bar chart of (label, value) points."""
    left, right, top, bottom = 48, 8, 12, 36
    plot_w, plot_h = width - left - right, height - top - bottom
    top_value = _nice_max(max((v for _, v in points), default=0))
    n = max(1, len(points))
    slot = plot_w / n
    bar = max(1.0, slot * 0.8)
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="100%" '
        f'aria-labelledby="{table_id}-t" aria-describedby="{table_id}" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{table_id}-t">{escape(title)}</title>',
    ]
    for k in range(5):
        value = top_value * k / 4
        y = top + plot_h - plot_h * k / 4
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>')
        parts.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" class="axis">{value:,.0f}</text>'
        )
    every = max(1, math.ceil(n / 12))
    for i, (label, value) in enumerate(points):
        h = plot_h * value / top_value
        x = left + i * slot + (slot - bar) / 2
        parts.append(
            f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{bar:.1f}" height="{h:.1f}" class="bar" '
            f'data-label="{escape(label)}" data-value="{value}"><title>{escape(label)}: {value:,}</title></rect>'
        )
        if i % every == 0:
            parts.append(
                f'<text x="{x + bar / 2:.1f}" y="{height - bottom + 16}" text-anchor="middle" class="axis">'
                f"{escape(label)}</text>"
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308  # nosec B308 B703 - every label is escaped above
