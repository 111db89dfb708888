"""The level-by-level evaluation of control policies against a reference model (docs/guardrails.md#evaluation):
a Deny that applies on any level refuses; otherwise every level needs an Allow that applies."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from openrd.domain.control_policies import Guardrail, Level, evaluate_levels, parse_document, settled_verdict
from openrd.domain.policy import Decision

ACTIONS = ["ecs:RunInstances", "ecs:DeleteInstance", "ram:DeleteRole"]
PATTERNS = ["*", "ecs:*", "ecs:RunInstances", "ram:*", "ram:DeleteRole", "oss:*"]
Statement = tuple[str, str]  # (effect, action pattern)


def _matches(pattern: str, action: str) -> bool:
    return pattern == "*" or pattern == action or (pattern.endswith(":*") and action.startswith(pattern[:-1]))


def _reference(levels: list[list[list[Statement]]], action: str) -> Decision:
    applicable = [[s for policy in level for s in policy if _matches(s[1], action)] for level in levels]
    if any(effect == "Deny" for level in applicable for effect, _ in level):
        return Decision.EXPLICIT_DENY
    if all(any(effect == "Allow" for effect, _ in level) for level in applicable):
        return Decision.ALLOW
    return Decision.IMPLICIT_DENY


def _policy(statements: list[Statement]) -> str:
    body = [{"Effect": effect, "Action": pattern, "Resource": "*"} for effect, pattern in statements]
    return json.dumps({"Version": "1", "Statement": body})


statements = st.lists(st.tuples(st.sampled_from(["Allow", "Deny"]), st.sampled_from(PATTERNS)), min_size=1, max_size=3)
trees = st.lists(st.lists(statements, min_size=0, max_size=3), min_size=1, max_size=7)


@given(trees, st.sampled_from(ACTIONS))
def test_matches_the_reference_model(levels: list[list[list[Statement]]], action: str) -> None:
    built: list[Level] = [
        (f"t{i}", [(f"cp-{i}-{j}", parse_document(_policy(policy))) for j, policy in enumerate(level)])
        for i, level in enumerate(levels)
    ]
    verdict = evaluate_levels(built, action=action, resource="*")
    assert verdict.decision is _reference(levels, action)
    # The memoised path (stored rows as the store returns them) decides the same, deciding policy included.
    targets = tuple(t for t, _ in built)
    stored = tuple((f"t{i}", f"cp-{i}-{j}", _policy(p)) for i, level in enumerate(levels) for j, p in enumerate(level))
    assert settled_verdict(targets, stored, action) == verdict
    if verdict.decision is Decision.IMPLICIT_DENY:  # the first level, from the member up, that lacks an Allow
        assert verdict.deciding == next(
            t for (t, _), level in zip(built, levels, strict=True) if _reference([level], action) is not Decision.ALLOW
        )


def test_levels_run_from_the_member_up_to_the_root() -> None:
    guardrail = Guardrail("Enabled", None, "1" * 16, "rd-abcdef/r-abcdef/fd-0000000001/fd-0000000002")
    assert guardrail.levels("2" * 16) == ("2" * 16, "fd-0000000002", "fd-0000000001", "r-abcdef")
    assert guardrail.enforced_on("2" * 16, 0)
    assert not guardrail.enforced_on("1" * 16, 0)  # the management account is never bounded
    assert not Guardrail("PendingEnable", 10, "1" * 16, "rd-abcdef/r-abcdef").enforced_on("2" * 16, 5)
    assert Guardrail("PendingEnable", 10, "1" * 16, "rd-abcdef/r-abcdef").enforced_on("2" * 16, 10)
    assert not Guardrail("PendingDisable", 10, "1" * 16, "rd-abcdef/r-abcdef").enforced_on("2" * 16, 5)


def test_a_policy_that_looks_at_the_request_is_never_memoised() -> None:
    conditioned = json.dumps(
        {"Version": "1", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*",
                                        "Condition": {"Bool": {"acs:SecureTransport": "false"}}}]}
    )  # fmt: skip
    named = _policy([("Allow", "*")]).replace('"Resource": "*"', '"Resource": "acs:ram:*:*:role/x"')
    for document in (conditioned, named):
        assert settled_verdict(("t0",), (("t0", "cp-1", document),), "ram:GetRole") is None
    assert settled_verdict(("t0",), (("t0", "cp-FullAliyunAccess", None),), "ram:GetRole") is not None
