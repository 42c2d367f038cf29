from django.contrib import admin

from itg.scanning.models import FileScan


@admin.register(FileScan)
class FileScanAdmin(admin.ModelAdmin):
    """Read-only: a scan result is written by the scanner, never by hand."""

    list_display = ["storage_key", "status", "signature", "attempts", "created_at", "scanned_at"]
    list_filter = ["status"]
    search_fields = ["storage_key", "sha256", "signature"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
