import sys

from django.core.management.base import BaseCommand

from itg.audit.integrity import CHUNK, chain_verify


class Command(BaseCommand):
    help = (
        "Walk the whole audit chain and the latest signed checkpoint. Prints 'OK <count> events' or the "
        "first bad sequence number and what is wrong (edited, missing, inserted, truncated); exits 1 then."
    )

    def add_arguments(self, parser):
        parser.add_argument("--chunk-size", type=int, default=CHUNK, help="rows fetched per round trip")
        parser.add_argument(
            "--workers",
            type=int,
            default=1,
            help="PostgreSQL: processes walking ranges of the chain side by side (one per spare core)",
        )

    def handle(self, *args, **options):
        result = chain_verify(options["chunk_size"], workers=max(1, options["workers"]))
        self.stdout.write(result.summary())
        if not result.report.ok:
            sys.exit(1)
