"""This wave's performance goals, measured against the code before it, and a table: goal, before, after, ratio, verdict.

Two measures of each per-call cost. **Server CPU per answer** (``profile_server.py``: a real ``openrd serve``, the
load generator, user + system CPU of the server's processes per answer), the baseline's own ``profile_server.py``
run from its tree with its own sources and ours alternating round by round, medians reported; it moves with the
machine's load, so it comes with **instructions per call** (``profile_dispatch.py --instructions``: the dispatcher
in process under callgrind, a fixed number of calls after a warm-up), which does not.

- identity goals: signed GetAccount (baseline vs now, ≤ 1.05), the same call by a role session vs by a RAM user
  (≤ 1.10), by a RAM user whose policy has conditions vs the baseline's GetAccount (≤ 1.05); AssumeRole and RAM
  GetUser beside GetAccount (measured, no limit);
- tag reads at scale (``run.py``'s scale phase alone): ListTagResources and ListAccounts with IncludeTags, p50 at the
  largest size within 1.3 x of the smallest, on SQLite and PostgreSQL;
- control policies (``profile_guardrails.py``, when the tree has it): enabled over disabled, ≤ 1.15, both stores.

    .venv/bin/python bench/goals.py /path/to/baseline/worktree
    .venv/bin/python bench/goals.py ../baseline --rounds 5 --skip-scale --skip-guardrails
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from report.lookup import LIST_ACCOUNTS_WITH_TAGS, LIST_TAG_RESOURCES

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"

IDENTITY_OPS = ["GetAccount", "SessionGetAccount", "ConditionedGetAccount", "GetUser", "AssumeRole"]
TAG_OPS = [LIST_TAG_RESOURCES, LIST_ACCOUNTS_WITH_TAGS]
CPU = re.compile(r"^(\w+) on \w+,.* errors (\d+).*\nserver CPU ([\d,]+) µs per answer", re.MULTILINE)
INSTRUCTIONS = re.compile(r"^(\w+): ([\d,]+) instructions per call", re.MULTILINE)
GUARDRAIL = re.compile(
    r"^(\w+) by a member's RAM user on \w+.*\n\s+disabled:\s+([\d,]+) µs.*\n\s+enabled:\s+([\d,]+) µs", re.MULTILINE
)
Row = tuple[str, str, str, str, str]


def run(command: list[str], source: Path, cwd: Path, timeout: float = 1800) -> str:
    """``command`` with ``source`` (a tree's ``src``) first on PYTHONPATH; its stdout, or exit on failure."""
    env = os.environ | {"PYTHONPATH": str(source)}
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return done.stdout


def number(text: str) -> float:
    return float(text.replace(",", ""))


def server_cpu(tree: Path, ops: list[str], a: argparse.Namespace) -> dict[str, float]:
    """µs of server CPU per answer of each op, from ``tree``'s own profile_server.py on its own sources."""
    command = [sys.executable, str(tree / "bench" / "profile_server.py"), *ops, "--store", a.store]
    command += ["--duration", str(a.duration), "--warmup", str(a.warmup), "--concurrency", str(a.concurrency)]
    command += ["--clients", str(a.clients), "--log-level", a.log_level]
    out = run(command, tree / "src", tree)
    found = {m.group(1): number(m.group(3)) for m in CPU.finditer(out) if m.group(2) == "0"}
    missing = set(ops) - set(found)
    if missing:
        raise SystemExit(f"no error-free measurement of {sorted(missing)} in:\n{out}")
    return found


def instructions(tree_src: Path, ops: list[str], a: argparse.Namespace, seed: int = 0) -> dict[str, float]:
    """Instructions per call of each op, our profile_dispatch.py running ``tree_src``'s code (``seed``: accounts
    loaded in bulk besides the ``--members`` the SDK creates)."""
    command = [sys.executable, str(BENCH / "profile_dispatch.py"), "--instructions", "--ops", ",".join(ops)]
    command += ["--calls", str(a.calls), "--members", str(a.members if not seed else 3), "--seed", str(seed)]
    out = run(command, tree_src, ROOT, timeout=3600)
    return {m.group(1): number(m.group(2)) for m in INSTRUCTIONS.finditer(out)}


def row(goal: str, before: float | None, after: float | None, limit: float | None, unit: str) -> Row:
    if before is None or after is None:
        return (goal, "—", f"{after:,.0f} {unit}" if after else "—", "—", "not measured")
    ratio = after / before
    verdict = "measured" if limit is None else ("met" if ratio <= limit else f"NOT met (+{(ratio - 1):.0%})")
    return (goal, f"{before:,.0f} {unit}", f"{after:,.0f} {unit}", f"{ratio:.3f}", verdict)


def identity_goals(a: argparse.Namespace) -> list[Row]:
    rounds: dict[str, list[float]] = {op: [] for op in ["baseline", *IDENTITY_OPS]}
    for n in range(a.rounds):
        order = ["baseline", "now"] if n % 2 == 0 else ["now", "baseline"]  # alternate who goes first
        for who in order:
            if who == "baseline":
                rounds["baseline"].append(server_cpu(a.baseline, ["GetAccount"], a)["GetAccount"])
            else:
                for op, cpu in server_cpu(ROOT, IDENTITY_OPS, a).items():
                    rounds[op].append(cpu)
        print(f"round {n + 1}: " + ", ".join(f"{k} {v[-1]:,.0f}" for k, v in rounds.items()), file=sys.stderr)
    med = {op: statistics.median(values) for op, values in rounds.items()}
    rows = [
        row("1. signed GetAccount vs baseline (CPU µs, ≤ 1.05)", med["baseline"], med["GetAccount"], 1.05, "µs"),
        row("2. role session vs RAM user (CPU µs, ≤ 1.10)", med["GetAccount"], med["SessionGetAccount"], 1.10, "µs"),
        row("3. conditioned policy vs baseline (CPU µs, ≤ 1.05)", med["baseline"], med["ConditionedGetAccount"], 1.05,
            "µs"),
        row("6. GetUser beside GetAccount (CPU µs)", med["GetAccount"], med["GetUser"], None, "µs"),
        row("6. AssumeRole beside GetAccount (CPU µs)", med["GetAccount"], med["AssumeRole"], None, "µs"),
    ]  # fmt: skip
    if a.skip_instructions:
        return rows
    before = instructions(a.baseline / "src", ["GetAccount"], a).get("GetAccount")
    now = instructions(ROOT / "src", IDENTITY_OPS, a)
    return [
        *rows,
        row("1. signed GetAccount vs baseline (instructions)", before, now.get("GetAccount"), 1.05, "Ir"),
        row("2. role session vs RAM user (instructions)", now.get("GetAccount"), now.get("SessionGetAccount"), 1.10,
            "Ir"),
        row("3. conditioned policy vs baseline (instructions)", before, now.get("ConditionedGetAccount"), 1.05, "Ir"),
        row("6. GetUser beside GetAccount (instructions)", now.get("GetAccount"), now.get("GetUser"), None, "Ir"),
        row("6. AssumeRole beside GetAccount (instructions)", now.get("GetAccount"), now.get("AssumeRole"), None, "Ir"),
    ]  # fmt: skip


def scale_goals(a: argparse.Namespace) -> list[Row]:
    """run.py's scale phase alone; p50 at the largest size over the reference server's at the smallest."""
    out = Path(tempfile.mkdtemp(prefix="goals-scale-"))
    command = [sys.executable, str(BENCH / "run.py"), "--skip-throughput", "--skip-moto", "--skip-references"]
    command += ["--scale", a.scale, "--expired-codes", "0", "--concurrency", str(a.concurrency), "--workers", "1"]
    command += ["--duration", str(a.duration), "--out", str(out), "--postgres-url", a.postgres_url]
    run(command, ROOT / "src", ROOT, timeout=3600)
    results = json.loads((out / "results.json").read_text())
    sizes = sorted({r["accounts"] for r in results["scale"]})
    small, big = sizes[0], sizes[-1]
    rows: list[Row] = []
    for target in sorted({r["target"] for r in results["scale"]}):
        for op in TAG_OPS:
            high = [r for r in results["scale"] if (r["target"], r["op"], r["accounts"]) == (target, op, big)]
            reference = [
                r for r in results.get("scale_reference", [])
                if (r["target"], r["op"], r.get("for_accounts")) == (target, op, big)
            ]  # fmt: skip
            smallest = [r for r in results["scale"] if (r["target"], r["op"], r["accounts"]) == (target, op, small)]
            low = reference or smallest
            p50 = (low[0]["p50_ms"] * 1000 if low else None, high[0]["p50_ms"] * 1000 if high else None)
            goal = f"4. {op} p50 at {big:,} vs {small:,} accounts, {target} (µs, ≤ 1.3)"
            rows.append(row(goal, p50[0], p50[1], 1.3, "µs"))
    if a.skip_instructions:
        return rows
    ops = {LIST_TAG_RESOURCES: "ListTagResources", LIST_ACCOUNTS_WITH_TAGS: "ListAccountsWithTags"}
    low_ir = instructions(ROOT / "src", list(ops.values()), a, seed=small - 3)
    high_ir = instructions(ROOT / "src", list(ops.values()), a, seed=big - 3)
    for op, name in ops.items():
        goal = f"4. {op} at {big:,} vs {small:,} accounts, SQLite in process (instructions, ≤ 1.3)"
        rows.append(row(goal, low_ir.get(name), high_ir.get(name), 1.3, "Ir"))
    return rows


def guardrail_goals(a: argparse.Namespace) -> list[Row]:
    script = BENCH / "profile_guardrails.py"
    if not script.exists():
        return [("5. control policies enabled vs disabled", "—", "—", "—", "not measured: no profile_guardrails.py")]
    rows: list[Row] = []
    for store in ("sqlite", "postgresql"):
        command = [sys.executable, str(script), "--store", store, "--rounds", str(a.rounds), "--postgres-url"]
        command += [a.postgres_url, "--duration", str(a.duration), "--concurrency", str(a.concurrency)]
        command += ["--clients", str(a.clients), "--warmup", str(a.warmup)]
        env = os.environ | {"PYTHONPATH": str(ROOT / "src")}
        done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=3600)
        found = list(GUARDRAIL.finditer(done.stdout))
        if not found:
            rows.append((f"5. control policies on vs off, {store}", "—", "—", "—", "not measured: run failed"))
        for m in found:
            goal = f"5. {m.group(1)}, control policies on vs off, {store} (CPU µs, ≤ 1.15)"
            rows.append(row(goal, number(m.group(2)), number(m.group(3)), 1.15, "µs"))
    return rows


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("baseline", type=Path, help="a worktree of the code before this wave (its bench/ and src/)")
    p.add_argument("--rounds", type=int, default=3, help="alternating rounds of the server-CPU measurements")
    p.add_argument("--store", choices=["sqlite", "postgresql"], default="sqlite", help="of the identity goals")
    p.add_argument("--duration", type=float, default=4.0)
    p.add_argument("--warmup", type=float, default=0.5)
    p.add_argument("--concurrency", type=int, default=16)
    p.add_argument("--clients", type=int, default=2)
    p.add_argument("--log-level", default="INFO")
    p.add_argument("--calls", type=int, default=300, help="calls per operation under callgrind")
    p.add_argument("--members", type=int, default=20, help="resource accounts of the callgrind world")
    p.add_argument("--scale", default="100,100000", help="directory sizes of the tag-read goals")
    p.add_argument(
        "--postgres-url",
        default=os.environ.get("OPENRD_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
    )
    p.add_argument("--skip-identity", action="store_true", help="no identity goals (1, 2, 3, 6)")
    p.add_argument("--skip-instructions", action="store_true")
    p.add_argument("--skip-scale", action="store_true")
    p.add_argument("--skip-guardrails", action="store_true")
    a = p.parse_args()
    a.baseline = a.baseline.resolve()
    if not (a.baseline / "bench" / "profile_server.py").exists():
        p.error(f"{a.baseline} has no bench/profile_server.py")
    rows: list[Row] = []
    for skip, goals, what in (
        (a.skip_identity, identity_goals, "1-3, 6"),
        (a.skip_scale, scale_goals, "4"),
        (a.skip_guardrails, guardrail_goals, "5"),
    ):
        if skip:
            continue
        try:
            rows += goals(a)
        except SystemExit as failed:  # one group's failure leaves the others' measurements in the table
            print(failed, file=sys.stderr)
            rows.append((f"{what}. (the measurement failed: see above)", "—", "—", "—", "not measured"))
    print("| goal | before | after | ratio | verdict |")
    print("|---|---:|---:|---:|---|")
    for r in rows:
        print("| " + " | ".join(r) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
