"""RAM's own tags, on roles and policies (docs/policies.md#ram-tags): RAM's limits, and the JSON-array parameters
the SDKs send them in (``ResourceNames=["r1","r2"]``, ``Tag=[{"Key":"k","Value":"v"}]``, ``TagKeys=["k"]``)."""

from __future__ import annotations

import json
from typing import Final

__all__ = [
    "MAX_KEY",
    "MAX_NAMES",
    "MAX_TAGS",
    "MAX_VALUE",
    "RESOURCE_TYPES",
    "TagError",
    "parse_keys",
    "parse_names",
    "parse_tags",
    "valid_tag",
]

RESOURCE_TYPES: Final = ("role", "policy")
MAX_KEY, MAX_VALUE = 128, 256
MAX_TAGS: Final = 20  # per call, and per resource
MAX_NAMES: Final = 50  # resources per call
_RESERVED_KEY_PREFIXES: Final = ("acs:", "aliyun")


class TagError(ValueError):
    """A tag (or tag key) that breaks RAM's rules."""


def valid_tag(key: str, value: str) -> bool:
    folded = key.lower()
    return (
        1 <= len(key) <= MAX_KEY
        and len(value) <= MAX_VALUE
        and not folded.startswith(_RESERVED_KEY_PREFIXES)
        and not value.lower().startswith("acs:")
    )


def _array(raw: str) -> list[object]:
    try:
        decoded = json.loads(raw)
    except (ValueError, RecursionError):
        raise ValueError(raw) from None
    if not isinstance(decoded, list):
        raise ValueError(raw)
    return decoded


def _strings(raw: str, limit: int) -> tuple[str, ...]:
    items = _array(raw)
    if not items or not all(isinstance(item, str) and item for item in items):
        raise ValueError(raw)
    unique = tuple(dict.fromkeys(str(item) for item in items))
    if len(unique) > limit:
        raise ValueError(raw)
    return unique


def parse_names(raw: str) -> tuple[str, ...]:
    """``["r1","r2"]``: 1-50 role or policy names, each once."""
    return _strings(raw, MAX_NAMES)


def parse_keys(raw: str) -> tuple[str, ...]:
    """``["k1","k2"]``: 1-20 tag keys."""
    keys = _strings(raw, MAX_TAGS)
    if not all(len(key) <= MAX_KEY for key in keys):
        raise TagError(raw)
    return keys


def parse_tags(raw: str) -> tuple[tuple[str, str], ...]:
    """``[{"Key":"k","Value":"v"}]``: 1-20 tags; a key given twice keeps its last value. ValueError when it is not
    such an array, TagError when a tag breaks RAM's rules."""
    items = _array(raw)
    if not items or len(items) > MAX_TAGS:
        raise ValueError(raw)
    tags: dict[str, str] = {}
    for item in items:
        if not isinstance(item, dict):
            raise ValueError(raw)
        key, value = item.get("Key"), item.get("Value", "")
        if not isinstance(key, str) or not isinstance(value, str) or not valid_tag(key, value):
            raise TagError(raw)
        tags[key] = value
    return tuple(tags.items())
