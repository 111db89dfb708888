"""Trust policies: which callers may assume a role (openrd.domain.role_trust), principal by principal, with
conditions, Deny, and documents that do not parse."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openrd.domain.identity import Principal, PrincipalKind
from openrd.domain.policy import Decision
from openrd.domain.request_context import RequestContext
from openrd.domain.role_trust import trust_decision

HOME, OTHER = "1111111111111111", "2222222222222222"
ALICE = Principal(PrincipalKind.USER, HOME, "21", name="alice")
BOB = Principal(PrincipalKind.USER, HOME, "22", name="bob")
STRANGER = Principal(PrincipalKind.USER, OTHER, "23", name="alice")
DEPLOYER = Principal(PrincipalKind.ROLE_SESSION, HOME, "31", name="Deployer", session_name="ci")
ROOT = Principal(PrincipalKind.ROOT, HOME, HOME)
NONE = RequestContext()


def trust(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "1", "Statement": list(statements)})


def allow(principal: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": principal, **extra}


def test_an_account_s_root_trusts_every_ram_identity_of_that_account_only() -> None:
    document = trust(allow({"RAM": [f"acs:ram::{HOME}:root"]}))
    assert trust_decision(document, ALICE, NONE) is Decision.ALLOW
    assert trust_decision(document, DEPLOYER, NONE) is Decision.ALLOW
    assert trust_decision(document, STRANGER, NONE) is Decision.IMPLICIT_DENY
    assert trust_decision(document, ROOT, NONE) is Decision.IMPLICIT_DENY  # STS refuses root callers anyway


def test_a_user_arn_trusts_that_user_whatever_the_case() -> None:
    document = trust(allow({"RAM": f"acs:ram::{HOME}:user/Alice"}))
    assert trust_decision(document, ALICE, NONE) is Decision.ALLOW
    assert trust_decision(document, BOB, NONE) is Decision.IMPLICIT_DENY
    assert trust_decision(document, STRANGER, NONE) is Decision.IMPLICIT_DENY
    assert trust_decision(document, DEPLOYER, NONE) is Decision.IMPLICIT_DENY


def test_a_role_arn_trusts_that_role_s_sessions_for_chaining() -> None:
    document = trust(allow({"RAM": [f"acs:ram::{HOME}:role/deployer"]}))
    assert trust_decision(document, DEPLOYER, NONE) is Decision.ALLOW
    assert trust_decision(document, ALICE, NONE) is Decision.IMPLICIT_DENY


def test_a_service_principal_never_matches_a_user_or_a_session() -> None:
    document = trust(allow({"Service": ["ecs.aliyuncs.com"]}))
    for caller in (ALICE, DEPLOYER):
        assert trust_decision(document, caller, NONE) is Decision.IMPLICIT_DENY


@pytest.mark.parametrize(
    ("external_id", "decision"),
    [("abcd1234", Decision.ALLOW), ("wrong", Decision.IMPLICIT_DENY), (None, Decision.IMPLICIT_DENY)],
)
def test_an_external_id_condition(external_id: str | None, decision: Decision) -> None:
    condition = {"StringEquals": {"sts:ExternalId": "abcd1234"}}
    document = trust(allow({"RAM": [f"acs:ram::{HOME}:root"]}, Condition=condition))
    assert trust_decision(document, ALICE, RequestContext(external_id=external_id)) is decision


def test_request_conditions_apply_too() -> None:
    secure = {"Bool": {"acs:SecureTransport": True}}  # a JSON boolean, as people write it
    document = trust(allow({"RAM": [f"acs:ram::{HOME}:root"]}, Condition=secure))
    assert trust_decision(document, ALICE, RequestContext(secure_transport=True)) is Decision.ALLOW
    assert trust_decision(document, ALICE, RequestContext(secure_transport=False)) is Decision.IMPLICIT_DENY


def test_a_deny_wins() -> None:
    document = trust(
        allow({"RAM": [f"acs:ram::{HOME}:root"]}),
        {"Effect": "Deny", "Action": "sts:AssumeRole", "Principal": {"RAM": f"acs:ram::{HOME}:user/bob"}},
    )
    assert trust_decision(document, ALICE, NONE) is Decision.ALLOW
    assert trust_decision(document, BOB, NONE) is Decision.EXPLICIT_DENY


def test_statements_about_other_actions_do_not_apply() -> None:
    document = trust({"Effect": "Allow", "Action": "sts:AssumeRoleWithSAML", "Principal": {"RAM": HOME}})
    assert trust_decision(document, ALICE, NONE) is Decision.IMPLICIT_DENY
    wildcard = trust({"Effect": "Allow", "Action": ["sts:*"], "Principal": {"RAM": f"acs:ram::{HOME}:root"}})
    assert trust_decision(wildcard, ALICE, NONE) is Decision.ALLOW


@pytest.mark.parametrize("document", ["", "not json", "[]", '{"Statement": 5}', trust({"Effect": "Maybe"})])
def test_a_document_that_does_not_parse_admits_nobody(document: str) -> None:
    assert trust_decision(document, ALICE, NONE) is Decision.IMPLICIT_DENY


def test_an_unreadable_deny_denies_everyone() -> None:
    unreadable = {"Effect": "Deny", "Action": "sts:AssumeRole", "Principal": {"RAM": "x"}, "Condition": "oops"}
    document = trust(allow({"RAM": [f"acs:ram::{HOME}:root"]}), unreadable)
    assert trust_decision(document, ALICE, NONE) is Decision.EXPLICIT_DENY


ENTRIES = st.sampled_from(
    [f"acs:ram::{a}:{k}" for a in (HOME, OTHER) for k in ("root", "user/alice", "user/bob", "role/deployer")]
)
CALLERS = st.sampled_from([ALICE, BOB, STRANGER, DEPLOYER])


def reference(entry: str, caller: Principal) -> bool:
    account, _, rest = entry.removeprefix("acs:ram::").partition(":")
    if account != caller.account_id:
        return False
    if rest == "root":
        return True
    kind, _, name = rest.partition("/")
    wanted = PrincipalKind.USER if kind == "user" else PrincipalKind.ROLE_SESSION
    return caller.kind is wanted and caller.name.lower() == name


@given(st.lists(ENTRIES, min_size=1, max_size=4), st.lists(ENTRIES, max_size=2), CALLERS)
def test_against_a_reference_model(allowed: list[str], denied: list[str], caller: Principal) -> None:
    statements = [allow({"RAM": allowed})]
    if denied:
        statements.append({"Effect": "Deny", "Action": "sts:AssumeRole", "Principal": {"RAM": denied}})
    if any(reference(e, caller) for e in denied):
        expected = Decision.EXPLICIT_DENY
    elif any(reference(e, caller) for e in allowed):
        expected = Decision.ALLOW
    else:
        expected = Decision.IMPLICIT_DENY
    assert trust_decision(trust(*statements), caller, NONE) is expected
