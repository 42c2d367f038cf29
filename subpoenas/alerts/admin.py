from django.contrib import admin

from subpoenas.alerts.models import Alert, AlertRecipient, AlertRule, Subscription


@admin.register(AlertRule)
class AlertRuleAdmin(admin.ModelAdmin):
    """Read-only here: rules are changed on the rules page, where each change is audited."""

    list_display = ["name", "kind", "threshold", "window_days", "is_active"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = ["title", "campaign", "period_start", "status", "sent_at"]
    readonly_fields = [f.name for f in Alert._meta.fields]

    def has_add_permission(self, request):
        return False


admin.site.register([AlertRecipient, Subscription], admin.ModelAdmin)
