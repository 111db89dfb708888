"""RAM policy ``Condition`` blocks: validation when a policy is written, evaluation on every conditioned call.

A block maps operator → condition key → values (``{"IpAddress": {"acs:SourceIp": ["10.0.0.0/8"]}}``), all values
kept as strings (JSON booleans and numbers in their JSON spelling). The rules:

* Every operator of a block must hold, and within an operator every key (AND); of one key's values any one is
  enough (OR). An empty block holds.
* The ``Not…`` operators (``StringNotEquals``, ``StringNotEqualsIgnoreCase``, ``StringNotLike``,
  ``NumericNotEquals``, ``DateNotEquals``, ``NotIpAddress``) hold when the request value matches **none** of the
  listed values, the reading AWS documents for its equivalents: ``StringNotEquals {"k": ["a", "b"]}`` means
  "neither a nor b".
* A key the request does not carry makes its condition false, for the ``Not…`` operators too; so does a request value
  that cannot be read as the operator's type (``NumericEquals`` against a non-number, ``IpAddress`` against a client
  address that is not an IP address). Condition keys are case-insensitive; operator names are not.
* A multi-valued request key (a tuple of strings) holds if **any** of its values satisfies the condition on its own
  (as AWS's ``ForAnyValue:``); for a ``Not…`` operator that is "some value matches none of the listed ones". An empty
  tuple is an absent key.

Types, and what a policy value must look like (:func:`validate_condition_block` refuses anything else):

* String: any string. ``…IgnoreCase`` compares after :meth:`str.casefold`; ``StringLike`` / ``StringNotLike`` take
  ``*`` / ``?`` wildcards and are case-sensitive (see :mod:`openrd.domain.globs`). A non-string request value is
  compared in its canonical spelling (``true``, ``2026-12-07T00:00:00Z``, ``10.0.0.1``).
* Numeric: a decimal number (``42``, ``-1.5``, ``1e3``), compared exactly (``1.0`` equals ``1``).
* Date: RFC 3339 / ISO 8601 — ``2026-12-07``, ``2026-12-07T08:00:00+08:00``, ``2026-12-07T00:00:00.25Z``; a value
  without an offset is UTC. Compared to the microsecond. Epoch seconds are refused: Alibaba documents only ISO 8601.
* Bool: ``true`` / ``false``, in any case.
* IpAddress / NotIpAddress: an IPv4 or IPv6 address or CIDR range (host bits allowed: ``10.1.2.3/8`` is ``10.0.0.0/8``).
  An IPv4-mapped IPv6 client address (``::ffff:10.0.0.1``, what a dual-stack listener reports) is matched as IPv4.

Evaluation never raises: a value that slipped past validation simply never matches, an unknown operator never holds.
Hold a :class:`CompiledConditions` (from :func:`compile_conditions`, built once when the policy is parsed) on the hot
path; :func:`conditions_hold` compiles through a bounded cache for callers that keep only the raw block.
"""

from __future__ import annotations

import functools
import ipaddress
import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from openrd.domain.globs import compile_glob
from openrd.domain.request_context import ContextValue, IPAddress, RequestContext, Scalar, parse_address

__all__ = [
    "OPERATORS",
    "CompiledConditions",
    "ConditionBlock",
    "ConditionError",
    "ContextValue",
    "RequestContext",
    "compile_conditions",
    "conditions_hold",
    "parse_condition_date",
    "validate_condition_block",
]

ConditionBlock = Mapping[str, Mapping[str, tuple[str, ...]]]
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


class ConditionError(ValueError):
    """A Condition block names an unknown operator or carries a value its operator can never match."""


# --------------------------------------------------------------------------------------------- value parsing

_NUMBER_RE: Final = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_DATE_RE: Final = re.compile(
    r"(?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2})"
    r"(?:[Tt ](?P<hour>[0-9]{2}):(?P<minute>[0-9]{2})(?::(?P<second>[0-9]{2})(?:\.(?P<fraction>[0-9]+))?)?"
    r"(?P<offset>[Zz]|[+-][0-9]{2}:?[0-9]{2})?)?"
)


def _parse_number(text: str) -> Decimal | None:
    if not _NUMBER_RE.fullmatch(text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:  # an exponent beyond what decimal can hold
        return None


def _offset(text: str | None) -> timezone | None:
    if text is None or text in "Zz":
        return UTC
    hours, minutes = int(text[1:3]), int(text[-2:])
    if hours > 23 or minutes > 59:
        return None
    delta = timedelta(hours=hours, minutes=minutes)
    return timezone(-delta if text[0] == "-" else delta)


def parse_condition_date(text: str) -> datetime | None:
    """An aware datetime for an RFC 3339 / ISO 8601 condition value (no offset means UTC), or ``None``."""
    match = _DATE_RE.fullmatch(text)
    if match is None:
        return None
    zone = _offset(match["offset"])
    if zone is None:
        return None
    year, month, day = (int(part) for part in match["date"].split("-"))
    fraction = (match["fraction"] or "0")[:6].ljust(6, "0")  # beyond microseconds cannot be represented
    try:
        return datetime(
            year,
            month,
            day,
            int(match["hour"] or 0),
            int(match["minute"] or 0),
            int(match["second"] or 0),
            int(fraction),
            tzinfo=zone,
        )
    except ValueError:  # 2026-02-30, 25:00, a leap second
        return None


def _parse_bool(text: str) -> bool | None:
    return {"true": True, "false": False}.get(text.lower())


def _parse_network(text: str) -> IPNetwork | None:
    try:
        return ipaddress.ip_network(text, strict=False)
    except ValueError:
        return None


def _spelling(value: Scalar) -> str:
    """The canonical string form string operators compare a typed request value in."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    return str(value)


# --------------------------------------------------------------------------------------------- types and operators


def _request_string(value: Scalar) -> str:
    return _spelling(value)


def _request_folded(value: Scalar) -> str:
    return _spelling(value).casefold()


def _request_number(value: Scalar) -> Decimal | None:
    return _parse_number(value) if isinstance(value, str) else None


def _request_date(value: Scalar) -> datetime | None:
    if isinstance(value, datetime):
        return value
    return parse_condition_date(value) if isinstance(value, str) else None


def _request_bool(value: Scalar) -> bool | None:
    if isinstance(value, bool):
        return value
    return _parse_bool(value) if isinstance(value, str) else None


def _request_address(value: Scalar) -> IPAddress | None:
    if isinstance(value, ipaddress.IPv4Address | ipaddress.IPv6Address):
        return value
    return parse_address(value) if isinstance(value, str) else None


@dataclass(frozen=True, slots=True)
class _Kind:
    """How one value type reads policy values (``None``: invalid) and request values (``None``: not comparable)."""

    description: str
    policy: Callable[[str], Any]
    request: Callable[[Scalar], Any]


_STRING: Final = _Kind("a string", lambda text: text, _request_string)
_FOLDED: Final = _Kind("a string", str.casefold, _request_folded)
_GLOB: Final = _Kind("a wildcard pattern", compile_glob, _request_string)
_NUMBER: Final = _Kind("a decimal number", _parse_number, _request_number)
_DATE: Final = _Kind("an RFC 3339 date and time", parse_condition_date, _request_date)
_BOOL: Final = _Kind("true or false", _parse_bool, _request_bool)
_IP: Final = _Kind("an IP address or CIDR range", _parse_network, _request_address)


def _glob_matches(value: str, glob: Any) -> bool:
    return bool(glob.match(value))


def _in_network(address: IPAddress, network: IPNetwork) -> bool:
    if address.version == network.version:
        return address in network
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped is not None and mapped in network


@dataclass(frozen=True, slots=True)
class _Operator:
    kind: _Kind
    test: Callable[[Any, Any], bool]  # (request value, policy value) -> matches
    negated: bool = False  # holds when the request value matches none of the policy values


_OPERATORS: Final[Mapping[str, _Operator]] = {
    "StringEquals": _Operator(_STRING, operator.eq),
    "StringNotEquals": _Operator(_STRING, operator.eq, negated=True),
    "StringEqualsIgnoreCase": _Operator(_FOLDED, operator.eq),
    "StringNotEqualsIgnoreCase": _Operator(_FOLDED, operator.eq, negated=True),
    "StringLike": _Operator(_GLOB, _glob_matches),
    "StringNotLike": _Operator(_GLOB, _glob_matches, negated=True),
    "NumericEquals": _Operator(_NUMBER, operator.eq),
    "NumericNotEquals": _Operator(_NUMBER, operator.eq, negated=True),
    "NumericLessThan": _Operator(_NUMBER, operator.lt),
    "NumericLessThanEquals": _Operator(_NUMBER, operator.le),
    "NumericGreaterThan": _Operator(_NUMBER, operator.gt),
    "NumericGreaterThanEquals": _Operator(_NUMBER, operator.ge),
    "DateEquals": _Operator(_DATE, operator.eq),
    "DateNotEquals": _Operator(_DATE, operator.eq, negated=True),
    "DateLessThan": _Operator(_DATE, operator.lt),
    "DateLessThanEquals": _Operator(_DATE, operator.le),
    "DateGreaterThan": _Operator(_DATE, operator.gt),
    "DateGreaterThanEquals": _Operator(_DATE, operator.ge),
    "Bool": _Operator(_BOOL, operator.eq),
    "IpAddress": _Operator(_IP, _in_network),
    "NotIpAddress": _Operator(_IP, _in_network, negated=True),
}
OPERATORS: Final = frozenset(_OPERATORS)


# --------------------------------------------------------------------------------------------- compile and evaluate


@dataclass(frozen=True, slots=True)
class _Clause:
    """One operator applied to one key; ``operator`` ``None`` is an unknown operator, which never holds."""

    operator: _Operator | None
    key: str  # lower-cased
    values: tuple[Any, ...]  # parsed policy values; ``None`` for one that does not parse

    def holds(self, context: RequestContext) -> bool:
        op = self.operator
        if op is None:
            return False
        for raw in context.scalars(self.key):
            request = op.kind.request(raw)
            if request is None:
                continue
            matched = any(value is not None and op.test(request, value) for value in self.values)
            if matched != op.negated:
                return True
        return False


@dataclass(frozen=True, slots=True)
class CompiledConditions:
    """A Condition block with its values parsed once; :meth:`holds` is all that runs per request."""

    clauses: tuple[_Clause, ...] = ()

    def holds(self, context: RequestContext) -> bool:
        return all(clause.holds(context) for clause in self.clauses)


def compile_conditions(block: ConditionBlock) -> CompiledConditions:
    """Parse ``block`` for evaluation without raising; run :func:`validate_condition_block` first to refuse bad ones."""
    clauses = []
    for name, keys in block.items():
        op = _OPERATORS.get(name)
        for key, values in keys.items():
            parsed = tuple(_policy_value(op.kind, value) for value in values) if op else ()
            clauses.append(_Clause(op, key.lower(), parsed))
    return CompiledConditions(tuple(clauses))


def _policy_value(kind: _Kind, value: object) -> Any:
    return kind.policy(value) if isinstance(value, str) else None


def validate_condition_block(block: ConditionBlock) -> None:
    """Raise :class:`ConditionError` for an unknown operator, an empty key or value list, or a value its operator
    can never match (a bad CIDR range, a non-number for ``Numeric…``, a bad date, a non-boolean for ``Bool``).

    Unknown condition keys are accepted: Alibaba's services define many that openrd never sets, and such a key is
    simply absent from every request.
    """
    for name, keys in block.items():
        op = _OPERATORS.get(name)
        if op is None:
            close = [known for known in _OPERATORS if known.lower() == name.lower()]
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ConditionError(f"unknown condition operator {name!r}{hint}")
        if not keys:
            raise ConditionError(f"{name} names no condition key")
        for key, values in keys.items():
            if not key:
                raise ConditionError(f"{name} has an empty condition key")
            if not values:
                raise ConditionError(f"{name}.{key} has no values")
            for value in values:
                if not isinstance(value, str) or _policy_value(op.kind, value) is None:
                    raise ConditionError(f"{name}.{key}: {value!r} is not {op.kind.description}")


def _freeze(block: ConditionBlock) -> tuple[tuple[str, tuple[tuple[str, tuple[str, ...]], ...]], ...]:
    return tuple((name, tuple((key, tuple(values)) for key, values in keys.items())) for name, keys in block.items())


@functools.lru_cache(maxsize=1024)
def _compile_frozen(frozen: tuple[tuple[str, tuple[tuple[str, tuple[str, ...]], ...]], ...]) -> CompiledConditions:
    return compile_conditions({name: dict(keys) for name, keys in frozen})


def conditions_hold(block: ConditionBlock, context: RequestContext) -> bool:
    """Whether every condition of ``block`` holds for ``context`` (an empty block holds)."""
    if not block:
        return True
    return _compile_frozen(_freeze(block)).holds(context)
