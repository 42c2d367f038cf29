"""The ecosystem graph: providers as nodes, "handed calls to" edges weighted by tracebacks and campaigns.

Built from the hops in one grouped query: a hop whose provider named an upstream says the upstream handed
the call to this provider, so each (upstream, provider) pair is an edge, weighted by the tracebacks (a
provider is once on a path, so hops are tracebacks) and the distinct campaigns that crossed it. The edge list
of a window (and campaign or kind) is cached for a few minutes, so a neighbourhood page works on a few
thousand edges in memory instead of re-reading millions of hops; networkx gives the graph algorithms.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import networkx as nx
from django.core.cache import cache
from django.db.models import Count, QuerySet

from providers.models import Provider
from tracebacks.ecosystem.findings import Window, hop_role_counts, window_hops
from tracebacks.models import Hop, Traceback

GRAPH_CACHE_SECONDS = 600
# Betweenness is sampled over this many source nodes (seeded, so deterministic) once the graph is larger:
# Brandes' exact algorithm is O(nodes x edges), seconds in Python for a few hundred busy providers.
BETWEENNESS_SAMPLE = 150


@dataclass(frozen=True)
class Scope:
    window: Window
    campaign_id: int | None = None
    kind: str = ""

    @property
    def key(self) -> str:
        return f"ecosystem:graph:{self.window.start}:{self.window.end}:{self.campaign_id or ''}:{self.kind}"


def scoped_hops(scope: Scope) -> QuerySet[Hop]:
    hops = window_hops(scope.window)
    if scope.campaign_id:
        hops = hops.filter(traceback__campaign_id=scope.campaign_id)
    if scope.kind:
        hops = hops.filter(traceback__campaign__kind=scope.kind)
    return hops


@dataclass
class EdgeData:
    """Plain data (cacheable): edges (upstream, downstream, tracebacks, campaigns) and node facts."""

    edges: list[tuple[int, int, int, int]]
    nodes: dict[int, dict]
    tracebacks: int
    built_at: datetime = field(default_factory=lambda: datetime.now(UTC))


def edge_data(scope: Scope) -> EdgeData:
    """The scope's edges and nodes (three queries: edges, role counts, providers), cached."""
    cached = cache.get(scope.key)
    if cached is not None:
        return cached
    hops = scoped_hops(scope)
    rows = (
        hops.filter(upstream_id__isnull=False)
        .values("upstream_id", "provider_id")
        .annotate(n=Count("pk"), campaigns=Count("traceback__campaign_id", distinct=True))
        .order_by()
    )
    edges = [(r["upstream_id"], r["provider_id"], r["n"], r["campaigns"]) for r in rows]
    roles = hop_role_counts(scope.window) if not (scope.campaign_id or scope.kind) else _roles(hops)
    ids = {u for u, _, _, _ in edges} | {d for _, d, _, _ in edges} | set(roles)
    nodes = {
        p.pk: {
            "name": p.business_name,
            "rmd": p.rmd_number or "",
            "foreign": p.is_foreign,
            "stir_shaken": p.get_stir_shaken_display() if p.stir_shaken else "Not filed",
            "gateway_filed": p.is_gateway,
            "roles": roles.get(p.pk, {}),
            "tracebacks": sum(roles.get(p.pk, {}).values()),
        }  # fmt: skip
        for p in Provider.objects.filter(pk__in=ids).only(
            "pk", "business_name", "rmd_number", "is_foreign", "stir_shaken", "is_gateway"
        )
    }
    total = hops.filter(sequence=1).count()
    data = EdgeData(edges, nodes, total)
    cache.set(scope.key, data, GRAPH_CACHE_SECONDS)
    return data


def _roles(hops: QuerySet[Hop]) -> dict[int, dict[str, int]]:
    out: dict[int, dict[str, int]] = {}
    for r in hops.values("provider_id", "role").annotate(n=Count("pk")).order_by():
        out.setdefault(r["provider_id"], {})[r["role"]] = r["n"]
    return out


def build(data: EdgeData) -> nx.DiGraph:
    graph = nx.DiGraph()
    for pk, facts in data.nodes.items():
        graph.add_node(pk, **facts)
    for up, down, n, campaigns in data.edges:
        graph.add_edge(up, down, tracebacks=n, campaigns=campaigns)
    return graph


@dataclass
class Neighbourhood:
    centre: int
    columns: dict[int, list[int]]  # -2, -1 upstream; 0 the provider; 1, 2 downstream
    edges: list[tuple[int, int, int, int]]
    nodes: dict[int, dict]
    hidden: dict[int, int]  # per column, how many neighbours were left out of the drawing


def neighbourhood(data: EdgeData, centre: int, *, per_column: int = 10) -> Neighbourhood:
    """Upstreams of upstreams, upstreams, the provider, downstreams, their downstreams: the busiest
    `per_column` of each step by traceback weight (the table lists the same nodes and edges)."""
    graph = build(data)
    if centre not in graph:
        graph.add_node(centre)
    columns: dict[int, list[int]] = {0: [centre]}
    hidden: dict[int, int] = {}
    placed = {centre}
    for side, neighbours in ((-1, graph.predecessors), (1, graph.successors)):
        frontier = [centre]
        for step in (1, 2):
            weight: dict[int, int] = {}
            for node in frontier:
                for other in neighbours(node):
                    if other in placed:
                        continue
                    edge = graph.edges[other, node] if side < 0 else graph.edges[node, other]
                    weight[other] = weight.get(other, 0) + edge["tracebacks"]
            ranked = sorted(weight, key=lambda n: (-weight[n], n))
            columns[side * step] = ranked[:per_column]
            hidden[side * step] = max(0, len(ranked) - per_column)
            placed |= set(columns[side * step])
            frontier = columns[side * step]
    order = {n: c for c, ns in columns.items() for n in ns}
    edges = [
        (u, v, d["tracebacks"], d["campaigns"])
        for u, v, d in graph.edges(data=True)
        if u in order and v in order and order[v] - order[u] == 1
    ]
    edges.sort(key=lambda e: (order[e[0]], -e[2], e[0], e[1]))
    return Neighbourhood(centre, columns, edges, {n: graph.nodes[n] for n in order}, hidden)


@dataclass
class Chokepoint:
    provider_id: int
    name: str
    rmd: str
    foreign: bool
    tracebacks: int
    share: float
    betweenness: float


def chokepoints(data: EdgeData, *, top: int = 25) -> list[Chokepoint]:
    """The providers through which the most traffic passes: share of the scope's tracebacks that crossed
    them, and betweenness centrality (how often they sit on the shortest paths between other providers)."""
    graph = build(data)
    if graph.number_of_nodes() == 0:
        return []
    k = BETWEENNESS_SAMPLE if graph.number_of_nodes() > BETWEENNESS_SAMPLE else None
    between = nx.betweenness_centrality(graph, k=k, seed=11, normalized=True)
    total = data.tracebacks or 1
    rows = [
        Chokepoint(
            pk,
            f.get("name", ""),
            f.get("rmd", ""),
            f.get("foreign", False),
            f.get("tracebacks", 0),
            f.get("tracebacks", 0) / total,
            between.get(pk, 0.0),
        )  # fmt: skip
        for pk, f in data.nodes.items()
    ]
    rows.sort(key=lambda r: (-r.tracebacks, -r.betweenness, r.provider_id))
    return rows[:top]


def foreign_gateways(data: EdgeData, *, top: int = 15) -> list[tuple[int, str, int, bool]]:
    """US providers that took the most calls straight from a foreign provider: (id, name, tracebacks,
    declares the gateway role in its RMD filing)."""
    counts: dict[int, int] = {}
    for up, down, n, _ in data.edges:
        if data.nodes.get(up, {}).get("foreign") and not data.nodes.get(down, {}).get("foreign"):
            counts[down] = counts.get(down, 0) + n
    ranked = sorted(counts, key=lambda pk: (-counts[pk], pk))[:top]
    return [(pk, data.nodes[pk]["name"], counts[pk], data.nodes[pk]["gateway_filed"]) for pk in ranked]


@dataclass
class Path:
    providers: list[int]  # from the origin (or the last provider reached) to the terminating provider
    tracebacks: int
    example: int


def campaign_paths(scope: Scope, *, top: int = 20) -> tuple[list[Path], dict[int, dict]]:
    """The distinct chains the campaign's tracebacks followed, most frequent first (two queries)."""
    rows = (
        scoped_hops(scope)
        .order_by("traceback_id", "sequence")
        .values_list("traceback_id", "provider_id", "upstream_id")
    )
    chains: dict[int, list[int]] = {}
    foreign_end: dict[int, int] = {}
    for tb, provider, upstream in rows.iterator(chunk_size=5000):
        chains.setdefault(tb, []).append(provider)
        foreign_end[tb] = upstream
    paths: dict[tuple[int, ...], Path] = {}
    for tb, chain in chains.items():
        key = tuple(reversed(chain))
        if foreign_end.get(tb) and foreign_end[tb] not in chain:
            key = (foreign_end[tb], *key)
        path = paths.setdefault(key, Path(list(key), 0, tb))
        path.tracebacks += 1
    ranked = sorted(paths.values(), key=lambda p: (-p.tracebacks, p.example))[:top]
    ids = {pk for p in ranked for pk in p.providers}
    nodes = {p.pk: {"name": p.business_name, "rmd": p.rmd_number or "", "foreign": p.is_foreign}
             for p in Provider.objects.filter(pk__in=ids).only("pk", "business_name", "rmd_number", "is_foreign")}  # fmt: skip
    return ranked, nodes


def campaign_traceback_count(scope: Scope) -> int:
    return Traceback.objects.filter(
        pk__in=scoped_hops(scope).filter(sequence=1).values("traceback_id")
    ).count()
