"""The demand workflow, reminders, notifications, the case thread and the calendar feed."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from rest_framework.test import APIClient

from cases.models import CaseMessage
from cases.services import case_assign, case_message_post
from itg.audit.models import AuditEvent
from itg.notifications.models import Notification
from subpoenas import reminders
from subpoenas.models import LegalDemand, ReminderSent
from subpoenas.services import StaleState, demand_transition
from subpoenas.workflow import TRANSITIONS, allowed_actions
from tests.factories import make_demand, verified_login


def api_as(user) -> APIClient:
    client = APIClient()
    verified_login(client, user)
    return client


@pytest.fixture
def demand(people):
    return make_demand("TX", "In re Lone Star Dialers", by=people.tess)


def test_each_action_belongs_to_the_right_side(people, demand):
    assert allowed_actions(people.ivy, demand) == {"start_review"}
    assert allowed_actions(people.tess, demand) == {"withdraw"}
    assert allowed_actions(people.aldo, demand) == set()
    with pytest.raises(PermissionDenied, match="cannot start review"):
        demand_transition(demand=demand, action="start_review", by=people.tess)
    with pytest.raises(PermissionDenied):
        demand_transition(demand=demand, action="deliver", by=people.ivy)


def test_transition_notifies_the_requester_on_commit_and_is_audited(
    people, demand, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        demand_transition(demand=demand, action="start_review", by=people.ivy)
    assert LegalDemand.objects.get(pk=demand.pk).status == "in_review"
    note = Notification.objects.get(user=people.tess)
    assert demand.tracking_number in note.title and "start review" in note.title
    assert mail.outbox[-1].to == sorted([people.sam.email, people.tess.email])  # the AG users who may see it
    event = AuditEvent.objects.get(action="demand.start_review")
    assert event.changes["status"] == ["received", "in_review"] and event.actor_email == people.ivy.email


def test_compare_and_set_refuses_a_stale_demand(people, demand):
    stale = LegalDemand.objects.get(pk=demand.pk)
    demand_transition(demand=demand, action="start_review", by=people.ivy)
    with pytest.raises(StaleState, match="changed by someone else"):
        demand_transition(demand=stale, action="start_review", by=people.ada)


def test_a_clarification_needs_a_note_and_lands_in_the_case_thread(people, demand):
    demand_transition(demand=demand, action="start_review", by=people.ivy)
    with pytest.raises(ValidationError, match="needs a note"):
        demand_transition(demand=demand, action="ask_clarification", by=people.ivy)
    demand_transition(demand=demand, action="ask_clarification", by=people.ivy, note="Which carriers?")
    assert demand.status == "awaiting_requester" and demand.paused_since is not None
    message = CaseMessage.objects.get(case=demand.case)
    assert "Which carriers?" in message.body and not message.internal


def test_api_transition_answers_409_when_stale_and_403_for_the_wrong_side(people, demand):
    assert (
        api_as(people.tess)
        .post(f"/api/demands/{demand.pk}/transition/", {"action": "start_review"})
        .status_code
        == 403
    )
    ok = api_as(people.ivy).post(f"/api/demands/{demand.pk}/transition/", {"action": "start_review"})
    assert ok.status_code == 200 and ok.json()["status"] == "in_review"
    again = api_as(people.ada).post(f"/api/demands/{demand.pk}/transition/", {"action": "start_review"})
    assert again.status_code == 403 and "in review" in again.json()["detail"]
    carl = api_as(people.carl).post(
        f"/api/demands/{demand.pk}/transition/", {"action": "withdraw", "note": "x"}
    )
    assert carl.status_code == 404


def test_a_demand_moved_a_moment_ago_answers_409_on_the_api_and_the_page(client, people, demand, monkeypatch):
    """Read, then moved by someone else before the compare-and-set: one mapping, the same answer twice."""
    from subpoenas import selectors

    read = selectors.demand_for

    def read_then_moved(user, pk, **kwargs):
        found = read(user, pk, **kwargs)
        LegalDemand.objects.filter(pk=found.pk).update(status="in_review")
        return found

    monkeypatch.setattr(selectors, "demand_for", read_then_moved)
    api = api_as(people.ivy).post(f"/api/demands/{demand.pk}/transition/", {"action": "start_review"})
    assert api.status_code == 409
    assert api.json() == {
        "detail": f"{demand.tracking_number} was changed by someone else a moment ago; reload it and try again."
    }
    LegalDemand.objects.filter(pk=demand.pk).update(status="received")
    verified_login(client, people.ivy)
    page = client.post(f"/demands/{demand.pk}/transition/", {"action": "start_review"})
    assert page.status_code == 409 and "was changed by someone else a moment ago" in page.content.decode()
    assert not AuditEvent.objects.filter(action="demand.start_review").exists()


def test_page_buttons_follow_the_table(client, people, demand):
    verified_login(client, people.ivy)
    response = client.post(f"/demands/{demand.pk}/transition/", {"action": "start_review"})
    assert response.status_code == 302
    body = client.get(demand.get_absolute_url()).content.decode()
    assert TRANSITIONS["ask_clarification"].label in body and "Mark the response ready" not in body
    response = client.post(f"/demands/{demand.pk}/transition/", {"action": "ask_clarification"})
    assert response.status_code == 400 and "needs a note" in response.content.decode()


def test_the_response_steps_are_in_the_table_and_exposed(people, demand):
    LegalDemand.objects.filter(pk=demand.pk).update(status="in_progress")
    demand.refresh_from_db()
    for action, status in (("mark_response_ready", "response_ready"), ("sign_response", "response_signed"),
                           ("deliver", "delivered"), ("close", "closed")):  # fmt: skip
        demand_transition(demand=demand, action=action, by=people.ivy)
        assert demand.status == status


# --- Reminders ----------------------------------------------------------------------------------------


def _at(iso: str) -> datetime:
    return datetime.fromisoformat(iso).replace(tzinfo=UTC)


def test_reminders_go_once_per_threshold_to_the_owner_and_overdue_escalates(
    people, demand, django_capture_on_commit_callbacks
):
    case_assign(by=people.ada, case=demand.case, owner=people.ivy)
    assert demand.due_date.isoformat() == "2026-04-15"
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.send_deadline_reminders(_at("2026-04-01T15:00")) == 0  # 10 business days left
        assert reminders.send_deadline_reminders(_at("2026-04-08T15:00")) == 1  # 5 left
        assert reminders.send_deadline_reminders(_at("2026-04-08T20:00")) == 0  # same threshold: not again
        assert (
            reminders.send_deadline_reminders(_at("2026-04-09T15:00")) == 0
        )  # 4 left: still the 5 threshold
        assert reminders.send_deadline_reminders(_at("2026-04-13T15:00")) == 1  # 2 left
        assert reminders.send_deadline_reminders(_at("2026-04-14T15:00")) == 1  # 1 left
        assert reminders.send_deadline_reminders(_at("2026-04-16T15:00")) == 1  # overdue
        assert reminders.send_deadline_reminders(_at("2026-04-17T15:00")) == 0
    titles = list(Notification.objects.filter(user=people.ivy).order_by("pk").values_list("title", flat=True))
    assert [t.split(" is due in ")[-1] if "due in" in t else t.split(":")[0] for t in titles] == [
        "5 business days", "2 business days", "1 business day", "OVERDUE",
    ]  # fmt: skip
    assert Notification.objects.filter(user=people.ada, title__startswith="OVERDUE").count() == 1
    assert sorted(ReminderSent.objects.values_list("threshold", flat=True)) == [0, 1, 2, 5]
    assert any(people.ivy.email in m.to for m in mail.outbox)


def test_no_reminder_while_the_clock_is_paused(people, demand):
    demand_transition(demand=demand, action="start_review", by=people.ivy)
    demand_transition(demand=demand, action="ask_clarification", by=people.ivy, note="?")
    assert reminders.send_deadline_reminders(_at("2026-04-16T15:00")) == 0


def test_a_new_due_date_gets_its_own_reminders(people, demand):
    reminders.send_deadline_reminders(_at("2026-04-14T15:00"))
    LegalDemand.objects.filter(pk=demand.pk).update(due_date="2026-04-16", due_at=_at("2026-04-17T04:59:59"))
    assert reminders.send_deadline_reminders(_at("2026-04-15T15:00")) == 1


def test_the_notification_page_and_header_count(client, people, demand, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        demand_transition(demand=demand, action="start_review", by=people.ivy)
    verified_login(client, people.tess)
    home = client.get("/demands/").content.decode()
    assert 'aria-label="1 unread"' in home
    page = client.get("/notifications/").content.decode()
    assert demand.tracking_number in page
    client.post("/notifications/")
    assert 'aria-label="1 unread"' not in client.get("/demands/").content.decode()
    assert api_as(people.tess).get("/api/notifications/").json()["results"][0]["read_at"] is not None


# --- Messages and notes -------------------------------------------------------------------------------


def test_internal_notes_are_for_itg_staff_only(client, people, demand):
    case_message_post(
        by=people.ivy, case=demand.case, body="Owner thinks this is a duplicate.", internal=True
    )
    case_message_post(by=people.tess, case=demand.case, body="Any update?")
    with pytest.raises(PermissionDenied):
        case_message_post(by=people.tess, case=demand.case, body="sneaky", internal=True)
    verified_login(client, people.tess)
    body = client.get(demand.get_absolute_url()).content.decode()
    assert "Any update?" in body and "duplicate" not in body
    verified_login(client, people.ivy)
    assert "Owner thinks this is a duplicate." in client.get(demand.get_absolute_url()).content.decode()
    assert [m["body"] for m in api_as(people.tess).get(f"/api/cases/{demand.case.pk}/messages/").json()] == [
        "Any update?"
    ]
    assert AuditEvent.objects.filter(action="case.note_added").count() == 1


def test_message_attachments_are_checked_stored_and_downloaded_through_access(
    client, people, demand, settings
):
    from pathlib import Path

    from django.core.files.uploadedfile import SimpleUploadedFile

    verified_login(client, people.tess)
    bad = client.post(f"/cases/{demand.case.pk}/messages/", {"body": "see file", "next": demand.get_absolute_url(),
                      "attachments": [SimpleUploadedFile("calls.csv", b"MZ\x90\x00" + b"\x00" * 64)]})  # fmt: skip
    assert bad.status_code == 302 and CaseMessage.objects.count() == 0
    assert not any(p.is_file() for p in Path(settings.MEDIA_ROOT, "messages").rglob("*"))
    client.post(f"/cases/{demand.case.pk}/messages/", {"body": "see file",
                "attachments": [SimpleUploadedFile("calls.csv", b"number,date\n2145550142,2026-01-05\n")]})  # fmt: skip
    attachment = CaseMessage.objects.get().attachments.get()
    assert attachment.content_type == "text/csv"
    url = f"/cases/{demand.case.pk}/attachments/{attachment.pk}/"
    assert b"2145550142" in b"".join(client.get(url).streaming_content)
    verified_login(client, people.carl)
    assert client.get(url).status_code == 404
    denied = AuditEvent.objects.get(action="case.attachment_download_denied", actor=people.carl)
    assert (denied.object_id, denied.object_state, denied.outcome, denied.reason) == (
        str(attachment.pk),
        demand.case.lead_state,
        "denied",
        "not visible to this user",
    )
    assert denied.object_label == f"{demand.case.title}: attachment {attachment.pk}"  # not the file's name


# --- Calendar feed ------------------------------------------------------------------------------------


def test_calendar_feed_lists_due_dates_of_visible_demands_and_can_be_revoked(client, people, demand):
    ca = make_demand("CA", "In re Golden Dialers", by=people.carl)
    verified_login(client, people.tess)
    client.post("/demands/calendar/")
    page = client.get("/demands/calendar/").content.decode()
    url = page.split('id="feed-url">')[1].split("<")[0]
    path = url.split("testserver")[1]
    anonymous = client.__class__()
    feed = anonymous.get(path)
    text = feed.content.decode()
    assert feed["Content-Type"].startswith("text/calendar") and "BEGIN:VEVENT" in text
    assert demand.tracking_number in text and "DTSTART;VALUE=DATE:20260415" in text
    assert ca.tracking_number not in text
    client.post("/demands/calendar/", {"revoke": "1"})
    assert anonymous.get(path).status_code == 404
    assert anonymous.get("/demands/calendar/not-a-token.ics").status_code == 404


# --- Commands (the demo's demands are checked in tests/test_demo_world.py) -------------------------------


def test_recompute_command_reports_what_moved(people, demand):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("recompute_deadlines", stdout=out)
    assert "0 open demand(s)" in out.getvalue()


def test_extension_by_page_the_itg_asks_and_the_office_grants_with_its_letter(client, people, demand):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.factories import cached_pdf

    verified_login(client, people.ivy)
    early = client.post(f"/demands/{demand.pk}/extension/", {"ext-requested_date": "2026-04-01"})
    assert early.status_code == 400 and "after the current due date" in early.content.decode()
    assert (
        client.post(f"/demands/{demand.pk}/extension/", {"ext-requested_date": "2026-05-01"}).status_code
        == 302
    )
    asked = demand.deadline_events.get(kind="extension_asked")
    verified_login(client, people.tess)
    page = client.get(demand.get_absolute_url()).content.decode()
    assert "extension to <strong>1 May 2026</strong>" in page
    no_letter = client.post(f"/demands/{demand.pk}/extension/{asked.pk}/", {"answer-grant": "1"})
    assert no_letter.status_code == 400 and "Attach the letter" in no_letter.content.decode()
    letter = SimpleUploadedFile("grant.pdf", cached_pdf())
    done = client.post(
        f"/demands/{demand.pk}/extension/{asked.pk}/", {"answer-grant": "1", "answer-letter": letter}
    )
    assert done.status_code == 302
    demand.refresh_from_db()
    assert demand.due_date.isoformat() == "2026-05-01"
    assert "grant.pdf" in client.get(demand.get_absolute_url()).content.decode()


def test_api_counts_receipt_calendar_feed_and_notifications(
    people, demand, django_capture_on_commit_callbacks
):
    ca = make_demand("CA", "In re Golden Dialers", by=people.carl)
    tess = api_as(people.tess)
    counts = tess.get("/api/demands/counts/").json()
    assert counts["by_status"]["received"] == 1 and counts["total"] == 1
    assert api_as(people.ivy).get("/api/demands/counts/", {"state": "CA"}).json()["total"] == 1
    receipt = tess.get(f"/api/demands/{demand.pk}/receipt/")
    assert receipt["Content-Type"] == "application/pdf" and receipt.content[:5] == b"%PDF-"
    assert tess.get(f"/api/demands/{ca.pk}/receipt/").status_code == 404
    url = tess.post("/api/demands/calendar-feed/").json()["url"]
    path = url.split("testserver")[1]
    assert demand.tracking_number in APIClient().get(path).content.decode()
    assert tess.post("/api/demands/calendar-feed/revoke/").status_code == 204
    assert APIClient().get(path).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        demand_transition(demand=demand, action="start_review", by=people.ivy)
    assert tess.post("/api/notifications/read/", {}, format="json").json() == {"marked": 1}
    assert Notification.objects.filter(user=people.tess, read_at__isnull=True).count() == 0


def test_a_notice_task_delivered_twice_notifies_once(people, demand, django_capture_on_commit_callbacks):
    from subpoenas.models import DemandEvent
    from subpoenas.tasks import notify_demand_change

    with django_capture_on_commit_callbacks(execute=True):
        demand_transition(demand=demand, action="start_review", by=people.ivy)
    event = DemandEvent.objects.get(demand=demand, action="start_review")
    mail.outbox.clear()
    notify_demand_change(demand.pk, "start_review", people.ivy.pk, f"demand-event:{event.pk}")  # redelivered
    assert Notification.objects.filter(user=people.tess).count() == 1 and mail.outbox == []
