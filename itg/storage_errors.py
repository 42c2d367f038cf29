"""When the object store (S3) is down or hung: a retryable 503, never an HTML error page to an API client.

Storage calls carry timeouts inside the web server's request budget (settings: S3_CONNECT_TIMEOUT,
S3_READ_TIMEOUT, few retries), so a hung endpoint costs a request seconds, not a worker for a minute. The
API answers `{"detail": …}` with 503 and `Retry-After`; pages answer a short 503 page. Pages that need
no storage never touch it, so they keep working. Uploads are all-or-nothing (`itg.uploads.stored_files`):
a refused upload leaves no row and no file.
"""

from __future__ import annotations

from botocore.exceptions import BotoCoreError, ClientError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

RETRY_AFTER_SECONDS = 30
MESSAGE = "File storage is unavailable for a moment; nothing was stored. Retry in about 30 seconds."


def is_storage_outage(error: BaseException) -> bool:
    """A connection, timeout or 5xx from the object store (not a refusal such as a missing key)."""
    if isinstance(error, ClientError):
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        return status >= 500 or error.response.get("Error", {}).get("Code") in (
            "SlowDown",
            "ServiceUnavailable",
        )
    return isinstance(error, BotoCoreError)


def storage_unavailable_response(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": MESSAGE}, status=503)
    else:
        response = render(request, "503_storage.html", {"message": MESSAGE}, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class StorageOutageMiddleware:
    """Pages (and anything the API's handler lets through) answer a storage outage with a 503."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        return storage_unavailable_response(request) if is_storage_outage(exception) else None
