"""The demo world: deterministic, consistent with the domain, idempotent."""

from __future__ import annotations

import io

from django.core.management import call_command
from django.db.models import Count, Sum

from itg.audit.models import AuditEvent
from providers.models import Provider
from subpoenas.models import LegalDemand
from tracebacks.models import Campaign, Hop, Traceback


def test_seed_demo_builds_a_consistent_world_once(db, settings):
    settings.DEBUG = True  # seed_demo refuses to run on a production site
    call_command("seed_demo", stdout=io.StringIO())
    counts = (
        Provider.objects.count(),
        Campaign.objects.count(),
        Traceback.objects.count(),
        Hop.objects.count(),
    )
    assert 280 <= counts[0] <= 320 and counts[1] == 40 and counts[2] == 5000
    assert 3 * 5000 <= counts[3] <= 8 * 5000
    assert Provider.objects.filter(is_foreign=True).count() >= 20
    assert Provider.objects.filter(rmd_number="RMD0015669", business_name="011 Telecom LLC").exists()
    statuses = dict(Traceback.objects.values_list("status").annotate(n=Count("pk")))
    assert set(statuses) == {"completed", "foreign", "dead_end", "non_responsive", "open"}
    assert statuses["completed"] > statuses["foreign"] > statuses["non_responsive"]
    # Chains agree with their tracebacks.
    for tb in Traceback.objects.filter(status="completed")[:50]:
        hops = list(tb.hops.order_by("sequence"))
        assert len(hops) == tb.hop_count and 3 <= tb.hop_count <= 8
        assert hops[0].role == "terminating" and hops[-1].role == "originating"
        assert hops[-1].provider_id == tb.originating_provider_id and hops[-1].answer == "customer"
        assert all(h.upstream_id == n.provider_id for h, n in zip(hops, hops[1:], strict=False))
    for tb in Traceback.objects.filter(status="foreign")[:50]:
        last = tb.hops.order_by("-sequence").first()
        assert (
            last.role == "gateway" and last.provider_id == tb.gateway_provider_id and last.upstream.is_foreign
        )
    assert Hop.objects.filter(answer="no_response", flagged=True).exists()
    assert Hop.objects.filter(is_late=True, answered_at__isnull=False).exists()
    assert Hop.objects.filter(attestation="A", role="originating").count() > 500
    assert not AuditEvent.objects.filter(action__startswith="hop.").exists()  # history is loaded directly
    calls = _call_counts()
    demands = dict(LegalDemand.objects.values_list("tracking_number", "status"))
    assert {n[:2] for n in demands} == {"TX", "CA", "NY"}
    assert set(demands.values()) >= {"received", "in_progress", "awaiting_requester", "response_ready"}
    call_command("seed_demo", stdout=io.StringIO())
    assert dict(LegalDemand.objects.values_list("tracking_number", "status")) == demands
    again = (
        Provider.objects.count(),
        Campaign.objects.count(),
        Traceback.objects.count(),
        Hop.objects.count(),
    )
    assert again == counts
    _assert_demo_alerts()
    _assert_demo_letters()
    _assert_demo_calls_and_trends(calls_before=calls)


def _assert_demo_alerts() -> None:
    """Alerts in each state of the flow, routed to several states, Texas in each, California not in all."""
    from subpoenas.alerts.models import Alert, AlertRecipient

    assert Alert.objects.filter(status="draft").exists()
    sent = list(Alert.objects.filter(status="sent").prefetch_related("recipients__office"))
    assert len(sent) == 4 and all(a.document_id for a in sent)
    states = [{c.office.state for c in a.recipients.all()} for a in sent]
    assert all("TX" in s and len(s) >= 2 for s in states) and any("CA" not in s for s in states)
    texas = set(AlertRecipient.objects.filter(office__state="TX").values_list("status", flat=True))
    assert {"acknowledged", "investigating", "records_requested"} <= texas
    assert texas & {"delivered", "viewed"}


def _assert_demo_letters() -> None:
    """Three signed notice letters, once: one acknowledged through its link, one not, a later one citing the
    first by date; a sent alert's packet cites a letter its recipients can download."""
    from subpoenas.alerts.models import Alert
    from tracebacks.ecosystem.models import NoticeLetter

    first, other, again = NoticeLetter.objects.order_by("sent_at")
    assert NoticeLetter.objects.count() == 3 and all(
        x.sha256 and x.storage_key for x in (first, other, again)
    )
    assert (first.status, first.acknowledged_via, other.status, again.status) == (
        "acknowledged", "link", "sent", "sent")  # fmt: skip
    assert first.acknowledged_at > first.sent_at and first.provider == again.provider != other.provider
    assert again.content["prior_letters"] == [{"reference": first.reference, "kind": "Notice to the provider",
                                               "date": first.sent_at.date().isoformat(), "acknowledged": True}]  # fmt: skip
    assert first.reference.startswith(f"ITG-NL-{first.sent_at:%Y%m%d}-") and first.content["findings"]
    cited = {x["reference"] for a in Alert.objects.filter(status="sent") for n in a.packet["prior_notices"]
             for x in n["letters"]}  # fmt: skip
    assert cited & {first.reference, other.reference}, cited
    # The delivered demo response answers a request for those providers' traceback history: its findings
    # exhibit lists all three letters, and its signed PDF carries them as sent.
    from subpoenas.responses.demo import DEMO_CAPTION
    from subpoenas.responses.models import Response
    from subpoenas.responses.selectors import letters_cited_by

    [response] = Response.objects.filter(demand__caption=DEMO_CAPTION)
    assert response.status == "delivered" and letters_cited_by(response) == {
        first.reference, other.reference, again.reference}  # fmt: skip
    [history] = [r["findings"] for r in response.snapshot["requests"] if r["findings"]]
    assert history["kind"] == "provider_history" and {r["provider_id"] for r in history["rows"]} == {
        first.provider_id, other.provider_id}  # fmt: skip


def _call_counts() -> dict:
    from tracebacks.calls.models import CallRecord

    return dict(CallRecord.objects.values_list("source").annotate(n=Count("pk")))


def _assert_demo_calls_and_trends(calls_before: dict) -> None:
    """Call data from the five sources, each record in a demo campaign; rollups and detected campaigns."""
    from tracebacks.calls.models import CallRecord
    from tracebacks.detection.models import CampaignDay, DailyRollup, DetectedCampaign

    assert set(calls_before) == {"ftc_dnc", "fcc_complaint", "honeypot", "cdr", "shaken"}
    assert 150_000 <= sum(calls_before.values()) <= 220_000
    assert _call_counts() == calls_before  # a second seed_demo adds none
    assert not CallRecord.objects.filter(campaign__isnull=True).exists()
    assert (
        not CallRecord.objects.filter(source="ftc_dnc").exclude(called_number="").exists()
    )  # FTC: no called number
    assert CallRecord.objects.filter(source="honeypot").exclude(transcript="").count() > 10_000
    texas = CallRecord.objects.filter(called_state="TX").count()
    rolled = DailyRollup.objects.filter(state="TX").aggregate(n=Sum("calls"))["n"]
    assert texas > 1000 and rolled == texas  # the trend pages read rollups that agree with the raw calls
    assert CampaignDay.objects.aggregate(n=Sum("calls"))["n"] == CallRecord.objects.count()
    assert DetectedCampaign.objects.count() >= 20
