from django.core.management.base import BaseCommand

from itg.scanning.models import FileScan
from itg.scanning.services import filescans_rescan_pending


class Command(BaseCommand):
    help = "Scan the uploads quarantined while ClamAV was unreachable; print what was found."

    def handle(self, *args, **options) -> None:
        counts = filescans_rescan_pending(limit=100_000)
        pending = FileScan.objects.filter(status=FileScan.Status.PENDING).count()
        self.stdout.write(
            f"clean: {counts['clean']}, infected (kept quarantined): {counts['infected']}, still pending: {pending}"
        )
