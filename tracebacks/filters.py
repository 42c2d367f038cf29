"""The one filter language of the traceback list: the page, `/api/tracebacks/` and the exports parse it here.

Each filter reads an index of `Traceback` or `Hop` (`tracebacks/selectors.py` says which). The provider is
an id (the links from a provider's page) or what staff type: an RMD number, an FRN or a name, resolved
against the registry; words matching no provider, or several, are an error naming the filter.
"""

from __future__ import annotations

from datetime import UTC, datetime, time

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from itg.params import SEARCH_MAX, IdFilter, validate_date
from tracebacks.models import Hop, Traceback
from tracebacks.phones import e164


class ProviderField(forms.CharField):
    """A provider's id, or the words naming one provider: cleaned to the provider's id."""

    def clean(self, value):
        from tracebacks.selectors import resolve_provider

        text = (super().clean(value) or "").strip()
        if not text:
            return None
        if (
            text.isascii() and text.isdigit() and len(text) < 8
        ):  # an id; FRNs have 10 digits, RMD numbers a prefix
            return int(text)
        try:
            return resolve_provider(text, field="provider").pk
        except ValidationError as error:
            raise forms.ValidationError(" ".join(error.message_dict["provider"])) from None


class ProviderFilter(django_filters.Filter):
    field_class = ProviderField


class TracebackFilter(django_filters.FilterSet):
    campaign = IdFilter(field_name="campaign_id", help_text="A campaign's id.")
    provider = ProviderFilter(
        method="filter_provider",
        max_length=SEARCH_MAX,
        help_text="A provider on the path: id, RMD number, FRN or name.",
    )
    status = django_filters.ChoiceFilter(choices=Traceback.Status.choices)
    date_from = django_filters.DateFilter(
        method="filter_date_from", validators=[validate_date], help_text="Calls on or after this day (UTC)."
    )
    date_to = django_filters.DateFilter(
        method="filter_date_to", validators=[validate_date], help_text="Calls on or before this day (UTC)."
    )
    number = django_filters.CharFilter(
        method="filter_number", max_length=40, help_text="A calling or called number, in any format."
    )

    class Meta:
        model = Traceback
        fields: list[str] = []

    @extend_schema_field(OpenApiTypes.STR)
    def filter_provider(self, queryset, name, value):
        # EXISTS lets PostgreSQL walk the newest calls and stop at a page's worth (the count is separate).
        return queryset.filter(Exists(Hop.objects.filter(traceback=OuterRef("pk"), provider_id=value)))

    def filter_date_from(self, queryset, name, value):
        return queryset.filter(call_at__gte=datetime.combine(value, time.min, tzinfo=UTC))

    def filter_date_to(self, queryset, name, value):
        return queryset.filter(call_at__lte=datetime.combine(value, time.max, tzinfo=UTC))

    def filter_number(self, queryset, name, value):
        number = e164(value) or value.strip()
        return queryset.filter(Q(calling_number=number) | Q(called_number=number)) if number else queryset


def traceback_count(cleaned: dict, rows: QuerySet[Traceback]) -> int:
    """How many tracebacks match. Filtered by provider alone, that is the provider's hop count (a provider is
    on a path once, `hop_provider_once_per_path`), read from an index instead of a semi-join over the table."""
    others = ("campaign", "status", "date_from", "date_to", "number")
    if cleaned.get("provider") and not any(cleaned.get(name) for name in others):
        return Hop.objects.filter(provider_id=cleaned["provider"]).count()
    return rows.count()
