"""PAdES signing and verification of response PDFs (pyHanko), and a development PKI.

Django-free: keys, passphrases and URLs come in as arguments. `signer_from_settings()` is the one place that
reads Django settings, lazily, for the integrator's convenience.

Why PAdES: attorneys general open responses in Acrobat and other PDF readers; a PAdES signature is checked by
all of them, proves the response was not altered after ITG signed it and, with a time-stamp (B-T), when.

The modules: `certificates` (reading certificates), `dev_ca` (the development CA a fresh clone signs with),
`pades` (signing, verifying, and the signer the settings name). Callers import from this package.
"""

from itg.signing.certificates import Certificate, load_certificates
from itg.signing.dev_ca import DEV_SIGNER_NAME, ORGANIZATION, DevPKI, dev_trust_roots, ensure_dev_ca
from itg.signing.pades import (
    SignerConfig,
    VerificationResult,
    load_signer,
    sign_pdf,
    signer_from_settings,
    verify_pdf,
)

__all__ = [
    "DEV_SIGNER_NAME",
    "ORGANIZATION",
    "Certificate",
    "DevPKI",
    "SignerConfig",
    "VerificationResult",
    "dev_trust_roots",
    "ensure_dev_ca",
    "load_certificates",
    "load_signer",
    "sign_pdf",
    "signer_from_settings",
    "verify_pdf",
]
