"""Writes to cases: create, share with another office, revoke a share, assign an ITG owner."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from guardian.shortcuts import assign_perm, get_groups_with_perms, remove_perm

from cases.access import POST_PERMISSION, VIEW_PERMISSION, may_post_in_thread
from cases.models import Case, CaseMessage, MessageAttachment
from itg.accounts.models import Office, User
from itg.audit.actions import Action
from itg.audit.services import record
from itg.calendar import JURISDICTIONS
from itg.params import MESSAGE_MAX
from itg.uploads import check_upload, stored_files


@transaction.atomic
def case_create(*, by: User, title: str, lead_state: str = "", reference: str = "") -> Case:
    """An AG user opens a case for their own state; ITG staff may open one for any state."""
    if by.is_ag_staff:
        lead_state = by.state
    elif not by.is_itg_staff:
        raise PermissionDenied("Only AG and ITG staff open cases.")
    if not title.strip():
        raise ValidationError({"title": "Give the case a title."})
    if not lead_state:
        raise ValidationError({"lead_state": "Choose the lead state."})
    if lead_state not in JURISDICTIONS:  # the audit record files the case under its state: it must be one
        raise ValidationError(
            {"lead_state": f"{lead_state!r} is not an AG jurisdiction: use its two-letter code."}
        )
    case = Case.objects.create(
        title=title.strip(), lead_state=lead_state, reference=reference.strip(), created_by=by
    )
    record(action=Action.CASE_CREATED, by=by, obj=case, changes={"title": [None, case.title]})
    return case


def may_share(by: User, case: Case) -> bool:
    """The lead state's AG supervisor decides who shares the matter; ITG administrators may too."""
    return by.is_itg_admin or (by.is_ag_supervisor and by.state == case.lead_state)


def case_shared_offices(case: Case) -> list[Office]:
    """The offices the case is shared with, each with `may_post` (allowed to write in the thread)."""
    perms = get_groups_with_perms(case, attach_perms=True)
    offices = list(Office.objects.filter(group__in=list(perms)).select_related("group").order_by("name"))
    for office in offices:
        office.may_post = "post_in_thread" in perms.get(office.group, [])
    return offices


@transaction.atomic
def case_share(*, by: User, case: Case, office: Office, may_post: bool = False) -> None:
    """Share the matter with another AG office: it reads it; it writes in the thread only if `may_post`."""
    if not may_share(by, case):
        raise PermissionDenied("Only a supervisor of the lead state's office can share this case.")
    if office.kind != Office.Kind.AG:
        raise ValidationError({"office": "Cases are shared with attorney-general offices only."})
    if office.state == case.lead_state:
        raise ValidationError({"office": "The lead state's office already sees this case."})
    if office in case_shared_offices(case):
        raise ValidationError({"office": f"The case is already shared with {office.name}."})
    assign_perm(VIEW_PERMISSION, office.group, case)
    if may_post:
        assign_perm(POST_PERMISSION, office.group, case)
    record(action=Action.CASE_SHARED, by=by, obj=case,
           changes={"shared_with": [None, office.name], "may_post": [None, may_post]})  # fmt: skip


@transaction.atomic
def case_share_posting_set(*, by: User, case: Case, office: Office, may_post: bool) -> None:
    """The lead office allows (or stops) a shared office writing in the case's thread."""
    if not may_share(by, case):
        raise PermissionDenied(
            "Only a supervisor of the lead state's office decides who writes in the thread."
        )
    current = {o.pk: o.may_post for o in case_shared_offices(case)}
    if office.pk not in current:
        raise ValidationError({"office": f"The case is not shared with {office.name}."})
    if current[office.pk] == may_post:
        return
    (assign_perm if may_post else remove_perm)(POST_PERMISSION, office.group, case)
    record(action=Action.CASE_SHARE_UPDATED, by=by, obj=case, label=f"{case} / {office.name}",
           changes={"may_post": [not may_post, may_post], "office": [None, office.name]})  # fmt: skip


@transaction.atomic
def case_unshare(*, by: User, case: Case, office: Office) -> None:
    if not may_share(by, case):
        raise PermissionDenied("Only a supervisor of the lead state's office can revoke a share.")
    if office not in case_shared_offices(case):
        raise ValidationError({"office": f"The case is not shared with {office.name}."})
    remove_perm(VIEW_PERMISSION, office.group, case)
    remove_perm(POST_PERMISSION, office.group, case)
    record(action=Action.CASE_UNSHARED, by=by, obj=case, changes={"shared_with": [office.name, None]})


@transaction.atomic
def case_assign(*, by: User, case: Case, owner: User | None) -> Case:
    if not by.is_itg_staff:
        raise PermissionDenied("Only ITG staff assign cases.")
    if owner is not None and not (owner.is_itg_staff and owner.is_active):
        raise ValidationError({"owner": "Assign the case to an active ITG staff member."})
    old = case.owner.email if case.owner_id else None
    Case.objects.filter(pk=case.pk).update(owner=owner)
    case.owner = owner
    record(
        action=Action.CASE_ASSIGNED, by=by, obj=case, changes={"owner": [old, owner.email if owner else None]}
    )
    return case


def case_message_post(*, by: User, case: Case, body: str, internal: bool = False, files=()) -> CaseMessage:
    """Post to the case's thread (or an internal ITG note), with checked attachments; all or nothing."""
    if internal and not by.is_itg_staff:
        raise PermissionDenied("Only ITG staff write internal notes.")
    if not (by.is_itg_staff or by.is_ag_staff):
        raise PermissionDenied("Only AG and ITG staff write in a case's thread.")
    if not may_post_in_thread(by, case):
        raise PermissionDenied(
            "Your office reads this shared case; only the lead state's office writes in its thread, "
            "unless its supervisor allows your office to."
        )
    if not body.strip():
        raise ValidationError({"body": "Write the message."})
    if len(body) > MESSAGE_MAX:  # the same limit as the API's serializer: page and API accept the same text
        raise ValidationError(
            {"body": f"Shorten the message to {MESSAGE_MAX:,} characters (it has {len(body):,})."}
        )
    if "\x00" in body:
        raise ValidationError({"body": "Remove the NUL character (\\0) from the message."})
    checked = []
    for upload in files:
        checked.append(check_upload(upload, field_name="attachments"))
    with stored_files() as stored, transaction.atomic():
        message = CaseMessage.objects.create(case=case, author=by, body=body.strip(), internal=internal)
        MessageAttachment.objects.bulk_create(
            MessageAttachment(
                message=message, storage_key=stored.save("messages", c), original_name=c.original_name,
                size=c.size, content_type=c.content_type, sha256=c.sha256, pdf_flags=c.pdf_flags,
            )
            for c in checked
        )  # fmt: skip
        record(
            action=Action.CASE_NOTE_ADDED if internal else Action.CASE_MESSAGE_POSTED, by=by, obj=case,
            changes={"message": [None, message.pk], "attachments": [None, [f"{c.original_name} sha256:{c.sha256}" for c in checked]]},
        )  # fmt: skip
    return message
