"""What a notice letter says, as plain data: the provider's traceback record over the window, the findings
and the rules behind them, what it must do, and the earlier letters it received, cited by date.

`SCHEMA` is the contract between this data and the templates administrators write: the sandbox refuses
any field not in it, and the template page lists it. `letter_data` builds data of exactly that shape.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.db.models import Count, Max, Min, Q
from django.utils import timezone

from providers.models import Provider
from tracebacks.ecosystem import findings as engine
from tracebacks.ecosystem import selectors
from tracebacks.ecosystem.findings import CRITERION_TITLES, Window
from tracebacks.ecosystem.letters.sandbox import DATE, FLAG, NUMBER, TEXT
from tracebacks.ecosystem.models import LetterTemplate, NoticeLetter
from tracebacks.models import Hop

K = LetterTemplate.Kind
MAX_RECORD_ROWS = 60  # the PDF lists the first ones; the embedded CSV holds every traceback

# What the provider must do, and the rule behind each duty (47 CFR, as amended by FCC 23-37, in force
# since 8 January 2024, 88 FR 43446).
OBLIGATIONS = {
    "a": ("47 CFR 64.1200(n)(1)", "Respond fully to every traceback request from the Commission, law "
          "enforcement or the registered industry traceback consortium within 24 hours of receiving it."),
    "b": ("47 CFR 64.1200(n)", "Take affirmative, effective measures to prevent new and renewing customers "
          "from using its network to originate illegal calls, and take reasonable and effective steps to "
          "ensure that its immediate upstream provider is not using it to carry a high volume of illegal traffic."),
    "c": ("47 CFR 64.1200(n) and 64.6305", "As a gateway provider for foreign traffic: answer traceback "
          "requests within 24 hours, know its upstream foreign providers, and file and keep current a Robocall "
          "Mitigation Database certification that declares the gateway role and its mitigation plan."),
    "d": ("47 CFR 64.1200(n)(1)", "Keep the call records it needs to answer a traceback request fully: a "
          "'no record' answer is not a response that identifies the upstream provider."),
    "rmd": ("47 CFR 64.6305", "File in the Robocall Mitigation Database a certification of its STIR/SHAKEN "
            "implementation and its robocall mitigation plan, and keep it current."),
}  # fmt: skip
DOWNSTREAM_OBLIGATION = (
    "47 CFR 64.6305(g) and 64.1200(n)",
    "Accept traffic only from providers listed in the Robocall Mitigation Database, and take reasonable and "
    "effective steps to ensure that an immediate upstream provider is not using its network to carry or "
    "process a high volume of illegal traffic.",
)

_PARTY = {"name": TEXT, "rmd_number": TEXT, "address": TEXT, "email": TEXT, "foreign": FLAG}
SCHEMA = {
    "letter": {"reference": TEXT, "date": DATE, "kind": TEXT},
    "provider": _PARTY,
    "about": _PARTY,
    "window": {"start": DATE, "end": DATE},
    "record": {"tracebacks": NUMBER, "hops": NUMBER, "answered": NUMBER, "no_response": NUMBER,
               "refused": NUMBER, "no_record": NUMBER, "late": NUMBER},
    "findings": [{"criterion": TEXT, "title": TEXT, "count": NUMBER, "threshold": NUMBER, "rule": TEXT}],
    "obligations": [{"cite": TEXT, "text": TEXT}],
    "accepted": {"tracebacks": NUMBER, "first": DATE, "last": DATE},
    "prior_letters": [{"reference": TEXT, "date": DATE, "kind": TEXT, "acknowledged": FLAG}],
    "itg": {"name": TEXT, "signatory": TEXT},
}  # fmt: skip
SCHEMA_HELP = {
    "letter": "reference, date and kind of this letter",
    "provider": "the addressee: name, rmd_number, address, email, foreign",
    "about": "the provider whose record the letter is about (the addressee itself, or the upstream provider "
             "whose traffic a downstream provider accepted)",
    "window": "start and end of the window (dates)",
    "record": "the traceback record of 'about' in the window: tracebacks, hops, answered, no_response, refused, "
              "no_record, late",
    "findings": "list: criterion, title, count, threshold, rule",
    "obligations": "list: cite, text (what the addressee must do, and the rule)",
    "accepted": "downstream letters: tracebacks in which the addressee accepted the traffic, first, last",
    "prior_letters": "list of earlier letters to the addressee: reference, date, kind, acknowledged",
    "itg": "name, signatory",
}  # fmt: skip

DEFAULT_SUBJECTS = {
    K.NOTICE: "Notice of traceback record and required action: {{ provider.name }}",
    K.DOWNSTREAM: "Notice concerning traffic accepted from {{ about.name }}",
}
DEFAULT_BODIES = {
    K.NOTICE: """To the traceback contact of {{ provider.name }}{% if provider.rmd_number %} ({{ provider.rmd_number }}){% endif %}:

The Industry Traceback Group (ITG), the registered industry traceback consortium designated by the Federal Communications Commission under section 13(d) of the TRACED Act, writes to you about your company's part in tracebacks of suspected illegal robocalls between {{ window.start|date:"j F Y" }} and {{ window.end|date:"j F Y" }}.

In that period your company received {{ record.hops }} traceback request{{ record.hops|pluralize }} in {{ record.tracebacks }} traceback{{ record.tracebacks|pluralize }}. It answered {{ record.answered }} of them{% if record.late %}, {{ record.late }} after the 24-hour clock had run out{% endif %}{% if record.no_record %}; {{ record.no_record }} of its answers said it had no record of the call{% endif %}. {% if record.no_response or record.refused %}It did not answer {{ record.no_response }} and refused {{ record.refused }}.{% else %}It left none unanswered and refused none.{% endif %} The tracebacks are listed in Annex 1 of this letter and in the data file embedded in it.

{% if findings %}On that record the ITG finds:
{% for f in findings %}- ({{ f.criterion }}) {{ f.title }}. {{ f.rule }}
{% endfor %}{% endif %}
Your company must:
{% for o in obligations %}- {{ o.text }} ({{ o.cite }})
{% endfor %}
{% if prior_letters %}The ITG has written to you about your traceback record before: {% for l in prior_letters %}on {{ l.date|date:"j F Y" }} (reference {{ l.reference }}{% if not l.acknowledged %}, not acknowledged{% endif %}){% if not forloop.last %}; {% endif %}{% endfor %}.
{% endif %}
The ITG shares its traceback records with the Commission and with state and federal law enforcement, which may rely on this letter as notice to your company of the traffic it carried.

Please acknowledge receipt of this letter through the link in the e-mail that carried it, or through the provider API.""",
    K.DOWNSTREAM: """To the traceback contact of {{ provider.name }}{% if provider.rmd_number %} ({{ provider.rmd_number }}){% endif %}:

The Industry Traceback Group (ITG), the registered industry traceback consortium designated by the Federal Communications Commission under section 13(d) of the TRACED Act, writes to you because your company accepted traffic from {{ about.name }}{% if about.rmd_number %} ({{ about.rmd_number }}){% else %}, which has no filing in the Robocall Mitigation Database{% endif %}, in {{ accepted.tracebacks }} traceback{{ accepted.tracebacks|pluralize }} of suspected illegal robocalls {% if accepted.first == accepted.last %}on {{ accepted.first|date:"j F Y" }}{% else %}between {{ accepted.first|date:"j F Y" }} and {{ accepted.last|date:"j F Y" }}{% endif %}.

Between {{ window.start|date:"j F Y" }} and {{ window.end|date:"j F Y" }} the ITG finds, on the traceback record of {{ about.name }}:
{% for f in findings %}- ({{ f.criterion }}) {{ f.title }}. {{ f.rule }}
{% empty %}no finding at the current thresholds.
{% endfor %}
As a provider that accepts its traffic, your company must:
{% for o in obligations %}- {{ o.text }} ({{ o.cite }})
{% endfor %}
{% if prior_letters %}The ITG has written to you before: {% for l in prior_letters %}on {{ l.date|date:"j F Y" }} (reference {{ l.reference }}){% if not forloop.last %}; {% endif %}{% endfor %}.
{% endif %}
Please acknowledge receipt of this letter through the link in the e-mail that carried it, or through the provider API.""",
}  # fmt: skip


def templates() -> dict[str, LetterTemplate]:
    """Both templates, made from the defaults the first time they are read."""
    found = {t.kind: t for t in LetterTemplate.objects.all()}
    for kind in K.values:
        if kind not in found:
            found[kind] = LetterTemplate.objects.get_or_create(
                kind=kind, defaults={"subject": DEFAULT_SUBJECTS[kind], "body": DEFAULT_BODIES[kind]}
            )[0]
    return found


def _party(p: Provider) -> dict:
    return {"name": p.business_name, "rmd_number": p.rmd_number or "", "address": p.business_address,
            "email": p.traceback_email, "foreign": p.is_foreign}  # fmt: skip


def provider_record(provider: Provider, window: Window) -> tuple[dict, list[dict]]:
    """The provider's hops asked in the window: counts (one query) and the rows (one query)."""
    hops = engine.window_hops(window).filter(provider=provider)
    A = Hop.Answer
    answered = [A.UPSTREAM, A.CUSTOMER, A.NO_RECORD]
    # "Late" is an answer given after the 24-hour clock: a hop never answered is flagged late too, and is
    # counted once, as not answered.
    counts = hops.aggregate(
        tracebacks=Count("traceback_id", distinct=True), hops=Count("pk"),
        answered=Count("pk", filter=Q(answer__in=answered)),
        no_response=Count("pk", filter=Q(answer=A.NO_RESPONSE)), refused=Count("pk", filter=Q(answer=A.REFUSED)),
        no_record=Count("pk", filter=Q(answer=A.NO_RECORD)),
        late=Count("pk", filter=Q(is_late=True, answer__in=answered)),
    )  # fmt: skip
    rows = [
        {"traceback": tb, "hop": seq, "asked": asked.isoformat(), "call": call_at.isoformat(),
         "calling": calling, "called": called, "campaign": campaign or "", "role": Hop.Role(role).label,
         "answer": A(answer).label, "late": late and answer in answered}
        for tb, seq, asked, call_at, calling, called, campaign, role, answer, late in hops.order_by(
            "asked_at", "pk").values_list(
            "traceback_id", "sequence", "asked_at", "traceback__call_at", "traceback__calling_number",
            "traceback__called_number", "traceback__campaign__name", "role", "answer", "is_late")
    ]  # fmt: skip
    return counts, rows


@dataclass(frozen=True)
class Downstream:
    provider: Provider
    tracebacks: int
    first: date
    last: date


def downstreams(about: Provider, window: Window) -> list[Downstream]:
    """The providers that accepted `about`'s traffic in the window (the graph's out-edges), busiest first."""
    rows = (
        engine.window_hops(window).filter(upstream=about).values("provider_id")
        .annotate(n=Count("traceback_id", distinct=True), first=Min("asked_at"), last=Max("asked_at")).order_by()
    )  # fmt: skip
    found = {r["provider_id"]: r for r in rows}
    providers = Provider.objects.in_bulk(list(found))
    out = [Downstream(providers[pk], r["n"], r["first"].date(), r["last"].date()) for pk, r in found.items()]
    return sorted(out, key=lambda d: (-d.tracebacks, d.provider.business_name, d.provider.pk))


def _findings(about: Provider, window: Window) -> list[engine.Finding]:
    thresholds = selectors.thresholds_of(selectors.finding_settings())
    return sorted(selectors.provider_findings(about, window, thresholds), key=lambda f: f.criterion)


def letter_data(
    *,
    kind: str,
    provider: Provider,
    about: Provider,
    window: Window,
    reference: str,
    at: datetime | None = None,
) -> dict:
    """The letter's data (SCHEMA's shape, JSON-safe apart from dates) and the record rows for the table."""
    found = _findings(about, window)
    counts, rows = provider_record(about, window)
    if kind == K.NOTICE:
        duties = [OBLIGATIONS["a"]] + [OBLIGATIONS[f.criterion] for f in found if f.criterion != "a"]
        if not about.rmd_number:
            duties.append(OBLIGATIONS["rmd"])
        accepted = {"tracebacks": 0, "first": None, "last": None}
    else:
        duties = [DOWNSTREAM_OBLIGATION]
        taken = engine.window_hops(window).filter(upstream=about, provider=provider)
        stats = taken.aggregate(
            n=Count("traceback_id", distinct=True), first=Min("asked_at"), last=Max("asked_at")
        )
        accepted = {"tracebacks": stats["n"], "first": stats["first"] and stats["first"].date(),
                    "last": stats["last"] and stats["last"].date()}  # fmt: skip
    at = at or timezone.now()
    prior = NoticeLetter.objects.filter(provider=provider, sent_at__lt=at).order_by("sent_at", "pk")
    return {
        "letter": {"reference": reference, "date": at.date(), "kind": K(kind).label},
        "provider": _party(provider), "about": _party(about),
        "window": {"start": window.start, "end": window.end}, "record": counts,
        "findings": [{"criterion": f.criterion, "title": CRITERION_TITLES[f.criterion], "count": f.count,
                      "threshold": f.threshold, "rule": f.rule, "traceback_ids": f.traceback_ids} for f in found],
        "obligations": [{"cite": cite, "text": text} for cite, text in dict.fromkeys(duties)],
        "accepted": accepted,
        "prior_letters": [{"reference": x.reference, "date": x.sent_at.date(), "kind": x.get_kind_display(),
                           "acknowledged": x.is_acknowledged} for x in prior],
        "itg": {"name": "Industry Traceback Group",
                "signatory": getattr(settings, "ITG_CUSTODIAN_NAME", "") or "The Industry Traceback Group"},
        "rows": rows,
    }  # fmt: skip


def sample_data(kind: str) -> dict:
    """Data of the right shape for checking a template when it is saved (every list has one item)."""
    today = timezone.now().date()
    party = {"name": "Example Voice LLC", "rmd_number": "RMD0000000", "address": "1 Main St", "email":
             "noc@example.invalid", "foreign": False}  # fmt: skip
    return {
        "letter": {"reference": "ITG-NL-SAMPLE", "date": today, "kind": K(kind).label},
        "provider": party, "about": party, "window": {"start": today, "end": today},
        "record": dict.fromkeys(SCHEMA["record"], 1),
        "findings": [{"criterion": "a", "title": CRITERION_TITLES["a"], "count": 3, "threshold": 3, "rule": "..."}],
        "obligations": [{"cite": OBLIGATIONS["a"][0], "text": OBLIGATIONS["a"][1]}],
        "accepted": {"tracebacks": 1, "first": today, "last": today},
        "prior_letters": [{"reference": "ITG-NL-EARLIER", "date": today, "kind": K(kind).label, "acknowledged": True}],
        "itg": {"name": "Industry Traceback Group", "signatory": "The Industry Traceback Group"},
    }  # fmt: skip


def jsonable(data: dict) -> dict:
    """Dates as ISO strings, for the frozen copy on the letter row."""

    def conv(v):
        if isinstance(v, date):
            return v.isoformat()
        if isinstance(v, dict):
            return {k: conv(x) for k, x in v.items()}
        if isinstance(v, list | tuple):
            return [conv(x) for x in v]
        return v

    return conv(data)
