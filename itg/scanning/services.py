"""Malware scanning of uploads with ClamAV's daemon, and the quarantine of files it could not yet scan.

With `CLAMAV_SOCKET` set, every upload is scanned (INSTREAM) before it is stored: malware is refused and
nothing is kept. When the daemon cannot be reached, the upload is not refused (a served legal demand must
not be lost because a scanner restarts): it is stored, marked pending, and never served until a scan says
it is clean; `filescans_rescan_pending` (a beat task every few minutes, and `manage.py scan_pending_files`)
scans the pending files once the daemon is back. Without `CLAMAV_SOCKET` (the embedded default) files are
marked "unscanned" and served: a production deployment sets it (see README).
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from itg.scanning.clamav import ScannerUnavailable, Verdict, scan_stream
from itg.scanning.models import FileScan

log = logging.getLogger(__name__)
S = FileScan.Status


@dataclass(frozen=True)
class ScanOutcome:
    status: str  # FileScan.Status
    signature: str = ""
    error: str = ""


def scan_content(handle) -> ScanOutcome:
    """Scan an upload before it is stored; a scanner that is down gives PENDING (quarantine), never a refusal."""
    address = settings.CLAMAV_SOCKET
    if not address:
        return ScanOutcome(S.UNSCANNED)
    handle.seek(0)
    try:
        verdict: Verdict = scan_stream(address, handle, timeout=settings.CLAMAV_TIMEOUT_SECONDS)
    except ScannerUnavailable as error:
        log.warning("Malware scanner unavailable; the upload is quarantined: %s", error)
        return ScanOutcome(S.PENDING, error=str(error)[:300])
    finally:
        handle.seek(0)
    return ScanOutcome(S.INFECTED, verdict.signature) if verdict.infected else ScanOutcome(S.CLEAN)


def filescan_record(*, key: str, sha256: str, size: int, outcome: ScanOutcome, flags: list[str]) -> FileScan:
    """The scan row of a stored object, written in the caller's transaction (rolled back with its rows)."""
    return FileScan.objects.create(
        storage_key=key, sha256=sha256, size=size, status=outcome.status, signature=outcome.signature,
        flags=list(flags), last_error=outcome.error,
        scanned_at=timezone.now() if outcome.status in (S.CLEAN, S.INFECTED) else None,
    )  # fmt: skip


def filescan_for(key: str) -> FileScan | None:
    """The scan row of a stored object; None for files stored before scanning existed."""
    return FileScan.objects.filter(storage_key=key).first()


def filescans_rescan_pending(*, limit: int = 500) -> dict[str, int]:
    """Scan quarantined files now that the daemon may be back; stops at the first unavailability."""
    from itg.uploads import open_stored

    counts = {"clean": 0, "infected": 0, "still_pending": 0}
    if not settings.CLAMAV_SOCKET:
        return counts
    for scan in FileScan.objects.filter(status=S.PENDING).order_by("pk")[:limit]:
        try:
            with open_stored(scan.storage_key) as handle:
                verdict = scan_stream(settings.CLAMAV_SOCKET, handle, timeout=settings.CLAMAV_TIMEOUT_SECONDS)
        except ScannerUnavailable as error:
            FileScan.objects.filter(pk=scan.pk).update(
                attempts=scan.attempts + 1, last_error=str(error)[:300]
            )
            counts["still_pending"] += FileScan.objects.filter(status=S.PENDING).count()
            return counts
        status = S.INFECTED if verdict.infected else S.CLEAN
        FileScan.objects.filter(pk=scan.pk, status=S.PENDING).update(
            status=status, signature=verdict.signature, scanned_at=timezone.now(), attempts=scan.attempts + 1,
            last_error="",
        )  # fmt: skip
        if verdict.infected:
            log.error("Quarantined upload %s holds malware (%s): it stays quarantined", scan.storage_key,
                      verdict.signature)  # fmt: skip
        counts[status] += 1
    return counts


# Files the portal writes itself (signed responses, receipts, alerts, reports; audit checkpoints) are not
# uploads: nobody outside could have put malware in them.
GENERATED_PREFIXES = ("issued/", "audit/")


def filescans_backfill(*, dry_run: bool = False) -> dict[str, int]:
    """A scan row for every stored upload that has none (stored before scanning existed).

    With a scanner configured the row is PENDING, so the file is quarantined until `scan_pending_files`
    finds it clean (the rule for every upload: nothing downloadable before a clean scan); without one it
    is UNSCANNED, as new uploads are then. The active-content flags are read as at upload, in the bounded
    child process, so a flagged PDF is no longer served inline. Safe to run again: a key with a row is
    skipped; a row whose object is gone is counted, not invented.
    """
    from itg import reconcile
    from itg.filescan import ParseLimit, analyse_bounded
    from itg.uploads import open_stored

    known = set(FileScan.objects.values_list("storage_key", flat=True))
    status = S.PENDING if settings.CLAMAV_SOCKET else S.UNSCANNED
    counts = {"created": 0, "already": 0, "generated": 0, "missing": 0, "flagged": 0}
    for key in sorted(reconcile.referenced_keys()):
        if key in known:
            counts["already"] += 1
            continue
        if key.startswith(GENERATED_PREFIXES):
            counts["generated"] += 1
            continue
        try:
            with open_stored(key) as handle:
                data = handle.read()
        except (FileNotFoundError, OSError):
            counts["missing"] += 1
            continue
        kind = {".pdf": "pdf", ".docx": "ooxml", ".xlsx": "ooxml"}.get(key[key.rfind(".") :].lower(), "other")
        try:
            flags = analyse_bounded(data, kind, seconds=settings.UPLOAD_PARSE_SECONDS,
                                    memory_mb=settings.UPLOAD_PARSE_MEMORY_MB).flags  # fmt: skip
        except ParseLimit:
            flags = ["parse_limit"]  # too costly to read: flagged, so never served inline
        counts["flagged"] += bool(flags)
        counts["created"] += 1
        if not dry_run:
            FileScan.objects.get_or_create(
                storage_key=key,
                defaults={"sha256": hashlib.sha256(data).hexdigest(), "size": len(data), "status": status,
                          "flags": flags, "last_error": "stored before scanning existed"},
            )  # fmt: skip
    return counts
