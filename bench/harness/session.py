"""A benchmark session: its options, results and load generator, the servers kept up across phases; logging, phases
under a time cap, and measuring one point (with the adjacent ceiling and moto measurements around it)."""

from __future__ import annotations

import argparse
import contextlib
import signal
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import report
import servers
from loadgen import LoadGen, LoadGenError, Measurement
from moto_target import MotoTarget
from openrd_target import OpenrdTarget, drop_leftover_databases, postgres_available

from harness.machine import machine_info


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


def dummy_get_account() -> dict[str, Any]:
    """A GetAccount request shaped exactly like openrd's (signed, same size) for servers that ignore it."""
    return {
        "ak": "LTAI" + "x" * 24,
        "secret": "s" * 30,
        "action": "GetAccount",
        "version": "2020-03-31",
        "params": [{"AccountId": "9000000000000001"}],
    }


class Session:
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

    def adjacent(self, point: dict[str, Any], concurrency: int, *, before: bool) -> None:
        """The ceiling app right before an openrd point (``before``), moto's equivalent read right after one: ratios
        of numbers measured seconds apart, where the phases' own are minutes apart (bench/README.md, "Adjacent")."""
        row = {"for_target": point["target"], "for_op": point["op"], "workers": point["workers"]}
        if before:
            srv = self.ceiling_server
            if srv is not None and srv.alive():
                ceiling = row | {"target": "ceiling", "op": "GetAccount (same bytes)"}
                payload = dummy_get_account()
                self.measure("adjacent", ceiling, srv.host, "acs3", payload, concurrency, rate_cap=0, reusable=True)
            return
        moto, moto_op = self.moto_reads, report.MOTO_EQUIVALENT.get(point["op"])
        if moto is None or not moto.alive() or moto_op not in ("DescribeAccount", "ListAccounts"):
            return  # CreateAccount grows moto's organization (and slows it): measured once, in moto's own phase
        payload = moto.describe_account() if moto_op == "DescribeAccount" else moto.list_accounts()
        self.measure("adjacent", row | {"target": "moto", "op": moto_op}, moto.host, "sigv4", payload, concurrency,
                     rate_cap=1500)  # fmt: skip

    def moto_after_scale_point(self, point: dict[str, Any], concurrency: int) -> None:
        """moto's equivalent read at the same size, right after openrd's scale point (see ``moto_at_scale``)."""
        moto = self.moto_at_scale.get(point["accounts"])
        moto_op = report.MOTO_EQUIVALENT.get(point["op"])
        if moto is None or not moto.alive() or moto_op is None:  # the tag reads have no moto equivalent
            return
        payload = moto.describe_account() if moto_op == "DescribeAccount" else moto.list_accounts()
        row = {"target": "moto", "op": moto_op, "accounts": point["accounts"], "workers": 1}
        self.measure("scale_moto_adjacent", row | {"for_target": point["target"], "for_op": point["op"]}, moto.host,
                     "sigv4", payload, concurrency, rate_cap=1500)  # fmt: skip
