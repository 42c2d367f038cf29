"""The call importers: exact counts, rejects with line and reason, dedupe, resume, and bad files."""

from __future__ import annotations

import gzip
import io
import json
import zipfile
from datetime import UTC, datetime

import pytest
from django.core.exceptions import ValidationError

from itg.audit.models import AuditEvent
from tests.calls_helpers import (
    FCC_HEADER,
    FTC_CREATED,
    FTC_DIRTY_ROWS,
    FTC_DUPLICATES,
    FTC_REJECTS,
    csv_bytes,
    ftc_bytes,
    import_file,
    out_of_range,
    rejects_csv,
)  # fmt: skip
from tracebacks.calls import pipeline
from tracebacks.calls.models import CallRecord, ImportJob, Source
from tracebacks.calls.services import import_job_create
from tracebacks.calls.sources import FTC_COLUMNS

pytestmark = pytest.mark.django_db


def _rejects(job) -> dict[int, str]:
    return dict(job.rejects.values_list("line", "reason"))


def test_ftc_dirty_file_exact_counts_and_rejects(tmp_path):
    job = import_file(tmp_path, "ftc-dnc", ftc_bytes())
    assert job.status == ImportJob.Status.DONE
    assert (job.rows_read, job.created, job.duplicates, job.rejected) == (
        len(FTC_DIRTY_ROWS), FTC_CREATED, FTC_DUPLICATES, len(FTC_REJECTS))  # fmt: skip
    assert _rejects(job) == FTC_REJECTS
    assert job.rejects.get(line=10).raw.startswith('"=HYPERLINK(""http://evil.example"",""x"")",2026-03-05')
    first = CallRecord.objects.get(job=job, calling_number="+12025550143", consumer_city="Austin")
    # 00:03:04 Eastern (EST in March before the 8th) is 05:03:04 UTC.
    assert first.call_at == datetime(2026, 3, 5, 5, 3, 4, tzinfo=UTC) and not first.date_only
    assert (first.consumer_state, first.consumer_area_code, first.called_state, first.robocall) == (
        "TX",
        "512",
        "TX",
        True,
    )
    assert first.calling_number_raw == "2025550143" and first.called_number == ""
    dated = CallRecord.objects.get(job=job, calling_number="+14155550199")
    assert dated.date_only and dated.call_at == datetime(2026, 3, 4, 5, 0, tzinfo=UTC)
    assert dated.subject == "Vacation  & timeshares" and dated.robocall is False
    assert CallRecord.objects.get(job=job, calling_number="+442079460958").called_state == "NV"
    boise = CallRecord.objects.get(job=job, calling_number="+18005550100")
    assert (boise.consumer_state, boise.robocall, boise.consumer_area_code) == ("ID", True, "")
    started, finished = AuditEvent.objects.filter(object_id=str(job.pk)).order_by("seq")
    assert (started.action, finished.action) == ("calls.import_started", "calls.import_finished")


def test_the_same_file_twice_creates_nothing(tmp_path):
    import_file(tmp_path, "ftc-dnc", ftc_bytes())
    again = import_file(tmp_path, "ftc-dnc", ftc_bytes(), name="again.csv")
    assert (again.created, again.duplicates, again.rejected) == (
        0,
        FTC_CREATED + FTC_DUPLICATES,
        len(FTC_REJECTS),
    )
    assert CallRecord.objects.count() == FTC_CREATED


def test_the_same_bytes_again_are_recognised_without_reading_and_list_the_same_rejects(tmp_path, monkeypatch):
    first = import_file(tmp_path, "ftc-dnc", ftc_bytes())
    monkeypatch.setattr(pipeline, "chunks", lambda *a, **k: pytest.fail("the repeated file was read again"))
    again = import_file(tmp_path, "ftc-dnc", ftc_bytes(), name="again.csv")
    assert again.status == ImportJob.Status.DONE and again.options["same_as"] == first.pk
    assert (again.rows_read, again.created, again.duplicates) == (
        first.rows_read,
        0,
        FTC_CREATED + FTC_DUPLICATES,
    )
    assert _rejects(again) == _rejects(first) and len(_rejects(again)) == len(FTC_REJECTS)
    assert CallRecord.objects.count() == FTC_CREATED


def test_the_same_bytes_are_read_in_full_when_the_first_imports_records_are_gone(tmp_path):
    first = import_file(tmp_path, "ftc-dnc", ftc_bytes())
    CallRecord.objects.filter(job=first).delete()  # as a detached month would remove them
    again = import_file(tmp_path, "ftc-dnc", ftc_bytes(), name="again.csv")
    assert "same_as" not in again.options and again.created == FTC_CREATED
    assert CallRecord.objects.count() == FTC_CREATED


def test_two_consumers_reporting_one_caller_are_two_records_linked_as_one_call(tmp_path):
    rows = [
        ["2025550143", "", "2026-03-05 10:00:00", "Austin", "TX", "512", "Other", "Y"],
        ["2025550143", "", "2026-03-05 10:03:00", "Round Rock", "TX", "512", "Other", "Y"],
        ["2025550143", "", "2026-03-05 10:30:00", "Austin", "TX", "512", "Other", "Y"],  # 30 minutes later
        ["2025550143", "", "2026-03-05 10:02:00", "Dallas", "TX", "214", "Other", "Y"],  # another area
    ]
    import_file(tmp_path, "ftc-dnc", ftc_bytes(rows))
    records = list(CallRecord.objects.order_by("call_at"))
    assert len(records) == 4
    by_city = {(r.consumer_city, r.call_at.minute): r for r in records}
    assert (
        by_city[("Austin", 0)].call_group
        == by_city[("Round Rock", 3)].call_group
        == by_city[("Austin", 0)].pk
    )
    assert by_city[("Austin", 30)].call_group == by_city[("Austin", 30)].pk
    assert by_city[("Dallas", 2)].call_group == by_city[("Dallas", 2)].pk
    assert CallRecord.objects.values("call_group").distinct().count() == 3


def _fcc_rows():
    base = ["", "2026-03-06T10:00:00.000", "2026-03-06T10:00:00.000"]
    return [
        ["3001", *base[1:], "2026-03-05", "1:00 pm", "Phone", "Wireless (cell phone/other mobile device)",
         "Robocalls", "(214) 555-0101", "Prerecorded Voice", "", "Dallas", "TX", "75201", ""],
        ["3002", *base[1:], "03/05/2026", "", "Phone", "Wired", "Telemarketing (including do not call and spoofing)",
         "", "Live Voice", "800-555-0100", "Sacramento", "CA", "95814", ""],
        ["3003", *base[1:], "2026-03-05", "25:00 pm", "Phone", "Wired", "Robocalls", "2145550101", "", "", "x", "TX", "", ""],
        ["3001", *base[1:], "2026-03-05", "1:00 pm", "Phone", "Wireless (cell phone/other mobile device)",
         "Robocalls", "(214) 555-0101", "Prerecorded Voice", "", "Dallas", "TX", "75201", ""],  # the same id again
        ["3004", *base[1:], "2026-03-05", "9:15 am", "Phone", "Wired", "Robocalls", "", "", "", "Austin", "TX", "", ""],
    ]  # fmt: skip


def test_fcc_csv_and_json_give_the_same_records(tmp_path):
    job = import_file(tmp_path, "fcc-complaints", csv_bytes(FCC_HEADER, _fcc_rows()))
    assert (job.created, job.duplicates, job.rejected) == (2, 1, 2)
    assert _rejects(job) == {
        4: "issue_time '25:00 pm' is not a time of day.",
        6: "caller_id_number and advertiser_business_phone_number are both blank.",
    }
    dallas = CallRecord.objects.get(source_record_id="3001")
    # 1:00 pm in Texas (Central, CST on March 5) is 19:00 UTC.
    assert dallas.call_at == datetime(2026, 3, 5, 19, 0, tzinfo=UTC) and dallas.call_tz == "America/Chicago"
    assert (dallas.robocall, dallas.subject, dallas.consumer_zip) == (True, "Robocalls", "75201")
    sacramento = CallRecord.objects.get(source_record_id="3002")
    assert (
        sacramento.date_only and sacramento.calling_number == "+18005550100" and sacramento.robocall is False
    )
    before = {r.source_record_id: (r.call_at, r.calling_number) for r in CallRecord.objects.all()}
    objects = [dict(zip(FCC_HEADER, row, strict=True)) for row in _fcc_rows()]
    as_json = import_file(tmp_path, "fcc-complaints", json.dumps(objects, indent=1).encode(), name="fcc.json")
    assert (as_json.created, as_json.duplicates, as_json.rejected) == (0, 3, 2)
    lines = "\n".join(json.dumps(o) for o in objects).encode()
    as_lines = import_file(tmp_path, "fcc-complaints", lines, name="fcc.jsonl")
    assert (as_lines.created, as_lines.duplicates, as_lines.rejected) == (0, 3, 2)
    assert {r.source_record_id: (r.call_at, r.calling_number) for r in CallRecord.objects.all()} == before


FTC_FAR_DATES = [
    ["2025550143", "2026-03-05 10:05:00", "2026-03-05 10:00:00", "Austin", "TX", "512", "Other", "Y"],
    ["2025550144", "", "9999-12-31 23:59:59", "Austin", "TX", "512", "Other", "Y"],  # overflowed UTC
    ["2025550145", "9999-12-31 23:59:59", "2026-03-05 10:00:00", "Austin", "TX", "512", "Other", "Y"],
    ["2025550143", "2026-03-05 10:05:00", "2026-03-05 10:00:00", "Austin", "TX", "512", "Other", "Y"],  # again
    ["2025550146", "", "1899-12-31", "Austin", "TX", "512", "Other", "Y"],
    ["2025550147", "", "2199-12-31 23:59:59", "Austin", "TX", "512", "Other", "Y"],  # the last day kept
    ["2025550148", "", "0001-01-01 00:00:00", "Austin", "TX", "512", "Other", "Y"],
    ["2025550149", "", "1900-01-01", "Austin", "TX", "512", "Other", "Y"],  # the first day kept
    ["2025550150", "", "10000-01-01 00:00:00", "Austin", "TX", "512", "Other", "Y"],
    ["2025550151", "", "9999-12-30", "Austin", "TX", "512", "Other", "Y"],
]  # fmt: skip
FTC_FAR_REJECTS = {
    3: out_of_range("Violation_Date", "9999-12-31 23:59:59"),
    4: out_of_range("Created_Date", "9999-12-31 23:59:59"),
    6: out_of_range("Violation_Date", "1899-12-31"),
    8: out_of_range("Violation_Date", "0001-01-01 00:00:00"),
    10: "Violation_Date '10000-01-01 00:00:00' is not a date and time (expected e.g. 2026-03-05 00:03:04).",
    11: out_of_range("Violation_Date", "9999-12-30"),
}


@pytest.mark.parametrize(
    "sql_min_bytes", [10**12, 0], ids=["python-writer", "set-based-writer-on-postgresql"]
)
def test_ftc_dates_out_of_range_are_rejected_rows_not_a_crash(
    tmp_path, settings, client, people, sql_min_bytes
):
    """Year 9999 Eastern is past the last moment a datetime holds once made UTC (it crashed the import
    with an OverflowError); dates outside itg.params' 1900..2199 are refused the same way, by each writer,
    in chunks of 3 rows."""
    settings.CALL_IMPORT_CHUNK_ROWS, settings.CALL_IMPORT_SQL_MIN_BYTES = 3, sql_min_bytes
    job = import_file(tmp_path, "ftc-dnc", ftc_bytes(FTC_FAR_DATES))
    assert job.status == ImportJob.Status.DONE
    assert (job.rows_read, job.created, job.duplicates, job.rejected) == (10, 3, 1, 6)
    assert _rejects(job) == rejects_csv(client, people.ivy, job) == FTC_FAR_REJECTS
    assert sorted(CallRecord.objects.values_list("calling_number", "call_at", "date_only")) == [
        ("+12025550143", datetime(2026, 3, 5, 15, 0, tzinfo=UTC), False),
        ("+12025550147", datetime(2200, 1, 1, 4, 59, 59, tzinfo=UTC), False),
        ("+12025550149", datetime(1900, 1, 1, 5, 0, tzinfo=UTC), True),
    ]
    again = import_file(tmp_path, "ftc-dnc", ftc_bytes(FTC_FAR_DATES[::-1]), name="reversed.csv")
    assert (again.created, again.duplicates, again.rejected) == (0, 4, 6)


def _fcc_far_rows():
    tail = ["Phone", "Wired", "Robocalls", "2145550101", "Prerecorded Voice", "", "Dallas"]
    return [
        ["4001", "", "", "12/31/9999", "11:59 pm", *tail, "TX", "75201", ""],
        ["4002", "", "", "9999-12-31T00:00:00.000", "", *tail, "TX", "75201", ""],
        ["4003", "", "", "01/01/1899", "9:00 am", *tail, "TX", "75201", ""],
        ["4004", "", "", "2026-03-05", "1:00 pm", *tail, "TX", "75201", ""],
        ["4005", "", "", "12/31/2199", "11:59 pm", *tail, "HI", "96813", ""],  # 2200 in UTC, kept
        ["4004", "", "", "2026-03-05", "1:00 pm", *tail, "TX", "75201", ""],  # the same id again
        ["4006", "", "", "0001-01-01", "", *tail, "", "", ""],
    ]  # fmt: skip


def test_fcc_dates_out_of_range_are_rejected_in_csv_and_json(tmp_path, client, people):
    expected = {
        2: out_of_range("issue_date", "12/31/9999"), 3: out_of_range("issue_date", "9999-12-31T00:00:00.000"),
        4: out_of_range("issue_date", "01/01/1899"), 8: out_of_range("issue_date", "0001-01-01"),
    }  # fmt: skip
    job = import_file(tmp_path, "fcc-complaints", csv_bytes(FCC_HEADER, _fcc_far_rows()))
    assert (job.status, job.created, job.duplicates, job.rejected) == (ImportJob.Status.DONE, 2, 1, 4)
    assert _rejects(job) == rejects_csv(client, people.ivy, job) == expected
    assert dict(CallRecord.objects.values_list("source_record_id", "call_at")) == {
        "4004": datetime(2026, 3, 5, 19, 0, tzinfo=UTC), "4005": datetime(2200, 1, 1, 9, 59, tzinfo=UTC)}  # fmt: skip
    objects = [dict(zip(FCC_HEADER, row, strict=True)) for row in _fcc_far_rows()]
    as_json = import_file(tmp_path, "fcc-complaints", json.dumps(objects, indent=1).encode(), name="fcc.json")
    assert (as_json.created, as_json.duplicates, as_json.rejected) == (0, 3, 4)
    # a JSON array's lines are its objects' first lines: the reasons are the CSV's
    assert sorted(_rejects(as_json).values()) == sorted(expected.values())
    assert CallRecord.objects.count() == 2


@pytest.mark.parametrize(
    "sql_min_bytes", [10**12, 0], ids=["python-writer", "set-based-writer-on-postgresql"]
)
@pytest.mark.parametrize(
    "resume_chunk_rows", [3, 2, 5], ids=["same-setting", "setting-lowered", "setting-raised"]
)
def test_an_interrupted_job_resumes_to_the_same_rows(
    tmp_path, settings, monkeypatch, sql_min_bytes, resume_chunk_rows
):
    """Killed after 2 chunks of 3 rows and resumed, also after CALL_IMPORT_CHUNK_ROWS changed in between:
    the job keeps the chunk size it started with, so its 2 chunks done are still the first 6 rows (with
    today's setting they were 4 rows, read twice, or 10, four of them never read)."""
    settings.CALL_IMPORT_CHUNK_ROWS, settings.CALL_IMPORT_SQL_MIN_BYTES = 3, sql_min_bytes
    rows = [[f"20255501{i:02d}", "", f"2026-03-0{1 + i % 9} 10:00:00", "Austin", "TX", "512", "Other", "Y"]
            for i in range(20)] + FTC_DIRTY_ROWS  # fmt: skip
    uninterrupted = import_file(tmp_path, "ftc-dnc", ftc_bytes(rows))
    expected = sorted(
        CallRecord.objects.values_list("calling_number", "call_at", "consumer_city", "dedupe_key")
    )
    expected_rejects = _rejects(uninterrupted)
    CallRecord.objects.all().delete()

    class Killed(Exception):
        pass

    def die_after_two(job, index):
        if index == 1:
            raise Killed

    monkeypatch.setattr(pipeline, "AFTER_CHUNK", die_after_two)
    path = tmp_path / "again.csv"
    path.write_bytes(ftc_bytes(rows))
    job = import_job_create(by=None, source="ftc-dnc", path=str(path), enqueue=False)
    with pytest.raises(Killed):
        pipeline.job_run(job)
    job.refresh_from_db()
    assert (job.chunks_done, job.rows_read, job.status) == (2, 6, ImportJob.Status.RUNNING)
    assert CallRecord.objects.filter(job=job).count() == 6 and job.chunk_rows == 3
    monkeypatch.setattr(pipeline, "AFTER_CHUNK", None)
    settings.CALL_IMPORT_CHUNK_ROWS = resume_chunk_rows  # e.g. the workers redeployed with another value
    job = pipeline.job_run(job)  # the redelivered task
    assert job.status == ImportJob.Status.DONE
    assert (job.chunk_rows, job.chunks_done) == (3, uninterrupted.chunks_done)
    assert (
        sorted(CallRecord.objects.values_list("calling_number", "call_at", "consumer_city", "dedupe_key"))
        == expected
    )
    assert (job.rows_read, job.created, job.duplicates, job.rejected) == (
        uninterrupted.rows_read, uninterrupted.created, uninterrupted.duplicates, uninterrupted.rejected)  # fmt: skip
    assert _rejects(job) == expected_rejects
    assert pipeline.job_run(job).created == job.created  # a finished job run again changes nothing


def _refused(tmp_path, data: bytes, name="bad.csv", source="ftc-dnc") -> str:
    with pytest.raises(ValidationError) as error:
        import_file(tmp_path, source, data, name=name)
    assert not ImportJob.objects.exists() and not CallRecord.objects.exists()
    return " ".join(error.value.message_dict["file"])


def test_wrong_format_is_refused_at_once_saying_expected_and_found(tmp_path):
    message = _refused(tmp_path, csv_bytes(FCC_HEADER, []))
    assert "Expected FTC Do Not Call reported calls" in message
    assert (
        "Missing: Company_Phone_Number, Created_Date, Violation_Date" in message
        and "Found: id, ticket_created" in message
    )
    assert "found a PDF document" in _refused(tmp_path, b"%PDF-1.7\n%\xe2\xe3\n1 0 obj\n")
    assert "found JSONL" in _refused(tmp_path, b'{"a": 1}\n', name="x.jsonl")


def test_missing_required_column_and_empty_file(tmp_path):
    header = [c for c in FTC_COLUMNS if c != "Violation_Date"]
    assert "Missing: Violation_Date." in _refused(tmp_path, csv_bytes(header, [["1"] * 7]))
    assert "The file is empty" in _refused(tmp_path, b"")
    assert "The file is empty" in _refused(tmp_path, b"\xef\xbb\xbf\r\n\r\n")


def test_latin1_bytes_reject_their_row_only(tmp_path):
    data = ftc_bytes(FTC_DIRTY_ROWS[:2]) + "2025550177,,2026-03-05 10:00:00,Bogotá,FL,305,Other,Y\r\n".encode(
        "latin-1"
    )
    job = import_file(tmp_path, "ftc-dnc", data)
    assert (job.created, job.rejected) == (2, 1)
    assert _rejects(job) == {4: "The row has bytes that are not UTF-8 (Latin-1?): save the file as UTF-8."}
    assert "Bogot\\xe1" in job.rejects.get().raw


def test_gzip_and_zip_of_a_csv_import_like_the_csv(tmp_path):
    job = import_file(tmp_path, "ftc-dnc", gzip.compress(ftc_bytes()), name="ftc.csv.gz")
    assert (job.created, job.duplicates, job.rejected) == (FTC_CREATED, FTC_DUPLICATES, len(FTC_REJECTS))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("export/ftc.csv", ftc_bytes())
    job = import_file(tmp_path, "ftc-dnc", buffer.getvalue(), name="ftc.zip")
    assert (job.created, job.duplicates) == (0, FTC_CREATED + FTC_DUPLICATES)


@pytest.mark.parametrize(
    "sql_min_bytes", [10**12, 0], ids=["python-writer", "set-based-writer-on-postgresql"]
)
def test_gzip_bomb_stops_and_leaves_nothing(tmp_path, settings, sql_min_bytes):
    """Found part-way, after the first chunk is written (the set-based writer reads ahead in a thread)."""
    settings.CALL_IMPORT_CHUNK_ROWS, settings.CALL_IMPORT_SQL_MIN_BYTES = 2, sql_min_bytes
    header = ",".join(FTC_COLUMNS).encode() + b"\r\n"
    row = b"2025550143,,2026-03-05 10:00:00,Austin,TX,512,Other,Y\r\n"
    bomb = gzip.compress(header + row * 3 + b"\r\n" * (40 * 1024 * 1024), compresslevel=9)
    job = import_file(tmp_path, "ftc-dnc", bomb, name="bomb.csv.gz")
    assert job.status == ImportJob.Status.REFUSED and "compression bomb" in job.error
    assert not CallRecord.objects.exists() and not job.rejects.exists()
    assert AuditEvent.objects.filter(action="calls.import_refused", object_id=str(job.pk)).exists()


def test_zip_bomb_and_path_traversal_are_refused(tmp_path, settings):
    settings.CALL_IMPORT_MAX_DECOMPRESSED_MB = 1
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("ftc.csv", ftc_bytes() + b"\r\n" * (3 * 1024 * 1024))
    assert "decompresses to more than 1 MB" in _refused(tmp_path, buffer.getvalue(), name="big.zip")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("../../etc/cron.d/ftc.csv", ftc_bytes())
    assert "points outside the archive" in _refused(tmp_path, buffer.getvalue(), name="evil.zip")


def test_sources_are_recorded(tmp_path):
    import_file(tmp_path, "ftc-dnc", ftc_bytes())
    assert set(CallRecord.objects.values_list("source", flat=True)) == {Source.FTC_DNC}


def test_one_call_seen_by_three_sources_is_one_call_with_every_observation_on_its_page(
    tmp_path, client, people
):
    """Issue item 5: a honeypot answered the call, a provider's CDR carried it (same called number), and
    the consumer reported it to the FTC (no called number: same area code and state), all within 5
    minutes: one call of three observations. A call to another number, or 6 minutes later, is another."""
    from tests.calls_helpers import csv_bytes
    from tests.factories import make_provider, verified_login

    honeypot = ["id", "call_time", "calling_number", "called_number", "transcript"]
    import_file(tmp_path, "transcripts", csv_bytes(honeypot, [
        ["hp-1", "2026-03-05T15:01:00Z", "202-555-0143", "512-555-0100", "your social security number has been suspended"],
        ["hp-2", "2026-03-05T15:02:00Z", "202-555-0143", "512-555-0101", "your social security number has been suspended"],
    ]), name="honeypot.csv")  # fmt: skip
    provider = make_provider("Last Mile Telecom")
    mapping = {"call_time": "Start", "calling_number": "ANI", "called_number": "DNIS", "record_id": "CallID"}
    import_file(tmp_path, "cdr", csv_bytes(["CallID", "Start", "ANI", "DNIS"], [
        ["c-1", "2026-03-05 15:03:30", "12025550143", "15125550100"],
        ["c-2", "2026-03-05 15:10:00", "12025550143", "15125550100"],  # 6 min after the FTC report: another call
    ]), name="cdr.csv", provider=provider, mapping=mapping, time_zone="UTC")  # fmt: skip
    import_file(tmp_path, "ftc-dnc", ftc_bytes([
        ["(202) 555-0143", "", "2026-03-05 10:04:00", "Austin", "TX", "512", "Imposters (government, businesses)", "Y"],
    ]), name="ftc.csv")  # fmt: skip
    rows = {r.source_record_id or r.source: r for r in CallRecord.objects.all()}
    call = {rows["hp-1"].call_group, rows["c-1"].call_group, rows["ftc_dnc"].call_group}
    assert call == {rows["hp-1"].pk}  # the group is named by its earliest observation
    assert rows["hp-2"].call_group == rows["hp-2"].pk  # another called number: another call
    assert rows["c-2"].call_group == rows["c-2"].pk
    observations = CallRecord.objects.count()
    calls = CallRecord.objects.values("call_group").distinct().count()
    assert (observations, calls) == (5, 3)

    verified_login(client, people.ivy)
    page = client.get(f"/calls/{rows['ftc_dnc'].pk}/").content.decode()
    assert "Observations of this call (3)" in page
    for label in ("Honeypot or recording", "Provider call detail record", "FTC Do Not Call"):
        assert label in page
