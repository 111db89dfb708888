"""Whether a role's trust policy (``AssumeRolePolicyDocument``) lets a caller assume the role (docs/sts.md).

Pure logic, no I/O. A trust statement applies to a caller when its ``Action`` covers ``sts:AssumeRole``, its
``Principal`` names the caller and every ``Condition`` holds in the request (``sts:ExternalId`` included). As in
identity policies, an applicable ``Deny`` wins over any ``Allow``, and nothing applicable is an implicit deny.

``Principal.RAM`` entries: ``acs:ram::<account>:root`` names every RAM user and role session of that account (the
account's own root AccessKey never gets this far: STS refuses root callers first); ``…:user/<name>`` one RAM user;
``…:role/<name>`` the sessions of one role (chaining). Names compare case-insensitively, as RAM's names are unique
without regard to case. ``Principal.Service`` and ``Principal.Federated`` name cloud services and identity
providers, never a user or a session, so they never match here. A document that does not parse admits nobody.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any, Final, cast

from openrd.domain.conditions import CompiledConditions, ConditionError, compile_conditions, validate_condition_block
from openrd.domain.globs import compile_glob
from openrd.domain.identity import Principal, PrincipalKind
from openrd.domain.policy import Decision
from openrd.domain.request_context import RequestContext

__all__ = ["ASSUME_ROLE", "TrustRule", "trust_decision", "trust_rules"]

ASSUME_ROLE: Final = "sts:AssumeRole"
_RAM_ENTRY: Final = re.compile(r"acs:ram::(?P<account>[0-9]{1,20}):(?P<kind>root|user|role)(?:/(?P<name>[^/]+))?")


class TrustRule:
    """One statement, ready to test: its effect, which callers it names and its compiled conditions."""

    __slots__ = ("conditions", "effect", "everyone", "principals")

    def __init__(
        self,
        effect: str,
        principals: tuple[tuple[str, str, str], ...],
        conditions: CompiledConditions | None,
        *,
        everyone: bool = False,
    ) -> None:
        self.effect = effect
        self.principals = principals  # (account, "root" | "user" | "role", lower-cased name or "")
        self.conditions = conditions
        self.everyone = everyone

    def names(self, caller: Principal) -> bool:
        if self.everyone:
            return True
        for account, kind, name in self.principals:
            if account != caller.account_id:
                continue
            if kind == "root" and caller.kind is not PrincipalKind.ROOT:
                return True
            wanted = PrincipalKind.USER if kind == "user" else PrincipalKind.ROLE_SESSION
            if caller.kind is wanted and caller.name.lower() == name:
                return True
        return False


def _strings(value: object) -> tuple[str, ...]:
    items = cast(list[object], value) if isinstance(value, list) else [value]
    return tuple(item if isinstance(item, str) else json.dumps(item) for item in items)


def _covers_assume_role(actions: tuple[str, ...]) -> bool:
    return any(compile_glob(action, ignore_case=True).match(ASSUME_ROLE) for action in actions)


def _principals(value: object) -> tuple[tuple[str, str, str], ...]:
    if not isinstance(value, Mapping):
        return ()
    found = []
    for entry in _strings(cast(Mapping[str, object], value).get("RAM", [])):
        match = _RAM_ENTRY.fullmatch(entry)
        if match is None or (match["kind"] == "root") != (match["name"] is None):
            continue  # a malformed entry names nobody
        found.append((match["account"], match["kind"], (match["name"] or "").lower()))
    return tuple(found)


def _conditions(value: object) -> CompiledConditions | None:
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise ConditionError("Condition must be an object")
    block = {
        str(operator): {str(key): _strings(values) for key, values in cast(Mapping[str, object], keys).items()}
        for operator, keys in cast(Mapping[str, object], value).items()
        if isinstance(keys, Mapping)
    }
    validate_condition_block(block)
    return compile_conditions(block)


@lru_cache(maxsize=1024)
def trust_rules(document: str) -> tuple[TrustRule, ...]:
    """The statements of a trust policy that concern ``sts:AssumeRole``; empty for a document that does not parse
    (a statement that cannot be read as written is left out only when it is an Allow: a Deny then denies all)."""
    try:
        raw: Any = json.loads(document)
    except (ValueError, RecursionError):
        return ()
    statements = raw.get("Statement") if isinstance(raw, dict) else None
    items = statements if isinstance(statements, list) else [statements]
    rules = []
    for item in items:
        if not isinstance(item, dict) or item.get("Effect") not in ("Allow", "Deny"):
            continue
        if not _covers_assume_role(_strings(item.get("Action", []))):
            continue
        try:
            conditions = _conditions(item.get("Condition"))
        except ConditionError:
            if item["Effect"] == "Deny":
                return (TrustRule("Deny", (), None, everyone=True),)  # an unreadable Deny is never dropped
            continue
        rules.append(TrustRule(item["Effect"], _principals(item.get("Principal")), conditions))
    return tuple(rules)


def trust_decision(document: str, caller: Principal, context: RequestContext) -> Decision:
    """Allow, ImplicitDeny or ExplicitDeny for ``caller`` assuming the role whose trust policy is ``document``."""
    allowed = False
    for rule in trust_rules(document):
        if not rule.names(caller):
            continue
        if rule.conditions is not None and not rule.conditions.holds(context):
            continue
        if rule.effect == "Deny":
            return Decision.EXPLICIT_DENY
        allowed = True
    return Decision.ALLOW if allowed else Decision.IMPLICIT_DENY
