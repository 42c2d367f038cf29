"""Reading X.509 certificates in the form pyHanko's validator wants (asn1crypto)."""

from __future__ import annotations

import os
from pathlib import Path

from asn1crypto import pem as asn1_pem
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization

Certificate = asn1_x509.Certificate | x509.Certificate


def load_certificates(path: str | os.PathLike[str]) -> list[asn1_x509.Certificate]:
    """Every certificate in a PEM (or single DER) file, as pyHanko's validator wants them."""
    data = Path(path).read_bytes()
    if not asn1_pem.detect(data):
        return [asn1_x509.Certificate.load(data)]
    return [asn1_x509.Certificate.load(der) for _, _, der in asn1_pem.unarmor(data, multiple=True)]


def as_asn1(cert: Certificate) -> asn1_x509.Certificate:
    if isinstance(cert, x509.Certificate):
        return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))
    return cert
