"""The benchmark report's goals (``bench/report/goals.py``): which measurements each scale goal compares."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

import report  # noqa: E402

STORE = "openrd-sqlite"


def _point(op: str, accounts: int, rps: float, p50: float, **extra: Any) -> dict[str, Any]:
    point = {"op": op, "accounts": accounts, "workers": 1, "concurrency": 16, "rps": rps, "p50_ms": p50}
    return point | {"p99_ms": 3 * p50, "errors": 0} | extra


def _results(**sections: list[dict[str, Any]]) -> dict[str, Any]:
    """A run's results with these sections; the machine and the configuration of the last full run."""
    recorded = json.loads((ROOT / "bench" / "results" / "results.json").read_text())
    empty: dict[str, Any] = {"throughput": [], "scale": [], "memory": [], "rss": [], "notes": [], "failures": []}
    return empty | {"meta": recorded["meta"], "config": recorded["config"]} | sections


def _scale() -> list[dict[str, Any]]:
    rows = []
    for op, moto_op in (("GetAccount", "DescribeAccount"), ("ListAccounts", "ListAccounts")):
        rows += [
            _point(op, 100, 2_000, 8.0, target=STORE),  # minutes before the larger sizes, on a faster machine
            _point(op, 10_000, 1_500, 10.0, target=STORE),
            _point(op, 100_000, 1_400, 11.0, target=STORE),
            _point(moto_op, 10_000, 20, 900.0, target="moto"),  # moto's own phase
        ]
    return rows


def _goal(results: dict[str, Any], starts: str) -> tuple[str, str, str, str]:
    found = [goal for goal in report.targets(results) if goal[0].startswith(starts)]
    assert len(found) == 1, report.targets(results)
    goal: tuple[str, str, str, str] = found[0]
    return goal


@pytest.mark.parametrize("op", ["GetAccount", "ListAccounts"])
def test_the_latency_goal_takes_the_reference_measured_right_before(op: str) -> None:
    reference = [_point(op, 100, 1_600, 10.0, target=STORE, for_accounts=100_000)]
    with_reference = _results(scale=_scale(), scale_reference=reference)

    assert _goal(with_reference, f"{op} p50 at 100,000 vs 100")[1:] == ("1.10 ×", "≤ 1.3 ×", "met")
    # Without one, the same server's smallest point: 11 / 8.
    assert _goal(_results(scale=_scale()), f"{op} p50 at 100,000 vs 100")[1:] == ("1.38 ×", "≤ 1.3 ×", "**not met**")


@pytest.mark.parametrize(("op", "moto_op"), [("GetAccount", "DescribeAccount"), ("ListAccounts", "ListAccounts")])
def test_the_moto_goal_takes_moto_measured_right_after(op: str, moto_op: str) -> None:
    after = [_point(moto_op, 10_000, 12, 1_300.0, target="moto", for_target=STORE, for_op=op)]
    with_after = _results(scale=_scale(), scale_moto_adjacent=after)

    assert _goal(with_after, f"{op} vs moto {moto_op} at 10,000")[1:] == ("125 ×", "≥ 100 ×", "met")
    # Without it, moto's own phase: 1,500 / 20.
    own_phase = _goal(_results(scale=_scale()), f"{op} vs moto {moto_op} at 10,000")
    assert own_phase[1:] == ("75 ×", "≥ 100 ×", "**not met**")


def test_the_scale_table_shows_both_comparisons() -> None:
    reference = [_point("GetAccount", 100, 1_600, 10.0, target=STORE, for_accounts=10_000)]
    after = [_point("DescribeAccount", 10_000, 12, 1_300.0, target="moto", for_target=STORE, for_op="GetAccount")]
    table = report.markdown(_results(scale=_scale(), scale_reference=reference, scale_moto_adjacent=after))

    row = next(line for line in table.splitlines() if line.startswith(f"| {STORE} | GetAccount | 10,000 |"))
    assert row.endswith("| 1.25 × | 1.00 × (1,600 req/s, 10.0 ms) | 125 × (12 req/s) |"), row


def _throughput(target: str, rps: float, op: str = "GetAccount (same bytes)", **extra: Any) -> dict[str, Any]:
    row = {"target": target, "op": op, "workers": 1, "concurrency": 16, "rps": rps, "p50_ms": 1.0, "p99_ms": 3.0}
    return row | {"errors": 0, "requests": 1_000, "exhausted": False} | extra


def test_the_goals_reference_points_are_shares_of_the_ceiling_measured_right_before_each() -> None:
    throughput = [
        _throughput("ceiling", 20_000),  # the ceiling app's own phase, minutes earlier
        _throughput("reference-hmac", 8_000),
        _throughput("reference-hmac-sqlite", 4_000),
        _throughput(STORE, 2_000, op="GetAccount"),
    ]
    before = {"target": "ceiling", "op": "GetAccount (same bytes)", "workers": 1, "concurrency": 16}
    adjacent = [
        before | {"for_target": "reference-hmac", "for_op": "GetAccount (same bytes)", "rps": 16_000},
        before | {"for_target": "reference-hmac-sqlite", "for_op": "GetAccount (same bytes)", "rps": 10_000},
        before | {"for_target": STORE, "for_op": "GetAccount", "rps": 12_500},
    ]
    table = report.markdown(_results(throughput=throughput, adjacent=adjacent))

    row = next(line for line in table.splitlines() if line.startswith("| 1 | 16 | 10,000 |"))
    # 8,000 / 16,000, 4,000 / 10,000, 2,000 / 12,500; and GetAccount over the HMAC + insert app: 2,000 / 4,000.
    assert row == "| 1 | 16 | 10,000 | 8,000 (50 %) | 4,000 (40 %) | 2,000 (16 %) | 50 % |", row
    assert "+ HMAC 72 %, + HMAC + SQLite insert 42 %" in table


def test_a_run_without_the_reference_apps_has_no_such_section() -> None:
    table = report.markdown(_results(throughput=[_throughput("ceiling", 20_000)]))
    assert "scale points, measured here" not in table


@pytest.mark.parametrize("op", [report.LIST_TAG_RESOURCES, report.LIST_ACCOUNTS_WITH_TAGS])
def test_the_tag_reads_have_the_latency_goal_and_no_moto_goal(op: str) -> None:
    rows = [*_scale(), _point(op, 100, 2_000, 8.0, target=STORE), _point(op, 100_000, 1_900, 8.8, target=STORE)]
    results = _results(scale=rows)
    assert _goal(results, f"{op} p50 at 100,000 vs 100")[1:] == ("1.10 ×", "≤ 1.3 ×", "met")
    assert not [goal for goal in report.targets(results) if goal[0].startswith(f"{op} vs moto")]
