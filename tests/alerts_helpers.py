"""A planted campaign for the alerts tests: calls into Texas and Oklahoma only, in one aligned week."""

from __future__ import annotations

import datetime as dt

from itg.accounts.services import ag_office
from subpoenas.alerts import services
from tests.factories import make_campaign, make_provider
from tests.responses_helpers import make_completed_traceback
from tracebacks.alerting import state_of_number

TODAY = dt.date(2026, 1, 21)  # a Wednesday: its 7-day period is Monday 19 to Sunday 25 January 2026
PERIOD = (dt.date(2026, 1, 19), dt.date(2026, 1, 25))
SSA = "+18007721213"
TX_NUMBERS = ["+12145550101", "+15125550102", "+17135550103"]
OK_NUMBERS = ["+14055550104", "+19185550105"]


def plant_campaign(name: str = "SSA-Suspended-P2", *, numbers=TX_NUMBERS + OK_NUMBERS, kind: str = "ssa"):
    """Five traced calls (three into TX, two into OK), caller ID spoofing SSA's number, one origin."""
    campaign = make_campaign(name, kind)
    for state in {state_of_number(n) for n in numbers}:
        ag_office(
            state
        )  # reference offices come from a migration, which a transactional test's flush empties
    origin = make_provider("Robo Origin Telecom LLC")
    tracebacks = []
    for n, called in enumerate(numbers):
        providers = [make_provider(), make_provider(), origin]
        at = dt.datetime(2026, 1, 20, 14, tzinfo=dt.UTC) + dt.timedelta(minutes=20 * n)
        tb = make_completed_traceback(calling=SSA if n % 2 == 0 else "+12025550177", called=called, call_at=at,
                                      campaign=campaign, providers=providers)  # fmt: skip
        tb.transcript = "Your social security number has been suspended. Press one to speak to an officer."
        tb.save(update_fields=["transcript"])
        tracebacks.append(tb)
    return campaign, tracebacks


def volume_rule(by, threshold: int = 3, **fields):
    return services.rule_save(by=by, name=fields.pop("name", f"Volume {threshold}"), kind="volume",
                              threshold=threshold, window_days=7, storm_hours=6, min_volume=0, campaign_kinds=[],
                              is_active=True, **fields)  # fmt: skip


def drafted_alert(people):
    plant_campaign()
    volume_rule(people.ada)
    [alert] = services.rules_run(today=TODAY)
    return alert


def sent_alert(people, on_commit):
    alert = drafted_alert(people)
    with on_commit():
        services.alert_send(by=people.ivy, alert=alert)
    alert.refresh_from_db()
    return alert
