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
    # Responses to legal demands (subpoenas.responses)
    EVIDENCE_PROPOSED = "evidence.proposed", "Responsive records proposed"
    EVIDENCE_LINKED = "evidence.linked", "Evidence linked to a request"
    EVIDENCE_UNLINKED = "evidence.unlinked", "Evidence removed from a request"
    REQUEST_ANSWERED = "request.answered", "Request answered"
    RESPONSE_PREPARED = "response.prepared", "Response prepared for signing"
    RESPONSE_SIGNED = "response.signed", "Response rendered and signed"
    RESPONSE_SIGN_FAILED = "response.sign_failed", "Response signing failed"
    RESPONSE_DELIVERED = "response.delivered", "Response delivered"
    RESPONSE_VIEWED = "response.viewed", "Response page viewed"
    RESPONSE_VIEW_DENIED = "response.view_denied", "Response view denied"
    RESPONSE_DOWNLOADED = "response.downloaded", "Signed document downloaded"
    RESPONSE_DOWNLOAD_DENIED = "response.download_denied", "Signed document download denied"
    RECEIPT_SIGNED = "receipt.signed", "Receipt signed"
    DOCUMENT_VERIFIED = "document.verified", "Signed document verified"


class Outcome(models.TextChoices):
    SUCCESS = "success", "Success"
    DENIED = "denied", "Denied"
    FAILED = "failed", "Failed"
