"""Files the call import tests write: the real headers of each source, with the dirt real exports carry."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from tracebacks.calls.pipeline import job_run
from tracebacks.calls.services import import_job_create
from tracebacks.calls.sources import FTC_COLUMNS

FCC_HEADER = [
    "id", "ticket_created", "date_created", "issue_date", "issue_time", "issue_type", "method", "issue",
    "caller_id_number", "type_of_call_or_messge", "advertiser_business_phone_number", "city", "state", "zip",
    "location_1",
]  # fmt: skip

FTC_DIRTY_ROWS = [
    # line 2: a clean robocall complaint
    ["2025550143", "2026-03-05 00:10:00", "2026-03-05 00:03:04", "Austin", "TX", "512",
     "Reducing your debt (credit cards, mortgage, student loans)", "Y"],
    # line 3: written with punctuation, date only, the FTC's two spaces kept
    ["(415) 555-0199", "2026-03-05 01:00:00", "2026-03-04", "San Jose", "CA", "408", "Vacation  & timeshares", "N"],
    # line 4: blank number -> rejected
    ["", "2026-03-05 01:00:00", "2026-03-04 10:00:00", "San Jose", "CA", "408", "Other", ""],
    # line 5: the same row as line 2 -> duplicate
    ["2025550143", "2026-03-05 00:10:00", "2026-03-05 00:03:04", "Austin", "TX", "512",
     "Reducing your debt (credit cards, mortgage, student loans)", "Y"],
    # line 6: seven digits -> rejected
    ["5550100", "2026-03-05", "2026-03-05 11:00:00", "Reno", "NV", "775", "Other", "Y"],
    # line 7: a UK number -> kept, by phonenumbers
    ["+44 20 7946 0958", "2026-03-05", "2026-03-05 11:00:00", "Reno", "NV", "775", "Other", "Y"],
    # line 8: city shifted into the state column -> rejected by the state check
    ["2025550144", "2026-03-05", "2026-03-05 11:00:00", "", "Reno", "NV", "775", "Y"],
    # line 9: no such day -> rejected
    ["2025550145", "2026-03-05", "2026-02-30 11:00:00", "Reno", "NV", "775", "Other", "Y"],
    # line 10: a formula where the number should be -> rejected, and never executed in the rejects CSV
    ['=HYPERLINK("http://evil.example","x")', "2026-03-05", "2026-03-05 11:00:00", "Reno", "NV", "775", "Other", "Y"],
    # line 11: a different consumer reporting the same caller a minute later: its own record
    ["1-202-555-0143", "2026-03-05 00:12:00", "2026-03-05 00:04:04", "Dallas", "TX", "214", "Other", ""],
    # line 12: bad robocall flag
    ["2025550146", "2026-03-05", "2026-03-05 11:00:00", "Reno", "NV", "775", "Other", "maybe"],
    # line 13: lower-case state, blank area code, no subject
    ["8005550100", "", "2026-03-06 23:59:59", "Boise", "id", "", "No Subject Provided", "y"],
]  # fmt: skip
FTC_CREATED, FTC_DUPLICATES = 5, 1
FTC_REJECTS = {
    4: "Company_Phone_Number is blank.",
    6: "Company_Phone_Number '5550100' is not a valid phone number.",
    8: "Consumer_State 'Reno' is not a US state or territory code.",
    9: "Violation_Date '2026-02-30 11:00:00' is not a date and time (expected e.g. 2026-03-05 00:03:04).",
    10: 'Company_Phone_Number \'=HYPERLINK("http://evil.example","x")\' is not a valid phone number.',
    12: "Recorded_Message_Or_Robocall 'maybe' is not Y or N.",
}


def csv_bytes(header, rows, *, extra_lines: list[str] = ()) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return (out.getvalue() + "".join(extra_lines)).encode()


def ftc_bytes(rows=FTC_DIRTY_ROWS) -> bytes:
    return csv_bytes(FTC_COLUMNS, rows)


def import_file(tmp_path: Path, source: str, data: bytes, name: str = "calls.csv", **kw):
    path = tmp_path / name
    path.write_bytes(data)
    job = import_job_create(by=kw.pop("by", None), source=source, path=str(path), enqueue=False, **kw)
    return job_run(job)


def out_of_range(column: str, value: str) -> str:
    """The reason of a call date outside itg.params' bounds, as both writers word it."""
    return f"{column} '{value}' is out of range: a call date must be from 1900-01-01 to 2199-12-31; correct the year."


def rejects_csv(client, user, job) -> dict[int, str]:
    """line -> reason of the job's rejects CSV as ITG staff download it from the job's page."""
    from tests.factories import verified_login

    verified_login(client, user)
    response = client.get(f"/calls/imports/{job.pk}/rejects.csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == ["line", "reason", "raw row"]
    return {int(line): reason for line, reason, _raw in rows[1:]}
