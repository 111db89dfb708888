"""Policy documents and condition contexts for the domain tests (openrd.domain.policy, openrd.domain.conditions)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from openrd.domain.conditions import (
    ConditionBlock,
    RequestContext,
    compile_conditions,
    conditions_hold,
    validate_condition_block,
)
from openrd.domain.policy import Decision, Policy, evaluate, parse_policy_document

MEMBER_ARN = "acs:resourcemanager::1234567890123456:account/rd-abc/r-xyz/1234567890123456"
NOW = datetime(2026, 12, 7, 12, 0, 0, tzinfo=UTC)
# A request that carries every key openrd sets, plus two of its own (one multi-valued).
CONTEXT = RequestContext(
    current_time=NOW,
    secure_transport=True,
    source_ip="10.1.2.3",
    principal_arn="acs:ram::1234567890123456:role/Deployer",
    principal_rd_id="rd-abc",
    principal_rd_path="rd-abc/r-xyz/fd-dev/1234567890123456/",
    principal_account="1234567890123456",
    external_id="abcd1234",
    extra={"acs:RequestCount": "42", "acs:ResourceTag/team": ("dev", "ops")},
)
EMPTY = RequestContext()


def doc(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "1", "Statement": list(statements)}


def allow(action: str | list[str], resource: str | list[str] = "*") -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource}


def deny(action: str | list[str], resource: str | list[str] = "*") -> dict[str, Any]:
    return {"Effect": "Deny", "Action": action, "Resource": resource}


def policy(*statements: dict[str, Any]) -> Policy:
    return parse_policy_document(doc(*statements))


def decide(policies: list[Policy], action: str, resource: str = "*") -> Decision:
    return evaluate(policies, action=action, resource=resource)


def holds(operator: str, key: str, *values: str, context: RequestContext = CONTEXT) -> bool:
    """One condition, validated as a policy would be, evaluated both through the cache and compiled directly."""
    block: ConditionBlock = {operator: {key: values}}
    validate_condition_block(block)
    result = conditions_hold(block, context)
    assert compile_conditions(block).holds(context) is result  # the cached and the direct path agree
    return result
