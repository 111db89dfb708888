"""openrd.domain.policy with the request's context: conditions, resources resolved on demand, linear matching."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from openrd.domain.policy import Decision, Policy, PolicyDocumentError, evaluate, parse_policy_document
from openrd.domain.request_context import RequestContext

FROM_LAN = RequestContext(source_ip="10.1.2.3", current_time=datetime(2026, 12, 7, tzinfo=UTC))
FROM_OUTSIDE = RequestContext(source_ip="192.0.2.1", current_time=datetime(2026, 12, 7, tzinfo=UTC))
LAN_ONLY = {"IpAddress": {"acs:SourceIp": ["10.0.0.0/8"]}}


def policy(*statements: dict[str, Any]) -> Policy:
    return parse_policy_document({"Version": "1", "Statement": list(statements)})


def statement(effect: str, action: str = "resourcemanager:*", **extra: Any) -> dict[str, Any]:
    return {"Effect": effect, "Action": action, "Resource": "*", **extra}


def test_an_allow_applies_only_where_its_condition_holds() -> None:
    allow = policy(statement("Allow", Condition=LAN_ONLY))
    assert evaluate([allow], action="resourcemanager:GetAccount", context=FROM_LAN) is Decision.ALLOW
    assert evaluate([allow], action="resourcemanager:GetAccount", context=FROM_OUTSIDE) is Decision.IMPLICIT_DENY


def test_a_deny_applies_where_its_condition_holds() -> None:
    policies = [policy(statement("Allow")), policy(statement("Deny", Condition=LAN_ONLY))]
    assert evaluate(policies, action="resourcemanager:GetAccount", context=FROM_LAN) is Decision.EXPLICIT_DENY
    assert evaluate(policies, action="resourcemanager:GetAccount", context=FROM_OUTSIDE) is Decision.ALLOW


def test_without_a_context_a_condition_does_not_hold() -> None:
    assert evaluate([policy(statement("Allow", Condition=LAN_ONLY))], action="x:y") is Decision.IMPLICIT_DENY


def test_a_time_window_follows_the_context_clock() -> None:
    until = policy(statement("Allow", Condition={"DateLessThan": {"acs:CurrentTime": "2026-12-08T00:00:00Z"}}))
    before = RequestContext(current_time=datetime(2026, 12, 7, 23, 59, tzinfo=UTC))
    after = RequestContext(current_time=datetime(2026, 12, 8, 0, 1, tzinfo=UTC))
    assert evaluate([until], action="resourcemanager:GetAccount", context=before) is Decision.ALLOW
    assert evaluate([until], action="resourcemanager:GetAccount", context=after) is Decision.IMPLICIT_DENY


def test_the_context_is_built_once_and_only_when_a_condition_needs_it() -> None:
    built: list[bool] = []

    def context() -> RequestContext:
        built.append(True)
        return FROM_LAN

    plain = [policy(statement("Allow"), statement("Deny", action="resourcemanager:Delete*"))]
    assert evaluate(plain, action="resourcemanager:GetAccount", context=context) is Decision.ALLOW
    assert built == []
    conditioned = [policy(statement("Allow", Condition=LAN_ONLY), statement("Deny", Condition=LAN_ONLY))]
    assert evaluate(conditioned, action="resourcemanager:GetAccount", context=context) is Decision.EXPLICIT_DENY
    assert built == [True]


def test_the_resource_is_resolved_once_and_only_when_a_statement_names_resources() -> None:
    resolved: list[bool] = []

    def resource() -> str:
        resolved.append(True)
        return "acs:resourcemanager::1:account/rd-a/r-b/2"

    assert evaluate([policy(statement("Allow"))], action="resourcemanager:GetAccount", resource=resource) is (
        Decision.ALLOW
    )
    assert resolved == []
    named = policy(
        {"Effect": "Allow", "Action": "*", "Resource": "acs:resourcemanager::1:account/*"},
        {"Effect": "Deny", "Action": "*", "Resource": "acs:resourcemanager::1:folder/*"},
    )
    assert evaluate([named], action="resourcemanager:GetAccount", resource=resource) is Decision.ALLOW
    assert resolved == [True]


def test_an_unresolved_resource_meets_every_deny_and_no_allow_that_name_resources() -> None:
    deny = policy(statement("Allow"), {"Effect": "Deny", "Action": "*", "Resource": "acs:resourcemanager:*:*:x/*"})
    allow = policy({"Effect": "Allow", "Action": "*", "Resource": "acs:resourcemanager:*:*:x/*"})
    not_allow = policy({"Effect": "Allow", "Action": "*", "NotResource": "acs:resourcemanager:*:*:x/*"})
    for policies, expected in (([deny], Decision.EXPLICIT_DENY), ([allow], Decision.IMPLICIT_DENY)):
        assert evaluate(policies, action="resourcemanager:GetAccount", resource=lambda: None) is expected
    assert evaluate([not_allow], action="resourcemanager:GetAccount", resource=lambda: None) is (Decision.IMPLICIT_DENY)


@pytest.mark.parametrize("pattern", ["acs:ram::1:user/*", "acs:ram:*:1:user/*", "acs:ram:*:*:user/*"])
def test_an_empty_region_means_any_region(pattern: str) -> None:
    p = policy({"Effect": "Allow", "Action": "*", "Resource": pattern})
    for region in ("", "*", "cn-hangzhou"):
        assert evaluate([p], action="ram:GetUser", resource=f"acs:ram:{region}:1:user/alice") is Decision.ALLOW


def test_a_backtracking_pattern_is_matched_in_linear_time() -> None:
    """A pattern that made a backtracking regex run for seconds answers at once (no timing: it just finishes)."""
    pattern = "resourcemanager:" + "*a" * 80 + "b"
    p = policy({"Effect": "Deny", "Action": pattern, "Resource": "*" + "*a" * 80 + "b"}, statement("Allow"))
    action = "resourcemanager:" + "a" * 200
    assert evaluate([p], action=action, resource=lambda: "a" * 5000) is Decision.ALLOW


def test_a_condition_openrd_cannot_evaluate_is_refused_when_written() -> None:
    for condition in ({"IpAddress": {"acs:SourceIp": "10.0.0.0/33"}}, {"StringEqualz": {"acs:SourceIp": "x"}}):
        with pytest.raises(PolicyDocumentError, match="Condition"):
            policy(statement("Deny", Condition=condition))


def test_a_deferred_key_is_computed_once_on_its_first_read_and_only_if_read() -> None:
    reads: list[str] = []

    def key(name: str, value: str | None) -> Any:
        def compute() -> str | None:
            reads.append(name)
            return value

        return compute

    context = RequestContext(
        secure_transport=True,
        deferred={"acs:sourceip": key("ip", "10.1.2.3"), "acs:principalrdpath": key("path", None)},
    )
    lan_only = [policy(statement("Allow", Condition=LAN_ONLY))]
    for _ in range(2):
        assert evaluate(lan_only, action="resourcemanager:GetAccount", context=context) is Decision.ALLOW
    assert reads == ["ip"]  # parsed as an address, like a source_ip given as text
    assert "acs:PrincipalRDPath" not in context
    assert reads == ["ip", "path"]
    assert dict(context) == {
        "acs:securetransport": True,
        "acs:sourceip": FROM_LAN["acs:sourceip"],
        "acs:mfapresent": False,
    }
    with pytest.raises(ValueError, match="cannot be deferred"):
        RequestContext(secure_transport=True, deferred={"acs:securetransport": key("again", None)})
