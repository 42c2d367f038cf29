"""Server-drawn SVG of a provider's neighbourhood: calls flow left to right, from upstream (towards the
origin) to downstream (towards the consumer). No script, no external asset: it prints and reads as it is."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from tracebacks.ecosystem.graph import Neighbourhood

BOX_W, BOX_H, COL_GAP, ROW_GAP, PAD = 200, 38, 70, 14, 24
# Presentation attributes, not a <style> element: the site's Content-Security-Policy refuses inline styles.
FONT = 'font-family="DejaVu Sans, sans-serif" font-size="12"'
FONT_SMALL = 'font-family="DejaVu Sans, sans-serif" font-size="10"'
TITLES = {-2: "Two steps upstream", -1: "Upstream (handed calls to it)", 0: "Provider",
          1: "Downstream (took calls from it)", 2: "Two steps downstream"}  # fmt: skip


def _label(text: str, limit: int = 28) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def neighbourhood_svg(n: Neighbourhood) -> SafeString:
    cols = sorted(c for c, nodes in n.columns.items() if nodes)
    tallest = max(len(n.columns[c]) for c in cols)
    width = PAD * 2 + len(cols) * BOX_W + (len(cols) - 1) * COL_GAP
    height = PAD * 2 + 30 + tallest * (BOX_H + ROW_GAP)
    pos: dict[int, tuple[float, float]] = {}
    parts = []
    for i, c in enumerate(cols):
        x = PAD + i * (BOX_W + COL_GAP)
        parts.append(
            f'<text x="{x + BOX_W / 2}" y="{PAD}" {FONT} text-anchor="middle" font-weight="bold" fill="#444">'
            f"{escape(TITLES[c])}</text>"
        )
        offset = (tallest - len(n.columns[c])) * (BOX_H + ROW_GAP) / 2
        for j, pk in enumerate(n.columns[c]):
            pos[pk] = (x, PAD + 30 + offset + j * (BOX_H + ROW_GAP))
    heaviest = max((e[2] for e in n.edges), default=1)
    for up, down, weight, campaigns in n.edges:
        (x1, y1), (x2, y2) = pos[up], pos[down]
        parts.append(
            f'<line x1="{x1 + BOX_W}" y1="{y1 + BOX_H / 2}" x2="{x2}" y2="{y2 + BOX_H / 2}" '
            f'stroke-width="{1 + 6 * weight / heaviest:.1f}" stroke="#7d8896" stroke-opacity="0.75" '
            f'marker-end="url(#arrow)"><title>{escape(n.nodes[up].get("name", ""))} → '
            f"{escape(n.nodes[down].get('name', ''))}: {weight} traceback(s), {campaigns} campaign(s)</title></line>"
        )
    for pk, (x, y) in pos.items():
        facts = n.nodes.get(pk, {})
        centre, foreign, unfiled = pk == n.centre, facts.get("foreign"), not facts.get("rmd")
        fill = "#e8eef7" if centre else "#ffffff"
        stroke = "#a3261b" if unfiled else "#1d4f91" if centre else "#5a6470"
        dash = ' stroke-dasharray="5 3"' if foreign else ""
        sub = ("foreign · " if foreign else "") + (facts.get("rmd") or "no RMD filing")
        parts.append(
            f'<g><rect x="{x}" y="{y}" width="{BOX_W}" height="{BOX_H}" rx="4" fill="{fill}" stroke="{stroke}" '
            f'stroke-width="{2.5 if centre else 1.2}"{dash}/>'
            f'<text x="{x + 8}" y="{y + 15}" {FONT} fill="#1b1f23">{escape(_label(facts.get("name", str(pk))))}</text>'
            f'<text x="{x + 8}" y="{y + 30}" {FONT_SMALL} fill="#555">{escape(sub)} · '
            f"{facts.get('tracebacks', 0)} tb</text><title>{escape(facts.get('name', ''))}</title></g>"
        )
    name = escape(n.nodes.get(n.centre, {}).get("name", ""))
    return mark_safe(  # noqa: S308  # nosec B308 B703 - every text in it is escaped above; the rest are numbers we computed
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" aria-label="Neighbourhood of {name}"><defs>'
        '<marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="9" markerHeight="9" markerUnits="userSpaceOnUse" '
        'orient="auto"><path d="M0,0L10,5L0,10z" fill="#7d8896"/></marker></defs>' + "".join(parts) + "</svg>"
    )
