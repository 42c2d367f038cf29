"""OpenAPI description of the session authentication that insists on two-factor login."""

from drf_spectacular.authentication import SessionScheme


class VerifiedSessionScheme(SessionScheme):
    target_class = "itg.accounts.api_auth.VerifiedSessionAuthentication"
    name = "verifiedSessionAuth"
