"""Server-drawn SVG of a provider's neighbourhood: calls flow left to right, from upstream (towards the
origin) to downstream (towards the consumer). No script, no external asset: it prints and reads as it is."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from tracebacks.ecosystem.graph import Neighbourhood

BOX_W, BOX_H, COL_GAP, ROW_GAP, PAD = 200, 38, 70, 14, 24
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
        parts.append(f'<text x="{x + BOX_W / 2}" y="{PAD}" class="col">{escape(TITLES[c])}</text>')
        offset = (tallest - len(n.columns[c])) * (BOX_H + ROW_GAP) / 2
        for j, pk in enumerate(n.columns[c]):
            pos[pk] = (x, PAD + 30 + offset + j * (BOX_H + ROW_GAP))
    heaviest = max((e[2] for e in n.edges), default=1)
    for up, down, weight, campaigns in n.edges:
        (x1, y1), (x2, y2) = pos[up], pos[down]
        stroke = 1 + 6 * weight / heaviest
        parts.append(
            f'<line x1="{x1 + BOX_W}" y1="{y1 + BOX_H / 2}" x2="{x2}" y2="{y2 + BOX_H / 2}" '
            f'stroke-width="{stroke:.1f}" class="edge" marker-end="url(#arrow)"><title>'
            f"{escape(n.nodes[up].get('name', ''))} → {escape(n.nodes[down].get('name', ''))}: {weight} "
            f"traceback(s), {campaigns} campaign(s)</title></line>"
        )
    for pk, (x, y) in pos.items():
        facts = n.nodes.get(pk, {})
        classes = (
            ["node"] + (["centre"] if pk == n.centre else []) + (["foreign"] if facts.get("foreign") else [])
        )
        classes += [] if facts.get("rmd") else ["normd"]
        sub = ("foreign · " if facts.get("foreign") else "") + (facts.get("rmd") or "no RMD filing")
        parts.append(
            f'<g class="{" ".join(classes)}"><rect x="{x}" y="{y}" width="{BOX_W}" height="{BOX_H}" rx="4"/>'
            f'<text x="{x + 8}" y="{y + 15}">{escape(_label(facts.get("name", str(pk))))}</text>'
            f'<text x="{x + 8}" y="{y + 30}" class="sub">{escape(sub)} · {facts.get("tracebacks", 0)} tb</text>'
            f"<title>{escape(facts.get('name', ''))}</title></g>"
        )
    style = (
        "text{font:12px 'DejaVu Sans',sans-serif;fill:#1b1f23}.col{text-anchor:middle;font-weight:bold;fill:#444}"
        ".sub{font-size:10px;fill:#555}.node rect{fill:#fff;stroke:#5a6470;stroke-width:1.2}"
        ".centre rect{fill:#e8eef7;stroke:#1d4f91;stroke-width:2.5}.foreign rect{stroke-dasharray:5 3}"
        ".normd rect{stroke:#a3261b}.edge{stroke:#7d8896;stroke-opacity:.75}"
    )
    return mark_safe(  # noqa: S308 - every text in it is escaped above; the rest are numbers we computed
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="Neighbourhood of {escape(n.nodes.get(n.centre, {}).get("name", ""))}">'
        f'<style>{style}</style><defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" '
        f'markerWidth="6" markerHeight="6" orient="auto"><path d="M0,0L10,5L0,10z" fill="#7d8896"/></marker></defs>'
        + "".join(parts)
        + "</svg>"
    )
