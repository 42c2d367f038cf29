from celery import shared_task


@shared_task
def scan_pending_files() -> dict[str, int]:
    """Scan the uploads quarantined while the malware scanner was down (safe to run twice)."""
    from itg.scanning.services import filescans_rescan_pending

    return filescans_rescan_pending()
