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

    def handle(self, *args, **options):
        result = chain_verify(options["chunk_size"])
        self.stdout.write(result.summary())
        if not result.report.ok:
            sys.exit(1)
