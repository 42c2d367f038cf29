"""In a real browser: ITG staff upload an FTC Do Not Call file, watch the job's progress reach the end (the
worker runs beside the live server, held after its first chunk so the page is seen mid-run), download the
rejected rows, find a call by its number written another way and start a traceback from it."""

from __future__ import annotations

import csv
import re
import threading
from datetime import datetime, timedelta

import pytest
from django.db import connection
from playwright.sync_api import Page, expect

from tests.browser import log_in
from tests.calls_helpers import FTC_CREATED, FTC_DIRTY_ROWS, FTC_DUPLICATES, FTC_REJECTS, ftc_bytes
from tests.factories import make_campaign, make_provider
from tracebacks.calls import pipeline, tasks
from tracebacks.calls.models import CallRecord, ImportJob
from tracebacks.models import Traceback

pytestmark = pytest.mark.browser
FILLER = 30_000  # clean complaints after the dirty rows: a file of a few MB, read in 4 chunks
CHUNK_ROWS = 10_000
FILE_NAME = "DNC_Complaint_Numbers_2026-03-05.csv"


def _ftc_day() -> bytes:
    """The helpers' dirty rows (lines 2 to 13) and then a day's worth of clean complaints."""
    places = [("312", "Chicago", "IL"), ("713", "Houston", "TX"), ("305", "Miami", "FL")]
    filler = []
    for i in range(FILLER):
        area, city, state = places[i % 3]
        at = datetime(2026, 3, 5, 6) + timedelta(seconds=i)
        filler.append([f"{area}555{i // 3:04d}", f"{at:%Y-%m-%d} 23:00:00", f"{at:%Y-%m-%d %H:%M:%S}", city,
                       state, area, "Dropped call or no message", "Y"])  # fmt: skip
    return ftc_bytes(FTC_DIRTY_ROWS + filler)


@pytest.fixture
def worker(monkeypatch, settings):
    """The import task runs in a thread of its own, as a Celery worker would, and waits after its first
    chunk until the test has seen the job page part-way."""
    settings.CALL_IMPORT_CHUNK_ROWS = CHUNK_ROWS
    first_chunk, go_on, threads = threading.Event(), threading.Event(), []

    def after_chunk(job, index):
        if index == 0:
            first_chunk.set()
            go_on.wait(timeout=60)

    def run(job_id):
        try:
            tasks.import_calls.run(job_id)
        finally:
            connection.close()

    def delay(job_id):
        threads.append(threading.Thread(target=run, args=(job_id,), daemon=True))
        threads[-1].start()

    monkeypatch.setattr(pipeline, "AFTER_CHUNK", after_chunk)
    monkeypatch.setattr(tasks.import_calls, "delay", delay)
    yield first_chunk, go_on
    go_on.set()
    for thread in threads:
        thread.join(timeout=60)


def _shot(page: Page, tmp_path, name: str) -> None:
    page.screenshot(path=tmp_path / f"{name}.png", full_page=True)


def test_itg_staff_import_an_ftc_file_and_start_a_traceback_from_one_of_its_calls(
    page: Page, site, people, worker, tmp_path
):
    first_chunk, go_on = worker
    make_campaign("Debt-Reduction-P1", kind="other")
    terminating = make_provider("Lone Star Wireless")
    (tmp_path / FILE_NAME).write_bytes(_ftc_day())

    log_in(page, site, people.ivy)
    page.goto(f"{site}/calls/imports/")
    expect(page.get_by_role("heading", name="Import call data")).to_be_visible()
    page.get_by_label("Source").select_option(label="FTC Do Not Call reported calls")
    page.get_by_role("form", name="Import a call data file").get_by_label("File").set_input_files(
        tmp_path / FILE_NAME
    )
    _shot(page, tmp_path, "1-import-form")
    page.get_by_role("button", name="Import").click()

    # The job page, while the worker holds after its first chunk: the page's poll shows it part-way.
    expect(page.get_by_role("heading", name=re.compile(rf"^Import \d+: {FILE_NAME}$"))).to_be_visible()
    job = ImportJob.objects.get()
    expect(page).to_have_url(f"{site}/calls/imports/{job.pk}/")
    assert first_chunk.wait(timeout=30)
    status = page.get_by_role("status")
    expect(page.locator("#p-status")).to_have_text("Running")
    expect(page.locator("#p-read")).to_have_text(str(CHUNK_ROWS))
    expect(page.locator("#p-created")).to_have_text(str(CHUNK_ROWS - FTC_DUPLICATES - len(FTC_REJECTS)))
    expect(page.locator("#p-rejected")).to_have_text(str(len(FTC_REJECTS)))
    _shot(page, tmp_path, "2-job-running")
    percent = int(page.locator("#p-percent").inner_text())
    assert 0 < percent < 100
    expect(page.get_by_text("Listed here, with a download, when the import ends.")).to_be_visible()
    assert page.get_by_role("link", name="Download", exact=False).count() == 0

    # Let the worker finish: the page polls, sees the end and reloads with the final counts.
    go_on.set()
    expect(page.locator("#p-status")).to_have_text("Finished", timeout=30_000)
    expect(status).to_contain_text(
        f"Finished · 100% · read {len(FTC_DIRTY_ROWS) + FILLER} rows · created {FTC_CREATED + FILLER} · "
        f"duplicates {FTC_DUPLICATES} · rejected {len(FTC_REJECTS)}"
    )
    expect(page.get_by_role("progressbar", name="Progress")).to_have_attribute("value", "100")
    rejects_table = page.get_by_role("table")
    expect(rejects_table.get_by_role("row")).to_have_count(1 + len(FTC_REJECTS))
    expect(rejects_table).to_contain_text("Consumer_State 'Reno' is not a US state or territory code.")
    _shot(page, tmp_path, "3-job-finished")

    with page.expect_download() as info:
        page.get_by_role("link", name=f"Download the {len(FTC_REJECTS)} rejected rows (CSV)").click()
    assert info.value.suggested_filename == f"import-{job.pk}-rejects.csv"
    with open(info.value.path(), newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["line", "reason", "raw row"]
    assert {int(line): reason for line, reason, _ in rows[1:]} == {
        line: ("'" + reason if reason.startswith("=") else reason) for line, reason in FTC_REJECTS.items()
    }  # the one reason that quotes a formula is neutralised, like every cell of the file
    raw = {int(line): raw for line, _, raw in rows[1:]}
    assert raw[6] == "5550100,2026-03-05,2026-03-05 11:00:00,Reno,NV,775,Other,Y"
    assert raw[8] == "2025550144,2026-03-05,2026-03-05 11:00:00,,Reno,NV,775,Y"
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)

    # Find the Austin complaint by its number written as a consumer would.
    page.get_by_role("link", name="Find calls").click()
    page.get_by_label("Number").fill("202.555.0143")
    page.get_by_role("button", name="Find").click()
    expect(page.get_by_text("2 observations")).to_be_visible()
    results = page.get_by_role("table")
    expect(results.get_by_role("row")).to_have_count(3)
    expect(results).not_to_contain_text("+14155550199")
    _shot(page, tmp_path, "4-search")
    call = CallRecord.objects.get(consumer_city="Austin")
    assert call.call_at.isoformat() == "2026-03-05T05:03:04+00:00"  # 00:03:04 Eastern, as the FTC writes
    expect(results.get_by_role("row").nth(1)).to_contain_text("area code 214")  # Dallas, a minute later
    results.get_by_role("row").filter(has_text="area code 512").get_by_role("link").click()

    expect(page.get_by_role("heading", name="Call from +12025550143")).to_be_visible()
    expect(
        page.get_by_text("2026-03-05 05:03:04 UTC (2026-03-05 00:03:04 EST in America/New_York")
    ).to_be_visible()
    expect(page.get_by_text("Austin TX · area code 512")).to_be_visible()
    form = page.get_by_role("form", name="Start a traceback from this call")
    form.get_by_label("Campaign").select_option(label="Debt-Reduction-P1")
    form.get_by_label("Called number").fill("(512) 555-0199")
    form.get_by_label("Terminating provider").fill(terminating.rmd_number)
    _shot(page, tmp_path, "5-call")
    form.get_by_role("button", name="Start the traceback").click()

    traceback = Traceback.objects.get()
    expect(page).to_have_url(f"{site}{traceback.get_absolute_url()}")
    expect(
        page.get_by_text("Traceback started from this call: the terminating provider has been asked.")
    ).to_be_visible()
    expect(page.get_by_role("heading", name=f"Traceback {traceback.pk} · Debt-Reduction-P1")).to_be_visible()
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("2026-03-05 05:03 UTC (2026-03-05 00:03 EST in America/New_York)")
    expect(facts).to_contain_text("+12025550143")
    expect(facts).to_contain_text("+15125550199")
    expect(facts).to_contain_text(
        f"Consumer complaint (FTC Do Not Call, call record {call.pk} of the ITG call data)"
    )
    chain = page.get_by_role("list", name="The call's path")
    expect(chain.get_by_role("listitem")).to_have_count(1)
    expect(chain.get_by_role("listitem").first).to_contain_text("Lone Star Wireless")
    _shot(page, tmp_path, "6-traceback")
    assert (traceback.calling_number, traceback.called_number, traceback.call_at, traceback.call_tz) == (
        call.calling_number, "+15125550199", call.call_at, call.call_tz
    )  # fmt: skip
