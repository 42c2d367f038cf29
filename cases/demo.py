"""Demo cases: a few matters per demo state, one shared with another state (a multistate task force)."""

from __future__ import annotations

from guardian.shortcuts import assign_perm

from cases.access import VIEW_PERMISSION
from cases.models import Case
from itg.accounts.models import Office, User

DEMO_CASES = (
    ("TX", "Medicare-brace robocalls into Houston", "TX-CPD-2026-118", "CA"),
    ("TX", "Utility disconnect impersonation calls", "TX-CPD-2026-131", ""),
    ("CA", "SSA suspension scam campaign", "CA-DOJ-26-0042", ""),
    ("NY", "Auto warranty calls, multistate task force", "NY-BCFP-2026-07", "TX"),
)


def seed_cases() -> list[Case]:
    ivy = User.objects.get(email="ivy@itg.example")
    cases = []
    for state, title, reference, share_with in DEMO_CASES:
        creator = User.objects.filter(office__state=state).order_by("pk").first() or ivy
        case, created = Case.objects.get_or_create(
            reference=reference,
            defaults={"title": title, "lead_state": state, "created_by": creator, "owner": ivy},
        )
        if created and share_with:
            assign_perm(
                VIEW_PERMISSION, Office.objects.get(kind=Office.Kind.AG, state=share_with).group, case
            )
        cases.append(case)
    return cases
