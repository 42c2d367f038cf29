"""Scopes that say what they do (issue 13, item 2): calling apart from called numbers, calls terminating in a
state (the called number's state), the AND/OR of the query said in words, and the review of proposed
records removing many at once."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from itg.audit.models import AuditEvent
from subpoenas.extraction import _terminating_states
from subpoenas.intake_views import _number_sides
from subpoenas.responses import evidence
from subpoenas.responses.models import EvidenceLink
from tests.factories import cached_pdf, make_campaign, make_provider, verified_login
from tests.responses_helpers import in_progress_demand, make_completed_traceback

A, B, C = "+12145550142", "+13125550177", "+12145550199"  # A and C are Dallas (TX) numbers, B Chicago (IL)


@pytest.fixture
def calls(people):
    """Four tracebacks: A→B, B→A, B→C, A→(Chicago); one provider and one campaign for all."""
    acme, ssa = make_provider("Acme Voice"), make_campaign("SSA-CalltheSSA")
    make = lambda calling, called: make_completed_traceback(calling=calling, called=called, campaign=ssa,  # noqa: E731
                                                            providers=[acme])  # fmt: skip
    return {"ab": make(A, B), "ba": make(B, A), "bc": make(B, C), "a_chicago": make(A, "+13125550100")}


def _propose(**scope):
    from itg.accounts.models import User

    request = in_progress_demand(**({"phone_numbers": []} | scope)).requests.get(number=1)
    return request, evidence.evidence_propose(request=request, by=User.objects.get(email__startswith="ivy@"))


@pytest.mark.parametrize(
    "scope, expected",
    [
        ({"phone_numbers": [A]}, {"ab", "ba", "a_chicago"}),
        ({"calling_numbers": [A]}, {"ab", "a_chicago"}),
        ({"called_numbers": [A]}, {"ba"}),
        ({"calling_numbers": [B], "called_numbers": [A, C]}, {"ba", "bc"}),  # B calling AND (A or C) called
        ({"terminating_states": ["TX"]}, {"ba", "bc"}),
        ({"terminating_states": ["IL"], "calling_numbers": [A]}, {"ab", "a_chicago"}),
        ({"terminating_states": ["IL", "TX"], "calling_numbers": [B]}, {"ba", "bc"}),
    ],
)
def test_each_side_of_the_call_is_its_own_condition(people, calls, scope, expected):
    request, query = _propose(**scope)
    assert set(query.result_ids) == {calls[name].pk for name in expected}
    assert set(EvidenceLink.objects.filter(request=request).values_list("traceback_id", flat=True)) == set(
        query.result_ids
    )


def test_the_query_says_its_and_and_or_in_words(people, calls):
    _request, query = _propose(
        calling_numbers=[B], called_numbers=[A, C], terminating_states=["TX"],
        date_from=dt.date(2026, 1, 1), date_to=dt.date(2026, 1, 31),
    )  # fmt: skip
    assert query.description == (
        "Tracebacks where all of these hold: the calling number is +13125550177; and the called number is "
        "+12145550142 or +12145550199; and the call terminated in Texas (TX) (the called number's area code "
        "is there); and the call was made 2026-01-01 to 2026-01-31 (America/Chicago)."
    )
    _request, one = _propose(terminating_states=["TX"])
    assert one.description.startswith("Tracebacks where the call terminated in Texas (TX)")


def test_a_query_saved_before_the_sides_existed_runs_as_it_did(people, calls):
    old = {"phone_numbers": [A], "date_from": None, "date_to": None, "time_zone": "America/Chicago",
           "providers": [], "campaigns": []}  # fmt: skip
    assert set(evidence.tracebacks_in_scope(old).values_list("pk", flat=True)) == {
        calls["ab"].pk, calls["ba"].pk, calls["a_chicago"].pk,
    }  # fmt: skip
    assert evidence.describe(old) == "Tracebacks where the calling or called number is +12145550142."


def test_the_api_stores_each_side_and_refuses_an_unknown_state(client, people):
    api = APIClient()
    api.force_authenticate(people.tess)
    base = {"kind": "subpoena", "caption": "In re scopes", "issuing_authority": "AG", "date_issued": "2026-03-02",
            "date_served": "2026-03-02", "contact_name": "C", "contact_email": "c@example.org",
            "new_case_title": "Scopes", "response_days": 30, "response_day_kind": "business"}  # fmt: skip
    row = {"number": 1, "text": "All calls terminating in Texas from (312) 555-0177.", "calling_numbers": ["(312) 555-0177"],
           "called_numbers": ["214-555-0142"], "terminating_states": ["tx"]}  # fmt: skip

    def post(r):
        doc = SimpleUploadedFile("demand.pdf", cached_pdf(), content_type="application/pdf")
        return api.post(
            "/api/demands/", {**base, "requests": json.dumps([r]), "document": doc}, format="multipart"
        )

    bad = post({**row, "terminating_states": ["XX"]})
    assert bad.status_code == 400 and "XX is not a state" in json.dumps(bad.json())
    made = post(row)
    assert made.status_code == 201, made.content
    out = made.json()["requests"][0]
    assert out["calling_numbers"] == ["+13125550177"] and out["called_numbers"] == ["+12145550142"]
    assert out["terminating_states"] == ["TX"] and out["phone_numbers"] == []
    body = verified_login(client, people.tess).get(f"/demands/{made.json()['id']}/").content.decode()
    assert "Calling number: +13125550177" in body and "Called number: +12145550142" in body
    assert "Calls terminating in: TX (the called number's state)" in body
    assert "every line above holds (and)" in body


def test_the_review_prefills_each_side_from_the_reading():
    found = {
        "phone_numbers": [A, B, C],
        "calling_numbers": [B],
        "called_numbers": [C],
        "terminating_states": ["TX"],
    }
    assert _number_sides(found) == {
        "phone_numbers": A, "calling_numbers": B, "called_numbers": C, "terminating_states": "TX",
    }  # fmt: skip


def test_the_reader_finds_the_states_calls_terminate_in():
    assert _terminating_states("All calls terminating in the State of Texas during 2026.") == ["TX"]
    assert _terminating_states("calls made to consumers located in Oklahoma, Kansas or Texas") == [
        "OK",
        "KS",
        "TX",
    ]
    assert _terminating_states("delivered to telephone numbers within West Virginia") == ["WV"]
    assert _terminating_states("as required by the Attorney General of Texas under Texas law") == []


@pytest.fixture
def proposed(people, calls):
    request, _query = _propose(phone_numbers=[A, B])
    return request, {link.traceback_id: link for link in EvidenceLink.objects.filter(request=request)}


def test_many_proposed_records_are_removed_in_one_post(client, people, calls, proposed):
    request, links = proposed
    assert len(links) == 4
    drop = [links[calls["ab"].pk].pk, links[calls["bc"].pk].pk]
    verified_login(client, people.ivy)
    response = client.post(f"/responses/request/{request.pk}/remove/", {"link": drop}, follow=True)
    assert "Request 1: 2 records removed." in response.content.decode()
    left = set(EvidenceLink.objects.filter(request=request).values_list("traceback_id", flat=True))
    assert left == {calls["ba"].pk, calls["a_chicago"].pk}
    event = AuditEvent.objects.filter(action="evidence.unlinked").get()
    assert event.changes == {"request": 1, "tracebacks": sorted([calls["ab"].pk, calls["bc"].pk]), "count": 2}


def test_a_selection_with_another_requests_record_removes_nothing(client, people, calls, proposed):
    request, links = proposed
    other_request, _ = _propose(phone_numbers=[A])
    foreign = EvidenceLink.objects.filter(request=other_request).first()
    verified_login(client, people.ivy)
    response = client.post(
        f"/responses/request/{request.pk}/remove/",
        {"link": [next(iter(links.values())).pk, foreign.pk]},
        follow=True,
    )
    assert "no longer linked to this request" in response.content.decode()
    assert EvidenceLink.objects.filter(request=request).count() == 4
    assert EvidenceLink.objects.filter(pk=foreign.pk).exists()
    nothing = client.post(f"/responses/request/{request.pk}/remove/", {}, follow=True)
    assert "Select the records to remove first." in nothing.content.decode()
    assert not AuditEvent.objects.filter(action="evidence.unlinked").exists()


def test_only_itg_staff_remove_records(client, people, calls, proposed):
    request, links = proposed
    for who in (people.tess, people.aldo):
        verified_login(client, who)
        assert (
            client.post(f"/responses/request/{request.pk}/remove/", {"link": list(links)}).status_code == 403
        )
    assert EvidenceLink.objects.filter(request=request).count() == 4


def test_the_review_page_offers_the_selection_tools(client, people, calls, proposed):
    request, links = proposed
    verified_login(client, people.ivy)
    body = client.get(f"/responses/demand/{request.demand_id}/").content.decode()
    assert f'action="/responses/request/{request.pk}/remove/"' in body
    assert body.count('type="checkbox" name="link"') == 4
    for words in ("Select all", "Invert selection", "Select matching", "Remove the selected records"):
        assert words in body
    assert "js/select_rows.js" in body
