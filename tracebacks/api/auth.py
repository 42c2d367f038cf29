"""Provider API authentication: `Authorization: Provider <token>`, distinct from users' `Token` keyword.

A provider is not a user of the portal: the request's principal is a `ProviderClient` that carries no
role, so every user-facing permission (which checks roles) refuses it, and provider views accept only it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.permissions import BasePermission

from providers.models import Provider, ProviderToken
from providers.services import hash_token

KEYWORD = "Provider"


@dataclass(frozen=True)
class ProviderClient:
    provider: Provider
    token_prefix: str
    is_authenticated: bool = True
    is_active: bool = True

    @property
    def email(self) -> str:
        return f"provider:{self.provider.rmd_number or self.provider.pk}/{self.token_prefix}"

    def is_verified(self) -> bool:
        return True


class ProviderTokenAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].decode(errors="replace") != KEYWORD:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Send 'Authorization: Provider <token>'.")
        token = header[1].decode(errors="replace")
        row = (
            ProviderToken.objects.select_related("provider")
            .filter(key_hash=hash_token(token), revoked_at__isnull=True)
            .first()
        )
        if row is None:
            raise exceptions.AuthenticationFailed("Unknown or revoked provider token.")
        ProviderToken.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
        return ProviderClient(row.provider, row.prefix), row

    def authenticate_header(self, request) -> str:
        return KEYWORD


class IsProvider(BasePermission):
    message = "This endpoint is for providers answering tracebacks, with a provider token."

    def has_permission(self, request, view) -> bool:
        return isinstance(request.user, ProviderClient)


class ProviderTokenScheme(OpenApiAuthenticationExtension):
    """Documents the provider token in the OpenAPI schema."""

    target_class = "tracebacks.api.auth.ProviderTokenAuthentication"
    name = "providerToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Provider <token>`: the token the ITG issued to your company (shown once).",
        }
