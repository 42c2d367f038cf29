"""A synthetic traceback history with planted providers of each kind (a)-(d), near misses just under each
threshold, and old tracebacks just outside the window: the labelled set the findings are judged on."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

from providers.models import Provider
from tests.factories import make_campaign, make_provider
from tracebacks.ecosystem.findings import Window
from tracebacks.models import Hop, Traceback

WINDOW = Window(date(2025, 12, 1), date(2026, 11, 30))
INSIDE = datetime(2026, 6, 15, 14, 0, tzinfo=UTC)
JUST_BEFORE = datetime(2025, 11, 30, 20, 0, tzinfo=UTC)  # every hop of the chain before the window opens
LAST_MINUTE = datetime(2026, 11, 30, 22, 59, tzinfo=UTC)  # hop 2 is asked in the last minute
_numbers = itertools.count(1000)


def chain(
    path,
    *,
    when=INSIDE,
    last="customer",
    foreign=None,
    attest="B",
    signer="",
    calling=None,
    late=False,
    campaign=None,
):
    """One traceback over `path` (terminating provider first). Every hop but the last names the next one; the
    last answers `last` (naming `foreign` as its upstream when given). Hops are asked an hour apart."""
    tb = Traceback.objects.create(
        campaign=campaign or make_campaign(), call_at=when - timedelta(hours=6), calling_number=calling
        or f"+1202555{next(_numbers):04d}", called_number="+13125550199", source="honeypot",
        hop_count=len(path), status={"customer": "completed", "no_record": "dead_end"}.get(
            last, "foreign" if foreign else "non_responsive"),
    )  # fmt: skip
    hops = []
    for i, provider in enumerate(path):
        is_last = i == len(path) - 1
        asked = when + timedelta(hours=i)
        answer = last if is_last else Hop.Answer.UPSTREAM
        role = "terminating" if i == 0 else ("originating" if is_last and last == "customer" else
                                            "gateway" if is_last and foreign else "intermediate")  # fmt: skip
        answered = (
            None
            if answer in ("no_response", "pending")
            else asked + timedelta(hours=30 if late and is_last else 2)
        )
        hops.append(Hop(
            traceback=tb, sequence=i + 1, provider=provider, role=role, asked_at=asked, due_at=asked + timedelta(hours=24),
            answered_at=answered, answer=answer, upstream=(path[i + 1] if not is_last else foreign),
            attestation=attest, signer=signer, customer="Acme Outreach LLC" if answer == "customer" else "",
            is_late=answer == "no_response" or (late and is_last), flagged=answer == "no_response",
        ))  # fmt: skip
    Hop.objects.bulk_create(hops)
    return tb


def build() -> SimpleNamespace:
    """The world. `expected` names the providers each criterion must find at the default thresholds (3)."""
    w = SimpleNamespace()
    w.term = make_provider("Last Mile Telecom")  # terminating on every traceback: never counts
    w.foreign = make_provider("Overseas Voice Ltd", foreign=True)
    # (a) 2 no responses + 1 refusal; the near miss has 2 in the window, 1 just before it and 1 late answer.
    w.pa = make_provider("Silent Transit LLC")
    for last in ("no_response", "no_response", "refused"):
        chain([w.term, w.pa], last=last)
    w.na = make_provider("Almost Silent Inc")
    chain([w.term, w.na], last="no_response")
    chain([w.term, w.na], last="refused", when=LAST_MINUTE)
    chain([w.term, w.na], last="no_response", when=JUST_BEFORE)
    chain([w.term, w.na], last="no_record", late=True)  # late, and one "no record": under both thresholds
    w.pnr = Provider.objects.create(business_name="Unfiled Carrier Co", is_provisional=True,
                                    traceback_email="noc@unfiled.example")  # fmt: skip
    w.mid = make_provider("Middle Transit Corp")
    chain([w.term, w.pnr, w.mid], last="no_record")  # the only traceback the unfiled provider carried
    # (b) an originator of 3; a provider that accepted 3 straight from 3 different originators.
    w.pb = make_provider("Origin Dialer Services")
    w.accepters = [make_provider(f"Accepting Carrier {i}") for i in range(3)]
    for accepter in w.accepters:
        chain([w.term, accepter, w.pb])
    w.pb2 = make_provider("Front Door Wholesale")
    w.origins = [make_provider(f"Small Originator {i}") for i in range(3)]
    for origin in w.origins:
        chain([w.term, w.pb2, origin])
    w.nb = make_provider("Near Origin Telecom")
    w.nb_accepters = [make_provider(f"Near Accepter {i}") for i in range(3)]
    chain([w.term, w.nb_accepters[0], w.nb])
    chain([w.term, w.nb_accepters[1], w.nb])
    chain([w.term, w.nb_accepters[2], w.nb], when=JUST_BEFORE)
    # (c) a US gateway for a foreign provider 3 times (signed C twice, A once); the near miss twice + once before.
    w.pc = make_provider("Port of Entry Voice")
    for attest in ("C", "C", "A"):
        chain([w.term, w.mid, w.pc], last="upstream", foreign=w.foreign, attest=attest)
    w.nc = make_provider("Occasional Gateway LLC", is_gateway=True)
    chain([w.term, w.mid, w.nc], last="upstream", foreign=w.foreign, attest="C")
    chain([w.term, w.mid, w.nc], last="upstream", foreign=w.foreign, attest="C")
    chain([w.term, w.mid, w.nc], last="upstream", foreign=w.foreign, attest="C", when=JUST_BEFORE)
    # (d) "no record" 3 and 5 times; the near miss twice + once before.
    w.pd = make_provider("Forgetful Networks")
    w.pd5 = make_provider("No Logs Telecom")
    for _ in range(3):
        chain([w.term, w.pd], last="no_record")
    for _ in range(5):
        chain([w.term, w.pd5], last="no_record")
    w.nd = make_provider("Sometimes Records Inc")
    chain([w.term, w.nd], last="no_record")
    chain([w.term, w.nd], last="no_record")
    chain([w.term, w.nd], last="no_record", when=JUST_BEFORE)
    # Spoofing: one number A-attested by two signers; another by one signer only (owned, no flag).
    w.signer1, w.signer2 = make_provider("Signer One Telecom"), make_provider("Signer Two Voice")
    # (Open tracebacks, the last hop's upstream not yet asked: they count towards no criterion.)
    w.spoofed = [chain([w.term, w.mid], last="upstream", attest="A", signer=s.business_name, calling="+18005550100")
                 for s in (w.signer1, w.signer2)]  # fmt: skip
    chain(
        [w.term, w.mid], last="upstream", attest="A", signer=w.signer1.business_name, calling="+18005550111"
    )
    w.expected = {
        "a": {w.pa.pk, w.pnr.pk},
        "b": {w.pb.pk, w.pb2.pk},
        "c": {w.pc.pk},
        "d": {w.pd.pk, w.pd5.pk},
    }
    return w
