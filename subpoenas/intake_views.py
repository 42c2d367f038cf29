"""The intake pages: (1) upload the demand PDF and attachments, (2) review the prefilled form and submit."""

from __future__ import annotations

from datetime import date

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views import View

from cases.access import cases_visible_to
from itg.accounts.roles import AGStaffRequiredMixin
from itg.calendar import fmt_date
from subpoenas import intake, selectors
from subpoenas.forms import NEW_CASE, DemandForm, RequestFormSet, UploadForm, requests_from


def _upload_page(request: HttpRequest, form: UploadForm, status: int = 200) -> HttpResponse:
    context = {"form": form, "max_mb": settings.UPLOAD_MAX_BYTES // (1024 * 1024)}
    return render(request, "subpoenas/intake_upload.html", context, status=status)


class IntakeUploadView(AGStaffRequiredMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        return _upload_page(request, UploadForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = UploadForm(request.POST, request.FILES)
        attachments = request.FILES.getlist("attachments")
        try:
            draft = intake.intake_draft_create(
                by=request.user, demand_file=request.FILES.get("document"), attachments=attachments
            )
        except ValidationError as error:
            form.is_valid()
            for name, errors in error.message_dict.items():
                form.add_error("document" if name == "document" else None, errors)
            return _upload_page(request, form, status=400)
        return redirect("subpoenas:review", draft.pk)


def _own_cases(user):
    return cases_visible_to(user).filter(lead_state=user.state).order_by("-created_at")[:200]


_PREFILLED = ("kind", "date_issued", "date_served", "issuing_authority", "statute", "return_date", "response_days",
              "response_day_kind")  # fmt: skip
_LABELS = {"kind": "Kind", "date_issued": "Date issued", "date_served": "Date served",
           "issuing_authority": "Issuing authority", "statute": "Statute cited", "return_date": "Return date",
           "response_days": "Response period (days)", "response_day_kind": "Counted in"}  # fmt: skip


def _initial(draft) -> tuple[dict, list[dict]]:
    """The form's starting values: only what the reader was sure of; the rest is offered on the page."""
    p = draft.prefill
    fields = p.get("fields", {})
    form = {"kind": "subpoena", "case": NEW_CASE, "confidentiality": "standard"}
    form.update({k: f["value"] for k, f in fields.items() if k in _PREFILLED and f.get("filled")})
    if "fields" not in p:  # a draft read by the first reader (before this version)
        form.update(
            {"date_issued": p.get("date_issued") or None, "return_date": p.get("return_date") or None}
        )
    rows = [
        {"number": r["number"], "text": r["text"], **_number_sides(r),
         "date_from": r["date_from"] or None, "date_to": r["date_to"] or None,
         "providers": ", ".join(_provider_label(x) for x in r.get("providers", []) if x.get("match")),
         "campaigns": ", ".join(r.get("campaigns", []))}
        for r in p.get("requests", [])
    ]  # fmt: skip
    if p.get("caption"):  # a draft started from an alert (subpoenas.alerts) names its matter
        form |= {"caption": p["caption"], "new_case_title": p["caption"]}
    return form, rows


def _number_sides(found: dict) -> dict[str, str]:
    """The review form's three number boxes: the reader's calling and called numbers (a cue word before
    each: "from", "caller ID"; "to", "dialed"), and the rest as calling-or-called, the scope that misses none."""
    calling, called = found.get("calling_numbers", []), found.get("called_numbers", [])
    either = [n for n in found.get("phone_numbers", []) if n not in calling and n not in called]
    return {"phone_numbers": "\n".join(either), "calling_numbers": "\n".join(calling),
            "called_numbers": "\n".join(called), "terminating_states": ", ".join(found.get("terminating_states", []))}  # fmt: skip


def _provider_label(found: dict) -> str:
    match = found["match"]
    return match.get("rmd") or match["name"]


def _reading_rows(prefill: dict) -> list[dict]:
    """One row per value read: the label, the value, filled or only offered, and where it was found."""
    rows = []
    for key in _PREFILLED:
        f = prefill.get("fields", {}).get(key)
        if f and f.get("value") not in (None, ""):
            rows.append({"key": key, "label": _LABELS[key], **f})
    return rows


class IntakeReviewView(AGStaffRequiredMixin, View):
    def get(self, request: HttpRequest, pk) -> HttpResponse:
        draft = selectors.draft_for(request.user, pk)
        initial, rows = _initial(draft)
        form = DemandForm(initial={**initial, "contact_name": request.user.full_name,
                                   "contact_email": request.user.email}, cases=_own_cases(request.user))  # fmt: skip
        formset = RequestFormSet(initial=rows, prefix="req")
        return self._render(request, draft, form, formset)

    def post(self, request: HttpRequest, pk) -> HttpResponse:
        draft = selectors.draft_for(request.user, pk)
        form = DemandForm(request.POST, cases=_own_cases(request.user))
        formset = RequestFormSet(request.POST, prefix="req")
        if form.is_valid() and formset.is_valid():
            try:
                demand = intake.demand_receive_draft(
                    by=request.user, draft=draft, data=form.to_input(requests_from(formset))
                )
            except ValidationError as error:
                return self._render(request, draft, form, formset, errors=error.message_dict, status=400)
            messages.success(request, f"Received: tracking number {demand.tracking_number}.")
            return redirect("subpoenas:receipt", demand.pk)
        return self._render(request, draft, form, formset, status=400)

    def _render(self, request, draft, form, formset, errors=None, status=200) -> HttpResponse:
        request_errors = []
        for name, msgs in (errors or {}).items():
            if name == "requests":
                request_errors += msgs
            else:
                form.add_error(name if name in form.fields else None, msgs)
        files = list(draft.files.all())
        hashes = [f.sha256 for f in files if f.role == "demand"]
        duplicates = selectors.duplicates_by_hash(request.user, hashes)
        if not duplicates and not form.errors.get("confirm_duplicate"):
            # Nothing to confirm: the box appears only beside a possible duplicate it refers to.
            form.fields["confirm_duplicate"].widget = forms.HiddenInput()
        context = {
            "draft": draft, "files": files, "form": form, "formset": formset, "request_errors": request_errors,
            "duplicates": duplicates,
            "found_phones": draft.prefill.get("phone_numbers", []),
            "found_dates": [fmt_date(date.fromisoformat(d)) for d in draft.prefill.get("dates", [])][:20],
            "reading": _reading_rows(draft.prefill), "reading_messages": draft.prefill.get("messages", []),
            "requests_read": draft.prefill.get("requests", []),
            "requests_offered": draft.prefill.get("requests_offered", []),
        }  # fmt: skip
        return render(request, "subpoenas/intake_review.html", context, status=status)
