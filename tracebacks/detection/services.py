"""Writes of campaign detection: runs (full and incremental) and the staff decisions, each with its audit row.

How a full run respects staff decisions (see models.py): a call already in a confirmed campaign stays there;
a cluster that holds calls of a confirmed campaign brings its other calls to that campaign (unless staff
moved one out of it); a cluster of proposed or new calls updates the proposed campaign it overlaps most,
or proposes a new one. Clusters that hold calls of two confirmed campaigns become merge proposals, except
for campaigns split apart by staff.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.utils import timezone

from itg.audit.actions import Action
from itg.audit.services import record
from itg.tasks import enqueue_on_commit
from tracebacks.calls.models import CallRecord
from tracebacks.detection import engine
from tracebacks.detection.models import Decision, DetectedCampaign, Exclusion, Member, Run
from tracebacks.models import Campaign, Traceback
from tracebacks.services import campaign_create

S = DetectedCampaign.Status
K = Member.Kind
# A campaign is repeated calls: one or two calls alike may be one person's two complaints about one call.
# Three distinct calls is the smallest group a reviewer should be asked to look at.
MIN_CALLS = 3
ANCHORS = 30
NAME_RE = re.compile(r"^[A-Z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*$")


@dataclass
class Item:
    kind: str
    pk: int
    transcript: str
    calling_number: str
    call_at: object
    source: str
    state: str
    recording: str = ""

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.pk}"


def _require_itg(user) -> None:
    if not getattr(user, "is_itg_staff", False):
        raise PermissionDenied("Only ITG staff decide on detected campaigns.")


def _recording_path(name: str) -> str:
    if not name:
        return ""
    from django.core.files.storage import default_storage

    try:
        return default_storage.path(name)
    except NotImplementedError:  # S3: fingerprints are taken where the files are local
        return ""


def _with_ids(qs, ids: list[int]):
    """`qs` narrowed to these primary keys. On PostgreSQL the ids go as one array parameter
    (`id IN (SELECT unnest(%s))`): an import's 10,000 ids as 10,000 placeholders cost about a second of
    query building and parsing alone."""
    if connection.vendor == "postgresql":
        return qs.filter(pk__in=RawSQL("SELECT unnest(%s::bigint[])", [ids]))
    return qs.filter(pk__in=ids)


def _call_items(qs) -> Iterable[Item]:
    fields = ("pk", "transcript", "calling_number", "call_at", "source", "called_state", "recording")
    for row in qs.exclude(transcript="").values_list(*fields).iterator(chunk_size=5000):
        yield Item(K.CALL, row[0], row[1], row[2], row[3], row[4], row[5], _recording_path(row[6]))


def _traceback_items(qs) -> Iterable[Item]:
    for pk, transcript, calling, call_at in (
        qs.exclude(transcript="").values_list("pk", "transcript", "calling_number", "call_at")
    ).iterator(chunk_size=5000):
        yield Item(K.TRACEBACK, pk, transcript, calling, call_at, "traceback", "", "")


def all_items() -> list[Item]:
    return [*_traceback_items(Traceback.objects.all()), *_call_items(CallRecord.objects.all())]


# --- runs ---------------------------------------------------------------------------------------------------


def detection_run_full(*, by=None, items: list[Item] | None = None) -> Run:
    """Cluster every traceback sample call and call record, reconcile with the staff's decisions."""
    started = time.monotonic()
    items = all_items() if items is None else items
    by_key = {it.key: it for it in items}
    result = engine.cluster_calls(
        [
            engine.Call(it.key, it.transcript, calling_number=it.calling_number, recording=it.recording)
            for it in items
        ]
    )
    with transaction.atomic():
        run = Run.objects.create(kind=Run.Kind.FULL, items=len(items))
        current = {
            f"{m.kind}:{m.object_id}": m for m in Member.objects.select_related("detected").only(
                "pk", "kind", "object_id", "detected_id", "detected__status", "by_staff"
            )
        }  # fmt: skip
        excluded = set(Exclusion.objects.values_list("detected_id", "kind", "object_id"))
        split_pairs = {
            frozenset((a, b))
            for a, b in DetectedCampaign.objects.filter(split_from__isnull=False).values_list(
                "pk", "split_from_id"
            )
        }
        touched: set[int] = set()
        proposals: list[list] = []
        claimed: set[int] = set()
        to_create: list[Member] = []
        clusters = result.clusters()
        for _label, keys in sorted(clusters.items(), key=lambda kv: -len(kv[1])):
            owners = Counter(
                current[k].detected_id
                for k in keys
                if k in current and current[k].detected.status == S.CONFIRMED
            )
            if len(owners) > 1:
                ids = sorted(owners)
                for i in range(len(ids)):
                    for j in range(i + 1, len(ids)):
                        if frozenset((ids[i], ids[j])) not in split_pairs:
                            proposals.append(
                                [ids[i], ids[j], f"{min(owners[ids[i]], owners[ids[j]])} calls alike"]
                            )
            if owners:
                target_id = owners.most_common(1)[0][0]
            else:
                overlap = Counter(
                    current[k].detected_id
                    for k in keys
                    if k in current and current[k].detected.status == S.PROPOSED
                    and current[k].detected_id not in claimed
                )  # fmt: skip
                if overlap:
                    target_id = overlap.most_common(1)[0][0]
                elif len(keys) >= MIN_CALLS:
                    target_id = DetectedCampaign.objects.create(first_run=run).pk
                    run.proposed += 1
                else:
                    target_id = None
                if target_id:
                    claimed.add(target_id)
            for k in keys:
                m = current.get(k)
                if m is not None and m.detected.status == S.CONFIRMED:
                    continue  # staff own confirmed campaigns' members
                it = by_key[k]
                ok = target_id is not None and (target_id, it.kind, it.pk) not in excluded
                if m is not None and (not ok or m.detected_id != target_id):
                    touched.add(m.detected_id)
                    m.delete()
                    m = None
                if ok and m is None:
                    info = result.members[k]
                    to_create.append(
                        Member(
                            detected_id=target_id, kind=it.kind, object_id=it.pk, call_at=it.call_at,
                            similarity=info.similarity, reasons=",".join(sorted(info.reasons)),
                        )
                    )  # fmt: skip
                    touched.add(target_id)
        # Members of proposed campaigns whose calls are now skipped (their text emptied) leave.
        gone = [m.pk for k, m in current.items() if k not in by_key or result.members[k].cluster is None]
        gone_campaigns = Member.objects.filter(pk__in=gone).exclude(detected__status=S.CONFIRMED)
        touched.update(gone_campaigns.values_list("detected_id", flat=True))
        gone_campaigns.delete()
        Member.objects.bulk_create(to_create, batch_size=2000)
        _refresh(touched)
        for d in DetectedCampaign.objects.filter(pk__in=touched, status=S.CONFIRMED, campaign__isnull=False):
            _sync_calls(d)
        DetectedCampaign.objects.filter(status=S.PROPOSED, calls__lt=MIN_CALLS).update(status=S.DISSOLVED)
        run.assigned = len(to_create)
        run.skipped = sum(1 for m in result.members.values() if m.skipped)
        run.merge_proposals = proposals
        run.finished_at = timezone.now()
        run.seconds = round(time.monotonic() - started, 2)
        run.save()
        record(
            action=Action.DETECTION_RUN,
            by=by,
            obj=run,
            changes={"proposed": run.proposed, "merges": len(proposals)},
        )
    return run


def detection_assign_calls(call_ids: Iterable[int], *, by=None) -> Run:
    """Incremental: new call records join confirmed campaigns whose texts or numbers they share.

    The importer calls this after each import; what matches nothing waits for the nightly full run."""
    started = time.monotonic()
    items = list(_call_items(_with_ids(CallRecord.objects.all(), list(call_ids))))
    confirmed = list(
        DetectedCampaign.objects.filter(status=S.CONFIRMED).only(
            "pk", "anchors", "callback_numbers", "caller_ids"
        )
    )
    anchors = {d.pk: d.anchors for d in confirmed if d.anchors}
    numbers: dict[str, int] = {}
    for d in confirmed:
        for num, _n in [*d.callback_numbers, *d.caller_ids]:
            numbers.setdefault(engine.e164_digits(num), d.pk)
    item_ids = [it.pk for it in items]
    if connection.vendor == "postgresql":
        have_qs = Member.objects.filter(
            kind=K.CALL, object_id__in=RawSQL("SELECT unnest(%s::bigint[])", [item_ids])
        )
    else:
        have_qs = Member.objects.filter(kind=K.CALL, object_id__in=item_ids)
    have = set(have_qs.values_list("object_id", flat=True))
    excluded = set(Exclusion.objects.filter(kind=K.CALL).values_list("detected_id", "object_id"))
    todo = [it for it in items if it.pk not in have]
    found = engine.assign(
        [engine.Call(str(it.pk), it.transcript, calling_number=it.calling_number) for it in todo],
        anchors,
        numbers,
    )
    with transaction.atomic():
        run = Run.objects.create(kind=Run.Kind.INCREMENTAL, items=len(items))
        rows = []
        joined: dict[int, list[tuple[Item, engine.Assignment]]] = defaultdict(list)
        for it in todo:
            a = found.get(str(it.pk))
            if a is None or (a.label, it.pk) in excluded:
                continue
            rows.append(
                Member(detected_id=a.label, kind=K.CALL, object_id=it.pk, call_at=it.call_at,
                       similarity=a.similarity, reasons=a.reason)
            )  # fmt: skip
            joined[a.label].append((it, a))
        Member.objects.bulk_create(rows, batch_size=5000, ignore_conflicts=True)
        linked = dict(
            DetectedCampaign.objects.filter(pk__in={r.detected_id for r in rows}).values_list(
                "pk", "campaign_id"
            )
        )
        by_campaign: dict[int, list[int]] = defaultdict(list)
        for r in rows:
            if linked.get(r.detected_id):
                by_campaign[linked[r.detected_id]].append(r.object_id)
        for campaign_id, ids in by_campaign.items():
            CallRecord.objects.filter(pk__in=ids).update(campaign_id=campaign_id)
        _add_evidence(joined)
        run.assigned = len(rows)
        run.finished_at = timezone.now()
        run.seconds = round(time.monotonic() - started, 3)
        run.save()
    return run


def after_import(call_ids: Iterable[int]) -> dict:
    """What the importer calls once its records are committed: incremental assignment, then the rollups of
    the days those calls fall on (so trend pages include them at once)."""
    from tracebacks.detection import rollups

    ids = list(call_ids)
    run = detection_assign_calls(ids)
    days = set()
    for chunk in range(0, len(ids), 10_000):
        days.update(
            at.astimezone(dt.UTC).date()
            for at in CallRecord.objects.filter(pk__in=ids[chunk : chunk + 10_000]).values_list(
                "call_at", flat=True
            )
        )
    written = rollups.rollup_refresh(days)
    return {"assigned": run.assigned, "days": len(days), "rollup_rows": written}


def _refresh_rollups_on_commit(*campaigns: DetectedCampaign) -> None:
    """Decisions move calls between campaigns: the days they span are re-derived after commit."""
    from tracebacks.detection import rollups, tasks

    days: set[dt.date] = set()
    for d in campaigns:
        days.update(rollups.days_between(d.first_seen, d.last_seen))
    if days:
        enqueue_on_commit(tasks.rollups_days, sorted(x.isoformat() for x in days))


# --- evidence -----------------------------------------------------------------------------------------------


def _refresh(ids: Iterable[int], *, anchors_too: bool = True) -> None:
    """Recompute each campaign's evidence from its members (counts, numbers, dates, phrases, anchors)."""
    for d in DetectedCampaign.objects.filter(pk__in=set(ids)):
        members = list(Member.objects.filter(detected=d).values_list("kind", "object_id", "similarity"))
        call_ids = [o for k, o, _ in members if k == K.CALL]
        tb_ids = [o for k, o, _ in members if k == K.TRACEBACK]
        calls = list(
            CallRecord.objects.filter(pk__in=call_ids).values_list(
                "transcript", "calling_number", "call_at", "source", "called_state"
            )
        )
        tbs = list(
            Traceback.objects.filter(pk__in=tb_ids).values_list("transcript", "calling_number", "call_at")
        )
        rows = [(t, c, at, src, st) for t, c, at, src, st in calls] + [
            (t, c, at, "traceback", "") for t, c, at in tbs
        ]
        d.calls = len(calls)
        d.tracebacks = len(tbs)
        if not rows:
            d.status = S.DISSOLVED if d.status == S.PROPOSED else d.status
            d.save()
            continue
        texts = [r[0] for r in rows]
        norm = {t: engine.normalise(t) for t in set(texts)}  # each distinct text normalised once
        counts = Counter(norm[t].text for t in texts)
        distinct = list(dict.fromkeys(t for t in texts if not norm[t].skipped))
        rep = max(distinct, key=lambda t: (counts[norm[t].text], len(t))) if distinct else ""
        cb = Counter(n for t in texts for n in norm[t].callback_numbers)
        ids_ = Counter(r[1] for r in rows if r[1])
        d.representative = rep
        d.callback_numbers = [[n, c] for n, c in cb.most_common(50)]
        d.caller_ids = [[n, c] for n, c in ids_.most_common(50)]
        d.caller_id_count = len(ids_)
        d.by_source = dict(Counter(r[3] for r in rows).most_common())
        d.by_state = dict(Counter(r[4] for r in rows if r[4]).most_common())
        dates = [r[2] for r in rows if r[2]]
        d.first_seen, d.last_seen = (min(dates), max(dates)) if dates else (None, None)
        if anchors_too or not d.anchors:
            d.phrases = engine.shared_phrases(distinct[:200])
            d.anchors = distinct[:ANCHORS]
        d.save()


def _add_evidence(joined: dict[int, list[tuple[Item, engine.Assignment]]]) -> None:
    """Add newly assigned calls to their campaigns' evidence without re-reading the campaigns' members
    (an import must not cost more as campaigns grow): counts, sources, states, dates and numbers are
    summed in; the distinct caller-ID count asks the database only which of the new numbers the campaign
    had already used. The anchors and phrases stay (a confirmed campaign's script does not change by an
    import); the nightly full run recomputes every figure from the members."""
    used = _numbers_used_before(joined)
    for d in DetectedCampaign.objects.filter(pk__in=list(joined)):
        new = joined[d.pk]
        d.calls += len(new)
        d.by_source = _counted(d.by_source.items(), (it.source for it, _ in new))
        d.by_state = _counted(d.by_state.items(), (it.state for it, _ in new if it.state))
        d.callback_numbers = [[n, c] for n, c in _counted(d.callback_numbers, (
            n for _, a in new for n in a.callback_numbers)).items()][:50]  # fmt: skip
        numbers = {it.calling_number for it, _ in new if it.calling_number}
        d.caller_id_count += len(numbers - used.get(d.pk, set()))
        d.caller_ids = [[n, c] for n, c in _counted(d.caller_ids, (
            it.calling_number for it, _ in new if it.calling_number)).items()][:50]  # fmt: skip
        dates = [it.call_at for it, _ in new if it.call_at]
        if dates:
            known = [x for x in (d.first_seen, d.last_seen) if x]
            d.first_seen, d.last_seen = min([*known, *dates]), max([*known, *dates])
        d.save(update_fields=["calls", "by_source", "by_state", "callback_numbers", "caller_ids",
                              "caller_id_count", "first_seen", "last_seen"])  # fmt: skip


def _numbers_used_before(joined: dict[int, list[tuple[Item, engine.Assignment]]]) -> dict[int, set[str]]:
    """Per campaign, which of its new calls' caller IDs its earlier calls already used. One query: the call
    records with one of the new numbers (the calling-number index), other than the new calls, joined to
    the members of these campaigns by id, distinct (campaign, number) pairs only."""
    numbers = sorted({it.calling_number for rows in joined.values() for it, _ in rows if it.calling_number})
    new_ids = [it.pk for rows in joined.values() for it, _ in rows]
    if not numbers:
        return {}
    out: dict[int, set[str]] = defaultdict(set)
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute(
                "SELECT DISTINCT m.detected_id, c.calling_number FROM calls_callrecord c "
                "JOIN detection_member m ON m.kind = 'call' AND m.object_id = c.id "
                "WHERE c.calling_number = ANY(%s) AND NOT (c.id = ANY(%s)) AND m.detected_id = ANY(%s)",
                [numbers, new_ids, list(joined)],
            )
            rows = cur.fetchall()
    else:
        calls = CallRecord.objects.filter(calling_number__in=numbers).exclude(pk__in=new_ids)
        number_of = dict(calls.values_list("pk", "calling_number"))
        members = Member.objects.filter(
            kind=K.CALL, detected_id__in=list(joined), object_id__in=list(number_of)
        )
        rows = [(d, number_of[o]) for d, o in members.values_list("detected_id", "object_id")]
    for detected_id, number in rows:
        out[detected_id].add(number)
    return out


def _counted(existing: Iterable, more: Iterable[str]) -> dict[str, int]:
    """[[key, count], …] or (key, count) pairs plus one more count per key in `more`, largest first."""
    total = Counter({k: n for k, n in existing})
    total.update(more)
    return dict(total.most_common())


def suggest_names(d: DetectedCampaign) -> list[str]:
    """ITG-style names from the campaign's shared phrases: a topic from its words, a variant from its
    most distinctive shared phrase (CamelCase, at most four words)."""
    text = " ".join([d.representative.lower(), *d.phrases])
    topics = [
        ("social security", "SSA"), ("amazon", "Amazon"), ("warranty", "AutoWarranty"), ("irs", "IRS"),
        ("medicare", "Medicare"), ("student loan", "StudentLoan"), ("credit card", "CreditCard"),
        ("interest rate", "CreditCard"), ("electric", "Utility"), ("disconnection", "Utility"),
        ("apple", "Apple"), ("directv", "DirecTV"), ("direct tv", "DirecTV"), ("legal", "Legal"),
        ("police", "Police"), ("bank", "Bank"),
    ]  # fmt: skip
    topic = next((t for word, t in topics if word in text), "Other")
    stop = {"the", "to", "you", "your", "a", "of", "and", "is", "in", "on", "for", "this", "that", "we", "our",
            "with", "from", "are", "be", "it", "or", "press", "num", "phone", "amount", "please", "call", "us"}  # fmt: skip
    names: list[str] = []
    for phrase in d.phrases[:4]:
        words = [w for w in re.findall(r"[a-z]+", phrase) if w not in stop][:4]
        if words:
            names.append(f"{topic}-{''.join(w.capitalize() for w in words)}")
    if not names:
        names.append(f"{topic}-Detected{d.pk}")
    taken = set(Campaign.objects.filter(name__in=names).values_list("name", flat=True))
    return [n if n not in taken else f"{n}-P2" for n in dict.fromkeys(names)]


# --- staff decisions ----------------------------------------------------------------------------------------


def _check_name(name: str, *, exclude_campaign: int | None = None) -> str:
    name = (name or "").strip()
    if not NAME_RE.match(name) or len(name) > 100:
        raise ValidationError(
            {
                "name": "Name it in the ITG style Topic-Variant[-Pn], e.g. SSA-Suspended-P2 (letters, digits, dashes)."
            }
        )
    clash = Campaign.objects.filter(name__iexact=name).exclude(pk=exclude_campaign)
    if clash.exists():
        raise ValidationError({"name": f"A campaign named {name} already exists: link to it instead."})
    return name


def _locked(pk: int) -> DetectedCampaign:
    return DetectedCampaign.objects.select_for_update().get(pk=pk)


def _sync_calls(d: DetectedCampaign) -> None:
    """Point the campaign's call records at its linked tracebacks.Campaign (trends count by it)."""
    if d.campaign_id:
        ids = Member.objects.filter(detected=d, kind=K.CALL).values("object_id")
        CallRecord.objects.filter(pk__in=ids).update(campaign_id=d.campaign_id)


@transaction.atomic
def detected_confirm(
    *, by, detected: DetectedCampaign, name: str = "", kind: str = "", campaign: Campaign | None = None
) -> DetectedCampaign:
    """Confirm a detected campaign: name it (a campaign is created), or link it to an existing campaign
    (recorded as a link decision, see `detected_link`)."""
    _require_itg(by)
    if campaign is not None:
        return detected_link(by=by, detected=detected, campaign=campaign)
    d = _locked(detected.pk)
    if d.status not in (S.PROPOSED, S.CONFIRMED):
        raise ValidationError(f"This campaign is {d.get_status_display().lower()}: it cannot be confirmed.")
    name = _check_name(name)
    if kind not in Campaign.Kind.values:
        raise ValidationError({"kind": "Choose the campaign's kind."})
    campaign = campaign_create(by=by, name=name, kind=kind, description="Found by campaign detection.")
    old = d.status
    d.status, d.name, d.campaign = S.CONFIRMED, campaign.name, campaign
    d.confirmed_by, d.confirmed_at = by, timezone.now()
    d.save()
    _sync_calls(d)
    _refresh_rollups_on_commit(d)
    Decision.objects.create(detected=d, action=Decision.Action.CONFIRM, by=by, details={"name": d.name})
    record(
        action=Action.DETECTED_CONFIRMED, by=by, obj=d, changes={"status": [old, d.status], "name": d.name}
    )
    return d


@transaction.atomic
def detected_link(*, by, detected: DetectedCampaign, campaign: Campaign) -> DetectedCampaign:
    """Link a detected campaign to a campaign staff already track (one typed on tracebacks, or another
    detection's), so its calls count under that campaign in trends, alerts and evidence.

    A proposed campaign is confirmed by the link; a confirmed one moves from its current campaign to the
    chosen one (the old campaign row stays: tracebacks may name it). The detected campaign takes the linked
    campaign's name. The link is a staff decision: no run changes it (full runs re-point the members'
    call records at the linked campaign), and calls assigned on import count under it too."""
    _require_itg(by)
    d = _locked(detected.pk)
    if d.status not in (S.PROPOSED, S.CONFIRMED):
        raise ValidationError(f"This campaign is {d.get_status_display().lower()}: it cannot be linked.")
    if d.campaign_id == campaign.pk:
        raise ValidationError({"campaign": f"This campaign is already linked to {campaign.name}."})
    old_status, old_campaign = d.status, d.campaign
    d.status, d.name, d.campaign = S.CONFIRMED, campaign.name, campaign
    if old_status == S.PROPOSED:
        d.confirmed_by, d.confirmed_at = by, timezone.now()
    d.save()
    _sync_calls(d)
    _refresh_rollups_on_commit(d)
    details = {"campaign": campaign.name, "from": old_campaign.name if old_campaign else ""}
    Decision.objects.create(detected=d, action=Decision.Action.LINK, by=by, details=details)
    record(
        action=Action.DETECTED_LINKED,
        by=by,
        obj=d,
        changes={
            "campaign": [old_campaign.pk if old_campaign else None, campaign.pk],
            "status": [old_status, d.status],
        },
    )
    return d


@transaction.atomic
def detected_rename(*, by, detected: DetectedCampaign, name: str) -> DetectedCampaign:
    _require_itg(by)
    d = _locked(detected.pk)
    if d.status != S.CONFIRMED:
        raise ValidationError("Confirm the campaign before renaming it.")
    name = _check_name(name, exclude_campaign=d.campaign_id)
    old = d.name
    d.name = name
    d.save(update_fields=["name"])
    if d.campaign_id:
        Campaign.objects.filter(pk=d.campaign_id).update(name=name)
    Decision.objects.create(
        detected=d, action=Decision.Action.RENAME, by=by, details={"from": old, "to": name}
    )
    record(action=Action.DETECTED_RENAMED, by=by, obj=d, changes={"name": [old, name]})
    return d


@transaction.atomic
def detected_merge(*, by, source: DetectedCampaign, into: DetectedCampaign) -> DetectedCampaign:
    """Move every call of `source` into `into` (which becomes or stays confirmed); `source` is closed."""
    _require_itg(by)
    if source.pk == into.pk:
        raise ValidationError("Choose another campaign to merge with.")
    first, second = sorted([source.pk, into.pk])
    _locked(first), _locked(second)
    src, dst = DetectedCampaign.objects.get(pk=source.pk), DetectedCampaign.objects.get(pk=into.pk)
    if S.MERGED in (src.status, dst.status) or S.DISSOLVED in (src.status, dst.status):
        raise ValidationError("Only proposed or confirmed campaigns can be merged.")
    if dst.status != S.CONFIRMED:
        raise ValidationError({"into": "Confirm (and name) the campaign you merge into first."})
    moved = Member.objects.filter(detected=src).update(detected=dst, by_staff=True)
    Exclusion.objects.filter(detected=src).update(detected=dst)
    src.status, src.merged_into = S.MERGED, dst
    src.save(update_fields=["status", "merged_into"])
    _refresh([src.pk, dst.pk])
    _sync_calls(dst)
    Decision.objects.create(
        detected=dst, other=src, action=Decision.Action.MERGE, by=by, details={"calls": moved}
    )
    record(action=Action.DETECTED_MERGED, by=by, obj=dst, changes={"merged": src.pk, "calls": moved})
    return dst


@transaction.atomic
def detected_split(
    *, by, detected: DetectedCampaign, member_ids: list[int], name: str, kind: str
) -> DetectedCampaign:
    """Move the chosen members into a new confirmed campaign; the two are never proposed for merging."""
    _require_itg(by)
    d = _locked(detected.pk)
    if d.status != S.CONFIRMED:
        raise ValidationError("Confirm the campaign before splitting it.")
    members = Member.objects.filter(detected=d, pk__in=member_ids)
    count = members.count()
    if not count or count == Member.objects.filter(detected=d).count():
        raise ValidationError({"members": "Choose some, but not all, of the campaign's calls to split off."})
    name = _check_name(name)
    kind = kind or (d.campaign.kind if d.campaign else Campaign.Kind.OTHER)
    campaign = campaign_create(by=by, name=name, kind=kind, description="Split by ITG staff.")
    new = DetectedCampaign.objects.create(
        status=S.CONFIRMED,
        name=name,
        campaign=campaign,
        split_from=d,
        confirmed_by=by,
        confirmed_at=timezone.now(),
    )
    members.update(detected=new, by_staff=True)
    _refresh([d.pk, new.pk])
    _sync_calls(new)
    _refresh_rollups_on_commit(DetectedCampaign.objects.get(pk=new.pk))
    Decision.objects.create(
        detected=d, other=new, action=Decision.Action.SPLIT, by=by, details={"calls": count, "name": name}
    )
    record(action=Action.DETECTED_SPLIT, by=by, obj=d, changes={"new": new.pk, "calls": count})
    return new


@transaction.atomic
def detected_move_out(*, by, detected: DetectedCampaign, member: Member) -> None:
    _require_itg(by)
    d = _locked(detected.pk)
    if member.detected_id != d.pk:
        raise ValidationError("That call is not in this campaign.")
    Exclusion.objects.get_or_create(
        detected=d, kind=member.kind, object_id=member.object_id, defaults={"by": by}
    )
    if member.kind == K.CALL and d.campaign_id:
        CallRecord.objects.filter(pk=member.object_id, campaign_id=d.campaign_id).update(campaign=None)
    info = {"kind": member.kind, "id": member.object_id}
    member.delete()
    _refresh([d.pk])
    if member.call_at:
        from tracebacks.detection import tasks

        day = member.call_at.astimezone(dt.UTC).date().isoformat()
        enqueue_on_commit(tasks.rollups_days, [day])
    Decision.objects.create(detected=d, action=Decision.Action.MOVE_OUT, by=by, details=info)
    record(action=Action.DETECTED_MOVED_OUT, by=by, obj=d, changes=info)


def detected_queryset_for(user):
    """ITG staff only: detected campaigns carry call-level evidence."""
    if not getattr(user, "is_itg_staff", False):
        return DetectedCampaign.objects.none()
    return DetectedCampaign.objects.filter(Q(status=S.PROPOSED) | Q(status=S.CONFIRMED))
