"""The demo registry: the sample of the FCC's RMD export, then synthetic providers (some foreign), so the
demo world has about 300 providers. Deterministic and idempotent: synthetic providers have fixed RMD
numbers (RMD8xxxxxx, a range the FCC has not issued) and are inserted only when missing."""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from django.db.models import Q

from providers import rmd
from providers.models import Provider, StirShaken

SAMPLE = Path(__file__).parent / "demo_data" / "rmd-sample.csv"
US_ZONES = (
    "America/New_York",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
)
_WORDS = ("Blue", "Summit", "Prime", "Vector", "Nova", "Keystone", "Harbor", "Pioneer", "Atlas", "Meridian",
          "Granite", "Liberty", "Beacon", "Cascade", "Frontier", "Silver", "Union", "Redwood", "Apex", "Lakeside")  # fmt: skip
_KINDS = (
    "Telecom",
    "Voice",
    "Communications",
    "Networks",
    "VoIP",
    "Connect",
    "Carrier Services",
    "Telephone",
)
_FORMS = ("LLC", "Inc", "Corp", "LLC", "Co")
_ABROAD = (("United Kingdom", "Ltd"), ("India", "Pvt Ltd"), ("Philippines", "Inc"), ("Pakistan", "Pvt Ltd"),
           ("Dominican Republic", "SRL"), ("Canada", "Inc"), ("Mexico", "SA de CV"), ("Nigeria", "Ltd"))  # fmt: skip


@dataclass(frozen=True)
class Kind:
    label: str
    count: int
    gateway: bool = False
    intermediate: bool = False
    foreign: bool = False


KINDS = (
    Kind("terminating", 30),
    Kind("intermediate", 110, intermediate=True),
    Kind("gateway", 35, gateway=True, intermediate=True),
    Kind("originating", 60),
    Kind("foreign", 25, foreign=True),
)


def _synthetic(rng: random.Random) -> list[Provider]:
    providers, n, names = [], 0, set()
    for kind in KINDS:
        for _ in range(kind.count):
            n += 1
            country, form = (
                rng.choice(_ABROAD) if kind.foreign else ("United States of America", rng.choice(_FORMS))
            )
            name = f"{rng.choice(_WORDS)} {rng.choice(_KINDS)} {form}"
            while name in names:
                name = f"{rng.choice(_WORDS)} {rng.choice(_KINDS)} {rng.choice(('East', 'West', 'Central', 'South', 'North'))} {form}"
            names.add(name)
            slug = "".join(ch for ch in name.lower() if ch.isalnum())[:40]
            providers.append(
                Provider(
                    rmd_number=f"RMD8{n:06d}",
                    frn=f"{rng.randrange(10**9, 10**10):010d}",
                    business_name=name,
                    business_address="" if kind.foreign else f"{rng.randrange(10, 9999)} Main Street",
                    country=country,
                    is_foreign=kind.foreign,
                    stir_shaken=rng.choice(
                        (StirShaken.YES, StirShaken.YES, StirShaken.PARTIAL, StirShaken.NO)
                    ),
                    is_voice_service=kind.label in ("terminating", "originating", "foreign"),
                    is_gateway=kind.gateway,
                    is_intermediate=kind.intermediate,
                    traceback_email=f"traceback@{slug}.example",
                    time_zone="America/New_York" if kind.foreign else rng.choice(US_ZONES),
                )  # fmt: skip
            )
    return providers


def seed_providers(seed: int = 5) -> rmd.ImportReport:
    """Import the RMD sample (idempotent upsert), then add the synthetic providers that are missing."""
    report = rmd.import_rmd(SAMPLE.read_bytes())
    rng = random.Random(seed)
    synthetic = _synthetic(rng)
    existing = set(
        Provider.objects.filter(rmd_number__startswith="RMD8").values_list("rmd_number", flat=True)
    )
    Provider.objects.bulk_create([p for p in synthetic if p.rmd_number not in existing], batch_size=500)
    # The RMD export carries no e-mail: give the sample's providers a demo traceback contact, once.
    for provider in Provider.objects.filter(Q(traceback_email=""), rmd_number__startswith="RMD0"):
        Provider.objects.filter(pk=provider.pk).update(
            traceback_email=f"traceback@{provider.rmd_number.lower()}.example"
        )
    return report


def provider_pools() -> dict[str, list[int]]:
    """Provider ids by the part they play in the demo's call paths: synthetic ones by their RMD number range,
    the RMD sample's by the roles they filed."""
    pools: dict[str, list[int]] = {kind.label: [] for kind in KINDS}
    bounds, start = [], 1
    for kind in KINDS:
        bounds.append((start, start + kind.count - 1, kind.label))
        start += kind.count
    rows = Provider.objects.filter(is_provisional=False).order_by("pk")
    for pk, number, foreign, gateway, intermediate in rows.values_list(
        "pk", "rmd_number", "is_foreign", "is_gateway", "is_intermediate"
    ):
        if number.startswith("RMD8"):
            n = int(number[4:])
            pools[next(label for lo, hi, label in bounds if lo <= n <= hi)].append(pk)
        elif foreign:
            pools["foreign"].append(pk)
        else:
            pools["gateway" if gateway else "intermediate" if intermediate else "originating"].append(pk)
            pools["terminating"].append(pk)
    return pools
