"""The command line of ``bench/run.py``: its options and the defaults of a full and a ``--quick`` run."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1]


def int_list(text: str) -> list[int]:
    return [int(part.replace("_", "")) for part in text.split(",") if part.strip()]


def parse_args(argv: list[str] | None = None, *, description: str = "") -> argparse.Namespace:
    p = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="a ~1-minute smoke run: short points, c=16, small scale")
    p.add_argument("--duration", type=float, help="measured seconds per point (default 10; quick 1.5)")
    p.add_argument("--warmup", type=float, help="unmeasured seconds before each point (default 1; quick 0.3)")
    p.add_argument("--concurrency", type=int_list, help="connection counts (default 16,64; quick 16)")
    p.add_argument("--workers", type=int_list, help="server worker processes (default 1,2; quick 1)")
    p.add_argument("--clients", type=int, help="load generator processes (default: number of cores, at most 4)")
    p.add_argument("--skip-moto", action="store_true")
    p.add_argument("--skip-postgres", action="store_true")
    p.add_argument("--skip-scale", action="store_true", help="no scale runs and no expired-codes run")
    p.add_argument("--skip-throughput", action="store_true", help="no throughput phases: the scale runs alone")
    p.add_argument("--skip-references", action="store_true", help="no reference apps (the goals' reference points)")
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
