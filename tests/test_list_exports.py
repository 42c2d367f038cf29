"""The queue, the case list and the traceback list download as CSV and XLSX (issue 13, item 6): the page's
filters applied by the same FilterSet, only what the reader may see, recorded, formula cells neutralised."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from itg.audit.models import AuditEvent
from subpoenas.models import LegalDemand
from tests.factories import make_case, make_demand, make_provider, start_traceback, verified_login


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Cache-Control"] == "private, no-store"
    body = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.reader(io.StringIO(body)))


def _xlsx(response) -> list[tuple]:
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)  # no formula anywhere
    return list(sheet.iter_rows(values_only=True))


@pytest.fixture
def demands(people):
    now = timezone.now()
    late = make_demand("TX", '=HYPERLINK("http://evil.example","Open me")', by=people.tess)
    soon = make_demand("TX", "Soon one", by=people.tess)
    other = make_demand("CA", "California one", by=people.carl)
    LegalDemand.objects.filter(pk=late.pk).update(due_at=now - timedelta(days=1))
    LegalDemand.objects.filter(pk__in=[soon.pk, other.pk]).update(due_at=now + timedelta(days=3))
    return {"late": late, "soon": soon, "other": other}


def test_the_queue_downloads_as_csv_with_the_pages_filters_and_is_recorded(client, people, demands):
    verified_login(client, people.ivy)
    response = client.get("/demands/export.csv", {"due": "overdue"})
    assert response["Content-Disposition"].startswith('attachment; filename="demands-')
    rows = _csv(response)
    assert rows[0][:3] == ["Tracking number", "Caption", "Kind"] and rows[0][-1] == "ITG owner"
    assert [r[0] for r in rows[1:]] == [demands["late"].tracking_number]
    assert rows[1][1] == '\'=HYPERLINK("http://evil.example","Open me")'  # shown as text, never run
    event = AuditEvent.objects.get(action="demands.exported")
    assert event.actor_id == people.ivy.pk
    assert event.changes == {"format": "csv", "filters": {"due": "overdue"}, "rows": 1}


def test_the_queue_as_xlsx_holds_the_same_rows_as_the_page(client, people, demands):
    verified_login(client, people.ivy)
    rows = _xlsx(client.get("/demands/export.xlsx", {"state": "TX", "sort": "tracking"}))
    numbers = sorted([demands["late"].tracking_number, demands["soon"].tracking_number])
    assert [r[0] for r in rows[1:]] == numbers
    assert rows[0][8] == "Received (UTC)"
    assert {r[1] for r in rows[1:]} == {'\'=HYPERLINK("http://evil.example","Open me")', "Soon one"}


def test_an_ag_office_downloads_only_what_it_may_see_and_no_itg_assignment(client, people, demands):
    verified_login(client, people.carl)
    rows = _csv(client.get("/demands/export.csv"))
    assert "ITG owner" not in rows[0]
    assert [r[1] for r in rows[1:]] == ["California one"]
    assert _csv(client.get("/demands/export.csv", {"state": "TX"}))[1:] == []
    event = AuditEvent.objects.filter(action="demands.exported").latest("seq")
    assert event.object_state == "CA" and event.changes["rows"] == 0


def test_the_export_refuses_what_the_page_refuses(client, people, demands):
    verified_login(client, people.ivy)
    client.raise_request_exception = False
    bad = client.get("/demands/export.csv", {"due": "someday"})
    assert bad.status_code == 400 and "due" in bad.content.decode()
    assert client.get("/demands/export.pdf").status_code == 404
    verified_login(client, people.aldo)
    assert client.get("/demands/export.csv").status_code == 403
    assert not AuditEvent.objects.filter(action="demands.exported").exists()


def test_a_too_large_spreadsheet_asks_to_narrow_the_filters(client, people, demands, monkeypatch):
    monkeypatch.setattr("itg.exports.XLSX_MAX_ROWS", 1)
    verified_login(client, people.ivy)
    response = client.get("/demands/export.xlsx")
    assert response.status_code == 400
    assert "narrow the filters" in response.content.decode()
    assert not AuditEvent.objects.filter(action="demands.exported").exists()
    assert len(_csv(client.get("/demands/export.csv"))) == 4  # the CSV has no limit


def test_the_queue_export_queries_do_not_grow_with_rows(client, people, django_assert_max_num_queries):
    for n in range(3):
        make_demand("TX", f"Matter {n}", by=people.tess)
    verified_login(client, people.ivy)

    def run():
        return len(_csv(client.get("/demands/export.csv")))

    with django_assert_max_num_queries(12) as few:
        # session, user+office, OTP device, notifications middleware, the COUNT, the audit chain head and
        # insert (with its savepoint-free lock), the rows (one chunk)
        assert run() == 4
    for n in range(12):
        make_demand("TX", f"More {n}", by=people.tess)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert run() == 16


def test_the_case_list_downloads_with_its_filters(client, people):
    make_case("TX", "Texas matter", by=people.ivy)
    make_case("CA", "@SUM(A1) California matter", by=people.ivy)
    verified_login(client, people.ivy)
    rows = _xlsx(client.get("/cases/export.xlsx", {"state": "CA"}))
    assert rows[0] == ("Case", "Lead state", "Reference", "ITG owner", "Demands", "Opened (UTC)")
    assert [r[:2] for r in rows[1:]] == [("'@SUM(A1) California matter", "CA")]
    verified_login(client, people.tess)
    rows = _csv(client.get("/cases/export.csv"))
    assert [r[0] for r in rows[1:]] == ["Texas matter"]
    event = AuditEvent.objects.filter(action="cases.exported").latest("seq")
    assert event.actor_id == people.tess.pk and event.object_state == "TX" and event.changes["rows"] == 1


def test_the_traceback_list_downloads_with_its_filters_for_itg_staff_only(client, people):
    acme, beta = make_provider("Acme Voice"), make_provider("Beta Telecom")
    one = start_traceback(people.ivy, acme, calling="+12025550143")
    start_traceback(people.ivy, beta, calling="+12025550177")
    verified_login(client, people.ivy)
    rows = _csv(client.get("/tracebacks/export.csv", {"provider": "Acme Voice"}))
    assert rows[0][:6] == [
        "Traceback",
        "Campaign",
        "Call (UTC)",
        "Caller's zone",
        "Calling number",
        "Called number",
    ]
    assert [(r[0], r[4]) for r in rows[1:]] == [(str(one.pk), "'+12025550143")]
    assert _xlsx(client.get("/tracebacks/export.xlsx", {"number": "(202) 555-0177"}))[1][4] == "'+12025550177"
    client.raise_request_exception = False
    bad = client.get("/tracebacks/export.csv", {"provider": "Nobody Known"})
    assert bad.status_code == 400 and "No registered provider matches" in bad.content.decode()
    assert AuditEvent.objects.filter(action="tracebacks.exported").count() == 2
    for who in (people.tess, people.carl, people.aldo):
        verified_login(client, who)
        assert client.get("/tracebacks/export.csv").status_code == 403


def test_each_list_page_links_its_download_with_the_filters_kept(client, people, demands):
    verified_login(client, people.ivy)
    body = client.get("/demands/", {"due": "week", "q": "soon"}).content.decode()
    assert 'href="/demands/export.csv?due=week&amp;q=soon"' in body
    assert 'href="/demands/export.xlsx?due=week&amp;q=soon"' in body
    assert 'href="/cases/export.csv?state=TX"' in client.get("/cases/", {"state": "TX"}).content.decode()
    assert 'href="/tracebacks/export.xlsx"' in client.get("/tracebacks/").content.decode()
