"""A traceback driven through the provider API from the terminating to the originating provider, with the
24-hour clock of 47 CFR 64.1200(n)(1) across a holiday and a weekend; the other ways a chain ends."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.core import mail
from freezegun import freeze_time
from rest_framework.test import APIClient

from itg.audit.models import AuditEvent
from providers.services import provider_token_create
from tests.factories import make_provider, start_traceback
from tracebacks.models import Hop, Traceback
from tracebacks.services import hop_reassign, hop_resend, hops_mark_overdue, traceback_close


def provider_api(by, provider) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Provider {provider_token_create(by=by, provider=provider)}")
    return client


def open_hop_of(client: APIClient) -> dict:
    rows = client.get("/api/provider/hops/?open=1").json()["results"]
    assert len(rows) == 1
    return rows[0]


def test_a_traceback_runs_through_the_api_to_the_originating_provider(
    people, django_capture_on_commit_callbacks
):
    terminating = make_provider("Last Mile Telecom")
    middle = make_provider("Transit Carrier Inc", tz="America/Chicago")
    wholesale = make_provider("Wholesale Routes LLC")
    origin = make_provider("Dialer Cloud Voice")
    clients = {p.pk: provider_api(people.ivy, p) for p in (terminating, middle, wholesale, origin)}
    # Wednesday 25 November 2026, 15:00 Eastern: Thanksgiving (Thursday) stops the clock.
    with freeze_time("2026-11-25 20:00:00"), django_capture_on_commit_callbacks(execute=True):
        traceback = start_traceback(people.ivy, terminating)
    assert [m.to for m in mail.outbox] == [[terminating.traceback_email]]
    assert "answer by 2026-11-27 20:00 UTC" in mail.outbox[0].subject  # Friday 15:00 Eastern
    hop = open_hop_of(clients[terminating.pk])
    assert hop["calling_number"] == "+12025550143" and hop["campaign"] == "SSA-CalltheSSA"
    assert hop["due_at"].startswith("2026-11-27T20:00:00")

    # Friday 27 November, 15:00 Eastern: the terminating provider names its upstream by RMD number.
    with freeze_time("2026-11-27 20:00:00"), django_capture_on_commit_callbacks(execute=True):
        answer = clients[terminating.pk].post(
            f"/api/provider/hops/{hop['id']}/answer/",
            {"answer": "upstream", "upstream": middle.rmd_number, "attestation": "A"},
            format="json",
        )
    assert answer.status_code == 200, answer.content
    assert answer.json()["is_late"] is False
    assert mail.outbox[-1].to == [middle.traceback_email]  # notified at once
    hop2 = open_hop_of(clients[middle.pk])
    # 14:00 Central on a Friday: the weekend stops the clock, due Monday 14:00 Central (20:00 UTC).
    assert hop2["due_at"].startswith("2026-11-30T20:00:00")

    def answer_as(provider, payload: dict) -> dict:
        # One request, then its on-commit notifications, as in production.
        with django_capture_on_commit_callbacks(execute=True):
            api = clients[provider.pk]
            response = api.post(
                f"/api/provider/hops/{open_hop_of(api)['id']}/answer/", payload, format="json"
            )
        assert response.status_code == 200, response.content
        return response.json()

    with freeze_time("2026-11-30 15:00:00"):
        answer_as(middle, {"answer": "upstream", "upstream": wholesale.frn})
        answer_as(wholesale, {"answer": "upstream", "upstream": "dialer cloud voice"})
        done = answer_as(
            origin,
            {
                "answer": "customer",
                "customer": "Acme Outreach LLC, Miami",
                "attestation": "A",
                "origid": "6b7c1c4e-5d1f-4b5e-9f3a-2f7e8a9b0c1d",
                "signer": "Dialer Cloud Voice SPC",
            },
        )
    assert done["answer"] == "customer" and done["answerable"] is False
    assert [m.to[0] for m in mail.outbox] == [
        p.traceback_email for p in (terminating, middle, wholesale, origin)
    ]
    traceback.refresh_from_db()
    assert traceback.status == Traceback.Status.COMPLETED
    assert traceback.originating_provider == origin
    roles = list(traceback.hops.values_list("provider__business_name", "role", "answer"))
    assert roles == [
        ("Last Mile Telecom", "terminating", "upstream"),
        ("Transit Carrier Inc", "intermediate", "upstream"),
        ("Wholesale Routes LLC", "intermediate", "upstream"),
        ("Dialer Cloud Voice", "originating", "customer"),
    ]
    actions = list(AuditEvent.objects.order_by("seq").values_list("action", flat=True))
    assert actions.count("hop.opened") == 4 and actions.count("hop.answered") == 4
    assert actions.count("hop.notified") == 4 and actions[-1] == "traceback.ended"


def test_a_foreign_upstream_ends_the_traceback_at_the_gateway(people, django_capture_on_commit_callbacks):
    terminating, gateway = make_provider("Home Phone Co"), make_provider("Point Of Entry Networks")
    abroad = make_provider("Overseas VoIP Ltd", foreign=True)
    with django_capture_on_commit_callbacks(execute=True):
        traceback = start_traceback(people.ivy, terminating)
        api = provider_api(people.ivy, terminating)
        api.post(
            f"/api/provider/hops/{open_hop_of(api)['id']}/answer/",
            {"answer": "upstream", "upstream": gateway.rmd_number},
            format="json",
        )
        api = provider_api(people.ivy, gateway)
        api.post(
            f"/api/provider/hops/{open_hop_of(api)['id']}/answer/",
            {"answer": "upstream", "upstream": abroad.rmd_number, "attestation": "C"},
            format="json",
        )
    traceback.refresh_from_db()
    assert traceback.status == Traceback.Status.FOREIGN
    assert traceback.gateway_provider == gateway and traceback.hop_count == 2
    assert traceback.hops.get(sequence=2).role == Hop.Role.GATEWAY
    assert abroad.traceback_email not in [m.to[0] for m in mail.outbox]  # foreign providers are not asked


def test_no_record_is_a_dead_end(people):
    terminating = make_provider()
    traceback = start_traceback(people.ivy, terminating)
    api = provider_api(people.ivy, terminating)
    api.post(f"/api/provider/hops/{open_hop_of(api)['id']}/answer/", {"answer": "no_record"}, format="json")
    traceback.refresh_from_db()
    assert traceback.status == Traceback.Status.DEAD_END and traceback.ended_at is not None


def test_overdue_hops_become_no_response_and_a_late_answer_is_accepted(
    people, django_capture_on_commit_callbacks
):
    terminating, upstream = make_provider(), make_provider()
    with freeze_time("2026-03-02 15:00:00"):  # Monday 10:00 Eastern, due Tuesday 10:00 Eastern
        traceback = start_traceback(people.ivy, terminating)
    hop = traceback.hops.get()
    assert hop.due_at == datetime(2026, 3, 3, 15, 0, tzinfo=UTC)
    assert hops_mark_overdue(now=datetime(2026, 3, 3, 14, 59, tzinfo=UTC)) == 0
    assert hops_mark_overdue(now=datetime(2026, 3, 3, 15, 1, tzinfo=UTC)) == 1
    assert hops_mark_overdue(now=datetime(2026, 3, 3, 15, 2, tzinfo=UTC)) == 0  # safe to run twice
    hop.refresh_from_db()
    traceback.refresh_from_db()
    assert (hop.answer, hop.flagged, traceback.status) == ("no_response", True, "non_responsive")
    api = provider_api(people.ivy, terminating)
    with freeze_time("2026-03-04 15:00:00"), django_capture_on_commit_callbacks(execute=True):
        late = api.post(
            f"/api/provider/hops/{hop.pk}/answer/",
            {"answer": "upstream", "upstream": upstream.rmd_number},
            format="json",
        )
    assert late.status_code == 200 and late.json()["is_late"] is True
    traceback.refresh_from_db()
    assert traceback.status == Traceback.Status.OPEN and traceback.hop_count == 2


def test_staff_resend_reassign_and_close(people, django_capture_on_commit_callbacks):
    wrong, right = make_provider("Wrong Carrier"), make_provider("Right Carrier")
    with django_capture_on_commit_callbacks(execute=True):
        traceback = start_traceback(people.ivy, wrong)
    hop = traceback.hops.get()
    with django_capture_on_commit_callbacks(execute=True):
        hop_resend(by=people.ivy, hop=hop)
    with django_capture_on_commit_callbacks(execute=True):
        hop_reassign(by=people.ivy, hop=hop, provider=right, note="Number ported to Right Carrier")
    assert [m.to[0] for m in mail.outbox] == [
        wrong.traceback_email,
        wrong.traceback_email,
        right.traceback_email,
    ]
    hop.refresh_from_db()
    assert hop.provider == right and hop.notes == "Number ported to Right Carrier"
    with pytest.raises(Exception, match="Say why"):
        traceback_close(by=people.ivy, traceback=traceback, note=" ")
    with pytest.raises(Exception, match="Only ITG staff"):
        traceback_close(by=people.tess, traceback=traceback, note="done")
    traceback_close(by=people.ivy, traceback=traceback, note="Duplicate of another traceback")
    traceback.refresh_from_db()
    assert traceback.status == "closed"
    # A closed traceback takes no more answers.
    api = provider_api(people.ivy, right)
    refused = api.post(f"/api/provider/hops/{hop.pk}/answer/", {"answer": "no_record"}, format="json")
    assert refused.status_code == 400 and "takes no more answers" in str(refused.json())
    events = AuditEvent.objects.filter(action__in=["hop.reassigned", "traceback.closed"])
    assert {e.actor_email for e in events} == {people.ivy.email}


def test_a_provider_without_an_email_is_flagged_not_silently_skipped(
    people, django_capture_on_commit_callbacks
):
    silent = make_provider("No Contact Telecom", email="")
    with django_capture_on_commit_callbacks(execute=True):
        start_traceback(people.ivy, silent)
    assert mail.outbox == []
    event = AuditEvent.objects.get(action="hop.notified")
    assert event.outcome == "failed" and "no traceback contact" in event.reason


def test_the_request_states_the_due_time_in_the_providers_own_zone(
    people, django_capture_on_commit_callbacks
):
    chicago = make_provider("Prairie Telephone", tz="America/Chicago")
    with (
        freeze_time("2026-11-27 20:00:00"),
        django_capture_on_commit_callbacks(execute=True),
    ):  # Fri 14:00 CST
        start_traceback(people.ivy, chicago)
    assert "Answer by:      Monday 30 November 2026, 14:00 CST (2026-11-30 20:00 UTC)" in mail.outbox[0].body
