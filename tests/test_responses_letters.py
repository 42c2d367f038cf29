"""Notice letters in responses (issue 11 item 6): when a response answers from the findings, the signed letters
sent to the providers it names are part of the evidence: listed beside the findings (date sent, reference,
rule cited, acknowledgement), printed in the PDF, embedded in it as signed, and downloadable through the
delivered response by those who may see it, and by no one else."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext

from itg.audit.models import AuditEvent
from itg.pdf import read_embedded_files
from providers.services import provider_token_create
from subpoenas.responses import evidence, services
from subpoenas.responses.models import EvidenceQuery
from tests import ecosystem_world
from tests.factories import verified_login
from tests.responses_helpers import in_progress_demand, pdf_text
from tracebacks.ecosystem.letters import services as letters
from tracebacks.ecosystem.models import NoticeLetter

pytestmark = pytest.mark.usefixtures("dev_signing")
W = ecosystem_world.WINDOW
UNANSWERED_TEXT = (
    "Identify all voice service providers that failed to respond to traceback requests within 24 hours, "
    "with the traceback requests concerned."
)
BEFORE = dt.datetime(2025, 11, 10, 15, tzinfo=dt.UTC)  # before the findings' window (December 2025 on)
WITHIN = dt.datetime(2026, 6, 1, 14, tzinfo=dt.UTC)
ACKNOWLEDGED = dt.datetime(2026, 6, 3, 9, 30, tzinfo=dt.UTC)


@pytest.fixture
def world(db):
    return ecosystem_world.build()


@pytest.fixture
def sent(world, people):
    """Silent Transit (found under (a)) was sent a notice before the window and one within it, acknowledged
    through its link; the terminating provider was sent a downstream letter about Silent Transit (notice to
    it, not to Silent Transit: not evidence of Silent Transit's notice)."""
    window = ecosystem_world.WINDOW
    early, downstream = letters.letters_send(
        by=people.ivy, about=world.pa, window=window, at=BEFORE,
        addressees=[letters.Addressee("notice", world.pa), letters.Addressee("downstream", world.term)],
    )  # fmt: skip
    [later] = letters.letters_send(by=people.ivy, about=world.pa, window=window, at=WITHIN,
                                   addressees=[letters.Addressee("notice", world.pa)])  # fmt: skip
    letters.letter_acknowledge(letter=later, provider=world.pa, name="Pat Silent, Compliance", at=ACKNOWLEDGED,
                               via=NoticeLetter.Via.LINK, actor_email=f"link:{later.to_email}")  # fmt: skip
    return early, later, downstream


def _prepared(people, on_commit):
    demand = in_progress_demand(text=UNANSWERED_TEXT, date_from=W.start, date_to=W.end)
    request = demand.requests.get(number=1)
    evidence.evidence_propose(request=request, by=people.ivy, kind=EvidenceQuery.Kind.FINDINGS_UNANSWERED)
    evidence.request_answer_set(request=request, kind="produced", by=people.ivy)
    with on_commit():
        response = services.response_prepare(demand=demand, by=people.ivy)
    response.refresh_from_db()
    return demand, response


@pytest.fixture
def signed(sent, people, on_commit):
    demand, response = _prepared(people, on_commit)
    assert response.status == "signed", response.error
    return demand, response, sent


def _deliver(people, on_commit, response):
    with on_commit():
        services.response_deliver(response=response, by=people.ivy)


def _pdf(response) -> bytes:
    with default_storage.open(response.document.storage_key, "rb") as handle:
        return handle.read()


def test_the_snapshot_freezes_every_letter_sent_to_the_findings_providers(signed, world):
    _demand, response, (early, later, downstream) = signed
    findings = response.snapshot["requests"][0]["findings"]
    rows = {x["reference"]: x for x in findings["letters"]}
    assert list(rows) == [
        early.reference,
        later.reference,
    ]  # oldest first; the downstream letter is not there
    assert downstream.reference not in rows
    first, second = rows[early.reference], rows[later.reference]
    assert (first["sent_on"], first["provider_id"], first["acknowledged"], first["acknowledged_at"]) == (
        "2025-11-10", world.pa.pk, False, None)  # fmt: skip
    assert second["acknowledged_at"] == ACKNOWLEDGED.isoformat() and second["acknowledged_via"] == "link"
    assert first["rules"][0] == "47 CFR 64.1200(n)(1)" and first["sha256"] == early.sha256
    assert findings["letters_as_of"][:10] == response.created_at.date().isoformat()


def test_the_pdf_prints_the_letters_and_embeds_them_as_sent(signed, tmp_path):
    demand, response, (early, later, downstream) = signed
    pdf = _pdf(response)
    flat = " ".join(pdf_text(pdf, tmp_path).split())
    assert "Notice letters sent to these providers up to" in flat
    assert (
        f"2025-11-10 before {early.reference} Silent Transit LLC" in flat
    )  # date, window, reference, provider
    assert f"2026-06-01 within {later.reference}" in flat
    assert "2026-06-03 (link)" in flat and "Not acknowledged" in flat
    assert "Finding (a); 47 CFR" in flat and downstream.reference not in flat  # the rule each letter cited
    assert "with the 2 signed notice letters sent to their providers" in flat
    files = read_embedded_files(pdf)
    for letter in (early, later):
        assert files[f"{letter.reference}.pdf"] == letters.letter_bytes(letter)
        assert letter.sha256 in flat  # Part IV lists its digest, under the response's signature
    assert f"{downstream.reference}.pdf" not in files
    assert f"ITG-{demand.tracking_number}-v1-findings.csv" in files


def test_a_letter_file_that_is_not_the_one_sent_stops_the_render(sent, people, on_commit):
    early = sent[0]
    with default_storage.open(early.storage_key, "wb") as handle:
        handle.write(b"%PDF-1.7 not the letter that was sent")
    _demand, response = _prepared(people, on_commit)
    assert response.status == "failed" and response.document_id is None
    assert f"notice letter {early.reference} is missing or is not the one sent" in response.error


def test_the_requesting_office_downloads_a_cited_letter_once_the_response_is_delivered(
    signed, people, client, on_commit
):
    demand, response, (early, later, downstream) = signed
    url = f"/responses/version/{response.pk}/letters/{early.reference}.pdf"
    verified_login(client, people.tess)
    assert client.get(url).status_code == 404  # signed, not delivered: the office sees nothing yet
    denied = AuditEvent.objects.get(action="letter.download_denied", actor=people.tess)
    assert (denied.object_type, denied.object_id, denied.object_state) == (
        "responses.response", str(response.pk), "TX")  # fmt: skip
    _deliver(people, on_commit, response)

    page = client.get(f"/responses/demand/{demand.pk}/").content.decode()
    download = client.get(url)

    assert f'href="{url}"' in page and "Notice letters sent to these providers" in page
    assert "2026-06-03 (link)" in page and "Not acknowledged" in page
    assert download.status_code == 200 and download.content == letters.letter_bytes(early)
    assert download["Content-Disposition"] == f'attachment; filename="{early.reference}.pdf"'
    assert download["Cache-Control"] == "private, no-store"
    event = AuditEvent.objects.get(action="letter.downloaded", actor=people.tess)
    assert (event.object_id, event.changes["letter"], event.changes["sha256"]) == (
        str(response.pk), early.reference, early.sha256)  # fmt: skip
    # A letter that exists but that this response does not cite: the same 404, recorded.
    assert (
        client.get(f"/responses/version/{response.pk}/letters/{downstream.reference}.pdf").status_code == 404
    )
    refused = AuditEvent.objects.filter(action="letter.download_denied", object_id=downstream.reference).get()
    assert refused.object_state == "TX" and f"response version {response.version}" in refused.reason


# Who may download a cited letter of a delivered response: those who may download the response itself.
ROLES = {"tess": 200, "sam": 200, "carl": 200, "nora": 404, "ivy": 200, "ada": 200, "aldo": 403}


@pytest.mark.parametrize("who", [*sorted(ROLES), "anonymous", "provider"])
def test_who_may_download_a_cited_letter(signed, people, client, on_commit, world, who):
    from cases.services import case_share

    demand, response, (early, _later, _downstream) = signed
    case_share(by=people.ada, case=demand.case, office=people.carl.office)  # California: shared, read only
    _deliver(people, on_commit, response)
    url = f"/responses/version/{response.pk}/letters/{early.reference}.pdf"
    if who == "anonymous":
        got = client.get(url)
        assert got.status_code == 302 and "/accounts/login/" in got["Location"]
        return
    if who == "provider":  # the addressee itself, with its API token: its letters are on the provider API
        token = provider_token_create(by=people.ivy, provider=world.pa)
        got = client.get(url, headers={"authorization": f"Provider {token}"})
        assert got.status_code == 302 and "/accounts/login/" in got["Location"]
        return
    user = getattr(people, who)
    verified_login(client, user)
    got = client.get(url)
    assert got.status_code == ROLES[who]
    if got.status_code == 200:
        assert hashlib.sha256(got.content).hexdigest() == early.sha256
        assert AuditEvent.objects.filter(action="letter.downloaded", actor=user).exists()
    elif got.status_code == 404:
        assert AuditEvent.objects.filter(
            action="letter.download_denied", actor=user, object_state="TX"
        ).exists()
        assert not AuditEvent.objects.filter(action="letter.downloaded", actor=user).exists()


def _more_letters(letter: NoticeLetter, n: int) -> None:
    """Copies of a sent letter's register row (no rendering): the pages read rows, never files."""
    for i in range(n):
        NoticeLetter.objects.create(
            **{f.attname: getattr(letter, f.attname) for f in NoticeLetter._meta.concrete_fields if not f.primary_key}
            | {"reference": f"{letter.reference}-{i}", "sha256": f"{i:064d}", "storage_key": f"{letter.storage_key}-{i}"}
        )  # fmt: skip


def test_the_evidence_list_shows_the_letters_with_constant_queries(sent, world, people, client):
    demand = in_progress_demand(text=UNANSWERED_TEXT, date_from=W.start, date_to=W.end)
    request = demand.requests.get(number=1)
    evidence.evidence_propose(request=request, by=people.ivy, kind=EvidenceQuery.Kind.FINDINGS_UNANSWERED)
    verified_login(client, people.ivy)

    def cost() -> tuple[int, str]:
        with CaptureQueriesContext(connection) as ctx:
            page = client.get(f"/responses/demand/{demand.pk}/")
        return len(ctx.captured_queries), page.content.decode()

    few, page = cost()
    assert sent[0].reference in page and sent[1].reference in page and sent[2].reference not in page
    _more_letters(sent[0], 5)
    many, page = cost()
    assert f"{sent[0].reference}-4" in page
    # session, user, OTP device, demand; audit of the view (chain lock, head, insert); versions; requests,
    # answers, links, proposal queries, the letters to the findings' providers; editable check; unread
    # notifications
    assert few == many <= 15


def test_the_delivered_response_page_reads_no_letters(signed, people, client, on_commit):
    demand, response, (early, _later, _downstream) = signed
    _deliver(people, on_commit, response)
    verified_login(client, people.tess)

    def cost() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert early.reference in client.get(f"/responses/demand/{demand.pk}/").content.decode()
        return len(ctx.captured_queries)

    before = cost()
    _more_letters(early, 5)  # sent after the version was frozen: it lists what it froze, with no query
    assert cost() == before
