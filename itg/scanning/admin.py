from django.contrib import admin

from itg.scanning.models import FileScan


@admin.register(FileScan)
class FileScanAdmin(admin.ModelAdmin):
    """A scan result is written by the scanner, never by hand: read-only, as `itg.admin_site.make_read_only`
    makes every registration."""

    list_display = ["storage_key", "status", "signature", "attempts", "created_at", "scanned_at"]
    list_filter = ["status"]
    search_fields = ["storage_key", "sha256", "signature"]
