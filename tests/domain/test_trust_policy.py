"""Trust policies (AssumeRolePolicyDocument): what parses, what each statement keeps, and what is refused."""

from __future__ import annotations

import json
from typing import Any

import pytest

from openrd.domain.identity import own_account_trust
from openrd.domain.trust import TrustPolicyError, parse_trust_policy


def _doc(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "1", "Statement": list(statements)})


def _allow(principal: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": principal, **extra}


def test_a_statement_keeps_its_principals_and_conditions() -> None:
    policy = parse_trust_policy(
        _doc(
            _allow(
                {"RAM": ["acs:ram::1234567890123456:root", "acs:ram::1234567890123456:user/alice"]},
                Condition={"StringEquals": {"sts:ExternalId": "abcd1234"}},
            ),
            {"Effect": "Deny", "Action": ["STS:AssumeRole"], "Principal": {"Service": "ecs.aliyuncs.com"}},
        )
    )
    allow, deny = policy.statements
    assert allow.ram == ("acs:ram::1234567890123456:root", "acs:ram::1234567890123456:user/alice")
    assert dict(allow.conditions["StringEquals"]) == {"sts:ExternalId": ("abcd1234",)}
    assert (deny.effect, deny.services, deny.ram) == ("Deny", ("ecs.aliyuncs.com",), ())


def test_federated_principals_and_a_single_statement_object() -> None:
    document = json.dumps(
        {
            "Version": "1",
            "Statement": {
                "Effect": "Allow",
                "Action": "sts:AssumeRoleWithSAML",
                "Principal": {"Federated": "acs:ram::1234567890123456:saml-provider/idp"},
            },
        }
    )
    [statement] = parse_trust_policy(document).statements
    assert statement.federated == ("acs:ram::1234567890123456:saml-provider/idp",)


def test_a_role_the_control_api_makes_trusts_its_own_account() -> None:
    [statement] = parse_trust_policy(own_account_trust("1234567890123456")).statements
    assert statement.ram == ("acs:ram::1234567890123456:root",)


@pytest.mark.parametrize(
    "document",
    [
        "[]",
        "{",
        json.dumps({"Version": "2", "Statement": [_allow({"RAM": "acs:ram::1:root"})]}),
        json.dumps({"Version": "1", "Statement": []}),
        json.dumps({"Version": "1", "Statement": [_allow({"RAM": "acs:ram::1:root"})], "Id": "x"}),
        _doc(_allow({"RAM": "acs:ram::1:root"}, Resource="*")),
        _doc({"Effect": "Maybe", "Action": "sts:AssumeRole", "Principal": {"RAM": "acs:ram::1:root"}}),
        _doc({"Effect": "Allow", "Action": "ecs:*", "Principal": {"RAM": "acs:ram::1:root"}}),
        _doc({"Effect": "Allow", "Principal": {"RAM": "acs:ram::1:root"}}),
        _doc(_allow({})),
        _doc(_allow({"AWS": "arn:aws:iam::1:root"})),
        _doc(_allow({"RAM": "*"})),
        _doc(_allow({"RAM": []})),
        _doc(_allow({"Service": "ecs.example.com"})),
        _doc(_allow({"RAM": "acs:ram::1:root"}, Condition={"Bogus": {"k": "v"}})),
        _doc(_allow({"RAM": "acs:ram::1:root"}, Condition={"StringEquals": {"k": [{"nested": 1}]}})),
    ],
)
def test_what_is_not_a_trust_policy_is_refused_with_a_reason(document: str) -> None:
    with pytest.raises(TrustPolicyError, match=r"."):
        parse_trust_policy(document)
