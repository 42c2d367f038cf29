"""Findings as evidence (issue 11 item 5): a request about providers' conduct answered from the findings,
re-runnable, produced as an exhibit of the signed response, seen only by the demand's parties."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage

from itg.audit.models import AuditEvent
from itg.pdf import read_embedded_files
from subpoenas.models import DemandRequest
from subpoenas.responses import evidence, services
from subpoenas.responses.models import EvidenceLink, EvidenceQuery
from tests import ecosystem_world
from tests.factories import verified_login
from tests.responses_helpers import in_progress_demand, pdf_text
from tracebacks.ecosystem import findings as engine
from tracebacks.ecosystem.findings import Thresholds
from tracebacks.ecosystem.models import FindingSettings

pytestmark = pytest.mark.usefixtures("dev_signing")
K = EvidenceQuery.Kind
# The request as one state's subpoena put it to the ITG.
UNANSWERED_TEXT = (
    "Identify all voice service providers that failed to respond to traceback requests within 24 hours, "
    "with the traceback requests concerned."
)
HISTORY_TEXT = "Produce the traceback history of Silent Transit LLC: every traceback request sent to it."
W = ecosystem_world.WINDOW


@pytest.fixture
def world(db):
    return ecosystem_world.build()


def findings_demand(text: str = UNANSWERED_TEXT, **scope):
    """A TX demand in progress whose request 1 asks `text`, dated over the world's window."""
    return in_progress_demand(text=text, date_from=W.start, date_to=W.end, **scope)


def test_the_request_text_suggests_the_findings_query(world):
    demand = findings_demand()
    assert evidence.suggested_kind(demand.requests.get(number=1)) == K.FINDINGS_UNANSWERED
    other = DemandRequest.objects.create(
        demand=demand, number=2, text=HISTORY_TEXT, providers=["Silent Transit"]
    )
    assert evidence.suggested_kind(other) == K.PROVIDER_HISTORY
    calls = DemandRequest.objects.create(
        demand=demand, number=3, text="All records of calls from +12025550100."
    )
    assert evidence.suggested_kind(calls) == K.SCOPE


def test_unanswered_findings_answer_the_request_with_the_tracebacks_behind_them(world, people):
    request = findings_demand().requests.get(number=1)

    query = evidence.evidence_propose(request=request, by=people.ivy, kind=K.FINDINGS_UNANSWERED)

    expected = [f for f in engine.findings(W, Thresholds()) if f.criterion == "a"]
    assert {f.provider_id for f in expected} == world.expected["a"]  # the planted ones, no near miss
    rows = {r["provider_id"]: r for r in query.result_rows}
    assert set(rows) == world.expected["a"]
    for f in expected:
        row = rows[f.provider_id]
        assert (row["count"], row["threshold"], row["traceback_ids"], row["rule"]) == (
            f.count, 3, f.traceback_ids, f.rule
        )  # fmt: skip
    assert rows[world.pa.pk]["count"] == 3 and rows[world.pnr.pk]["no_rmd"] is True
    ids = sorted({pk for f in expected for pk in f.traceback_ids})
    assert query.result_ids == ids and query.result_count == len(ids)
    assert sorted(EvidenceLink.objects.filter(request=request).values_list("traceback_id", flat=True)) == ids
    assert query.criteria["since"] == "2025-12-01" and query.criteria["thresholds"]["a"] == 3
    assert "criterion (a)" in query.description and "24-hour clock" in query.description
    event = AuditEvent.objects.get(action="evidence.proposed")
    assert event.changes["kind"] == K.FINDINGS_UNANSWERED and event.changes["rows"] == 2


def test_rerunning_the_saved_query_gives_the_same_rows_even_after_the_settings_change(world, people):
    request = findings_demand().requests.get(number=1)
    query = evidence.evidence_propose(request=request, by=people.ivy, kind=K.FINDINGS_UNANSWERED)
    FindingSettings.objects.update(threshold_a=4)  # the administrator raises the line afterwards

    ids, rows = evidence.query_rerun(EvidenceQuery.objects.get(pk=query.pk))

    assert rows == query.result_rows and ids == query.result_ids  # the saved query: its own thresholds
    fresh = evidence.evidence_propose(request=request, by=people.ivy, kind=K.FINDINGS_UNANSWERED)
    # Proposing again reads today's thresholds: Silent Transit's 3 are now under the line; the unfiled
    # provider still meets (a) whatever its count.
    assert {r["provider_id"] for r in fresh.result_rows} == {world.pnr.pk}
    assert EvidenceQuery.objects.filter(request=request).count() == 2


def test_a_providers_traceback_history_is_its_record_and_findings(world, people):
    demand = findings_demand(text=HISTORY_TEXT, providers=["Silent Transit LLC", "Almost Silent Inc"])
    request = demand.requests.get(number=1)

    query = evidence.evidence_propose(request=request, by=people.ivy, kind=K.PROVIDER_HISTORY)

    rows = {r["provider_name"]: r for r in query.result_rows}
    silent, almost = rows["Silent Transit LLC"], rows["Almost Silent Inc"]
    assert (silent["tracebacks"], silent["unanswered"], silent["on_time"]) == (3, 3, 0)
    assert [f["criterion"] for f in silent["findings"]] == ["a"]
    # In the window: a no response, a refusal, a late "no record" (the fourth is before the window).
    assert (almost["tracebacks"], almost["unanswered"], almost["late"], almost["no_record"]) == (3, 2, 1, 1)
    assert almost["findings"] == []  # the near miss meets nothing
    assert query.result_ids == sorted(silent["traceback_ids"] + almost["traceback_ids"])
    assert evidence.query_rerun(query) == (query.result_ids, query.result_rows)


def test_a_history_request_naming_no_known_provider_is_refused_and_saves_nothing(world, people):
    request = findings_demand(text=HISTORY_TEXT, providers=["Nobody Telecom"]).requests.get(number=1)
    with pytest.raises(ValidationError, match="names no provider the registry knows"):
        evidence.evidence_propose(request=request, by=people.ivy, kind=K.PROVIDER_HISTORY)
    with pytest.raises(ValidationError, match="Choose how to propose"):
        evidence.evidence_propose(request=request, by=people.ivy, kind="everything")
    assert not EvidenceQuery.objects.exists() and not EvidenceLink.objects.exists()


def signed_response(people, on_commit):
    demand = findings_demand()
    request = demand.requests.get(number=1)
    query = evidence.evidence_propose(request=request, by=people.ivy, kind=K.FINDINGS_UNANSWERED)
    evidence.request_answer_set(request=request, kind="produced", by=people.ivy)
    with on_commit():
        response = services.response_prepare(demand=demand, by=people.ivy)
    response.refresh_from_db()
    return demand, query, response


def test_the_signed_response_produces_the_findings_as_an_exhibit(world, people, on_commit, tmp_path):
    demand, query, response = signed_response(people, on_commit)
    with default_storage.open(response.document.storage_key, "rb") as f:
        pdf = f.read()

    text = pdf_text(pdf, tmp_path)
    flat = " ".join(text.split())
    assert "Exhibit F1 (request 1)" in flat and "answered from the ITG's findings" in flat
    assert "Silent Transit LLC" in text and "Unfiled Carrier Co (no RMD filing)" in text
    for pk in query.result_ids:
        assert f"TB-{pk:07d}" in text  # each traceback behind the findings, and reproduced as a record
    assert response.snapshot["requests"][0]["findings"]["rows"] == query.result_rows  # frozen
    files = read_embedded_files(pdf)
    rows = list(csv.DictReader(io.StringIO(files[f"ITG-{demand.tracking_number}-v1-findings.csv"].decode())))
    assert [(r["provider_name"], r["count"], r["threshold"]) for r in rows] == [
        (r["provider_name"], str(r["count"]), "3") for r in query.result_rows
    ]
    assert rows[0]["traceback_ids"].split() == [
        f"TB-{pk:07d}" for pk in query.result_rows[0]["traceback_ids"]
    ]


ROLES = {"tess": 200, "sam": 200, "carl": 404, "nora": 404, "ivy": 200, "aldo": 403}


@pytest.mark.parametrize("who", sorted(ROLES))
def test_only_the_demands_parties_see_the_findings_exhibit(world, people, client, on_commit, who):
    demand, query, response = signed_response(people, on_commit)
    user = getattr(people, who)
    verified_login(client, user)
    page = client.get(f"/responses/demand/{demand.pk}/")
    if who in ("tess", "sam"):  # the requesting office: nothing before delivery
        assert "Silent Transit LLC" not in page.content.decode()
    with on_commit():
        services.response_deliver(response=response, by=people.ivy)

    page = client.get(f"/responses/demand/{demand.pk}/")
    download = client.get(f"/responses/version/{response.pk}/download/")

    assert page.status_code == download.status_code == ROLES[who]
    body = page.content.decode()
    if ROLES[who] == 200:
        assert "Silent Transit LLC" in body and "Unfiled Carrier Co" in body
        assert "no RMD filing" in body
    else:
        assert "Silent Transit LLC" not in body


def test_staff_answer_from_the_findings_through_the_page(world, people, client):
    demand = findings_demand()
    request = demand.requests.get(number=1)
    verified_login(client, people.ivy)
    page = client.get(f"/responses/demand/{demand.pk}/").content.decode()
    assert 'value="findings_unanswered" class="primary"' in page  # the text asks for it: offered first

    client.post(f"/responses/request/{request.pk}/propose/", {"kind": "findings_unanswered"})

    page = client.get(f"/responses/demand/{demand.pk}/").content.decode()
    assert "Silent Transit LLC" in page and "Unfiled Carrier Co" in page and "Almost Silent Inc" not in page
    assert EvidenceQuery.objects.get(request=request).kind == K.FINDINGS_UNANSWERED
    verified_login(client, people.tess)
    refused = client.post(f"/responses/request/{request.pk}/propose/", {"kind": "findings_unanswered"})
    assert refused.status_code in (403, 404) and EvidenceQuery.objects.count() == 1


def test_findings_window_defaults_to_the_findings_settings(world, people):
    demand = in_progress_demand(text=UNANSWERED_TEXT)
    criteria = evidence.findings_criteria(demand.requests.get(number=1), K.FINDINGS_UNANSWERED)
    until = date.fromisoformat(criteria["until"])
    assert date.fromisoformat(criteria["since"]) == engine.months_back(until, 12)
    assert criteria["provider_ids"] is None
