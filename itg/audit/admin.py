"""The audit trail in the Django admin: read-only, for ITG administrators, and every look recorded."""

from __future__ import annotations

from django.contrib import admin
from django.core.paginator import Paginator
from django.utils.functional import cached_property

from itg.admin_site import ReadOnlyAdmin
from itg.audit.actions import Action
from itg.audit.models import AuditEvent
from itg.audit.services import record


class CappedCountPaginator(Paginator):
    """Counts at most 10,001 rows: a COUNT(*) over tens of millions of events on every admin page is not
    worth its seconds (the auditors' pages page by sequence number and never count)."""

    CAP = 10_001

    @cached_property
    def count(self) -> int:
        return self.object_list[: self.CAP].count()


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("seq", "at", "actor_email", "action", "object_type", "object_id", "outcome")
    list_filter = ("outcome",)
    show_facets = admin.ShowFacets.NEVER
    show_full_result_count = False
    paginator = CappedCountPaginator
    list_per_page = 50
    ordering = ("-seq",)

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in AuditEvent._meta.fields]

    def changelist_view(self, request, extra_context=None):
        record(action=Action.AUDIT_VIEWED, by=request.user, object_type="audit.trail", label="admin list",
               reason=f"admin list {request.GET.urlencode()}"[:500])  # fmt: skip
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        record(action=Action.AUDIT_VIEWED, by=request.user, object_type="audit.auditevent",
               object_id=str(object_id), label="admin detail")  # fmt: skip
        return super().change_view(request, object_id, form_url, extra_context)
