"""Declared fields of the control API's JSON bodies and query strings: one declaration per field (name, type,
required, pattern and limits, doc) from which both the route's parsing and the OpenAPI document are generated.

Bodies that create something treat ``null`` as absent (a required field then is missing) and document optional
fields as nullable; a patch body (``patch=True``) refuses unknown fields, takes ``null`` only where a field is
``nullable`` (it clears the value), and leaves absent fields unchanged. A query field's empty value is absent.
The route checks every field's type first, then each field's limits, then the body's rules; the services check
the domain's rules again (a phone number's numbering plan, a policy document's grammar).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, TypeVar

from openrd import errors

Schema = dict[str, Any]
Values = Mapping[str, Any]
Kind = Literal["string", "integer", "boolean", "array"]
T = TypeVar("T")
SITES = "<the server's site names>"  # in ``choices``: the configured site profiles' names
_PYTHON_TYPES: dict[str, type] = {"string": str, "integer": int, "boolean": bool, "array": list}


def invalid(message: str) -> errors.ControlInvalid:
    return errors.ControlInvalid(message)


@dataclass(frozen=True)
class Field:
    name: str
    kind: Kind
    doc: str = ""
    required: bool = False
    nullable: bool = False  # patch bodies only: null is a value (it clears the field)
    pattern: re.Pattern[str] | None = None
    max_length: int | None = None
    minimum: int | None = None
    maximum: int | None = None
    choices: tuple[Any, ...] | None = None  # an enum (SITES stands for the server's site names)
    items: Schema | None = None  # what an array holds, for the document; ``convert`` checks each item
    format: str | None = None
    invalid: str = ""  # the message for a value outside the limits; may name ``{value!r}``
    convert: Callable[[Any], Any] | None = None  # after the checks: the typed value

    def schema(self, sites: Sequence[str], *, nullable: bool) -> Schema:
        out: Schema = {}
        if self.choices is not None:
            out["enum"] = [*self._choices(sites), *([None] if nullable else [])]
        else:
            out["type"] = [self.kind, "null"] if nullable else self.kind
        limits = {
            "pattern": self.pattern.pattern if self.pattern else None,
            "maxLength": self.max_length,
            "minimum": self.minimum,
            "maximum": self.maximum,
            "format": self.format,
            "items": self.items,
            "description": self.doc or None,
        }
        out.update({key: value for key, value in limits.items() if value is not None})
        return out

    def _choices(self, sites: Sequence[str]) -> list[Any]:
        names: list[Any] = []
        for choice in self.choices or ():
            names.extend(sites if choice == SITES else [choice])
        return names

    def check_type(self, value: Any) -> Any:
        """The value as its kind (JSON has one number type: 3600.0 is the integer 3600, as JSON Schema says)."""
        if self.kind == "integer" and isinstance(value, float) and value.is_integer():
            return int(value)
        if not isinstance(value, _PYTHON_TYPES[self.kind]) or (self.kind == "integer" and isinstance(value, bool)):
            raise invalid(f"{self.name} has the wrong type")
        return value

    def check_limits(self, value: Any, sites: Sequence[str]) -> Any:
        if value is None:
            return None
        fits = (
            (self.choices is None or value in self._choices(sites))
            and (self.pattern is None or self.pattern.fullmatch(value) is not None)
            and (self.max_length is None or len(value) <= self.max_length)
            and (self.minimum is None or value >= self.minimum)
            and (self.maximum is None or value <= self.maximum)
        )
        if not fits:
            message = self.invalid or "{name} is invalid"
            raise invalid(message.format(name=self.name, value=value, sites=", ".join(sorted(sites))))
        return self.convert(value) if self.convert is not None else value


@dataclass(frozen=True)
class ExactlyOne:
    """Exactly one of these fields is given (not null)."""

    names: tuple[str, ...]
    message: str

    def schema(self, fields: Mapping[str, Field]) -> Schema:
        return {
            "oneOf": [{"required": [name], "properties": {name: {"type": fields[name].kind}}} for name in self.names]
        }

    def check(self, values: Values) -> None:
        if sum(values.get(name) is not None for name in self.names) != 1:
            raise invalid(self.message)


@dataclass(frozen=True)
class DefaultsTo:
    """``name`` absent takes ``source``'s value, which must then match ``pattern`` too."""

    name: str
    source: str
    pattern: re.Pattern[str]
    message: str

    def schema(self, fields: Mapping[str, Field]) -> Schema:
        return {
            "anyOf": [
                {"required": [self.name], "properties": {self.name: {"type": fields[self.name].kind}}},
                {"properties": {self.source: {"pattern": self.pattern.pattern}}},
            ]
        }

    def check(self, values: Values) -> None:
        if values.get(self.name) is None and not self.pattern.fullmatch(values[self.source]):
            raise invalid(self.message)


Rule = ExactlyOne | DefaultsTo


@dataclass(frozen=True)
class Body(Generic[T]):
    """A JSON body: its fields, its rules, and ``build`` making the typed request from the parsed values."""

    name: str  # the component schema's name in the document
    fields: tuple[Field, ...]
    build: Callable[[Values], T]
    rules: tuple[Rule, ...] = ()
    patch: bool = False
    doc: str = ""
    by_name: Mapping[str, Field] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_name", {f.name: f for f in self.fields})

    def parse(self, data: Mapping[str, Any], *, sites: Sequence[str] = ()) -> T:
        if self.patch:
            unknown = set(data) - set(self.by_name)
            if unknown:
                raise invalid(f"cannot change {', '.join(sorted(unknown))}")
        typed: dict[str, Any] = {}
        for spec in self.fields:
            value = data.get(spec.name)
            if value is None:
                if self.patch and spec.name in data and not spec.nullable:
                    raise invalid(f"{spec.name} must not be null")
                if spec.required:
                    raise invalid(f"{spec.name} is required")
                if spec.name in data or not self.patch:
                    typed[spec.name] = None
                continue
            typed[spec.name] = spec.check_type(value)
        values = {name: self.by_name[name].check_limits(value, sites) for name, value in typed.items()}
        for rule in self.rules:
            rule.check(values)
        return self.build(values)

    def schema(self, sites: Sequence[str]) -> Schema:
        properties = {
            f.name: f.schema(sites, nullable=f.nullable if self.patch else not f.required) for f in self.fields
        }
        out: Schema = {"type": "object", "properties": properties}
        required = [f.name for f in self.fields if f.required]
        if required:
            out["required"] = required
        if self.patch:
            out["additionalProperties"] = False
        if self.doc:
            out["description"] = self.doc
        for rule in self.rules:
            out.update(rule.schema(self.by_name))
        return out


@dataclass(frozen=True)
class QueryField:
    """A query parameter: a string matching ``pattern``, one of ``choices``, or (``default`` given) a limit."""

    name: str
    doc: str
    pattern: re.Pattern[str] | None = None
    choices: tuple[str, ...] | None = None
    default: int | None = None  # a ``limit``: ASCII digits from 1 to ``maximum``
    maximum: int = 0
    invalid: str = ""

    def parameter(self) -> Schema:
        if self.default is not None:
            schema: Schema = {"type": "integer", "minimum": 1, "maximum": self.maximum, "default": self.default}
        elif self.choices is not None:
            schema = {"enum": ["", *self.choices]}
        else:
            assert self.pattern is not None
            bare = self.pattern.pattern.removeprefix("^").removesuffix("$")
            schema = {"type": "string", "pattern": f"^({bare})?$"}  # empty counts as absent
        return {"name": self.name, "in": "query", "required": False, "description": self.doc, "schema": schema}

    def read(self, query: Mapping[str, str]) -> Any:
        if self.default is not None:
            raw = query.get(self.name, str(self.default))
            # ASCII digits only: ``int`` takes other scripts' digits and chokes on "²" or 5,000 digits.
            if not _LIMIT.fullmatch(raw) or not 1 <= int(raw) <= self.maximum:
                raise invalid(f"{self.name} must be a whole number from 1 to {self.maximum}")
            return int(raw)
        value = query.get(self.name) or None
        if value is None:
            return None
        if (self.choices is not None and value not in self.choices) or (
            self.pattern is not None and not self.pattern.fullmatch(value)
        ):
            raise invalid(self.invalid)
        return value


_LIMIT = re.compile(r"[0-9]{1,4}", re.ASCII)


@dataclass(frozen=True)
class Query(Generic[T]):
    fields: tuple[QueryField, ...]
    build: Callable[[Values], T]

    def parse(self, query: Mapping[str, str]) -> T:
        return self.build({f.name: f.read(query) for f in self.fields})

    def parameters(self) -> list[Schema]:
        return [f.parameter() for f in self.fields]
