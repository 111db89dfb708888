"""Declared business parameters and their parsing into typed values (docs/behaviour.md#parameters).

A parameter is absent when it is missing or empty. Missing required → ``MissingParameter`` (or the documented
specific code); wrong syntax → ``InvalidParameter`` naming it (or the documented specific code).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from openrd import errors

# C0 controls and DEL: no parameter's documentation allows them, free text included (notes, names, tags); most have
# no XML 1.0 form, and once stored they would reach every XML answer and console that shows the value.
CONTROL_CHARACTER = re.compile(r"[\x00-\x1f\x7f]")


_JSON_WHITESPACE = str.maketrans("\t\n\r", "   ")


def has_control_character(raw: str) -> bool:
    return CONTROL_CHARACTER.search(raw) is not None


@dataclass(frozen=True)
class Param:
    wire: str
    field: str
    kind: str  # documentation: string, integer, boolean, enum, list
    required: bool = False
    parse: Callable[[str], Any] = str
    missing: type[errors.OpenRDError] | None = None
    invalid: type[errors.OpenRDError] | None = None
    default: Any = None
    doc: str = ""
    document: bool = False  # a JSON document: tabs and line breaks are its whitespace, not control characters
    # What a parameter given with an empty value stands for; None: the same as leaving it out. RAM's Update*
    # actions clear a field given as "" (the Terraform provider clears a removed attribute so).
    empty: Any = None

    def read(self, params: Mapping[str, str]) -> Any:
        raw = params.get(self.wire, "")
        if raw == "":
            if self.empty is not None and self.wire in params:
                return self.empty
            if self.required:
                raise self.missing() if self.missing else errors.MissingParameter(self.wire)
            return self.default
        if has_control_character(raw.translate(_JSON_WHITESPACE) if self.document else raw):
            raise self.invalid() if self.invalid else errors.InvalidParameter(self.wire)
        try:
            return self.parse(raw)
        except ValueError:
            raise self.invalid() if self.invalid else errors.InvalidParameter(self.wire) from None


def string(max_length: int = 1024, pattern: str | None = None) -> Callable[[str], str]:
    compiled = re.compile(pattern, re.ASCII) if pattern else None

    def parse(raw: str) -> str:
        if len(raw) > max_length or (compiled is not None and not compiled.fullmatch(raw)):
            raise ValueError(raw)
        return raw

    return parse


def integer(low: int, high: int) -> Callable[[str], int]:
    def parse(raw: str) -> int:
        if not re.fullmatch(r"[0-9]{1,9}", raw, re.ASCII):
            raise ValueError(raw)
        value = int(raw)
        if not low <= value <= high:
            raise ValueError(raw)
        return value

    return parse


def boolean(raw: str) -> bool:
    # Python SDKs send True/False, Go sends true/false (docs/behaviour.md#parameters).
    folded = raw.lower()
    if folded not in ("true", "false"):
        raise ValueError(raw)
    return folded == "true"


def choice(values: Sequence[str]) -> Callable[[str], str]:
    allowed = frozenset(values)

    def parse(raw: str) -> str:
        if raw not in allowed:
            raise ValueError(raw)
        return raw

    return parse


@dataclass(frozen=True)
class TagListParam:
    """A RepeatList of {Key, Value}: ``Tag.1.Key``, ``Tag.1.Value``, … (docs/behaviour.md#parameters)."""

    wire: str
    field: str
    kind: str = "list"
    required: bool = False
    max_items: int = 20
    doc: str = ""
    aliases: tuple[str, ...] = ()
    # A code of its own for a bad key or value (InvalidParameter.Tag), else the generic one naming the item.
    invalid: type[errors.OpenRDError] | None = None
    # A further rule every (key, value) must pass (the tag actions' reserved prefixes), refused as ``invalid``.
    rule: Callable[[str, str], bool] | None = None

    def _refuse(self, name: str) -> errors.OpenRDError:
        return self.invalid() if self.invalid else errors.InvalidParameter(name)

    def read(self, params: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
        items: dict[int, dict[str, str]] = {}
        for prefix in (self.wire, *self.aliases):
            pattern = re.compile(rf"{re.escape(prefix)}\.([0-9]{{1,3}})\.(Key|Value)", re.ASCII)
            for name, value in params.items():
                match = pattern.fullmatch(name)
                if match:
                    items.setdefault(int(match[1]), {})[match[2]] = value
        if not items and self.required:
            raise errors.MissingParameter(f"{self.wire}.1.Key")
        tags = []
        for index in sorted(items):
            entry = items[index]
            key, value = entry.get("Key", ""), entry.get("Value", "")
            if index < 1 or not key or len(key) > 128 or len(value) > 128:
                raise self._refuse(f"{self.wire}.{index}.Key")
            for part in ("Key", "Value"):
                if has_control_character(entry.get(part, "")):
                    raise self._refuse(f"{self.wire}.{index}.{part}")
            if self.rule is not None and not self.rule(key, value):
                raise self._refuse(f"{self.wire}.{index}.Key")
            tags.append((key, value))
        if len(tags) > self.max_items:
            raise errors.InvalidParameter(self.wire)
        return tuple(tags)


@dataclass(frozen=True)
class StringListParam:
    """A RepeatList of strings: ``ResourceId.1``, ``ResourceId.2``, … (docs/behaviour.md#parameters), in index
    order, each checked by ``parse``; a value given twice counts once. A bad item answers
    ``invalid`` when given, else ``InvalidParameter`` naming it."""

    wire: str
    field: str
    kind: str = "list"
    required: bool = False
    max_items: int = 50
    parse: Callable[[str], str] = str
    invalid: type[errors.OpenRDError] | None = None
    doc: str = ""

    def read(self, params: Mapping[str, str]) -> tuple[str, ...]:
        pattern = re.compile(rf"{re.escape(self.wire)}\.([0-9]{{1,3}})", re.ASCII)
        items: dict[int, str] = {}
        for name, value in params.items():
            match = pattern.fullmatch(name)
            if match and value != "":
                items[int(match[1])] = value
        if not items:
            if self.required:
                raise errors.MissingParameter(f"{self.wire}.1")
            return ()
        values: dict[str, None] = {}
        for index in sorted(items):
            raw = items[index]
            try:
                if index < 1 or has_control_character(raw):
                    raise ValueError(raw)
                values[self.parse(raw)] = None
            except ValueError:
                raise self.invalid() if self.invalid else errors.InvalidParameter(f"{self.wire}.{index}") from None
        if len(values) > self.max_items:
            raise errors.InvalidParameter(self.wire)
        return tuple(values)


AnyParam = Param | TagListParam | StringListParam
