"""A RAM role's trust policy (``AssumeRolePolicyDocument``): who may assume the role (docs/ram.md#trust-policies).

Pure logic, no I/O. The grammar::

    {"Version": "1",
     "Statement": [{"Effect": "Allow" | "Deny",
                    "Action": "sts:AssumeRole" | [...],
                    "Principal": {"RAM": str | [str], "Service": str | [str], "Federated": str | [str]},
                    "Condition": {<Operator>: {<Key>: str | [str]}}}]}

``Principal.RAM`` names an account (``acs:ram::<account>:root``), one of its RAM users (``…:user/<name>``) or roles
(``…:role/<name>``); ``Service`` an Alibaba Cloud service (``ecs.aliyuncs.com``); ``Federated`` an identity
provider (``acs:ram::<account>:saml-provider/<name>`` or ``oidc-provider``). Statements are kept as parsed, so
STS can decide AssumeRole on them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Final, cast

from openrd.domain.conditions import ConditionError, validate_condition_block
from openrd.domain.policy import MAX_DOCUMENT_LENGTH

__all__ = ["MAX_TRUST_POLICY_LENGTH", "TrustPolicy", "TrustPolicyError", "TrustStatement", "parse_trust_policy"]

MAX_TRUST_POLICY_LENGTH: Final = MAX_DOCUMENT_LENGTH
ASSUME_ACTIONS: Final = frozenset({"sts:assumerole", "sts:assumerolewithsaml", "sts:assumerolewithoidc"})
_RAM_PRINCIPAL: Final = re.compile(r"acs:ram::[0-9]{1,20}:(root|user/[A-Za-z0-9._@-]{1,64}|role/[A-Za-z0-9._@-]{1,64})")
_SERVICE_PRINCIPAL: Final = re.compile(r"[a-z0-9][a-z0-9.-]{0,126}\.aliyuncs\.com")
_FEDERATED_PRINCIPAL: Final = re.compile(r"acs:ram::[0-9]{1,20}:(saml-provider|oidc-provider)/[A-Za-z0-9._-]{1,128}")
_PRINCIPAL_FORMS: Final = {"RAM": _RAM_PRINCIPAL, "Service": _SERVICE_PRINCIPAL, "Federated": _FEDERATED_PRINCIPAL}
_STATEMENT_KEYS: Final = frozenset({"Effect", "Action", "Principal", "Condition"})


class TrustPolicyError(ValueError):
    """The document is not a trust policy; the message says where (MalformedPolicyDocument carries it)."""


@dataclass(frozen=True)
class TrustStatement:
    effect: str  # "Allow" | "Deny"
    actions: tuple[str, ...]  # as written; compare case-insensitively
    ram: tuple[str, ...] = ()
    services: tuple[str, ...] = ()
    federated: tuple[str, ...] = ()
    conditions: Mapping[str, Mapping[str, tuple[str, ...]]] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True)
class TrustPolicy:
    statements: tuple[TrustStatement, ...]


def _strings(value: object, where: str) -> tuple[str, ...]:
    items = cast(list[object], value) if isinstance(value, list) else [value]
    if not items or not all(isinstance(item, str) and item for item in items):
        raise TrustPolicyError(f"{where} must be a non-empty string or list of strings")
    return tuple(cast(list[str], items))


def _conditions(value: object, where: str) -> Mapping[str, Mapping[str, tuple[str, ...]]]:
    if not isinstance(value, dict) or not value:
        raise TrustPolicyError(f"{where} must be a non-empty object")
    block: dict[str, Mapping[str, tuple[str, ...]]] = {}
    for operator, keys in cast(dict[str, object], value).items():
        if not isinstance(keys, dict) or not keys:
            raise TrustPolicyError(f"{where}.{operator} must be a non-empty object")
        entries: dict[str, tuple[str, ...]] = {}
        for key, raw in cast(dict[str, object], keys).items():
            values = cast(list[object], raw) if isinstance(raw, list) else [raw]
            if not values or not all(isinstance(v, str | bool | int | float) for v in values):
                raise TrustPolicyError(f"{where}.{operator}.{key} must be a string or a list of strings")
            entries[key] = tuple(json.dumps(v) if not isinstance(v, str) else v for v in values)
        block[operator] = MappingProxyType(entries)
    try:
        validate_condition_block(block)
    except ConditionError as exc:
        raise TrustPolicyError(f"{where}: {exc}") from None
    return MappingProxyType(block)


def _principals(value: object, where: str) -> dict[str, tuple[str, ...]]:
    if not isinstance(value, dict) or not value:
        raise TrustPolicyError(f"{where} must name RAM, Service or Federated principals")
    found: dict[str, tuple[str, ...]] = {}
    for kind, names in cast(dict[str, object], value).items():
        form = _PRINCIPAL_FORMS.get(kind)
        if form is None:
            raise TrustPolicyError(f"{where} has an unknown principal type {kind!r}")
        found[kind] = _strings(names, f"{where}.{kind}")
        for name in found[kind]:
            if form.fullmatch(name) is None:
                raise TrustPolicyError(f"{where}.{kind}: {name!r} is not a {kind} principal")
    return found


def _statement(value: object, where: str) -> TrustStatement:
    if not isinstance(value, dict):
        raise TrustPolicyError(f"{where} must be an object")
    statement = cast(dict[str, object], value)
    unknown = sorted(set(statement) - _STATEMENT_KEYS)
    if unknown:
        raise TrustPolicyError(f"{where} has unknown key(s): {', '.join(unknown)}")
    if statement.get("Effect") not in ("Allow", "Deny"):
        raise TrustPolicyError(f"{where}.Effect must be 'Allow' or 'Deny'")
    if "Action" not in statement or "Principal" not in statement:
        raise TrustPolicyError(f"{where} must have an Action and a Principal")
    actions = _strings(statement["Action"], f"{where}.Action")
    for action in actions:
        if action.lower() not in ASSUME_ACTIONS:
            raise TrustPolicyError(f"{where}.Action: {action!r} is not sts:AssumeRole")
    principals = _principals(statement["Principal"], f"{where}.Principal")
    conditions = (
        _conditions(statement["Condition"], f"{where}.Condition") if "Condition" in statement else MappingProxyType({})
    )
    return TrustStatement(
        effect=str(statement["Effect"]),
        actions=actions,
        ram=principals.get("RAM", ()),
        services=principals.get("Service", ()),
        federated=principals.get("Federated", ()),
        conditions=conditions,
    )


def parse_trust_policy(document: str) -> TrustPolicy:
    """Parse a trust policy; raises :class:`TrustPolicyError` saying what is wrong. The length is the caller's
    check (it has its own error code)."""
    try:
        raw: Any = json.loads(document)
    except (json.JSONDecodeError, RecursionError):
        raise TrustPolicyError("the trust policy is not valid JSON") from None
    if not isinstance(raw, dict):
        raise TrustPolicyError("the trust policy must be a JSON object")
    top = cast(dict[str, object], raw)
    unknown = sorted(set(top) - {"Version", "Statement"})
    if unknown:
        raise TrustPolicyError(f"the trust policy has unknown key(s): {', '.join(unknown)}")
    if top.get("Version") != "1":
        raise TrustPolicyError('the trust policy Version must be "1"')
    body = top.get("Statement")
    items = cast(list[object], body) if isinstance(body, list) else [body] if isinstance(body, dict) else []
    if not items:
        raise TrustPolicyError("the trust policy must have at least one Statement")
    return TrustPolicy(tuple(_statement(item, f"Statement[{i}]") for i, item in enumerate(items)))
