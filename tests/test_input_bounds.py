"""Input bounds shared by page and API (issue 15, items 6 and 9): far and old dates, huge periods, an
invalid lead state, one length limit per field. Each refusal names the field and stores nothing."""

from __future__ import annotations

from datetime import date

import pytest
from rest_framework.test import APIClient

from cases.models import Case, CaseMessage
from itg import calendar
from itg.params import DATE_MAX, MESSAGE_MAX, REQUEST_TEXT_MAX
from subpoenas.models import LegalDemand
from tests.factories import make_case, verified_login
from tests.test_demand_intake import REQUESTS, form


def api_as(user) -> APIClient:
    client = APIClient()
    verified_login(client, user)
    return client


@pytest.mark.parametrize(
    ("start", "n", "says"),
    [(date(9999, 12, 20), 365, "between 1900-01-01 and 2199-12-31"), (date(1850, 1, 1), 5, "between"),
     (date(2026, 1, 5), 10**6, "at most 3660")],
)  # fmt: skip
def test_the_calendar_refuses_far_dates_and_huge_periods_with_a_clear_error(start, n, says):
    for add in (calendar.add_business_days, calendar.add_calendar_days):
        with pytest.raises(ValueError, match=says):
            add(start, n, "TX")


def test_the_calendar_still_counts_a_long_period_from_the_last_allowed_date():
    due = calendar.add_business_days(DATE_MAX, 365, "TX").due_date
    assert due.year == 2201


@pytest.mark.parametrize("field", ["date_served", "date_issued", "return_date"])
@pytest.mark.parametrize("value", ["9999-12-31", "1899-12-31"])
def test_api_intake_refuses_dates_out_of_range_naming_the_field(people, field, value):
    response = api_as(people.tess).post(
        "/api/demands/", form(**{field: value, "response_days": "365"}), format="multipart"
    )
    assert response.status_code == 400
    assert "between 1900-01-01 and 2199-12-31" in response.json()[field][0]
    assert LegalDemand.objects.count() == 0


def test_api_intake_refuses_a_request_text_over_the_limit(people):
    long = [{**REQUESTS[0], "text": "x" * (REQUEST_TEXT_MAX + 1)}]
    import json

    response = api_as(people.tess).post("/api/demands/", form(requests=json.dumps(long)), format="multipart")
    assert response.status_code == 400 and "requests" in response.json()
    assert f"no more than {REQUEST_TEXT_MAX}" in str(response.json()["requests"])
    assert LegalDemand.objects.count() == 0


def test_an_invalid_lead_state_is_a_400_naming_the_field(people):
    response = api_as(people.ivy).post(
        "/api/cases/", {"title": "Robocalls", "lead_state": "ZZ"}, format="json"
    )
    assert response.status_code == 400 and "lead_state" in response.json()
    assert Case.objects.count() == 0


def test_a_case_message_has_one_limit_for_page_and_api(client, people):
    case = make_case("TX", by=people.tess)
    too_long = "x" * (MESSAGE_MAX + 1)
    api = api_as(people.tess).post(f"/api/cases/{case.pk}/messages/", {"body": too_long}, format="json")
    assert api.status_code == 400 and f"no more than {MESSAGE_MAX}" in api.json()["body"][0]
    verified_login(client, people.tess)
    page = client.post(f"/cases/{case.pk}/messages/", {"body": too_long}, follow=True)
    assert f"Shorten the message to {MESSAGE_MAX:,} characters" in page.content.decode()
    ok = api_as(people.tess).post(
        f"/api/cases/{case.pk}/messages/", {"body": "x" * MESSAGE_MAX}, format="json"
    )
    assert ok.status_code == 201
    assert CaseMessage.objects.count() == 1


def test_a_nul_byte_in_a_posted_message_is_refused_not_a_server_error(client, people):
    case = make_case("TX", by=people.tess)
    verified_login(client, people.tess)
    page = client.post(f"/cases/{case.pk}/messages/", {"body": "a\x00b"}, follow=True)
    assert "Remove the NUL character" in page.content.decode()
    assert CaseMessage.objects.count() == 0
