"""The development PKI: a root CA, a signing identity and a time-stamp authority made on first use.

Why: a fresh clone must sign responses with no configuration (STYLE.md, principle 4), and the signer's name
says DEVELOPMENT in every PDF viewer so such a file cannot pass for a real response. Production names its
own PKCS#12 (`ITG_SIGNING_P12_PATH`) and the settings refuse this fallback there.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import logging
import os
import secrets
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from itg.signing.certificates import load_certificates

logger = logging.getLogger(__name__)

ORGANIZATION = "Industry Traceback Group"
# RFC 5280 caps a common name at 64 characters: hence the unspaced dash.
DEV_SIGNER_NAME = "Industry Traceback Group (DEVELOPMENT\N{EM DASH}not for production use)"


@dataclass(frozen=True)
class DevPKI:
    """Paths of a development CA, signing identity and time-stamp authority, all under one folder.

    Why: a fresh clone must sign responses with no configuration (STYLE.md, principle 4), and the signer's
    name says DEVELOPMENT in every PDF viewer so such a file cannot pass for a real response.
    """

    directory: Path

    @property
    def root_cert_path(self) -> Path:
        return self.directory / "root-ca.pem"

    @property
    def root_key_path(self) -> Path:
        return self.directory / "root-ca.key.pem"

    @property
    def signer_cert_path(self) -> Path:
        return self.directory / "signer.pem"

    @property
    def signer_p12_path(self) -> Path:
        return self.directory / "signer.p12"

    @property
    def signer_passphrase_path(self) -> Path:
        return self.directory / "signer.passphrase"

    @property
    def tsa_cert_path(self) -> Path:
        return self.directory / "tsa.pem"

    @property
    def tsa_key_path(self) -> Path:
        return self.directory / "tsa.key.pem"

    @property
    def complete_marker(self) -> Path:
        return self.directory / "COMPLETE"

    @property
    def passphrase(self) -> str:
        return self.signer_passphrase_path.read_text().strip()

    def root_certificate(self) -> asn1_x509.Certificate:
        return load_certificates(self.root_cert_path)[0]

    def tsa_credentials(self) -> tuple[asn1_x509.Certificate, asn1_keys.PrivateKeyInfo]:
        """The dev TSA's certificate and key, as pyHanko's `DummyTimeStamper` wants them (tests only)."""
        key = serialization.load_pem_private_key(self.tsa_key_path.read_bytes(), password=None)
        der = key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        return load_certificates(self.tsa_cert_path)[0], asn1_keys.PrivateKeyInfo.load(der)


def ensure_dev_ca(directory: str | os.PathLike[str]) -> DevPKI:
    """Create the development PKI on first use; later calls (and racing processes) get the same one.

    Each file is written to a temporary file and renamed into place, under an exclusive lock, and a
    COMPLETE marker is written last: a reader never sees a half-written key, and two workers starting at
    once cannot produce a signer certificate from one CA and a trust root from another.
    """
    pki = DevPKI(Path(directory))
    if pki.complete_marker.exists():
        return pki
    pki.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    with _exclusive_lock(pki.directory / ".lock"):
        if not pki.complete_marker.exists():
            _generate_dev_pki(pki)
    return pki


def dev_trust_roots(directory: str | os.PathLike[str]) -> list[asn1_x509.Certificate]:
    """Trust roots for verifying what the development PKI signed (creating it if needed)."""
    return [ensure_dev_ca(directory).root_certificate()]


@contextlib.contextmanager
def _exclusive_lock(path: Path) -> Iterator[None]:
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def _write_private(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, ORGANIZATION),
            x509.NameAttribute(NameOID.COUNTRY_NAME, "US"),
        ]
    )


def _issue(
    subject: x509.Name,
    public_key: rsa.RSAPublicKey,
    issuer: tuple[x509.Name, rsa.RSAPrivateKey],
    extensions: Sequence[tuple[x509.ExtensionType, bool]],
    years: int,
) -> x509.Certificate:
    # Backdated five minutes so a certificate made a moment ago is valid on a machine whose clock lags.
    now = dt.datetime.now(dt.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer[0])
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=365 * years))
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer[1].public_key()), critical=False
        )
    )
    for extension, critical in extensions:
        builder = builder.add_extension(extension, critical=critical)
    return builder.sign(issuer[1], hashes.SHA256())


_KEY_USAGES = [
    "digital_signature",
    "content_commitment",
    "key_encipherment",
    "data_encipherment",
    "key_agreement",
    "key_cert_sign",
    "crl_sign",
    "encipher_only",
    "decipher_only",
]


def _key_usage(**granted: bool) -> x509.KeyUsage:
    return x509.KeyUsage(**(dict.fromkeys(_KEY_USAGES, False) | granted))


def _new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=3072)


def _pem_key(key: rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _pem_cert(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def _generate_dev_pki(pki: DevPKI) -> None:
    root_key, signer_key, tsa_key = _new_key(), _new_key(), _new_key()
    root_name = _name("ITG Development Root CA (not for production use)")
    root = _issue(
        root_name,
        root_key.public_key(),
        (root_name, root_key),
        [
            (x509.BasicConstraints(ca=True, path_length=0), True),
            (_key_usage(key_cert_sign=True, crl_sign=True), True),
        ],
        years=10,
    )
    leaf_base = [(x509.BasicConstraints(ca=False, path_length=None), True)]
    signer = _issue(
        _name(DEV_SIGNER_NAME),
        signer_key.public_key(),
        (root_name, root_key),
        [*leaf_base, (_key_usage(digital_signature=True, content_commitment=True), True)],
        years=5,
    )
    tsa = _issue(
        _name("ITG Development Time-Stamp Authority (not for production use)"),
        tsa_key.public_key(),
        (root_name, root_key),
        [
            *leaf_base,
            (_key_usage(digital_signature=True, content_commitment=True), True),
            # RFC 3161 §2.3: a TSA certificate carries exactly this EKU, marked critical.
            (x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), True),
        ],
        years=5,
    )
    passphrase = secrets.token_urlsafe(24)
    p12 = pkcs12.serialize_key_and_certificates(
        b"itg-dev-signer",
        signer_key,
        signer,
        [root],
        serialization.BestAvailableEncryption(passphrase.encode()),
    )
    _write_private(pki.root_cert_path, _pem_cert(root))
    _write_private(pki.root_key_path, _pem_key(root_key))
    _write_private(pki.signer_cert_path, _pem_cert(signer))
    _write_private(pki.signer_passphrase_path, passphrase.encode() + b"\n")
    _write_private(pki.signer_p12_path, p12)
    _write_private(pki.tsa_cert_path, _pem_cert(tsa))
    _write_private(pki.tsa_key_path, _pem_key(tsa_key))
    _write_private(pki.complete_marker, b"ok\n")
    logger.warning("Created a development signing PKI in %s (not for production use)", pki.directory)
