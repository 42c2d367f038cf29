"""The errors services raise that every interface answers alike: the API through `itg.api_errors`, a page
through `error_status`. Services raise Django's ValidationError (400) and PermissionDenied (403) as usual."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError


class StaleState(ValidationError):
    """Someone changed the row a moment ago (a compare-and-set found it moved on): reload and try again.

    Answered 409 Conflict by the API and by the pages; a ValidationError, so a form shows its message."""


def error_status(error: Exception) -> int:
    """The status a page answers a service's refusal with: 409 stale, 403 not allowed, 400 otherwise."""
    if isinstance(error, StaleState):
        return 409
    return 403 if isinstance(error, PermissionDenied) else 400
