"""`manage.py import_rmd FILE`: upsert the FCC's RMD export into the provider registry."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from itg.audit.actions import Action
from itg.audit.services import record
from providers import rmd


class Command(BaseCommand):
    help = "Import the Robocall Mitigation Database CSV export (idempotent upsert by RMD number)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--quiet-progress", action="store_true", help="No progress counter.")

    def handle(self, *args, file: Path, quiet_progress: bool = False, **options):
        if not file.is_file():
            raise CommandError(f"{file} is not a file.")
        try:
            report = rmd.import_rmd(file.read_bytes(), progress=None if quiet_progress else self._progress)
        except rmd.ImportFileError as error:
            raise CommandError(str(error)) from None
        if not quiet_progress:
            self.stderr.write("")
        with transaction.atomic():
            record(
                action=Action.RMD_IMPORTED,
                actor_email="manage.py import_rmd",
                object_type="providers.rmdimport",
                label=file.name,
                changes={"report": report.summary()},
            )
        self.stdout.write(self.style.SUCCESS(report.summary()))
        for rejection in report.rejections:
            self.stdout.write(f"  rejected {rejection}")

    def _progress(self, done: int, total: int, report: rmd.ImportReport) -> None:
        width = 30
        filled = int(width * done / total) if total else width
        self.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} rows", ending="")
        self.stderr.flush()
