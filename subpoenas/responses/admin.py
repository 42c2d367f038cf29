"""Read-only admin views of responses for ITG administrators: issued documents are evidence and a version's
state changes only through the services (claim, sign, deliver), so the admin only looks."""

from django.contrib import admin

from itg.admin_site import ReadOnlyAdmin
from subpoenas.responses.models import EvidenceQuery, IssuedDocument, Response


@admin.register(IssuedDocument)
class IssuedDocumentAdmin(ReadOnlyAdmin):
    list_display = ["title", "kind", "version", "bates_first", "bates_last", "signed_at", "is_development"]
    list_filter = ["kind", "is_development"]
    search_fields = ["title", "sha256"]
    list_select_related = ["demand"]


@admin.register(Response)
class ResponseAdmin(ReadOnlyAdmin):
    list_display = ["demand", "version", "status", "created_by", "created_at", "delivered_at"]
    list_filter = ["status"]
    search_fields = ["demand__tracking_number"]
    list_select_related = ["demand", "created_by"]


@admin.register(EvidenceQuery)
class EvidenceQueryAdmin(ReadOnlyAdmin):
    list_display = ["request", "result_count", "run_by", "run_at"]
    list_select_related = ["request", "run_by"]
