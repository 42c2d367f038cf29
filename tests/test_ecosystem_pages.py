"""The ecosystem pages: who reaches them, what they show, downloads, settings, snapshots, query counts."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.cache import cache
from openpyxl import load_workbook

from itg.audit.models import AuditEvent
from tests import ecosystem_world
from tests.factories import verified_login
from tracebacks.ecosystem.models import FindingSettings, FindingSnapshot
from tracebacks.ecosystem.services import finding_snapshot_make, snapshot_csv
from tracebacks.models import Hop

W = "since=2025-12-01&until=2026-11-30"
NOT_ITG = ["tess", "sam", "carl", "nora", "aldo"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(db):
    return ecosystem_world.build()


def urls(world):
    return [("get", f"/ecosystem/?{W}"), ("get", f"/ecosystem/?{W}&format=csv"), ("get", "/ecosystem/settings/"),
            ("post", "/ecosystem/settings/"), ("get", "/ecosystem/snapshots/"), ("post", "/ecosystem/snapshots/"),
            ("get", f"/ecosystem/providers/{world.pa.pk}/")]  # fmt: skip


@pytest.mark.parametrize("who", NOT_ITG)
def test_ag_users_of_any_state_and_auditors_are_refused(client, people, world, who):
    verified_login(client, getattr(people, who))
    for method, url in urls(world):
        assert (
            getattr(client, method)(url, {"month": "2026-10"} if method == "post" else None).status_code
            == 403
        ), url
    assert not FindingSnapshot.objects.exists()
    assert not AuditEvent.objects.filter(action="findings.exported").exists()


def test_anonymous_is_sent_to_log_in(client, world):
    response = client.get("/ecosystem/")
    assert response.status_code == 302 and "/accounts/login" in response["Location"]


def test_the_scorecard_ranks_the_planted_providers_and_filters(
    client, people, world, django_assert_max_num_queries
):
    verified_login(client, people.ivy)
    client.get(f"/ecosystem/?{W}")  # fills the cache
    # session, user, device, settings row, notifications count: the scorecard itself is read from the cache.
    with django_assert_max_num_queries(5):
        page = client.get(f"/ecosystem/?{W}").content.decode()
    planted = ["Silent Transit LLC", "Unfiled Carrier Co", "Origin Dialer Services", "Front Door Wholesale",
               "Port of Entry Voice", "Forgetful Networks", "No Logs Telecom"]  # fmt: skip
    for name in planted:
        assert name in page
    for near in (
        "Almost Silent Inc",
        "Near Origin Telecom",
        "Occasional Gateway LLC",
        "Sometimes Records Inc",
    ):
        assert near not in page
    assert page.index("No Logs Telecom") < page.index("Forgetful Networks")  # 5 "no record" before 3
    only_d = client.get(f"/ecosystem/?{W}&criterion=d").content.decode()
    assert "No Logs Telecom" in only_d and "Silent Transit LLC" not in only_d
    no_rmd = client.get(f"/ecosystem/?{W}&rmd=none").content.decode()
    assert "Unfiled Carrier Co" in no_rmd and "Silent Transit LLC" not in no_rmd
    originators = client.get(f"/ecosystem/?{W}&role=originating").content.decode()
    assert "Origin Dialer Services" in originators and "Forgetful Networks" not in originators


def test_a_window_that_ends_before_it_starts_is_explained(client, people, world):
    verified_login(client, people.ivy)
    response = client.get("/ecosystem/?since=2026-05-01&until=2026-04-01")
    assert response.status_code == 400
    assert "before it starts" in response.content.decode()


def test_csv_and_xlsx_downloads_are_audited_and_neutralised(client, people, world):
    world.pd5.business_name = '=HYPERLINK("http://x")'
    world.pd5.save()
    verified_login(client, people.ivy)
    body = client.get(f"/ecosystem/?{W}&format=csv").content.decode()
    assert body.splitlines()[0] == ("provider_id,rmd_number,provider_name,criterion,count,threshold,window_start,"
                                    "window_end,traceback_ids")  # fmt: skip
    assert "'=HYPERLINK" in body
    xlsx = load_workbook(io.BytesIO(client.get(f"/ecosystem/?{W}&format=xlsx").content))
    names = [row[2] for row in xlsx.active.iter_rows(values_only=True)]
    assert '\'=HYPERLINK("http://x")' in names
    events = AuditEvent.objects.filter(action="findings.exported", actor=people.ivy)
    assert sorted(e.changes["format"] for e in events) == ["csv", "xlsx"]


def test_drill_down_shows_the_supporting_hops(client, people, world):
    verified_login(client, people.ivy)
    page = client.get(f"/ecosystem/providers/{world.pc.pk}/?{W}&criterion=c").content.decode()
    assert "does <strong>not</strong> declare the gateway role" in page and "signed C 2 time(s)" in page
    assert "3 supporting hops" in page and "Overseas Voice Ltd" in page
    for tb_id in Hop.objects.filter(provider=world.pc).values_list("traceback_id", flat=True):
        assert f'/tracebacks/{tb_id}/"' in page


def test_only_itg_administrators_change_the_settings_and_bad_values_are_refused(client, people, world):
    good = {"window_months": 12, "window_start": "", "window_end": "", "threshold_a": 3, "threshold_b": 3,
            "threshold_c": 3, "threshold_d": 4}  # fmt: skip
    verified_login(client, people.ivy)
    assert client.post("/ecosystem/settings/", good).status_code == 403
    verified_login(client, people.ada)
    for bad, message in [({"threshold_b": 0}, "1 or more"), ({"threshold_c": -2}, "1 or more"),
                         ({"window_start": "2026-05-01", "window_end": "2026-04-01"}, "before it starts"),
                         ({"window_start": "2026-05-01"}, "Give both")]:  # fmt: skip
        response = client.post("/ecosystem/settings/", good | bad)
        assert response.status_code == 400 and message in response.content.decode(), bad
    assert FindingSettings.objects.get().threshold_d == 3
    assert not AuditEvent.objects.filter(action="findings.settings_changed").exists()
    assert client.post("/ecosystem/settings/", good).status_code == 302
    event = AuditEvent.objects.get(action="findings.settings_changed")
    assert event.actor == people.ada and event.changes == {"threshold_d": ["3", "4"]}
    page = client.get(f"/ecosystem/?{W}").content.decode()
    assert (
        "No Logs Telecom" in page and "Forgetful Networks" not in page
    )  # 3 "no record" answers, under 4 now


def test_a_past_months_snapshot_reproduces_byte_identical_csv(client, people, world):
    snap = finding_snapshot_make(month=date(2026, 11, 1), by=people.ivy)
    assert (snap.window_start, snap.window_end) == (date(2025, 12, 1), date(2026, 11, 30))
    before = snapshot_csv(snap)
    assert b"No Logs Telecom" in before
    # The history changes afterwards: a late answer replaces a no response, a provider is renamed.
    Hop.objects.filter(provider=world.pa, answer="no_response").update(answer="upstream")
    world.pd5.business_name = "Renamed Telecom"
    world.pd5.save()
    verified_login(client, people.ivy)
    response = client.get(f"/ecosystem/snapshots/{snap.pk}.csv")
    assert response.content == before
    assert finding_snapshot_make(month=date(2026, 11, 15)).pk == snap.pk  # one per month, never redone
    live = client.get(f"/ecosystem/?{W}&format=csv").content
    assert live != before and b"Renamed Telecom" in live
    assert AuditEvent.objects.filter(action="findings.snapshot_made").count() == 1


def test_a_snapshot_of_a_month_not_begun_is_refused(client, people, world):
    verified_login(client, people.ivy)
    response = client.post("/ecosystem/snapshots/", {"month": "2099-01"})
    assert response.status_code == 400 and "not begun" in response.content.decode()
    assert not FindingSnapshot.objects.exists()
