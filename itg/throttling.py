"""Rate limits (DRF throttles) on the expensive or guessable endpoints, for the API and the pages alike.

The rates are scoped, in `REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`: `extraction` (reading a demand PDF),
`verification` (validating a signed PDF's signature), `login` (password posts, per client address; the
account lockout of itg.accounts.lockout is the second line), `provider` (the provider API, per token).
Counts live in the default cache, shared by every process when REDIS_CACHE_URL is set.
A refused request gets 429 with `Retry-After` and a message that says what was limited and when to retry.
"""

from __future__ import annotations

import math

from rest_framework.exceptions import Throttled
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

WHAT = {
    "extraction": "demand PDFs read",
    "verification": "documents verified",
    "login": "login attempts from your address",
    "provider": "provider API requests with this token",
}


class ScopedThrottle(SimpleRateThrottle):
    """Per signed-in user (or provider token), else per client address; the rate read live from settings."""

    def get_rate(self) -> str:
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]

    def get_cache_key(self, request, view) -> str:
        user = getattr(request, "user", None)
        if user is not None and getattr(user, "is_authenticated", False):
            ident = f"user:{user.pk}" if getattr(user, "pk", None) else f"client:{user.email}"
        else:
            ident = f"ip:{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}

    def refusal(self) -> str:
        wait = math.ceil(self.wait() or 1)
        return f"Too many {WHAT[self.scope]}: at most {self.rate}. Try again in {wait} seconds."


class ExtractionThrottle(ScopedThrottle):
    scope = "extraction"


class VerificationThrottle(ScopedThrottle):
    scope = "verification"


class LoginThrottle(ScopedThrottle):
    scope = "login"

    def get_cache_key(self, request, view) -> str:  # always the address: the user is not known yet
        return self.cache_format % {"scope": self.scope, "ident": f"ip:{self.get_ident(request)}"}


class ProviderThrottle(ScopedThrottle):
    scope = "provider"


class ClearThrottleMessage:
    """An API view mixin: the 429 names what was limited, at what rate, and when to retry."""

    def check_throttles(self, request) -> None:
        for throttle in self.get_throttles():
            if not throttle.allow_request(request, self):
                raise Throttled(wait=throttle.wait(), detail=throttle.refusal())


def page_refusal(request, throttle_class: type[ScopedThrottle]) -> tuple[str, int] | None:
    """For a page: (message, seconds to wait) when the request is over its rate, else None (and counted)."""
    throttle = throttle_class()
    if throttle.allow_request(request, None):
        return None
    return throttle.refusal(), math.ceil(throttle.wait() or 1)
