"""Writes of alerts: rules, drafts, sending, sharing, and what a receiving office does with its copy.

One writer per state: `alert_send` alone moves an alert from draft to sent (compare-and-set), and the
recipient services alone move a copy along (delivered, viewed, acknowledged, investigating, records
requested). Every write records its audit event in the same transaction; notices go out on commit.
"""

from __future__ import annotations

import datetime as dt
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from itg.audit.actions import Action, Outcome
from itg.audit.services import record
from itg.pdf import BatesPdf, render_bates_pdf
from subpoenas.alerts import triggers
from subpoenas.alerts.models import Alert, AlertRecipient, AlertRule
from subpoenas.alerts.packet import data_exhibits, packet_data, packet_html
from subpoenas.alerts.routing import Routing, routing_for
from subpoenas.responses.issuing import SignedFile, discard_stored, issued_document_create, pdf_sign_and_store
from subpoenas.responses.models import IssuedDocument
from tracebacks import alerting
from tracebacks.models import Campaign

RULE_FIELDS = (
    "name",
    "kind",
    "threshold",
    "window_days",
    "storm_hours",
    "min_volume",
    "campaign_kinds",
    "is_active",
)


def check_kinds(kinds, field: str) -> list[str]:
    """Campaign kinds as stored, or a ValidationError naming the unknown ones and the valid choices."""
    kinds = [str(k).strip() for k in (kinds or []) if str(k).strip()]
    unknown = [k for k in kinds if k not in Campaign.Kind.values]
    if unknown:
        raise ValidationError({field: f"Unknown campaign kind {', '.join(map(repr, unknown))}: choose from "
                                      f"{', '.join(Campaign.Kind.values)}."})  # fmt: skip
    return sorted(set(kinds))


# --- Rules ---------------------------------------------------------------------------------------------


@transaction.atomic
def rule_save(*, by, rule: AlertRule | None = None, **fields) -> AlertRule:
    """Create or change a rule (ITG administrators); the audit event lists each changed field."""
    if not by.is_itg_admin:
        raise PermissionDenied("Only ITG administrators change alert rules.")
    fields["campaign_kinds"] = check_kinds(
        fields.get("campaign_kinds", rule.campaign_kinds if rule else []), "campaign_kinds"
    )
    if fields.get("kind", rule.kind if rule else "") not in AlertRule.Kind.values:
        raise ValidationError({"kind": f"Choose one of: {', '.join(AlertRule.Kind.values)}."})
    created = rule is None
    rule = rule or AlertRule(updated_by=by)
    changes = {f: [getattr(rule, f, None) if not created else None, v] for f, v in fields.items()
               if f in RULE_FIELDS and (created or getattr(rule, f) != v)}  # fmt: skip
    for name, value in fields.items():
        setattr(rule, name, value)
    rule.updated_by, rule.updated_at = by, timezone.now()
    rule.full_clean()
    rule.save()
    record(
        action=Action.ALERT_RULE_CREATED if created else Action.ALERT_RULE_CHANGED,
        by=by,
        obj=rule,
        changes=changes,
    )
    return rule


def rules_run(*, today: dt.date | None = None, by=None) -> list[Alert]:
    """Evaluate every active rule over its current period; draft or update one alert per campaign."""
    today = today or timezone.now().date()
    touched: list[Alert] = []
    for rule in AlertRule.objects.filter(is_active=True).order_by("pk"):
        period = triggers.period_of(today, rule.window_days)
        for firing in triggers.evaluate(rule, period):
            alert = alert_draft_for(rule=rule, firing=firing, period=period, by=by)
            if alert is not None:
                touched.append(alert)
    return touched


@transaction.atomic
def alert_draft_for(*, rule: AlertRule, firing: triggers.Firing, period, by=None) -> Alert | None:
    """The campaign's alert for the period: drafted once, then updated while it is a draft; once sent,
    left alone (None). The unique constraint settles two runs racing to draft it."""
    trigger = {"rule": rule.pk, "rule_name": rule.name, "kind": rule.kind, "reason": firing.reason}
    if firing.provider_id is not None:
        trigger["provider"] = firing.provider_id
        # Never twice for the same provider and period, whichever campaign its traffic carries this time.
        if earlier := _provider_alert(firing.provider_id, period):
            return earlier if earlier.is_draft else None
    alert = (
        Alert.objects.select_for_update()
        .filter(campaign_id=firing.campaign_id, period_start=period[0], period_end=period[1])
        .first()
    )
    if alert is None:
        try:
            with transaction.atomic():
                alert = Alert.objects.create(
                    campaign_id=firing.campaign_id, period_start=period[0], period_end=period[1], created_by=by,
                    title=f"{firing.campaign_name}: {period[0]:%d %b} to {period[1]:%d %b %Y}", triggers=[trigger],
                )  # fmt: skip
        except IntegrityError:
            return None  # another run drafted it a moment ago: that run records it
        record(action=Action.ALERT_DRAFTED, by=by, obj=alert, changes={"trigger": [None, firing.reason]})
        return alert
    if not alert.is_draft:
        return None
    kept = [t for t in alert.triggers if t.get("rule") != rule.pk]
    if trigger in alert.triggers:
        return alert
    alert.triggers = kept + [trigger]
    alert.updated_at = timezone.now()
    alert.save(update_fields=["triggers", "updated_at"])
    record(action=Action.ALERT_DRAFT_UPDATED, by=by, obj=alert, changes={"trigger": [None, firing.reason]})
    return alert


def _provider_alert(provider_id: int, period) -> Alert | None:
    """The period's alert already drafted for this provider's finding (triggers hold the provider's id)."""
    for alert in Alert.objects.filter(period_start=period[0], period_end=period[1]).only(
        "pk", "status", "triggers"
    ):
        if any(t.get("provider") == provider_id for t in alert.triggers):
            return alert
    return None


# --- Drafts and sending ----------------------------------------------------------------------------------


def _require_itg(by, what: str) -> None:
    if not by.is_itg_staff:
        raise PermissionDenied(f"Only ITG staff {what}.")


@transaction.atomic
def alert_create(
    *, by, campaign: Campaign, period_start: dt.date, period_end: dt.date, title: str = ""
) -> Alert:
    """ITG staff draft an alert by hand (no rule fired)."""
    _require_itg(by, "draft alerts")
    if period_end < period_start:
        raise ValidationError({"period_end": "The period ends before it starts."})
    if Alert.objects.filter(campaign=campaign, period_start=period_start, period_end=period_end).exists():
        raise ValidationError("This campaign already has an alert for that period: open it instead.")
    alert = Alert.objects.create(
        campaign=campaign, period_start=period_start, period_end=period_end, created_by=by,
        title=title.strip() or f"{campaign.name}: {period_start:%d %b} to {period_end:%d %b %Y}",
    )  # fmt: skip
    record(action=Action.ALERT_DRAFTED, by=by, obj=alert, changes={"manual": [None, True]})
    return alert


@transaction.atomic
def alert_edit(
    *, by, alert: Alert, title: str, summary: str, state_statutes: dict, extra_offices=None
) -> Alert:
    """ITG staff edit a draft: its title, their words to the recipients, the states' statutes, added offices."""
    _require_itg(by, "edit alerts")
    if not Alert.objects.filter(pk=alert.pk, status=Alert.Status.DRAFT).exists():
        raise ValidationError("This alert has been sent: its packet is frozen.")
    if not title.strip():
        raise ValidationError({"title": "Give the alert a title."})
    statutes = {k.upper(): v.strip() for k, v in state_statutes.items() if v and v.strip()}
    changes = {f: [getattr(alert, f), v] for f, v in (("title", title.strip()), ("summary", summary.strip()),
               ("state_statutes", statutes)) if getattr(alert, f) != v}  # fmt: skip
    alert.title, alert.summary, alert.state_statutes = title.strip(), summary.strip(), statutes
    alert.updated_at = timezone.now()
    alert.save(update_fields=["title", "summary", "state_statutes", "updated_at"])
    if extra_offices is not None:
        before = sorted(o.name for o in alert.extra_offices.all())
        alert.extra_offices.set(extra_offices)
        after = sorted(o.name for o in extra_offices)
        if before != after:
            changes["extra_offices"] = [before, after]
    record(action=Action.ALERT_EDITED, by=by, obj=alert, changes=changes)
    return alert


def alert_period(alert: Alert) -> tuple[dt.datetime, dt.datetime]:
    return triggers.bounds((alert.period_start, alert.period_end))


def alert_preview(alert: Alert) -> tuple[alerting.CampaignActivity, Routing]:
    """Today's data for a draft: the campaign's activity and where it would go if sent now."""
    activity = alerting.campaign_activity(alert.campaign_id, *alert_period(alert))
    # Routed by the estimated volume: the called numbers' states of the traced calls and of the call records
    # (complaint consumers' states among them), as the issue asks.
    by_state = activity.volume.by_state if activity.volume else activity.summary.by_state
    routing = routing_for(
        kind=activity.kind, by_state=by_state, extra_offices=list(alert.extra_offices.all())
    )
    return activity, routing


def build_packet(alert: Alert, activity, routing: Routing) -> dict:
    recipients = [(r.office.name, r.office.state, r.volume) for r in routing.routes]
    return packet_data(activity, reference=alert.reference, title=alert.title, summary=alert.summary,
                       period=(alert.period_start, alert.period_end), recipients=recipients,
                       statutes=alert.state_statutes)  # fmt: skip


def packet_render(packet: dict, *, is_development: bool) -> BatesPdf:
    """The packet's PDF, Bates-numbered `ITG-ALERT-00042-000001…`, its CSV and JSON embedded."""
    return render_bates_pdf(packet_html(packet, is_development=is_development), prefix=packet["reference"],
                            start=1, attachments=data_exhibits(packet))  # fmt: skip


def alert_send(*, by, alert: Alert) -> Alert:
    """Freeze the packet, render and sign it, route the alert and tell the offices: all or nothing.

    Rendering and signing run before the transaction (seconds); the transaction then moves the alert to
    sent with a compare-and-set, registers the signed file, writes the copies and the audit event. If any
    of that fails, the stored file is deleted and the alert stays a draft with no copy anywhere.
    """
    _require_itg(by, "send alerts")
    from itg.signing import signer_from_settings

    if not alert.is_draft:
        raise ValidationError("This alert has already been sent.")
    activity, routing = alert_preview(alert)
    if not routing.routes:
        why = "; ".join(routing.skipped) or "its calls reached no state in the period"
        raise ValidationError(f"No office would receive this alert ({why}). Add an office to send it to, "
                              "or leave it as a draft.")  # fmt: skip
    packet = build_packet(alert, activity, routing)
    signed: SignedFile | None = None
    try:
        rendered = packet_render(packet, is_development=signer_from_settings().is_development)
        signed = pdf_sign_and_store(rendered.pdf, reason=f"ITG alert {alert.reference}", folder="alerts")
        return _register_send(by, alert, packet, routing, rendered, signed)
    except Exception as error:
        discard_stored(signed)
        if not isinstance(error, ValidationError | PermissionDenied):
            record(
                action=Action.ALERT_SEND_FAILED,
                by=by,
                obj=alert,
                outcome=Outcome.FAILED,
                reason=str(error)[:500],
            )
        raise


@transaction.atomic
def _register_send(
    by, alert: Alert, packet: dict, routing: Routing, rendered: BatesPdf, signed: SignedFile
) -> Alert:
    document = issued_document_create(
        signed=signed, kind=IssuedDocument.Kind.ALERT, title=f"Alert {alert.reference}: {alert.title}",
        bates_prefix=alert.reference, bates_first=rendered.first, bates_last=rendered.last,
    )  # fmt: skip
    now = timezone.now()
    if not Alert.objects.filter(pk=alert.pk, status=Alert.Status.DRAFT).update(
        status=Alert.Status.SENT, packet=packet, document=document, sent_by=by, sent_at=now
    ):
        raise ValidationError("This alert was sent by a colleague a moment ago.")
    copies = AlertRecipient.objects.bulk_create(
        AlertRecipient(alert=alert, office=r.office, reason=r.reason, volume_in_state=r.volume, digest=r.digest,
                       delivered_at=now)
        for r in routing.routes
    )  # fmt: skip
    alert.status, alert.packet, alert.document, alert.sent_by, alert.sent_at = (
        Alert.Status.SENT,
        packet,
        document,
        by,
        now,
    )
    record(action=Action.ALERT_SENT, by=by, obj=alert, changes={
        "recipients": [None, [f"{r.office.state} ({r.reason}{', digest' if r.digest else ''})" for r in routing.routes]],
        "sha256": [None, document.sha256], "bates": [None, document.bates_range]})  # fmt: skip
    _notify_on_commit([c.pk for c in copies if not c.digest])
    return alert


def _notify_on_commit(copy_ids: list[int]) -> None:
    from subpoenas.alerts.notices import notify_copies

    if copy_ids:
        transaction.on_commit(partial(notify_copies, copy_ids))


@transaction.atomic
def alert_share(*, by, alert: Alert, office) -> AlertRecipient:
    """ITG staff send a sent alert to one more AG office (a task-force member, say)."""
    _require_itg(by, "share alerts")
    if alert.is_draft:
        raise ValidationError("Add offices to a draft on its edit form; share an alert once it is sent.")
    if office.kind != office.Kind.AG:
        raise ValidationError({"office": "Alerts go to attorney-general offices only."})
    if AlertRecipient.objects.filter(alert=alert, office=office).exists():
        raise ValidationError({"office": f"{office.name} already has this alert."})
    volume = (alert.packet or {}).get("volume", {}).get("by_state", {}).get(office.state, 0)
    copy = AlertRecipient.objects.create(alert=alert, office=office, reason=AlertRecipient.Reason.SHARED,
                                         volume_in_state=volume)  # fmt: skip
    record(action=Action.ALERT_SHARED, by=by, obj=alert, changes={"shared_with": [None, office.name]})
    _notify_on_commit([copy.pk])
    return copy
