"""Letters in alerts (issue 12's leftovers): the packet lists the dated notice letters each provider received
before the period, recipients download those letters from the alert (and only they); the rule kind "a
provider crossing a finding threshold" drafts one alert per provider and period."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache

from itg.audit.models import AuditEvent
from providers.models import Provider
from subpoenas.alerts import services as alerts
from subpoenas.alerts.models import Alert
from tests import ecosystem_world
from tests.alerts_helpers import PERIOD, TODAY, plant_campaign, volume_rule
from tests.factories import make_campaign, make_provider, verified_login
from tests.responses_helpers import pdf_text
from tracebacks.ecosystem.findings import Window
from tracebacks.ecosystem.letters import services as letters
from tracebacks.ecosystem.models import NoticeLetter

IN_PERIOD = dt.datetime(2026, 1, 20, 9, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def cited(people, on_commit, dev_signing):
    """A sent alert whose origin provider received a notice letter on 10 January, before the period."""
    plant_campaign()
    origin = Provider.objects.get(business_name="Robo Origin Telecom LLC")
    [letter] = letters.letters_send(by=people.ivy, about=origin, window=Window(dt.date(2025, 1, 1), dt.date(2026, 1, 9)),
                                    addressees=[letters.Addressee("notice", origin)])  # fmt: skip
    NoticeLetter.objects.filter(pk=letter.pk).update(sent_at=dt.datetime(2026, 1, 10, 15, tzinfo=dt.UTC))
    volume_rule(people.ada)
    [alert] = alerts.rules_run(today=TODAY)
    with on_commit():
        alerts.alert_send(by=people.ivy, alert=alert)
    alert.refresh_from_db()
    return alert, letter


def test_the_packet_cites_the_letters_each_provider_received_before(cited, tmp_path):
    alert, letter = cited
    [notice] = [n for n in alert.packet["prior_notices"] if n["provider"] == "Robo Origin Telecom LLC"]
    assert notice["letters"] == [{"date": "2026-01-10", "reference": letter.reference,
                                  "kind": "Notice to the provider", "acknowledged": False}]  # fmt: skip
    from subpoenas.responses.issuing import open_issued

    with open_issued(alert.document) as handle:
        text = "".join(pdf_text(handle.read(), tmp_path).split())  # the table cell wraps where it likes
    at = text.find("RoboOriginTelecomLLC", text.find("Signednoticeletters"))
    assert letter.reference in text and "Signednoticeletters" in text, text[at - 200 : at + 400]
    from subpoenas.alerts.packet import packet_html

    assert f"2026-01-10 ({letter.reference}, not acknowledged)" in packet_html(
        alert.packet
    )  # what the PDF renders


def test_recipients_download_the_cited_letter_and_no_one_else_does(client, people, cited):
    alert, letter = cited
    url = f"/alerts/{alert.pk}/letters/{letter.reference}.pdf"
    verified_login(client, people.tess)  # Texas received the alert
    page = client.get(f"/alerts/{alert.pk}/").content.decode()
    assert url in page
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response)[:5] == b"%PDF-"
    assert AuditEvent.objects.filter(
        action="letter.downloaded", actor=people.tess, changes__letter=letter.reference
    ).exists()
    other = NoticeLetter.objects.exclude(pk=letter.pk).first()
    assert client.get(f"/alerts/{alert.pk}/letters/ITG-NL-NOT-CITED.pdf").status_code == 404
    assert AuditEvent.objects.filter(action="letter.download_denied", actor=people.tess).exists()
    assert other is None
    verified_login(client, people.carl)  # California did not receive it
    assert client.get(url).status_code == 404
    verified_login(client, people.aldo)
    assert client.get(url).status_code == 403
    verified_login(client, people.ivy)
    assert client.get(url).status_code == 200
    client.logout()
    assert client.get(url).status_code == 302


def crossing_world():
    """In the week of TODAY: one provider answers 'no record' three times (crosses (d)); a near miss twice;
    one already over the threshold before the week (three in December) and once more now."""
    term = make_provider("Terminal Voice")
    ssa, irs = make_campaign("SSA-Suspended-P2", "ssa"), make_campaign("IRS-BackTaxes", "irs")
    crosser, near, old = (
        make_provider("Forgets Everything LLC"),
        make_provider("Almost Forgets Inc"),
        make_provider("Always Forgot Co"),
    )
    for i in range(3):
        ecosystem_world.chain(
            [term, crosser], last="no_record", when=IN_PERIOD + dt.timedelta(hours=3 * i), campaign=ssa
        )
        ecosystem_world.chain(
            [term, old], last="no_record", when=dt.datetime(2025, 12, 10 + i, tzinfo=dt.UTC), campaign=irs
        )
    for i in range(2):
        ecosystem_world.chain(
            [term, near], last="no_record", when=IN_PERIOD + dt.timedelta(hours=i), campaign=ssa
        )
    ecosystem_world.chain([term, old], last="no_record", when=IN_PERIOD, campaign=ssa)
    return crosser, irs  # fmt: skip


def finding_rule(by):
    return alerts.rule_save(by=by, name="Finding crossed", kind="finding", threshold=1, window_days=7, storm_hours=6,
                            min_volume=0, campaign_kinds=[], is_active=True)  # fmt: skip


def test_a_provider_crossing_a_finding_threshold_drafts_one_alert_per_period(people, db):
    crosser, irs = crossing_world()
    finding_rule(people.ada)
    [alert] = alerts.rules_run(today=TODAY)
    assert (alert.campaign.name, alert.period_start, alert.period_end, alert.status) == (
        "SSA-Suspended-P2",
        *PERIOD,
        "draft",
    )
    [trigger] = alert.triggers
    assert trigger["provider"] == crosser.pk and trigger["kind"] == "finding"
    assert (
        "Forgets Everything LLC crossed the finding threshold: (d) cannot produce records"
        in trigger["reason"]
    )
    # Run again, and again with the provider's traffic now carried mostly by another campaign: still one alert.
    assert alerts.rules_run(today=TODAY) == [alert]
    for i in range(4):
        ecosystem_world.chain(
            [make_provider(), crosser],
            last="no_record",
            when=IN_PERIOD + dt.timedelta(hours=20 + i),
            campaign=irs,
        )
    alerts.rules_run(today=TODAY)
    assert Alert.objects.count() == 1
    assert Alert.objects.get().triggers == alert.triggers
    assert AuditEvent.objects.filter(action="alert.drafted").count() == 1


def test_a_sent_alert_is_not_drafted_again_and_the_next_period_is_a_new_one(
    people, db, on_commit, dev_signing
):
    from itg.accounts.services import ag_office

    ag_office("IL")  # the world's calls are to a Chicago number
    crossing_world()
    finding_rule(people.ada)
    [alert] = alerts.rules_run(today=TODAY)
    with on_commit():
        alerts.alert_send(by=people.ivy, alert=alert)
    assert alerts.rules_run(today=TODAY) == []
    assert alerts.rules_run(today=TODAY + dt.timedelta(days=7)) == []  # nothing newly crossed the week after
    assert Alert.objects.count() == 1
