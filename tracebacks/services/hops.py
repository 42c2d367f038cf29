"""A hop's life: the provider's answer (and the next hop it opens), the overdue sweep, re-send, reassign,
and the e-mail that asks the provider."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from itg.accounts.models import User
from itg.audit.actions import Action, Outcome
from itg.audit.services import record
from itg.calendar import hop_due_at
from itg.errors import StaleState
from itg.tasks import enqueue_on_commit
from itg.uploads import ATTACHMENT_TYPES, CheckedFile, StoredFiles, check_upload, stored_files
from providers.models import Provider
from tracebacks import links, workflow
from tracebacks.models import Hop, HopLinkUse, Traceback
from tracebacks.services.tracebacks import hop_open, require_itg, traceback_end

A = Hop.Answer


@dataclass
class AnswerIn:
    """A provider's answer to one hop, as given through the API or the e-mailed link."""

    answer: str
    upstream: Provider | None = None
    attestation: str = ""
    origid: UUID | None = None
    signer: str = ""
    customer: str = ""
    notes: str = ""
    attachment: UploadedFile | None = None


def _validate(hop: Hop, data: AnswerIn, chain: list[int]) -> None:
    if data.answer not in workflow.PROVIDER_ANSWERS:
        raise ValidationError(
            {"answer": "Answer with: upstream named, customer identified, no record or refused."}
        )
    if data.answer == A.UPSTREAM:
        if data.upstream is None:
            raise ValidationError(
                {"upstream": "Name the provider you received the call from (name, FRN or RMD number)."}
            )
        if data.upstream.pk == hop.provider_id:
            raise ValidationError(
                {"upstream": "Name the provider you received the call from, not yourselves."}
            )
        if data.upstream.pk in chain:
            raise ValidationError(
                {
                    "upstream": f"{data.upstream.business_name} is already on this call's path downstream of you; check the provider you name."
                }
            )
    elif data.upstream is not None:
        raise ValidationError(
            {"upstream": "Name an upstream provider only when you answer 'upstream named'."}
        )
    if data.answer == A.CUSTOMER and not data.customer.strip():
        raise ValidationError({"customer": "Name the customer who placed the call."})
    if data.attestation not in Hop.Attestation.values:
        raise ValidationError({"attestation": "Attestation is A, B, C or empty."})


def _lock_answerable(hop: Hop) -> tuple[Hop, Traceback]:
    traceback = Traceback.objects.select_for_update().get(pk=hop.traceback_id)
    hop = Hop.objects.select_related("provider").get(pk=hop.pk)
    if traceback.status not in workflow.ANSWERABLE_TRACEBACK:
        raise ValidationError(
            f"This traceback is {traceback.get_status_display().lower()}: it takes no more answers."
        )
    if hop.sequence != traceback.hop_count or hop.answer not in workflow.ANSWERABLE_HOP:
        raise ValidationError("This request has already been answered.")
    return hop, traceback


def hop_answer(
    *, hop: Hop, provider: Provider, data: AnswerIn, actor_email: str, link_nonce: str = "",
    now: datetime | None = None,
) -> Hop:  # fmt: skip
    """Record a provider's answer and move the traceback on: the next hop opens at once (and its provider is
    notified on commit), or the traceback ends. A late answer is accepted and marked late.

    An attachment is checked by its bytes (PDF, images, office files, CSV or text: the evidence a provider
    sends) before anything is written, then stored under a generated key inside `stored_files()`, so an
    answer that fails afterwards (already answered, audit, next hop) leaves no file behind."""
    if hop.provider_id != provider.pk:
        raise PermissionDenied("This request was not asked of your company.")
    checked = (
        check_upload(data.attachment, allowed=ATTACHMENT_TYPES, field_name="attachment")
        if data.attachment
        else None
    )
    with stored_files() as files, transaction.atomic():
        return _answer(hop, data, actor_email, link_nonce, now or timezone.now(), files, checked)


def _answer(
    hop: Hop, data: AnswerIn, actor_email: str, link_nonce: str, now: datetime, files: StoredFiles,
    checked: CheckedFile | None,
) -> Hop:  # fmt: skip
    hop, traceback = _lock_answerable(hop)
    chain = list(Hop.objects.filter(traceback=traceback).values_list("provider_id", flat=True))
    _validate(hop, data, chain)
    if link_nonce:
        try:
            with transaction.atomic():
                HopLinkUse.objects.create(nonce=link_nonce, hop=hop, used_at=now)
        except IntegrityError:
            raise ValidationError("This link has already been used to answer.") from None
    old = hop.answer
    _store_answer(hop, data, now, files.save("tracebacks/hops", checked) if checked else "")
    record(
        action=Action.HOP_ANSWERED, obj=hop, actor_email=actor_email,
        changes=_answer_changes(old, hop, data, checked),
    )  # fmt: skip
    _advance(traceback, hop, data, now, actor_email)
    return hop


def _answer_changes(old: str, hop: Hop, data: AnswerIn, checked: CheckedFile | None) -> dict:
    """The audit row keeps the evidence's original name and SHA-256 (its storage key is generated)."""
    changes = {
        "answer": [old, hop.answer],
        "upstream": [None, data.upstream and data.upstream.business_name],
        "late": hop.is_late,
    }
    if checked:
        changes["attachment"] = [None, f"{checked.original_name} sha256:{checked.sha256}"]
    return changes


def _store_answer(hop: Hop, data: AnswerIn, now: datetime, attachment_key: str) -> None:
    fields = {
        "upstream": data.upstream, "answered_at": now, "attestation": data.attestation, "origid": data.origid,
        "signer": data.signer.strip()[:200], "customer": data.customer.strip()[:300], "notes": data.notes.strip(),
        "is_late": hop.is_late or now > hop.due_at,
        "response_seconds": max(0, int((now - hop.asked_at).total_seconds())),
    }  # fmt: skip
    if data.answer == A.CUSTOMER and hop.sequence > 1:
        fields["role"] = Hop.Role.ORIGINATING
    if data.answer == A.UPSTREAM and data.upstream.is_foreign:
        fields["role"] = Hop.Role.GATEWAY  # the last US hop: the point of entry for a call from abroad
    if attachment_key:
        fields["attachment"] = attachment_key
    if not workflow.hop_move(hop, "answer", data.answer, **fields):
        raise StaleState("This request was answered a moment ago.")


def _advance(traceback: Traceback, hop: Hop, data: AnswerIn, now: datetime, actor_email: str) -> None:
    S = Traceback.Status
    if data.answer == A.UPSTREAM and not data.upstream.is_foreign:
        if traceback.status != S.OPEN:  # a late answer revives a non-responsive traceback
            traceback_end(traceback=traceback, status=S.OPEN, now=now, actor_email=actor_email)
        hop_open(traceback=traceback, provider=data.upstream, role=Hop.Role.INTERMEDIATE, now=now)
    elif data.answer == A.UPSTREAM:
        traceback_end(
            traceback=traceback, status=S.FOREIGN, now=now, actor_email=actor_email, gateway=hop.provider
        )
    else:
        status = workflow.ENDS_WITH[data.answer]
        originating = hop.provider if data.answer == A.CUSTOMER else None
        if status != traceback.status:
            traceback_end(
                traceback=traceback, status=status, now=now, actor_email=actor_email, originating=originating
            )


@transaction.atomic
def hop_mark_no_response(*, hop_id: int, now: datetime | None = None) -> bool:
    """The 24-hour window passed with no answer: flag the hop and the traceback non-responsive.
    Compare-and-set, so the sweep may run twice or race a late answer safely."""
    now = now or timezone.now()
    hop = Hop.objects.select_related("traceback").filter(pk=hop_id).first()
    if hop is None:
        return False
    traceback = Traceback.objects.select_for_update().get(pk=hop.traceback_id)
    if not workflow.hop_move(
        hop, "no_response", A.NO_RESPONSE, when=Q(due_at__lt=now), flagged=True, is_late=True
    ):
        return False
    record(
        action=Action.HOP_NO_RESPONSE,
        obj=hop,
        actor_email="portal",
        changes={"answer": [A.PENDING, A.NO_RESPONSE]},
    )
    if traceback.status == Traceback.Status.OPEN:
        traceback_end(
            traceback=traceback, status=Traceback.Status.NON_RESPONSIVE, now=now, actor_email="portal"
        )
    return True


def hops_mark_overdue(*, now: datetime | None = None, limit: int = 1000) -> int:
    """Every pending hop of an open traceback past its due time (reads the partial index of pending hops)."""
    now = now or timezone.now()
    ids = list(
        Hop.objects.filter(answer=A.PENDING, due_at__lt=now, traceback__status=Traceback.Status.OPEN)
        .order_by("due_at")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(hop_mark_no_response(hop_id=pk, now=now) for pk in ids)


def _lock_open_last_hop(hop: Hop) -> tuple[Hop, Traceback]:
    traceback = Traceback.objects.select_for_update().get(pk=hop.traceback_id)
    hop = Hop.objects.select_related("provider").get(pk=hop.pk)
    if traceback.status not in workflow.ANSWERABLE_TRACEBACK or hop.sequence != traceback.hop_count:
        raise ValidationError("Only the open hop of an open traceback can be re-sent or reassigned.")
    if hop.answer not in workflow.ANSWERABLE_HOP:
        raise ValidationError("This hop has been answered.")
    return hop, traceback


@transaction.atomic
def hop_resend(*, by: User, hop: Hop) -> Hop:
    """Send the request again (a new one-time link). The legal clock is not restarted by a re-send."""
    require_itg(by, "re-send requests")
    hop, _ = _lock_open_last_hop(hop)
    record(action=Action.HOP_NOTIFIED, by=by, obj=hop, reason="re-send requested")
    from tracebacks.tasks import notify_hop

    enqueue_on_commit(notify_hop, hop.pk, hop.provider_id)
    return hop


@transaction.atomic
def hop_reassign(
    *, by: User, hop: Hop, provider: Provider, note: str = "", now: datetime | None = None
) -> Hop:
    """Ask another provider instead (the one named was wrong, or is provisional and now identified). The
    clock restarts for the new provider; links sent to the old one stop working."""
    require_itg(by, "reassign hops")
    hop, traceback = _lock_open_last_hop(hop)
    if provider.pk == hop.provider_id:
        raise ValidationError({"provider": "The hop is already asked of this provider."})
    if Hop.objects.filter(traceback=traceback, provider=provider).exclude(pk=hop.pk).exists():
        raise ValidationError({"provider": f"{provider.business_name} is already on this call's path."})
    now = now or timezone.now()
    old = hop.provider.business_name
    if not workflow.hop_move(
        hop, "reassign", A.PENDING, provider=provider, asked_at=now, due_at=hop_due_at(now, provider.time_zone),
        flagged=False, is_late=False, notified_at=None, notes=note.strip(),
    ):  # fmt: skip
        raise StaleState("This hop was answered a moment ago; reload it.")
    hop.refresh_from_db()
    record(
        action=Action.HOP_REASSIGNED,
        by=by,
        obj=hop,
        reason=note,
        changes={"provider": [old, provider.business_name]},
    )
    if traceback.status != Traceback.Status.OPEN:
        traceback_end(traceback=traceback, status=Traceback.Status.OPEN, now=now, by=by)
    from tracebacks.tasks import notify_hop

    enqueue_on_commit(notify_hop, hop.pk, hop.provider_id)
    return hop


@transaction.atomic
def hop_notify(*, hop_id: int, provider_id: int | None = None, now: datetime | None = None) -> bool:
    """E-mail the provider asked a hop its signed one-time link. Does nothing for an answered hop (safe to run
    twice); a provider without a traceback contact is recorded as a failed notice for ITG staff to fix."""
    hop = Hop.objects.select_related("provider", "traceback__campaign").filter(pk=hop_id).first()
    if hop is None or hop.answer not in workflow.ANSWERABLE_HOP:
        return False
    if provider_id is not None and hop.provider_id != provider_id:
        return False  # reassigned since this notice was queued: the new provider gets its own
    provider = hop.provider
    if not provider.traceback_email:
        record(action=Action.HOP_NOTIFIED, obj=hop, actor_email="portal", outcome=Outcome.FAILED,
               reason=f"{provider.business_name} has no traceback contact e-mail")  # fmt: skip
        return False
    # Row and audit first, the e-mail last: if sending fails, the whole notice rolls back and the task
    # retries; nothing records a notice that was not sent.
    Hop.objects.filter(pk=hop.pk).update(notified_at=now or timezone.now())
    record(
        action=Action.HOP_NOTIFIED, obj=hop, actor_email="portal", changes={"to": provider.traceback_email}
    )
    url = links.link_url(links.make_token(hop.pk, provider.pk))
    context = {"hop": hop, "traceback": hop.traceback, "provider": provider, "url": url}
    send_mail(
        subject=f"Traceback request {hop.traceback_id}-{hop.sequence}: answer by {hop.due_at:%Y-%m-%d %H:%M} UTC",
        message=render_to_string("tracebacks/email/hop_request.txt", context),
        from_email=None, recipient_list=[provider.traceback_email],
    )  # fmt: skip
    return True


@transaction.atomic
def hop_answer_refused(*, hop: Hop, actor_email: str, error: ValidationError) -> None:
    """Record an answer the portal refused (in its own transaction, after the refused one rolled back), so
    that ITG staff can see a provider struggling to answer before its window closes."""
    reason = "; ".join(error.messages)[:500]
    record(
        action=Action.HOP_ANSWER_REFUSED,
        obj=hop,
        actor_email=actor_email,
        outcome=Outcome.DENIED,
        reason=reason,
    )
