"""Admin views of accounts: read-only. Every change goes through the portal's pages and services,
which check who may make it and write the audit trail; the admin is for looking things up."""

from django.contrib import admin

from itg.accounts.models import Invitation, Office, User
from itg.admin_site import ReadOnlyAdmin


@admin.register(Office)
class OfficeAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "state", "time_zone", "email"]
    list_filter = ["kind"]
    search_fields = ["name", "state"]


@admin.register(User)
class UserAdmin(ReadOnlyAdmin):
    list_display = ["email", "full_name", "role", "office", "is_active", "last_login"]
    list_filter = ["role", "is_active", "office__kind"]
    search_fields = ["email", "full_name", "office__name"]
    exclude = ["password"]
    list_select_related = ["office"]


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = [
        "email",
        "role",
        "office",
        "invited_by",
        "created_at",
        "expires_at",
        "accepted_at",
        "revoked_at",
    ]
    exclude = ["token_hash"]
    list_select_related = ["office", "invited_by"]
