from django.contrib import admin

from itg.admin_site import ReadOnlyAdmin, ReadOnlyInline
from providers.models import Provider, ProviderContact


class ContactInline(ReadOnlyInline):
    model = ProviderContact


@admin.register(Provider)
class ProviderAdmin(ReadOnlyAdmin):
    """Read-only: the registry changes through the RMD import and the audited ITG services."""

    list_display = ["business_name", "rmd_number", "frn", "stir_shaken", "is_foreign", "is_provisional"]
    search_fields = ["business_name", "rmd_number", "frn"]
    list_filter = ["stir_shaken", "is_foreign", "is_provisional", "is_gateway"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [ContactInline]
