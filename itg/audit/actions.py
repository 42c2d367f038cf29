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
    # Providers and tracebacks (issue 5)
    PROVIDER_ADDED = "provider.added", "Provisional provider added"
    PROVIDER_UPDATED = "provider.updated", "Provider updated"
    RMD_IMPORT_STARTED = "provider.rmd_import_started", "RMD import started"
    RMD_IMPORTED = "provider.rmd_imported", "RMD import finished"
    PROVIDER_TOKEN_CREATED = "provider.token_created", "Provider API token created"
    PROVIDER_TOKEN_REVOKED = "provider.token_revoked", "Provider API token revoked"
    CAMPAIGN_CREATED = "campaign.created", "Campaign created"
    TRACEBACK_CREATED = "traceback.created", "Traceback started"
    TRACEBACK_BULK_STARTED = "traceback.bulk_started", "Tracebacks started in bulk"
    TRACEBACK_VIEWED = "traceback.viewed", "Traceback viewed"
    TRACEBACK_FILE_DOWNLOADED = "traceback.file_downloaded", "Traceback file downloaded"
    TRACEBACK_ENDED = "traceback.ended", "Traceback ended"
    TRACEBACK_CLOSED = "traceback.closed", "Traceback closed by ITG staff"
    HOP_OPENED = "hop.opened", "Hop opened"
    HOP_NOTIFIED = "hop.notified", "Hop request sent to provider"
    HOP_ANSWERED = "hop.answered", "Hop answered"
    HOP_ANSWER_REFUSED = "hop.answer_refused", "Hop answer refused"
    HOP_NO_RESPONSE = "hop.no_response", "Hop marked no response"
    HOP_REASSIGNED = "hop.reassigned", "Hop reassigned"
    HOP_LINK_DENIED = "hop.link_denied", "Hop link refused"


class Outcome(models.TextChoices):
    SUCCESS = "success", "Success"
    DENIED = "denied", "Denied"
    FAILED = "failed", "Failed"
