"""The signed, expiring, one-time links e-mailed to providers.

The link is the credential (no login): it names one hop and the provider asked, is signed with the site's
key (Django's TimestampSigner), expires after HOP_LINK_MAX_AGE_HOURS, and its nonce is recorded when it is
used to answer (`HopLinkUse`), so it cannot answer twice. A link for a hop since reassigned to another
provider no longer opens it.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.urls import reverse

SALT = "tracebacks.hop-link"


class LinkInvalid(Exception):
    """The link cannot be used; the message says why, in words a provider understands."""


@dataclass(frozen=True)
class LinkClaims:
    hop_id: int
    provider_id: int
    nonce: str


def make_token(hop_id: int, provider_id: int) -> str:
    payload = {"h": hop_id, "p": provider_id, "n": secrets.token_urlsafe(18)}
    return signing.TimestampSigner(salt=SALT).sign_object(payload, compress=True)


def link_url(token: str) -> str:
    return settings.SITE_URL + reverse("respond:hop", args=[token])


def read_token(token: str) -> LinkClaims:
    max_age = settings.HOP_LINK_MAX_AGE_HOURS * 3600
    try:
        data = signing.TimestampSigner(salt=SALT).unsign_object(token, max_age=max_age)
    except signing.SignatureExpired:
        raise LinkInvalid(
            "This link has expired. Ask the ITG to send the request again, or answer through the API."
        ) from None
    except (signing.BadSignature, ValueError, TypeError):
        raise LinkInvalid("This link is not valid. Check that you copied the whole address.") from None
    try:
        return LinkClaims(int(data["h"]), int(data["p"]), str(data["n"]))
    except (KeyError, TypeError, ValueError):
        raise LinkInvalid("This link is not valid.") from None
