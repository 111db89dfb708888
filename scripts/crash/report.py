"""What a crash check run found: the calls as the clients saw them, the figures, the violations; and its summary."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from crash.client import Client


@dataclass
class Report:
    store: str
    cycles: int
    seed: int
    seconds: float = 0.0
    calls: dict[str, dict[str, int]] = field(default_factory=dict)
    kills: int = 0
    phases: dict[str, float] = field(default_factory=dict)
    figures: dict[str, Any] = field(default_factory=dict)
    violations: list[str] = field(default_factory=list)

    def fail(self, message: str) -> None:
        self.violations.append(message)


def summarize(report: Report, client: Client) -> None:
    table: dict[str, Counter[str]] = defaultdict(Counter)
    for call in client.calls:
        table[call.op][call.result] += 1
    report.calls = {op: dict(counts) for op, counts in sorted(table.items())}


def print_report(report: Report) -> None:
    print(f"crash_check: store={report.store} cycles={report.cycles} seed={report.seed} ({report.seconds:.1f} s)")
    print(f"  SIGKILLs: {report.kills} (+1 before the final check)")
    print("  phases       " + "  ".join(f"{k} {v:.1f} s" for k, v in report.phases.items()))
    for op, counts in report.calls.items():
        print(f"  {op:12} " + "  ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    for name, figures in report.figures.items():
        print(f"  {name:12} {json.dumps(figures, sort_keys=True)}")
    if report.violations:
        print(f"  VIOLATIONS ({len(report.violations)}):")
        for violation in report.violations[:100]:
            print(f"    - {violation}")
    else:
        print("  all invariants hold")
