"""openrd as a benchmark target: start ``openrd serve`` on a fresh store, build the world, seed data in bulk.

The world: a ``cn`` enterprise-verified account that InitResourceDirectory makes the management account, a RAM user
of it with AliyunResourceDirectoryFullAccess (the caller of every benchmark request, so each request goes through
the full V3 authentication, replay protection and the RAM check), three resource accounts created with the
official SDK's CreateResourceAccount, and the rest of the resource accounts inserted directly into ``accounts`` and
``members`` with SQLAlchemy Core (seeding 100,000 accounts through the API would take longer than the benchmark),
each with three tags in ``resource_tags``, so the tag reads (ListTagResources, ListAccounts with IncludeTags) read
a directory whose every member is tagged.
"""

from __future__ import annotations

import contextlib
import secrets
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from servers import Server, clean_env, free_port
from sqlalchemy import func, select, text

from openrd.adapters.db import tables as t
from openrd.adapters.db.engine import make_engine
from openrd.testing.client import OpenRD

VERSION = "2020-03-31"
PHONE = "86-139{u:08d}"  # unique per request: the load generator numbers them (u)
SEED_CHUNK = 10_000
# The columns the bulk loads fill, in the order of their tuples (a column added later must be nullable or come here).
ACCOUNT_COLUMNS = ["account_id", "name", "display_name", "site", "secure_mobile_phone", "enterprise_name",
                   "enterprise_verified", "created_ms"]  # fmt: skip
MEMBER_COLUMNS = ["account_id", "directory_id", "folder_id", "type", "join_method", "status", "join_ms", "modify_ms"]
TAG_COLUMNS = ["resource_type", "resource_id", "key", "value", "owner_id"]
TAGS_PER_ACCOUNT = (("env", ("prod", "test", "dev")), ("team", ("a", "b", "c", "d")), ("cost-centre", ("cc1", "cc2")))
CODE_COLUMNS = ["code_id", "purpose", "account_id", "phone", "code_hash", "status", "attempts", "issued_ms",
                "expires_ms"]  # fmt: skip
_DATABASES: set[tuple[str, str]] = set()  # (admin url, database) created and not dropped yet


def postgres_available(admin_url: str) -> str | None:
    """None when a PostgreSQL answers at ``admin_url``, else why not."""
    try:
        import psycopg

        with psycopg.connect(admin_url, connect_timeout=3):
            return None
    except Exception as exc:
        return f"{exc.__class__.__name__}: {str(exc).strip()[:200]}"


def bulk_insert(engine: Any, table: Any, rows: list[tuple[Any, ...]], columns: list[str]) -> None:
    """Load ``rows`` (tuples in ``columns`` order) into the Core ``table`` in one transaction:
    ``executemany`` on SQLite, ``COPY`` on PostgreSQL (SQLAlchemy's own executemany is several times slower here)."""
    missing = set(columns) - {c.name for c in table.columns}
    if missing:
        raise RuntimeError(f"{table.name} has no column {sorted(missing)}: bench/openrd_target.py needs updating")
    names = ", ".join(columns)
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        if engine.dialect.name == "postgresql":
            with cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.execute("BEGIN IMMEDIATE")
            marks = ", ".join("?" for _ in columns)
            cursor.executemany(f"INSERT INTO {table.name} ({names}) VALUES ({marks})", rows)
        raw.commit()
    except BaseException:
        raw.rollback()
        raise
    finally:
        raw.close()


def _drop(admin_url: str, database: str) -> None:
    with contextlib.suppress(Exception):
        import psycopg

        with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    _DATABASES.discard((admin_url, database))


def drop_leftover_databases() -> None:
    """Drop every database this run created and did not drop yet (after a failed or interrupted phase)."""
    for admin_url, database in list(_DATABASES):
        _drop(admin_url, database)


class OpenrdTarget:
    def __init__(
        self, name: str, *, store: str, workers: int, log_dir: Path, pg_admin_url: str, log_level: str = "INFO"
    ) -> None:
        self.name = name
        self.log_level = log_level  # openrd's default, INFO, writes a JSON line per call (to the server's log file)
        self.store = store
        self.workers = workers
        self.log_dir = log_dir
        self.pg_admin_url = pg_admin_url
        self.data_dir = Path(tempfile.mkdtemp(prefix="openrd-bench-"))
        self.pg_database: str | None = None
        self.server: Server | None = None
        self.engine: Any = None
        self.env: dict[str, str] = {}
        self.account_ids: list[str] = []  # every resource account, in seeding order
        self._next_seed = 1

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> OpenrdTarget:
        if self.store == "postgresql":
            import psycopg

            self.pg_database = f"openrd_bench_{secrets.token_hex(4)}"
            with psycopg.connect(self.pg_admin_url, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{self.pg_database}"')
            _DATABASES.add((self.pg_admin_url, self.pg_database))
            database_url = self.pg_admin_url.rsplit("/", 1)[0] + "/" + self.pg_database
        else:
            database_url = f"sqlite:///{self.data_dir / 'openrd.db'}"
        self.env = clean_env(
            {
                "OPENRD_DATA_DIR": str(self.data_dir),
                "OPENRD_DATABASE_URL": database_url,
                "OPENRD_SECRET_KEY": secrets.token_urlsafe(32),
                "OPENRD_LOG_LEVEL": self.log_level,
                "OPENRD_SMS_SENDER": "inbox",
                # The write benchmarks send thousands of codes from one management account to many phones.
                "OPENRD_PHONE_LIMIT_PER_MINUTE": "1000000",
                "OPENRD_PHONE_LIMIT_PER_HOUR": "1000000",
                "OPENRD_PHONE_LIMIT_PER_DAY": "1000000",
                "OPENRD_DAILY_CODE_QUOTA": "1000000",
                "OPENRD_CODE_TTL_SECONDS": "600",  # bind codes are sent during setup, used minutes later
                # The expired-codes run times the cleanup itself; the server's own pass must not beat it to it.
                "OPENRD_MAINTENANCE_INTERVAL_SECONDS": "0",
            }
        )
        self._serve()
        from openrd.config import load_settings

        self.engine = make_engine(load_settings(self.env).database_url)
        return self

    def _serve(self) -> None:
        port = free_port()
        argv = [sys.executable, "-m", "openrd.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
        argv += ["--workers", str(self.workers)]
        self.server = Server(self.name, argv, port=port, env=self.env, log_dir=self.log_dir, health="/_openrd/health")
        self.server.start(timeout=90)

    def restart(self) -> None:
        """A new server process on the same store (after a point that left the server wedged)."""
        if self.server is not None:
            self.server.stop()
        self._serve()

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None
        if self.engine is not None:
            self.engine.dispose()
            self.engine = None
        if self.pg_database:
            _drop(self.pg_admin_url, self.pg_database)
            self.pg_database = None
        shutil.rmtree(self.data_dir, ignore_errors=True)

    @property
    def host(self) -> str:
        assert self.server is not None
        return self.server.host

    # ------------------------------------------------------------------ the world
    def setup(self) -> None:
        from alibabacloud_resourcemanager20200331 import models

        assert self.server is not None
        control = OpenRD(self.server.url)
        try:
            root = control.make_account(
                "bench-management", site="cn", secure_mobile_phone="86-13800000000", enterprise_name="Bench Corp"
            )
            control.tea_client(root).init_resource_directory()
            directory = control.tea_client(root).get_resource_directory().body.resource_directory
            self.directory_id = directory.resource_directory_id
            self.root_folder_id = directory.root_folder_id
            self.management_id = root.account_id
            admin = control.ram_user(root.account_id, "bench-admin", ("AliyunResourceDirectoryFullAccess",))
            self.ak, self.secret = admin.access_key_id, admin.access_key_secret
            sdk = control.tea_client(admin)
            for i in range(3):
                created = sdk.create_resource_account(
                    models.CreateResourceAccountRequest(display_name=f"bench-sdk-{i}", account_name_prefix=f"sdk{i}")
                )
                self.account_ids.append(created.body.account.account_id)
            # The caller can read what it created: the RAM policy and the signature path work end to end.
            sdk.get_account(models.GetAccountRequest(account_id=self.account_ids[0]))
        finally:
            control.close()

    def member_count(self) -> int:
        with self.engine.connect() as conn:
            query = select(func.count()).select_from(t.members).where(t.members.c.directory_id == self.directory_id)
            return int(conn.execute(query).scalar_one())

    def seed_to(self, total: int, deadline: float | None = None) -> float:
        """Insert resource accounts until the directory has ``total`` members; returns the seconds it took."""
        missing = total - self.member_count()
        return self.seed(missing, deadline)[1] if missing > 0 else 0.0

    def seed(self, count: int, deadline: float | None = None) -> tuple[list[str], float]:
        """Insert ``count`` new resource accounts (rows in ``accounts``, ``members``, ``resource_tags``) in bulk."""
        started = time.perf_counter()
        now_ms = int(time.time() * 1000)
        domain = f"{self.directory_id.lower()}.aliyunid.com"
        new_ids: list[str] = []
        done = 0
        while done < count:
            if deadline is not None and time.monotonic() > deadline:
                raise TimeoutError(f"seeding stopped at {done} of {count} accounts (time cap)")
            size = min(SEED_CHUNK, count - done)
            numbers = range(self._next_seed, self._next_seed + size)
            self._next_seed += size
            ids = [f"9{n:015d}" for n in numbers]
            accounts = [
                (account_id, f"bench{n}@{domain}", f"bench-{n}", "cn", None, "Bench Corp", True, now_ms)
                for n, account_id in zip(numbers, ids, strict=True)
            ]
            members = [
                (
                    account_id,
                    self.directory_id,
                    self.root_folder_id,
                    "ResourceAccount",
                    "created",
                    "CreateSuccess",
                    now_ms + n,
                    now_ms + n,
                )
                for n, account_id in zip(numbers, ids, strict=True)
            ]
            bulk_insert(self.engine, t.accounts, accounts, ACCOUNT_COLUMNS)
            bulk_insert(self.engine, t.members, members, MEMBER_COLUMNS)
            tags = [
                ("Account", account_id, key, values[n % len(values)], self.management_id)
                for n, account_id in zip(numbers, ids, strict=True)
                for key, values in TAGS_PER_ACCOUNT
            ]
            bulk_insert(self.engine, t.resource_tags, tags, TAG_COLUMNS)
            new_ids += ids
            done += size
        self.settle()
        self.account_ids += new_ids
        return new_ids, time.perf_counter() - started

    def settle(self) -> None:
        """After a bulk load, what the store does by itself soon after, so that a measurement sees the size and not
        the load's wake: PostgreSQL refreshes the planner's statistics (autovacuum, within a minute); SQLite moves the
        loaded pages from the WAL into the database (the server's checkpointer would, during the measurement: 100,000
        accounts measured right after their load had a p50 1.5 x that of the same point measured again).
        SQLite keeps no statistics unless ANALYZE runs, and openrd does not run it; left as is."""
        with self.engine.connect() as conn:
            if self.store == "postgresql":
                conn.execute(text("ANALYZE"))
                conn.commit()
            else:  # on the driver: outside a transaction, which a checkpoint must be
                conn.connection.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # type: ignore[union-attr]

    # ------------------------------------------------------------------ operations (load generator payloads)
    def _payload(self, action: str, params: list[dict[str, str]], **extra: Any) -> dict[str, Any]:
        return {"ak": self.ak, "secret": self.secret, "action": action, "version": VERSION, "params": params} | extra

    def _sample(self, size: int = 20_000) -> list[str]:
        ids = self.account_ids
        return secrets.SystemRandom().sample(ids, size) if len(ids) > size else ids

    def get_account(self) -> dict[str, Any]:
        return self._payload("GetAccount", [{"AccountId": i} for i in self._sample()])

    def list_accounts(self) -> dict[str, Any]:
        return self._payload("ListAccounts", [{"PageSize": "100"}])

    def list_accounts_with_tags(self) -> dict[str, Any]:
        return self._payload("ListAccounts", [{"PageSize": "100", "IncludeTags": "true"}])

    def list_tag_resources(self) -> dict[str, Any]:
        """The Terraform provider's read of one account's tags (ResourceType=Account, ResourceId.1), random accounts."""
        params = [{"ResourceType": "Account", "ResourceId.1": i} for i in self._sample()]
        return self._payload("ListTagResources", params)

    def send_code(self, pool: list[str]) -> dict[str, Any]:
        """Each request: the next account of ``pool`` and a phone used by no other request of the run."""
        return self._payload(
            "SendVerificationCodeForBindSecureMobilePhone",
            [{"AccountId": a} for a in pool],
            unique={"SecureMobilePhone": PHONE},
        )

    def bind(self, targets: list[dict[str, str]]) -> dict[str, Any]:
        return self._payload("BindSecureMobilePhone", targets, each=True)

    def prepare_bind(self, loadgen: Any, count: int, *, deadline: float, concurrency: int = 16) -> list[dict[str, str]]:
        """``count`` bind targets, each a fresh resource account with a code just sent to a fresh phone.

        Codes are sent in batches of 1,000 by the load generator (untimed) and read back from the SMS inbox of the
        control API (``GET /_openrd/sms?limit=1000``: the newest messages are exactly that batch).
        """
        assert self.server is not None
        accounts, _ = self.seed(count, deadline)
        targets: list[dict[str, str]] = []
        with httpx.Client(base_url=self.server.url + "/_openrd", timeout=60) as control:
            for start in range(0, count, 1000):
                batch = accounts[start : start + 1000]
                base = loadgen.unique_range(len(batch))
                params = [{"AccountId": a, "SecureMobilePhone": PHONE.format(u=base + i)} for i, a in enumerate(batch)]
                m = loadgen.run(
                    host=self.host,
                    kind="acs3",
                    payload=self._payload("SendVerificationCodeForBindSecureMobilePhone", params, each=True),
                    concurrency=concurrency,
                    rate_cap=0,
                    warmup=0,
                    duration=None,
                    cap=max(30.0, deadline - time.monotonic()),
                )
                if m.errors:
                    raise RuntimeError(f"sending bind codes failed: {m.errors} errors, e.g. {m.samples[:1]}")
                answer = control.get("/sms", params={"limit": str(len(batch))})
                answer.raise_for_status()
                codes = {msg["phone"]: msg["code"] for msg in answer.json()["messages"]}
                for p in params:
                    code = codes.get(p["SecureMobilePhone"])
                    if code:
                        targets.append(p | {"VerificationCode": code})
        if len(targets) < count:
            raise RuntimeError(f"only {len(targets)} of {count} bind codes could be read from the inbox")
        return targets

    # ------------------------------------------------------------------ expired codes and the cleanup
    def store_expired_codes(self, count: int, deadline: float) -> float:
        """Insert ``count`` expired codes into ``verification_codes`` and as many old ``code_sends``."""
        started = time.perf_counter()
        now = datetime.now(UTC)
        old_ms = int((now - timedelta(days=3)).timestamp() * 1000)
        old_day = (now - timedelta(days=3)).strftime("%Y-%m-%d")
        done = 0
        chunk = 50_000
        while done < count:
            if time.monotonic() > deadline:
                raise TimeoutError(f"stored {done} of {count} expired codes before the time cap")
            size = min(chunk, count - done)
            numbers = range(done, done + size)
            codes = [
                (
                    f"exp{n:021d}",
                    "BindSecureMobilePhone",
                    f"8{n % 100_000:015d}",
                    f"86-137{n:08d}",
                    secrets.token_hex(32),
                    "active" if n % 4 else "used",
                    0,
                    old_ms + n,
                    old_ms + n + 300_000,
                )
                for n in numbers
            ]
            sends = [(f"8{n % 100_000:015d}", old_day, f"86-137{n:08d}", old_ms + n) for n in numbers]
            bulk_insert(self.engine, t.verification_codes, codes, CODE_COLUMNS)
            bulk_insert(self.engine, t.code_sends, sends, ["quota_account_id", "quota_day", "phone", "sent_ms"])
            done += size
        self.settle()
        return time.perf_counter() - started

    def code_rows(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(t.verification_codes)).scalar_one())

    def purge(self) -> tuple[float, int]:
        """Run the cleanup job's own function, ``purge_expired``, through a unit of work on the server's store."""
        from openrd.bootstrap import build_runtime
        from openrd.config import load_settings
        from openrd.services.verification import purge_expired

        runtime = build_runtime(load_settings(self.env), upgrade=False)
        try:
            started = time.perf_counter()
            with runtime.deps.uow() as uow:
                removed = purge_expired(uow, now=runtime.deps.clock.now(), policy=runtime.deps.code_policy)
            return time.perf_counter() - started, removed
        finally:
            runtime.engine.dispose()
