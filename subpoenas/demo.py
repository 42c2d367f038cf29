"""Demo legal demands in a few states and statuses, built through the real services (idempotent)."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from cases.models import Case
from itg.accounts.models import User
from itg.uploads import as_upload, check_upload
from subpoenas.intake import DemandInput, RequestInput, demand_receive_uploads
from subpoenas.models import LegalDemand
from subpoenas.services import demand_transition, extension_ask

# (state, case reference, caption, requests, workflow actions to replay)
DEMO_DEMANDS = (
    ("TX", "TX-CPD-2026-118", "In re Medicare-brace robocalls into Houston (CID 2026-118)",
     [("All call detail records for calls from (713) 555-0148 and (832) 555-0191.", ["713-555-0148", "832-555-0191"], ["Lone Star VoIP LLC"]),
      ("The identity of the upstream provider of those calls.", [], [])], ["start_review", "start_work"]),
    ("TX", "TX-CPD-2026-131", "State of Texas v. Utility Shutoff Callers",
     [("Subscriber records for (214) 555-0142.", ["(214) 555-0142"], ["FRN 0012345678"])], []),
    ("CA", "CA-DOJ-26-0042", "People v. SSA Suspension Campaign",
     [("Traceback records of the SSA suspension campaign.", ["+1 415 555 0110"], ["RMD0001234"])],
     ["start_review", "ask_clarification"]),
    ("NY", "NY-BCFP-2026-07", "In re Auto Warranty Calls (multistate)",
     [("All records of calls to New York numbers from (646) 555-0100.", ["646-555-0100"], ["Empire Telecom Inc."])],
     ["start_review", "start_work", "mark_response_ready"]),
)  # fmt: skip


def _pdf(caption: str, requests) -> bytes:
    from html import escape

    from itg.pdf import render_pdf

    items = "".join(f"<p>REQUEST NO. {i}: {escape(text)}</p>" for i, (text, _, _) in enumerate(requests, 1))
    return render_pdf(
        f"<html><body><h1>SUBPOENA DUCES TECUM</h1><p>{escape(caption)}</p>{items}</body></html>"
    )


def seed_demands() -> list[LegalDemand]:
    ivy = User.objects.get(email="ivy@itg.example")
    made = []
    for state, reference, caption, requests, actions in DEMO_DEMANDS:
        existing = LegalDemand.objects.filter(state=state, caption=caption).first()
        if existing:
            made.append(existing)
            continue
        made.append(_seed_one(state, reference, caption, requests, actions, ivy))
    return made


def _seed_one(state, reference, caption, requests, actions, ivy) -> LegalDemand:
    ag = (
        User.objects.filter(office__state=state, role__in=["ag_staff", "ag_supervisor"])
        .order_by("pk")
        .first()
    )
    case = Case.objects.filter(reference=reference).first()
    served = timezone.now().date() - timedelta(days=10)
    data = DemandInput(
        kind="subpoena" if "v." in caption else "cid", caption=caption, issuing_authority="Consumer Protection Division",
        date_issued=served - timedelta(days=2), date_served=served, contact_name=ag.full_name, contact_email=ag.email,
        case_id=case.pk if case and case.lead_state == state else None, new_case_title=caption[:300],
        statute="State consumer protection act", response_days=30, response_day_kind="business",
        requests=[RequestInput(i, text, phones, providers=providers) for i, (text, phones, providers) in enumerate(requests, 1)],
        confirm_duplicate=True,
    )  # fmt: skip
    main = check_upload(as_upload(_pdf(caption, requests), "subpoena.pdf"), allowed={"application/pdf"})
    demand = demand_receive_uploads(by=ag, data=data, main=main, attachments=[])
    with transaction.atomic():
        for action in actions:
            note = "Which date range do you need for request 1?" if action == "ask_clarification" else ""
            demand_transition(demand=demand, action=action, by=ivy, note=note)
        if state == "NY":
            extension_ask(demand=demand, by=ivy, requested_date=demand.due_date + timedelta(days=21),
                          note="The provider's records are archived.")  # fmt: skip
    return demand
