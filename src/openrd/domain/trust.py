"""A RAM role's trust policy (``AssumeRolePolicyDocument``): who may assume the role (docs/ram.md#trust-policies).

Pure logic, no I/O. The grammar::

    {"Version": "1",
     "Statement": [{"Effect": "Allow" | "Deny",
                    "Action": "sts:AssumeRole" | [...],
                    "Principal": {"RAM": str | [str], "Service": str | [str], "Federated": str | [str]},
                    "Condition": {<Operator>: {<Key>: str | [str]}}}]}

``Principal.RAM`` names an account (``acs:ram::<account>:root``), one of its RAM users (``…:user/<name>``) or roles
(``…:role/<name>``); ``Service`` an Alibaba Cloud service (``ecs.aliyuncs.com``); ``Federated`` an identity
provider (``acs:ram::<account>:saml-provider/<name>`` or ``oidc-provider``).

One grammar serves both uses. :func:`parse_trust_policy` refuses anything outside it (CreateRole and UpdateRole);
:func:`read_trust_policy` reads a stored document for STS (domain/role_trust.py evaluates what it returns) and
keeps going past what it cannot read, failing closed: a statement the grammar refuses is left out when it is an
Allow, and denies everyone when it is a Deny that covers ``sts:AssumeRole``; a document that is not a JSON object
with statements has none. Only :func:`parse_trust_policy` limits ``Action`` to the assume actions by name;
evaluation matches the actions as globs (``sts:*`` covers ``sts:AssumeRole``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from types import MappingProxyType
from typing import Any, Final, cast

from openrd.domain.conditions import ConditionError, validate_condition_block
from openrd.domain.globs import compile_glob
from openrd.domain.policy import MAX_DOCUMENT_LENGTH

__all__ = [
    "ASSUME_ROLE",
    "MAX_TRUST_POLICY_LENGTH",
    "RamEntry",
    "TrustPolicy",
    "TrustPolicyError",
    "TrustStatement",
    "parse_trust_policy",
    "read_trust_policy",
]

MAX_TRUST_POLICY_LENGTH: Final = MAX_DOCUMENT_LENGTH
ASSUME_ROLE: Final = "sts:AssumeRole"
ASSUME_ACTIONS: Final = frozenset({"sts:assumerole", "sts:assumerolewithsaml", "sts:assumerolewithoidc"})
_RAM_PRINCIPAL: Final = re.compile(
    r"acs:ram::(?P<account>[0-9]{1,20}):(?:root|(?P<kind>user|role)/(?P<name>[A-Za-z0-9._@-]{1,64}))"
)
_SERVICE_PRINCIPAL: Final = re.compile(r"[a-z0-9][a-z0-9.-]{0,126}\.aliyuncs\.com")
_FEDERATED_PRINCIPAL: Final = re.compile(r"acs:ram::[0-9]{1,20}:(saml-provider|oidc-provider)/[A-Za-z0-9._-]{1,128}")
_PRINCIPAL_FORMS: Final = {"RAM": _RAM_PRINCIPAL, "Service": _SERVICE_PRINCIPAL, "Federated": _FEDERATED_PRINCIPAL}
_STATEMENT_KEYS: Final = frozenset({"Effect", "Action", "Principal", "Condition"})


class TrustPolicyError(ValueError):
    """The document is not a trust policy; the message says where (MalformedPolicyDocument carries it)."""


@dataclass(frozen=True)
class RamEntry:
    """One ``Principal.RAM`` entry taken apart: ``kind`` is "root", "user" or "role"; ``name`` is lower-cased
    (RAM's names are unique without regard to case) and empty for root."""

    account: str
    kind: str
    name: str


@dataclass(frozen=True)
class TrustStatement:
    effect: str  # "Allow" | "Deny"
    actions: tuple[str, ...]  # as written; compare case-insensitively
    ram: tuple[str, ...] = ()
    services: tuple[str, ...] = ()
    federated: tuple[str, ...] = ()
    conditions: Mapping[str, Mapping[str, tuple[str, ...]]] = field(default_factory=lambda: MappingProxyType({}))

    @cached_property
    def ram_entries(self) -> tuple[RamEntry, ...]:
        entries = []
        for entry in self.ram:
            match = _RAM_PRINCIPAL.fullmatch(entry)
            if match is not None:  # always, for a statement this module parsed
                kind = match["kind"] or "root"
                entries.append(RamEntry(match["account"], kind, (match["name"] or "").lower()))
        return tuple(entries)

    def covers_assume_role(self) -> bool:
        return _covers_assume_role(self.actions)


@dataclass(frozen=True)
class TrustPolicy:
    statements: tuple[TrustStatement, ...]
    unreadable_deny: bool = False  # read_trust_policy met a Deny on sts:AssumeRole it could not read


def _covers_assume_role(actions: tuple[str, ...]) -> bool:
    return any(compile_glob(action, ignore_case=True).match(ASSUME_ROLE) for action in actions)


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


def _statement_items(top: dict[str, object]) -> list[object]:
    body = top.get("Statement")
    return cast(list[object], body) if isinstance(body, list) else [body] if isinstance(body, dict) else []


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
    items = _statement_items(top)
    if not items:
        raise TrustPolicyError("the trust policy must have at least one Statement")
    statements = []
    for i, item in enumerate(items):
        statement = _statement(item, f"Statement[{i}]")
        for action in statement.actions:
            if action.lower() not in ASSUME_ACTIONS:
                raise TrustPolicyError(f"Statement[{i}].Action: {action!r} is not sts:AssumeRole")
        statements.append(statement)
    return TrustPolicy(tuple(statements))


def _unreadable_deny(item: object) -> bool:
    """Whether a statement the grammar refused is a Deny whose Action (as far as it reads) covers AssumeRole."""
    if not isinstance(item, dict) or cast(dict[str, object], item).get("Effect") != "Deny":
        return False
    action = cast(dict[str, object], item).get("Action", [])
    written = cast(list[object], action) if isinstance(action, list) else [action]
    return _covers_assume_role(tuple(entry if isinstance(entry, str) else json.dumps(entry) for entry in written))


@lru_cache(maxsize=1024)
def read_trust_policy(document: str) -> TrustPolicy:
    """The statements of a stored trust policy that the grammar reads, for evaluation; never raises (see the
    module's docstring for what is left out)."""
    try:
        raw: Any = json.loads(document)
    except (ValueError, RecursionError):
        return TrustPolicy(())
    if not isinstance(raw, dict):
        return TrustPolicy(())
    statements = []
    for i, item in enumerate(_statement_items(cast(dict[str, object], raw))):
        try:
            statements.append(_statement(item, f"Statement[{i}]"))
        except TrustPolicyError:
            if _unreadable_deny(item):
                return TrustPolicy((), unreadable_deny=True)
    return TrustPolicy(tuple(statements))
