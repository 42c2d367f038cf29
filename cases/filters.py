"""The one filter language of the case list: the page, `/api/cases/` and the exports parse it here.

`state` is the lead state (the page's box); `lead_state`, the API's older name for it, still works so
that scripts written against it keep their meaning.
"""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet

from cases.models import Case
from itg.params import SEARCH_MAX


class CaseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_q", max_length=SEARCH_MAX, help_text="Words of the title or reference."
    )
    state = django_filters.CharFilter(
        method="filter_state", max_length=2, help_text="Two-letter code of the lead state (TX)."
    )
    lead_state = django_filters.CharFilter(
        method="filter_state", max_length=2, help_text="The same as `state` (its older name)."
    )
    owner = django_filters.ChoiceFilter(
        choices=[("me", "Mine"), ("none", "Unassigned")],
        method="filter_owner",
        help_text="`me` (cases you own) or `none` (unassigned).",
    )

    class Meta:
        model = Case
        fields: list[str] = []

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return (
            queryset.filter(Q(title__icontains=value) | Q(reference__icontains=value)) if value else queryset
        )

    def filter_state(self, queryset, name, value):
        return queryset.filter(lead_state=value.strip().upper()) if value.strip() else queryset

    def filter_owner(self, queryset, name, value):
        if value == "me":
            user = getattr(self.request, "user", None)
            return queryset.filter(owner=user) if user is not None else queryset.none()
        return queryset.filter(owner__isnull=True)


def case_rows(visible: QuerySet[Case]) -> QuerySet[Case]:
    """What a case row shows (its owner), newest first."""
    return visible.select_related("owner").order_by("-created_at", "-pk")
