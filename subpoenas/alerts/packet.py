"""The alert packet: what an office needs to open an investigation, as plain data and as a document.

`packet_data` builds a JSON-safe dict from the traceback selectors (`tracebacks.alerting`); at send the
dict is frozen on the alert, and the PDF, CSV and JSON are rendered from the frozen dict alone, so the same
packet regenerated gives the same content whatever happened to the data since.
"""

from __future__ import annotations

import datetime as dt
import json

from django.template.loader import render_to_string

from itg.calendar import JURISDICTIONS
from itg.exports import rows_csv
from itg.pdf import DataExhibit
from subpoenas.alerts.spoofing import spoofed_label
from tracebacks.alerting import CampaignActivity, traced_volume

PACKET_FORMAT = 1

# The federal laws such a campaign may break, as the packet states them (DOMAIN.md, "Campaigns, trends,
# alerts"). The recipient state's own statute is one line ITG staff fill in per state.
FEDERAL_LAWS = (
    ("TCPA, 47 U.S.C. 227(b)", "Calls using an artificial or prerecorded voice without prior express consent."),
    ("TCPA, 47 U.S.C. 227(c)", "Telephone solicitations to numbers on the National Do Not Call Registry."),
    ("TCPA, 47 U.S.C. 227(e)", "Caller ID spoofing with intent to defraud, cause harm or wrongfully obtain anything of value (Truth in Caller ID Act)."),
    ("47 U.S.C. 227(g)", "The states' right to sue for TCPA violations affecting their residents."),
    ("TSR, 16 CFR 310.3(b)", "Assisting and facilitating: substantial assistance to a seller or telemarketer one knows or consciously avoids knowing is violating the Rule."),
    ("TSR, 16 CFR 310.4(b)", "Abusive pattern of calls: Do Not Call, prerecorded messages, caller ID transmission."),
    ("15 U.S.C. 6103", "States enforce the Telemarketing Sales Rule in federal court."),
)  # fmt: skip
STATUTE_BLANK = "(to be completed by the ITG: the state's telemarketing and consumer protection statute)"


def _iso(value: dt.datetime | None) -> str:
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z") if value else ""


def packet_data(
    activity: CampaignActivity,
    *,
    reference: str,
    title: str,
    summary: str,
    period: tuple[dt.date, dt.date],
    recipients: list[tuple[str, str, int]],
    statutes: dict[str, str],
) -> dict:
    """The packet as JSON-safe data. `recipients`: (office name, state, calls into the state)."""
    s = activity.summary
    v = activity.volume or traced_volume(s)
    return {
        "format": PACKET_FORMAT,
        "reference": reference,
        "title": title,
        "summary": summary,
        "campaign": {"id": activity.campaign_id, "name": activity.name, "kind": activity.kind,
                     "kind_label": activity.kind_label, "legal_basis": activity.legal_basis},
        "period": {"start": period[0].isoformat(), "end": period[1].isoformat()},
        "volume": {"national": v.total, "by_state": v.by_state, "first_seen": _iso(s.first_seen),
                   "last_seen": _iso(s.last_seen), "basis": v.basis, "call_records": v.call_records,
                   "records_by_state": v.records_by_state, "records_by_source": v.records_by_source,
                   "tracebacks": v.tracebacks, "tracebacks_by_state": s.by_state,
                   "rows": [{"state": st, "estimated": n, "records": v.records_by_state.get(st, 0),
                             "traced": s.by_state.get(st, 0)} for st, n in v.by_state.items()]},
        "states": v.states,
        "recipients": [
            {"office": office, "state": state, "state_name": JURISDICTIONS.get(state, ("",))[0], "volume": volume,
             "statute": statutes.get(state, "").strip() or STATUTE_BLANK}
            for office, state, volume in recipients
        ],
        "caller_ids": [{"number": n, "calls": c, "spoofed_as": spoofed_label(n)} for n, c in activity.caller_ids],
        "samples": [{"traceback": x.traceback_id, "call_at": _iso(x.call_at), "calling_number": x.calling_number,
                     "transcript": x.transcript, "recording": x.has_recording} for x in activity.samples],
        "paths": [
            {"traceback": p.traceback_id, "call_at": _iso(p.call_at), "calling_number": p.calling_number,
             "called_number": p.called_number, "called_state": p.called_state, "status": p.status,
             "hops": [{"sequence": h.sequence, "provider": h.provider, "rmd": h.provider_rmd, "role": h.role,
                       "answer": h.answer, "attestation": h.attestation, "asked_at": _iso(h.asked_at),
                       "answered_at": _iso(h.answered_at), "customer": h.customer} for h in p.hops]}
            for p in activity.paths
        ],
        "path_count": activity.path_count,
        "origins": [{"provider": o.provider, "rmd": o.provider_rmd, "customer": o.customer, "tracebacks": o.tracebacks}
                    for o in activity.origins],
        "prior_notices": [{"provider": n.provider, "rmd": n.provider_rmd, "count": n.count,
                           "dates": [d.isoformat() for d in n.dates],
                           "letters": [{"date": x.date.isoformat(), "reference": x.reference, "kind": x.kind,
                                        "acknowledged": x.acknowledged} for x in n.letters]}
                          for n in activity.prior_notices],
        "laws": [{"cite": cite, "what": what} for cite, what in FEDERAL_LAWS],
    }  # fmt: skip


CSV_HEADER = ["alert", "campaign", "traceback", "call_at_utc", "calling_number", "spoofed_as", "called_number",
              "called_state", "traceback_status", "hop", "provider", "provider_rmd", "role", "answer",
              "attestation", "asked_at_utc", "answered_at_utc", "customer"]  # fmt: skip


def packet_csv(packet: dict) -> bytes:
    """One row per hop of each hop path (the traceback's fields repeated), through `itg.exports`."""
    rows = []
    for p in packet["paths"]:
        head = [packet["reference"], packet["campaign"]["name"], p["traceback"], p["call_at"], p["calling_number"],
                spoofed_label(p["calling_number"]), p["called_number"], p["called_state"], p["status"]]  # fmt: skip
        for h in p["hops"]:
            rows.append(head + [h["sequence"], h["provider"], h["rmd"], h["role"], h["answer"], h["attestation"],
                                h["asked_at"], h["answered_at"], h["customer"]])  # fmt: skip
    return rows_csv(CSV_HEADER, rows)


def packet_json(packet: dict) -> bytes:
    return json.dumps(packet, indent=1, ensure_ascii=False, sort_keys=True).encode("utf-8")


def data_exhibits(packet: dict) -> list[DataExhibit]:
    stem = packet["reference"]
    return [
        DataExhibit(
            f"{stem}-hops.csv", packet_csv(packet), "Hop paths of the campaign's tracebacks, one row per hop"
        ),
        DataExhibit(f"{stem}-packet.json", packet_json(packet), "The whole packet's data"),
    ]


def packet_html(packet: dict, *, is_development: bool = False) -> str:
    return render_to_string("alerts/packet.html", {"p": packet, "is_development": is_development})
