"""The demand list's query parameters."""

from __future__ import annotations

import django_filters

from itg.params import IdFilter
from subpoenas import selectors
from subpoenas.models import OPEN_STATUSES, LegalDemand


class DemandFilter(django_filters.FilterSet):
    state = django_filters.CharFilter(field_name="state", lookup_expr="iexact")
    status = django_filters.ChoiceFilter(choices=LegalDemand.Status.choices)
    kind = django_filters.ChoiceFilter(choices=LegalDemand.Kind.choices)
    owner = IdFilter(field_name="case__owner_id")
    due_before = django_filters.IsoDateTimeFilter(field_name="due_at", lookup_expr="lt")
    due_after = django_filters.IsoDateTimeFilter(field_name="due_at", lookup_expr="gte")
    open = django_filters.BooleanFilter(method="filter_open")
    q = django_filters.CharFilter(
        method="filter_q", help_text="Tracking number, caption, phone number or provider."
    )

    class Meta:
        model = LegalDemand
        fields = ["state", "status", "kind", "owner"]

    def filter_open(self, queryset, name, value):
        return (
            queryset.filter(status__in=OPEN_STATUSES) if value else queryset.exclude(status__in=OPEN_STATUSES)
        )

    def filter_q(self, queryset, name, value):
        return queryset.filter(selectors.search_q(value))
