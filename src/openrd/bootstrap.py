"""The composition root: the only place that knows both the entry points and the adapters."""

from __future__ import annotations

import contextlib
import gc
import random
import tomllib
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Receive, Scope, Send

from openrd.adapters.clock import OffsetClock, SystemClock
from openrd.adapters.crypto import FernetSecretBox, load_master_key
from openrd.adapters.db import migrate
from openrd.adapters.db.checkpointer import WalCheckpointer
from openrd.adapters.db.clock_offset import StoredClockOffset
from openrd.adapters.db.engine import make_engine, sqlite_file
from openrd.adapters.db.store import SqlStore
from openrd.adapters.db.uow import SqlUnitOfWorkFactory
from openrd.adapters.rng import SeededRandomSource, SystemRandomSource
from openrd.adapters.sms import make_sender
from openrd.api.app import CallThreads, make_front_door
from openrd.config import ConfigError, Settings, load_settings
from openrd.console.app import console_routes
from openrd.control.app import control_routes
from openrd.control.audit import audit_routes
from openrd.control.http import not_routed
from openrd.control.ops import ops_routes
from openrd.control.sms import sms_routes
from openrd.domain.sites import BUILTIN_SITES, SiteConfigError, SiteProfile, sites_from_mapping
from openrd.domain.sms import RetryPolicy
from openrd.domain.times import epoch_ms
from openrd.logs import configure_logging
from openrd.services import delivery, verification
from openrd.services.context import Deps


@dataclass(frozen=True)
class Runtime:
    deps: Deps
    engine: Engine
    uow: SqlUnitOfWorkFactory
    worker: delivery.DeliveryWorker
    clock_offset: StoredClockOffset
    checkpointer: WalCheckpointer | None = None  # SQLite files: WAL checkpoints off the requests' path

    def start_background(self) -> None:
        """The SMS dispatcher and, on SQLite, the WAL checkpointer: what a serving process runs beside requests."""
        self.worker.start()
        if self.checkpointer is not None:
            self.checkpointer.start()

    def stop_background(self) -> None:
        self.worker.stop()
        if self.checkpointer is not None:
            self.checkpointer.stop()

    def close(self) -> None:
        """Stop the background threads and release every database connection."""
        self.stop_background()
        self.clock_offset.close()
        self.uow.close()
        self.engine.dispose()


def load_sites(settings: Settings) -> Mapping[str, SiteProfile]:
    if settings.sites_file is None:
        return BUILTIN_SITES
    try:
        data = tomllib.loads(settings.sites_file.read_text())
        return sites_from_mapping(data)
    except (OSError, tomllib.TOMLDecodeError, SiteConfigError) as exc:
        raise ConfigError(f"OPENRD_SITES_FILE {settings.sites_file}: {exc}") from None


def build_runtime(settings: Settings, *, upgrade: bool = True) -> Runtime:
    engine = make_engine(settings.database_url, pool_size=settings.database_pool_size)
    if upgrade:
        migrate.upgrade(engine)
    box = FernetSecretBox(load_master_key(settings.secret_key, settings.data_dir))
    uow = SqlUnitOfWorkFactory(engine, box)
    rng = SeededRandomSource(settings.seed) if settings.seed is not None else SystemRandomSource()
    sender = make_sender(settings.sms)
    clock_offset = StoredClockOffset(engine)
    wake: list[delivery.DeliveryWorker] = []  # the worker needs deps, deps need its wake-up: tie the knot
    deps = Deps(
        settings=settings,
        uow=uow,
        store=SqlStore(engine),
        clock=OffsetClock(clock_offset),
        wall_clock=SystemClock(),
        rng=rng,
        box=box,
        sites=load_sites(settings),
        code_policy=settings.codes,
        sender=sender,
        wake_dispatcher=lambda: wake[0].wake() if wake else None,
        record_nonce=uow.record_nonce,
    )
    worker = make_worker(deps)
    wake.append(worker)
    database = sqlite_file(engine)
    checkpointer = WalCheckpointer(database) if database is not None else None
    return Runtime(
        deps=deps, engine=engine, uow=uow, worker=worker, clock_offset=clock_offset, checkpointer=checkpointer
    )


# After a send wakes the dispatcher, it waits this long so the sends that commit close together go in one pass.
# Under a send load a pass per send held SQLite's write lock and the GIL against the requests
# (docs/architecture.md#smaller-fast-paths). An SMS is late by at most this much.
DISPATCH_LINGER_SECONDS = 0.02


def make_worker(deps: Deps) -> delivery.DeliveryWorker:
    sms = deps.settings.sms
    retry = RetryPolicy(sms.max_attempts, sms.backoff_base_seconds, sms.backoff_max_seconds)
    jitter = random.Random()  # noqa: S311 - backoff jitter, not a secret

    # A message leased by a process that died waits out its lease; keep it just above what one delivery may
    # take, so a crash delays a code by seconds, not a minute.
    lease = {"inbox": 5, "log": 5, "webhook": int(2 * sms.webhook_timeout_seconds) + 5}.get(sms.sender, 30)

    def deliver() -> Sequence[delivery.DeliveryOutcome]:
        return delivery.deliver_due(
            lease_seconds=lease,
            uow_factory=deps.uow,
            sender=deps.sender,
            clock=deps.clock,
            wall_clock=deps.wall_clock,
            retry=retry,
            jitter=jitter.random,
        )

    def purge_codes() -> object:
        with deps.uow() as uow:
            return verification.purge_expired(uow, now=deps.clock.now(), policy=deps.code_policy)

    def purge_nonces() -> object:
        cutoff = epoch_ms(deps.wall_clock.now()) - deps.settings.timestamp_window_seconds * 1000
        with deps.uow() as uow:
            return uow.nonces.forget_older_than(cutoff)

    return delivery.DeliveryWorker(
        deliver,
        maintenance=(purge_codes, purge_nonces),
        maintenance_seconds=deps.settings.maintenance_interval_seconds,
        linger_seconds=DISPATCH_LINGER_SECONDS,
    )


def build_app(runtime: Runtime) -> Starlette:
    deps = runtime.deps
    routes = [
        *control_routes(deps),
        *sms_routes(deps),
        *audit_routes(deps),
        *console_routes(deps),
        *ops_routes(
            deps,
            migrations_current=lambda: migrate.is_up_to_date(runtime.engine),
            dispatcher_running=lambda: runtime.worker.running,
        ),
    ]

    threads = CallThreads(deps.settings.call_threads)
    # SQLite: calls run on the event loop, except one that would wait for another writer (make_front_door).
    writer_busy = runtime.uow.writer_busy if deps.settings.store_kind == "sqlite" else None

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        runtime.start_background()
        try:
            yield
        finally:
            runtime.stop_background()
            threads.close()

    app = OpenRDApp(
        make_front_door(deps, threads, writer_busy=writer_busy),
        routes=routes,
        lifespan=lifespan,
        exception_handlers={HTTPException: not_routed},
    )
    app.state.runtime = runtime
    return app


class OpenRDApp(Starlette):
    """Starlette for the control API, the console and the lifespan; HTTP to ``/`` (every OpenAPI call, whatever
    the method) goes straight to the front door, past Starlette's middleware and router."""

    def __init__(self, front_door: ASGIApp, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.front_door = front_door

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] == "/":
            await self.front_door(scope, receive, send)
            return
        await super().__call__(scope, receive, send)


def create_app() -> Starlette:
    """Uvicorn factory (``--factory openrd.bootstrap:create_app``): each worker builds its own runtime."""
    settings = load_settings()
    configure_logging(settings.log_level, json_lines=settings.log_json)
    app = build_app(build_runtime(settings, upgrade=False))
    # What start-up built (modules, tables, compiled statements) lives as long as the process: out of the
    # collector's way, a full collection no longer walks it, and no call waits for that walk.
    gc.freeze()
    return app
