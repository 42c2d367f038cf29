"""The findings engine judged on a labelled synthetic history: planted providers of each kind, near misses
just under each threshold, tracebacks just outside the window."""

from __future__ import annotations

import pytest

from tests import ecosystem_world
from tests.ecosystem_world import WINDOW
from tracebacks.ecosystem.findings import CRITERIA, Thresholds, Window, findings, spoofing_flags
from tracebacks.models import Hop

NOW = ecosystem_world.LAST_MINUTE


@pytest.fixture
def world(db):
    return ecosystem_world.build()


def found(result, criterion):
    return {f.provider_id for f in result if f.criterion == criterion}


def test_every_planted_provider_is_found_and_no_other(world, django_assert_num_queries):
    # The session settings (JIT off, work_mem), the foreign and unfiled providers' ids, hops grouped by the
    # facts the criteria read, accepted-from-the-originator, unfiled providers' hops, providers.
    with django_assert_num_queries(6):
        result = findings(WINDOW, Thresholds(), now=NOW)
    for criterion in CRITERIA:
        got, expected = found(result, criterion), world.expected[criterion]
        true_positive = len(got & expected)
        precision = true_positive / len(got) if got else 0
        recall = true_positive / len(expected)
        assert (precision, recall) == (1, 1), (criterion, got, expected)


def test_counts_rules_and_details(world):
    result = {(f.provider_id, f.criterion): f for f in findings(WINDOW, Thresholds(), now=NOW)}
    pa = result[world.pa.pk, "a"]
    assert (pa.count, pa.threshold, pa.rmd_number) == (3, 3, world.pa.rmd_number)
    assert "24-hour clock of 47 CFR 64.1200(n)(1)" in pa.rule and "threshold is 3" in pa.rule
    unfiled = result[world.pnr.pk, "a"]
    assert (
        unfiled.detail["no_rmd"]
        and "Robocall Mitigation Database" in unfiled.rule
        and unfiled.rmd_number == ""
    )
    assert len(unfiled.traceback_ids) == 1
    gateway = result[world.pc.pk, "c"]
    assert gateway.detail == {"declares_gateway": False, "c_attested": 2, "other_attestation": 1}
    assert result[world.pd5.pk, "d"].count == 5


def test_raising_a_threshold_removes_exactly_the_providers_under_it(world):
    base = findings(WINDOW, Thresholds(), now=NOW)
    raised = findings(WINDOW, Thresholds(d=4, b=4), now=NOW)
    assert found(raised, "d") == {world.pd5.pk}  # 3 "no record" answers are now under the line; 5 are not
    assert found(raised, "b") == set()
    # The no-RMD part of (a) has no threshold: raising (a) drops the 3 non-responses only.
    assert found(findings(WINDOW, Thresholds(a=4), now=NOW), "a") == {world.pnr.pk}
    for criterion in ("a", "c"):
        assert found(raised, criterion) == found(base, criterion)
    lowered = findings(WINDOW, Thresholds(a=2, b=2, c=2, d=2), now=NOW)
    assert world.na.pk in found(lowered, "a") and world.nc.pk in found(lowered, "c")
    assert world.nd.pk in found(lowered, "d") and world.nb.pk in found(lowered, "b")


def _supports(hop: Hop, criterion: str, provider_id: int) -> bool:
    """The criterion checked hop by hop in Python, independently of the engine's SQL."""
    if criterion == "a":
        return hop.answer in ("no_response", "refused") or not hop.provider.rmd_number
    if criterion == "b":
        nxt = Hop.objects.filter(traceback=hop.traceback, sequence=hop.sequence + 1).first()
        return (
            hop.role == "originating" or hop.answer == "customer" or bool(nxt and nxt.role == "originating")
        )
    if criterion == "c":
        return bool(hop.upstream and hop.upstream.is_foreign) and not hop.provider.is_foreign
    return hop.answer == "no_record"


def test_each_findings_traceback_ids_support_it(world):
    start, end = WINDOW.bounds
    for f in findings(WINDOW, Thresholds(), now=NOW):
        assert f.traceback_ids == sorted(set(f.traceback_ids))
        if not f.detail.get("no_rmd"):
            assert len(f.traceback_ids) == f.count
        for tb_id in f.traceback_ids:
            hop = Hop.objects.select_related("provider", "upstream").get(
                traceback_id=tb_id, provider_id=f.provider_id
            )
            assert start <= hop.asked_at < end, (f, tb_id)
            assert _supports(hop, f.criterion, f.provider_id), (f, tb_id)


def test_tracebacks_just_outside_the_window_count_when_it_moves(world):
    earlier = Window(WINDOW.start.replace(month=11), WINDOW.end)  # a month earlier: the old ones come in
    assert {world.na.pk, world.nc.pk, world.nd.pk, world.nb.pk} <= {
        f.provider_id for f in findings(earlier, Thresholds(), now=NOW)
    }


def test_a_window_that_ends_before_it_starts_is_refused():
    with pytest.raises(ValueError, match="ends .* before it starts"):
        Window(WINDOW.end, WINDOW.start)


def test_spoofing_red_flags_count_numbers_several_signers_a_attested(world):
    flags = {f.signer: f for f in spoofing_flags(WINDOW)}
    assert set(flags) == {world.signer1.business_name, world.signer2.business_name}
    assert flags[world.signer1.business_name].count == 1  # its other number is its own
    assert flags[world.signer1.business_name].provider_id == world.signer1.pk
    assert {flags[s].traceback_ids[0] for s in flags} == {t.pk for t in world.spoofed}
