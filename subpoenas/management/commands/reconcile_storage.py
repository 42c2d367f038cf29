"""List (and with --repair remove) stored files no row points to; list rows whose file is gone."""

from __future__ import annotations

from datetime import timedelta

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand

from itg import reconcile


class Command(BaseCommand):
    help = "Reconcile storage with the database: orphan files (repairable with --repair) and missing files."

    def add_arguments(self, parser):
        parser.add_argument("--repair", action="store_true", help="Delete the orphan files found.")
        parser.add_argument(
            "--grace-minutes", type=int, default=int(reconcile.GRACE.total_seconds() // 60),
            help="Leave files younger than this alone (work in flight).",
        )  # fmt: skip

    def handle(self, *args, repair: bool, grace_minutes: int, **options):
        orphans = reconcile.orphans(grace=timedelta(minutes=grace_minutes))
        missing = reconcile.missing()
        for key in orphans:
            self.stdout.write(f"orphan  {key}")
            if repair:
                default_storage.delete(key)
        for key in missing:
            self.stdout.write(f"missing {key}")
        action = "removed" if repair else "found (run with --repair to remove them)"
        self.stdout.write(
            f"{len(orphans)} orphan file(s) {action}; {len(missing)} row(s) without their file."
        )
