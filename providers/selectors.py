"""Reads of the provider registry."""

from __future__ import annotations

import re

from django.db.models import Q, QuerySet

from providers.models import Provider, ProviderToken

_RMD = re.compile(r"^rmd\d+$", re.IGNORECASE)


def provider_search(q: str) -> QuerySet[Provider]:
    """Providers matching a name, FRN or RMD number: what a provider types when naming its upstream.

    An RMD number or an all-digit FRN is matched exactly (indexed); words match the business name, other
    and previous names.
    """
    q = q.strip()
    providers = Provider.objects.all()
    if not q:
        return providers.none()
    if _RMD.match(q):
        return providers.filter(rmd_number__iexact=q)
    if q.isdigit():
        return providers.filter(Q(frn=q.zfill(10)) | Q(frn__startswith=q) | Q(other_frns__contains=q))
    return providers.filter(
        Q(business_name__icontains=q) | Q(other_names__icontains=q) | Q(previous_names__icontains=q)
    )


def provider_suggestions(q: str, *, limit: int = 10) -> list[dict]:
    """At most `limit` matches as plain data for the answer form's autocomplete."""
    rows = provider_search(q).order_by("business_name")[:limit]
    return [
        {"id": p.pk, "name": p.business_name, "rmd_number": p.rmd_number or "", "frn": p.frn,
         "foreign": p.is_foreign, "label": p.label}
        for p in rows
    ]  # fmt: skip


def provider_live_token(provider: Provider) -> ProviderToken | None:
    return ProviderToken.objects.filter(provider=provider, revoked_at__isnull=True).first()
