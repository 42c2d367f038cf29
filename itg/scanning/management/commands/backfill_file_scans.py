"""Give every upload stored before scanning existed its scan row (quarantined until scanned, flags read)."""

from django.core.management.base import BaseCommand

from itg.scanning.services import filescans_backfill


class Command(BaseCommand):
    help = (
        "Create the missing scan rows of uploads stored before malware scanning existed: pending (so "
        "quarantined until `scan_pending_files` finds them clean) when CLAMAV_SOCKET is set, else unscanned; "
        "active-content flags read as at upload. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count, write nothing.")

    def handle(self, *args, dry_run: bool, **options) -> None:
        c = filescans_backfill(dry_run=dry_run)
        verb = "would be created" if dry_run else "created"
        self.stdout.write(
            f"{c['created']} scan row(s) {verb} ({c['flagged']} flagged); {c['already']} upload(s) already had "
            f"one; {c['generated']} file(s) the portal generated skipped; {c['missing']} row(s) whose object "
            "is gone (see reconcile_storage)."
        )
