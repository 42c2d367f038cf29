"""Recompute every open demand's due date, e.g. after upgrading the `holidays` package."""

from django.core.management.base import BaseCommand

from subpoenas.tasks import recompute_open_deadlines


class Command(BaseCommand):
    help = (
        "Recompute the due dates of open demands from their terms and history (after holiday data changes)."
    )

    def handle(self, *args, **options):
        moved = recompute_open_deadlines()
        self.stdout.write(self.style.SUCCESS(f"{moved} open demand(s) had their due date recomputed."))
