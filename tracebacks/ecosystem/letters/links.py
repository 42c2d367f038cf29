"""The signed link e-mailed with a notice letter, on which the provider acknowledges receipt.

Like a hop's link (`tracebacks.links`), the link is the credential: it names one letter and its addressee,
is signed with the site's key (Django's TimestampSigner, its own salt) and expires. It is one-time by the
letter's state: once the letter is acknowledged the link shows that, and acknowledges nothing more.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.urls import reverse

from tracebacks.links import LinkInvalid

SALT = "ecosystem.letter-ack"
# A letter is answered by a company's legal or compliance staff, not a NOC on a 24-hour clock: a month.
MAX_AGE_DAYS = 30


@dataclass(frozen=True)
class LetterClaims:
    letter_id: int
    provider_id: int


def make_token(letter_id: int, provider_id: int) -> str:
    payload = {"l": letter_id, "p": provider_id, "n": secrets.token_urlsafe(9)}
    return signing.TimestampSigner(salt=SALT).sign_object(payload, compress=True)


def link_url(token: str) -> str:
    return settings.SITE_URL + reverse("respond:letter", args=[token])


def read_token(token: str) -> LetterClaims:
    try:
        data = signing.TimestampSigner(salt=SALT).unsign_object(token, max_age=MAX_AGE_DAYS * 86400)
    except signing.SignatureExpired:
        raise LinkInvalid(
            "This link has expired. Acknowledge the letter through the provider API, or ask the ITG to send it again."
        ) from None
    except (signing.BadSignature, ValueError, TypeError):
        raise LinkInvalid("This link is not valid. Check that you copied the whole address.") from None
    try:
        return LetterClaims(int(data["l"]), int(data["p"]))
    except (KeyError, TypeError, ValueError):
        raise LinkInvalid("This link is not valid.") from None
