"""Alerts: rules draft once per campaign and period, routing to the states hit, the signed packet."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction

from itg.accounts.services import ag_office
from itg.audit.models import AuditEvent
from itg.notifications.models import Notification
from subpoenas.alerts import services, subscriptions, triggers
from subpoenas.alerts.models import Alert, AlertRecipient, Subscription
from subpoenas.alerts.packet import packet_csv, packet_json
from subpoenas.responses.issuing import open_issued
from subpoenas.responses.models import IssuedDocument
from subpoenas.responses.verification import document_verify
from tests.alerts_helpers import (
    OK_NUMBERS,
    PERIOD,
    SSA,
    TODAY,
    drafted_alert,
    plant_campaign,
    sent_alert,
    volume_rule,
)
from tests.factories import make_user
from tests.responses_helpers import pdf_text
from tracebacks.alerting import state_of_number

pytestmark = pytest.mark.usefixtures("dev_signing")


def test_state_of_number_from_the_area_code():
    assert [state_of_number(n) for n in ["+12145550101", "+14055550104", "+13125550199", "+12025550143"]] == [
        "TX", "OK", "IL", "DC"]  # fmt: skip
    assert state_of_number(SSA) == ""  # toll-free: no state
    assert state_of_number("not a number") == ""


def test_planted_campaign_produces_one_alert_routed_to_exactly_tx_and_ok(people, on_commit):
    plant_campaign()
    volume_rule(people.ada)

    first = services.rules_run(today=TODAY)
    again = services.rules_run(today=TODAY + dt.timedelta(days=2))  # same week: same period

    assert len(first) == 1 and [a.pk for a in again] == [first[0].pk]
    assert Alert.objects.count() == 1
    alert = Alert.objects.get()
    assert (alert.period_start, alert.period_end) == PERIOD and alert.is_draft
    assert AuditEvent.objects.filter(action="alert.drafted").count() == 1
    assert alert.triggers[0]["reason"] == "5 calls in the period (rule: 3 or more)"

    with on_commit():
        services.alert_send(by=people.ivy, alert=alert)

    copies = {c.office.state: c for c in AlertRecipient.objects.select_related("office")}
    assert set(copies) == {"TX", "OK"}
    assert (copies["TX"].volume_in_state, copies["OK"].volume_in_state) == (3, 2)
    assert services.rules_run(today=TODAY) == [] and Alert.objects.count() == 1  # sent: left alone
    told = set(Notification.objects.filter(key=f"alert:{alert.pk}").values_list("user__email", flat=True))
    assert told == {people.tess.email, people.sam.email}  # Texas's users; no OK user exists, CA never
    [email] = [m for m in mail.outbox if "ITG alert" in m.subject]
    assert set(email.to) == told and f"/alerts/{alert.pk}/" in email.body
    sent = AuditEvent.objects.get(action="alert.sent")
    assert "TX (affected)" in str(sent.changes) and "OK (affected)" in str(sent.changes)


def test_a_second_rule_updates_the_same_draft(people):
    alert = drafted_alert(people)
    services.rule_save(by=people.ada, name="Two states", kind="states", threshold=2, window_days=7, storm_hours=6,
                       min_volume=0, campaign_kinds=[], is_active=True)  # fmt: skip
    services.rules_run(today=TODAY)
    alert.refresh_from_db()
    assert Alert.objects.count() == 1
    assert sorted(t["rule_name"] for t in alert.triggers) == ["Two states", "Volume 3"]
    with pytest.raises(IntegrityError), transaction.atomic():  # the database refuses a second one too
        Alert.objects.create(
            campaign=alert.campaign, period_start=PERIOD[0], period_end=PERIOD[1], title="dup"
        )


def test_packet_is_signed_bates_numbered_and_holds_campaign_states_and_laws(people, on_commit, tmp_path):
    alert = sent_alert(people, on_commit)
    pdf = open_issued(alert.document).read()

    verdict = document_verify(pdf)
    assert verdict.is_itg_original and verdict.issued.kind == IssuedDocument.Kind.ALERT
    assert alert.document.bates_range.startswith(f"ITG-ALERT-{alert.pk:05d}-000001")
    text = pdf_text(pdf, tmp_path)
    flat = " ".join(text.split())
    for expected in ["SSA-Suspended-P2", "TX", "OK", "47 U.S.C. 227(b)", "227(c)", "227(e)", "16 CFR 310.3(b)",
                     "310.4(b)", "Texas law", "Oklahoma law", "Robo Origin Telecom LLC", "Robo Dialer LLC",
                     "Spoofed: the published number of Social Security Administration", "RMD9",
                     f"ITG-ALERT-{alert.pk:05d}-000001", "5 calls nationally"]:  # fmt: skip
        assert expected in flat, expected
    assert "CA" not in alert.packet["states"] and alert.packet["states"] == ["OK", "TX"]


def test_regenerated_packet_has_the_same_content(people, on_commit, tmp_path):
    alert = sent_alert(people, on_commit)
    frozen_csv, frozen_json = packet_csv(alert.packet), packet_json(alert.packet)
    plant_campaign(numbers=OK_NUMBERS)  # more calls later: the sent packet must not move
    alert.refresh_from_db()
    again = services.packet_render(alert.packet, is_development=True)
    first = open_issued(alert.document).read()
    assert pdf_text(again.pdf, tmp_path) == pdf_text(first, tmp_path)
    assert packet_csv(alert.packet) == frozen_csv and packet_json(alert.packet) == frozen_json
    assert "+12145550101" in frozen_csv.decode() and '"national": 5' in frozen_json.decode()


def test_an_alert_no_office_would_receive_is_refused_and_nothing_is_half_sent(people):
    plant_campaign(numbers=["+13105550100", "+14155550101", "+12135550102"])  # California only
    volume_rule(people.ada)
    [alert] = services.rules_run(today=TODAY)
    subscriptions.subscription_set(by=make_user("cass", "ag_supervisor", "CA"), office=ag_office("CA"),
                                   min_volume=100)  # fmt: skip
    files_before = _stored_files()

    with pytest.raises(ValidationError) as error:
        services.alert_send(by=people.ivy, alert=alert)

    assert "No office would receive this alert" in str(error.value) and "below its minimum of 100" in str(
        error.value
    )
    alert.refresh_from_db()
    assert alert.is_draft and alert.packet is None and alert.document is None
    assert not AlertRecipient.objects.exists() and not IssuedDocument.objects.exists()
    assert _stored_files() == files_before and not Notification.objects.exists()


def _stored_files() -> set[str]:
    try:
        _dirs, files = default_storage.listdir("issued/alerts")
    except FileNotFoundError:
        return set()
    return set(files)


def test_subscriptions_filter_route_and_hold_for_the_digest(people, on_commit):
    ok_office, ny_office = ag_office("OK"), ag_office("NY")
    subscriptions.subscription_set(by=people.sam, office=people.sam.office, delivery="weekly")
    subscriptions.subscription_set(
        by=make_user("olga", "ag_supervisor", "OK"), office=ok_office, min_volume=3
    )
    subscriptions.subscription_set(by=people.nora, office=ny_office, task_force_kinds=["ssa"])

    alert = sent_alert(people, on_commit)

    copies = {c.office.state: c for c in alert.recipients.select_related("office")}
    assert set(copies) == {
        "TX",
        "NY",
    }  # OK: 2 calls, below its minimum of 3; NY follows SSA for the task force
    assert copies["TX"].digest and copies["NY"].reason == "subscribed"
    assert not Notification.objects.filter(user=people.tess).exists()  # held for the weekly digest
    assert subscriptions.digests_send_all() == {"TX": 1}
    assert Notification.objects.filter(user=people.tess, title__contains="weekly digest").count() == 1
    assert subscriptions.digests_send_all() == {}  # nothing sent twice


def test_a_digest_for_an_office_with_no_users_is_refused_and_kept(people, on_commit):
    ok_office = ag_office("OK")
    olga = make_user("olga", "ag_supervisor", "OK")
    subscriptions.subscription_set(by=olga, office=ok_office, delivery="weekly")
    olga.is_active = False
    olga.save(update_fields=["is_active"])
    sent_alert(people, on_commit)

    with pytest.raises(ValidationError, match="has no active users to receive its digest of 1 alert"):
        subscriptions.digest_send(office=ok_office)
    assert AlertRecipient.objects.get(office=ok_office).notified_at is None  # still pending


def test_a_subscription_for_an_unknown_campaign_kind_is_refused(people):
    with pytest.raises(ValidationError) as error:
        subscriptions.subscription_set(
            by=people.sam, office=people.sam.office, campaign_kinds=["ssa", "timeshare"]
        )
    assert "Unknown campaign kind 'timeshare'" in str(error.value) and "auto_warranty" in str(error.value)
    assert not Subscription.objects.exists()
    with pytest.raises(Exception, match="supervisor"):
        subscriptions.subscription_set(by=people.tess, office=people.tess.office)


@pytest.mark.parametrize(
    ("kind", "threshold", "expected"),
    [("storm", 3, "storm: 5 calls within 6 hours"), ("states", 2, "2 states reached (rule: 2 or more)"),
     ("origin", 1, "5 tracebacks completed to the originating provider"), ("volume", 6, None)],
)  # fmt: skip
def test_rule_kinds_fire_on_the_planted_campaign(people, kind, threshold, expected):
    plant_campaign()
    rule = services.rule_save(by=people.ada, name=kind, kind=kind, threshold=threshold, window_days=7, storm_hours=6,
                              min_volume=0, campaign_kinds=[], is_active=True)  # fmt: skip
    rule.refresh_from_db()
    # `origin` counts tracebacks that ended in the period (the helper ends them two days after the call).
    firings = triggers.evaluate(rule, triggers.period_of(TODAY, 7))
    assert [f.reason for f in firings] == ([expected] if expected else [])


def test_growth_and_new_foreign_gateway_rules(people):
    from tests.factories import make_provider
    from tracebacks.models import Hop

    campaign, tracebacks = plant_campaign()
    rule = services.rule_save(by=people.ada, name="growth", kind="growth", threshold=100, window_days=7,
                              storm_hours=6, min_volume=2, campaign_kinds=[], is_active=True)  # fmt: skip
    assert [f.reason for f in triggers.evaluate(rule, PERIOD)] == ["5 calls, none in the previous period"]
    hop = Hop.objects.filter(traceback=tracebacks[0]).order_by("sequence")[1]
    hop.role, hop.upstream = Hop.Role.GATEWAY, make_provider("Far Away Telecom", foreign=True)
    hop.save(update_fields=["role", "upstream"])
    gateway = services.rule_save(by=people.ada, name="gw", kind="foreign_gateway", threshold=1, window_days=7,
                                 storm_hours=6, min_volume=0, campaign_kinds=["ssa"], is_active=True)  # fmt: skip
    [firing] = triggers.evaluate(gateway, PERIOD)
    assert firing.reason == f"new gateway for foreign traffic: {hop.provider.business_name}"


def test_only_itg_administrators_change_rules_and_changes_are_audited(people):
    rule = volume_rule(people.ada)
    with pytest.raises(Exception, match="administrators"):
        services.rule_save(by=people.ivy, rule=rule, threshold=1)
    services.rule_save(by=people.ada, rule=rule, threshold=10)
    event = AuditEvent.objects.filter(action="alert_rule.changed").get()
    assert event.changes == {"threshold": [3, 10]}
    with pytest.raises(ValidationError, match="Unknown campaign kind"):
        services.rule_save(by=people.ada, rule=rule, campaign_kinds=["nonsense"])
