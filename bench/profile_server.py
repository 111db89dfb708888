"""One operation against one real openrd server, optionally under py-spy: where the *server's* time goes.

``profile_dispatch.py`` times the dispatcher alone, in process; this starts ``openrd serve`` exactly as ``run.py``
does (SQLite or PostgreSQL, N workers, the benchmark's world and seeding), drives one operation with the benchmark's
load generator for a few seconds, and prints req/s, p50 and p99. With ``--py-spy`` it samples the server process
meanwhile and prints the functions with the most samples, inclusive and own, so HTTP handling, the event loop and
the SMS dispatcher thread show up too. Several operations are measured in turn on the one server (the identity
operations' callers are described in ``callers.py``). Optimisations that change the whole server (not only the
dispatcher) land with its numbers in the commit message; run it before and after, alternating, on the same machine.

    .venv/bin/python bench/profile_server.py GetAccount
    .venv/bin/python bench/profile_server.py GetAccount SessionGetAccount GetUser   # in turn, on one server
    .venv/bin/python bench/profile_server.py ConditionedGetAccount AssumeRole --log-level WARNING
    .venv/bin/python bench/profile_server.py Bind --store postgresql --accounts 10000
    .venv/bin/python bench/profile_server.py Send --py-spy --top 40     # needs py-spy (pip install -e '.[bench]')
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import callers
from loadgen import LoadGen
from openrd_target import OpenrdTarget

from openrd.testing.client import OpenRD

OPERATIONS = ("GetAccount", "ListAccounts", "Send", "Bind", *callers.OPERATIONS)
IDLE = ("Queue.get", "Condition.wait", "Event.wait")  # a waiting thread's samples say nothing about cost


def payload_for(
    op: str, target: OpenrdTarget, lg: LoadGen, expected_rps: int, span: float, who: callers.Callers
) -> dict[str, Any]:
    if op in callers.OPERATIONS:
        return callers.payload(op, who, [p["AccountId"] for p in target.get_account()["params"]])
    if op == "GetAccount":
        return target.get_account()
    if op == "ListAccounts":
        return target.list_accounts()
    if op == "Send":
        return target.send_code(list(target.account_ids))
    # Bind: every request binds a fresh account with a code sent to it beforehand.
    count = int(expected_rps * span) + 100
    targets = target.prepare_bind(lg, count, deadline=time.monotonic() + 600, concurrency=16)
    return target.bind(targets)


def server_cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time the server's processes have used, every thread included (/proc/PID/stat). Per answer
    it is steadier than req/s on a shared machine: it does not count time the server waited for a core."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2 :].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat(5))
    return total / ticks


def summarise(raw: Path, top: int) -> str:
    """py-spy's raw (collapsed) stacks → the functions with most samples, inclusive and own, in % of busy samples."""
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames = stack.split(";")
        if not count.isdigit() or any(idle in frames[-1] for idle in IDLE):
            continue
        samples = int(count)
        total += samples
        for frame in set(frames):
            inclusive[frame] += samples
        own[frames[-1]] += samples
    if not total:
        return "py-spy recorded no busy samples"
    out = [f"{total:,} busy samples", "-- inclusive"]
    out += [f"{n / total:6.1%}  {frame[:140]}" for frame, n in inclusive.most_common(top)]
    out += ["-- own"]
    out += [f"{n / total:6.1%}  {frame[:140]}" for frame, n in own.most_common(top)]
    return "\n".join(out)


def measure(
    op: str, target: OpenrdTarget, lg: LoadGen, who: callers.Callers, a: argparse.Namespace, log_dir: Path
) -> None:
    """One measured window of ``op``: req/s and latency, the server's CPU per answer, py-spy's summary if asked."""
    span = a.warmup + a.duration
    payload = payload_for(op, target, lg, a.bind_rate, span, who)
    assert target.server is not None
    spy = None
    raw = log_dir / f"py-spy-{op}.txt"
    if a.py_spy:
        binary = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
        pid = target.server.pids()[-1]  # with one worker: the server; with more: one of the workers
        seconds = str(int(span) + 1)
        argv = [binary, "record", "-p", str(pid), "-d", seconds, "-r", "400", "-f", "raw", "-o", str(raw)]
        argv += ["--gil"] if a.gil else []
        spy = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    cpu_before = server_cpu_seconds(target.server.pids())
    m = lg.run(
        host=target.host,
        kind="acs3",
        payload=payload,
        concurrency=a.concurrency,
        rate_cap=0 if op == "Bind" else 6000,
        warmup=a.warmup,
        duration=a.duration,
        cap=span + 180,
    )
    print(
        f"{op} on {a.store}, {a.workers} worker(s), {a.accounts:,} accounts, c={a.concurrency}:"
        f" {m.rps:,.0f} req/s  p50 {m.p50_ms:.1f} ms  p99 {m.p99_ms:.1f} ms  errors {m.errors}"
        + ("  (ran out of prepared requests)" if m.exhausted else "")
    )
    answered = sum(m.statuses.values())
    cpu = server_cpu_seconds(target.server.pids()) - cpu_before
    print(f"server CPU {cpu * 1e6 / max(answered, 1):,.0f} µs per answer ({answered:,} answers, warm-up included)")
    if spy is not None:
        spy.wait(timeout=span + 60)
        print(summarise(raw, a.top) if raw.exists() else "py-spy wrote nothing (permissions? see its docs)")
        if a.save_stacks is not None and raw.exists():
            shutil.copyfile(raw, a.save_stacks)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("operation", choices=OPERATIONS, nargs="+", help="one or more, measured in turn")
    p.add_argument("--store", choices=["sqlite", "postgresql"], default="sqlite")
    p.add_argument(
        "--postgres-url",
        default=os.environ.get("OPENRD_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
    )
    p.add_argument("--workers", type=int, default=1)
    p.add_argument("--accounts", type=int, default=100, help="resource accounts in the directory")
    p.add_argument("--concurrency", type=int, default=16)
    p.add_argument("--clients", type=int, default=2, help="load generator processes")
    p.add_argument("--duration", type=float, default=5.0)
    p.add_argument("--warmup", type=float, default=0.5)
    p.add_argument("--bind-rate", type=int, default=2000, help="req/s to prepare bind targets for")
    p.add_argument("--py-spy", action="store_true", help="sample the server with py-spy during the measured window")
    p.add_argument(
        "--gil",
        action="store_true",
        help="with --py-spy: sample only the thread holding the GIL (where the CPU goes when handler threads wait on "
        "the database, as on PostgreSQL)",
    )
    p.add_argument("--top", type=int, default=30)
    p.add_argument("--save-stacks", type=Path, help="with --py-spy: also copy py-spy's raw stacks to this file")
    p.add_argument("--log-level", default="INFO", help="openrd's OPENRD_LOG_LEVEL (INFO, its default: a line per call)")
    a = p.parse_args()
    if a.py_spy and shutil.which("py-spy") is None and not (Path(sys.executable).parent / "py-spy").exists():
        p.error("--py-spy needs py-spy on PATH or in this venv (pip install -e '.[bench]')")

    log_dir = Path(tempfile.mkdtemp(prefix="openrd-profile-server-"))
    lg = LoadGen(a.clients)
    target = OpenrdTarget(
        "profiled", store=a.store, workers=a.workers, log_dir=log_dir, pg_admin_url=a.postgres_url,
        log_level=a.log_level,
    )  # fmt: skip
    try:
        target.start()
        target.setup()
        target.seed_to(a.accounts)
        assert target.server is not None
        control = OpenRD(target.server.url)
        try:
            who = callers.make_callers(control, target.management_id, a.operation)
        finally:
            control.close()
        for op in a.operation:
            measure(op, target, lg, who, a, log_dir)
    finally:
        target.stop()
        lg.close()
        shutil.rmtree(log_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
