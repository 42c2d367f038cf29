"""The one filter language of the demand list: the ITG queue, the office's list, `/api/demands/` and exports.

The page, the API and the CSV/XLSX downloads all parse their query with `DemandFilter`, so a link written
for one works on the others and the OpenAPI schema documents what the page accepts. Both ways of asking
for a due date are part of it: `due` (overdue, within 7 or 30 days: the page's buttons) and the exact
`due_before` / `due_after` instants that scripts use. A value that cannot be used is a 400 naming the
parameter (the page through `itg.params.BadQuery`, the API through django-filter's validation).
"""

from __future__ import annotations

from datetime import timedelta

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from itg.params import MAX_ID, SEARCH_MAX, validate_date
from subpoenas.models import OPEN_STATUSES, LegalDemand
from subpoenas.selectors import search_q

SORTS = {
    "due": ("due_at", "id"),
    "-due": ("-due_at", "-id"),
    "received": ("received_at", "id"),
    "-received": ("-received_at", "-id"),
    "tracking": ("tracking_number",),
    "state": ("state", "due_at", "id"),
}
SORT_LABELS = [
    ("due", "Due, soonest"),
    ("-due", "Due, latest"),
    ("-received", "Newest received"),
    ("received", "Oldest received"),
    ("tracking", "Tracking number"),
    ("state", "State"),
]
DUE_CHOICES = [("overdue", "Overdue"), ("week", "Within 7 days"), ("30", "Within 30 days")]
STATUS_CHOICES = [("open", "Open (any status before delivery)"), *LegalDemand.Status.choices]
# The filters that narrow the list below "everything visible in this state" (the paginator's shortcut).
NARROWING = ("status", "kind", "owner", "due", "due_before", "due_after", "open", "q")


def _owner_value(value: str) -> str:
    value = value.strip()
    if value in ("", "me", "none"):
        return value
    if not (value.isascii() and value.isdigit()) or int(value) > MAX_ID:
        raise forms.ValidationError("Enter me, none or the id of an ITG user.")
    return value


class OwnerField(forms.CharField):
    def clean(self, value):
        return _owner_value(super().clean(value) or "")


class OwnerFilter(django_filters.CharFilter):
    field_class = OwnerField


class DemandFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_q",
        max_length=SEARCH_MAX,
        help_text="Tracking number, caption, phone number or provider.",
    )
    state = django_filters.CharFilter(
        method="filter_state", max_length=2, help_text="Two-letter code of the issuing state (TX)."
    )
    status = django_filters.ChoiceFilter(
        choices=STATUS_CHOICES, method="filter_status", help_text="A status, or `open` for every open one."
    )
    kind = django_filters.ChoiceFilter(choices=LegalDemand.Kind.choices)
    owner = OwnerFilter(
        method="filter_owner",
        help_text="The case owner: `me`, `none` (unassigned) or an ITG user's id.",
    )
    due = django_filters.ChoiceFilter(
        choices=DUE_CHOICES,
        method="filter_due",
        help_text="Open demands overdue (not paused), or due within 7 (`week`) or 30 (`30`) days.",
    )
    due_before = django_filters.IsoDateTimeFilter(
        field_name="due_at",
        lookup_expr="lt",
        validators=[validate_date],
        help_text="Due before this instant.",
    )
    due_after = django_filters.IsoDateTimeFilter(
        field_name="due_at",
        lookup_expr="gte",
        validators=[validate_date],
        help_text="Due at or after this instant.",
    )
    open = django_filters.BooleanFilter(
        method="filter_open", help_text="Only open (true) or only closed (false)."
    )
    sort = django_filters.ChoiceFilter(
        choices=SORT_LABELS,
        method="filter_sort",
        help_text="Order of the rows; soonest due first by default.",
    )

    class Meta:
        model = LegalDemand
        fields: list[str] = []

    def filter_q(self, queryset, name, value):
        return queryset.filter(search_q(value)) if value.strip() else queryset

    def filter_state(self, queryset, name, value):
        return queryset.filter(state=value.strip().upper()) if value.strip() else queryset

    def filter_status(self, queryset, name, value):
        if value == "open":
            return queryset.filter(status__in=OPEN_STATUSES)
        return queryset.filter(status=value)

    def filter_owner(self, queryset, name, value):
        if value == "me":
            user = getattr(self.request, "user", None)
            return queryset.filter(case__owner=user) if user is not None else queryset.none()
        if value == "none":
            return queryset.filter(case__owner__isnull=True)
        return queryset.filter(case__owner_id=int(value)) if value else queryset

    def filter_due(self, queryset, name, value):
        now = timezone.now()
        if value == "overdue":
            # A paused clock (awaiting the requester) is not overdue, whatever the old due date says.
            return queryset.filter(status__in=OPEN_STATUSES, paused_since__isnull=True, due_at__lt=now)
        days = 7 if value == "week" else 30
        return queryset.filter(
            status__in=OPEN_STATUSES, due_at__gte=now, due_at__lt=now + timedelta(days=days)
        )

    def filter_open(self, queryset, name, value):
        return (
            queryset.filter(status__in=OPEN_STATUSES) if value else queryset.exclude(status__in=OPEN_STATUSES)
        )

    def filter_sort(self, queryset, name, value):
        return queryset.order_by(*SORTS[value])


def demand_rows(visible: QuerySet[LegalDemand]) -> QuerySet[LegalDemand]:
    """What every list row shows (the case's owner), soonest due first unless `sort` says otherwise."""
    return visible.select_related("case__owner").order_by(*SORTS["due"])


def narrows(cleaned: dict) -> bool:
    """Whether the filters select fewer than all visible demands of the state (see `NARROWING`)."""
    return any(cleaned.get(name) not in (None, "") for name in NARROWING)
