from django.contrib import admin

from providers.models import Provider, ProviderContact


class ContactInline(admin.TabularInline):
    model = ProviderContact
    extra = 0


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin):
    list_display = ["business_name", "rmd_number", "frn", "stir_shaken", "is_foreign", "is_provisional"]
    search_fields = ["business_name", "rmd_number", "frn"]
    list_filter = ["stir_shaken", "is_foreign", "is_provisional", "is_gateway"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [ContactInline]
