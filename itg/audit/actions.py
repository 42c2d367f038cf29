"""The one registry of audited actions: a dotted verb per thing that can happen.

Every `record()` call names one of these; an unknown action is a programming error and fails the
operation (fail closed). Domain apps use these strings; `itg` itself imports no domain app.
"""

from django.db import models


class Action(models.TextChoices):
    # Authentication and accounts
    LOGIN = "auth.login", "Logged in"
    LOGOUT = "auth.logout", "Logged out"
    LOGIN_FAILED = "auth.login_failed", "Login failed"
    LOCKED_OUT = "auth.locked_out", "Account locked out"
    UNLOCKED = "auth.unlocked", "Account unlocked"
    OTP_VERIFIED = "auth.otp_verified", "Two-factor code accepted"
    OTP_FAILED = "auth.otp_failed", "Two-factor code refused"
    OTP_ENROLLED = "auth.otp_enrolled", "Two-factor enrolled"
    OTP_RESET = "auth.otp_reset", "Two-factor reset"
    API_TOKEN_CREATED = "auth.api_token_created", "API token created"
    API_TOKEN_REVOKED = "auth.api_token_revoked", "API token revoked"
    USER_INVITED = "user.invited", "User invited"
    INVITATION_REVOKED = "user.invitation_revoked", "Invitation revoked"
    USER_ACTIVATED = "user.activated", "Invitation accepted"
    USER_DEACTIVATED = "user.deactivated", "User deactivated"
    USER_REACTIVATED = "user.reactivated", "User reactivated"
    USER_ROLE_CHANGED = "user.role_changed", "Role or office changed"
    OFFICE_CREATED = "office.created", "Office created"
    # Cases
    CASE_CREATED = "case.created", "Case created"
    CASE_VIEWED = "case.viewed", "Case viewed"
    CASE_VIEW_DENIED = "case.view_denied", "Case view denied"
    CASE_UPDATED = "case.updated", "Case updated"
    CASE_SHARED = "case.shared", "Case shared"
    CASE_UNSHARED = "case.unshared", "Case share revoked"
    CASE_ASSIGNED = "case.assigned", "Case assigned"
    # Audit itself
    AUDIT_VIEWED = "audit.viewed", "Audit trail viewed"
    AUDIT_EXPORTED = "audit.exported", "Audit trail exported"
    AUDIT_CHECKPOINT = "audit.checkpoint", "Audit checkpoint written"

    # Legal demands (subpoenas and CIDs), their documents, deadlines, messages and notes
    DEMAND_UPLOAD_STAGED = "demand.upload_staged", "Demand files uploaded for review"
    DEMAND_RECEIVED = "demand.received", "Demand received"
    DEMAND_VIEWED = "demand.viewed", "Demand viewed"
    DEMAND_VIEW_DENIED = "demand.view_denied", "Demand view denied"
    DEMAND_START_REVIEW = "demand.start_review", "Demand review started"
    DEMAND_START_WORK = "demand.start_work", "Demand work started"
    DEMAND_ASK_CLARIFICATION = "demand.ask_clarification", "Clarification asked"
    DEMAND_ANSWER_CLARIFICATION = "demand.answer_clarification", "Clarification answered"
    DEMAND_MARK_RESPONSE_READY = "demand.mark_response_ready", "Response ready"
    DEMAND_SIGN_RESPONSE = "demand.sign_response", "Response signed"
    DEMAND_DELIVER = "demand.deliver", "Response delivered"
    DEMAND_CLOSE = "demand.close", "Demand closed"
    DEMAND_WITHDRAW = "demand.withdraw", "Demand withdrawn"
    DEMAND_DISPUTE = "demand.dispute", "Petition to compel recorded"
    DEMAND_RESOLVE_DISPUTE = "demand.resolve_dispute", "Dispute resolved"
    DEMAND_TRANSITION_DENIED = "demand.transition_denied", "Demand transition refused"
    DEMAND_EXTENSION_ASKED = "demand.extension_asked", "Extension asked"
    DEMAND_EXTENSION_GRANTED = "demand.extension_granted", "Extension granted"
    DEMAND_EXTENSION_REFUSED = "demand.extension_refused", "Extension refused"
    DEMAND_DEADLINE_RECOMPUTED = "demand.deadline_recomputed", "Deadline recomputed"
    DEMAND_REMINDER_SENT = "demand.reminder_sent", "Deadline reminder sent"
    DEMAND_ESCALATED = "demand.escalated", "Overdue demand escalated"
    DEMAND_RECEIPT_DOWNLOADED = "demand.receipt_downloaded", "Receipt downloaded"
    DEMAND_SEARCHED = "demand.searched", "Demands searched"
    DOCUMENT_DOWNLOADED = "document.downloaded", "Document downloaded"
    DOCUMENT_DOWNLOAD_DENIED = "document.download_denied", "Document download denied"
    CALENDAR_FEED_CREATED = "calendar_feed.created", "Calendar feed created"
    CALENDAR_FEED_REVOKED = "calendar_feed.revoked", "Calendar feed revoked"
    CALENDAR_FEED_FETCHED = "calendar_feed.fetched", "Calendar feed fetched"
    CASE_MESSAGE_POSTED = "case.message_posted", "Message posted"
    CASE_NOTE_ADDED = "case.note_added", "Internal note added"
    CASE_ATTACHMENT_DOWNLOADED = "case.attachment_downloaded", "Message attachment downloaded"


class Outcome(models.TextChoices):
    SUCCESS = "success", "Success"
    DENIED = "denied", "Denied"
    FAILED = "failed", "Failed"
