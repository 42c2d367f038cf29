"""Demo call data: what the five sources reported of the demo campaigns' calls, loaded as history.

Each demo traceback's sample call stands for a campaign's traffic around that day: the FTC and the FCC hear
of it from consumers (state and area code, no called number), honeypots record it (a transcript that
speech recognition heard a little differently each time), providers' CDRs and STIR/SHAKEN tokens see the
numbers. Every record keeps the campaign of the traceback it comes from, and each campaign reaches a few
states of its own, so the trend pages, the state pages and the alerts have a believable picture to show.
Loaded directly (bulk inserts, no import job, no audit event), like the rest of the demo history.
"""

from __future__ import annotations

import hashlib
import random
import uuid
from collections import defaultdict
from datetime import datetime, timedelta

from django.db import transaction

from tracebacks.calls.models import CallRecord, Source
from tracebacks.calls.numbers import area_code_states, state_of_number
from tracebacks.models import Traceback

# Source mix: complaints dominate what the ITG hears of; honeypots carry the transcripts.
SOURCES = [
    (Source.FTC_DNC, 35),
    (Source.FCC_COMPLAINT, 20),
    (Source.HONEYPOT, 20),
    (Source.CDR, 15),
    (Source.SHAKEN, 10),
]
FTC_SUBJECTS = {
    "debt_relief": "Reducing your debt (credit cards, mortgage, student loans)",
    "student_loan": "Reducing your debt (credit cards, mortgage, student loans)",
    "medicare": "Medical & prescriptions",
    "auto_warranty": "Warranties & protection plans",
    "ssa": "Imposters",
    "irs": "Imposters",
    "utility": "Energy, solar, & utilities",
}
FCC_ISSUE = "Robocalls"
FILLERS = ["uh", "um", "the", "a", "please", "now"]
# The states hit most by the demo's traffic (Texas and its neighbours among them, so the Texas demo users
# see their own page fill, and California only for some campaigns).
POPULOUS = ["TX", "CA", "FL", "NY", "PA", "IL", "OH", "GA", "NC", "MI", "NJ", "VA", "WA", "AZ", "OK", "LA"]


def _asr(text: str, rng: random.Random) -> str:
    """A transcript as speech recognition might hear it another time: a cut start, a dropped or added word."""
    words = text.split()
    if len(words) > 12 and rng.random() < 0.6:
        words = words[rng.randint(1, min(8, len(words) // 4)) :]
    for _ in range(rng.randint(0, 2)):
        if len(words) > 5:
            i = rng.randrange(len(words))
            if rng.random() < 0.5:
                del words[i]
            else:
                words.insert(i, rng.choice(FILLERS))
    return " ".join(words)


def _raw(e164: str, rng: random.Random) -> str:
    """The number as a source might write it."""
    d = e164[2:]
    return rng.choice([f"({d[:3]}) {d[3:6]}-{d[6:]}", f"{d[:3]}-{d[3:6]}-{d[6:]}", d, f"1{d}", e164])


def seed_calls(reference: datetime, *, per_traceback: int = 36, seed: int = 9, batch: int = 5000) -> int:
    """About `per_traceback` call records for each demo traceback (none if any call record exists)."""
    if CallRecord.objects.exists():
        return 0
    rng = random.Random(seed)
    by_state: dict[str, list[str]] = defaultdict(list)
    for npa, state in sorted(area_code_states().items()):
        by_state[state].append(npa)
    targets: dict[int, list[str]] = {}
    pools: dict[int, list[str]] = {}
    kinds = dict(Traceback.objects.values_list("campaign_id", "campaign__kind").distinct())
    sources, weights = zip(*SOURCES, strict=True)
    rows: list[CallRecord] = []
    created = 0
    tracebacks = Traceback.objects.values_list(
        "id", "call_at", "calling_number", "called_number", "campaign_id", "transcript"
    ).order_by("id")
    with transaction.atomic():
        for tb_id, call_at, calling, called, campaign_id, transcript in tracebacks.iterator(chunk_size=2000):
            states = targets.setdefault(campaign_id, rng.sample(POPULOUS[:6], 2) + rng.sample(POPULOUS, 3))
            pool = pools.setdefault(
                campaign_id, [calling] + [f"+1{rng.choice(by_state[rng.choice(POPULOUS)])}555{rng.randint(1000, 9999)}" for _ in range(4)]
            )  # fmt: skip
            for k in range(rng.randint(per_traceback // 2, per_traceback * 3 // 2)):
                source = rng.choices(sources, weights)[0]
                at = min(reference, call_at + timedelta(minutes=rng.gauss(0, 2 * 24 * 60)))
                state = rng.choice(states)
                npa = rng.choice(by_state[state])
                to = (
                    called
                    if k == 0
                    else f"+1{npa}{rng.randint(2, 9)}{rng.randint(0, 99):02d}{rng.randint(0, 9999):04d}"
                )
                state = state if k else (state_of_number(called) or state)
                caller = rng.choice(pool)
                record = CallRecord(
                    source=source, call_at=at.replace(microsecond=0), call_tz="America/New_York",
                    calling_number=caller, calling_number_raw=_raw(caller, rng), campaign_id=campaign_id,
                    robocall=True, ingested_at=reference,
                    dedupe_key=hashlib.md5(f"demo|{source}|{tb_id}|{k}".encode(), usedforsecurity=False).hexdigest(),
                )  # fmt: skip
                if source in (Source.FTC_DNC, Source.FCC_COMPLAINT):
                    record.consumer_state = state
                    record.consumer_area_code = to[2:5]
                    record.called_state = record.consumer_state
                    record.subject = FTC_SUBJECTS.get(kinds.get(campaign_id, ""), "Other")
                    if source == Source.FCC_COMPLAINT:
                        record.source_record_id, record.subject = f"demo-{tb_id}-{k}", FCC_ISSUE
                else:
                    record.called_number, record.called_number_raw = to, _raw(to, rng)
                    record.called_state = state
                if source == Source.HONEYPOT and transcript:
                    record.transcript = _asr(transcript, rng)
                if source == Source.SHAKEN:
                    record.attest = rng.choices("ABC", (5, 2, 3))[0]
                    record.orig_tn, record.dest_tn = caller[1:], to[1:]
                    record.iat, record.origid = int(at.timestamp()), str(uuid.UUID(int=rng.getrandbits(128)))
                    record.verification = "unverified"
                rows.append(record)
            if len(rows) >= batch:
                CallRecord.objects.bulk_create(rows, batch_size=batch)
                created, rows = created + len(rows), []
        CallRecord.objects.bulk_create(rows, batch_size=batch)
    return created + len(rows)
