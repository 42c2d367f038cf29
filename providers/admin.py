from django.contrib import admin

from providers.models import Provider, ProviderContact


class ContactInline(admin.TabularInline):
    model = ProviderContact
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin):
    """Read-only: the registry changes through the RMD import and the audited ITG services."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    list_display = ["business_name", "rmd_number", "frn", "stir_shaken", "is_foreign", "is_provisional"]
    search_fields = ["business_name", "rmd_number", "frn"]
    list_filter = ["stir_shaken", "is_foreign", "is_provisional", "is_gateway"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [ContactInline]
