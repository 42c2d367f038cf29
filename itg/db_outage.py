"""When the database restarts or is unreachable: a retryable 503, never a 500 (issue 15, item 10).

A PostgreSQL restart cuts every open connection; the requests in flight fail with OperationalError or
InterfaceError (the next request reconnects: CONN_HEALTH_CHECKS). The transaction that failed rolled back,
so the client is told the truth: nothing half-saved, retry shortly; an API POST repeated with the same
Idempotency-Key is never applied twice. The API answers JSON with `Retry-After`; pages a short page that
needs no database (no session, no context processors). `server_error` is the project's handler500: it also
catches outages raised in middleware (sessions, authentication), which no view-level handler sees.
"""

from __future__ import annotations

import contextlib
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.views.defaults import server_error as django_server_error

RETRY_AFTER_SECONDS = 5
MESSAGE = (
    "The database is unavailable for a moment (restarting); this request was not saved. Retry in a few "
    "seconds: a POST repeated with the same Idempotency-Key is never applied twice."
)


def is_database_outage(error: BaseException | None) -> bool:
    return isinstance(error, OperationalError | InterfaceError)


def database_unavailable_response(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": MESSAGE}, status=503)
    else:
        html = loader.get_template("503_database.html").render({"message": MESSAGE})
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a database or storage outage is a retryable 503; anything else the plain 500 page."""
    from itg.storage_errors import is_storage_outage, storage_unavailable_response

    error = sys.exc_info()[1]  # Django calls handler500 inside its `except` block
    if is_database_outage(error):
        return database_unavailable_response(request)
    if error is not None and is_storage_outage(error):
        with contextlib.suppress(Exception):  # its page needs the database; else the plain 500 page
            return storage_unavailable_response(request)
    return django_server_error(request)
