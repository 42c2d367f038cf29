"""API authentication."""

from __future__ import annotations

from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication


class VerifiedSessionAuthentication(SessionAuthentication):
    """A browser session counts for the API only once two-factor login is complete."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            return None
        user, auth = result
        if not user.is_verified():
            raise exceptions.PermissionDenied("Two-factor verification required.")
        return user, auth
