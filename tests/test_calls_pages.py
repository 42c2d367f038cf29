"""The call store's pages and API: ITG staff only (each role and another state tried), upload and
progress, the rejects CSV (formulas neutralised), search by number, a call's observations, and a traceback
started from a call."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from itg.audit.models import AuditEvent
from providers.services import provider_token_create
from tests.calls_helpers import FTC_CREATED, FTC_REJECTS, ftc_bytes
from tests.factories import make_campaign, make_provider, verified_login
from tracebacks.calls.models import CallRecord, ImportJob
from tracebacks.models import Traceback

pytestmark = pytest.mark.django_db
NOT_ITG = ["tess", "sam", "carl", "nora", "aldo"]  # two states' AG staff and supervisors, an auditor


def _upload(client, data: bytes = None, name: str = "ftc.csv", source: str = "ftc-dnc"):
    file = SimpleUploadedFile(name, ftc_bytes() if data is None else data, content_type="text/csv")
    return client.post("/calls/imports/", {"source": source, "file": file, "save_mapping": "on"})


@pytest.fixture
def imported(client, people, django_capture_on_commit_callbacks):
    verified_login(client, people.ivy)
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client)
    client.logout()
    return ImportJob.objects.get(), response


def _urls(job):
    call = CallRecord.objects.filter(job=job).first()
    return [
        "/calls/", f"/calls/{call.pk}/", "/calls/sources/", "/calls/imports/", f"/calls/imports/{job.pk}/",
        f"/calls/imports/{job.pk}/?format=json", f"/calls/imports/{job.pk}/rejects.csv", "/api/calls/",
        f"/api/calls/{call.pk}/", "/api/calls/imports/", f"/api/calls/imports/{job.pk}/",
    ]  # fmt: skip


@pytest.mark.parametrize("who", NOT_ITG)
def test_ag_users_of_any_state_and_auditors_are_refused_everywhere(client, people, imported, who):
    job, _ = imported
    verified_login(client, getattr(people, who))
    for url in _urls(job):
        assert client.get(url).status_code == 403, (who, url)
    assert _upload(client).status_code == 403
    assert ImportJob.objects.count() == 1
    assert not AuditEvent.objects.filter(action="calls.rejects_downloaded").exists()


def test_providers_and_visitors_are_refused(client, people, imported):
    job, _ = imported
    token = provider_token_create(by=people.ivy, provider=make_provider("Last Mile Telecom"))
    for url in _urls(job):
        if url.startswith("/api/"):
            assert client.get(url, HTTP_AUTHORIZATION=f"Provider {token}").status_code in (401, 403), url
            assert client.get(url).status_code in (401, 403), url
        else:
            assert client.get(url)["Location"].startswith("/accounts/login/"), url


def test_itg_staff_upload_watch_progress_and_download_rejects(client, people, imported):
    job, response = imported
    assert response["Location"] == f"/calls/imports/{job.pk}/"
    verified_login(client, people.ivy)
    progress = client.get(f"/calls/imports/{job.pk}/?format=json").json()
    assert progress | {"rate": 0, "seconds_left": 0} == progress | {
        "status": "done", "finished": True, "percent": 100, "created": FTC_CREATED, "rejected": len(FTC_REJECTS),
        "rate": 0, "seconds_left": 0}  # fmt: skip
    page = client.get(f"/calls/imports/{job.pk}/").content.decode()
    assert "Download the 6 rejected rows (CSV)" in page and "is not a US state or territory code" in page
    download = client.get(f"/calls/imports/{job.pk}/rejects.csv")
    body = b"".join(download.streaming_content).decode()
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0] == ["line", "reason", "raw row"]
    assert {int(r[0]): r[1] for r in rows[1:]} == {
        line: ("'" + reason if reason.startswith("=") else reason) for line, reason in FTC_REJECTS.items()}  # fmt: skip
    formula_row = next(r for r in rows[1:] if r[0] == "10")
    # The raw row keeps its CSV quoting, so the cell starts with a quote character: text, not a formula;
    # no cell of the file may start with what a spreadsheet evaluates.
    assert formula_row[2].startswith('"=HYPERLINK(')
    assert not any(cell.startswith(("=", "+", "-", "@")) for r in rows for cell in r)
    assert AuditEvent.objects.filter(action="calls.rejects_downloaded", actor=people.ivy).count() == 1


def test_a_running_job_never_shows_100_percent(client, people, settings, monkeypatch, tmp_path):
    """The reader reads the whole of a small file ahead of its first chunk: the bytes read say 100% while
    chunks remain to be written. Only a finished job shows 100%."""
    from tests.calls_helpers import import_file
    from tracebacks.calls import pipeline, services

    settings.CALL_IMPORT_CHUNK_ROWS = 3
    seen, pages = [], []

    def after_chunk(job, index):
        seen.append(services.job_progress(job))
        pages.append(client.get(f"/calls/imports/{job.pk}/").content.decode())

    verified_login(client, people.ivy)
    monkeypatch.setattr(pipeline, "AFTER_CHUNK", after_chunk)
    job = import_file(tmp_path, "ftc-dnc", ftc_bytes())
    # Mid-run the page shows the counts so far and says the rejected rows come at the end.
    assert '<strong id="p-status">Running</strong> · <span id="p-percent">99</span>%' in pages[0]
    assert (
        "Listed here, with a download, when the import ends." in pages[0] and "Download the" not in pages[0]
    )
    assert job.bytes_done == job.size
    assert [(p["status"], p["rows_read"], p["percent"], p["finished"]) for p in seen] == [
        ("running", 3, 99, False), ("running", 6, 99, False), ("running", 9, 99, False),
        ("running", 12, 99, False)]  # fmt: skip
    done = services.job_progress(job)
    assert (done["status_label"], done["percent"], done["seconds_left"]) == ("Finished", 100, 0)


def test_a_file_of_the_wrong_format_is_refused_on_the_page(client, people):
    verified_login(client, people.ivy)
    response = _upload(client, b"%PDF-1.7\n1 0 obj\n", name="ftc.csv")
    assert response.status_code == 400
    assert "Expected a CSV or JSON Lines text file; found a PDF document." in response.content.decode()
    response = _upload(client, b"", name="empty.csv")
    assert response.status_code == 400 and not ImportJob.objects.exists()


def test_find_a_call_by_number_in_any_format_and_start_a_traceback(client, people, imported):
    verified_login(client, people.ivy)
    body = client.get("/calls/", {"number": "(202) 555-0143"}).content.decode()
    assert "2 observations" in body and "+12025550143" in body and "+14155550199" not in body
    call = CallRecord.objects.get(consumer_city="Austin")
    assert "<td>area code 512</td>" in body and "<td>area code 214</td>" in body  # no called number: an area
    page = client.get(f"/calls/{call.pk}/").content.decode()
    assert "Observations of this call (1)" in page
    assert "2026-03-05 05:03:04 UTC (2026-03-05 00:03:04 EST in America/New_York, the source's zone)" in page
    campaign, provider = make_campaign(), make_provider("Last Mile Telecom")
    response = client.post(f"/calls/{call.pk}/", {
        "campaign": campaign.pk, "called_number": "", "terminating_provider": provider.rmd_number})  # fmt: skip
    assert response.status_code == 400 and "This field is required." in response.content.decode()
    assert not Traceback.objects.exists()
    response = client.post(f"/calls/{call.pk}/", {
        "campaign": campaign.pk, "called_number": "512-555-0199", "terminating_provider": provider.rmd_number})  # fmt: skip
    traceback = Traceback.objects.get()
    assert response["Location"] == traceback.get_absolute_url()
    assert (traceback.calling_number, traceback.called_number, traceback.call_at) == (
        "+12025550143", "+15125550199", call.call_at)  # fmt: skip
    assert traceback.source == "complaint"
    assert traceback.source_detail == f"FTC Do Not Call, call record {call.pk} of the ITG call data"
    assert traceback.hops.get().provider == provider


def test_the_api_searches_calls_and_is_in_the_schema(client, people, imported):
    verified_login(client, people.ivy)
    data = client.get("/api/calls/", {"number": "+1 202 555 0143"}).json()
    assert data["count"] == 2 and {r["consumer_city"] for r in data["results"]} == {"Austin", "Dallas"}
    one = client.get(f"/api/calls/{data['results'][0]['id']}/").json()
    assert [o["id"] for o in one["observations"]] == [one["id"]]
    paths = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()["paths"]
    assert {"/api/calls/", "/api/calls/{id}/", "/api/calls/imports/", "/api/calls/imports/{id}/"} <= set(
        paths
    )


def test_sources_page_counts_rows_and_reject_rate(client, people, imported):
    verified_login(client, people.ivy)
    body = client.get("/calls/sources/").content.decode()
    assert "FTC Do Not Call" in body and "50% (6 of 12)" in body


def test_the_same_file_uploaded_again_names_the_first_import(
    client, people, imported, django_capture_on_commit_callbacks
):
    first, _ = imported
    verified_login(client, people.ivy)
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, name="ftc-again.csv")
    again = ImportJob.objects.exclude(pk=first.pk).get()
    assert response["Location"] == f"/calls/imports/{again.pk}/"
    page = client.get(f"/calls/imports/{again.pk}/").content.decode()
    assert f'imported in full by <a href="/calls/imports/{first.pk}/">import {first.pk}</a>' in page
    assert "nothing was added" in page and "Download the 6 rejected rows (CSV)" in page
    assert CallRecord.objects.count() == FTC_CREATED


def test_rows_dated_out_of_range_are_rejects_on_the_page_and_the_api(
    client, people, django_capture_on_commit_callbacks
):
    """A year-9999 row crashed the import started from the page (a 500, the job left running): now the
    job ends, the row is a reject saying what to fix, and the rest is imported, by the page and the API."""
    from tests.calls_helpers import out_of_range, rejects_csv

    rows = [
        ["2025550143", "", "2026-03-05 10:00:00", "Austin", "TX", "512", "Other", "Y"],
        ["2025550144", "", "9999-12-31 23:59:59", "Austin", "TX", "512", "Other", "Y"],
        ["2025550145", "9999-12-31 23:59:59", "2026-03-05 10:00:00", "Austin", "TX", "512", "Other", "Y"],
    ]  # fmt: skip
    expected = {3: out_of_range("Violation_Date", "9999-12-31 23:59:59"),
                4: out_of_range("Created_Date", "9999-12-31 23:59:59")}  # fmt: skip
    verified_login(client, people.ivy)
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, ftc_bytes(rows), name="far.csv")
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/calls/imports/{job.pk}/"
    page = client.get(f"/calls/imports/{job.pk}/").content.decode()
    assert (
        "Download the 2 rejected rows (CSV)" in page and "is out of range: a call date must be from" in page
    )
    assert (job.status, job.created, job.rejected) == ("done", 1, 2)
    assert rejects_csv(client, people.ivy, job) == expected
    file = SimpleUploadedFile("far-api.csv", ftc_bytes(rows[::-1]), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/calls/imports/", {"source": "ftc-dnc", "file": file})
    assert response.status_code == 201
    by_api = ImportJob.objects.get(pk=response.json()["id"])
    assert (by_api.status, by_api.created, by_api.duplicates, by_api.rejected) == ("done", 0, 1, 2)
    assert rejects_csv(client, people.ivy, by_api) == {
        6 - line: reason for line, reason in expected.items()
    }  # reversed
    assert list(CallRecord.objects.values_list("calling_number", flat=True)) == ["+12025550143"]


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1899-12-31", "2200-01-01"])
def test_a_search_date_out_of_range_is_refused_saying_the_range(client, people, imported, day):
    """date_to 9999-12-31 overflowed the next day's start (a 500); dates outside itg.params' bounds are
    refused like every date filter of the portal, on the page and in the API."""
    verified_login(client, people.ivy)
    for name in ("date_from", "date_to"):
        page = client.get("/calls/", {name: day})
        assert page.status_code == 200
        assert "Enter a date between 1900-01-01 and 2199-12-31." in page.content.decode()
        response = client.get("/api/calls/", {name: day})
        assert response.status_code == 400
        assert response.json() == {name: ["Enter a date between 1900-01-01 and 2199-12-31."]}
    assert client.get("/api/calls/", {"date_to": "2199-12-31"}).json()["count"] == FTC_CREATED
    response = client.get("/api/calls/", {"date_from": "2026-13-01"})
    assert (response.status_code, response.json()) == (400, {"date_from": ["Enter a date as YYYY-MM-DD."]})


@pytest.mark.parametrize("zone", ["Mars/Olympus", "../../etc/passwd", "America/Chicago x"])
def test_an_import_zone_that_names_no_time_zone_is_refused_at_once(client, people, zone):
    """A CDR file's zone (for times written without an offset) that is not one crashed the import on its
    first row; it is refused before anything is stored, on the page and in the API, for honeypot files too."""
    from tracebacks.calls.models import CdrMapping

    provider = make_provider("Last Mile Telecom")
    cdr = b"CallID,Start,ANI,DNIS\r\nc1,2026-03-05 08:03:00,2025550143,3125550199\r\n"
    verified_login(client, people.ivy)
    response = client.post("/calls/imports/", {
        "source": "cdr", "provider": provider.pk, "time_zone": zone, "save_mapping": "on", "map_record_id": "CallID",
        "map_call_time": "Start", "map_calling_number": "ANI", "map_called_number": "DNIS",
        "file": SimpleUploadedFile("cdr.csv", cdr, content_type="text/csv"),
    })  # fmt: skip
    assert response.status_code == 400
    assert f"{zone!r} is not a time zone; use e.g. America/Chicago or UTC." in response.content.decode().replace(
        "&#x27;", "'")  # fmt: skip
    honeypot = b"call_time,calling_number,called_number\r\n2026-03-05 08:03:00,2025550143,3125550199\r\n"
    response = client.post("/api/calls/imports/", {
        "source": "transcripts", "time_zone": zone,
        "file": SimpleUploadedFile("hp.csv", honeypot, content_type="text/csv"),
    })  # fmt: skip
    assert (response.status_code, response.json()) == (
        400, {"time_zone": [f"{zone!r} is not a time zone; use e.g. America/Chicago or UTC."]})  # fmt: skip
    assert (
        not ImportJob.objects.exists() and not CdrMapping.objects.exists() and not CallRecord.objects.exists()
    )
