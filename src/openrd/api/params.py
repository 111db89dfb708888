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

    def read(self, params: Mapping[str, str]) -> Any:
        raw = params.get(self.wire, "")
        if raw == "":
            if self.required:
                raise self.missing() if self.missing else errors.MissingParameter(self.wire)
            return self.default
        if has_control_character(raw):
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

    def read(self, params: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
        items: dict[int, dict[str, str]] = {}
        for prefix in (self.wire, *self.aliases):
            pattern = re.compile(rf"{re.escape(prefix)}\.([0-9]{{1,3}})\.(Key|Value)", re.ASCII)
            for name, value in params.items():
                match = pattern.fullmatch(name)
                if match:
                    items.setdefault(int(match[1]), {})[match[2]] = value
        tags = []
        for index in sorted(items):
            entry = items[index]
            if index < 1 or not entry.get("Key") or len(entry["Key"]) > 128 or len(entry.get("Value", "")) > 128:
                raise errors.InvalidParameter(f"{self.wire}.{index}.Key")
            for part in ("Key", "Value"):
                if has_control_character(entry.get(part, "")):
                    raise errors.InvalidParameter(f"{self.wire}.{index}.{part}")
            tags.append((entry["Key"], entry.get("Value", "")))
        if len(tags) > self.max_items:
            raise errors.InvalidParameter(self.wire)
        return tuple(tags)


AnyParam = Param | TagListParam
