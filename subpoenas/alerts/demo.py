"""Demo: alert rules, and alerts in each state of the flow, through the real services (idempotent).

Drafted, sent, acknowledged, investigation opened, records requested: all routed from the demo world's
tracebacks, so they reach several states, Texas among them, and California for some only.
"""

from __future__ import annotations

import datetime as dt

from itg.accounts.models import User
from itg.uploads import as_upload
from subpoenas.alerts import recipient, services, triggers
from subpoenas.alerts.models import Alert, AlertRecipient
from tracebacks import alerting
from tracebacks.models import Campaign

# Demo defaults, set by eye for a world of about 50 traced calls a week across 40 campaigns (the real
# portal's administrators set their own on the rules page): a campaign is worth a look when it reaches
# several states or a dozen traced calls in four weeks, or when a traceback reaches its origin.
DEMO_RULES = [
    ("Volume: 12 calls in 4 weeks", "volume", 12, 28),
    ("Reach: 5 states in 4 weeks", "states", 5, 28),
    ("Storm: 4 calls within 6 hours", "storm", 4, 7),
    ("Origin identified this week", "origin", 1, 7),
    ("New foreign gateway this week", "foreign_gateway", 1, 7),
]
WINDOW = 28
STATUTES = {"TX": "Tex. Bus. & Com. Code ch. 304 (Telemarketing Disclosure and Privacy Act); Tex. Bus. & Com. Code § 17.46",
            "CA": "Cal. Bus. & Prof. Code §§ 17200, 17592"}  # fmt: skip


def seed_alerts(reference: dt.datetime) -> int:
    """About 2 s (four packets rendered and signed). Returns how many alerts it made (0 when already seeded)."""
    if Alert.objects.exists():
        return 0
    ada, ivy = User.objects.get(email="ada@itg.example"), User.objects.get(email="ivy@itg.example")
    tess = User.objects.get(email="tess@texasattorneygeneral.example")
    for name, kind, threshold, window in DEMO_RULES:
        services.rule_save(by=ada, name=name, kind=kind, threshold=threshold, window_days=window, storm_hours=6,
                           min_volume=0, campaign_kinds=[], is_active=True)  # fmt: skip
    period = triggers.period_of(reference.date() - dt.timedelta(days=1), WINDOW)
    picked = _campaigns_hitting_texas(period)
    alerts = [
        services.alert_create(by=ivy, campaign=c, period_start=period[0], period_end=period[1])
        for c in picked
    ]
    for alert in alerts[1:]:
        services.alert_edit(by=ivy, alert=alert, title=alert.title, state_statutes=STATUTES,
                            summary="The ITG traced these calls through the providers below. Calls into your "
                                    "state are counted from the called numbers' area codes.")  # fmt: skip
        services.alert_send(by=ivy, alert=alert)
    copies = [AlertRecipient.objects.get(alert=a, office__state="TX") for a in alerts[2:]]
    if copies:
        recipient.alert_acknowledge(by=tess, copy=copies[0])
    if len(copies) > 1:
        recipient.alert_open_investigation(by=tess, copy=copies[1])
    if len(copies) > 2:
        from subpoenas.demo import _pdf

        pdf = _pdf(
            "In re robocall campaign records (demo)", [("All records of the campaign's calls.", [], [])]
        )
        recipient.alert_request_records(by=tess, copy=copies[2], demand_file=as_upload(pdf, "subpoena.pdf"))
    services.rules_run(today=reference.date(), by=None)  # the hourly beat's first run: more drafts
    return Alert.objects.count()


def _campaigns_hitting_texas(period) -> list[int]:
    """Five busy campaigns of the period whose calls reached Texas, at least two of them not California."""
    summaries = alerting.campaign_activity_summaries(*triggers.bounds(period))
    texas = sorted((s for s in summaries if "TX" in s.states), key=lambda s: (-s.total, s.name))
    without_ca = [s for s in texas if "CA" not in s.states][:2]
    rest = [s for s in texas if s not in without_ca][: 5 - len(without_ca)]
    # Drafted first, then the flow: sent, acknowledged, investigating, records requested.
    ordered = rest[:1] + without_ca[:1] + rest[1:] + without_ca[1:]
    campaigns = Campaign.objects.in_bulk([s.campaign_id for s in ordered])
    return [campaigns[s.campaign_id] for s in ordered]
