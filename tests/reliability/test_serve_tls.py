"""``openrd serve --tls-port`` as a user runs it: both listeners in one process, the lines clients need printed,
the local CA made once and kept across restarts, or the operator's own certificate (docs/https.md)."""

from __future__ import annotations

import socket
import ssl
import stat
from pathlib import Path

import httpx
from click.testing import CliRunner
from cryptography import x509

from openrd.adapters import tls
from openrd.cli import main
from openrd.listeners import TlsListener
from openrd.testing.process import ServerProcess
from openrd.testing.server import free_port, start_server


def https_health(ca_file: Path, port: int) -> int:
    with httpx.Client(verify=ssl.create_default_context(cafile=str(ca_file)), timeout=10) as client:
        return client.get(f"https://127.0.0.1:{port}/_openrd/health").status_code


def test_serve_listens_on_both_ports_and_prints_what_clients_need(tmp_path: Path) -> None:
    data = tmp_path / "data"
    env = {"OPENRD_DATA_DIR": str(data), "OPENRD_SECRET_KEY": "tls-serve-key", "HOME": str(tmp_path)}
    tls_port = free_port()
    server = ServerProcess(env, tmp_path / "server.log", tls_port=tls_port).start()
    ca_file = data / "tls" / "ca.pem"
    try:
        assert https_health(ca_file, tls_port) == 200
        assert httpx.get(f"http://{server.endpoint}/_openrd/health", timeout=10).status_code == 200
        log = server.log_text()
        assert f"https://127.0.0.1:{tls_port}" in log
        for variable in ("SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "NODE_EXTRA_CA_CERTS"):
            assert f"export {variable}={ca_file}" in log
        assert stat.S_IMODE((data / "tls" / "ca.key").stat().st_mode) == 0o600
        assert "PRIVATE KEY" not in log
    finally:
        server.stop()
    ca_before = ca_file.read_bytes()
    again = ServerProcess(env, tmp_path / "again.log", tls_port=tls_port).start()
    try:
        assert https_health(ca_file, tls_port) == 200
        assert ca_file.read_bytes() == ca_before  # made once: clients keep trusting it
    finally:
        again.stop()


def test_serve_presents_the_operator_s_certificate_when_given(tmp_path: Path) -> None:
    theirs = tls.ensure_local_tls(tmp_path / "their-pki")  # any CA and certificate of their own
    assert theirs.ca_file is not None
    env = {
        "OPENRD_DATA_DIR": str(tmp_path / "data"),
        "OPENRD_SECRET_KEY": "tls-serve-key",
        "HOME": str(tmp_path),
        "OPENRD_TLS_CERT_FILE": str(theirs.cert_file),
        "OPENRD_TLS_KEY_FILE": str(theirs.key_file),
        "OPENRD_TLS_PORT": str(free_port()),
    }
    server = ServerProcess(env, tmp_path / "server.log").start()
    try:
        assert https_health(theirs.ca_file, int(env["OPENRD_TLS_PORT"])) == 200
        assert not (tmp_path / "data" / "tls").exists()  # no local CA is made
        assert f"certificate {theirs.cert_file}" in server.log_text()
    finally:
        server.stop()


def test_serve_refuses_half_a_certificate_and_tls_with_several_workers(tmp_path: Path) -> None:
    env = {"OPENRD_DATA_DIR": str(tmp_path / "data"), "OPENRD_SECRET_KEY": "k", "HOME": str(tmp_path)}
    half = CliRunner().invoke(main, ["serve", "--tls-port", "0"], env={**env, "OPENRD_TLS_CERT_FILE": "/x.pem"})
    assert half.exit_code != 0
    assert "OPENRD_TLS_KEY_FILE" in half.output
    workers = CliRunner().invoke(main, ["serve", "--tls-port", "0", "--workers", "2"], env=env)
    assert workers.exit_code != 0
    assert "--workers 1" in workers.output
    assert not (tmp_path / "data").exists()  # refused before anything was made


def _presented_serial(port: int, ca_file: Path) -> int:
    context = ssl.create_default_context(cafile=str(ca_file))
    with (
        socket.create_connection(("127.0.0.1", port), timeout=10) as raw,
        context.wrap_socket(raw, server_hostname="127.0.0.1") as secure,
    ):
        der = secure.getpeercert(binary_form=True)
    assert der is not None
    return x509.load_der_x509_certificate(der).serial_number


def test_a_serving_listener_presents_a_renewed_certificate(tmp_path: Path) -> None:
    """The hourly look at the certificate (Listeners.on_tick → TlsListener.refresh): one due for renewal is issued
    again by the same CA and presented to new connections without a restart."""
    data = tmp_path / "data"
    live = start_server({"OPENRD_DATA_DIR": str(data), "OPENRD_SECRET_KEY": "k", "HOME": str(tmp_path)}, tls=True)
    try:
        assert live.tls_port is not None
        assert live.ca_file is not None
        listener = live.uvicorn_server.tls
        assert isinstance(listener, TlsListener)
        before = _presented_serial(live.tls_port, live.ca_file)
        (data / "tls" / "server.pem").unlink()  # as good as expired: it is issued again
        listener.refresh()
        after = _presented_serial(live.tls_port, live.ca_file)
        assert after != before
        assert after == x509.load_pem_x509_certificate((data / "tls" / "server.pem").read_bytes()).serial_number
        assert https_health(live.ca_file, live.tls_port) == 200
    finally:
        live.stop()
