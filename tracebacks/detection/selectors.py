"""Reads of campaign detection, for pages and the API. Detected campaigns are ITG-only (call-level data)."""

from __future__ import annotations

import re

from django.db.models import Count
from django.http import Http404
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from tracebacks.calls.models import CallRecord
from tracebacks.detection.models import Decision, DetectedCampaign, Member
from tracebacks.models import Hop, Traceback

S = DetectedCampaign.Status


def detected_list(user, *, status: str = ""):
    if not getattr(user, "is_itg_staff", False):
        return DetectedCampaign.objects.none()
    qs = DetectedCampaign.objects.select_related("campaign")
    if status in S.values:
        return qs.filter(status=status)
    return qs.filter(status__in=[S.PROPOSED, S.CONFIRMED])


def detected_for(user, pk: int) -> DetectedCampaign:
    """404 for anyone but ITG staff, and for ids that do not exist."""
    if not getattr(user, "is_itg_staff", False):
        raise Http404
    d = DetectedCampaign.objects.select_related("campaign", "merged_into", "split_from").filter(pk=pk).first()
    if d is None:
        raise Http404
    return d


def highlight(text: str, phrases: list[str]) -> SafeString:
    """The text, escaped, with each shared phrase wrapped in <mark> (phrases are normalised: match words
    across any punctuation, masked numbers as any token)."""
    spans: list[tuple[int, int]] = []
    for phrase in phrases:
        parts = [r"\S+" if w in ("<num>", "<phone>", "<amount>") else re.escape(w) for w in phrase.split()]
        pattern = r"(?<!\w)" + r"[\W_]+".join(parts) + r"(?!\w)"
        for m in re.finditer(pattern, text, flags=re.IGNORECASE):
            spans.append(m.span())
    spans.sort()
    out, pos = [], 0
    for start, end in spans:
        if start < pos:
            continue
        out.append(escape(text[pos:start]))
        out.append(f"<mark>{escape(text[start:end])}</mark>")
        pos = end
    out.append(escape(text[pos:]))
    return mark_safe("".join(out))  # noqa: S308  # nosec B308 B703 - every piece is escaped above


def member_rows(d: DetectedCampaign, members: list[Member]) -> list[dict]:
    """The page of members with their call's facts: two queries (call records, tracebacks)."""
    call_ids = [m.object_id for m in members if m.kind == Member.Kind.CALL]
    tb_ids = [m.object_id for m in members if m.kind == Member.Kind.TRACEBACK]
    calls = {
        c["pk"]: c
        for c in CallRecord.objects.filter(pk__in=call_ids).values(
            "pk", "source", "calling_number", "called_state", "call_at", "transcript"
        )
    }
    tbs = {
        t["pk"]: t
        for t in Traceback.objects.filter(pk__in=tb_ids).values(
            "pk", "calling_number", "call_at", "transcript"
        )
    }
    rows = []
    for m in members:
        info = (calls if m.kind == Member.Kind.CALL else tbs).get(m.object_id, {})
        rows.append(
            {
                "member": m,
                "source": info.get("source", "traceback"),
                "calling_number": info.get("calling_number", ""),
                "state": info.get("called_state", ""),
                "call_at": info.get("call_at"),
                "excerpt": (info.get("transcript") or "")[:160],
                "reasons": [r for r in m.reasons.split(",") if r],
            }
        )
    return rows


def traceback_evidence(d: DetectedCampaign) -> tuple[list[dict], list[dict]]:
    """The tracebacks among the campaign's calls (at most 50 shown) and the providers their hops crossed."""
    tb_ids = Member.objects.filter(detected=d, kind=Member.Kind.TRACEBACK).values("object_id")
    tracebacks = list(
        Traceback.objects.filter(pk__in=tb_ids).select_related("campaign").order_by("-call_at")[:50]
    )
    providers = list(
        Hop.objects.filter(traceback_id__in=tb_ids)
        .values("provider_id", "provider__business_name")
        .annotate(hops=Count("pk"), tracebacks=Count("traceback_id", distinct=True))
        .order_by("-tracebacks", "provider__business_name")[:50]
    )
    return tracebacks, providers


def decisions(d: DetectedCampaign):
    return Decision.objects.filter(detected=d).select_related("by", "other")[:50]
