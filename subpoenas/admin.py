"""Read-only admin views of demands for ITG administrators: every change goes through the services
(workflow, deadlines, audit), so the admin only looks."""

from django.contrib import admin

from itg.admin_site import ReadOnlyAdmin, ReadOnlyInline
from subpoenas.models import DeadlineEvent, DemandDocument, DemandRequest, LegalDemand


class RequestInline(ReadOnlyInline):
    model = DemandRequest
    fields = ["number", "text", "phone_numbers", "date_from", "date_to", "providers", "campaigns"]
    readonly_fields = fields


class DocumentInline(RequestInline):
    model = DemandDocument
    fields = ["role", "original_name", "size", "content_type", "sha256", "pdf_flags", "uploaded_at"]
    readonly_fields = fields


class DeadlineInline(RequestInline):
    model = DeadlineEvent
    fields = ["kind", "at", "by", "requested_date", "due_date_before", "due_date_after", "note"]
    readonly_fields = fields


@admin.register(LegalDemand)
class LegalDemandAdmin(ReadOnlyAdmin):
    list_display = ["tracking_number", "state", "kind", "status", "due_date", "received_at"]
    list_filter = ["status", "kind", "state"]
    search_fields = ["tracking_number", "caption"]
    list_select_related = ["case"]
    inlines = [RequestInline, DocumentInline, DeadlineInline]
