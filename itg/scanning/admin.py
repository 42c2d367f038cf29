from django.contrib import admin

from itg.admin_site import ReadOnlyAdmin
from itg.scanning.models import FileScan


@admin.register(FileScan)
class FileScanAdmin(ReadOnlyAdmin):
    """A scan result is written by the scanner, never by hand."""

    list_display = ["storage_key", "status", "signature", "attempts", "created_at", "scanned_at"]
    list_filter = ["status"]
    search_fields = ["storage_key", "sha256", "signature"]
