"""Unit tests for openrd.domain.policy: parsing documents into policies, and what the grammar refuses."""

from __future__ import annotations

import json
from typing import Any

import pytest

from openrd.domain.policy import (
    Decision,
    Policy,
    PolicyDocumentError,
    Statement,
    parse_policy_document,
)
from support.policies import allow, decide, deny, doc, policy

# ------------------------------------------------------------------------------------------------ parsing


def test_parse_json_string() -> None:
    text = json.dumps(doc(allow(["resourcemanager:Get*", "resourcemanager:List*"])))
    p = parse_policy_document(text, name="ReadOnly")
    assert p == Policy(
        name="ReadOnly",
        statements=(
            Statement(effect="Allow", actions=("resourcemanager:Get*", "resourcemanager:List*"), resources=("*",)),
        ),
    )
    assert decide([p], "resourcemanager:ListAccounts") is Decision.ALLOW


def test_parse_default_name() -> None:
    assert parse_policy_document(doc(allow("*"))).name == "custom"


def test_parse_single_statement_object() -> None:
    p = parse_policy_document({"Version": "1", "Statement": allow("resourcemanager:GetAccount")})
    assert len(p.statements) == 1
    assert p.statements[0].actions == ("resourcemanager:GetAccount",)
    assert p.statements[0].resources == ("*",)


def test_parse_normalises_str_and_list_values() -> None:
    p = parse_policy_document(
        doc(
            {"Effect": "Deny", "NotAction": "ram:*", "NotResource": ["acs:ram::1:*", "acs:ram::2:*"]},
        )
    )
    s = p.statements[0]
    assert s.effect == "Deny"
    assert s.actions == ()
    assert s.not_actions == ("ram:*",)
    assert s.resources == ()
    assert s.not_resources == ("acs:ram::1:*", "acs:ram::2:*")
    assert not s.conditions


def test_parsed_policies_are_hashable_and_comparable() -> None:
    a = policy(allow("resourcemanager:GetAccount"))
    b = policy(allow("resourcemanager:GetAccount"))
    assert a == b
    assert hash(a) == hash(b)


MALFORMED: list[tuple[str, Any]] = [
    ("invalid json", "{not json"),
    ("json array top level", "[]"),
    ("json string top level", '"x"'),
    ("non-object top level", ["Version"]),
    ("duplicate key in json", '{"Version": "1", "Version": "1", "Statement": []}'),
    ("missing version", {"Statement": [allow("*")]}),
    ("wrong version", {"Version": "2", "Statement": [allow("*")]}),
    ("numeric version", {"Version": 1, "Statement": [allow("*")]}),
    ("unknown top-level key", {"Version": "1", "Id": "x", "Statement": [allow("*")]}),
    ("missing statement", {"Version": "1"}),
    ("empty statement list", {"Version": "1", "Statement": []}),
    ("statement wrong type", {"Version": "1", "Statement": "Allow"}),
    ("statement item not object", {"Version": "1", "Statement": ["Allow"]}),
    ("unknown statement key", doc({**allow("*"), "Principal": "*"})),
    ("lower-case statement key", doc({"effect": "Allow", "Action": "*", "Resource": "*"})),
    ("missing effect", doc({"Action": "*", "Resource": "*"})),
    ("bad effect", doc({"Effect": "Permit", "Action": "*", "Resource": "*"})),
    ("lower-case effect", doc({"Effect": "allow", "Action": "*", "Resource": "*"})),
    ("effect wrong type", doc({"Effect": True, "Action": "*", "Resource": "*"})),
    ("missing action", doc({"Effect": "Allow", "Resource": "*"})),
    ("action and not-action", doc({"Effect": "Allow", "Action": "*", "NotAction": "ram:*", "Resource": "*"})),
    ("missing resource", doc({"Effect": "Allow", "Action": "*"})),
    ("resource and not-resource", doc({"Effect": "Allow", "Action": "*", "Resource": "*", "NotResource": "a"})),
    ("action wrong type", doc({"Effect": "Allow", "Action": 42, "Resource": "*"})),
    ("action null", doc({"Effect": "Allow", "Action": None, "Resource": "*"})),
    ("action object", doc({"Effect": "Allow", "Action": {"a": "b"}, "Resource": "*"})),
    (
        "action list with non-string",
        doc({"Effect": "Allow", "Action": ["resourcemanager:GetAccount", 1], "Resource": "*"}),
    ),
    ("empty action list", doc(allow([]))),
    ("empty action string", doc(allow(""))),
    ("empty not-action list", doc({"Effect": "Allow", "NotAction": [], "Resource": "*"})),
    ("action without service", doc(allow("GetAccount"))),
    ("action with empty service", doc(allow(":GetAccount"))),
    ("action with empty name", doc(allow("resourcemanager:"))),
    ("action with two colons", doc(allow("resourcemanager:Get:Account"))),
    ("action with whitespace", doc(allow("resourcemanager:Get Account"))),
    ("resource wrong type", doc({"Effect": "Allow", "Action": "*", "Resource": 5})),
    ("empty resource list", doc(allow("*", []))),
    ("empty resource string", doc(allow("*", ""))),
    ("empty not-resource list", doc({"Effect": "Allow", "Action": "*", "NotResource": []})),
    ("condition wrong type", doc({**allow("*"), "Condition": "x"})),
    ("condition empty", doc({**allow("*"), "Condition": {}})),
    ("condition operator wrong type", doc({**allow("*"), "Condition": {"StringEquals": "x"}})),
    ("condition operator empty", doc({**allow("*"), "Condition": {"StringEquals": {}}})),
    ("condition value null", doc({**allow("*"), "Condition": {"StringEquals": {"k": None}}})),
    ("condition value object", doc({**allow("*"), "Condition": {"StringEquals": {"k": {"a": "b"}}}})),
    ("condition empty list", doc({**allow("*"), "Condition": {"StringEquals": {"k": []}}})),
    ("condition list with null", doc({**allow("*"), "Condition": {"StringEquals": {"k": ["a", None]}}})),
    ("non-string key", {"Version": "1", "Statement": [{1: "Allow", "Action": "*", "Resource": "*"}]}),
]


@pytest.mark.parametrize(("label", "document"), MALFORMED, ids=[label for label, _ in MALFORMED])
def test_malformed_documents_are_rejected(label: str, document: Any) -> None:
    with pytest.raises(PolicyDocumentError):
        parse_policy_document(document)
    if isinstance(document, dict):
        with pytest.raises(PolicyDocumentError):
            parse_policy_document(json.dumps(document))


def test_error_is_a_value_error_with_location() -> None:
    with pytest.raises(ValueError, match=r"Statement\[1\]\.Action"):
        parse_policy_document(doc(allow("*"), allow("nocolon")))


@pytest.mark.parametrize(
    "kwargs",
    [
        {"effect": "Allow", "resources": ("*",)},
        {"effect": "Allow", "actions": ("*",), "not_actions": ("a:b",), "resources": ("*",)},
        {"effect": "Allow", "actions": ("*",)},
        {"effect": "Allow", "actions": ("*",), "resources": ("*",), "not_resources": ("x",)},
        {"effect": "Maybe", "actions": ("*",), "resources": ("*",)},
    ],
)
def test_statement_constructor_validates(kwargs: dict[str, Any]) -> None:
    with pytest.raises(PolicyDocumentError):
        Statement(**kwargs)


def test_statement_built_directly_evaluates() -> None:
    p = Policy(
        name="direct", statements=(Statement(effect="Allow", actions=("resourcemanager:Get*",), resources=("*",)),)
    )
    assert decide([p], "resourcemanager:GetAccount") is Decision.ALLOW


def test_conditions_are_stored() -> None:
    p = policy(
        {
            **deny("ram:DeleteServiceLinkedRole"),
            "Condition": {
                "StringEquals": {"ram:ServiceName": "resourcemanager.aliyuncs.com"},
                "Bool": {"acs:SecureTransport": True},
                "NumericLessThan": {"acs:Port": [443, 8443]},
            },
        }
    )
    conditions = p.statements[0].conditions
    assert conditions["StringEquals"]["ram:ServiceName"] == ("resourcemanager.aliyuncs.com",)
    assert conditions["Bool"]["acs:SecureTransport"] == ("true",)
    assert conditions["NumericLessThan"]["acs:Port"] == ("443", "8443")
    assert p.statements[0].conditions  # non-empty
