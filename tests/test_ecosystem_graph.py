"""The ecosystem graph: edges from the hops, a neighbourhood two steps out (SVG and table), campaign paths,
chokepoints and foreign-origin gateways; access and constant query counts."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from tests import ecosystem_world
from tests.ecosystem_world import WINDOW, chain
from tests.factories import make_campaign, make_provider, verified_login
from tracebacks.ecosystem import graph

W = "since=2025-12-01&until=2026-11-30"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(db):
    """A small map: origin -> wholesale -> transit -> two terminating providers; a foreign provider into
    a gateway; another campaign elsewhere."""
    w = ecosystem_world.build()
    w.origin, w.wholesale, w.transit = (
        make_provider("Root Origin"),
        make_provider("Wholesale Hub"),
        make_provider("Transit Two"),
    )
    w.t1, w.t2 = make_provider("Terminating East"), make_provider("Terminating West")
    w.campaign = make_campaign("Utility-30MinDisconnect", "utility")
    for term in (w.t1, w.t1, w.t2):
        chain([term, w.transit, w.wholesale, w.origin], campaign=w.campaign)
    return w


def test_edges_are_handed_calls_to_weighted_by_tracebacks_and_campaigns(world, django_assert_num_queries):
    with django_assert_num_queries(4):  # edges, role counts, providers, tracebacks in the scope
        data = graph.edge_data(graph.Scope(WINDOW))
    edges = {(u, v): (n, c) for u, v, n, c in data.edges}
    assert edges[world.origin.pk, world.wholesale.pk] == (3, 1)
    assert edges[world.transit.pk, world.t1.pk] == (2, 1)
    assert edges[world.foreign.pk, world.pc.pk] == (3, 1)
    with django_assert_num_queries(0):  # cached
        graph.edge_data(graph.Scope(WINDOW))
    only = graph.edge_data(graph.Scope(WINDOW, campaign_id=world.campaign.pk))
    assert {(u, v) for u, v, _, _ in only.edges} == {(world.origin.pk, world.wholesale.pk), (world.wholesale.pk, world.transit.pk),
                                                      (world.transit.pk, world.t1.pk), (world.transit.pk, world.t2.pk)}  # fmt: skip
    assert graph.edge_data(graph.Scope(WINDOW, kind="utility")).edges == only.edges


def test_neighbourhood_two_steps_out(world):
    hood = graph.neighbourhood(graph.edge_data(graph.Scope(WINDOW)), world.wholesale.pk)
    assert hood.columns[-1] == [world.origin.pk] and hood.columns[1] == [world.transit.pk]
    assert sorted(hood.columns[2]) == sorted([world.t1.pk, world.t2.pk])
    assert hood.columns[-2] == []


def test_neighbourhood_page_draws_the_same_data_as_its_table(
    client, people, world, django_assert_max_num_queries
):
    verified_login(client, people.ivy)
    url = f"/ecosystem/providers/{world.wholesale.pk}/graph/?{W}"
    client.get(url)
    # session, user, device, settings, provider, campaigns for the filter, notifications
    with django_assert_max_num_queries(7):
        page = client.get(url).content.decode()
    svg = page[page.index("<svg") : page.index("</svg>")]
    for name in ("Root Origin", "Wholesale Hub", "Transit Two", "Terminating East", "Terminating West"):
        assert name in svg and name in page[page.index("<table") :]
    assert svg.count("<line") == 4 and "Root Origin → Wholesale Hub: 3 traceback(s), 1 campaign(s)" in svg
    assert "<script" not in svg and "http" not in svg.replace("http://www.w3.org/2000/svg", "")


def test_campaign_paths_from_origin_to_terminating(client, people, world):
    verified_login(client, people.ivy)
    page = client.get(f"/ecosystem/campaigns/{world.campaign.pk}/?{W}").content.decode()
    row = page[page.index("<tbody>") :]
    first = row[: row.index("</tr>")]
    assert "<td>2</td>" in first
    assert (
        first.index("Root Origin")
        < first.index("Wholesale Hub")
        < first.index("Transit Two")
        < first.index("Terminating East")
    )


def test_chokepoints_and_foreign_gateways(client, people, world):
    data = graph.edge_data(graph.Scope(WINDOW))
    points = {p.provider_id: p for p in graph.chokepoints(data)}
    assert points[world.term.pk].share > 0.8  # terminating on almost every traceback
    assert points[world.wholesale.pk].betweenness > 0 and points[world.t1.pk].betweenness == 0
    assert graph.foreign_gateways(data)[0][:3] == (world.pc.pk, "Port of Entry Voice", 3)
    verified_login(client, people.ivy)
    page = client.get(f"/ecosystem/map/?{W}").content.decode()
    assert "Port of Entry Voice" in page and "Wholesale Hub" in page


@pytest.mark.parametrize("who", ["tess", "carl", "aldo"])
def test_graph_pages_are_itg_only(client, people, world, who):
    verified_login(client, getattr(people, who))
    for url in (f"/ecosystem/providers/{world.wholesale.pk}/graph/", f"/ecosystem/campaigns/{world.campaign.pk}/",
                "/ecosystem/map/"):  # fmt: skip
        assert client.get(url).status_code == 403
