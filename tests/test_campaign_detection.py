"""Detected campaigns in the database: full runs, staff decisions that survive them, import assignment."""

from __future__ import annotations

import csv
import datetime as dt
import pathlib
import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from itg.audit.models import AuditEvent
from tracebacks.calls.models import CallRecord
from tracebacks.detection import services, synthetic
from tracebacks.detection.models import Decision, DetectedCampaign, Exclusion, Member

FIXTURES = pathlib.Path(__file__).parent / "fixtures"
S = DetectedCampaign.Status
DAY = dt.datetime(2026, 3, 2, 15, 0, tzinfo=dt.UTC)


def _scripts() -> list[tuple[str, str]]:
    with (FIXTURES / "campaign-scripts.csv").open(encoding="utf-8") as fh:
        return [(r["label"], r["transcript"]) for r in csv.DictReader(fh)]


def add_calls(rows, *, state="TX", source="honeypot", day=DAY) -> dict[str, int]:
    """CallRecords for (id, transcript, label) rows; returns label -> one of its call ids."""
    objs = [
        CallRecord(
            source=source, call_at=day + dt.timedelta(minutes=i), calling_number=f"+1214555{i % 10000:04d}",
            called_state=state, transcript=text, dedupe_key=uuid.uuid4().hex,
        )
        for i, (_id, text, _label) in enumerate(rows)
    ]  # fmt: skip
    created = CallRecord.objects.bulk_create(objs)
    return {label: c.pk for c, (_i, _t, label) in zip(created, rows, strict=True)}


def campaign_of(call_id: int) -> DetectedCampaign | None:
    m = Member.objects.filter(kind="call", object_id=call_id).select_related("detected").first()
    return m.detected if m else None


@pytest.fixture
def world(db):
    scripts = _scripts()[:4]
    rows = synthetic.planted(scripts, per_campaign=6, seed=2)
    one_of = add_calls(rows)
    services.detection_run_full()
    return scripts, one_of


def test_a_full_run_proposes_one_campaign_per_script_with_its_evidence(world):
    scripts, one_of = world
    found = {campaign_of(one_of[label]).pk for label, _ in scripts}
    assert len(found) == 4
    d = campaign_of(one_of[scripts[0][0]])
    assert d.status == S.PROPOSED and d.calls == 6
    assert d.by_source == {"honeypot": 6} and d.by_state == {"TX": 6}
    assert d.first_seen <= d.last_seen
    assert d.phrases and d.representative
    assert all(m.reasons for m in d.members.all())
    assert services.suggest_names(d)[0].split("-")[0]


def test_staff_merge_split_rename_and_move_out_survive_a_full_rerun(world, people):
    scripts, one_of = world
    a, b, c = (campaign_of(one_of[label]) for label, _ in scripts[:3])
    a = services.detected_confirm(by=people.ivy, detected=a, name="SSA-LegalAction", kind="ssa")
    b = services.detected_confirm(by=people.ivy, detected=b, name="Amazon-Order", kind="amazon")
    services.detected_merge(by=people.ivy, source=c, into=b)
    a = services.detected_rename(by=people.ivy, detected=a, name="SSA-LegalAction-P2")
    split_off = list(a.members.order_by("pk").values_list("pk", flat=True)[:2])
    new = services.detected_split(
        by=people.ivy, detected=a, member_ids=split_off, name="SSA-Split-P1", kind="ssa"
    )
    out = b.members.order_by("pk").first()
    services.detected_move_out(by=people.ivy, detected=b, member=out)
    before = {
        d.pk: (d.name, d.status, sorted(d.members.values_list("object_id", flat=True)))
        for d in DetectedCampaign.objects.filter(status=S.CONFIRMED)
    }

    run = services.detection_run_full()

    after = {
        d.pk: (d.name, d.status, sorted(d.members.values_list("object_id", flat=True)))
        for d in DetectedCampaign.objects.filter(status=S.CONFIRMED)
    }
    assert after == before
    assert after[new.pk][0] == "SSA-Split-P1" and after[a.pk][0] == "SSA-LegalAction-P2"
    assert DetectedCampaign.objects.get(pk=c.pk).status == S.MERGED
    assert not Member.objects.filter(detected=b, object_id=out.object_id).exists()
    assert Exclusion.objects.filter(detected=b, object_id=out.object_id).exists()
    # The split halves are found together by the run but never proposed for merging again.
    assert all({p[0], p[1]} != {a.pk, new.pk} for p in run.merge_proposals)
    # Linked campaigns: the call records point at the tracebacks.Campaign of their detected campaign.
    assert set(CallRecord.objects.filter(pk__in=after[b.pk][2]).values_list("campaign__name", flat=True)) == {
        "Amazon-Order"
    }
    actions = [d.action for d in Decision.objects.order_by("at", "pk")]
    assert actions == ["confirm", "confirm", "merge", "rename", "split", "move_out"]
    assert AuditEvent.objects.filter(action__startswith="detection.").count() >= 8  # 6 decisions + 2 runs


def test_decisions_are_refused_to_others_and_bad_names(world, people):
    scripts, one_of = world
    d = campaign_of(one_of[scripts[0][0]])
    with pytest.raises(PermissionDenied):
        services.detected_confirm(by=people.carl, detected=d, name="SSA-Thing", kind="ssa")
    with pytest.raises(ValidationError, match="ITG style"):
        services.detected_confirm(by=people.ivy, detected=d, name="ssa thing!", kind="ssa")
    d.refresh_from_db()
    assert d.status == S.PROPOSED and not Decision.objects.exists()


def test_new_calls_are_assigned_to_confirmed_campaigns_on_import(world, people):
    scripts, one_of = world
    d = services.detected_confirm(
        by=people.ivy, detected=campaign_of(one_of[scripts[0][0]]), name="SSA-Assigned", kind="ssa"
    )
    fresh = synthetic.planted(
        scripts[:1] + [("noise", "Hello grandma it is me I am in jail please send money now")],
        per_campaign=3,
        seed=9,
    )
    ids = add_calls(fresh, state="CA", source="ftc_dnc", day=DAY + dt.timedelta(days=3))
    new_ids = list(
        CallRecord.objects.filter(call_at__gte=DAY + dt.timedelta(days=3)).values_list("pk", flat=True)
    )
    run = services.detection_assign_calls(new_ids)
    assert run.assigned == 3
    d.refresh_from_db()
    assert d.calls == 9 and d.by_state == {"TX": 6, "CA": 3}
    assert campaign_of(ids["noise"]) is None
    assert CallRecord.objects.get(pk=ids[scripts[0][0]]).campaign.name == "SSA-Assigned"


def test_an_import_refreshes_the_rollups_of_its_days(
    db, people, tmp_path, django_capture_on_commit_callbacks
):
    """The importer's hook (calls' import_job_finished queues detection's after_import). The FTC file has
    no transcripts, so nothing is assigned by text; every record is counted in the trend rollup at once."""
    from django.db.models import Sum

    from tests.calls_helpers import FTC_CREATED, ftc_bytes, import_file
    from tracebacks.detection.models import DailyRollup

    with django_capture_on_commit_callbacks(execute=True):
        job = import_file(tmp_path, "ftc-dnc", ftc_bytes(), by=people.ivy)
    assert job.created == FTC_CREATED
    assert DailyRollup.objects.filter(source="ftc_dnc").aggregate(n=Sum("calls"))["n"] == FTC_CREATED
    assert services.detection_assign_calls(CallRecord.objects.values_list("pk", flat=True)).assigned == 0


def test_detected_pages_explain_and_take_decisions(client, world, people):
    from tests.factories import verified_login

    scripts, one_of = world
    a, b = (campaign_of(one_of[label]) for label, _ in scripts[:2])
    verified_login(client, people.ivy)
    html = client.get("/campaigns/detected/").content.decode()
    assert f'href="/campaigns/detected/{a.pk}/"' in html and "Detected campaigns" in html
    resp = client.get(f"/campaigns/detected/{a.pk}/")
    html = resp.content.decode()
    assert resp.status_code == 200 and "<mark>" in html and "Why it joined" in html
    assert "Suggested names" in html
    bad = client.post(f"/campaigns/detected/{a.pk}/confirm/", {"name": "not a name", "kind": "ssa"})
    assert bad.status_code == 400 and "ITG style" in bad.content.decode()
    ok = client.post(f"/campaigns/detected/{a.pk}/confirm/", {"name": "SSA-PageConfirmed", "kind": "ssa"})
    assert ok.status_code == 302
    client.post(f"/campaigns/detected/{a.pk}/rename/", {"name": "SSA-PageRenamed"})
    client.post(f"/campaigns/detected/{b.pk}/merge/", {"into": a.pk})
    a.refresh_from_db()
    assert a.name == "SSA-PageRenamed" and a.calls == 12
    assert DetectedCampaign.objects.get(pk=b.pk).status == S.MERGED
    verified_login(client, people.carl)
    assert client.get(f"/campaigns/detected/{a.pk}/").status_code == 403


def test_staff_link_detected_campaigns_to_existing_campaigns_and_the_link_survives_a_full_rerun(
    world, people, django_capture_on_commit_callbacks
):
    from django.db.models import Sum

    from tests.factories import make_campaign
    from tracebacks.detection.models import DailyRollup
    from tracebacks.models import Campaign

    scripts, one_of = world
    tracked = make_campaign("SSA-CalltheSSA", "ssa")  # typed by staff on tracebacks, before detection
    amazon = make_campaign("Amazon-AuthorizeOrder-P3", "amazon")
    d, e = campaign_of(one_of[scripts[1][0]]), campaign_of(one_of[scripts[0][0]])
    # A proposed campaign is confirmed by the link and takes the linked campaign's name.
    with django_capture_on_commit_callbacks(execute=True):
        d = services.detected_link(by=people.ivy, detected=d, campaign=tracked)
    assert (d.status, d.name, d.campaign_id) == (S.CONFIRMED, "SSA-CalltheSSA", tracked.pk)
    members = sorted(d.members.values_list("object_id", flat=True))
    assert set(CallRecord.objects.filter(pk__in=members).values_list("campaign_id", flat=True)) == {
        tracked.pk
    }
    assert DailyRollup.objects.filter(campaign=tracked).aggregate(n=Sum("calls"))["n"] == 6
    # A confirmed campaign moves to another existing campaign; the campaign it had stays (tracebacks may name it).
    e = services.detected_confirm(by=people.ivy, detected=e, name="Amazon-Order", kind="amazon")
    own = e.campaign
    with django_capture_on_commit_callbacks(execute=True):
        e = services.detected_link(by=people.ivy, detected=e, campaign=amazon)
    assert e.name == "Amazon-AuthorizeOrder-P3" and Campaign.objects.filter(pk=own.pk).exists()
    e_calls = list(e.members.values_list("object_id", flat=True))
    assert set(CallRecord.objects.filter(pk__in=e_calls).values_list("campaign_id", flat=True)) == {amazon.pk}
    assert not DailyRollup.objects.filter(campaign=own).exists()
    link = Decision.objects.filter(detected=e, action=Decision.Action.LINK).get()
    assert link.details == {"campaign": "Amazon-AuthorizeOrder-P3", "from": "Amazon-Order"}
    assert AuditEvent.objects.filter(action="detection.linked").count() == 2

    services.detection_run_full()

    d.refresh_from_db()
    e.refresh_from_db()
    assert (d.status, d.name, d.campaign_id) == (S.CONFIRMED, "SSA-CalltheSSA", tracked.pk)
    assert (e.name, e.campaign_id) == ("Amazon-AuthorizeOrder-P3", amazon.pk)
    assert sorted(d.members.values_list("object_id", flat=True)) == members
    assert set(CallRecord.objects.filter(pk__in=members).values_list("campaign_id", flat=True)) == {
        tracked.pk
    }
    # New calls of the linked script are assigned on import and count under the tracked campaign.
    fresh = synthetic.planted([scripts[1]], per_campaign=3, seed=11)
    new = add_calls(fresh, state="CA", day=DAY + dt.timedelta(days=5))
    assert services.detection_assign_calls(
        CallRecord.objects.filter(call_at__gte=DAY + dt.timedelta(days=5)).values_list("pk", flat=True)
    ).assigned == 3  # fmt: skip
    assert CallRecord.objects.get(pk=new[scripts[1][0]]).campaign_id == tracked.pk


def test_links_are_refused_to_others_twice_and_on_closed_campaigns(world, people, client):
    from tests.factories import make_campaign, verified_login

    scripts, one_of = world
    tracked = make_campaign("SSA-CalltheSSA", "ssa")
    d, e = campaign_of(one_of[scripts[1][0]]), campaign_of(one_of[scripts[2][0]])
    with pytest.raises(PermissionDenied):
        services.detected_link(by=people.carl, detected=d, campaign=tracked)
    d = services.detected_link(by=people.ivy, detected=d, campaign=tracked)
    with pytest.raises(ValidationError, match="already linked"):
        services.detected_link(by=people.ivy, detected=d, campaign=tracked)
    services.detected_merge(by=people.ivy, source=e, into=d)
    with pytest.raises(ValidationError, match="merged"):
        services.detected_link(
            by=people.ivy, detected=DetectedCampaign.objects.get(pk=e.pk), campaign=tracked
        )
    # Through the page: a campaign that does not exist is a 400 naming the field; nothing changes.
    verified_login(client, people.ivy)
    html = client.get(f"/campaigns/detected/{d.pk}/").content.decode()
    assert "Link to an existing campaign" in html and "Campaign to link to" in html
    bad = client.post(f"/campaigns/detected/{d.pk}/link/", {"campaign": 987654})
    assert bad.status_code == 400 and "Select a valid choice" in bad.content.decode()
    other = make_campaign("SSA-Suspended-P2", "ssa")
    ok = client.post(f"/campaigns/detected/{d.pk}/link/", {"campaign": other.pk})
    assert ok.status_code == 302
    d.refresh_from_db()
    assert d.campaign_id == other.pk and d.name == "SSA-Suspended-P2"
    assert list(Decision.objects.filter(detected=d).values_list("action", flat=True)[:2]) == ["link", "merge"]
    verified_login(client, people.carl)
    assert client.post(f"/campaigns/detected/{d.pk}/link/", {"campaign": tracked.pk}).status_code == 403
    d.refresh_from_db()
    assert d.campaign_id == other.pk
