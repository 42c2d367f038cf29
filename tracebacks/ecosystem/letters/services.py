"""Writes of notice letters: the templates (ITG administrators), sending signed letters, acknowledgements.

Sending is all or nothing for the whole batch the staff asked for (a notice and letters to downstream
providers): every addressee's e-mail and every template are checked before anything is rendered, so a
provider without an e-mail address or a template that fails the sandbox refuses the batch with a message
and nothing is sent or saved. Each letter is then rendered, signed and stored outside any transaction,
registered with its audit event in one, and e-mailed last inside it: if the e-mail cannot be sent the row
rolls back and the stored file is deleted, so no letter is recorded that was not sent.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from itg.audit.actions import Action, Outcome
from itg.audit.services import record
from itg.exports import rows_csv
from itg.pdf import DataExhibit, render_bates_pdf
from itg.signing import load_signer, signer_from_settings
from providers.models import Provider
from tracebacks.ecosystem.findings import Window
from tracebacks.ecosystem.letters import content, links
from tracebacks.ecosystem.letters.sandbox import TemplateRefused, compile_template, paragraphs, render_text
from tracebacks.ecosystem.models import LetterTemplate, NoticeLetter

K = LetterTemplate.Kind
SIGNING_LOCATION = "Washington, DC"
RECORD_HEADER = ("traceback", "call_at_utc", "calling_number", "called_number", "hop", "asked_at_utc", "campaign",
                 "role", "answer", "answered_late")  # fmt: skip
RECORD_KEYS = ("traceback", "call", "calling", "called", "hop", "asked", "campaign", "role", "answer", "late")


def letter_template_save(*, by, kind: str, subject: str, body: str) -> LetterTemplate:
    """Change a template; refused whole (nothing saved, the refusal audited) when the sandbox refuses it."""
    if not by.is_itg_admin:
        raise PermissionDenied("Only ITG administrators change letter templates.")
    row = content.templates()[kind]
    try:
        for name, source in (("subject", subject), ("body", body)):
            if not source.strip():
                raise TemplateRefused([f"{name.capitalize()}: it is empty."])
            try:
                render_text(source, content.SCHEMA, content.sample_data(kind))
            except TemplateRefused as error:
                raise TemplateRefused([f"{name.capitalize()}: {m}" for m in error.messages]) from None
    except TemplateRefused as error:
        _refused(by, row, error)
        field = "body" if any(m.startswith("Body") for m in error.messages) else "subject"
        raise ValidationError({field: error.messages}) from None
    return _template_write(by, row, subject, body)


@transaction.atomic
def _template_write(by, row: LetterTemplate, subject: str, body: str) -> LetterTemplate:
    changes = {
        f: ["(changed)", "(changed)"]
        for f, v in (("subject", subject), ("body", body))
        if getattr(row, f) != v
    }
    if not changes:
        return row
    row.subject, row.body, row.updated_by, row.updated_at = subject, body, by, timezone.now()
    row.save()
    record(action=Action.LETTER_TEMPLATE_CHANGED, by=by, obj=row, changes=changes,
           reason=f"sha256 of the body: {hashlib.sha256(body.encode()).hexdigest()}")  # fmt: skip
    return row


@transaction.atomic
def _refused(by, row: LetterTemplate, error: TemplateRefused) -> None:
    record(action=Action.LETTER_TEMPLATE_REFUSED, by=by, obj=row, outcome=Outcome.DENIED,
           reason="; ".join(error.messages)[:500])  # fmt: skip


@dataclass(frozen=True)
class Addressee:
    kind: str
    provider: Provider


def _check_batch(about: Provider, window: Window, addressees: list[Addressee]) -> dict[str, LetterTemplate]:
    if not addressees:
        raise ValidationError("Choose at least one letter to send.")
    missing = [a.provider.business_name for a in addressees if not a.provider.traceback_email]
    if missing:
        raise ValidationError(
            f"No e-mail address for {', '.join(missing)}: add the traceback contact e-mail on the provider's "
            "page first. Nothing was sent."
        )
    allowed = {d.provider.pk for d in content.downstreams(about, window)}
    stray = [
        a.provider.business_name
        for a in addressees
        if a.kind == K.DOWNSTREAM and a.provider.pk not in allowed
    ]
    if stray:
        raise ValidationError(
            f"{', '.join(stray)} accepted no traffic from {about.business_name} in the window."
        )
    found = content.templates()
    for kind in {a.kind for a in addressees}:
        for source in (found[kind].subject, found[kind].body):
            try:
                compile_template(source, content.SCHEMA)
            except TemplateRefused as error:
                raise ValidationError(f"The {K(kind).label.lower()} template cannot be used: "
                                      f"{'; '.join(error.messages)} Nothing was sent.") from None  # fmt: skip
    return found


def letters_send(
    *, by, about: Provider, window: Window, addressees: list[Addressee], at: datetime | None = None
) -> list[NoticeLetter]:
    """Check the whole batch, then render, sign, register and e-mail each letter in turn.

    `at` dates the letters (reference, date, sent_at); the pages always send now. Only the demo passes it,
    to date its letters by the demo world's clock (the signature still carries the real signing time)."""
    if not by.is_itg_staff:
        raise PermissionDenied("Only ITG staff send notice letters.")
    at = at or timezone.now()
    found = _check_batch(about, window, addressees)
    drafts = []
    for a in addressees:  # render every text before signing anything: a runtime refusal sends nothing
        reference = f"ITG-NL-{at:%Y%m%d}-{uuid.uuid4().hex[:6].upper()}"
        data = content.letter_data(
            kind=a.kind, provider=a.provider, about=about, window=window, reference=reference, at=at
        )
        try:
            subject = render_text(found[a.kind].subject, content.SCHEMA, data).strip()[:200]
            body = render_text(found[a.kind].body, content.SCHEMA, data)
        except TemplateRefused as error:
            raise ValidationError(f"The letter to {a.provider.business_name} could not be written: "
                                  f"{'; '.join(error.messages)} Nothing was sent.") from None  # fmt: skip
        drafts.append((a, data, subject, body))
    return [_send_one(by, about, window, at, *draft) for draft in drafts]


def _render(data: dict, subject: str, body: str, development: bool):
    rows = data.pop("rows")
    csv = rows_csv(RECORD_HEADER, [[r[k] for k in RECORD_KEYS] for r in rows])
    exhibit = DataExhibit(
        f"{data['letter']['reference']}-record.csv", csv, "The traceback record, one row per hop"
    )
    html = render_to_string("ecosystem/letters/letter_pdf.html", {
        "d": data, "subject": subject, "body": paragraphs(body), "rows": rows[: content.MAX_RECORD_ROWS],
        "rows_hidden": len(rows) > content.MAX_RECORD_ROWS, "exhibit": exhibit, "development": development,
        "letterhead_address": settings.ITG_LETTERHEAD_ADDRESS, "signatory_title": settings.ITG_CUSTODIAN_TITLE})  # fmt: skip
    return render_bates_pdf(html, prefix=data["letter"]["reference"], attachments=[exhibit])


def _send_one(
    by, about: Provider, window: Window, at: datetime, a: Addressee, data: dict, subject: str, body: str
) -> NoticeLetter:
    config = signer_from_settings()
    key = None
    try:
        rendered = _render(data, subject, body, config.is_development)
        signed = config.sign(rendered.pdf, reason=f"ITG notice letter {data['letter']['reference']}",
                             location=SIGNING_LOCATION)  # fmt: skip
        key = default_storage.save(f"issued/letters/{uuid.uuid4().hex}.pdf", ContentFile(signed))
        with transaction.atomic():
            letter = _register(by, about, window, at, a, data, subject, body, rendered, signed, key, config)
            _email(letter, signed, body)
        return letter
    except Exception as error:
        if key and default_storage.exists(key):
            default_storage.delete(key)
        _failed(by, a.provider, error)
        raise


def _register(by, about, window, at, a, data, subject, body, rendered, signed, key, config) -> NoticeLetter:
    cert = load_signer(config.p12_path, config.passphrase).signing_cert
    letter = NoticeLetter.objects.create(
        kind=a.kind, reference=data["letter"]["reference"], provider=a.provider, about=about,
        window_start=window.start, window_end=window.end, criteria=[f["criterion"] for f in data["findings"]],
        content=content.jsonable(data), subject=subject, body=body, to_email=a.provider.traceback_email,
        bates_first=rendered.first, bates_last=rendered.last, sha256=hashlib.sha256(signed).hexdigest(),
        size=len(signed), storage_key=key, signer_name=(cert.subject.native.get("common_name", "") or "ITG")[:200],
        is_development=config.is_development, sent_by=by, sent_at=at,
    )  # fmt: skip
    record(action=Action.LETTER_SENT, by=by, obj=letter, label=str(letter), changes={
        "to": [None, letter.to_email], "kind": [None, letter.kind], "about": [None, about.business_name],
        "window": [None, str(window)], "criteria": [None, letter.criteria], "sha256": [None, letter.sha256],
        "bates": [None, letter.bates_range]})  # fmt: skip
    return letter


def _email(letter: NoticeLetter, signed: bytes, body: str) -> None:
    url = links.link_url(links.make_token(letter.pk, letter.provider_id))
    text = render_to_string("ecosystem/letters/email.txt", {"letter": letter, "url": url,
                                                            "days": links.MAX_AGE_DAYS})  # fmt: skip
    message = EmailMessage(f"{letter.subject} [{letter.reference}]", text, None, [letter.to_email])
    message.attach(f"{letter.reference}.pdf", signed, "application/pdf")
    message.send(fail_silently=False)


@transaction.atomic
def _failed(by, provider: Provider, error: Exception) -> None:
    record(action=Action.LETTER_SEND_FAILED, by=by, obj=provider, outcome=Outcome.FAILED,
           reason=f"{type(error).__name__}: {error}"[:500])  # fmt: skip


@transaction.atomic
def letter_acknowledge(
    *,
    letter: NoticeLetter,
    provider: Provider,
    name: str,
    via: str,
    actor_email: str,
    at: datetime | None = None,
) -> NoticeLetter:
    """The addressee acknowledges receipt, once (compare-and-set): a second attempt says when it was done."""
    if letter.provider_id != provider.pk:
        raise PermissionDenied("This letter is not addressed to your company.")
    name = " ".join(name.split())[:200]
    if not name:
        raise ValidationError({"name": "Give the name of the person acknowledging receipt."})
    now = at or timezone.now()  # `at`: the demo's clock only, as for letters_send
    if not NoticeLetter.objects.filter(pk=letter.pk, status=NoticeLetter.Status.SENT).update(
        status=NoticeLetter.Status.ACKNOWLEDGED,
        acknowledged_at=now,
        acknowledged_name=name,
        acknowledged_via=via,
    ):
        letter.refresh_from_db()
        raise ValidationError(f"This letter was already acknowledged on {letter.acknowledged_at:%Y-%m-%d %H:%M} UTC "
                              f"by {letter.acknowledged_name}.")  # fmt: skip
    letter.status, letter.acknowledged_at, letter.acknowledged_name, letter.acknowledged_via = (
        NoticeLetter.Status.ACKNOWLEDGED, now, name, via)  # fmt: skip
    record(action=Action.LETTER_ACKNOWLEDGED, obj=letter, actor_email=actor_email, label=str(letter),
           changes={"by": [None, name], "via": [None, via]})  # fmt: skip
    return letter


def letter_bytes(letter: NoticeLetter) -> bytes:
    with default_storage.open(letter.storage_key, "rb") as handle:
        return handle.read()
