"""Read-only admin views: every change to tracebacks goes through the services (audited), not the admin."""

from django.contrib import admin

from itg.admin_site import ReadOnlyAdmin
from tracebacks.models import Campaign, Hop, Traceback


@admin.register(Campaign)
class CampaignAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "created_at"]
    search_fields = ["name"]


@admin.register(Traceback)
class TracebackAdmin(ReadOnlyAdmin):
    list_display = ["pk", "campaign", "call_at", "calling_number", "called_number", "status", "hop_count"]
    list_filter = ["status"]
    search_fields = ["calling_number", "called_number"]
    list_select_related = ["campaign"]
    show_full_result_count = False


@admin.register(Hop)
class HopAdmin(ReadOnlyAdmin):
    list_display = ["traceback_id", "sequence", "provider", "role", "answer", "asked_at", "due_at", "is_late"]
    list_select_related = ["provider"]
    raw_id_fields = ["traceback", "provider", "upstream"]
    show_full_result_count = False
