"""manage.py import_calls SOURCE FILE: read a call data file into the store, with a progress bar.

Exit status 0 when the file was read to the end (whatever rows it rejected), 1 when it was refused.
`--resume JOB` continues a job whose run was interrupted, from its last committed chunk."""

from __future__ import annotations

import sys
import time

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from providers.models import Provider
from tracebacks.calls.models import ImportJob
from tracebacks.calls.pipeline import job_run
from tracebacks.calls.services import import_job_create
from tracebacks.calls.sources import CDR_FIELDS, DECLARATIONS


class Command(BaseCommand):
    help = "Import call data: " + ", ".join(DECLARATIONS)

    def add_arguments(self, parser) -> None:
        parser.add_argument("source", nargs="?", choices=sorted(DECLARATIONS))
        parser.add_argument("file", nargs="?")
        parser.add_argument("--resume", type=int, metavar="JOB", help="Resume an interrupted job.")
        parser.add_argument("--provider", type=int, help="CDR: the provider's id.")
        parser.add_argument("--map", action="append", default=[], metavar="FIELD=COLUMN",
                            help=f"CDR: column for a field ({', '.join(CDR_FIELDS)}); else the saved mapping.")  # fmt: skip
        parser.add_argument("--time-zone", default="", help="Zone of times written without an offset.")

    def handle(self, *args, source=None, file=None, resume=None, provider=None, map=(), time_zone="", **opts):
        if resume:
            job = ImportJob.objects.filter(pk=resume).first()
            if job is None:
                raise CommandError(f"No import job {resume}.")
        else:
            if not (source and file):
                raise CommandError("Give SOURCE and FILE (or --resume JOB).")
            job = self._create(source, file, provider, list(map), time_zone)
        self.started = time.monotonic()
        job = job_run(job, on_progress=self._progress)
        self.stderr.write("")
        if job.status == ImportJob.Status.REFUSED:
            self.stderr.write(f"Refused: {job.error}")
            sys.exit(1)
        rate = job.rows_read / max(time.monotonic() - self.started, 1e-6)
        self.stdout.write(
            f"Job {job.pk}: read {job.rows_read} rows ({rate:,.0f}/s): created {job.created}, "
            f"duplicates {job.duplicates}, rejected {job.rejected}."
        )
        for reject in job.rejects.all()[:20]:
            self.stdout.write(f"  line {reject.line}: {reject.reason}")
        if job.rejected > 20:
            self.stdout.write(f"  ... {job.rejected - 20} more (download them from the job's page).")

    def _create(self, source, file, provider_id, pairs, time_zone) -> ImportJob:
        provider = Provider.objects.filter(pk=provider_id).first() if provider_id else None
        mapping = dict(pair.split("=", 1) for pair in pairs if "=" in pair)
        if source == "cdr" and provider and not mapping and hasattr(provider, "cdr_mapping"):
            mapping, time_zone = provider.cdr_mapping.mapping, time_zone or provider.cdr_mapping.time_zone
        try:
            return import_job_create(by=None, source=source, path=file, provider=provider, mapping=mapping,
                                     time_zone=time_zone, enqueue=False)  # fmt: skip
        except ValidationError as error:
            messages = "; ".join(m for ms in error.message_dict.values() for m in ms)
            self.stderr.write(f"Refused: {messages}")
            sys.exit(1)

    def _progress(self, job: ImportJob) -> None:
        elapsed = max(time.monotonic() - self.started, 1e-6)
        share = min(job.bytes_done / job.size, 1.0) if job.size else 0
        bar = "#" * int(share * 30)
        left = elapsed / share - elapsed if share else 0
        self.stderr.write(
            f"\r[{bar:<30}] {share:4.0%} {job.rows_read:,} rows, {job.created:,} new, "
            f"{job.duplicates:,} dup, {job.rejected:,} rejected, {job.rows_read / elapsed:,.0f}/s, "
            f"{left:,.0f}s left",
            ending="",
        )
