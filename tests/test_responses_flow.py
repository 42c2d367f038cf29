"""Responsive evidence, the signed package, corrections and delivery: the services end to end."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from pypdf import PdfReader

from itg.audit.models import AuditEvent
from itg.pdf import read_embedded_files
from itg.signing import verify_pdf
from subpoenas.models import DemandRequest, LegalDemand
from subpoenas.responses import evidence, services
from subpoenas.responses.models import BatesCounter, EvidenceLink, IssuedDocument, Response
from subpoenas.responses.verification import trust_roots
from tests.factories import make_campaign, make_provider
from tests.responses_helpers import in_progress_demand, make_completed_traceback, pdf_text, poppler
from tracebacks.models import Traceback

pytestmark = pytest.mark.usefixtures("dev_signing")
S = LegalDemand.Status


def ready_demand(people, n: int = 2) -> tuple[LegalDemand, list]:
    """A TX demand: request 1 (a number) produces n tracebacks; request 2 is objected to."""
    demand = in_progress_demand(phone_numbers=["+12145550142"])
    DemandRequest.objects.create(demand=demand, number=2, text="All revenue records of every provider.")
    tracebacks = [make_completed_traceback(by=people.ivy) for _ in range(n)]
    first, second = demand.requests.order_by("number")
    evidence.evidence_propose(request=first, by=people.ivy)
    evidence.request_answer_set(request=first, kind="produced", by=people.ivy)
    evidence.request_answer_set(
        request=second, kind="objection", objection="Overbroad and unduly burdensome.", by=people.ivy
    )
    return demand, tracebacks


def signed_bytes(response: Response) -> bytes:
    with default_storage.open(response.document.storage_key, "rb") as f:
        return f.read()


def stored_files(settings) -> list:
    return (
        sorted(p for p in (settings.MEDIA_ROOT / "issued").rglob("*.pdf"))
        if (settings.MEDIA_ROOT / "issued").exists()
        else []
    )


# --- Responsive records ---------------------------------------------------------------------------------


def test_proposal_matches_numbers_window_providers_and_campaigns(people):
    acme, other = make_provider("Acme Voice LLC"), make_provider("Other Telecom")
    ssa = make_campaign("SSA-CalltheSSA")
    irs = make_campaign("IRS-Arrest", "irs")
    # 23:30 in Austin on Jan 31 is Feb 1 in UTC: inside a window ending Jan 31, by the issuing state's calendar.
    late = dt.datetime(2026, 2, 1, 5, 30, tzinfo=dt.UTC)
    hit_calling = make_completed_traceback(
        calling="+12145550142", call_at=late, campaign=ssa, providers=[other, acme]
    )
    hit_called = make_completed_traceback(
        calling="+13125550000", called="+12145550142", campaign=ssa, providers=[acme]
    )
    wrong_provider = make_completed_traceback(campaign=ssa, providers=[other])
    wrong_campaign = make_completed_traceback(campaign=irs, providers=[acme])
    too_late = make_completed_traceback(
        call_at=dt.datetime(2026, 2, 1, 6, 30, tzinfo=dt.UTC), campaign=ssa, providers=[acme]
    )
    demand = in_progress_demand(
        phone_numbers=["(214) 555-0142"], date_from=dt.date(2026, 1, 1), date_to=dt.date(2026, 1, 31),
        providers=["acme voice"], campaigns=["ssa-callthessa"],
    )  # fmt: skip
    request = demand.requests.get(number=1)

    query = evidence.evidence_propose(request=request, by=people.ivy)

    assert sorted(query.result_ids) == sorted([hit_calling.pk, hit_called.pk])
    assert {wrong_provider.pk, wrong_campaign.pk, too_late.pk}.isdisjoint(query.result_ids)
    assert query.criteria["phone_numbers"] == ["+12145550142"]
    assert query.criteria["time_zone"] == "America/Chicago"
    assert query.criteria["providers"][0]["matched"] == [{"id": acme.pk, "name": "Acme Voice LLC"}]
    assert "calling or called number is +12145550142" in query.description
    assert "a hop's provider is “acme voice” (Acme Voice LLC)" in query.description
    links = EvidenceLink.objects.filter(request=request)
    assert {link.traceback_id for link in links} == set(query.result_ids)
    assert {link.source for link in links} == {"proposed"}
    event = AuditEvent.objects.get(action="evidence.proposed")
    assert event.changes["found"] == 2 and event.actor_email == people.ivy.email


def test_an_unmatched_provider_matches_nothing_not_everything(people):
    make_completed_traceback()
    request = in_progress_demand(phone_numbers=[], providers=["Nobody Telecom"]).requests.get(number=1)

    query = evidence.evidence_propose(request=request, by=people.ivy)

    assert query.result_ids == [] and "(no match in the records)" in query.description


def test_staff_review_removes_and_adds_and_rerun_keeps_both_queries(people):
    demand, (a, b) = ready_demand(people)
    request = demand.requests.get(number=1)
    extra = make_completed_traceback(calling="+19995550000")
    evidence.request_answer_set(request=request, kind="produced", by=people.ivy)

    evidence.evidence_remove(link=EvidenceLink.objects.get(request=request, traceback=a), by=people.ivy)
    evidence.evidence_add(request=request, traceback_id=extra.pk, by=people.ivy)
    with pytest.raises(ValidationError, match="already linked"):
        evidence.evidence_add(request=request, traceback_id=extra.pk, by=people.ivy)
    with pytest.raises(ValidationError, match="no traceback 999999"):
        evidence.evidence_add(request=request, traceback_id=999999, by=people.ivy)
    evidence.evidence_propose(request=request, by=people.ivy)  # re-run: a comes back as proposed

    assert set(EvidenceLink.objects.filter(request=request).values_list("traceback_id", flat=True)) == {
        a.pk,
        b.pk,
        extra.pk,
    }
    assert request.evidence_queries.count() == 2
    assert AuditEvent.objects.filter(action="evidence.unlinked").count() == 1
    assert AuditEvent.objects.filter(action="evidence.linked").count() == 1


def test_answers_are_checked(people):
    demand, _ = ready_demand(people)
    first, second = demand.requests.order_by("number")
    with pytest.raises(ValidationError, match="State the objection"):
        evidence.request_answer_set(request=second, kind="objection", objection="  ", by=people.ivy)
    with pytest.raises(ValidationError, match="No records are linked"):
        evidence.request_answer_set(request=second, kind="produced", by=people.ivy)
    with pytest.raises(ValidationError, match="Records are linked"):
        evidence.request_answer_set(request=first, kind="none", by=people.ivy)
    with pytest.raises(Exception, match="Only ITG staff"):
        evidence.request_answer_set(request=first, kind="produced", by=people.tess)


# --- The signed package ---------------------------------------------------------------------------------


def test_prepared_response_is_signed_valid_and_holds_every_record_and_answer(
    people, tmp_path, settings, on_commit
):
    demand, tracebacks = ready_demand(people, n=3)
    settings.ITG_CUSTODIAN_NAME = "Pat Keeper"

    with on_commit():
        response = services.response_prepare(demand=demand, by=people.ivy)  # the task runs eagerly on commit

    response.refresh_from_db()
    demand.refresh_from_db()
    assert response.status == Response.Status.SIGNED and response.progress == 100
    assert demand.status == S.RESPONSE_SIGNED
    pdf = signed_bytes(response)
    result = verify_pdf(pdf, trust_roots())
    assert result.valid_overall and result.intact and result.valid and result.trusted
    assert result.acceptable and result.covers_whole_document
    path = tmp_path / "response.pdf"
    path.write_bytes(pdf)
    pdfsig = poppler("pdfsig", str(path))
    assert "Signature is Valid" in pdfsig and "Total document signed" in pdfsig
    text = pdf_text(pdf, tmp_path)
    for tb in tracebacks:
        assert f"TB-{tb.pk:07d}" in text
    assert "Answer: Responsive records produced." in text
    assert "Answer: Objection." in text and "Overbroad and unduly burdensome." in text
    flat = " ".join(text.split())
    assert "Certification of records" in text
    assert f"I, Pat Keeper, am the {settings.ITG_CUSTODIAN_TITLE}" in flat
    assert "DEVELOPMENT SIGNATURE" in text
    doc = response.document
    assert doc.bates_first == 1 and doc.is_development and doc.demand_id == demand.pk
    for n in range(doc.bates_first, doc.bates_last + 1):
        assert f"ITG-{demand.tracking_number}-{n:06d}" in text
    pages = doc.bates_last - doc.bates_first + 1
    assert f"Page {pages} of {pages}" in text
    files = read_embedded_files(pdf)
    csv_name, json_name = (f"ITG-{demand.tracking_number}-v1-records.{ext}" for ext in ("csv", "json"))
    for name in (csv_name, json_name):
        assert hashlib.sha256(files[name]).hexdigest() in text.replace(
            "\n", ""
        )  # the manifest, under the signature
    produced = json.loads(files[json_name])["tracebacks"]
    assert sorted(t["id"] for t in produced) == sorted(f"TB-{tb.pk:07d}" for tb in tracebacks)
    assert files[csv_name].decode().count("\r\n") == 1 + 3 * 3  # header + 3 hops each
    assert AuditEvent.objects.filter(action="response.signed", object_id=str(response.pk)).count() == 1
    assert AuditEvent.objects.filter(action="demand.sign_response").count() == 1


def test_exhibits_are_ruled_tables_in_the_page_each_hop_on_one_line(people, tmp_path, on_commit):
    """Issue 13 item 3: exhibits as tables (no monospaced text), each hop's provider and times on one line,
    no value split, nothing past the right margin."""
    names = ["Lone Star Interconnect LLC", "Gulf Coast Voice Exchange Inc", "Robo Origin Telecom LLC"]
    providers = [make_provider(name) for name in names]
    demand = in_progress_demand(phone_numbers=["+12145550142"])
    tb = make_completed_traceback(by=people.ivy, providers=providers)
    request = demand.requests.get(number=1)
    evidence.evidence_propose(request=request, by=people.ivy)
    evidence.request_answer_set(request=request, kind="produced", by=people.ivy)
    with on_commit():
        response = services.response_prepare(demand=demand, by=people.ivy)
    response.refresh_from_db()
    pdf = signed_bytes(response)
    lines = pdf_text(pdf, tmp_path).splitlines()
    for n, provider in enumerate(providers, start=1):
        asked = (tb.call_at + dt.timedelta(hours=n)).strftime("%Y-%m-%d %H:%M")
        answered = (tb.call_at + dt.timedelta(hours=n, minutes=120)).strftime("%Y-%m-%d %H:%M")
        row = [line for line in lines if provider.business_name in line and asked in line]
        assert len(row) == 1, f"hop {n}: {provider.business_name} and {asked} not on one line"
        assert f"({provider.rmd_number})" in row[0] and answered in row[0]
        assert ("Customer identified" if n == 3 else f"Upstream named (hop {n + 1})") in row[0]
    assert any("Provider (RMD number)" in line and "Asked (UTC)" in line for line in lines)  # column names
    assert any(
        f"TB-{tb.pk:07d}" in line and "SSA" in line for line in lines if "Exhibit" not in line
    )  # index
    (tmp_path / "r.pdf").write_bytes(pdf)
    assert "Mono" not in poppler("pdffonts", str(tmp_path / "r.pdf"))  # no monospaced text anywhere
    # Every word inside the page's right margin (letter, 2 cm margins: text ends by 612 - 56.7 pt).
    bbox = poppler("pdftotext", "-bbox", str(tmp_path / "r.pdf"), "-")
    right_edges = [float(x) for x in re.findall(r'<word xMin="[\d.]+" yMin="[\d.]+" xMax="([\d.]+)"', bbox)]
    assert right_edges and max(right_edges) <= 612 - 56.6


def test_a_one_byte_change_to_the_signed_response_is_reported_altered(people, on_commit):
    from tests.responses_helpers import flip_one_byte

    demand, _ = ready_demand(people)
    with on_commit():
        response = services.response_prepare(demand=demand, by=people.ivy)
    response.refresh_from_db()

    result = verify_pdf(flip_one_byte(signed_bytes(response)), trust_roots())

    assert not result.intact and not result.valid_overall and not result.acceptable


def test_the_signing_task_run_twice_leaves_one_signed_version(people, settings, monkeypatch, on_commit):
    demand, _ = ready_demand(people)
    with on_commit():
        response = services.response_prepare(demand=demand, by=people.ivy)
    response.refresh_from_db()

    assert services.response_render_and_sign(response_id=response.pk) is None  # a duplicate delivery: no-op
    # Two workers that both got past the claim (a redelivery racing the first run): one document survives.
    monkeypatch.setattr(services, "_claim", lambda pk: Response.objects.select_related("demand").get(pk=pk))
    services.response_render_and_sign(response_id=response.pk)

    response.refresh_from_db()
    assert response.status == Response.Status.SIGNED
    assert IssuedDocument.objects.filter(demand=demand).count() == 1
    assert stored_files(settings) == [settings.MEDIA_ROOT / response.document.storage_key]
    assert BatesCounter.objects.get(demand=demand).last == response.document.bates_last
    assert AuditEvent.objects.filter(action="response.signed").count() == 1


def test_a_failure_during_signing_leaves_the_demand_as_it_was(people, settings, monkeypatch, on_commit):
    demand, _ = ready_demand(people)

    def broken_sign(*args, **kwargs):
        raise OSError("HSM unreachable")

    monkeypatch.setattr("itg.signing.SignerConfig.sign", broken_sign)
    with on_commit():
        response = services.response_prepare(demand=demand, by=people.ivy)

    response.refresh_from_db()
    demand.refresh_from_db()
    assert response.status == Response.Status.FAILED and "HSM unreachable" in response.error
    assert demand.status == S.RESPONSE_READY  # as it was before signing: not signed, not moved back
    assert not IssuedDocument.objects.exists() and stored_files(settings) == []
    assert not BatesCounter.objects.filter(demand=demand, last__gt=0).exists()
    assert AuditEvent.objects.filter(action="response.sign_failed", outcome="failed").count() == 1

    monkeypatch.undo()
    with on_commit():
        services.response_retry(response=response, by=people.ivy)
    response.refresh_from_db()
    assert response.status == Response.Status.SIGNED and response.document.bates_first == 1


def test_bates_numbers_are_gapless_and_never_reused_across_versions(people, tmp_path, on_commit):
    demand, _ = ready_demand(people)
    with on_commit():
        first = services.response_prepare(demand=demand, by=people.ivy)
    first.refresh_from_db()
    with on_commit():
        services.response_deliver(response=first, by=people.ivy)
    demand.refresh_from_db()
    assert demand.status == S.DELIVERED
    with pytest.raises(ValidationError, match="Say why"), on_commit():
        services.response_prepare(demand=demand, by=people.ivy)
    make_completed_traceback(calling="+12145550142")
    evidence.evidence_propose(request=demand.requests.get(number=1), by=people.ivy)

    with on_commit():
        second = services.response_prepare(demand=demand, by=people.ivy, reason="Two calls were missed.")

    second.refresh_from_db()
    one, two = first.document, second.document
    assert two.bates_first == one.bates_last + 1
    assert BatesCounter.objects.get(demand=demand).last == two.bates_last
    text = pdf_text(signed_bytes(second), tmp_path)
    numbers = [int(n) for n in re.findall(rf"ITG-{demand.tracking_number}-(\d{{6}})", text)]
    assert sorted(set(numbers)) == list(range(two.bates_first, two.bates_last + 1))
    assert "Two calls were missed." in text and "version 2" in text
    first.refresh_from_db()
    assert first.status == Response.Status.DELIVERED and first.document.sha256 == one.sha256  # never changed


def test_a_response_rendered_in_parts_is_one_signed_gapless_package(people, tmp_path, settings, on_commit):
    """A long response is laid out in parts side by side (issue 13 item 3's speed target) and joined: the
    reader gets the same package as from one render, one Bates range, every exhibit, the data files."""
    settings.RESPONSE_EXHIBITS_PER_PART, settings.RESPONSE_RENDER_WORKERS = 1, 2  # 3 exhibits: 4 parts
    demand, tracebacks = ready_demand(people, n=3)
    with on_commit():
        first = services.response_prepare(demand=demand, by=people.ivy)
    first.refresh_from_db()
    with on_commit():
        services.response_deliver(response=first, by=people.ivy)
    make_completed_traceback(calling="+12145550142")
    evidence.evidence_propose(request=demand.requests.get(number=1), by=people.ivy)
    with on_commit():
        second = services.response_prepare(demand=demand, by=people.ivy, reason="One call was missed.")

    second.refresh_from_db()
    one, two = first.document, second.document
    assert second.status == Response.Status.SIGNED and two.bates_first == one.bates_last + 1
    pdf = signed_bytes(second)
    result = verify_pdf(pdf, trust_roots())
    assert result.acceptable and result.covers_whole_document
    reader = PdfReader(BytesIO(pdf))
    pages = two.bates_last - two.bates_first + 1
    assert len(reader.pages) == pages >= 5  # letter and Part I, one page a part of exhibits, III and IV
    (tmp_path / "r.pdf").write_bytes(pdf)
    pdfsig = poppler("pdfsig", str(tmp_path / "r.pdf"))  # an independent reader of the joined file
    assert "Signature is Valid" in pdfsig and "Total document signed" in pdfsig
    for n in range(1, pages + 1):
        text = poppler("pdftotext", "-f", str(n), "-l", str(n), "-layout", str(tmp_path / "r.pdf"), "-")
        assert f"ITG-{demand.tracking_number}-{two.bates_first + n - 1:06d}" in text
        assert f"Page {n} of {pages}" in text and "version 2" in text
    text = pdf_text(pdf, tmp_path)
    labels = [f"TB-{tb.pk:07d}" for tb in Traceback.objects.order_by("pk")]
    assert len(labels) == 4 and all(text.count(label) >= 2 for label in labels)  # exhibit and index
    assert "One call was missed." in text and "Certification of records" in text
    files = read_embedded_files(pdf)
    assert sorted(files) == [f"ITG-{demand.tracking_number}-v2-records.{ext}" for ext in ("csv", "json")]
    flat = text.replace("\n", "")
    assert all(hashlib.sha256(data).hexdigest() in flat for data in files.values())
    assert b'pdfaid:part="3"' in reader.xmp_metadata.stream.get_data()
    part_two = [item for item in reader.outline if not isinstance(item, list)][1]
    children = reader.outline[reader.outline.index(part_two) + 1]
    assert [c.title.split(":")[0] for c in children] == [f"Exhibit {n}" for n in range(1, 5)]


def test_preparing_needs_every_request_answered(people, on_commit):
    demand = in_progress_demand()
    with pytest.raises(ValidationError, match="request 1 has no answer"), on_commit():
        services.response_prepare(demand=demand, by=people.ivy)
    assert not Response.objects.exists()
    demand.refresh_from_db()
    assert demand.status == S.IN_PROGRESS


def test_delivery_notifies_the_issuing_office(people, mailoutbox, on_commit):
    from itg.notifications.models import Notification

    demand, _ = ready_demand(people)
    with on_commit():
        response = services.response_prepare(demand=demand, by=people.ivy)
    response.refresh_from_db()
    mailoutbox.clear()
    before = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    with on_commit():
        services.response_deliver(response=response, by=people.ivy)

    notified = set(
        Notification.objects.filter(title__contains="is delivered").values_list("user__email", flat=True)
    )
    assert {people.tess.email, people.sam.email} <= notified
    assert people.carl.email not in notified
    # One notice per person for the delivery, not a second one for the status change behind it.
    sent = list(Notification.objects.filter(pk__gt=before).values_list("user__email", "title"))
    assert all("is delivered" in title for _, title in sent), sent
    assert any(demand.tracking_number in m.subject and "contact@example.org" in m.to for m in mailoutbox)
    with pytest.raises(ValidationError, match="Only a signed version"), on_commit():
        services.response_deliver(response=response, by=people.ivy)


def test_the_demo_leaves_a_delivered_demand_with_a_signed_response(db, on_commit):
    from itg.accounts.demo import seed_people
    from subpoenas.responses.demo import DEMO_CAPTION, seed_responses

    seed_people()
    made = [make_completed_traceback() for _ in range(2)]
    with on_commit():
        response = seed_responses()

    response.refresh_from_db()
    assert response.status == Response.Status.DELIVERED and response.demand.caption == DEMO_CAPTION
    assert response.demand.status == S.DELIVERED
    assert verify_pdf(signed_bytes(response), trust_roots()).acceptable
    assert set(made) <= {
        link.traceback for link in EvidenceLink.objects.filter(request__demand=response.demand)
    }
    assert seed_responses() is None  # idempotent
    assert Response.objects.count() == 1


def test_the_demo_certification_names_a_custodian_not_the_undersigned():
    from django.conf import settings

    # The embedded default (demo, development) names one; production refuses to start without one
    # (tests/test_settings.py).
    assert settings.ITG_CUSTODIAN_NAME.strip() and "undersigned" not in settings.ITG_CUSTODIAN_NAME
