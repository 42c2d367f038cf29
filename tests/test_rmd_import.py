"""The RMD import: idempotent upsert by RMD number, rejected rows reported with the reason, the admin page."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from itg.audit.models import AuditEvent
from providers import rmd
from providers.models import Provider, ProviderContact, RmdImport
from tests.factories import verified_login

SAMPLE = Path(__file__).resolve().parent.parent / "providers" / "demo_data" / "rmd-sample.csv"


def run(path: Path) -> str:
    out = io.StringIO()
    call_command("import_rmd", str(path), "--quiet-progress", stdout=out)
    return out.getvalue()


def test_importing_the_sample_twice_creates_nothing_the_second_time(db):
    first = run(SAMPLE)
    assert "39 rows: 39 created, 0 updated, 0 unchanged, 0 rejected" in first
    assert Provider.objects.count() == 39 and ProviderContact.objects.filter(source="rmd").count() == 39
    second = run(SAMPLE)
    assert "39 rows: 0 created, 0 updated, 39 unchanged, 0 rejected" in second
    assert Provider.objects.count() == 39
    telecom = Provider.objects.get(rmd_number="RMD0015669")
    assert (telecom.business_name, telecom.frn, telecom.stir_shaken) == (
        "011 Telecom LLC",
        "0034607606",
        "yes",
    )
    assert telecom.is_voice_service and telecom.is_gateway and not telecom.is_intermediate
    assert telecom.contacts.get().name == "Alex Smith"
    assert AuditEvent.objects.filter(action="provider.rmd_imported").count() == 2


def _edited(tmp_path: Path, edit) -> Path:
    rows = list(csv.DictReader(SAMPLE.open()))
    fields = list(rows[0])
    edit(rows)
    path = tmp_path / "edited.csv"
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fields)
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_changed_rows_are_updated_and_bad_rows_rejected_with_line_and_reason(db, tmp_path):
    run(SAMPLE)

    def edit(rows):
        rows[0]["business_name"] = "011 Telecom Holdings LLC"  # line 2: updated
        rows[1]["contact_title"] = "President"  # line 3: contact changed -> updated
        rows[2]["implementation"] = "Maybe"  # line 4
        rows[3]["number"] = "12345"  # line 5
        rows[4]["last_updated"] = "24/05/2024"  # line 6
        rows[5]["number"] = rows[6][
            "number"
        ]  # line 7 takes line 8's number (an update of that provider); line 8 is then the duplicate

    out = run(_edited(tmp_path, edit))
    assert "39 rows: 0 created, 3 updated, 32 unchanged, 4 rejected" in out
    assert "line 4 (RMD0021795): implementation must be Yes, Partial or No, not 'Maybe'" in out
    assert "line 5 (12345): number must look like RMD0012345" in out
    assert "line 6 (" in out and "last_updated must be a date like 2024-05-24, not '24/05/2024'" in out
    assert "line 8 (" in out and "duplicate of line 7" in out
    assert Provider.objects.get(rmd_number="RMD0015669").business_name == "011 Telecom Holdings LLC"


def test_a_blank_foreign_voice_provider_is_imported_as_unknown_not_rejected(db, tmp_path, client, people):
    """The real export has rows whose "foreign voice provider" answer is blank (issue 13 item 6)."""

    def edit(rows):
        rows[0]["foreign_voice_provider"] = ""
        rows[1]["foreign_voice_provider"] = "  "
        rows[2]["foreign_voice_provider"] = "Perhaps"  # a value that is there must still be Yes or No

    out = run(_edited(tmp_path, edit))
    assert "39 rows: 38 created, 0 updated, 0 unchanged, 1 rejected" in out
    assert "line 4 (" in out and "foreign_voice_provider must be Yes or No, not 'Perhaps'" in out
    rows = list(csv.DictReader(SAMPLE.open()))
    blank = Provider.objects.get(rmd_number=rows[0]["number"])
    assert blank.is_foreign is None and Provider.objects.get(rmd_number=rows[1]["number"]).is_foreign is None
    assert (
        "unchanged" in run(_edited(tmp_path, edit)) and Provider.objects.filter(is_foreign=None).count() == 2
    )
    verified_login(client, people.ivy)
    page = client.get(blank.get_absolute_url()).content.decode()
    assert "foreign or not: unknown (blank in the RMD filing)" in page


def test_a_file_that_is_not_the_rmd_export_is_refused_whole(db, tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("name,phone\nAcme,555\n")
    with pytest.raises(CommandError, match="lacks the column"):
        run(path)
    assert Provider.objects.count() == 0


def test_the_import_writes_in_bulk_not_a_query_per_row(db, django_assert_max_num_queries):
    # Per chunk: savepoint, lookup, contacts, insert, contacts insert (+ releases); not 39 x n.
    with django_assert_max_num_queries(12):
        rmd.import_rmd(SAMPLE.read_bytes())


def test_an_admin_uploads_the_export_and_sees_the_report(client, people, django_capture_on_commit_callbacks):
    verified_login(client, people.ada)
    upload = SimpleUploadedFile("rmd.csv", SAMPLE.read_bytes(), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/providers/import/", {"file": upload})
    job = RmdImport.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/providers/import/{job.pk}/"
    assert job.file.name.startswith("rmd-imports/") and job.file.storage.exists(job.file.name)
    page = client.get(f"/providers/import/{job.pk}/").content.decode()
    assert "Done" in page and "39 of 39 rows" in page
    job.refresh_from_db()
    assert (job.status, job.created, job.processed, job.total) == ("done", 39, 39, 39)
    assert "39</span>created" in page


def test_an_upload_that_is_not_the_export_is_refused_next_to_the_field(client, people):
    verified_login(client, people.ada)
    upload = SimpleUploadedFile("rmd.csv", b"name,phone\nAcme,555\n", content_type="text/csv")
    response = client.post("/providers/import/", {"file": upload})
    assert response.status_code == 400 and "lacks the column(s) number" in response.content.decode()
    assert RmdImport.objects.count() == 0


@pytest.mark.parametrize("who", ["tess", "sam", "carl", "nora", "ivy", "aldo"])
def test_only_itg_administrators_reach_the_import_pages(client, people, who):
    verified_login(client, getattr(people, who))
    assert client.get("/providers/import/").status_code == 403
    upload = SimpleUploadedFile("rmd.csv", SAMPLE.read_bytes(), content_type="text/csv")
    assert client.post("/providers/import/", {"file": upload}).status_code == 403
    assert RmdImport.objects.count() == 0


def test_anonymous_visitors_are_sent_to_log_in(client, db):
    assert client.get("/providers/import/")["Location"].startswith("/accounts/login/")
