"""`manage.py verify_response FILE`: is this PDF a valid, unaltered response the ITG issued?

Exit status 0 only when it is (scripts and court e-filing checks can rely on it); 1 otherwise; 2 when the
file cannot be read.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from subpoenas.responses.verification import document_verify, looks_like_pdf


class Command(BaseCommand):
    help = "Verify a PDF's ITG signature and whether it is byte-identical to a document the ITG issued."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}", returncode=2) from error
        if not looks_like_pdf(data[:1024]):
            raise CommandError(f"{file} is not a PDF (no %PDF- header in its first kilobyte).", returncode=2)
        verdict = document_verify(data, source=file.name)
        self._report(verdict)
        if not verdict.is_itg_original:
            raise CommandError("NOT a valid, unaltered ITG response.", returncode=1)

    def _report(self, verdict) -> None:
        r, out = verdict.result, self.stdout
        out.write(f"SHA-256:    {verdict.sha256}")
        out.write(f"Signature:  {'valid' if r.acceptable else 'NOT valid'}")
        if r.signer_common_name:
            out.write(f"Signed by:  {r.signer_common_name} ({r.signer_organization})")
        when = r.timestamp_time or r.signing_time
        if when:
            source = "time-stamp authority" if r.timestamp_time else "signer's clock"
            out.write(f"Signed at:  {when:%Y-%m-%d %H:%M:%S %Z} ({source})")
        if verdict.issued:
            doc = verdict.issued
            out.write(
                f"Issued:     {doc.get_kind_display()}: {doc} signed {doc.signed_at:%Y-%m-%d %H:%M} UTC"
            )
            if doc.bates_range:
                out.write(f"Bates:      {doc.bates_range}")
            if doc.is_development:
                out.write("Warning:    signed with the DEVELOPMENT certificate; not a production document.")
        if verdict.signed_part_of:
            out.write(f"Original:   {verdict.signed_part_of} (SHA-256 {verdict.signed_part_of.sha256})")
        for reason in verdict.reasons:
            out.write(f"Problem:    {reason}")
        if verdict.is_itg_original:
            out.write(self.style.SUCCESS("Valid, unaltered document issued by the ITG."))
