"""The demo world's traceback history: about 40 campaigns and 5,000 x scale tracebacks of 3 to 8 hops.

Deterministic (seeded random, a fixed reference date) and consistent with DOMAIN.md: most providers answer
within hours, some late, some never; chains end at the originating provider, at a foreign provider beyond a
US gateway, at a dead end or at a non-responder; many calls carry spoofed numbers signed with A attestation.

The history is **loaded directly** (COPY on PostgreSQL, multi-row inserts elsewhere) with precomputed
values: no services run per row and no audit events are written for it, because it describes work that
happened before the portal (and `make run` must stay fast). Everything done in the portal afterwards goes
through the services and is audited. Idempotent: a second run finds the demo history and adds nothing.
"""

from __future__ import annotations

import csv
import math
import random
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.db import connection

from itg.calendar import hop_due_at
from providers.demo import provider_pools, seed_providers
from providers.models import Provider
from tracebacks.models import Campaign, Hop, Traceback

MARK = "demo history"
REFERENCE = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)  # the demo's "today"
DAYS = 730
BASE_VOLUME = 5000
CHUNK = 5000
TRANSCRIPTS = Path(__file__).parent / "demo_data" / "robocall-transcripts.csv"
K = Campaign.Kind
CAMPAIGNS = {
    K.SSA: ("SSA-CalltheSSA", "SSA-SuspendedSSN", "SSA-SuspendedSSN-2", "SSA-LegalEnforcement", "SSA-Benefits-P2"),
    K.IRS: ("IRS-TaxLien", "IRS-BackTaxes-3", "IRS-ArrestWarrant"),
    K.UTILITY: ("Utility-30MinDisconnect", "Utility-DisconnectDept", "Utility-Refund-2"),
    K.AMAZON: ("Amazon-AuthorizeOrder-P3", "Amazon-iPhoneOrder", "Amazon-PrimeRenewal", "Apple-iCloudBreach"),
    K.BANK: ("Financial-Impers-7", "Bank-FraudAlert", "Bank-CardLocked-2"),
    K.POLICE: ("Police-Fundraiser", "Legal-Warrant-DrugTrafficking", "Sheriff-MissedJury"),
    K.AUTO_WARRANTY: ("AutoWarranty-FinalNotice", "AutoWarranty-Extended-4", "AutoWarranty-Dealer"),
    K.MEDICARE: ("Medicare-BackBrace", "Medicare-NewCard", "HealthIns-OpenEnrollment", "Medicare-DiabeticSupplies"),
    K.DEBT_RELIEF: ("CCInterest-RateReduction", "DebtRelief-Consolidation", "CCInterest-Visa-MC-2"),
    K.STUDENT_LOAN: ("StudentLoan-Forgiveness", "StudentLoan-Consolidation-3"),
    K.TECH_SUPPORT: ("TechSupport-Microsoft", "TechSupport-VirusAlert"),
    K.GRANDPARENT: ("Grandparentscam", "Grandparentscam-Bail"),
    K.OTHER: ("Travel-FreeCruise", "Travel-Timeshare", "EnergyAudit-Solar"),
}  # fmt: skip
LEGAL_BASIS = (
    "TCPA, 47 U.S.C. 227(b) (prerecorded calls without consent); Truth in Caller ID Act, 47 U.S.C. 227(e)"
)
KEYWORDS = {
    K.SSA: ("social security",), K.IRS: ("irs", "internal revenue", "tax"),
    K.UTILITY: ("disconnect", "power", "electric", "utility"), K.AMAZON: ("amazon", "order", "iphone", "icloud"),
    K.BANK: ("bank", "fraud", "debit card"), K.POLICE: ("police", "warrant", "sheriff", "enforcement"),
    K.AUTO_WARRANTY: ("warranty", "vehicle", "car"), K.MEDICARE: ("medicare", "health", "insurance", "brace"),
    K.DEBT_RELIEF: ("interest rate", "credit card", "debt"), K.STUDENT_LOAN: ("student loan",),
    K.TECH_SUPPORT: ("microsoft", "computer", "virus", "support"), K.GRANDPARENT: ("grandson", "grandma", "bail"),
}  # fmt: skip
AREA_CODES = (
    201,
    202,
    212,
    213,
    214,
    305,
    312,
    404,
    415,
    469,
    512,
    602,
    617,
    702,
    713,
    786,
    813,
    832,
    917,
    972,
)
ZONES = ("America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles")
OUTCOMES = ("completed", "foreign", "dead_end", "no_response", "refused", "open")
OUTCOME_WEIGHTS = (44, 26, 9, 13, 4, 4)
HOP_COUNTS = (3, 4, 5, 6, 7, 8)
HOP_WEIGHTS = (16, 22, 23, 18, 12, 9)  # mean about 5.4 hops, as in the ITG's reports
CUSTOMERS = (
    "Acme Outreach",
    "Prime Leads",
    "National Benefits Center",
    "Vertex Marketing",
    "Blue Sky Dialers",
)
TB_COLUMNS = ("id", "campaign_id", "call_at", "call_tz", "calling_number", "called_number", "source",
              "source_detail", "transcript", "recording", "transcript_file", "status", "hop_count",
              "originating_provider_id", "gateway_provider_id", "created_by_id", "created_at", "ended_at",
              "close_note")  # fmt: skip
HOP_COLUMNS = ("id", "traceback_id", "sequence", "provider_id", "role", "asked_at", "due_at", "notified_at",
               "answered_at", "answer", "upstream_id", "attestation", "origid", "signer", "customer", "notes",
               "attachment", "is_late", "flagged", "response_seconds")  # fmt: skip


def seed_campaigns() -> list[Campaign]:
    existing = set(Campaign.objects.values_list("name", flat=True))
    Campaign.objects.bulk_create(
        [
            Campaign(name=name, kind=kind, legal_basis=LEGAL_BASIS, description=f"{kind.label} robocalls.")
            for kind, names in CAMPAIGNS.items()
            for name in names
            if name not in existing
        ]
    )
    return list(Campaign.objects.filter(name__in=[n for names in CAMPAIGNS.values() for n in names]))


def _transcripts() -> dict[str, list[str]]:
    """The FTC's public-domain transcripts, sorted into campaign kinds by their words."""
    by_kind: dict[str, list[str]] = {kind: [] for kind in CAMPAIGNS}
    with TRANSCRIPTS.open(newline="") as handle:
        for row in csv.DictReader(handle):
            text = " ".join(row["transcript"].split())
            lower = text.lower()
            kind = next((k for k, words in KEYWORDS.items() if any(w in lower for w in words)), K.OTHER)
            by_kind[kind].append(text)
    fallback = [t for texts in by_kind.values() for t in texts]
    return {kind: texts or fallback for kind, texts in by_kind.items()}


class _Picker:
    """Zipf-weighted choice: a few busy providers carry much of the traffic, as in real tracebacks."""

    def __init__(self, ids: Sequence[int], rng: random.Random):
        self.ids = list(ids)
        rng.shuffle(self.ids)
        total, self.cum = 0.0, []
        for rank in range(1, len(self.ids) + 1):
            total += 1 / rank**1.1
            self.cum.append(total)

    def pick(self, rng: random.Random, avoid: set[int]) -> int:
        while True:
            pk = rng.choices(self.ids, cum_weights=self.cum)[0]
            if pk not in avoid:
                return pk


def _number(rng: random.Random, area: int | None = None) -> str:
    return f"+1{area or rng.choice(AREA_CODES)}{rng.randrange(200, 1000)}{rng.randrange(0, 10000):04d}"


class _World:
    def __init__(self, rng: random.Random, created_by: int | None):
        self.rng, self.created_by = rng, created_by
        pools = provider_pools()
        self.pick = {label: _Picker(ids, rng) for label, ids in pools.items()}
        self.providers = {p.pk: p for p in Provider.objects.only("pk", "business_name", "time_zone")}
        self.campaigns = sorted(seed_campaigns(), key=lambda c: c.name)
        texts = _transcripts()
        self.texts = {c.pk: texts[c.kind] for c in self.campaigns}
        # Each campaign spoofs from its own pool of numbers, so a number recurs across tracebacks.
        self.spoofed = {c.pk: [_number(rng) for _ in range(60)] for c in self.campaigns}
        self.campaign_weights = [rng.uniform(0.3, 3) for _ in self.campaigns]


def _path(w: _World, outcome: str, n: int) -> tuple[list[int], int | None]:
    """Provider ids from the terminating provider upstream, and the foreign provider beyond, if any."""
    rng, chain = w.rng, []
    chain.append(w.pick["terminating"].pick(rng, set()))
    for _ in range(n - 2):
        chain.append(w.pick["intermediate"].pick(rng, set(chain)))
    last = {"completed": "originating", "foreign": "gateway"}.get(
        outcome, rng.choice(("intermediate", "originating"))
    )
    chain.append(w.pick[last].pick(rng, set(chain)))
    foreign = w.pick["foreign"].pick(rng, set()) if outcome == "foreign" else None
    return chain, foreign


def _response(rng: random.Random, asked: datetime, due: datetime) -> tuple[datetime, bool]:
    if rng.random() < 0.07:  # late: after the 24-hour window, within a few days
        answered = due + timedelta(hours=rng.uniform(1, 72))
    else:
        hours = min(rng.lognormvariate(math.log(2.5), 1.0), 20)
        answered = min(asked + timedelta(hours=hours), due - timedelta(minutes=1))
    return answered, answered > due


FINAL_ANSWER = {"completed": "customer", "foreign": "upstream", "dead_end": "no_record", "refused": "refused",
                "no_response": "no_response", "open": "pending"}  # fmt: skip
STATUS = {"completed": "completed", "foreign": "foreign", "dead_end": "dead_end", "no_response": "non_responsive",
          "refused": "non_responsive", "open": "open"}  # fmt: skip
LAST_ROLE = {"completed": "originating", "foreign": "gateway"}


@dataclass
class _Chain:
    outcome: str
    providers: list[int]
    foreign: int | None
    attest: str
    origid: uuid.UUID | None
    signer: str
    ended: datetime | None = None


def _chain(w: _World) -> tuple[_Chain, datetime]:
    """The call's fate and path: outcome, providers from the terminating one upstream, the signature seen."""
    rng = w.rng
    call_at = REFERENCE - timedelta(seconds=rng.uniform(0, DAYS * 86400))
    outcome = rng.choices(OUTCOMES, weights=OUTCOME_WEIGHTS)[0]
    if outcome == "open" or call_at > REFERENCE - timedelta(days=3):
        outcome, call_at = "open", REFERENCE - timedelta(hours=rng.uniform(30, 70))
    providers, foreign = _path(w, outcome, rng.choices(HOP_COUNTS, weights=HOP_WEIGHTS)[0])
    # A gateway signs calls from abroad with C; most domestic robocalls arrive signed A (numbers spoofed).
    attest = "C" if outcome == "foreign" else rng.choices(("A", "B", "C", ""), weights=(55, 20, 15, 10))[0]
    origid = uuid.UUID(int=rng.getrandbits(128), version=4) if attest else None
    signer = w.providers[providers[-1]].business_name if attest else ""
    return _Chain(outcome, providers, foreign, attest, origid, signer), call_at


def _hops(w: _World, c: _Chain, tb_id: int, hop_id: int, asked: datetime, rows: list) -> int:
    """One row per hop; each next hop is asked the moment the previous provider answers."""
    rng, n = w.rng, len(c.providers)
    for seq, provider_id in enumerate(c.providers, start=1):
        last = seq == n
        due = hop_due_at(asked, w.providers[provider_id].time_zone)
        answer = FINAL_ANSWER[c.outcome] if last else "upstream"
        upstream = c.providers[seq] if not last else c.foreign
        customer = f"{rng.choice(CUSTOMERS)} {rng.choice(('LLC', 'Inc'))}" if answer == "customer" else ""
        answered, late = (None, answer == "no_response")
        if answer not in ("pending", "no_response"):
            answered, late = _response(rng, asked, due)
        if last and answer != "pending":
            c.ended = answered or due
        role = LAST_ROLE.get(c.outcome, "intermediate") if last and seq > 1 else "intermediate"
        role = "terminating" if seq == 1 else role
        seconds = int((answered - asked).total_seconds()) if answered else None
        rows.append((hop_id, tb_id, seq, provider_id, role, asked, due, asked, answered, answer, upstream,
                     c.attest, c.origid, c.signer, customer, "", "", late, answer == "no_response", seconds))  # fmt: skip
        hop_id += 1
        asked = answered or asked
    return hop_id


def _one(w: _World, tb_id: int, hop_id: int, tb_rows: list, hop_rows: list) -> int:
    rng = w.rng
    campaign = rng.choices(w.campaigns, weights=w.campaign_weights)[0]
    c, call_at = _chain(w)
    hop_id = _hops(w, c, tb_id, hop_id, call_at + timedelta(hours=rng.uniform(6, 96)), hop_rows)
    called_area = rng.choice(AREA_CODES)
    calling = rng.choice(w.spoofed[campaign.pk]) if rng.random() < 0.8 else _number(rng, called_area)
    tb_rows.append((
        tb_id, campaign.pk, call_at, rng.choice(ZONES), calling, _number(rng, called_area),
        rng.choices(Traceback.Source.values, weights=(40, 20, 20, 15, 5))[0], MARK, rng.choice(w.texts[campaign.pk]),
        "", "", STATUS[c.outcome], len(c.providers), c.providers[-1] if c.outcome == "completed" else None,
        c.providers[-1] if c.outcome == "foreign" else None, w.created_by, call_at + timedelta(hours=3), c.ended, "",
    ))  # fmt: skip
    return hop_id


def _writer() -> Callable[[type, Sequence[str], list[tuple]], None]:
    """COPY on PostgreSQL (the fastest load it has); multi-row INSERT elsewhere."""
    if connection.vendor == "postgresql":

        def write(model, columns, rows):
            sql = f"COPY {model._meta.db_table} ({', '.join(columns)}) FROM STDIN"
            with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row)

        return write
    adapt = connection.ops.adapt_datetimefield_value

    def write(model, columns, rows):
        def value(v):
            return adapt(v) if isinstance(v, datetime) else v.hex if isinstance(v, uuid.UUID) else v

        sql = f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608  # nosec B608 - table and columns are ours, values are parameters
        with connection.cursor() as cursor:
            cursor.executemany(sql, [tuple(value(v) for v in row) for row in rows])

    return write


def _reset_sequences() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in (Traceback, Hop):
                table = model._meta.db_table
                sql = f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"  # noqa: S608  # nosec B608 - the table names of two models, no input
                cursor.execute(sql)


def seed_tracebacks(*, scale: int = 1, seed: int = 5, created_by: int | None = None, progress=None) -> int:
    """Load 5,000 x `scale` demo tracebacks (none if the demo history is there). Returns how many."""
    seed_providers(seed)
    if Traceback.objects.filter(source_detail=MARK).exists():
        seed_campaigns()
        return 0
    w = _World(random.Random(seed), created_by)
    write, total = _writer(), BASE_VOLUME * scale
    tb_id = (Traceback.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    hop_id = (Hop.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    for start in range(0, total, CHUNK):
        tb_rows: list[tuple] = []
        hop_rows: list[tuple] = []
        for i in range(start, min(start + CHUNK, total)):
            hop_id = _one(w, tb_id + i, hop_id, tb_rows, hop_rows)
        write(Traceback, TB_COLUMNS, tb_rows)
        write(Hop, HOP_COLUMNS, hop_rows)
        if progress:
            progress(min(start + CHUNK, total), total)
    _reset_sequences()
    return total
