"""Unit tests for openrd.domain.policy (RAM policy parsing and evaluation)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openrd.domain.policy import Decision, PolicyDocumentError, evaluate, parse_policy_document
from openrd.domain.system_policies import CATALOGUE, SYSTEM_POLICIES, system_policy
from support.policies import MEMBER_ARN, allow, decide, deny, policy

# ------------------------------------------------------------------------------------------------ basic decisions


def test_allow_matching_statement() -> None:
    assert decide([policy(allow("resourcemanager:GetAccount"))], "resourcemanager:GetAccount") is Decision.ALLOW


def test_implicit_deny_without_policies() -> None:
    assert decide([], "resourcemanager:GetAccount") is Decision.IMPLICIT_DENY


def test_implicit_deny_when_nothing_matches() -> None:
    p = policy(allow("resourcemanager:GetAccount"))
    assert decide([p], "resourcemanager:ListAccounts") is Decision.IMPLICIT_DENY
    assert decide([p], "ecs:GetAccount") is Decision.IMPLICIT_DENY


def test_implicit_deny_when_resource_does_not_match() -> None:
    p = policy(allow("resourcemanager:GetAccount", "acs:resourcemanager::1:account/*"))
    assert decide([p], "resourcemanager:GetAccount", "acs:resourcemanager::2:account/x") is Decision.IMPLICIT_DENY
    assert decide([p], "resourcemanager:GetAccount", "acs:resourcemanager::1:account/x") is Decision.ALLOW


def test_explicit_deny_beats_allow_across_policies() -> None:
    allow_all = policy(allow("*"))
    deny_get = policy(deny("resourcemanager:GetAccount"))
    assert decide([allow_all, deny_get], "resourcemanager:GetAccount") is Decision.EXPLICIT_DENY
    assert decide([deny_get, allow_all], "resourcemanager:GetAccount") is Decision.EXPLICIT_DENY
    assert decide([allow_all, deny_get], "resourcemanager:ListAccounts") is Decision.ALLOW


def test_explicit_deny_beats_allow_within_one_policy() -> None:
    p = policy(allow("resourcemanager:*"), deny("resourcemanager:Delete*"))
    assert decide([p], "resourcemanager:DeleteFolder") is Decision.EXPLICIT_DENY
    assert decide([p], "resourcemanager:CreateFolder") is Decision.ALLOW


def test_deny_alone_is_explicit_deny() -> None:
    assert decide([policy(deny("resourcemanager:GetAccount"))], "resourcemanager:GetAccount") is Decision.EXPLICIT_DENY


def test_evaluate_accepts_any_iterable() -> None:
    gen = (p for p in [policy(allow("resourcemanager:GetAccount"))])
    assert evaluate(gen, action="resourcemanager:GetAccount") is Decision.ALLOW


def test_decision_values_are_ram_no_permission_types() -> None:
    assert Decision.IMPLICIT_DENY.value == "ImplicitDeny"
    assert Decision.EXPLICIT_DENY.value == "ExplicitDeny"
    assert Decision.ALLOW.value == "Allow"


# ------------------------------------------------------------------------------------------------ wildcards, case


@pytest.mark.parametrize(
    ("action", "expected"),
    [
        ("resourcemanager:GetAccount", Decision.ALLOW),
        ("resourcemanager:GetFolder", Decision.ALLOW),
        ("resourcemanager:Get", Decision.ALLOW),  # `*` matches the empty run too
        ("resourcemanager:ListAccounts", Decision.IMPLICIT_DENY),
        ("resourcemanager:XGetAccount", Decision.IMPLICIT_DENY),  # anchored at the start
        ("ecs:GetAccount", Decision.IMPLICIT_DENY),
    ],
)
def test_star_wildcard(action: str, expected: Decision) -> None:
    assert decide([policy(allow("resourcemanager:Get*"))], action) is expected


@pytest.mark.parametrize(
    ("action", "expected"),
    [
        ("resourcemanager:GetAccount", Decision.ALLOW),
        ("resourcemanager:GetXccount", Decision.ALLOW),
        ("resourcemanager:Getccount", Decision.IMPLICIT_DENY),  # `?` is exactly one character
        ("resourcemanager:GetAAccount", Decision.IMPLICIT_DENY),
        ("resourcemanager:GetAccounts", Decision.IMPLICIT_DENY),  # anchored at the end
    ],
)
def test_question_mark_wildcard(action: str, expected: Decision) -> None:
    assert decide([policy(allow("resourcemanager:Get?ccount"))], action) is expected


def test_wildcards_in_service_part() -> None:
    p = policy(allow("resource*:GetAccount"))
    assert decide([p], "resourcemanager:GetAccount") is Decision.ALLOW
    assert decide([p], "resourcedirectory:GetAccount") is Decision.ALLOW
    assert decide([p], "ram:GetAccount") is Decision.IMPLICIT_DENY


def test_regex_metacharacters_are_literal() -> None:
    p = policy(allow("resourcemanager:Get.ccount", "acs:x::1:a+b/(c)"))
    assert decide([p], "resourcemanager:Get.ccount", "acs:x::1:a+b/(c)") is Decision.ALLOW
    assert decide([p], "resourcemanager:GetAccount", "acs:x::1:a+b/(c)") is Decision.IMPLICIT_DENY
    assert decide([p], "resourcemanager:Get.ccount", "acs:x::1:aab/c") is Decision.IMPLICIT_DENY


@pytest.mark.parametrize(
    "action",
    [
        "resourcemanager:getaccount",
        "RESOURCEMANAGER:GETACCOUNT",
        "ResourceManager:GetAccount",
        "resourcemanager:GETaccount",
    ],
)
def test_actions_are_case_insensitive(action: str) -> None:
    assert decide([policy(allow("resourcemanager:GetAccount"))], action) is Decision.ALLOW
    assert decide([policy(allow("resourcemanager:get*"))], action) is Decision.ALLOW
    assert decide([policy(allow("*"), deny("RESOURCEMANAGER:getACCOUNT"))], action) is Decision.EXPLICIT_DENY


def test_resources_are_case_sensitive() -> None:
    p = policy(allow("*", "acs:resourcemanager::1:folder/fd-Abc*"))
    assert decide([p], "resourcemanager:GetFolder", "acs:resourcemanager::1:folder/fd-Abc123") is Decision.ALLOW
    assert decide([p], "resourcemanager:GetFolder", "acs:resourcemanager::1:folder/fd-abc123") is Decision.IMPLICIT_DENY


def test_resource_wildcards() -> None:
    p = policy(allow("*", ["acs:resourcemanager::*:account/*", "acs:resourcemanager::1:folder/fd-???"]))
    assert decide([p], "resourcemanager:GetAccount", MEMBER_ARN) is Decision.ALLOW
    assert decide([p], "resourcemanager:GetFolder", "acs:resourcemanager::1:folder/fd-abc") is Decision.ALLOW
    assert decide([p], "resourcemanager:GetFolder", "acs:resourcemanager::1:folder/fd-abcd") is Decision.IMPLICIT_DENY
    assert decide([p], "resourcemanager:GetFolder", "*") is Decision.IMPLICIT_DENY


def test_default_resource_is_star() -> None:
    # A policy scoped to specific resources does not cover an RD-level ("*") call.
    assert decide([policy(allow("*", MEMBER_ARN))], "resourcemanager:GetResourceDirectory") is Decision.IMPLICIT_DENY
    assert decide([policy(allow("*", "*"))], "resourcemanager:GetResourceDirectory") is Decision.ALLOW


# ------------------------------------------------------------------------------------------ NotAction / NotResource


def test_not_action_with_allow_means_everything_except() -> None:
    p = policy({"Effect": "Allow", "NotAction": ["resourcemanager:Delete*", "ram:*"], "Resource": "*"})
    assert decide([p], "resourcemanager:GetAccount") is Decision.ALLOW
    assert decide([p], "ecs:RunInstances") is Decision.ALLOW
    assert decide([p], "resourcemanager:DeleteFolder") is Decision.IMPLICIT_DENY
    assert decide([p], "RESOURCEMANAGER:deletefolder") is Decision.IMPLICIT_DENY
    assert decide([p], "ram:CreateUser") is Decision.IMPLICIT_DENY


def test_not_action_with_deny() -> None:
    p = policy(allow("*"), {"Effect": "Deny", "NotAction": "resourcemanager:Get*", "Resource": "*"})
    assert decide([p], "resourcemanager:GetAccount") is Decision.ALLOW
    assert decide([p], "resourcemanager:ListAccounts") is Decision.EXPLICIT_DENY
    assert decide([p], "ecs:RunInstances") is Decision.EXPLICIT_DENY


def test_not_action_deny_alone_does_not_grant() -> None:
    p = policy({"Effect": "Deny", "NotAction": "resourcemanager:Get*", "Resource": "*"})
    assert decide([p], "resourcemanager:GetAccount") is Decision.IMPLICIT_DENY


def test_not_resource_with_allow() -> None:
    p = policy({"Effect": "Allow", "Action": "resourcemanager:*", "NotResource": "acs:resourcemanager::1:folder/*"})
    assert decide([p], "resourcemanager:GetAccount", MEMBER_ARN) is Decision.ALLOW
    assert decide([p], "resourcemanager:GetAccount", "*") is Decision.ALLOW
    assert decide([p], "resourcemanager:GetFolder", "acs:resourcemanager::1:folder/fd-1") is Decision.IMPLICIT_DENY


def test_not_resource_with_deny() -> None:
    p = policy(allow("*"), {"Effect": "Deny", "Action": "*", "NotResource": ["acs:resourcemanager::1:*"]})
    assert decide([p], "resourcemanager:GetFolder", "acs:resourcemanager::1:folder/fd-1") is Decision.ALLOW
    assert decide([p], "resourcemanager:GetFolder", "acs:resourcemanager::2:folder/fd-1") is Decision.EXPLICIT_DENY


# ------------------------------------------------------------------------------------------------ system policies


def test_system_policy_names() -> None:
    assert set(SYSTEM_POLICIES) >= {
        "AdministratorAccess",
        "ReadOnlyAccess",
        "AliyunRAMFullAccess",
        "AliyunRAMReadOnlyAccess",
        "AliyunSTSAssumeRoleAccess",
        "AliyunResourceDirectoryFullAccess",
        "AliyunResourceDirectoryReadOnlyAccess",
    }
    assert list(CATALOGUE) == sorted(CATALOGUE)
    for name, p in SYSTEM_POLICIES.items():
        assert p.name == name == CATALOGUE[name].name
        assert CATALOGUE[name].version_id == "v1"
        assert CATALOGUE[name].description
        assert system_policy(name) is p
    assert system_policy("NoSuchPolicy") is None
    assert system_policy("administratoraccess") is None


def test_administrator_access() -> None:
    admin = system_policy("AdministratorAccess")
    assert admin is not None
    for action in ("resourcemanager:DestroyResourceDirectory", "ram:CreateUser", "ecs:RunInstances"):
        assert decide([admin], action) is Decision.ALLOW
        assert decide([admin], action, MEMBER_ARN) is Decision.ALLOW


def test_resource_directory_full_access() -> None:
    full = system_policy("AliyunResourceDirectoryFullAccess")
    assert full is not None
    assert decide([full], "resourcemanager:BindSecureMobilePhone") is Decision.ALLOW
    assert decide([full], "resourcemanager:SendVerificationCodeForEnableRD") is Decision.ALLOW
    assert decide([full], "resourcemanager:BindSecureMobilePhone", MEMBER_ARN) is Decision.ALLOW
    assert decide([full], "ram:CreateUser") is Decision.IMPLICIT_DENY
    assert decide([full], "sts:AssumeRole") is Decision.IMPLICIT_DENY


def test_resource_directory_read_only_access() -> None:
    ro = system_policy("AliyunResourceDirectoryReadOnlyAccess")
    assert ro is not None
    assert decide([ro], "resourcemanager:GetAccount") is Decision.ALLOW
    assert decide([ro], "resourcemanager:GetResourceDirectory") is Decision.ALLOW
    assert decide([ro], "resourcemanager:ListAccountsForParent") is Decision.ALLOW
    assert decide([ro], "resourcemanager:listfoldersforparent") is Decision.ALLOW
    assert decide([ro], "resourcemanager:BindSecureMobilePhone") is Decision.IMPLICIT_DENY
    assert decide([ro], "resourcemanager:CreateFolder") is Decision.IMPLICIT_DENY
    assert decide([ro], "ram:GetUser") is Decision.IMPLICIT_DENY


def test_ram_and_sts_policies() -> None:
    full, read = SYSTEM_POLICIES["AliyunRAMFullAccess"], SYSTEM_POLICIES["AliyunRAMReadOnlyAccess"]
    assume, read_all = SYSTEM_POLICIES["AliyunSTSAssumeRoleAccess"], SYSTEM_POLICIES["ReadOnlyAccess"]
    assert decide([full], "ram:CreatePolicy") is Decision.ALLOW
    assert decide([full], "resourcemanager:GetAccount") is Decision.IMPLICIT_DENY
    assert decide([read], "ram:GetPolicy") is Decision.ALLOW
    assert decide([read], "ram:CreatePolicy") is Decision.IMPLICIT_DENY
    assert decide([assume], "sts:AssumeRole") is Decision.ALLOW
    assert decide([assume], "ram:GetPolicy") is Decision.IMPLICIT_DENY
    assert decide([read_all], "resourcemanager:ListAccounts") is Decision.ALLOW
    assert decide([read_all], "ram:GetUser") is Decision.ALLOW
    assert decide([read_all], "ram:CreateUser") is Decision.IMPLICIT_DENY


def test_system_policy_with_custom_deny() -> None:
    admin = system_policy("AdministratorAccess")
    assert admin is not None
    no_bind = policy(deny("resourcemanager:BindSecureMobilePhone"))
    assert decide([admin, no_bind], "resourcemanager:BindSecureMobilePhone") is Decision.EXPLICIT_DENY
    assert decide([admin, no_bind], "resourcemanager:GetAccount") is Decision.ALLOW


# ------------------------------------------------------------------------------------------------ properties

_service = st.from_regex(r"[A-Za-z0-9_.\-]+", fullmatch=True)
_name = st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E, exclude_characters=":*?"), min_size=1)
_actions = st.builds(lambda service, name: f"{service}:{name}", _service, _name)


@given(action=_actions, with_admin=st.booleans())
def test_deny_for_exact_action_always_wins(action: str, with_admin: bool) -> None:
    policies = [policy(allow("*"), deny(action))]
    if with_admin:
        admin = system_policy("AdministratorAccess")
        assert admin is not None
        policies.insert(0, admin)
    assert decide(policies, action) is Decision.EXPLICIT_DENY
    assert decide(policies, action.upper()) is Decision.EXPLICIT_DENY
    assert decide(policies, action.lower()) is Decision.EXPLICIT_DENY


@given(action=_actions, resource=st.text())
def test_administrator_access_allows_everything_absent_denies(action: str, resource: str) -> None:
    admin = system_policy("AdministratorAccess")
    assert admin is not None
    assert decide([admin], action, resource) is Decision.ALLOW
    assert decide([admin, policy(allow("x:y"))], action, resource) is Decision.ALLOW


def test_a_document_nested_deeper_than_the_parser_survives_is_a_policy_error() -> None:
    document = '{"Version": "1", "Statement": ' + "[" * 100_000 + "]" * 100_000 + "}"
    with pytest.raises(PolicyDocumentError, match="nests too deeply"):
        parse_policy_document(document)
