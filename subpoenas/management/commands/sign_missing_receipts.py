"""Sign the receipts that were never signed (demands received before the intake task signed them)."""

from django.core.management.base import BaseCommand

from subpoenas.receipts import receipts_sign_missing


class Command(BaseCommand):
    help = (
        "Sign the receipt of every demand that has none (received before the intake task signed receipts, "
        "or whose task gave up); safe to run again."
    )

    def handle(self, *args, **options):
        signed = receipts_sign_missing()
        self.stdout.write(self.style.SUCCESS(f"{signed} receipt(s) signed."))
