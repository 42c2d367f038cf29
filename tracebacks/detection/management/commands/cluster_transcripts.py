"""`manage.py cluster_transcripts FILE.csv --out labels.csv`: the campaign grouping on any CSV, no database.

Input columns: `id`, `transcript`; optional `calling_number`, `called_number`, `call_at`, `recording` (a
path to an audio file, relative to the CSV's folder when not absolute). Output: `id,cluster` (cluster empty
for a row that was skipped; each skip's reason is printed).
"""

from __future__ import annotations

import pathlib
import time

from django.core.management.base import BaseCommand, CommandError

from itg.exports import rows_csv
from tracebacks.detection import engine
from tracebacks.detection.csvinput import CallsFileError, read_calls


class Command(BaseCommand):
    help = "Group the calls of a CSV into campaigns (same recording or script) and write id,cluster."

    def add_arguments(self, parser):
        parser.add_argument(
            "file", help="CSV with columns id,transcript[,calling_number,called_number,call_at,recording]"
        )
        parser.add_argument("--out", required=True, help="where to write id,cluster")
        parser.add_argument("--no-audio", action="store_true", help="ignore the recording column")

    def handle(self, *args, file: str, out: str, no_audio: bool, verbosity: int = 1, **kw):
        started = time.monotonic()
        try:
            calls, rejected = read_calls(pathlib.Path(file))
        except CallsFileError as exc:
            raise CommandError(str(exc)) from exc
        if not no_audio and any(c.recording for c in calls) and not engine.fpcalc_available():
            self.stderr.write(
                "fpcalc is not installed (Debian: libchromaprint-tools): recordings are ignored."
            )
        result = engine.cluster_calls(calls, use_audio=not no_audio)
        rows = [
            (c.id, "" if result.members[c.id].cluster is None else result.members[c.id].cluster)
            for c in calls
        ]
        rows += [(row_id, "") for row_id, _ in rejected]
        pathlib.Path(out).write_bytes(rows_csv(["id", "cluster"], rows))
        skipped = [(c.id, result.members[c.id].skipped) for c in calls if result.members[c.id].skipped]
        for row_id, reason in rejected + skipped:
            self.stderr.write(f"skipped {row_id}: {reason}")
        for row_id, reason in result.audio_skipped.items():
            self.stderr.write(f"recording of {row_id} not used: {reason}")
        clusters = result.clusters()
        multi = sum(1 for m in clusters.values() if len(m) > 1)
        self.stdout.write(
            f"{len(calls) + len(rejected)} rows: {len(clusters)} clusters ({multi} with more than one call), "
            f"{len(skipped) + len(rejected)} skipped, {len(result.audio_skipped)} recordings not used; "
            f"{time.monotonic() - started:.1f} s. Written to {out}."
        )
