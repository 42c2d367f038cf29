"""Who sees an alert (page, API, packet, lists), and what the receiving office does with it."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.access import cases_visible_to
from cases.models import Case
from cases.services import case_share
from itg.accounts.services import ag_office
from itg.audit.models import AuditEvent
from subpoenas.alerts import recipient, services
from subpoenas.alerts.models import AlertRecipient
from subpoenas.models import IntakeDraft
from tests.alerts_helpers import PERIOD, SSA, drafted_alert, plant_campaign, sent_alert
from tests.factories import cached_pdf, verified_login

pytestmark = pytest.mark.usefixtures("dev_signing")
ROLES = ["tess", "sam", "carl", "nora", "ivy", "ada", "aldo"]
# A TX+OK alert: Texas's staff and supervisor and ITG staff see it; California and New York get 404 (ids
# reveal nothing, the attempt recorded); the auditor's role does not work on matters (403).
READ = {"tess": 200, "sam": 200, "carl": 404, "nora": 404, "ivy": 200, "ada": 200, "aldo": 403}


@pytest.fixture
def alert(people, on_commit):
    return sent_alert(people, on_commit)


@pytest.mark.parametrize("who", ROLES)
def test_alert_page_api_and_packet_by_role(client, people, alert, who):
    user = getattr(people, who)
    verified_login(client, user)
    urls = [f"/alerts/{alert.pk}/", f"/api/alerts/{alert.pk}/"] + [
        f"/alerts/{alert.pk}/packet.{f}" for f in ("pdf", "csv", "json")
    ]

    codes = [client.get(url).status_code for url in urls]

    assert codes == [READ[who]] * 5
    listed_page = client.get("/alerts/")
    listed_api = client.get("/api/alerts/")
    if READ[who] == 200:
        assert alert.reference in listed_page.content.decode()
        assert [a["reference"] for a in listed_api.json()] == [alert.reference]
        page = client.get(f"/alerts/{alert.pk}/").content.decode()
        assert "SSA-Suspended-P2" in page and "Spoofed: Social Security Administration" in page
        pdf = client.get(f"/alerts/{alert.pk}/packet.pdf")
        assert b"".join(pdf.streaming_content).startswith(b"%PDF") and pdf["Content-Disposition"].startswith(
            "attachment"
        )
        assert AuditEvent.objects.filter(action="alert.downloaded", actor_email=user.email).count() == 4
    elif READ[who] == 404:  # absent from their lists, each refused look recorded
        assert alert.reference not in listed_page.content.decode() and listed_api.json() == []
        assert AuditEvent.objects.filter(action="alert.view_denied", actor_email=user.email).count() == 2
        assert AuditEvent.objects.filter(action="alert.download_denied", actor_email=user.email).count() == 3
    else:
        assert listed_page.status_code == 403 and listed_api.status_code == 403


def test_drafts_are_itg_only_and_the_office_view_is_recorded(client, people):
    draft = drafted_alert(people)
    verified_login(client, people.tess)
    assert client.get(f"/alerts/{draft.pk}/").status_code == 404  # not sent: no office sees it yet
    verified_login(client, people.ivy)
    page = client.get(f"/alerts/{draft.pk}/").content.decode()
    assert "Sign and send the alert" in page and "Office of the Attorney General of Texas (3 calls)" in page
    assert client.get(f"/alerts/{draft.pk}/packet.pdf").status_code == 404


def test_first_view_marks_the_copy_viewed(client, people, alert):
    verified_login(client, people.tess)
    client.get(f"/alerts/{alert.pk}/")
    client.get(f"/alerts/{alert.pk}/")
    copy = AlertRecipient.objects.get(alert=alert, office__state="TX")
    assert copy.status == "viewed" and copy.viewed_at is not None
    assert (
        AuditEvent.objects.filter(
            action="alert.viewed", actor_email=people.tess.email, object_state="TX"
        ).count()
        == 2
    )


def test_sharing_gives_another_office_the_alert(client, people, alert, on_commit):
    with on_commit():
        services.alert_share(by=people.ivy, alert=alert, office=ag_office("CA"))
    verified_login(client, people.carl)
    assert client.get(f"/alerts/{alert.pk}/").status_code == 200
    assert people.carl.notifications.filter(key=f"alert:{alert.pk}").count() == 1


def test_acknowledging_twice_says_who_did_it_and_records_once(client, people, alert):
    copy = AlertRecipient.objects.get(alert=alert, office__state="TX")
    recipient.alert_acknowledge(by=people.tess, copy=copy)
    verified_login(client, people.sam)

    again = client.post(f"/api/alerts/{alert.pk}/acknowledge/")

    assert again.status_code == 400 and "already acknowledged by Tess" in str(again.json())
    assert AuditEvent.objects.filter(action="alert.acknowledged").count() == 1
    verified_login(client, people.carl)
    assert client.post(f"/api/alerts/{alert.pk}/acknowledge/").status_code == 404


def test_opening_an_investigation_creates_exactly_one_linked_case_of_that_office(client, people, alert):
    verified_login(client, people.tess)
    before = Case.objects.count()

    first = client.post(f"/alerts/{alert.pk}/investigate/", {"title": "SSA impostors into Texas"})
    second = client.post(f"/alerts/{alert.pk}/investigate/", {"title": "again"}, follow=True)

    assert Case.objects.count() == before + 1
    case = Case.objects.get(title="SSA impostors into Texas")
    assert first.status_code == 302 and first["Location"] == case.get_absolute_url()
    assert "An investigation is already open for this alert" in second.content.decode()
    copy = AlertRecipient.objects.get(alert=alert, office__state="TX")
    assert copy.case == case and copy.status == "investigating" and copy.acknowledged_by == people.tess
    assert case.lead_state == "TX" and case in cases_visible_to(people.tess)
    case_share(by=people.sam, case=case, office=ag_office("NY"))  # shareable like any case
    assert case in cases_visible_to(people.nora)
    assert client.get(f"/cases/{case.pk}/").status_code == 200


def test_request_the_records_opens_a_review_prefilled_from_the_alert(client, people, alert):
    verified_login(client, people.tess)
    answer = client.post(f"/alerts/{alert.pk}/request-records/", {"document": _pdf()})

    draft = IntakeDraft.objects.get(user=people.tess)
    assert answer.status_code == 302 and answer["Location"] == f"/demands/new/{draft.pk}/"
    [request] = draft.prefill["requests"]
    assert sorted(request["phone_numbers"]) == sorted([SSA, "+12025550177"])
    assert (request["date_from"], request["date_to"]) == (PERIOD[0].isoformat(), PERIOD[1].isoformat())
    assert (
        request["campaigns"] == ["SSA-Suspended-P2"] and request["providers"]
    )  # the originating provider's RMD
    page = client.get(answer["Location"]).content.decode()
    assert SSA in page and "2026-01-19" in page and "2026-01-25" in page and "SSA-Suspended-P2" in page
    assert AlertRecipient.objects.get(alert=alert, office__state="TX").status == "records_requested"
    verified_login(client, people.carl)
    assert client.post(f"/alerts/{alert.pk}/request-records/", {"document": _pdf()}).status_code == 404


def _pdf():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("subpoena.pdf", cached_pdf(), content_type="application/pdf")


def test_request_the_records_without_a_pdf_is_refused_with_nothing_kept(client, people, alert):
    verified_login(client, people.tess)
    answer = client.post(f"/alerts/{alert.pk}/request-records/", {})
    assert answer.status_code == 400 and not IntakeDraft.objects.exists()
    assert AlertRecipient.objects.get(alert=alert, office__state="TX").records_requested_at is None


@pytest.mark.parametrize("who", ["ivy", "tess"])
def test_alert_lists_do_not_grow_with_alerts(client, people, on_commit, who):
    sent_alert(people, on_commit)
    verified_login(client, getattr(people, who))
    with CaptureQueriesContext(connection) as one:
        client.get("/alerts/")
        client.get("/api/alerts/")
    for n in range(2):
        campaign, _ = plant_campaign(f"Utility-30MinDisconnect-{n}", kind="utility")
        alert = services.alert_create(
            by=people.ivy, campaign=campaign, period_start=PERIOD[0], period_end=PERIOD[1]
        )
        with on_commit():
            services.alert_send(by=people.ivy, alert=alert)
    with CaptureQueriesContext(connection) as five:
        page = client.get("/alerts/")
        api = client.get("/api/alerts/")
    assert page.content.decode().count("ITG-ALERT-") >= 3 and len(api.json()) == 3
    # Page and API each: session, user (with office), OTP device, alerts (with campaign), their copies
    # (prefetched, with office), plus the unread-notification count on the page: the same for 1 or 3 alerts.
    assert len(five) == len(one), [q["sql"][:80] for q in five.captured_queries]


def test_the_openapi_schema_documents_the_alerts_endpoints(client, people):
    verified_login(client, people.tess)
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    assert "get" in schema["paths"]["/api/alerts/"] and "get" in schema["paths"]["/api/alerts/{id}/"]
    assert "post" in schema["paths"]["/api/alerts/{id}/acknowledge/"]
    assert {"reference", "states", "my_copy", "packet_pdf_url"} <= set(
        schema["components"]["schemas"]["AlertOut"]["properties"]
    )
