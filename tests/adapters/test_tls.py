"""The local CA and the server certificate it signs: made once, private keys 0600, the names openrd serves,
renewed before they expire (docs/https.md)."""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
import stat
from pathlib import Path

import pytest
from cryptography import x509

from openrd.adapters import tls

NOW = dt.datetime.now(dt.UTC)


def _certificate(path: Path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(path.read_bytes())  # the first certificate: the server's own


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_local_ca_is_made_once_with_private_keys_only_the_owner_reads(tmp_path: Path) -> None:
    files = tls.ensure_local_tls(tmp_path)
    folder = tmp_path / "tls"
    assert files == tls.TlsFiles(folder / "server.pem", folder / "server.key", folder / "ca.pem")
    assert _mode(folder) == 0o700
    assert _mode(folder / "ca.key") == 0o600
    assert _mode(folder / "server.key") == 0o600
    ca_before = (folder / "ca.pem").read_bytes(), (folder / "ca.key").read_bytes()
    server_before = files.cert_file.read_bytes()
    assert tls.ensure_local_tls(tmp_path) == files
    assert ((folder / "ca.pem").read_bytes(), (folder / "ca.key").read_bytes()) == ca_before
    assert files.cert_file.read_bytes() == server_before  # still current: not issued again
    assert sorted(p.name for p in folder.iterdir()) == [".lock", "ca.key", "ca.pem", "server.key", "server.pem"]


def test_the_server_certificate_names_loopback_and_the_aliyuncs_hosts(tmp_path: Path) -> None:
    files = tls.ensure_local_tls(tmp_path)
    names = _certificate(files.cert_file).extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    dns = set(names.get_values_for_type(x509.DNSName))
    assert {"localhost", "*.aliyuncs.com", "*.cn-hangzhou.aliyuncs.com", "*.ap-southeast-1.aliyuncs.com"} <= dns
    assert set(names.get_values_for_type(x509.IPAddress)) == {
        ipaddress.ip_address("127.0.0.1"),
        ipaddress.ip_address("::1"),
    }


def test_the_ca_signed_the_server_certificate_and_is_a_ca(tmp_path: Path) -> None:
    files = tls.ensure_local_tls(tmp_path)
    assert files.ca_file is not None
    ca = _certificate(files.ca_file)
    server = _certificate(files.cert_file)
    server.verify_directly_issued_by(ca)
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert not server.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    # A TLS client trusting only ca.pem accepts the chain for every name (the handshake itself is in tests/compat).
    client = ssl.create_default_context(cafile=str(files.ca_file))
    assert len(client.get_ca_certs()) == 1


def test_a_certificate_near_its_end_is_issued_again_by_the_same_ca(tmp_path: Path) -> None:
    files = tls.ensure_local_tls(tmp_path, now=NOW)
    first = _certificate(files.cert_file)
    assert not tls.needs_renewal(files.cert_file, NOW)
    later = first.not_valid_after_utc - tls.RENEW_WHEN_LEFT + dt.timedelta(minutes=1)
    assert tls.needs_renewal(files.cert_file, later)
    assert files.ca_file is not None
    ca_before = files.ca_file.read_bytes()
    tls.ensure_local_tls(tmp_path, now=later)
    renewed = _certificate(files.cert_file)
    assert renewed.serial_number != first.serial_number
    assert renewed.not_valid_after_utc > first.not_valid_after_utc
    assert files.ca_file.read_bytes() == ca_before
    renewed.verify_directly_issued_by(_certificate(files.ca_file))
    assert _mode(files.key_file) == 0o600


def test_a_certificate_for_other_names_is_issued_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = tls.ensure_local_tls(tmp_path)
    first = _certificate(files.cert_file).serial_number
    monkeypatch.setattr(tls, "SERVER_NAMES", (*tls.SERVER_NAMES, "*.eu-west-9.aliyuncs.com"))
    tls.ensure_local_tls(tmp_path)
    assert _certificate(files.cert_file).serial_number != first


def test_a_context_loads_the_files_and_takes_a_renewed_certificate(tmp_path: Path) -> None:
    files = tls.ensure_local_tls(tmp_path, now=NOW)
    context = tls.load_context(files)
    assert context.minimum_version == ssl.TLSVersion.TLSv1_2
    tls.ensure_local_tls(tmp_path, now=NOW + tls.SERVER_LIFETIME)
    assert tls.load_context(files, context) is context


def test_a_missing_or_unreadable_certificate_needs_renewal(tmp_path: Path) -> None:
    assert tls.needs_renewal(tmp_path / "absent.pem", NOW)
    (tmp_path / "junk.pem").write_text("not a certificate")
    assert tls.needs_renewal(tmp_path / "junk.pem", NOW)
