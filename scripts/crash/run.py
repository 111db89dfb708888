"""One crash check run: the server under a mixed load, killed with SIGKILL ``--cycles`` times and restarted on the
same store, then killed and restarted once more, the outbox drained and the store checked."""

from __future__ import annotations

import argparse
import random
import secrets
import shutil
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from crash.checks import Rows, check, check_logs
from crash.client import OK, Client, Gate
from crash.load import World, build_world, load_worker
from crash.report import Report, summarize
from crash.server import Server
from crash.store import make_store

SECRET_KEY = "crash-check-master-key"  # noqa: S105 - a throwaway store's key


def run(args: argparse.Namespace) -> Report:
    seed = args.seed if args.seed is not None else secrets.randbelow(2**31)
    rng = random.Random(seed)  # noqa: S311 - load choices and kill times, not secrets
    report = Report(args.store, args.cycles, seed)
    workdir = Path(tempfile.mkdtemp(prefix="openrd-crash-", dir=args.workdir))
    started = time.monotonic()
    store = make_store(args.store, workdir, args.postgres_admin_url, args.keep)
    members = args.members or 8 + 6 * args.cycles
    candidates = args.candidates or 5 + 4 * args.cycles
    doomed = 4 + 3 * args.cycles
    quota = max(20, members + 5)  # the master's bind codes fit; the quota accounts may run out
    env = {
        "OPENRD_DATABASE_URL": store.url,
        "OPENRD_DATA_DIR": str(workdir / "data"),
        "OPENRD_SECRET_KEY": SECRET_KEY,
        "OPENRD_LOG_LEVEL": "WARNING",
        "OPENRD_DAILY_CODE_QUOTA": str(quota),
        "OPENRD_CODE_TTL_SECONDS": "600",  # codes outlive the restarts of a flow
        "HOME": str(workdir),
    }
    server = Server(env, workdir / "server.log")
    crash_run = CrashRun(args, rng, report, server)
    try:
        world = crash_run.seed(members, candidates, doomed)
        crash_run.load_and_kill(world)
        crash_run.final_restart()
        crash_run.verify(store, world, quota)
    finally:
        server.stop()
        store.cleanup()
        report.seconds = time.monotonic() - started
        if args.keep:
            print(f"  kept: {workdir} ({store.url})")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    return report


class CrashRun:
    """The steps of a run, each timed into ``report.phases``; the random choices are drawn in a fixed order."""

    def __init__(self, args: argparse.Namespace, rng: random.Random, report: Report, server: Server) -> None:
        self.args = args
        self.rng = rng
        self.report = report
        self.server = server
        self.gate = Gate()
        self.client = Client(server.endpoint, self.gate)
        self.mark = time.monotonic()

    def phase(self, name: str) -> None:
        now = time.monotonic()
        self.report.phases[name] = self.report.phases.get(name, 0.0) + now - self.mark
        self.mark = now

    def seed(self, members: int, candidates: int, doomed: int) -> World:
        self.server.start()
        self.gate.open()
        self.phase("start")
        world = build_world(self.client, members, candidates, quota_accounts=3, doomed=doomed)
        self.phase("seed")
        return world

    def load_and_kill(self, world: World) -> None:
        args, rng = self.args, self.rng
        stop = threading.Event()
        rngs = [random.Random(rng.random()) for _ in range(args.threads)]  # noqa: S311 - not secrets
        threads = [
            threading.Thread(target=load_worker, args=(self.client, world, thread_rng, stop), daemon=True)
            for thread_rng in rngs
        ]
        for thread in threads:
            thread.start()
        for _cycle in range(args.cycles):
            time.sleep(rng.uniform(args.min_uptime, args.max_uptime))
            self.phase("load")
            self.server.kill()  # the gate stays open: calls racing the kill find the server gone (unknown)
            self.report.kills += 1
            self.gate.close()
            time.sleep(rng.uniform(0, 0.2))
            self.server.start()
            self.gate.open()
            self.phase("restart")
        time.sleep(rng.uniform(args.min_uptime, args.max_uptime))
        self.until_each_kind_succeeded()
        stop.set()
        for thread in threads:
            thread.join(120)
        self.phase("load")

    def until_each_kind_succeeded(self, seconds: float = 30) -> None:
        """A short run on a slow machine may not have finished a flow of each kind yet: let the load go on (without
        kills) until each kind has succeeded once, so the checks are never about nothing."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and not {"send_enable", "bind", "enable", "delete"} <= {
            c.op for c in list(self.client.calls) if c.result == OK
        }:
            time.sleep(0.2)

    def final_restart(self) -> None:
        """Whatever was in flight when the last process died must be resumed by the next."""
        self.server.kill()
        self.gate.close()
        self.server.start()
        self.gate.open()
        self.phase("restart")

    def verify(self, store: Rows, world: World, quota: int) -> None:
        drained = drain_outbox(store, self.args.final_wait)
        self.phase("drain")
        summarize(self.report, self.client)
        check(self.report, store, self.client, world, quota)
        self.report.figures["drain"] = drained
        self.server.stop()
        check_logs(self.report, self.server.log_path)
        self.phase("check")


def drain_outbox(store: Rows, wait_seconds: float) -> dict[str, Any]:
    """Wait for pending/failed messages to be delivered. A message a killed process had leased (claimed, not yet
    marked sent) waits out its lease first — 60 s of wall clock in openrd — so the wait stretches to cover it."""
    started = time.monotonic()
    deadline = started + wait_seconds
    stranded: set[str] = set()
    while True:
        left = store.rows("SELECT message_id, lease_until_ms FROM sms_outbox WHERE status IN ('pending', 'failed')")
        if not left:
            break
        now_ms = time.time() * 1000
        leased = [(r[0], r[1]) for r in left if r[1] is not None and r[1] > now_ms]
        stranded.update(message_id for message_id, _ in leased)
        if leased:
            lease_left = max(until for _, until in leased) / 1000 - time.time()
            deadline = max(deadline, time.monotonic() + lease_left + 5)
        if time.monotonic() > deadline:
            break
        time.sleep(0.2)
    return {"seconds": round(time.monotonic() - started, 1), "waited_out_a_lease": len(stranded)}
