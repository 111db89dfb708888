"""The TLS listener's certificate: given files, or a local CA in the data directory and a server certificate it signs.

The credential libraries speak HTTPS only when given a bare ``host:port`` (docs/https.md), so openrd needs a
certificate clients can trust without a public CA. Layout under ``<data dir>/tls/`` (directory mode 0700):

- ``ca.pem`` — the local CA's certificate, what ``SSL_CERT_FILE`` / ``NODE_EXTRA_CA_CERTS`` name; ``ca.key`` — its
  private key, mode 0600, read only to sign server certificates and never copied anywhere else;
- ``server.pem`` (the server certificate, then the CA's) and ``server.key`` (0600).

The CA is created once; the server certificate is issued again when it has less than a third of its life left, or
names other hosts than openrd serves, checked at start and every hour by a serving process. Creation and renewal
hold an exclusive ``flock`` on ``tls/.lock`` so processes that start together make one CA, and a file is replaced by
renaming a finished one over it, so nobody reads half a key. Validity is on the wall clock: TLS clients check
certificates against their real time, not the emulator's.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import ipaddress
import os
import secrets
import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

__all__ = [
    "SERVER_NAMES",
    "TlsFiles",
    "ensure_local_tls",
    "load_context",
    "needs_renewal",
    "server_names",
]

CA_LIFETIME = dt.timedelta(days=3650)
SERVER_LIFETIME = dt.timedelta(days=90)
RENEW_WHEN_LEFT = SERVER_LIFETIME / 3
BACKDATE = dt.timedelta(hours=1)  # a client whose clock runs a little behind still accepts a fresh certificate

# The regions the Alibaba SDKs' endpoint tables name; each gets ``*.<region>.aliyuncs.com``.
REGIONS = (
    "cn-hangzhou", "cn-shanghai", "cn-beijing", "cn-shenzhen", "cn-qingdao", "cn-zhangjiakou", "cn-huhehaote",
    "cn-wulanchabu", "cn-chengdu", "cn-guangzhou", "cn-heyuan", "cn-nanjing", "cn-fuzhou", "cn-wuhan-lr",
    "cn-hongkong", "cn-shanghai-finance-1", "cn-shenzhen-finance-1", "cn-beijing-finance-1",
    "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-5", "ap-southeast-6", "ap-southeast-7",
    "ap-northeast-1", "ap-northeast-2", "ap-south-1", "us-west-1", "us-east-1", "eu-central-1", "eu-west-1",
    "me-east-1", "me-central-1",
)  # fmt: skip
SERVER_NAMES: tuple[str, ...] = (
    "localhost",
    "aliyuncs.com",
    "*.aliyuncs.com",
    *(f"*.{region}.aliyuncs.com" for region in REGIONS),
)
SERVER_ADDRESSES = (ipaddress.ip_address("127.0.0.1"), ipaddress.ip_address("::1"))


@dataclass(frozen=True)
class TlsFiles:
    """What the TLS listener loads; ``ca_file`` is the local CA clients trust (None for a given certificate)."""

    cert_file: Path
    key_file: Path
    ca_file: Path | None = None


def server_names() -> list[x509.GeneralName]:
    names: list[x509.GeneralName] = [x509.DNSName(name) for name in SERVER_NAMES]
    names.extend(x509.IPAddress(address) for address in SERVER_ADDRESSES)
    return names


def ensure_local_tls(data_dir: Path, *, now: dt.datetime | None = None) -> TlsFiles:
    """The local CA and a current server certificate signed by it, made or renewed as needed."""
    moment = now or dt.datetime.now(dt.UTC)
    folder = data_dir / "tls"
    files = TlsFiles(folder / "server.pem", folder / "server.key", folder / "ca.pem")
    if _current(files, moment):
        return files
    with _locked(folder):
        ca_key, ca_cert = _local_ca(folder, moment)
        if not _current(files, moment):  # another process may have renewed it while this one waited
            _issue_server_certificate(folder, ca_key, ca_cert, moment)
    return files


def needs_renewal(cert_file: Path, now: dt.datetime) -> bool:
    """Whether the certificate expires within a third of a server certificate's life (or cannot be read)."""
    try:
        certificate = x509.load_pem_x509_certificate(cert_file.read_bytes())
    except (OSError, ValueError):
        return True
    return certificate.not_valid_after_utc - now < RENEW_WHEN_LEFT


def load_context(files: TlsFiles, context: ssl.SSLContext | None = None) -> ssl.SSLContext:
    """A server-side TLS context for ``files`` (TLS 1.2 or newer); given ``context``, its certificate is replaced,
    which new connections then present."""
    if context is None:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(files.cert_file, files.key_file)
    return context


# ------------------------------------------------------------------------------------------------- internals
def _current(files: TlsFiles, now: dt.datetime) -> bool:
    if files.ca_file is None or not files.ca_file.exists() or not files.key_file.exists():
        return False
    if needs_renewal(files.cert_file, now):
        return False
    certificate = x509.load_pem_x509_certificate(files.cert_file.read_bytes())
    try:
        names = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return False
    return set(names) == set(server_names())


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    folder.parent.mkdir(mode=0o700, parents=True, exist_ok=True)  # the data directory, private like the key's
    folder.mkdir(mode=0o700, exist_ok=True)
    fd = os.open(folder / ".lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def _local_ca(folder: Path, now: dt.datetime) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key_path, cert_path = folder / "ca.key", folder / "ca.pem"
    if key_path.exists() and cert_path.exists():
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
        if not isinstance(key, ec.EllipticCurvePrivateKey):
            raise RuntimeError(f"{key_path} is not the elliptic-curve key openrd makes; delete the tls folder")
        return key, x509.load_pem_x509_certificate(cert_path.read_bytes())
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "openrd"),
            x509.NameAttribute(NameOID.COMMON_NAME, f"openrd local CA {secrets.token_hex(4)}"),
        ]
    )
    certificate = (
        _builder(name, name, key.public_key(), now, CA_LIFETIME)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(signs_certificates=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    _write(key_path, _private_pem(key), mode=0o600)
    _write(cert_path, certificate.public_bytes(serialization.Encoding.PEM), mode=0o644)
    return key, certificate


def _issue_server_certificate(
    folder: Path, ca_key: ec.EllipticCurvePrivateKey, ca_cert: x509.Certificate, now: dt.datetime
) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    certificate = (
        _builder(subject, ca_cert.subject, key.public_key(), now, SERVER_LIFETIME)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(signs_certificates=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectAlternativeName(server_names()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    chain = certificate.public_bytes(serialization.Encoding.PEM) + ca_cert.public_bytes(serialization.Encoding.PEM)
    # The key first: a process that reads the new certificate then finds its key (the lock orders writers only).
    _write(folder / "server.key", _private_pem(key), mode=0o600)
    _write(folder / "server.pem", chain, mode=0o644)


def _builder(
    subject: x509.Name, issuer: x509.Name, public_key: ec.EllipticCurvePublicKey, now: dt.datetime, life: dt.timedelta
) -> x509.CertificateBuilder:
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - BACKDATE)
        .not_valid_after(now + life)
    )


def _key_usage(*, signs_certificates: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not signs_certificates,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=signs_certificates,
        crl_sign=signs_certificates,
        encipher_only=False,
        decipher_only=False,
    )


def _private_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _write(path: Path, content: bytes, *, mode: int) -> None:
    """Write beside ``path`` with ``mode`` from the start, then rename over it: readers see old or new, whole."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
