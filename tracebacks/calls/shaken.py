"""STIR/SHAKEN PASSporTs (RFC 8225, 8588): decode an Identity header value or a bare token, verify its
ES256 signature against the certificates ITG staff uploaded (never fetched from `x5u`: the network is
closed, and a fetched certificate proves nothing about who signed), and keep the token whatever the result.

Results: *valid* (a certificate on file verifies it), *invalid* (the certificate the token names is on file
and the signature does not verify: tampered or badly signed; or not ES256), *unverified* (no certificate on
file verifies it and none is on file for its x5u). A token that cannot be decoded at all is a rejected row.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
from datetime import UTC, datetime, time

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.serialization import Encoding

from itg.params import DATE_MAX, DATE_MIN
from tracebacks.phones import e164

from .models import SigningCertificate, Verification
from .numbers import state_of_number
from .sources import RowError


def _b64(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def decode(value: str) -> tuple[dict, dict, bytes, bytes, str]:
    """(header, claims, signing input, raw signature, token) of an Identity header value or bare token."""
    text = value.strip()
    if text.lower().startswith("identity:"):
        text = text.split(":", 1)[1].strip()
    token = text.split(";", 1)[0].strip()
    parts = token.split(".")
    if len(parts) != 3:
        raise RowError(
            "Not a PASSporT: expected header.claims.signature (base64url), as in a SIP Identity header."
        )
    try:
        header, claims = json.loads(_b64(parts[0])), json.loads(_b64(parts[1]))
        signature = _b64(parts[2])
    except (ValueError, UnicodeDecodeError):
        raise RowError("Not a PASSporT: its header or claims are not base64url JSON.") from None
    if not isinstance(header, dict) or not isinstance(claims, dict):
        raise RowError("Not a PASSporT: its header and claims must be JSON objects.")
    return header, claims, f"{parts[0]}.{parts[1]}".encode(), signature, token


def _verifies(cert: x509.Certificate, signing_input: bytes, signature: bytes) -> bool:
    key = cert.public_key()
    if not isinstance(key, ec.EllipticCurvePublicKey) or len(signature) != 64:
        return False
    der = encode_dss_signature(int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big"))
    try:
        key.verify(der, signing_input, ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        return False
    return True


def verify(
    header: dict, signing_input: bytes, signature: bytes, certificates: list[tuple[str, x509.Certificate]]
) -> str:
    named = [c for x5u, c in certificates if x5u and x5u == header.get("x5u")]
    if header.get("alg") != "ES256":
        return Verification.INVALID
    if any(_verifies(c, signing_input, signature) for c in named or [c for _u, c in certificates]):
        return Verification.VALID
    return Verification.INVALID if named else Verification.UNVERIFIED


def loaded_certificates() -> list[tuple[str, x509.Certificate]]:
    return [(c.x5u, x509.load_pem_x509_certificate(c.pem.encode())) for c in SigningCertificate.objects.all()]


# The seconds since 1970 of itg.params' date bounds, the range every call date of the store keeps to.
_IAT_MIN = int(datetime.combine(DATE_MIN, time.min, UTC).timestamp())
_IAT_MAX = int(datetime.combine(DATE_MAX, time.max, UTC).timestamp())


def _issued_at(value) -> int:
    """The iat claim as whole seconds since 1970, within the store's dates; RowError otherwise (a huge,
    infinite or NaN value would overflow the conversion to a time, or the bigint column)."""
    if value is None:
        raise RowError("The PASSporT has no iat (issued-at time) claim.")
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise RowError(f"The PASSporT's iat {json.dumps(value)[:40]} is not a number of seconds since 1970.")
    if not _IAT_MIN <= value <= _IAT_MAX:
        raise RowError(
            f"The PASSporT's iat {json.dumps(value)[:40]} is out of range: an issued-at time must be from "
            f"{DATE_MIN.isoformat()} to {DATE_MAX.isoformat()} (seconds since 1970, UTC)."
        )
    return int(value)


def passport_record(value: str, certificates=None) -> dict:
    header, claims, signing_input, signature, token = decode(value)
    certificates = loaded_certificates() if certificates is None else certificates
    orig = (claims.get("orig") or {}).get("tn", "") if isinstance(claims.get("orig"), dict) else ""
    dest = claims.get("dest", {}).get("tn", []) if isinstance(claims.get("dest"), dict) else []
    dest = [str(d) for d in (dest if isinstance(dest, list) else [dest])]
    iat = _issued_at(claims.get("iat"))
    calling = e164(str(orig))
    if not calling:
        raise RowError(f"The PASSporT's orig.tn '{orig}' is not a valid phone number.")
    called = e164(dest[0]) if dest else None
    return {
        "call_at": datetime.fromtimestamp(iat, UTC), "call_tz": "UTC", "calling_number": calling,
        "calling_number_raw": str(orig)[:40], "called_number": called or "", "called_number_raw": (dest[0] if dest else "")[:40],
        "called_state": state_of_number(called or ""), "passport": value.strip(), "attest": str(claims.get("attest", ""))[:1],
        "orig_tn": str(orig)[:20], "dest_tn": ",".join(dest)[:200], "iat": iat,
        "origid": str(claims.get("origid", ""))[:64], "x5u": str(header.get("x5u", ""))[:500],
        "verification": verify(header, signing_input, signature, certificates),
        "source_record_id": hashlib.sha256(token.encode()).hexdigest()[:64],
    }  # fmt: skip


def certificate_fields(pem: bytes | str) -> dict:
    """The fields of a SigningCertificate from its PEM; ValueError with a clear message otherwise."""
    data = pem.encode() if isinstance(pem, str) else pem
    try:
        cert = x509.load_pem_x509_certificate(data)
    except ValueError:
        raise ValueError("This is not a PEM certificate (-----BEGIN CERTIFICATE-----).") from None
    key = cert.public_key()
    if not isinstance(key, ec.EllipticCurvePublicKey) or not isinstance(key.curve, ec.SECP256R1):
        raise ValueError(
            "This certificate's key is not an EC P-256 key; STIR/SHAKEN PASSporTs are signed with ES256 "
            "(RFC 8588), so it could verify none of them."
        )
    return {
        "pem": data.decode(), "fingerprint": hashlib.sha256(cert.public_bytes(Encoding.DER)).hexdigest(),
        "subject": cert.subject.rfc4514_string()[:500], "not_before": cert.not_valid_before_utc,
        "not_after": cert.not_valid_after_utc,
    }  # fmt: skip
