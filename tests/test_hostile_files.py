"""Issue 15, "Hostile files": the corpus (tests/hostile.py, built once per session) through every upload path.

Each file is refused with a message naming it, or accepted (and flagged when it carries active content), or
quarantined; never a server error. After the whole corpus, what storage holds is exactly what the rows point
to (no orphan file), every stored file has its scan row, and no refused upload left a row behind.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from django.core import mail
from django.test import Client
from rest_framework.test import APIClient

from cases.models import MessageAttachment
from itg.scanning.models import FileScan
from itg.uploads import as_upload, clean_name
from subpoenas.models import DemandDocument, DraftFile, IntakeDraft, LegalDemand
from tests import hostile
from tests.factories import make_case, make_provider, start_traceback, verified_login
from tests.test_demand_intake import form as demand_form
from tracebacks.models import Hop, Traceback

LIMIT = 4 * 1024 * 1024


@pytest.fixture(autouse=True)
def _unthrottled(settings):
    """The corpus sends 60-odd PDFs through the extraction API in one test: past its 10-a-minute rate limit
    (tests/test_throttles.py proves that limit). Here every file must reach the checks themselves."""
    rest = dict(settings.REST_FRAMEWORK)
    rest["DEFAULT_THROTTLE_RATES"] = {**rest["DEFAULT_THROTTLE_RATES"], "extraction": "100000/minute"}
    settings.REST_FRAMEWORK = rest


def corpus() -> list[tuple[str, str, bytes, str]]:
    return [*hostile.corpus(), ("over-size-limit", "big.pdf", hostile.simple_pdf() + b"%" * LIMIT, "refused")]


def stored(settings) -> set[str]:
    root = Path(settings.MEDIA_ROOT)
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def referenced() -> set[str]:
    keys = set(DemandDocument.objects.values_list("storage_key", flat=True))
    keys |= set(DraftFile.objects.values_list("storage_key", flat=True))
    keys |= set(MessageAttachment.objects.values_list("storage_key", flat=True))
    for recording, transcript in Traceback.objects.values_list("recording", "transcript_file"):
        keys |= {k for k in (recording, transcript) if k}
    keys |= {k for k in Hop.objects.values_list("attachment", flat=True) if k}
    return keys


def _body(response) -> str:
    if getattr(response, "flash", ""):
        return response.flash
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


@pytest.fixture
def world(people, settings, clamav, django_capture_on_commit_callbacks):
    settings.UPLOAD_PARSE_SECONDS = 1
    settings.UPLOAD_MAX_BYTES = LIMIT
    page = verified_login(Client(), people.tess)
    api = APIClient()
    verified_login(api, people.tess)
    staff = verified_login(Client(), people.ivy)
    case = make_case("TX", by=people.tess)
    acme = make_provider("Acme Voice")
    return {"page": page, "api": api, "staff": staff, "case": case, "acme": acme,
            "people": people, "capture": django_capture_on_commit_callbacks}  # fmt: skip


def _fresh_hop_link(w) -> str:
    with w["capture"](execute=True):
        start_traceback(w["people"].ivy, w["acme"])
    return (
        re.search(r"https?://\S+/respond/\S+/", mail.outbox[-1].body).group(0).split("127.0.0.1:8000", 1)[-1]
    )


def _provider_api(w):
    from providers.services import provider_token_create

    client = APIClient()
    token = provider_token_create(provider=w["acme"], by=w["people"].ivy)
    client.credentials(HTTP_AUTHORIZATION=f"Provider {token}")
    return client


# Each path: (how to post one file, the field its errors are reported on, how a success shows).
def post_intake_page(w, name, data):
    return w["page"].post("/demands/new/", {"document": as_upload(data, name)})


def post_intake_api(w, name, data):
    payload = demand_form(new_case_title=f"Hostile {name[:40]}", caption=f"In re {len(w)}")
    payload["attachments"] = [as_upload(data, name)]
    return w["api"].post("/api/demands/", payload | {"confirm_duplicate": "true"}, format="multipart")


def post_extract_api(w, name, data):
    return w["api"].post("/api/demands/extract/", {"document": as_upload(data, name)}, format="multipart")


def post_case_message(w, name, data):
    return w["page"].post(
        f"/cases/{w['case'].pk}/messages/",
        {"body": "Evidence.", "attachments": as_upload(data, name)},
        follow=True,
    )


def post_traceback_transcript(w, name, data):
    from tests.factories import make_campaign

    fields = {
        "campaign": make_campaign().pk, "call_at": "2026-03-02T10:15", "call_tz": "America/Chicago",
        "calling_number": "2025550143", "called_number": "3125550199", "source": "complaint",
        "terminating_provider": w["acme"].rmd_number,
    }  # fmt: skip
    return w["staff"].post("/tracebacks/new/", {**fields, "transcript_file": as_upload(data, name)})


def post_hop_link(w, name, data):
    return Client().post(_fresh_hop_link(w), {"answer": "no_record", "attachment": as_upload(data, name)})


def post_provider_api(w, name, data):
    with w["capture"](execute=True):
        traceback = start_traceback(w["people"].ivy, w["acme"])
    hop = traceback.hops.get()
    if "provider_api" not in w:
        w["provider_api"] = _provider_api(w)  # one token (a new one revokes the last)
    client = w["provider_api"]
    return client.post(f"/api/provider/hops/{hop.pk}/answer/", {"answer": "no_record",
                       "attachment": as_upload(data, name)}, format="multipart")  # fmt: skip


PATHS = {
    "demand-intake-page": post_intake_page,
    "demand-intake-api": post_intake_api,
    "demand-extract-api": post_extract_api,
    "case-message": post_case_message,
    "traceback-transcript": post_traceback_transcript,
    "hop-link-evidence": post_hop_link,
    "provider-api-evidence": post_provider_api,
}


@pytest.mark.parametrize("path", sorted(PATHS))
def test_every_hostile_file_is_refused_flagged_or_quarantined_on_every_path(world, settings, path):
    before = stored(settings)
    problems: list[str] = []
    outcomes: dict[str, int] = {}
    timings: list[tuple[float, str]] = []
    for ident, name, data, expected in corpus():
        started = time.monotonic()
        scans_before = FileScan.objects.count()
        response = PATHS[path](world, name, data)
        body = _body(response)
        timings.append((round(time.monotonic() - started, 2), ident))
        if response.status_code >= 500:
            problems.append(f"{ident}: server error {response.status_code}")
            continue
        shown = clean_name(name) or "The file"
        refused = response.status_code == 400 or (
            path == "case-message" and "Not sent:" in body
        )  # the thread page shows the refusal after a redirect
        new_scans = list(FileScan.objects.order_by("pk")[scans_before:])
        if refused:
            outcomes["refused"] = outcomes.get("refused", 0) + 1
            if shown[:60] not in body and "The file" not in body and not (not data and "empty" in body):
                problems.append(f"{ident}: refused without naming the file ({body[:200]!r})")
            if expected == "infected" and "malware scanner found" not in body and "accepted here" not in body:
                problems.append(f"{ident}: refused, but not for the malware ({body[:200]!r})")
            if new_scans:
                problems.append(f"{ident}: refused but left scan rows {new_scans}")
            continue
        if response.status_code not in (200, 201, 302):
            problems.append(f"{ident}: unexpected {response.status_code} {body[:200]!r}")
            continue
        if expected in ("refused", "infected") and path != "demand-extract-api":
            problems.append(f"{ident}: expected {expected}, got {response.status_code} {body[:200]!r}")
        if expected == "flagged" and path != "demand-extract-api" and not any(s.flags for s in new_scans):
            problems.append(f"{ident}: accepted without its flag ({[s.flags for s in new_scans]})")
        if expected == "infected" and path == "demand-extract-api" and response.status_code != 400:
            problems.append(f"{ident}: malware read by extraction")
        outcomes["accepted"] = outcomes.get("accepted", 0) + 1
    print(path, outcomes, "slowest:", sorted(timings)[-3:])
    assert problems == [], "\n".join(problems)
    after = stored(settings)
    assert after - before == referenced() - before, "orphan or missing files"
    assert set(FileScan.objects.values_list("storage_key", flat=True)) == after, (
        "a stored file lacks its scan row"
    )
    assert outcomes.get("refused", 0) >= 25  # most of the corpus is refused on any path
    assert IntakeDraft.objects.filter(files__isnull=True).count() == 0  # no draft without its files
    assert not LegalDemand.objects.filter(documents__isnull=True).exists()  # no demand without its documents
