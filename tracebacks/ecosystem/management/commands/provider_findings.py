"""Write the non-cooperative provider findings of a window as CSV: one row per finding."""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser

from itg.exports import rows_csv
from tracebacks.ecosystem import findings as engine
from tracebacks.ecosystem import selectors


def _day(text: str | date) -> date:
    if isinstance(text, date):
        return text
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{text!r} is not a date: write it as YYYY-MM-DD.") from None


class Command(BaseCommand):
    help = (
        "Write provider findings (criteria a-d) as CSV: provider_id, rmd_number, provider_name, criterion, count, "
        "threshold, window_start, window_end, traceback_ids (space-separated). The window defaults to the one in "
        "the findings settings (the last 12 months); thresholds are the settings'."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--since", type=_day, help="First day of the window (UTC), YYYY-MM-DD.")
        parser.add_argument("--until", type=_day, help="Last day of the window (UTC), inclusive.")
        parser.add_argument(
            "--csv", required=True, metavar="FILE", help="Where to write the CSV ('-' for stdout)."
        )

    def handle(self, *args, since: date | None, until: date | None, csv: str, **options) -> None:
        # call_command(since="2026-01-01") passes the text unparsed.
        since, until = (_day(x) if x else None for x in (since, until))
        row = selectors.finding_settings()
        default = selectors.default_window(row)
        until = until or (default.end if not since or since <= default.end else since)
        since = since or (
            default.start if until == default.end else engine.months_back(until, row.window_months)
        )
        try:
            window = engine.Window(since, until)
        except ValueError as error:
            raise CommandError(str(error)) from None
        found = engine.findings(window, selectors.thresholds_of(row))
        data = rows_csv(selectors.CSV_HEADER, selectors.finding_rows(found))
        if csv == "-":
            self.stdout.write(data.decode(), ending="")
        else:
            with open(csv, "wb") as handle:
                handle.write(data)
            self.stderr.write(f"{len(found)} finding(s) over {window} written to {csv}")
