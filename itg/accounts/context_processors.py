"""Navigation by role, for templates/base.html."""

from __future__ import annotations

from django.urls import reverse


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_verified():
        return {"nav_items": []}
    items = [("Home", reverse("home"))]
    if user.is_ag_staff or user.is_itg_staff:
        items.append(("Demands", reverse("subpoenas:list")))
        items.append(("Cases", reverse("cases:list")))
        items.append(("Alerts", "/alerts/"))
    if user.is_itg_staff:  # tracebacks and the provider registry are ITG work (issue 5)
        items += [
            ("Tracebacks", "/tracebacks/"),
            ("Providers", "/providers/"),
            ("Calls", "/calls/"),
            ("Ecosystem", "/ecosystem/"),
        ]
    if user.is_ag_staff or user.is_itg_staff:  # campaign trends (issue 10)
        items.append(("Trends", "/trends/"))
    if user.is_itg_admin or user.is_ag_supervisor:
        items.append(("Users", reverse("accounts:users")))
    if user.is_auditor or user.is_itg_admin:
        items.append(("Audit trail", reverse("audit:list")))
    if user.is_ag_supervisor:
        items.append(("Access history", reverse("audit:state")))
    if user.is_itg_admin:
        items.append(("Admin", reverse("admin:index")))
    items.append(("Verify", reverse("responses:verify")))
    items.append(("API", reverse("api-docs")))
    current = request.path
    return {
        "nav_items": [
            (label, url, current.startswith(url) and url != "/" or current == url) for label, url in items
        ]
    }
