"""Smoke test of this wave's goal measurements: the identity operations of ``bench/profile_server.py`` and
``bench/profile_dispatch.py`` (one signed by a role session, one by a user with a conditioned policy, RAM GetUser,
STS AssumeRole; the tag reads over bulk-loaded accounts) run without error and print their numbers, the instruction
count under callgrind included, and ``bench/goals.py`` prints its table. No timed assertion: the numbers go in
bench/README.md, not in tests.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "bench"
OPS = ("SessionGetAccount", "ConditionedGetAccount", "GetUser", "AssumeRole")


def _run(*argv: str) -> str:
    done = subprocess.run([sys.executable, *argv], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"{argv[0]} failed:\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
    return done.stdout


def test_the_server_profiler_measures_the_identity_operations_in_turn() -> None:
    out = _run(
        str(BENCH / "profile_server.py"), *OPS, "--duration", "0.5", "--warmup", "0.1", "--concurrency", "2",
        "--clients", "1", "--log-level", "WARNING",
    )  # fmt: skip
    for op in OPS:
        found = re.search(rf"^{op} on sqlite,.* errors (\d+).*\nserver CPU ([\d,]+) µs per answer", out, re.MULTILINE)
        assert found, out
        assert found.group(1) == "0", out
        assert int(found.group(2).replace(",", "")) > 0, out


def test_the_dispatch_profiler_answers_200_to_each_identity_operation_and_tag_read() -> None:
    """The tag reads read accounts ``--seed`` loaded in bulk, three tags each."""
    ops = (*OPS, "ListTagResources", "ListAccountsWithTags")
    out = _run(
        str(BENCH / "profile_dispatch.py"), "--ops", ",".join(ops), "--calls", "10", "--rounds", "1", "--members", "2",
        "--seed", "200",
    )  # fmt: skip
    for op in ops:
        assert re.search(rf"^{op}: .*\(1 rounds, 10 calls, 0 not 200\)$", out, re.MULTILINE), out


def test_the_dispatch_profiler_counts_instructions_under_callgrind() -> None:
    if shutil.which("valgrind") is None or shutil.which("cc") is None:
        # Every machine kind here has both; only a developer's own machine may lack them.
        if os.environ.get("CI"):
            pytest.fail("CI must count instructions: valgrind and cc are missing")
        pytest.skip("needs valgrind and cc")
    out = _run(
        str(BENCH / "profile_dispatch.py"), "--instructions", "--ops", "GetAccount,SessionGetAccount", "--calls", "5",
        "--members", "2",
    )  # fmt: skip
    for op in ("GetAccount", "SessionGetAccount"):
        found = re.search(rf"^{op}: ([\d,]+) instructions per call \(5 calls under callgrind\)$", out, re.MULTILINE)
        assert found, out
        assert int(found.group(1).replace(",", "")) > 10_000, out


def test_goals_prints_its_table_against_a_baseline_tree() -> None:
    """This tree as its own baseline: the comparison runs end to end (the ratios say nothing here)."""
    out = _run(
        str(BENCH / "goals.py"), str(ROOT), "--rounds", "1", "--duration", "0.5", "--warmup", "0.1",
        "--concurrency", "2", "--clients", "1", "--skip-instructions", "--skip-scale", "--skip-guardrails",
    )  # fmt: skip
    assert "| goal | before | after | ratio | verdict |" in out
    rows = [line for line in out.splitlines() if line.startswith("| 1. ") or line.startswith("| 2. ")]
    assert len(rows) == 2, out
    assert all("not measured" not in line for line in rows), out
