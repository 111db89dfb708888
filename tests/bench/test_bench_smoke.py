"""Smoke test of the load benchmark (``bench/run.py``): it runs for about a second per target, without error.

No timed assertion (the benchmark is not part of the test suite): only that the harness produced its results table,
with answers (req/s > 0) and no errors for the ceiling app, the two reference apps (their signature and nonce
accepted) and every openrd operation on SQLite, plus scale points (two sizes, the larger one next to a reference
server at the smaller) and the expired-codes cleanup. moto and PostgreSQL are left out here; ``python bench/run.py
--quick`` runs everything.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
RUN = ROOT / "bench" / "run.py"
OPENRD_OPS = ("GetAccount", "ListAccounts", "SendVerificationCodeForBindSecureMobilePhone", "BindSecureMobilePhone")


def _row(rows: list[dict[str, Any]], **match: Any) -> dict[str, Any]:
    found = [r for r in rows if all(r.get(k) == v for k, v in match.items())]
    assert found, f"no result for {match}"
    return found[0]


def test_bench_runs_for_a_second_per_target(tmp_path: Path) -> None:
    out = tmp_path / "results"
    command = [
        sys.executable, str(RUN), "--duration", "1", "--warmup", "0.2", "--concurrency", "4", "--workers", "1",
        "--clients", "2", "--skip-moto", "--skip-postgres", "--scale", "100,300", "--expired-codes", "2000",
        "--out", str(out),
    ]  # fmt: skip
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"bench/run.py failed:\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"

    table = (out / "results.md").read_text()
    assert "| target | operation | workers | conc. | req/s |" in table
    results = json.loads((out / "results.json").read_text())
    assert results["failures"] == []
    throughput = results["throughput"]
    shaped = "GetAccount (same bytes)"
    for target, op in (
        [("loadgen-check", "fixed answer"), ("ceiling", shaped)]
        + [
            ("reference-hmac", shaped),  # 401 or 409 would count as errors: the signature and the nonce were accepted
            ("reference-hmac-sqlite", shaped),
        ]
        + [("openrd-sqlite", op) for op in OPENRD_OPS]
    ):
        row = _row(throughput, target=target, op=op, concurrency=4)
        assert row["rps"] > 0, row
        assert row["requests"] > 0, row
        assert row["errors"] == 0, row
        assert f"| {target} |" in table
    for op in ("GetAccount", "ListAccounts"):
        for accounts in (100, 300):
            row = _row(results["scale"], target="openrd-sqlite", op=op, accounts=accounts)
            assert row["rps"] > 0, row
            assert row["errors"] == 0, row
        # The larger size is measured right after a second server that holds the smallest one.
        reference = _row(results["scale_reference"], target="openrd-sqlite", op=op, accounts=100, for_accounts=300)
        assert reference["rps"] > 0, reference
        assert reference["errors"] == 0, reference
    assert "| p50 vs smallest | p50 vs reference |" in table
    assert "## The goals' reference points, measured here" in table
    memory = _row(results["memory"], target="openrd-sqlite")
    assert memory["purged"] >= 2 * 2000  # the expired codes and their old sends
    assert memory["rss_stored"]["max"] > 0


def test_the_server_profiler_measures_each_operation_for_a_second(tmp_path: Path) -> None:
    """``bench/profile_server.py``: a real server, one operation, the load generator; the line it prints."""
    for op in ("GetAccount", "Bind"):
        # Bind targets for 3,000 req/s: Bind answers ~1,800 at c=4, and targets for 200 ran out in the warm-up.
        command = [
            sys.executable, str(ROOT / "bench" / "profile_server.py"), op, "--duration", "1", "--warmup", "0.2",
            "--concurrency", "4", "--clients", "1", "--bind-rate", "3000",
        ]  # fmt: skip
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, f"profile_server.py {op} failed:\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
        line = next(line for line in done.stdout.splitlines() if line.startswith(f"{op} on sqlite"))
        rps = float(line.split(": ", 1)[1].split(" req/s")[0].replace(",", ""))
        assert rps > 0, line
        assert line.split("errors ")[1].split()[0] == "0", line


def test_the_dispatch_profiler_times_and_lists_a_call() -> None:
    """``bench/profile_dispatch.py``: the dispatcher in process, every statement of a call, the time per call."""
    command = [
        sys.executable, str(ROOT / "bench" / "profile_dispatch.py"), "--ops", "GetAccount", "--calls", "20",
        "--rounds", "1", "--statements",
    ]  # fmt: skip
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"profile_dispatch.py failed:\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
    lines = [line.strip() for line in done.stdout.splitlines()]
    listed = lines[lines.index(next(line for line in lines if line.endswith(" statements"))) :]
    assert listed[1] == "BEGIN DEFERRED", listed
    assert listed[2].startswith("SELECT access_keys"), listed  # the caller lookup
    assert "COMMIT" in listed, listed  # the nonce's
    timing = next(line for line in lines if line.startswith("GetAccount: "))
    assert timing.endswith("(1 rounds, 20 calls, 0 not 200)"), timing
