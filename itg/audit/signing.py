"""Ed25519 signatures over audit checkpoints (NIST SP 800-53 AU-9(3), AU-10).

A checkpoint states "the chain had `seq` events and its head hash was `hash` at `at`", signed with a key
that lives outside the database: someone who can rewrite the audit table cannot forge a checkpoint, so a
truncated or rewritten tail is found. Free of Django, so the standalone verifier can check checkpoints.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

CHECKPOINT_VERSION = 1


def load_private_key(raw: str | bytes) -> Ed25519PrivateKey:
    """A PEM (PKCS#8) Ed25519 private key, or its 32 raw bytes in base64. ValueError says what is wrong."""
    data = raw.encode() if isinstance(raw, str) else raw
    data = data.strip()
    if data.startswith(b"-----BEGIN"):
        try:
            key = serialization.load_pem_private_key(data, password=None)
        except (ValueError, TypeError) as error:
            raise ValueError(f"not a readable unencrypted PEM private key ({error})") from None
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError("the PEM key is not an Ed25519 key")
        return key
    try:
        seed = base64.b64decode(data, validate=True)
    except binascii.Error:
        raise ValueError("neither a PEM key nor base64") from None
    if len(seed) != 32:
        raise ValueError(f"a raw Ed25519 key is 32 bytes, this one is {len(seed)}")
    return Ed25519PrivateKey.from_private_bytes(seed)


def load_public_key(raw: str | bytes) -> Ed25519PublicKey:
    """A PEM Ed25519 public key, or its 32 raw bytes in base64 (as `public_key_text` prints it)."""
    data = (raw.encode() if isinstance(raw, str) else raw).strip()
    if data.startswith(b"-----BEGIN"):
        key = serialization.load_pem_public_key(data)
        if not isinstance(key, Ed25519PublicKey):
            raise ValueError("the PEM key is not an Ed25519 public key")
        return key
    return Ed25519PublicKey.from_public_bytes(base64.b64decode(data, validate=True))


def generate_private_pem() -> bytes:
    return Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def public_key_text(key: Ed25519PublicKey) -> str:
    return base64.b64encode(_raw_public(key)).decode()


def key_id(key: Ed25519PublicKey) -> str:
    """A short fingerprint naming the key that signed a checkpoint (for rotation and for people)."""
    return hashlib.sha256(_raw_public(key)).hexdigest()[:16]


def _payload(doc: dict) -> bytes:
    fields = {name: doc[name] for name in ("version", "seq", "hash", "at", "key_id")}
    return json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()


def sign_checkpoint(key: Ed25519PrivateKey, *, seq: int, head_hash: str, at: str) -> dict:
    doc = {
        "version": CHECKPOINT_VERSION,
        "seq": seq,
        "hash": head_hash,
        "at": at,
        "key_id": key_id(key.public_key()),
        "public_key": public_key_text(key.public_key()),
    }
    doc["signature"] = base64.b64encode(key.sign(_payload(doc))).decode()
    return doc


def checkpoint_signature_valid(doc: dict, key: Ed25519PublicKey) -> bool:
    """True when `key` signed this checkpoint. Never trust the `public_key` the document carries."""
    try:
        key.verify(base64.b64decode(doc["signature"], validate=True), _payload(doc))
    except (InvalidSignature, KeyError, TypeError, ValueError, binascii.Error):
        return False
    return True


if __name__ == "__main__":
    # Print a new key for AUDIT_SIGNING_KEY (base64 of the 32 raw bytes), and its public half for auditors.
    new = Ed25519PrivateKey.generate()
    raw = new.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    print(f"AUDIT_SIGNING_KEY={base64.b64encode(raw).decode()}")
    print(f"# public key (key id {key_id(new.public_key())}): {public_key_text(new.public_key())}")
