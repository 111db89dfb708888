"""Helpers for tests/reliability: fresh PostgreSQL databases, ``openrd serve`` processes (one store, many
processes), official Tea SDK calls reduced to outcome strings, and hand-signed V3 requests.

``two_servers`` is the set-up of every test that proves a change made through one process holds in another:
two processes on one store (``TWO_PROCESSES`` parametrises the store), their logs free of tracebacks at the end.

"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import socket
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
import pytest
from alibabacloud_ram20150501.client import Client as RamClient
from alibabacloud_tea_openapi.utils_models import Config

from openrd.api import signing
from openrd.testing.process import ServerProcess
from support.api import ControlApi, Creds
from support.store import fresh_postgres_database, sqlite_url

SECRET_KEY = "reliability-test-master-key"
TWO_PROCESSES = [
    pytest.param("postgresql", id="postgresql-x2", marks=pytest.mark.postgres),
    pytest.param("sqlite", id="sqlite-x2"),
]


def sql(database_url: str, query: str, *params: Any) -> list[tuple[Any, ...]]:
    """Plain SQL on the store, bypassing openrd (``?`` placeholders; rewritten to ``%s`` for psycopg)."""
    if database_url.startswith("sqlite:///"):
        import sqlite3

        with contextlib.closing(sqlite3.connect(database_url[len("sqlite:///") :], timeout=30)) as conn:
            return list(conn.execute(query, params).fetchall())
    with psycopg.connect(database_url) as conn:
        return list(conn.execute(query.replace("?", "%s"), params).fetchall())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def phone_for(index: int, block: int) -> str:
    """Distinct valid CN mobiles: block 0 → 86-139…, block 1 → 86-138…, … (index < 10**8)."""
    return f"86-1{39 - block}{index:08d}"


def store_env(root: Path, database_url: str, **extra: str) -> dict[str, str]:
    return {
        "OPENRD_DATABASE_URL": database_url,
        "OPENRD_DATA_DIR": str(root / "data"),
        "OPENRD_SECRET_KEY": SECRET_KEY,
        "OPENRD_LOG_LEVEL": "WARNING",
        "HOME": str(root),
    } | extra


@contextlib.contextmanager
def cluster(env: dict[str, str], root: Path, size: int) -> Iterator[list[ServerProcess]]:
    """``size`` server processes on the store ``env`` names, on distinct ports. The first migrates the store
    alone; the others then start together."""
    servers = [ServerProcess(env, root / f"server-{i}.log") for i in range(size)]
    try:
        servers[0].start()
        with ThreadPoolExecutor(size) as pool:
            list(pool.map(lambda server: server.start(), servers[1:]))
        yield servers
    finally:
        for server in servers:
            server.stop()


def database(store: str, root: Path, prefix: str) -> contextlib.AbstractContextManager[str]:
    """The URL of a store of its own: SQLite in ``root``'s data directory, or a new PostgreSQL database named
    after ``prefix`` (skipped when none answers; under CI that fails instead)."""
    if store == "sqlite":
        return contextlib.nullcontext(sqlite_url(root))
    return fresh_postgres_database(prefix)


@contextlib.contextmanager
def two_servers(store: str, root: Path, prefix: str, **extra: str) -> Iterator[list[ServerProcess]]:
    """Two server processes on one new ``store`` (settings ``extra`` added); neither may log a traceback."""
    with (
        database(store, root, prefix) as database_url,
        cluster(store_env(root, database_url, **extra), root, 2) as started,
    ):
        yield started
        for server in started:
            assert "Traceback" not in server.log_text()


def sdk_config(server: ServerProcess, creds: Creds, token: str | None = None) -> Config:
    """An official SDK client's settings for ``server`` signing as ``creds`` (a session's with ``token``)."""
    return Config(
        access_key_id=creds.access_key_id,
        access_key_secret=creds.secret,
        security_token=token,
        endpoint=server.endpoint,
        protocol="http",
        read_timeout=120_000,
    )


def ram_client(server: ServerProcess, creds: Creds) -> RamClient:
    return RamClient(sdk_config(server, creds))


# ------------------------------------------------------------------------------------------ API calls


class Api(ControlApi):
    """The control API and official Tea SDK calls, one request per call, against one server."""

    account_defaults = {"site": "cn", "enterprise_name": "Acme Technology Co., Ltd."}
    list_limit = 1000

    @staticmethod
    def _once() -> Any:
        from darabonba.runtime import RuntimeOptions

        return RuntimeOptions(autoretry=False)  # one call is one request: a retried send would be a second send

    def send_enable(self, creds: Creds, phone: str) -> Any:
        from alibabacloud_resourcemanager20200331 import models

        request = models.SendVerificationCodeForEnableRDRequest(secure_mobile_phone=phone)
        return self.rm(creds).send_verification_code_for_enable_rdwith_options(request, self._once())

    def send_bind(self, creds: Creds, account_id: str, phone: str) -> Any:
        from alibabacloud_resourcemanager20200331 import models

        request = models.SendVerificationCodeForBindSecureMobilePhoneRequest(
            account_id=account_id, secure_mobile_phone=phone
        )
        return self.rm(creds).send_verification_code_for_bind_secure_mobile_phone_with_options(request, self._once())

    def bind(self, creds: Creds, account_id: str, phone: str, code: str) -> Any:
        from alibabacloud_resourcemanager20200331 import models

        request = models.BindSecureMobilePhoneRequest(
            account_id=account_id, secure_mobile_phone=phone, verification_code=code
        )
        return self.rm(creds).bind_secure_mobile_phone_with_options(request, self._once())

    def enable_current(self, creds: Creds) -> Any:
        from alibabacloud_resourcemanager20200331 import models

        request = models.EnableResourceDirectoryRequest(enable_mode="CurrentAccount")
        return self.rm(creds).enable_resource_directory_with_options(request, self._once())

    def create_member(self, creds: Creds, display_name: str) -> str:
        from alibabacloud_resourcemanager20200331 import models

        request = models.CreateResourceAccountRequest(display_name=display_name)
        response = self.rm(creds).create_resource_account_with_options(request, self._once())
        return str(response.body.account.account_id)


def outcome(call: Callable[..., Any]) -> str:
    """``ok``, ``<status> <Code>`` for an Alibaba error envelope, or the exception's type name."""
    from alibabacloud_tea_openapi.exceptions import AlibabaCloudException

    try:
        call()
    except AlibabaCloudException as exc:
        return f"{exc.status_code} {exc.code}"
    except Exception as exc:  # e.g. a 500 without the envelope: counted, so the assertion shows it
        return type(exc).__name__
    return "ok"


# ------------------------------------------------------------------------------- hand-signed V3


@dataclass(frozen=True)
class SignedRequest:
    method: str
    query: list[tuple[str, str]]
    headers: dict[str, str]
    body: bytes


def sign_v3(
    creds: Creds,
    *,
    host: str,
    action: str,
    version: str,
    query: list[tuple[str, str]],
    nonce: str | None = None,
    body: bytes = b"",
) -> SignedRequest:
    """A V3 (ACS3-HMAC-SHA256) request signed once with openrd.api.signing: the same bytes can be replayed."""
    algorithm = "ACS3-HMAC-SHA256"
    payload = signing.payload_hash(algorithm, body)
    headers = {
        "host": host,
        "x-acs-action": action,
        "x-acs-version": version,
        "x-acs-date": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "x-acs-signature-nonce": nonce or uuid.uuid4().hex,
        "x-acs-content-sha256": payload,
    }
    signed = sorted(headers)
    canonical = signing.v3_canonical_request("POST", "/", query, headers, signed, payload)
    signature = signing.v3_signature(algorithm, creds.secret, signing.v3_string_to_sign(algorithm, canonical))
    headers["authorization"] = (
        f"{algorithm} Credential={creds.access_key_id},SignedHeaders={';'.join(signed)},Signature={signature}"
    )
    return SignedRequest("POST", query, headers, body)


def keyed_hash(master_key: str, *parts: str) -> str:
    """An independent re-computation of the documented keyed hash: HMAC-SHA256 under a key derived from the master
    key, over length-prefixed parts (so the test does not trust openrd's own code to define it)."""
    import hmac

    key = hmac.new(master_key.encode(), b"openrd/keyed-hash", hashlib.sha256).digest()
    message = b"".join(len(p.encode()).to_bytes(4, "big") + p.encode() for p in parts)
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def fernet_for(master_key: str) -> Any:
    import hmac

    from cryptography.fernet import Fernet

    key = hmac.new(master_key.encode(), b"openrd/encryption", hashlib.sha256).digest()
    return Fernet(base64.urlsafe_b64encode(key))
