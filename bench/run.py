#!/usr/bin/env python3
"""openrd's load benchmark, in one command: ``python bench/run.py`` (``--quick`` for a one-minute smoke run).

In one run it starts, one after the other, on 127.0.0.1 only:

* a trivial asyncio HTTP server (the load generator's own capacity check),
* the ceiling app (bare Starlette on uvicorn with uvloop + httptools), and the same app with an HMAC check and with
  an HMAC check plus a SQLite insert (reference_app.py: the issue's own scale points),
* openrd on SQLite (temporary data directory) and on PostgreSQL (a fresh database, dropped at the end) when one
  answers at ``--postgres-url``,
* ``moto_server`` answering AWS Organizations calls (and a second one, kept up through the openrd phases for the
  adjacent reads),

measures each at fixed concurrency levels and worker counts (req/s, p50, p99, errors), then the scale runs (GetAccount
and ListAccounts at 100 / 10,000 / 100,000 accounts; moto's DescribeAccount and ListAccounts at 100 / 10,000 within a
time cap), then the memory of a server holding 1,000,000 expired codes and the time of their cleanup. It writes
``results.md``, ``results.json`` and ``chart.png`` into ``--out`` (``bench/results``). Every phase has a hard time
cap, and every server is killed at the end, whatever happened. See bench/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.metadata
import os
import platform
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import report  # noqa: E402
import servers  # noqa: E402
from loadgen import LoadGen, LoadGenError, Measurement  # noqa: E402
from moto_target import MotoTarget  # noqa: E402
from openrd_target import OpenrdTarget, drop_leftover_databases, postgres_available  # noqa: E402

SEND = "SendVerificationCodeForBindSecureMobilePhone"
BIND = "BindSecureMobilePhone"
# The scale points (reference_app.py): target name → the app uvicorn serves.
REFERENCE_APPS = (
    ("reference-hmac", "reference_app:hmac_app"),
    ("reference-hmac-sqlite", "reference_app:hmac_sqlite_app"),
)
MOTO_ADJACENT_FROM = 10_000  # from this scale size on, moto is measured right after openrd (its goal: 100 times moto)


class PhaseTimeout(Exception):
    pass


@contextlib.contextmanager
def time_cap(seconds: float, what: str) -> Iterator[None]:
    """Raise :class:`PhaseTimeout` in the main thread when ``seconds`` have passed (SIGALRM)."""

    def expired(_signum: int, _frame: Any) -> None:
        raise PhaseTimeout(f"{what} exceeded its time cap of {seconds:.0f} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def int_list(text: str) -> list[int]:
    return [int(part.replace("_", "")) for part in text.split(",") if part.strip()]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="a ~1-minute smoke run: short points, c=16, small scale")
    p.add_argument("--duration", type=float, help="measured seconds per point (default 10; quick 1.5)")
    p.add_argument("--warmup", type=float, help="unmeasured seconds before each point (default 1; quick 0.3)")
    p.add_argument("--concurrency", type=int_list, help="connection counts (default 16,64; quick 16)")
    p.add_argument("--workers", type=int_list, help="server worker processes (default 1,2; quick 1)")
    p.add_argument("--clients", type=int, help="load generator processes (default: number of cores, at most 4)")
    p.add_argument("--skip-moto", action="store_true")
    p.add_argument("--skip-postgres", action="store_true")
    p.add_argument("--skip-scale", action="store_true", help="no scale runs and no expired-codes run")
    p.add_argument("--skip-references", action="store_true", help="no reference apps (the issue's scale points)")
    p.add_argument("--scale", type=int_list, help="directory sizes (default 100,10000,100000; quick 100,10000)")
    p.add_argument("--moto-scale", type=int_list, help="moto sizes (default 100,10000; quick 100)")
    p.add_argument("--expired-codes", type=int, help="expired codes stored (default 1000000; quick 50000; 0: skip)")
    p.add_argument("--base-accounts", type=int, default=100, help="accounts in the directory for the throughput runs")
    p.add_argument("--rate-cap", type=float, default=5000, help="pre-built requests: req/s per server worker")
    p.add_argument(
        "--log-level",
        default="INFO",
        help="openrd's OPENRD_LOG_LEVEL (default INFO, openrd's own: a JSON line per call; WARNING: none)",
    )
    p.add_argument("--max-bind", type=int, default=40_000, help="at most this many bind targets per point")
    p.add_argument("--moto-cap", type=float, help="wall-time cap of each moto scale level, seconds (default 300)")
    p.add_argument(
        "--postgres-url",
        default=os.environ.get("OPENRD_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
    )
    p.add_argument("--out", type=Path, help="where the results go (default bench/results; quick: bench/results/quick)")
    args = p.parse_args(argv)
    quick = args.quick
    defaults = {
        "duration": 1.5 if quick else 10.0,
        "warmup": 0.3 if quick else 1.0,
        "concurrency": [16] if quick else [16, 64],
        "workers": [1] if quick else [1, 2],
        "clients": max(1, min(4, os.cpu_count() or 1)),
        "scale": [100, 10_000] if quick else [100, 10_000, 100_000],
        "moto_scale": [100] if quick else [100, 10_000],
        "expired_codes": 50_000 if quick else 1_000_000,
        "moto_cap": 60.0 if quick else 300.0,
        "out": BENCH / "results" / "quick" if quick else BENCH / "results",
    }
    for name, value in defaults.items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    args.scale = sorted(set(args.scale))
    args.moto_scale = sorted(set(args.moto_scale))
    args.argv = " ".join(sys.argv[1:] if argv is None else argv)
    return args


def _version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "-"


def machine_info(args: argparse.Namespace, pg_reason: str | None) -> dict[str, Any]:
    cpu = "?"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem_gib = 0.0
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_gib = int(line.split()[1]) / 1024 / 1024
    git = "-"
    with contextlib.suppress(Exception):
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=BENCH, capture_output=True, text=True)
        dirty = subprocess.run(["git", "status", "--porcelain"], cwd=BENCH, capture_output=True, text=True)
        if head.returncode == 0:
            git = head.stdout.strip() + (" (uncommitted changes)" if dirty.stdout.strip() else "")
    pg_version = "-"
    if pg_reason is None and not args.skip_postgres:
        with contextlib.suppress(Exception):
            import psycopg

            with psycopg.connect(args.postgres_url, connect_timeout=3) as conn:
                pg_version = str(conn.execute("SHOW server_version").fetchone()[0])  # type: ignore[index]
    packages = [
        "openrd",
        "uvicorn",
        "starlette",
        "uvloop",
        "httptools",
        "SQLAlchemy",
        "psycopg",
        "moto",
        "Werkzeug",
        "botocore",
        "alibabacloud-tea-openapi",
    ]
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory_gib": round(mem_gib, 1),
        "kernel": platform.release(),
        "loadavg_start": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "git": git,
        "versions": {name: _version(name) for name in packages}
        | {"SQLite": sqlite3.sqlite_version, "PostgreSQL": pg_version},
    }


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.t0 = time.monotonic()
        self.log_dir = Path(tempfile.mkdtemp(prefix="openrd-bench-logs-"))
        self.pg_reason = "skipped (--skip-postgres)" if args.skip_postgres else postgres_available(args.postgres_url)
        self.results: dict[str, Any] = {
            "meta": machine_info(args, self.pg_reason),
            "config": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
            "throughput": [],
            "scale": [],
            "memory": [],
            "rss": [],
            "adjacent": [],
            "scale_reference": [],
            "scale_moto_adjacent": [],
            "notes": [],
            "failures": [],
        }
        self.lg: LoadGen | None = None
        self.estimates: dict[tuple[str, str], float] = {}  # (server, operation) → best req/s seen
        self.keep_logs = False
        self.restarts: dict[str, int] = {}  # openrd server → restarts after a point with errors
        # Kept up through the openrd phases, so each openrd point has the ceiling measured right before it and moto's
        # equivalent read right after it: the machine's speed drifts over a run (bench/README.md, "Adjacent").
        self.ceiling_server: servers.Server | None = None
        self.moto_reads: MotoTarget | None = None
        # moto holding a scale size openrd also reaches (≥ 10,000: the goal's), up through openrd's scale phases
        # and measured right after openrd's point at that size; then its own phase measures it again.
        self.moto_at_scale: dict[int, MotoTarget] = {}

    # ------------------------------------------------------------------ plumbing
    def log(self, message: str) -> None:
        print(f"[{time.monotonic() - self.t0:6.1f}s] {message}", flush=True)

    def note(self, message: str) -> None:
        self.results["notes"].append(message)
        self.log("note: " + message)

    def fail(self, message: str) -> None:
        self.results["failures"].append(message)
        self.log("FAILED: " + message)

    @property
    def span(self) -> float:
        return self.args.warmup + self.args.duration

    def phase(self, name: str, cap: float, body: Callable[[], None]) -> None:
        self.log(f"== {name} (time cap {cap:.0f} s)")
        try:
            with time_cap(cap, name):
                body()
        except KeyboardInterrupt:
            raise
        except BaseException as exc:
            self.fail(f"{name}: {exc.__class__.__name__}: {exc}")
            with (self.log_dir / "tracebacks.txt").open("a") as out:
                out.write(f"--- {name}\n{traceback.format_exc()}\n")
            servers.kill_all()  # nothing of a failed phase may run on into the next one
            drop_leftover_databases()

    def measure(
        self,
        section: str,
        row: dict[str, Any],
        host: str,
        kind: str,
        payload: dict[str, Any],
        concurrency: int,
        *,
        rate_cap: float,
        reusable: bool = False,
        duration: float | None = None,
    ) -> Measurement | None:
        a = self.args
        assert self.lg is not None
        duration = a.duration if duration is None else duration
        label = " ".join(f"{k}={v}" for k, v in row.items()) + f" c={concurrency}"
        try:
            if not reusable and not payload.get("each"):
                rate_cap = self.size_for(host, row, kind, payload, concurrency, rate_cap)
            m = self.lg.run(
                host=host,
                kind=kind,
                payload=payload,
                concurrency=concurrency,
                rate_cap=rate_cap,
                warmup=a.warmup,
                duration=duration,
                reusable=reusable,
                cap=a.warmup + duration + 180,
            )
        except LoadGenError as exc:
            self.fail(f"{label}: {exc}")
            return None
        self.results[section].append(row | {"concurrency": concurrency} | m.as_dict())
        key = (host, row["op"])
        self.estimates[key] = max(self.estimates.get(key, 0.0), m.rps)
        self.log(
            f"{label}: {m.rps:,.0f} req/s  p50 {m.p50_ms:.1f} ms  p99 {m.p99_ms:.1f} ms  errors {m.errors}"
            + ("  (ran out of pre-built requests)" if m.exhausted else "")
        )
        if m.errors:
            self.log(f"   e.g. {m.samples[0] if m.samples else m.statuses}")
        return m

    def size_for(
        self, host: str, row: dict[str, Any], kind: str, payload: dict[str, Any], concurrency: int, cap: float
    ) -> float:
        """The req/s to pre-build requests for: twice what this server answered for this operation before (at
        another concurrency), or in a half-second probe; never more than ``cap``. Signing costs client CPU, so
        building for the ceiling's rate when a server answers a tenth of it only slows the run down."""
        assert self.lg is not None
        key = (host, row["op"])
        if key not in self.estimates:
            probe = self.lg.run(
                host=host, kind=kind, payload=payload, concurrency=concurrency, rate_cap=min(cap, 600.0),
                warmup=0.0, duration=0.5, cap=120,
            )  # fmt: skip
            self.estimates[key] = cap if probe.exhausted else probe.rps
        return min(cap, 2.0 * self.estimates[key] + 50.0)

    def rate_cap(self, workers: int, *, per_worker: float | None = None) -> float:
        """How many req/s to pre-build requests for: ``--rate-cap`` (or ``per_worker``) per worker, but no more than
        1.5 times what the ceiling app answered with as many workers (nothing on the same stack answers faster)."""
        cap = (self.args.rate_cap if per_worker is None else per_worker) * workers
        ceilings = [
            r["rps"] for r in self.results["throughput"] if r["target"] == "ceiling" and r["workers"] == workers
        ]
        if ceilings:
            cap = min(cap, 1.5 * max(ceilings))
        return max(cap, 200.0)

    def recover(self, target: OpenrdTarget, m: Measurement | None) -> None:
        """After a point with errors, the next one gets a fresh server process on the same store: a server left
        wedged (all its threads or connections stuck) would otherwise fail every later point too."""
        if m is None or m.errors:
            self.restarts[target.name] = self.restarts.get(target.name, 0) + 1
            target.restart()
            self.keep_logs = True

    def openrd_target(self, name: str, store: str, workers: int) -> OpenrdTarget:
        a = self.args
        return OpenrdTarget(
            name, store=store, workers=workers, log_dir=self.log_dir, pg_admin_url=a.postgres_url,
            log_level=a.log_level,
        )  # fmt: skip

    def record_rss(self, server: servers.Server | None, row: dict[str, Any]) -> dict[str, float]:
        rss = server.rss_mb() if server is not None else {}
        if rss:
            self.results["rss"].append(row | rss)
        return rss

    # ------------------------------------------------------------------ the phases
    def run(self) -> None:
        a = self.args
        self.log(f"openrd benchmark: {a.argv or '(defaults)'}; logs in {self.log_dir}")
        self.lg = LoadGen(a.clients)
        points = len(a.concurrency)
        self.phase("load generator check", 60 + points * (self.span + 30), self.loadgen_check)
        if not a.skip_moto:
            self.phase("moto_server for the adjacent reads", 180, self.start_moto_reads)
        for workers in a.workers:
            self.phase(
                f"ceiling app, {workers} worker(s)", 60 + points * (self.span + 30), lambda w=workers: self.ceiling(w)
            )
            if not a.skip_references:
                self.phase(f"reference apps, {workers} worker(s)", 60 + points * 2 * (2 * self.span + 60),
                           lambda w=workers: self.references(w))  # fmt: skip
            stores = ["sqlite"] + ([] if self.pg_reason else ["postgresql"])
            for store in stores:
                cap = 240 + points * 4 * (3 * self.span + 30) + points * (6 * self.span + 120)
                self.phase(f"openrd on {store}, {workers} worker(s)", cap, lambda s=store, w=workers: self.openrd(s, w))
            if self.ceiling_server is not None:
                self.ceiling_server.stop()
                self.ceiling_server = None
        if self.moto_reads is not None:
            self.moto_reads.stop()
            self.moto_reads = None
        if self.pg_reason:
            self.note(f"PostgreSQL not measured: {self.pg_reason}")
        if not a.skip_moto:
            self.phase("moto_server", 120 + points * 3 * (self.span + 60), self.moto)
        if not a.skip_scale:
            stores = ["sqlite"] + ([] if self.pg_reason else ["postgresql"])
            if not a.skip_moto:
                for level in sorted(set(a.moto_scale) & set(a.scale)):
                    if level >= MOTO_ADJACENT_FROM:
                        self.phase(f"moto_server at {level:,} accounts, kept up", a.moto_cap,
                                   lambda n=level: self.start_moto_at_scale(n))  # fmt: skip
            for store in stores:
                # Per size: two points, the reference server's two and moto's two right after them.
                cap = 300 + len(a.scale) * (6 * (self.span + 30) + 120) + (900 if a.expired_codes else 0)
                self.phase(f"openrd on {store}: scale and expired codes", cap, lambda s=store: self.openrd_scale(s))
            if not a.skip_moto:
                for level in a.moto_scale:
                    self.phase(f"moto_server at {level:,} accounts", a.moto_cap, lambda n=level: self.moto_scale(n))
            for kept in self.moto_at_scale.values():
                kept.stop()
            self.moto_at_scale.clear()

    def loadgen_check(self) -> None:
        port = servers.free_port()
        argv = [sys.executable, str(BENCH / "raw_server.py"), str(port)]
        env = servers.clean_env()
        with servers.Server("raw", argv, port=port, env=env, log_dir=self.log_dir, health="/").start() as server:
            payload = _dummy_get_account()
            for c in self.args.concurrency:
                row = {"target": "loadgen-check", "op": "fixed answer", "workers": 1}
                self.measure("throughput", row, server.host, "acs3", payload, c, rate_cap=0, reusable=True)

    def uvicorn_app(self, name: str, app: str, workers: int, env: dict[str, str] | None = None) -> servers.Server:
        """An app of ``bench/`` on openrd's server stack (uvicorn, uvloop, httptools), no access log."""
        port = servers.free_port()
        argv = [
            sys.executable, "-m", "uvicorn", app, "--app-dir", str(BENCH), "--host", "127.0.0.1", "--port", str(port),
            "--workers", str(workers), "--loop", "uvloop", "--http", "httptools", "--no-access-log",
            "--log-level", "warning",
        ]  # fmt: skip
        env = servers.clean_env() | (env or {})
        return servers.Server(name, argv, port=port, env=env, log_dir=self.log_dir, health="/health").start()

    def ceiling(self, workers: int) -> None:
        srv = self.uvicorn_app("ceiling", "ceiling_app:app", workers)
        self.ceiling_server = srv  # up until this worker count's openrd phases are done (adjacent())
        payload = _dummy_get_account()
        row = {"target": "ceiling", "op": "GetAccount (same bytes)", "workers": workers}
        for c in self.args.concurrency:
            self.measure("throughput", row, srv.host, "acs3", payload, c, rate_cap=0, reusable=True)
        self.record_rss(srv, {"target": "ceiling", "workers": workers})

    def references(self, workers: int) -> None:
        """The issue's scale points (reference_app.py): the ceiling app plus an HMAC check, and plus a SQLite insert,
        each point right after the ceiling app's, as openrd's points are."""
        for target, app in REFERENCE_APPS:
            database = self.log_dir / f"{target}-w{workers}.db"
            with self.uvicorn_app(target, app, workers, {"OPENRD_BENCH_REFERENCE_DB": str(database)}) as srv:
                for c in self.args.concurrency:
                    row = {"target": target, "op": "GetAccount (same bytes)", "workers": workers}
                    self.adjacent(row, c, before=True)
                    # Unique nonces where the app records them; the HMAC-only app may see the same requests again.
                    recorded = "sqlite" in target
                    # It answers faster than openrd, whose rate --rate-cap bounds (it ran out at 5,000 req/s).
                    cap = self.rate_cap(workers, per_worker=4 * self.args.rate_cap) if recorded else 0
                    self.measure("throughput", row, srv.host, "acs3", _dummy_get_account(), c, rate_cap=cap,
                                 reusable=not recorded)  # fmt: skip

    def start_moto_reads(self) -> None:
        target = MotoTarget("moto-adjacent", log_dir=self.log_dir)
        self.moto_reads = target
        target.start()
        target.setup(self.args.base_accounts)

    def adjacent(self, point: dict[str, Any], concurrency: int, *, before: bool) -> None:
        """The ceiling app right before an openrd point (``before``), moto's equivalent read right after one: ratios
        of numbers measured seconds apart, where the phases' own are minutes apart (bench/README.md, "Adjacent")."""
        row = {"for_target": point["target"], "for_op": point["op"], "workers": point["workers"]}
        if before:
            srv = self.ceiling_server
            if srv is not None and srv.alive():
                ceiling = row | {"target": "ceiling", "op": "GetAccount (same bytes)"}
                payload = _dummy_get_account()
                self.measure("adjacent", ceiling, srv.host, "acs3", payload, concurrency, rate_cap=0, reusable=True)
            return
        moto, moto_op = self.moto_reads, report.MOTO_EQUIVALENT.get(point["op"])
        if moto is None or not moto.alive() or moto_op not in ("DescribeAccount", "ListAccounts"):
            return  # CreateAccount grows moto's organization (and slows it): measured once, in moto's own phase
        payload = moto.describe_account() if moto_op == "DescribeAccount" else moto.list_accounts()
        self.measure("adjacent", row | {"target": "moto", "op": moto_op}, moto.host, "sigv4", payload, concurrency,
                     rate_cap=1500)  # fmt: skip

    def openrd(self, store: str, workers: int) -> None:
        a = self.args
        name = f"openrd-{store}"
        target = self.openrd_target(f"{name}-w{workers}", store, workers)
        try:
            target.start()
            target.setup()
            target.seed_to(a.base_accounts)
            self.log(f"{name}: directory with {target.member_count()} accounts, RAM user ready")
            cap = self.rate_cap(workers)
            for op, payload in (("GetAccount", target.get_account()), ("ListAccounts", target.list_accounts())):
                for c in a.concurrency:
                    row = {"target": name, "op": op, "workers": workers}
                    self.adjacent(row, c, before=True)
                    self.recover(target, self.measure("throughput", row, target.host, "acs3", payload, c, rate_cap=cap))
                    self.adjacent(row, c, before=False)
            send_rates: dict[int, float] = {}
            pool = list(target.account_ids)
            for c in a.concurrency:
                row = {"target": name, "op": SEND, "workers": workers}
                self.adjacent(row, c, before=True)
                m = self.measure("throughput", row, target.host, "acs3", target.send_code(pool), c, rate_cap=cap)
                self.recover(target, m)
                send_rates[c] = m.rps if m else 0.0
            for c in a.concurrency:
                # Enough fresh targets for the whole point at three times the send rate (a bind does less work: on
                # PostgreSQL 2.4 times as many, which twice ran out), or 1.5 times the binds of the point before;
                # when the send point at this concurrency failed, the best send rate seen stands in for it.
                rate = send_rates.get(c) or max(send_rates.values(), default=0.0) or 100.0
                rate = max(3 * rate, 1.5 * self.estimates.get((target.host, BIND), 0.0))
                count = int(min(a.max_bind, max(100, rate * self.span + 50)))
                started = time.monotonic()
                try:
                    targets = target.prepare_bind(
                        self.lg, count, deadline=started + 6 * self.span + 120, concurrency=min(c, 16)
                    )
                except (RuntimeError, TimeoutError, LoadGenError) as exc:
                    self.fail(f"{name} {BIND} c={c}: could not prepare the bind targets: {exc}")
                    self.recover(target, None)
                    continue
                self.log(f"{name}: {count:,} bind targets with fresh codes in {time.monotonic() - started:.1f} s")
                row = {"target": name, "op": BIND, "workers": workers}
                self.adjacent(row, c, before=True)
                m = self.measure("throughput", row, target.host, "acs3", target.bind(targets), c, rate_cap=0)
                self.recover(target, m)
            self.record_rss(target.server, {"target": name, "workers": workers})
        finally:
            target.stop()

    def moto(self) -> None:
        a = self.args
        target = MotoTarget("moto", log_dir=self.log_dir)
        try:
            target.start()
            target.setup(a.base_accounts)
            self.log(f"moto: organization with {a.base_accounts} accounts (boto3)")
            reads = (("DescribeAccount", target.describe_account()), ("ListAccounts", target.list_accounts()))
            for op, payload in reads:
                for c in a.concurrency:
                    row = {"target": "moto", "op": op, "workers": 1}
                    self.measure("throughput", row, target.host, "sigv4", payload, c, rate_cap=1500)
            for c in a.concurrency:
                row = {"target": "moto", "op": "CreateAccount", "workers": 1}
                self.measure("throughput", row, target.host, "sigv4", target.create_account(), c, rate_cap=1000)
            self.record_rss(target.server, {"target": "moto", "workers": 1})
        finally:
            target.stop()

    def openrd_scale(self, store: str) -> None:
        a = self.args
        name = f"openrd-{store}"
        workers = a.workers[0]
        c = a.concurrency[0]
        target = self.openrd_target(f"{name}-scale", store, workers)
        # A second server, at the smallest size throughout, measured right before each larger size's point: the
        # latency ratio of two points seconds apart, where the sizes' own points are minutes apart (bench/README.md).
        reference = self.openrd_target(f"{name}-scale-reference", store, workers) if len(a.scale) > 1 else None
        try:
            for server in (target, reference):
                if server is not None:
                    server.start()
                    server.setup()
            if reference is not None:
                reference.seed_to(a.scale[0], deadline=time.monotonic() + 600)
            for level in a.scale:
                seconds = target.seed_to(level, deadline=time.monotonic() + 600)
                self.log(f"{name}: {target.member_count():,} accounts (seeded in {seconds:.1f} s)")
                for op in ("GetAccount", "ListAccounts"):
                    row = {"target": name, "op": op, "accounts": level, "workers": workers}
                    if reference is not None and level != a.scale[0]:
                        self.measure(
                            "scale_reference", row | {"accounts": a.scale[0], "for_accounts": level}, reference.host,
                            "acs3", _scale_payload(reference, op), c, rate_cap=self.rate_cap(workers),
                        )  # fmt: skip
                    payload = _scale_payload(target, op)
                    m = self.measure("scale", row, target.host, "acs3", payload, c, rate_cap=self.rate_cap(workers))
                    self.recover(target, m)
                    self.moto_after_scale_point(row, c)
            if reference is not None:
                reference.stop()
                reference = None
            if a.expired_codes:
                self.expired_codes(target, name)
        finally:
            target.stop()
            if reference is not None:
                reference.stop()

    def expired_codes(self, target: OpenrdTarget, name: str) -> None:
        """RSS with N expired codes stored, the time of their cleanup, and RSS after it."""
        a = self.args
        assert self.lg is not None
        assert target.server is not None
        pool = target.account_ids[:1000]
        burst = max(0.5, min(a.duration / 2, 3.0))

        def traffic() -> dict[str, float]:
            assert self.lg is not None
            for op, payload in (("GetAccount", target.get_account()), (SEND, target.send_code(pool))):
                c = a.concurrency[0]
                rate = self.size_for(target.host, {"op": op}, "acs3", payload, c, self.rate_cap(target.workers))
                self.lg.run(host=target.host, kind="acs3", payload=payload, concurrency=c, rate_cap=rate,
                            warmup=0.2, duration=burst, cap=burst + 120)  # fmt: skip
            return target.server.rss_mb()  # type: ignore[union-attr]

        row: dict[str, Any] = {"target": name, "workers": target.workers, "codes": a.expired_codes}
        row["rss_before"] = traffic()
        row["insert_s"] = round(target.store_expired_codes(a.expired_codes, deadline=time.monotonic() + 600), 2)
        row["rows_stored"] = target.code_rows()
        self.log(f"{name}: stored {a.expired_codes:,} expired codes (+ as many old sends) in {row['insert_s']} s")
        row["rss_stored"] = traffic()
        row["purge_s"], row["purged"] = target.purge()
        row["purge_s"] = round(row["purge_s"], 2)
        row["rows_left"] = target.code_rows()
        row["rss_after"] = traffic()
        self.results["memory"].append(row)
        self.log(
            f"{name}: RSS {row['rss_before']['max']} MB before, {row['rss_stored']['max']} MB with the codes stored, "
            f"cleanup {row['purge_s']} s ({row['purged']:,} rows), RSS {row['rss_after']['max']} MB after"
        )

    def start_moto_at_scale(self, level: int) -> None:
        target = MotoTarget(f"moto-{level}", log_dir=self.log_dir, seeded_accounts=level)
        self.moto_at_scale[level] = target
        started = time.monotonic()
        target.start(timeout=self.args.moto_cap)
        self.log(f"moto: {level:,} accounts seeded in its backend, server up in {time.monotonic() - started:.1f} s")

    def moto_after_scale_point(self, point: dict[str, Any], concurrency: int) -> None:
        """moto's equivalent read at the same size, right after openrd's scale point (see ``moto_at_scale``)."""
        moto = self.moto_at_scale.get(point["accounts"])
        if moto is None or not moto.alive():
            return
        moto_op = report.MOTO_EQUIVALENT[point["op"]]
        payload = moto.describe_account() if moto_op == "DescribeAccount" else moto.list_accounts()
        row = {"target": "moto", "op": moto_op, "accounts": point["accounts"], "workers": 1}
        self.measure("scale_moto_adjacent", row | {"for_target": point["target"], "for_op": point["op"]}, moto.host,
                     "sigv4", payload, concurrency, rate_cap=1500)  # fmt: skip

    def moto_scale(self, level: int) -> None:
        a = self.args
        c = a.concurrency[0]
        kept = self.moto_at_scale.pop(level, None)
        if kept is not None and not kept.alive():
            kept.stop()
            kept = None
        target = kept or MotoTarget(f"moto-{level}", log_dir=self.log_dir, seeded_accounts=level)
        try:
            if kept is None:
                started = time.monotonic()
                target.start(timeout=a.moto_cap)
                self.log(
                    f"moto: {level:,} accounts seeded in its backend, server up in {time.monotonic() - started:.1f} s"
                )
            for op, payload in (
                ("DescribeAccount", target.describe_account()),
                ("ListAccounts", target.list_accounts()),
            ):
                row = {"target": "moto", "op": op, "accounts": level, "workers": 1}
                self.measure("scale", row, target.host, "sigv4", payload, c, rate_cap=1500)
            self.record_rss(target.server, {"target": f"moto ({level:,} accounts)", "workers": 1})
        finally:
            target.stop()


def _scale_payload(target: OpenrdTarget, op: str) -> dict[str, Any]:
    return target.get_account() if op == "GetAccount" else target.list_accounts()


def _dummy_get_account() -> dict[str, Any]:
    """A GetAccount request shaped exactly like openrd's (signed, same size) for servers that ignore it."""
    return {
        "ak": "LTAI" + "x" * 24,
        "secret": "s" * 30,
        "action": "GetAccount",
        "version": "2020-03-31",
        "params": [{"AccountId": "9000000000000001"}],
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)

    def terminate(_signum: int, _frame: Any) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, terminate)
    bench = Bench(args)
    interrupted = False
    try:
        bench.run()
    except KeyboardInterrupt:
        interrupted = True
        bench.fail("interrupted")
    finally:
        if bench.lg is not None:
            bench.lg.close()
        servers.kill_all()
        drop_leftover_databases()
        for name, count in bench.restarts.items():
            bench.note(f"{name}: server restarted {count} time(s), each after a point with errors")
        bench.results["meta"]["wall_seconds"] = round(time.monotonic() - bench.t0, 1)
        bench.results["meta"]["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
        written = report.write(bench.results, args.out)
        bench.log("wrote " + ", ".join(str(p) for p in written))
        if bench.results["failures"] or bench.keep_logs:
            bench.log(f"server logs and tracebacks kept in {bench.log_dir}")
        else:
            shutil.rmtree(bench.log_dir, ignore_errors=True)
    if interrupted:
        return 130
    return 1 if bench.results["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
