"""The scorecard a page at a time: ranked rows in pages of 50, filters kept across pages, downloads whole."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from tests.ecosystem_world import chain
from tests.factories import make_provider, verified_login
from tracebacks.ecosystem.views import SCORECARD_PAGE_SIZE

W = "since=2025-12-01&until=2026-11-30"


@pytest.fixture
def many(db):
    """SCORECARD_PAGE_SIZE + 3 providers that each met (d) with 3 'no record' answers; the first has most."""
    cache.clear()
    term = make_provider("Last Mile Telecom")
    found = [make_provider(f"Forgetful Carrier {i:02d}") for i in range(SCORECARD_PAGE_SIZE + 3)]
    for i, provider in enumerate(found):
        for _ in range(4 if i == 0 else 3):
            chain([term, provider], last="no_record")
    yield found
    cache.clear()


def test_the_scorecard_shows_a_page_of_ranked_rows_and_links_the_next(client, people, many):
    verified_login(client, people.ivy)

    first = client.get(f"/ecosystem/?{W}&criterion=d").content.decode()
    second = client.get(f"/ecosystem/?{W}&criterion=d&page=2").content.decode()

    total = SCORECARD_PAGE_SIZE + 3
    assert f"{total} of {total} providers with a finding; 1 to {SCORECARD_PAGE_SIZE} shown" in first
    assert first.count("/ecosystem/providers/") == SCORECARD_PAGE_SIZE and "Forgetful Carrier 00" in first
    assert "Page 1 of 2" in first and "criterion=d&amp;page=2" in first and 'rel="next"' in first
    assert second.count("/ecosystem/providers/") == 3 and f"<td>{SCORECARD_PAGE_SIZE + 1}</td>" in second
    assert "Forgetful Carrier 00" not in second and 'rel="prev"' in second


def test_the_download_holds_every_row_not_one_page(client, people, many):
    verified_login(client, people.ivy)
    body = client.get(f"/ecosystem/?{W}&criterion=d&format=csv&page=2").content.decode()
    assert len(body.strip().splitlines()) == 1 + SCORECARD_PAGE_SIZE + 3  # header + every provider's (d)
