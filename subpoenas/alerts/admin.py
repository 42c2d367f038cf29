from django.contrib import admin

from itg.admin_site import ReadOnlyAdmin
from subpoenas.alerts.models import Alert, AlertRecipient, AlertRule, Subscription


@admin.register(AlertRule)
class AlertRuleAdmin(ReadOnlyAdmin):
    """Read-only here: rules are changed on the rules page, where each change is audited."""

    list_display = ["name", "kind", "threshold", "window_days", "is_active"]


@admin.register(Alert)
class AlertAdmin(ReadOnlyAdmin):
    list_display = ["title", "campaign", "period_start", "status", "sent_at"]
    readonly_fields = [f.name for f in Alert._meta.fields]


admin.site.register([AlertRecipient, Subscription], ReadOnlyAdmin)
