"""Reading a demand PDF: measured over the corpus, and the bad inputs (scanned, 500 pages, bad numbering)."""

from __future__ import annotations

import io
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from subpoenas.extraction import read_demand
from subpoenas.models import IntakeDraft
from tests.demand_corpus import DOCS, HELDOUT, pdf_of, registry, score_corpus
from tests.factories import make_campaign, make_provider, pdf_bytes, verified_login

PRECISION_TARGET, RECALL_TARGET = 0.98, 0.90


def _read(name: str, **kw) -> dict:
    return read_demand(pdf_of(name), registry=registry(), **kw).as_json()


def test_the_corpus_is_read_with_the_target_precision_and_recall():
    assert len(DOCS + HELDOUT) >= 15
    total, per_doc = score_corpus(DOCS + HELDOUT)
    print(f"corpus fields: right {total.right}, wrong {total.wrong}, missed {total.missed}")
    assert total.precision >= PRECISION_TARGET, "\n".join(total.errors)
    assert total.recall >= RECALL_TARGET, "\n".join(total.errors)


def test_every_value_carries_its_page_words_and_confidence():
    fields = _read("tx_cid_request_no")["fields"]
    assert fields["return_date"] == {
        **fields["return_date"],
        "value": "2026-04-06",
        "page": 1,
        "filled": True,
    }
    assert "on or before April 6, 2026" in fields["return_date"]["context"]
    assert fields["kind"]["value"] == "cid" and fields["kind"]["confidence"] >= 0.8
    assert fields["statute"]["value"] == "Tex. Bus. & Com. Code § 17.61"


def test_a_period_after_service_is_computed_with_the_states_calendar_and_explained():
    fields = _read("oh_cid_schedule_a_period", state="OH")["fields"]
    assert fields["response_days"]["value"] == 30 and fields["response_day_kind"]["value"] == "calendar"
    # Served Wednesday 11 February 2026 + 30 calendar days = Friday 13 March 2026.
    assert (
        "13 March 2026" in fields["response_days"]["note"]
        and "30 calendar days" in fields["response_days"]["note"]
    )
    assert "return_date" not in fields
    business = _read("ny_subpoena_table_business_days", state="NY")["fields"]
    assert business["response_days"]["value"] == 20 and business["response_day_kind"]["value"] == "business"
    assert "once the date served is entered" in business["response_days"]["note"]  # the NY demand gives none


def test_contact_and_signature_numbers_are_never_search_numbers():
    reading = _read("tx_cid_request_no")
    numbers = {n for r in reading["requests"] for n in r["phone_numbers"]} | set(reading["phone_numbers"])
    assert numbers == {"+12145550142", "+12145550143", "+17135550188"}
    for contact in ("+15124632185", "+15129361697"):  # letterhead and signature block
        assert contact not in numbers


def test_calling_and_called_numbers_are_told_apart():
    r = _read("oh_cid_schedule_a_period")["requests"][2]
    assert r["calling_numbers"] == ["+13305550110"] and r["called_numbers"] == ["+12165550177"]


def test_providers_are_matched_by_frn_rmd_number_and_name_and_the_match_is_shown():
    tx = _read("tx_cid_request_no")["requests"]
    [voip] = tx[2]["providers"]
    assert voip["match"]["rmd"] == "RMD0007572" and voip["by"] == "FRN" and "0031428535" in voip["written"]
    [barn] = _read("ca_subpoena_specifications")["requests"][2]["providers"]
    assert barn["match"]["name"] == "NumberBarn, LLC" and barn["by"] == "RMD number"


def test_a_campaign_name_broken_at_its_hyphen_is_still_matched():
    r = _read("ma_cid_attachment_a_hyphen")["requests"][0]
    assert r["campaigns"] == ["SSA-CalltheSSA"] and "SSA-CalltheSSA campaign" in r["text"]


@pytest.mark.parametrize("name", ["mn_cid_gap_in_numbers", "va_subpoena_repeated_numbers"])
def test_requests_numbered_with_gaps_or_repeats_prefill_nothing_and_say_so(name):
    reading = _read(name)
    assert reading["requests"] == [] and reading["phone_numbers"] == []
    [message] = [m for m in reading["messages"] if m["code"] == "numbered"]
    assert "missing or repeated" in message["text"] and len(reading["requests_offered"]) == 3


def _scanned_pdf() -> bytes:
    """A page with an image and no text layer, as a scanner makes it."""
    from weasyprint import HTML

    pixel = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
    return HTML(
        string=f"<img src='data:image/png;base64,{pixel}' style='width:18cm;height:24cm'>"
    ).write_pdf()


def test_a_scanned_demand_says_so_and_offers_manual_entry(client, people):
    verified_login(client, people.tess)
    response = client.post("/demands/new/", {"document": SimpleUploadedFile("scan.pdf", _scanned_pdf())})
    page = client.get(response["Location"]).content.decode()
    assert "no text layer" in page and "Enter the demand&#x27;s details by hand" in page
    assert IntakeDraft.objects.get().prefill["fields"] == {}


def test_a_500_page_pdf_is_read_within_bounds_and_says_how_far():
    from pypdf import PdfReader, PdfWriter

    page = PdfReader(
        io.BytesIO(pdf_bytes("REQUEST NO. 1: All records of calls to 214-555-0142.\n" * 3))
    ).pages[0]
    writer = PdfWriter()
    for _ in range(500):
        writer.add_page(page)
    out = io.BytesIO()
    writer.write(out)
    started = time.monotonic()
    reading = read_demand(out.getvalue()).as_json()
    assert time.monotonic() - started < 30  # bounded by MAX_PAGES and MAX_SECONDS, not by the file
    assert reading["pages_total"] == 500 and reading["pages_read"] <= 40
    assert any(m["code"] == "truncated" and "500 pages" in m["text"] for m in reading["messages"])


def test_extract_endpoint_returns_every_prefilled_field_matched_against_the_registry(people):
    make_provider("Lexi voip")
    make_campaign("Utility-30MinDisconnect", "utility")
    client = APIClient()
    verified_login(client, people.tess)
    upload = SimpleUploadedFile("oh.pdf", pdf_of("oh_cid_schedule_a_period"))
    body = client.post("/api/demands/extract/", {"document": upload}, format="multipart").json()
    assert set(body["fields"]) >= {"kind", "statute", "issuing_authority", "date_issued", "date_served",
                                   "response_days", "response_day_kind"}  # fmt: skip
    assert body["requests"][0]["campaigns"] == ["Utility-30MinDisconnect"]
    assert "13 March 2026" in body["fields"]["response_days"]["note"]  # computed in the uploader's state (TX)
    tx = client.post(
        "/api/demands/extract/", {"document": SimpleUploadedFile("tx.pdf", pdf_of("tx_cid_request_no"))}
    )
    assert tx.json()["requests"][1]["providers"][0]["match"]["name"] == "Lexi voip"


def test_the_review_page_fills_sure_values_and_only_offers_unsure_ones(client, people):
    text = ("SUBPOENA\nThese records concern Fla. Stat. § 501.206 and related law.\nIssued: March 2, 2026\n"
            "REQUEST NO. 1: All records of calls from (214) 555-0142.")  # fmt: skip
    verified_login(client, people.tess)
    response = client.post("/demands/new/", {"document": SimpleUploadedFile("s.pdf", pdf_bytes(text))})
    page = client.get(response["Location"]).content.decode()
    assert 'name="date_issued" value="2026-03-02"' in page  # labelled: filled
    assert 'name="statute"' in page and 'name="statute" value=' not in page  # no "pursuant to": offered
    assert "offered, not filled" in page and 'data-value="Fla. Stat. § 501.206"' in page
    assert "page 1:" in page


def test_the_duplicate_confirmation_box_appears_only_beside_a_duplicate(client, people):
    verified_login(client, people.tess)
    response = client.post(
        "/demands/new/", {"document": SimpleUploadedFile("s.pdf", pdf_of("fl_subpoena_request_colon"))}
    )
    page = client.get(response["Location"]).content.decode()
    assert "I checked the possible duplicate" not in page and 'type="hidden" name="confirm_duplicate"' in page
