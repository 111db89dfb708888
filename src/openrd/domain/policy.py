"""RAM policy documents: parsing and evaluation (the system policies are data: domain/system_policies.py).

Pure logic, no I/O. The grammar is the RAM one (docs/behaviour.md#policy-grammar)::

    {"Version": "1",
     "Statement": [{"Effect": "Allow" | "Deny",
                    "Action" | "NotAction": str | [str],
                    "Resource" | "NotResource": str | [str],
                    "Condition": {<Operator>: {<Key>: str | [str]}}}]}

Evaluation (docs/behaviour.md#policy-evaluation): default implicit deny; any applicable Allow grants; an applicable
explicit Deny overrides every Allow. Actions are matched on the whole ``service:Action`` string case-insensitively,
resources case-sensitively, both with ``*`` (any run of characters, possibly empty) and ``?`` (exactly one character).
``NotAction`` / ``NotResource`` make a statement apply to everything *except* the listed patterns.
"""

from __future__ import annotations

import enum
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Final, Generic, Literal, TypeVar, cast

from openrd.domain.conditions import CompiledConditions, ConditionError, compile_conditions, validate_condition_block
from openrd.domain.globs import Glob, compile_glob
from openrd.domain.request_context import RequestContext

T = TypeVar("T")

__all__ = [
    "MAX_DOCUMENT_LENGTH",
    "Decision",
    "Policy",
    "PolicyDocumentError",
    "Statement",
    "evaluate",
    "parse_policy_document",
]


class PolicyDocumentError(ValueError):
    """A policy document (or a directly built :class:`Statement`) is not valid RAM policy grammar."""


Effect = Literal["Allow", "Deny"]
ConditionBlock = Mapping[str, Mapping[str, tuple[str, ...]]]

_EFFECTS: Final = ("Allow", "Deny")
_DOCUMENT_KEYS: Final = frozenset({"Version", "Statement"})
_STATEMENT_KEYS: Final = frozenset({"Effect", "Action", "NotAction", "Resource", "NotResource", "Condition"})
# `*`, or `<service>:<pattern>`: a RAM code (letters, digits, `-`, `_`, `.`, wildcards) and a non-empty action pattern
# without whitespace or further colons.
_ACTION_RE: Final = re.compile(r"\*|[A-Za-z0-9_.\-*?]+:[^:\s]+")
_EMPTY_CONDITIONS: Final[ConditionBlock] = MappingProxyType({})
# RAM's documented limit on a policy document, in characters (a custom policy and an inline one alike).
MAX_DOCUMENT_LENGTH: Final = 6144
# A resource ARN, or a function resolving it on demand (``None``: it could not be resolved).
ResourceSource = str | Callable[[], str | None]
# The request's condition keys, or a function building them on demand; ``None``: the request carries none.
ContextSource = RequestContext | Callable[[], RequestContext | None] | None
_NO_CONTEXT: Final = RequestContext()


# --------------------------------------------------------------------------------------------- pattern compilation


def _any_region(pattern: str) -> str:
    """A resource pattern's empty region field means any region, as ``*`` does: ``acs:ram::1:user/x`` names the
    same users as ``acs:ram:*:1:user/x``."""
    parts = pattern.split(":", 3)
    if len(parts) == 4 and parts[0] == "acs" and parts[2] == "":
        parts[2] = "*"
        return ":".join(parts)
    return pattern


def _fold_role_name(pattern: str) -> str:
    """RAM role names compare case-insensitively, in ARNs too: the name after ``:role/`` is matched lower-cased
    (the resource side is lower-cased by ``resources.ram_arn``)."""
    head, marker, name = pattern.partition(":role/")
    return head + marker + name.lower() if marker and pattern.startswith("acs:ram:") else pattern


def _globs(patterns: tuple[str, ...], *, resources: bool) -> tuple[Glob, ...] | None:
    """The patterns compiled to linear-time globs; ``None`` means "matches everything" (a bare ``*``)."""
    if "*" in patterns:
        return None
    if resources:
        return tuple(compile_glob(_fold_role_name(_any_region(p))) for p in patterns)
    return tuple(compile_glob(p, ignore_case=True) for p in patterns)


def _matches(globs: tuple[Glob, ...] | None, value: str) -> bool:
    return globs is None or any(glob.match(value) for glob in globs)


# --------------------------------------------------------------------------------------------- model


@dataclass(frozen=True)
class Statement:
    """One statement. Exactly one of ``actions``/``not_actions`` and one of ``resources``/``not_resources`` is set.

    ``conditions`` (operator -> key -> values) must all hold in the request's context for the statement to apply;
    a key the request does not carry makes its condition false (docs/behaviour.md#policy-conditions).
    """

    effect: Effect
    actions: tuple[str, ...] = ()
    not_actions: tuple[str, ...] = ()
    resources: tuple[str, ...] = ()
    not_resources: tuple[str, ...] = ()
    conditions: ConditionBlock = field(default_factory=lambda: _EMPTY_CONDITIONS, hash=False)
    _action_globs: tuple[Glob, ...] | None = field(init=False, repr=False, compare=False, hash=False, default=None)
    _resource_globs: tuple[Glob, ...] | None = field(init=False, repr=False, compare=False, hash=False, default=None)
    _conditions: CompiledConditions | None = field(init=False, repr=False, compare=False, hash=False, default=None)

    def __post_init__(self) -> None:
        if self.effect not in _EFFECTS:
            raise PolicyDocumentError(f"Effect must be 'Allow' or 'Deny', not {self.effect!r}")
        if bool(self.actions) == bool(self.not_actions):
            raise PolicyDocumentError("a statement needs exactly one of Action and NotAction")
        if bool(self.resources) == bool(self.not_resources):
            raise PolicyDocumentError("a statement needs exactly one of Resource and NotResource")
        object.__setattr__(self, "_action_globs", _globs(self.actions or self.not_actions, resources=False))
        object.__setattr__(self, "_resource_globs", _globs(self.resources or self.not_resources, resources=True))
        if self.conditions:
            try:
                validate_condition_block(self.conditions)
                compiled = compile_conditions(self.conditions)
            except ConditionError as exc:
                raise PolicyDocumentError(f"Condition: {exc}") from None
            object.__setattr__(self, "_conditions", compiled)

    @property
    def any_resource(self) -> bool:
        """Whether the statement covers every resource (``Resource: "*"``), so no resource needs resolving."""
        return self._resource_globs is None and not self.not_resources

    def applies_to(self, action: str, resource: ResourceSource, context: ContextSource = None) -> bool:
        """Whether this statement covers ``action`` on ``resource`` in the request's ``context``.

        ``resource`` and ``context`` may be functions: each is called only when a statement needs it (names
        resources, carries a Condition), so the common ``Resource: "*"`` policies without conditions pay for
        neither (a directory lookup). A resource that could not be resolved (``None``) is covered by every Deny and
        by no Allow that names resources: unknown never weakens a Deny."""
        if _matches(self._action_globs, action) == bool(self.not_actions):
            return False
        if not self.any_resource:
            named = resource if isinstance(resource, str) else resource()
            if named is None:
                if self.effect != "Deny":
                    return False
            elif _matches(self._resource_globs, named) == bool(self.not_resources):
                return False
        if self._conditions is None:
            return True
        facts = context() if callable(context) else context
        return self._conditions.holds(facts if facts is not None else _NO_CONTEXT)


@dataclass(frozen=True)
class Policy:
    name: str
    statements: tuple[Statement, ...]


class Decision(enum.Enum):
    """Outcome of :func:`evaluate`; the values of the denials are RAM's ``NoPermissionType``."""

    ALLOW = "Allow"
    IMPLICIT_DENY = "ImplicitDeny"
    EXPLICIT_DENY = "ExplicitDeny"


def evaluate(
    policies: Iterable[Policy], *, action: str, resource: ResourceSource = "*", context: ContextSource = None
) -> Decision:
    """Decide ``action`` (``service:Action``) on ``resource``: explicit Deny > any Allow > implicit deny.

    ``resource`` may be a function returning the ARN and ``context`` one returning the request's condition keys;
    each is called at most once, and only if a statement needs it."""
    allowed = False
    named = resource if isinstance(resource, str) else _Once(resource)
    facts = _Once(context) if callable(context) else context
    for policy in policies:
        for statement in policy.statements:
            if statement.applies_to(action, named, facts):
                if statement.effect == "Deny":
                    return Decision.EXPLICIT_DENY
                allowed = True
    return Decision.ALLOW if allowed else Decision.IMPLICIT_DENY


class _Once(Generic[T]):
    """A value resolved on first use and remembered for the rest of one evaluation."""

    __slots__ = ("_resolve", "_resolved", "_value")

    def __init__(self, resolve: Callable[[], T]) -> None:
        self._resolve = resolve
        self._resolved = False
        self._value: T | None = None

    def __call__(self) -> T | None:
        if not self._resolved:
            self._value, self._resolved = self._resolve(), True
        return self._value


# --------------------------------------------------------------------------------------------- parsing


def _reject_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise PolicyDocumentError(f"duplicate key {key!r} in policy document")
        result[key] = value
    return result


def _string_keyed(value: object, where: str) -> Mapping[str, object]:
    if not isinstance(value, Mapping):
        raise PolicyDocumentError(f"{where} must be a JSON object, not {type(value).__name__}")
    mapping = cast(Mapping[object, object], value)
    for key in mapping:
        if not isinstance(key, str):
            raise PolicyDocumentError(f"{where} has a non-string key {key!r}")
    return cast(Mapping[str, object], mapping)


def _string_list(value: object, where: str) -> tuple[str, ...]:
    items: list[object]
    if isinstance(value, str):
        items = [value]
    elif isinstance(value, list):
        items = cast(list[object], value)
        if not items:
            raise PolicyDocumentError(f"{where} must not be an empty list")
    else:
        raise PolicyDocumentError(f"{where} must be a string or a list of strings, not {type(value).__name__}")
    for item in items:
        if not isinstance(item, str):
            raise PolicyDocumentError(f"{where} must contain only strings, found {type(item).__name__}")
        if not item:
            raise PolicyDocumentError(f"{where} must not contain an empty string")
    return tuple(cast(list[str], items))


def _condition_value(value: object, where: str) -> str:
    # JSON documents sometimes carry Bool/Numeric condition values unquoted; keep them as their JSON spelling.
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return json.dumps(value)
    raise PolicyDocumentError(f"{where} values must be strings, not {type(value).__name__}")


def _parse_conditions(value: object, where: str) -> ConditionBlock:
    operators = _string_keyed(value, where)
    if not operators:
        raise PolicyDocumentError(f"{where} must not be empty")
    parsed: dict[str, Mapping[str, tuple[str, ...]]] = {}
    for operator, block in operators.items():
        keys = _string_keyed(block, f"{where}.{operator}")
        if not keys:
            raise PolicyDocumentError(f"{where}.{operator} must not be empty")
        entries: dict[str, tuple[str, ...]] = {}
        for key, raw in keys.items():
            key_where = f"{where}.{operator}.{key}"
            if isinstance(raw, list):
                raw_items = cast(list[object], raw)
                if not raw_items:
                    raise PolicyDocumentError(f"{key_where} must not be an empty list")
                entries[key] = tuple(_condition_value(item, key_where) for item in raw_items)
            else:
                entries[key] = (_condition_value(raw, key_where),)
        parsed[operator] = MappingProxyType(entries)
    return MappingProxyType(parsed)


def _exactly_one(statement: Mapping[str, object], positive: str, negative: str, where: str) -> tuple[str, str]:
    present = [key for key in (positive, negative) if key in statement]
    if len(present) != 1:
        raise PolicyDocumentError(f"{where} must have exactly one of {positive!r} and {negative!r}")
    return present[0], f"{where}.{present[0]}"


def _parse_statement(value: object, where: str) -> Statement:
    statement = _string_keyed(value, where)
    unknown = sorted(set(statement) - _STATEMENT_KEYS)
    if unknown:
        raise PolicyDocumentError(f"{where} has unknown key(s): {', '.join(unknown)}")
    if "Effect" not in statement:
        raise PolicyDocumentError(f"{where} is missing 'Effect'")
    effect = statement["Effect"]
    if effect not in _EFFECTS:
        raise PolicyDocumentError(f"{where}.Effect must be 'Allow' or 'Deny', not {effect!r}")

    action_key, action_where = _exactly_one(statement, "Action", "NotAction", where)
    actions = _string_list(statement[action_key], action_where)
    for action in actions:
        if not _ACTION_RE.fullmatch(action):
            raise PolicyDocumentError(f"{action_where}: {action!r} is not '*' or '<service>:<action>'")
    resource_key, resource_where = _exactly_one(statement, "Resource", "NotResource", where)
    resources = _string_list(statement[resource_key], resource_where)

    conditions = (
        _parse_conditions(statement["Condition"], f"{where}.Condition")
        if "Condition" in statement
        else _EMPTY_CONDITIONS
    )
    return Statement(
        effect=effect,
        actions=actions if action_key == "Action" else (),
        not_actions=actions if action_key == "NotAction" else (),
        resources=resources if resource_key == "Resource" else (),
        not_resources=resources if resource_key == "NotResource" else (),
        conditions=conditions,
    )


def parse_policy_document(document: str | Mapping[str, Any], *, name: str = "custom") -> Policy:
    """Parse a RAM policy document (a JSON string or an already-decoded object) into a :class:`Policy`.

    Raises :class:`PolicyDocumentError` on invalid JSON, unknown keys, wrong types, empty lists, a ``Version`` other
    than ``"1"``, malformed action names, or statements without exactly one of Action/NotAction and of
    Resource/NotResource.
    """
    raw: object = document
    if isinstance(raw, str):
        try:
            raw = json.loads(raw, object_pairs_hook=_reject_duplicate_keys)
        except json.JSONDecodeError as exc:
            raise PolicyDocumentError(f"policy document is not valid JSON: {exc}") from exc
        except RecursionError:  # nesting deeper than the parser survives; no real policy comes near it
            raise PolicyDocumentError("policy document nests too deeply") from None
    top = _string_keyed(raw, "policy document")
    unknown = sorted(set(top) - _DOCUMENT_KEYS)
    if unknown:
        raise PolicyDocumentError(f"policy document has unknown key(s): {', '.join(unknown)}")
    if "Version" not in top:
        raise PolicyDocumentError("policy document is missing 'Version'")
    if not isinstance(top["Version"], str) or top["Version"] != "1":
        raise PolicyDocumentError(f'policy document Version must be "1", not {top["Version"]!r}')
    if "Statement" not in top:
        raise PolicyDocumentError("policy document is missing 'Statement'")
    body = top["Statement"]
    items: list[object]
    if isinstance(body, list):
        items = cast(list[object], body)
        if not items:
            raise PolicyDocumentError("Statement must not be an empty list")
    elif isinstance(body, Mapping):
        items = [body]
    else:
        raise PolicyDocumentError(f"Statement must be an object or a list of objects, not {type(body).__name__}")
    statements = tuple(_parse_statement(item, f"Statement[{index}]") for index, item in enumerate(items))
    return Policy(name=name, statements=statements)
