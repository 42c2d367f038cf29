"""PAdES signing and verification (pyHanko), and the signer the settings name."""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import hashlib
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from io import BytesIO
from pathlib import Path
from typing import Any, TypeVar

from asn1crypto import keys as asn1_keys
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from cryptography.hazmat.primitives.serialization import pkcs12
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.timestamps import HTTPTimeStamper, TimeStamper
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import PdfSignatureStatus, SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pyhanko_certvalidator.util import get_pyca_cryptography_hash

from itg.signing.certificates import Certificate, as_asn1
from itg.signing.dev_ca import ensure_dev_ca

T = TypeVar("T")


# --- Signing -------------------------------------------------------------------------------------------


class _PreloadedKeySigner(signers.SimpleSigner):
    """A SimpleSigner that parses its private key once, not at every raw signature.

    Why: pyHanko re-parses the key for each raw signature (twice per PDF, as a dry run sizes the signature
    field) and OpenSSL's RSA key check makes each parse about 80 ms, most of the signing time.
    """

    def __init__(self, *, pyca_key: PrivateKeyTypes, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._pyca_key = pyca_key

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
        digest = get_pyca_cryptography_hash(digest_algorithm)
        if mechanism == "rsassa_pkcs1v15" and isinstance(self._pyca_key, rsa.RSAPrivateKey):
            return self._pyca_key.sign(data, padding.PKCS1v15(), digest)
        if mechanism == "ecdsa" and isinstance(self._pyca_key, ec.EllipticCurvePrivateKey):
            return self._pyca_key.sign(data, ec.ECDSA(digest))
        return super().sign_raw(data, digest_algorithm)  # PSS, EdDSA...: pyHanko's own path


def load_signer(p12_path: str | os.PathLike[str], passphrase: str | bytes) -> signers.SimpleSigner:
    """The signing key and certificate chain from a PKCS#12 file; raises ValueError on a bad passphrase.

    Cached per file version: a worker signing many responses decrypts the PKCS#12 once, and a replaced
    file (new mtime or size) is read afresh.
    """
    path = Path(p12_path).resolve()
    stat = path.stat()
    secret = passphrase.encode() if isinstance(passphrase, str) else passphrase
    return _load_signer_cached(str(path), stat.st_mtime_ns, stat.st_size, secret)


@functools.lru_cache(maxsize=4)
def _load_signer_cached(path: str, _mtime_ns: int, _size: int, secret: bytes) -> signers.SimpleSigner:
    try:
        key, cert, chain = pkcs12.load_key_and_certificates(Path(path).read_bytes(), secret)
    except ValueError as exc:
        raise ValueError(f"Could not open the PKCS#12 file {path}: wrong passphrase or damaged file") from exc
    if key is None or cert is None:
        raise ValueError(f"The PKCS#12 file {path} holds no private key and certificate")
    registry = SimpleCertificateStore()
    registry.register_multiple([as_asn1(c) for c in chain])
    der_key = key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return _PreloadedKeySigner(
        pyca_key=key,
        signing_cert=as_asn1(cert),
        signing_key=asn1_keys.PrivateKeyInfo.load(der_key),
        cert_registry=registry,
    )


def sign_pdf(
    pdf_bytes: bytes,
    *,
    p12_path: str | os.PathLike[str],
    passphrase: str | bytes,
    reason: str,
    location: str,
    field_name: str = "ITGSignature",
    timestamper_url: str | None = None,
    timestamper: TimeStamper | None = None,
) -> bytes:
    """Sign a PDF with a PAdES signature: B-T with a time-stamp authority, else B-B.

    Appended as an incremental update, so the bytes WeasyPrint produced (a PDF/A-3b) stay byte-for-byte the
    signed revision. The time-stamp, when there is one, proves the signing time independently of our clock.
    """
    if timestamper is None and timestamper_url:
        timestamper = HTTPTimeStamper(timestamper_url, timeout=10)
    metadata = signers.PdfSignatureMetadata(
        field_name=field_name,
        reason=reason,
        location=location,
        subfilter=SigSeedSubFilter.PADES,
        md_algorithm="sha256",
    )
    pdf_signer = signers.PdfSigner(
        metadata, signer=load_signer(p12_path, passphrase), timestamper=timestamper
    )
    writer = IncrementalPdfFileWriter(BytesIO(pdf_bytes), strict=False)
    return _off_event_loop(lambda: pdf_signer.sign_pdf(writer).getvalue())


def _off_event_loop(work: Callable[[], T]) -> T:
    """Run pyHanko's synchronous API where it may start its own event loop.

    Its sync functions call asyncio.run(), which refuses to run inside a running loop (an ASGI view, or a
    thread that drives sync Playwright); there, do the work in a short-lived thread of its own.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return work()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(work).result()


# --- Verification --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VerificationResult:
    """What a verifier (ours, a court's, a recipient's) would conclude about a signed response.

    `valid_overall` is pyHanko's bottom line (intact, valid, trusted, time-stamp good). `covers_whole_document`
    is separate: bytes after the signed revision are not evidence of forgery by themselves (a viewer may add
    an update) but a delivered response should have none; `acceptable` demands both.
    """

    valid_overall: bool
    intact: bool
    valid: bool
    trusted: bool
    covers_whole_document: bool
    document_sha256: str
    summary: str
    signature_count: int = 0
    field_name: str | None = None
    signer_common_name: str | None = None
    signer_organization: str | None = None
    signing_time: dt.datetime | None = None
    timestamp_time: dt.datetime | None = None

    @property
    def acceptable(self) -> bool:
        return self.valid_overall and self.covers_whole_document


def verify_pdf(pdf_bytes: bytes, trust_roots: Sequence[Certificate]) -> VerificationResult:
    """Validate every signature of a PDF against the given roots; never raises, whatever the input.

    Offline on purpose (no fetching, soft-fail revocation): verification must give the same answer in a
    worker with no network as on an auditor's laptop. The result describes the last signature, the one
    that should cover the delivered file; `valid_overall` requires every signature to pass.
    """
    digest = hashlib.sha256(pdf_bytes).hexdigest()
    try:
        reader = PdfFileReader(BytesIO(pdf_bytes), strict=False)
        signatures = reader.embedded_signatures
    except Exception as exc:  # any parse failure means "not a readable PDF", never a crash
        return _failure(digest, f"Not a readable PDF: {exc}")
    if not signatures:
        return _failure(digest, "The PDF carries no signature.")
    context = ValidationContext(
        trust_roots=[as_asn1(c) for c in trust_roots], allow_fetching=False, revocation_mode="soft-fail"
    )
    try:
        statuses = _off_event_loop(lambda: [validate_pdf_signature(sig, context) for sig in signatures])
    except Exception as exc:  # a mangled signature dictionary or CMS blob
        return _failure(digest, f"The signature could not be validated: {exc}", count=len(signatures))
    return _result(digest, statuses, signatures[-1].field_name)


def _failure(digest: str, reason: str, count: int = 0) -> VerificationResult:
    return VerificationResult(
        valid_overall=False,
        intact=False,
        valid=False,
        trusted=False,
        covers_whole_document=False,
        document_sha256=digest,
        summary=reason,
        signature_count=count,
    )


def _result(digest: str, statuses: list[PdfSignatureStatus], field_name: str | None) -> VerificationResult:
    last = statuses[-1]
    subject = last.signing_cert.subject.native
    timestamp = last.timestamp_validity.timestamp if last.timestamp_validity else None
    result = VerificationResult(
        valid_overall=all(s.bottom_line for s in statuses),
        intact=last.intact,
        valid=last.valid,
        trusted=last.trusted,
        covers_whole_document=last.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        document_sha256=digest,
        summary="",
        signature_count=len(statuses),
        field_name=field_name,
        signer_common_name=subject.get("common_name"),
        signer_organization=subject.get("organization_name"),
        signing_time=last.signer_reported_dt,
        timestamp_time=timestamp,
    )
    return _with_summary(result)


def _with_summary(r: VerificationResult) -> VerificationResult:
    problems = [
        text
        for failed, text in [
            (not r.intact, "the document was altered after signing"),
            (not r.valid, "the signature is cryptographically invalid"),
            (not r.trusted, "the signer's certificate does not chain to a trusted root"),
            (r.intact and r.valid and r.trusted and not r.valid_overall, "a signature or time-stamp failed"),
            (not r.covers_whole_document, "bytes were added after the signed revision"),
        ]
        if failed
    ]
    when = f"time-stamped {r.timestamp_time:%Y-%m-%d %H:%M:%S %Z}" if r.timestamp_time else "not time-stamped"
    verdict = "Valid" if r.acceptable else "NOT valid: " + "; ".join(problems)
    summary = f"{verdict}. Signed by {r.signer_common_name} ({r.signer_organization}), {when}."
    return replace(r, summary=summary)


# --- Django adapter ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SignerConfig:
    """Where the signing identity lives and which TSA to use, resolved once from settings."""

    p12_path: Path
    passphrase: str
    timestamper_url: str | None
    is_development: bool

    def sign(self, pdf_bytes: bytes, *, reason: str, location: str) -> bytes:
        return sign_pdf(
            pdf_bytes,
            p12_path=self.p12_path,
            passphrase=self.passphrase,
            reason=reason,
            location=location,
            timestamper_url=self.timestamper_url,
        )


def signer_from_settings() -> SignerConfig:
    """The configured signer, or the development PKI under `ITG_DEV_CA_DIR` when no PKCS#12 is set.

    Reads Django settings lazily so importing this module needs none. Refusing the dev fallback in
    production is the settings module's job (it knows whether it runs in production).
    """
    from django.conf import settings

    p12_path = getattr(settings, "ITG_SIGNING_P12_PATH", "") or ""
    tsa_url = getattr(settings, "ITG_TSA_URL", "") or None
    if p12_path:
        return SignerConfig(
            Path(p12_path), settings.ITG_SIGNING_P12_PASSPHRASE, tsa_url, is_development=False
        )
    pki = ensure_dev_ca(getattr(settings, "ITG_DEV_CA_DIR", "var/dev-ca"))
    return SignerConfig(pki.signer_p12_path, pki.passphrase, tsa_url, is_development=True)
