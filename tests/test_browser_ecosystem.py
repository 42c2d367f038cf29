"""In a real browser: ITG staff open the scorecard, drill into a provider's findings and its evidence, and
see its neighbourhood drawn as a graph."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from playwright.sync_api import Page, expect

from tests import ecosystem_world
from tests.browser import log_in

pytestmark = pytest.mark.browser


def test_itg_staff_drill_from_the_scorecard_to_a_providers_neighbourhood(page: Page, site, people, tmp_path):
    cache.clear()
    w = ecosystem_world.build()
    page.set_default_timeout(60_000)  # the first render of a page pays the template and import costs
    log_in(page, site, people.ivy)
    page.goto(f"{site}/ecosystem/")
    expect(page.get_by_role("heading", name="Non-cooperative providers")).to_be_visible()
    page.get_by_label("Criterion").select_option("c")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("link", name="Forgetful Networks")).to_have_count(0)
    page.screenshot(path=str(tmp_path / "scorecard.png"), full_page=True)
    page.get_by_role("link", name="Port of Entry Voice").click()
    expect(page.get_by_role("heading", name="Port of Entry Voice")).to_be_visible()
    expect(page.get_by_text("does not declare the gateway role")).to_be_visible()
    hops = page.get_by_role("table", name="3 supporting hops")
    expect(hops.get_by_role("row")).to_have_count(4)  # header and the 3 supporting hops
    expect(page.get_by_role("table", name="Letters to or about this provider")).to_contain_text(
        "No notice letter sent."
    )
    page.get_by_role("link", name="Neighbourhood graph").click()
    graph = page.get_by_role("img", name="Neighbourhood of Port of Entry Voice")
    expect(graph).to_be_visible()
    expect(graph).to_contain_text("Middle Transit Corp")
    expect(graph).to_contain_text("Overseas Voice Ltd")
    table = page.get_by_role("table", name="The same edges as a table")
    expect(table.get_by_role("row").filter(has_text="Overseas Voice Ltd")).to_contain_text(
        "Port of Entry Voice"
    )
    expect(table.get_by_role("row").filter(has_text="Middle Transit Corp").first).to_contain_text(
        "Port of Entry Voice"
    )
    page.screenshot(path=str(tmp_path / "neighbourhood.png"), full_page=True)
    cache.clear()
    assert w.pc.pk
