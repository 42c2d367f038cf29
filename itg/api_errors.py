"""The API's error shape, in one place: services raise Django's ValidationError (answered 400 with the same
messages), PermissionDenied (403 with its message, as DRF maps it) and `itg.errors.StaleState` (409); a view
does not catch them to raise them again."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from itg import db_outage
from itg.errors import StaleState
from itg.storage_errors import MESSAGE, RETRY_AFTER_SECONDS, is_storage_outage


def exception_handler(exc, context):
    """Services raise Django's ValidationError; the API answers it as a 400 with the same messages."""
    if is_storage_outage(exc):
        response = Response({"detail": MESSAGE}, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    if db_outage.is_database_outage(exc):
        response = Response({"detail": db_outage.MESSAGE}, status=503)
        response["Retry-After"] = str(db_outage.RETRY_AFTER_SECONDS)
        return response
    if isinstance(exc, StaleState):
        return Response({"detail": " ".join(exc.messages)}, status=409)
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        exc = exceptions.ValidationError(detail)
    return drf_exception_handler(exc, context)
