from django.contrib import admin

from cases.models import Case
from itg.admin_site import ReadOnlyAdmin


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    """Read-only: cases are opened, shared and assigned through the portal, which audits each change."""

    list_display = ["title", "lead_state", "reference", "owner", "created_at"]
    list_filter = ["lead_state"]
    search_fields = ["title", "reference"]
    list_select_related = ["owner"]
