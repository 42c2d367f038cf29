"""Responsive records: propose the tracebacks a request's structured scope covers, link, unlink, answer.

The proposal is a query over the traceback records: each dimension the request states narrows the set
(numbers on either side AND calling numbers AND called numbers AND terminating states AND window AND
providers AND campaigns); within a dimension any value matches (any number, any provider, any state).
`describe` says exactly that in words, which the review page and the response print. "Calls terminating in
Texas" is read as the called number's state (its area code, `tracebacks.calls.numbers.state_of_number`):
the state of the consumer who was called, which is what an attorney general's jurisdiction rests on. The query is saved with its result (`EvidenceQuery`) so the production can be explained and
re-run. Staff then review: remove what is not responsive, add what the scope missed, and answer.

A request about providers' conduct rather than calls ("the providers that failed to respond to traceback
requests within 24 hours", "the traceback history of provider X") is answered from the findings instead
(`tracebacks/ecosystem/evidence.py`): the query saves the window, the thresholds and the providers it ran
with, and the table it produced, which the response prints as a findings exhibit beside the tracebacks
behind it. Re-running it (`query_rerun`) with the saved criteria gives the same rows.
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet

from itg.audit.actions import Action
from itg.audit.services import record
from itg.calendar import JURISDICTIONS, tz_for
from providers.models import Provider
from subpoenas.models import DemandRequest, LegalDemand
from subpoenas.responses.models import EvidenceLink, EvidenceQuery, RequestAnswer, Response
from tracebacks.calls.numbers import area_code_states
from tracebacks.ecosystem import evidence as findings_evidence
from tracebacks.ecosystem.findings import CRITERIA, Window
from tracebacks.ecosystem.selectors import default_window, finding_settings, thresholds_of
from tracebacks.models import Campaign, Hop, Traceback
from tracebacks.phones import e164

S = LegalDemand.Status
K = EvidenceQuery.Kind
MAX_PROPOSED = 5000  # a scope matching more is too broad to produce as exhibits: narrow it or object


def evidence_editable(demand: LegalDemand) -> bool:
    """Evidence and answers change while the work is in progress, or after delivery for a correction;
    never while a version is being prepared, signed or awaits delivery (its content is frozen)."""
    if demand.status not in (S.IN_PROGRESS, S.DELIVERED):
        return False
    return not Response.objects.filter(
        demand=demand, status__in=[Response.Status.QUEUED, Response.Status.RENDERING, Response.Status.SIGNED]
    ).exists()


def _require_editable(request: DemandRequest, by) -> None:
    if not by.is_itg_staff:
        raise PermissionDenied("Only ITG staff choose the responsive records.")
    if not evidence_editable(request.demand):
        raise ValidationError(
            "The evidence of this demand cannot change now: work must be in progress (or the response "
            "delivered, for a correction) with no version being signed or awaiting delivery."
        )


def _match_providers(texts: list[str]) -> list[dict]:
    """Each provider as written in the request (name, FRN or RMD number) with the providers it matched."""
    out = []
    for text in texts:
        t = text.strip()
        found = Provider.objects.filter(
            Q(rmd_number__iexact=t) | Q(frn=t) | Q(business_name__iexact=t) | Q(business_name__icontains=t)
        ).values_list("pk", "business_name")[:50]
        out.append({"text": t, "matched": [{"id": pk, "name": name} for pk, name in found]})
    return out


def _match_campaigns(texts: list[str]) -> list[dict]:
    out = []
    for text in texts:
        found = Campaign.objects.filter(name__iexact=text.strip()).values_list("pk", "name")
        out.append({"text": text.strip(), "matched": [{"id": pk, "name": name} for pk, name in found]})
    return out


def _e164s(values) -> list[str]:
    return sorted({n for n in (e164(p) for p in values or []) if n})


def scope_criteria(request: DemandRequest) -> dict:
    """The request's structured scope resolved against today's records: what the query will run."""
    zone = request.demand.state
    return {
        "phone_numbers": _e164s(request.phone_numbers),
        "calling_numbers": _e164s(request.calling_numbers),
        "called_numbers": _e164s(request.called_numbers),
        "terminating_states": sorted(set(request.terminating_states or [])),
        "date_from": request.date_from.isoformat() if request.date_from else None,
        "date_to": request.date_to.isoformat() if request.date_to else None,
        "time_zone": str(tz_for(zone)),
        "providers": _match_providers(request.providers or []),
        "campaigns": _match_campaigns(request.campaigns or []),
    }


def _window(criteria: dict) -> Q:
    # Dates in a demand are the issuing state's calendar days: a call at 23:30 in Austin on the last day
    # is inside the window even though it is the next day in UTC.
    zone, q = ZoneInfo(criteria["time_zone"]), Q()
    if criteria["date_from"]:
        start = dt.datetime.combine(dt.date.fromisoformat(criteria["date_from"]), dt.time.min, zone)
        q &= Q(call_at__gte=start)
    if criteria["date_to"]:
        end = dt.datetime.combine(
            dt.date.fromisoformat(criteria["date_to"]) + dt.timedelta(days=1), dt.time.min, zone
        )
        q &= Q(call_at__lt=end)
    return q


# Criteria saved before calling and called numbers were told apart lack these keys: they read as empty.
SIDES = ("calling_numbers", "called_numbers", "terminating_states")


def has_scope(criteria: dict) -> bool:
    return bool(
        criteria["phone_numbers"]
        or any(criteria.get(key) for key in SIDES)
        or criteria["date_from"]
        or criteria["date_to"]
        or criteria["providers"]
        or criteria["campaigns"]
    )


def tracebacks_in_scope(criteria: dict) -> QuerySet[Traceback]:
    """The tracebacks the criteria cover; an unmatched provider or campaign matches nothing, never all."""
    if not has_scope(criteria):
        return Traceback.objects.none()
    q = _window(criteria)
    if numbers := criteria["phone_numbers"]:
        q &= Q(calling_number__in=numbers) | Q(called_number__in=numbers)
    if numbers := criteria.get("calling_numbers"):
        q &= Q(calling_number__in=numbers)
    if numbers := criteria.get("called_numbers"):
        q &= Q(called_number__in=numbers)
    if states := criteria.get("terminating_states"):
        q &= _called_in_states(states)
    if criteria["providers"]:
        ids = [m["id"] for p in criteria["providers"] for m in p["matched"]]
        q &= Q(pk__in=Hop.objects.filter(provider_id__in=ids).values("traceback_id"))
    if criteria["campaigns"]:
        q &= Q(campaign_id__in=[m["id"] for c in criteria["campaigns"] for m in c["matched"]])
    return Traceback.objects.filter(q).order_by("call_at", "pk")


def _called_in_states(states: list[str]) -> Q:
    """Called numbers whose area code belongs to one of the states (an index range per area code)."""
    codes = sorted(npa for npa, state in area_code_states().items() if state in states)
    q = Q(pk__in=[])
    for npa in codes:
        q |= Q(called_number__startswith=f"+1{npa}")
    return q


def _either(values: list[str]) -> str:
    return " or ".join(values)


def describe(criteria: dict) -> str:
    """The criteria in words, as the query runs them: every condition must hold (AND); within one, any of
    its values will do (OR). The response file and the review page show this sentence."""
    parts = []
    if criteria["phone_numbers"]:
        parts.append(f"the calling or called number is {_either(criteria['phone_numbers'])}")
    if criteria.get("calling_numbers"):
        parts.append(f"the calling number is {_either(criteria['calling_numbers'])}")
    if criteria.get("called_numbers"):
        parts.append(f"the called number is {_either(criteria['called_numbers'])}")
    if criteria.get("terminating_states"):
        names = [
            f"{JURISDICTIONS[c][0]} ({c})" if c in JURISDICTIONS else c
            for c in criteria["terminating_states"]
        ]
        parts.append(f"the call terminated in {_either(names)} (the called number's area code is there)")
    if criteria["date_from"] or criteria["date_to"]:
        window = f"{criteria['date_from'] or 'the beginning'} to {criteria['date_to'] or 'today'}"
        parts.append(f"the call was made {window} ({criteria['time_zone']})")
    for key, label in (("providers", "a hop's provider"), ("campaigns", "the campaign")):
        for item in criteria[key]:
            names = _either([m["name"] for m in item["matched"]]) or "no match in the records"
            parts.append(f"{label} is “{item['text']}” ({names})")
    if not parts:
        return "The request states no structured scope."
    if len(parts) == 1:
        return f"Tracebacks where {parts[0]}."
    return "Tracebacks where all of these hold: " + "; and ".join(parts) + "."


# What a request's words suggest it asks for (the page offers that query first; staff choose). A request for
# "providers that failed to respond to traceback requests within 24 hours" names the 24-hour clock of
# 47 CFR 64.1200(n)(1); one for a provider's "traceback history" or "traceback record" names the history.
_UNANSWERED_WORDS = re.compile(r"\b(24|twenty[- ]four)[- ]hours?\b", re.IGNORECASE)
_RESPOND_WORDS = re.compile(
    r"\b(fail\w*|did not|not)\b.{0,40}\b(respon\w*|answer\w*)", re.IGNORECASE | re.DOTALL
)
_HISTORY_WORDS = re.compile(r"\btraceback\s+(history|histories|record|records)\b", re.IGNORECASE)


def suggested_kind(request: DemandRequest) -> str:
    """The evidence query a request's text asks for: the findings for providers' conduct, else its scope."""
    text = request.text or ""
    if _UNANSWERED_WORDS.search(text) and _RESPOND_WORDS.search(text):
        return K.FINDINGS_UNANSWERED
    if _HISTORY_WORDS.search(text) and request.providers:
        return K.PROVIDER_HISTORY
    return K.SCOPE


def findings_criteria(request: DemandRequest, kind: str) -> dict:
    """A findings query's criteria: the request's dates as the window (the findings' default window where
    the request states none), the thresholds in force today, and the providers it names."""
    settings_row = finding_settings()
    default = default_window(settings_row)
    start, end = request.date_from, request.date_to
    if start and not end:
        end = max(start, default.end)
    if end and not start:
        start = default.start if default.start <= end else end
    window = Window(start, end) if start and end else default
    providers = _match_providers(request.providers or [])
    ids = sorted({m["id"] for p in providers for m in p["matched"]})
    if kind == K.PROVIDER_HISTORY and not ids:
        raise ValidationError(
            f"Request {request.number} names no provider the registry knows: add its name, FRN or RMD number "
            "to the request's scope to answer it with a provider's traceback history."
        )
    return {
        "kind": kind, "since": window.start.isoformat(), "until": window.end.isoformat(),
        "thresholds": thresholds_of(settings_row).as_dict(), "providers": providers,
        "provider_ids": ids if providers else None,
    }  # fmt: skip


def describe_findings(criteria: dict) -> str:
    """A findings query in words, as the review page and the response's exhibit show it."""
    window = f"hops asked {criteria['since']} to {criteria['until']} (UTC days)"
    names = "; ".join(
        f"“{p['text']}” ({', '.join(m['name'] for m in p['matched']) or 'no match in the records'})"
        for p in criteria["providers"]
    )
    if criteria["kind"] == K.FINDINGS_UNANSWERED:
        limit = criteria["thresholds"]["a"]
        text = (
            f"Findings, criterion (a): providers with {limit} or more traceback requests not answered within "
            "the 24-hour clock of 47 CFR 64.1200(n)(1) or refused, or with no RMD filing (47 CFR 64.6305), "
            f"over {window}"
        )
        return text + (f"; limited to the providers named: {names}" if names else "") + "."
    thresholds = ", ".join(f"({c}) {criteria['thresholds'][c]}" for c in CRITERIA)
    return f"Traceback history of {names}, over {window}; findings at the thresholds {thresholds}."


def _run(kind: str, criteria: dict) -> tuple[list[int], list[dict]]:
    """The traceback ids (and, for a findings query, the table) a query's criteria give today."""
    if kind == K.SCOPE:
        return list(tracebacks_in_scope(criteria).values_list("pk", flat=True)[: MAX_PROPOSED + 1]), []
    rows = findings_evidence.evidence_rows(criteria)
    return findings_evidence.row_traceback_ids(rows), rows


def query_rerun(query: EvidenceQuery) -> tuple[list[int], list[dict]]:
    """Run a saved query again with the criteria it saved (not re-resolved from the request), to compare
    what it finds today with what it found then."""
    return _run(query.kind, query.criteria)


@transaction.atomic
def evidence_propose(*, request: DemandRequest, by, kind: str = K.SCOPE) -> EvidenceQuery:
    """Run the request's scope (or the findings, for a request about providers' conduct), save the query
    with its result, and link the tracebacks it found (as proposed)."""
    _require_editable(request, by)
    if kind not in K.values:
        raise ValidationError(f"Choose how to propose records: {', '.join(K.labels)}.")
    if kind == K.SCOPE:
        criteria = scope_criteria(request)
        description = describe(criteria)
    else:
        criteria = findings_criteria(request, kind)
        description = describe_findings(criteria)
    ids, rows = _run(kind, criteria)
    if len(ids) > MAX_PROPOSED:
        what = (
            "The scope of request {} matches" if kind == K.SCOPE else "The findings answering request {} cite"
        )
        raise ValidationError(
            f"{what.format(request.number)} more than {MAX_PROPOSED} tracebacks: narrow it with "
            "the issuing office, or answer with an objection."
        )
    query = EvidenceQuery.objects.create(
        request=request, kind=kind, criteria=criteria, description=description, result_ids=ids,
        result_count=len(ids), result_rows=rows, run_by=by,
    )  # fmt: skip
    have = set(EvidenceLink.objects.filter(request=request).values_list("traceback_id", flat=True))
    EvidenceLink.objects.bulk_create(
        EvidenceLink(
            request=request, traceback_id=pk, source=EvidenceLink.Source.PROPOSED, query=query, added_by=by
        )
        for pk in ids
        if pk not in have
    )
    record(
        action=Action.EVIDENCE_PROPOSED, by=by, obj=request.demand, label=f"{request.demand} request {request.number}",
        changes={"request": request.number, "query": query.pk, "kind": kind, "found": len(ids),
                 "rows": len(rows), "new": len(set(ids) - have)},
    )  # fmt: skip
    return query


@transaction.atomic
def evidence_add(*, request: DemandRequest, traceback_id: int, by) -> EvidenceLink:
    """Link one more traceback by hand (one the scope missed)."""
    _require_editable(request, by)
    if not Traceback.objects.filter(pk=traceback_id).exists():
        raise ValidationError(
            {"traceback": f"There is no traceback {traceback_id}. Check the number (TB-…)."}
        )
    try:
        with transaction.atomic():
            link = EvidenceLink.objects.create(
                request=request, traceback_id=traceback_id, source=EvidenceLink.Source.MANUAL, added_by=by
            )
    except IntegrityError:
        raise ValidationError({"traceback": "This traceback is already linked to the request."}) from None
    record(
        action=Action.EVIDENCE_LINKED, by=by, obj=request.demand, label=f"{request.demand} request {request.number}",
        changes={"request": request.number, "traceback": traceback_id},
    )  # fmt: skip
    return link


@transaction.atomic
def evidence_remove(*, link: EvidenceLink, by) -> None:
    """Unlink a traceback the reviewer finds not responsive; the proposal query keeps what it had found."""
    _require_editable(link.request, by)
    request = link.request
    link.delete()
    record(
        action=Action.EVIDENCE_UNLINKED, by=by, obj=request.demand, label=f"{request.demand} request {request.number}",
        changes={"request": request.number, "traceback": link.traceback_id, "source": link.source},
    )  # fmt: skip


MAX_REMOVE = MAX_PROPOSED  # one selection never holds more than a proposal can link


@transaction.atomic
def evidence_remove_many(*, request: DemandRequest, link_ids: list[int], by) -> int:
    """Unlink the selected tracebacks of one request at once (the review's select all, by filter, invert):
    all of them or none, one audit event listing them. Ids that are not this request's links are refused."""
    _require_editable(request, by)
    wanted = set(link_ids)
    if not wanted:
        raise ValidationError("Select the records to remove first.")
    if len(wanted) > MAX_REMOVE:
        raise ValidationError(f"Select at most {MAX_REMOVE} records at once.")
    links = list(
        EvidenceLink.objects.select_for_update()
        .filter(request=request, pk__in=wanted)
        .values_list("pk", "traceback_id")
    )
    if len(links) != len(wanted):
        raise ValidationError(
            "Some selected records are no longer linked to this request (a colleague may have removed them): "
            "reload the page and select again."
        )
    EvidenceLink.objects.filter(pk__in=[pk for pk, _ in links]).delete()
    record(
        action=Action.EVIDENCE_UNLINKED, by=by, obj=request.demand, label=f"{request.demand} request {request.number}",
        changes={"request": request.number, "tracebacks": sorted(tb for _, tb in links), "count": len(links)},
    )  # fmt: skip
    return len(links)


@transaction.atomic
def request_answer_set(*, request: DemandRequest, kind: str, objection: str = "", by) -> RequestAnswer:
    """Record the answer to a request; an objection needs its text, and "produced" needs records."""
    _require_editable(request, by)
    objection = objection.strip()
    if kind not in RequestAnswer.Kind.values:
        raise ValidationError({"kind": "Choose produced, no responsive records, or objection."})
    if kind == RequestAnswer.Kind.OBJECTION and not objection:
        raise ValidationError({"objection": "State the objection: the response prints it as written."})
    if kind == RequestAnswer.Kind.PRODUCED and not request.evidence.exists():
        raise ValidationError(
            {"kind": "No records are linked to this request: link them, or answer otherwise."}
        )
    if kind == RequestAnswer.Kind.NONE and request.evidence.exists():
        raise ValidationError(
            {"kind": "Records are linked to this request: remove them, or answer produced."}
        )
    answer, _ = RequestAnswer.objects.update_or_create(
        request=request, defaults={"kind": kind, "objection": objection, "answered_by": by}
    )
    record(
        action=Action.REQUEST_ANSWERED, by=by, obj=request.demand, label=f"{request.demand} request {request.number}",
        changes={"request": request.number, "answer": kind},
    )  # fmt: skip
    return answer
