"""The vocabulary of the report and how it finds one measurement for another: the ceiling app measured right before
a point, moto's equivalent right after it, the smallest directory's server next to a larger one."""

from __future__ import annotations

import math
from typing import Any

SEND = "SendVerificationCodeForBindSecureMobilePhone"
BIND = "BindSecureMobilePhone"
LIST_TAG_RESOURCES = "ListTagResources"
LIST_ACCOUNTS_WITH_TAGS = "ListAccounts(IncludeTags)"
# What the scale runs measure at each directory size (moto has an equivalent of the first two only).
SCALE_OPS = ("GetAccount", "ListAccounts", LIST_TAG_RESOURCES, LIST_ACCOUNTS_WITH_TAGS)
# openrd operation → moto's nearest equivalent
MOTO_EQUIVALENT = {
    "GetAccount": "DescribeAccount",
    "ListAccounts": "ListAccounts",
    SEND: "CreateAccount",
    BIND: "CreateAccount",
}
SHORT = {SEND: "SendVerificationCode…BindSecureMobilePhone", "GetAccount (same bytes)": "GetAccount-shaped"}
TINY = {SEND: "SendCode", BIND: "Bind", "GetAccount (same bytes)": "GetAccount-shaped"}


def fmt(value: float | None, digits: int = 0) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:,.{digits}f}"


def find(rows: list[dict[str, Any]], **match: Any) -> dict[str, Any] | None:
    for row in rows:
        if all(row.get(k) == v for k, v in match.items()):
            return row
    return None


def adjacent(results: dict[str, Any], point: dict[str, Any], target: str) -> dict[str, Any] | None:
    """The ceiling app measured right before ``point``, or moto's equivalent read right after it (run.py)."""
    return find(
        results.get("adjacent", []), target=target, for_target=point["target"], for_op=point["op"],
        workers=point["workers"], concurrency=point["concurrency"],
    )  # fmt: skip


def ceiling_for(results: dict[str, Any], point: dict[str, Any]) -> dict[str, Any] | None:
    """The adjacent ceiling measurement when the run made one, else the ceiling phase's at the same point."""
    tp = results["throughput"]
    return adjacent(results, point, "ceiling") or find(
        tp, target="ceiling", workers=point["workers"], concurrency=point["concurrency"]
    )


def moto_for(results: dict[str, Any], point: dict[str, Any]) -> dict[str, Any] | None:
    """moto's equivalent measured right after ``point`` (reads), else in moto's own phase."""
    op = MOTO_EQUIVALENT.get(point["op"], "")
    return adjacent(results, point, "moto") or find(
        results["throughput"], target="moto", op=op, concurrency=point["concurrency"]
    )


def scale_reference(results: dict[str, Any], point: dict[str, Any]) -> dict[str, Any] | None:
    """The smallest directory's server measured right before this larger one's ``point`` (run.py), if it was."""
    return find(
        results.get("scale_reference", []), target=point["target"], op=point["op"], for_accounts=point["accounts"],
        workers=point["workers"], concurrency=point["concurrency"],
    )  # fmt: skip


def scale_moto_after(results: dict[str, Any], point: dict[str, Any]) -> dict[str, Any] | None:
    """moto at the same size, measured right after this openrd scale ``point`` (run.py), if it was."""
    return find(
        results.get("scale_moto_adjacent", []), for_target=point["target"], for_op=point["op"],
        accounts=point["accounts"], concurrency=point["concurrency"],
    )  # fmt: skip


def ratio(a: float | None, b: float | None) -> float | None:
    if a is None or not b or math.isnan(a):
        return None
    return a / b
