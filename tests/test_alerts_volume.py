"""Issue 12: the alert packet's estimated volume, nationally and into each recipient state, comes from the
call records' daily rollups where they exist (beside the traced calls), through `tracebacks.alerting`."""

from __future__ import annotations

import datetime as dt
import uuid

from itg.accounts.services import ag_office
from subpoenas.alerts import services
from subpoenas.alerts.models import AlertRecipient
from subpoenas.responses.issuing import open_issued
from tests.alerts_helpers import PERIOD, TODAY, plant_campaign, volume_rule
from tests.responses_helpers import pdf_text
from tracebacks import alerting
from tracebacks.calls.models import CallRecord
from tracebacks.detection import rollups
from tracebacks.detection.models import DailyRollup


def record_calls(campaign, day: dt.date, n: int, *, state: str, source: str = "ftc_dnc") -> None:
    at = dt.datetime.combine(day, dt.time(15), dt.UTC)
    CallRecord.objects.bulk_create(
        CallRecord(source=source, call_at=at + dt.timedelta(seconds=i), calling_number=f"+1202555{i % 10000:04d}",
                   called_state=state, campaign=campaign, dedupe_key=uuid.uuid4().hex)
        for i in range(n)
    )  # fmt: skip


def bounds():
    start = dt.datetime.combine(PERIOD[0], dt.time(), dt.UTC)
    return start, dt.datetime.combine(PERIOD[1] + dt.timedelta(days=1), dt.time(), dt.UTC)


def test_volume_comes_from_the_rollups_beside_the_traced_calls(db):
    campaign, _ = plant_campaign()  # 5 traced calls: 3 into TX, 2 into OK
    record_calls(campaign, PERIOD[0], 400, state="TX")
    record_calls(campaign, PERIOD[1], 250, state="TX", source="honeypot")
    record_calls(campaign, PERIOD[1], 1, state="OK")  # fewer records than traced calls into OK
    record_calls(campaign, PERIOD[1] + dt.timedelta(days=1), 999, state="TX")  # the day after: outside
    record_calls(campaign, PERIOD[0], 30, state="LA")  # a state no traced call reached
    rollups.rollup_refresh(PERIOD[0] + dt.timedelta(days=i) for i in range(8))
    summary = alerting.campaign_activity_summaries(*bounds(), campaign_ids=[campaign.pk])[0]

    volume = alerting.campaign_volume(campaign.pk, *bounds(), summary)

    assert volume.call_records == 681 and volume.tracebacks == 5
    assert volume.records_by_state == {"LA": 30, "OK": 1, "TX": 650}
    assert volume.by_state == {"LA": 30, "OK": 2, "TX": 650}  # per state the larger count, never a sum
    assert volume.total == 682 and volume.states == ["LA", "OK", "TX"]  # 650 + 2 + 30: the states add up
    assert volume.records_by_source == {"ftc_dnc": 431, "honeypot": 250}
    assert "681 call records" in volume.basis and "5 traced calls" in volume.basis


def test_without_call_records_the_estimate_is_the_traced_calls(db):
    campaign, _ = plant_campaign()
    other = plant_campaign("IRS-Arrest-P1", numbers=["+12145550109"])[0]
    record_calls(other, PERIOD[0], 50, state="TX")  # another campaign's records count for it, not this one
    rollups.rollup_refresh([PERIOD[0]])
    summary = alerting.campaign_activity_summaries(*bounds(), campaign_ids=[campaign.pk])[0]

    volume = alerting.campaign_volume(campaign.pk, *bounds(), summary)

    assert (volume.total, volume.by_state, volume.call_records) == (5, {"OK": 2, "TX": 3}, 0)
    assert volume.basis.startswith("Observed calls: the campaign's traced sample calls")


def test_the_sent_packet_states_and_routes_the_estimated_volume(
    people, on_commit, tmp_path, django_assert_max_num_queries
):
    campaign, _ = plant_campaign()
    ag_office("LA")
    record_calls(campaign, PERIOD[0], 120, state="TX")
    record_calls(campaign, PERIOD[0], 40, state="LA", source="fcc_complaint")  # complaint consumers in LA
    rollups.rollup_refresh([PERIOD[0]])
    assert DailyRollup.objects.filter(campaign=campaign).count() == 2
    volume_rule(people.ada)
    [alert] = services.rules_run(today=TODAY)
    # campaign, traced volume and campaigns (2), caller ids, samples, paths and their hops (2), path count,
    # origins, prior notices (earlier traceback requests, then signed letters), and the rollup rows
    with django_assert_max_num_queries(12):
        alerting.campaign_activity(campaign.pk, *bounds())

    with on_commit():
        services.alert_send(by=people.ivy, alert=alert)

    alert.refresh_from_db()
    volume = alert.packet["volume"]
    # Nationally: the states' estimates add up to 162 (two traced OK calls have no record), more than the 160
    # records or the 5 traced calls.
    assert volume["national"] == 162 and volume["by_state"] == {"LA": 40, "OK": 2, "TX": 120}
    assert volume["call_records"] == 160 and volume["tracebacks"] == 5
    assert {r["state"]: (r["estimated"], r["records"], r["traced"]) for r in volume["rows"]} == {
        "LA": (40, 40, 0), "OK": (2, 0, 2), "TX": (120, 120, 3)
    }  # fmt: skip
    copies = {c.office.state: c.volume_in_state for c in AlertRecipient.objects.select_related("office")}
    assert copies == {"LA": 40, "OK": 2, "TX": 120}  # Louisiana's residents were called: it is told too
    text = " ".join(pdf_text(open_issued(alert.document).read(), tmp_path).split())
    assert "162 calls nationally" in text and "Estimated from 160 call records" in text
