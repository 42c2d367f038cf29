"""What a search, a filter or a form field may carry: one place for the bounds (issue 15, items 6 and 9).

- A NUL byte in a query parameter is refused before any view runs: PostgreSQL cannot store or compare it
  in a text value (psycopg raises DataError), so every `?q=` would otherwise be a server error.
- Integers in filters and ids are bounded to 64 bits signed (SQLite's INTEGER, PostgreSQL's bigint): a
  20-digit number would otherwise overflow the driver.
- Dates are bounded to DATE_MIN..DATE_MAX: records before 1900 do not exist in this domain (telephone
  records, statutes in force), and far-future dates overflow the deadline arithmetic of `itg.calendar`.
- Length limits: one constant per field, used by the form, the serializer and the model's documentation,
  so the page and the API accept the same text.

A view that parses its own query parameters calls `query_int` / `query_date`; a bad value raises
`BadQuery`, which `QueryGuardMiddleware` answers with a 400 naming the parameter (JSON under /api/,
a page elsewhere). Single objects are read with `visible_or_404`, the skeleton under every `<entity>_for`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from typing import TypeVar

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

M = TypeVar("M", bound=Model)

# --- Bounds -----------------------------------------------------------------------------------------------
MAX_ID = 2**63 - 1
DATE_MIN = date(1900, 1, 1)
DATE_MAX = date(2199, 12, 31)

# --- Length limits: one per field, for page and API alike --------------------------------------------------
SEARCH_MAX = 200  # a search box: tracking number, caption words, a phone number or a provider
NOTE_MAX = 4_000  # a workflow note, an extension's reason
MESSAGE_MAX = 20_000  # a case message (about eight pages of text)
REQUEST_TEXT_MAX = 10_000  # one numbered request ("specification") of a demand, as written


class BadQuery(Exception):
    """A query parameter that cannot be used; `field` is the parameter's name."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field, self.message = field, message


def validate_date(value: date | datetime | None) -> None:
    """A form or serializer validator: refuse dates this system cannot reason about."""
    if value is None:
        return
    day = value.date() if isinstance(value, datetime) else value
    if not DATE_MIN <= day <= DATE_MAX:
        raise ValidationError(
            f"Enter a date between {DATE_MIN.isoformat()} and {DATE_MAX.isoformat()}.", code="date_range"
        )


def validate_no_nul(value: str) -> None:
    if isinstance(value, str) and "\x00" in value:
        raise ValidationError("Remove the NUL character (\\0): it cannot be stored.", code="null_characters")


def query_int(value: str | None, field: str, *, minimum: int = 0) -> int | None:
    """An optional whole number from a query parameter; empty is None, anything else bad is a BadQuery."""
    value = (value or "").strip()
    if not value:
        return None
    if not value.isascii() or not value.isdigit():
        raise BadQuery(field, "Enter a whole number.")
    number = int(value)
    if not minimum <= number <= MAX_ID:
        raise BadQuery(field, f"Enter a number between {minimum} and {MAX_ID}.")
    return number


def query_date(value: str | None, field: str) -> date | None:
    """An optional ISO date (YYYY-MM-DD) from a query parameter, within DATE_MIN..DATE_MAX."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise BadQuery(field, "Enter a date as YYYY-MM-DD.") from None
    try:
        validate_date(day)
    except ValidationError as error:
        raise BadQuery(field, error.messages[0]) from None
    return day


def parse_id(value) -> int | None:
    """An object id from a URL or a form: a whole number from 1 to what a table can hold, else None."""
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return number if 0 < number <= MAX_ID else None


def visible_or_404(
    visible: QuerySet[M], pk, *, noun: str, on_missing: Callable[[int], None] | None = None
) -> M:
    """The one skeleton of a single-object read: parse the id, fetch the object from `visible` (a queryset
    the access rules already scoped), or let `on_missing` record the refusal and answer 404.

    A missing object and one the user may not see get the same "No such <noun>.": ids reveal nothing. An id
    that is not one (text, zero, past the column's range) names no object, so there is nothing to record."""
    number = parse_id(pk)
    found = visible.filter(pk=number).first() if number is not None else None
    if found is None:
        if number is not None and on_missing is not None:
            on_missing(number)
        raise Http404(f"No such {noun}.")
    return found


class IdFilter(django_filters.NumberFilter):
    """An id filter for the API: a whole number within 64 bits, else a 400 naming the filter."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


def bad_query_response(request: HttpRequest, field: str, message: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({field: [message]}, status=400)
    return render(request, "400_query.html", {"field": field, "message": message}, status=400)


_PATH_NUMBER = re.compile(r"(?<=/)(\d{19,})(?=[/.]|$)")


class QueryGuardMiddleware:
    """Refuse NUL bytes in any query parameter, and answer a view's BadQuery, with a 400 naming the field."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if any(int(digits) > MAX_ID for digits in _PATH_NUMBER.findall(request.path)):
            # An id no table can hold names nothing: not found, before a driver overflows on it (SQLite).
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": "No such record."}, status=404)
            raise Http404("No such record.")
        for name, values in request.GET.lists():
            if "\x00" in name or any("\x00" in v for v in values):
                field = name.replace("\x00", "\\0")
                return bad_query_response(request, field, "Remove the NUL character (\\0) from this value.")
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, BadQuery):
            return bad_query_response(request, exception.field, exception.message)
        return None


def valid_filters(filterset):
    """A page's django-filter FilterSet, validated: its first bad parameter is a BadQuery (a 400 naming it).

    The API's DjangoFilterBackend answers the same errors as JSON; pages go through here so both refuse alike."""
    if not filterset.is_valid():
        field, errors = next(iter(filterset.errors.items()))
        raise BadQuery(field, " ".join(errors))
    return filterset
