"""The RAM tag actions' parameters: ``ResourceType``, and the JSON arrays the SDKs send as one parameter each —
``ResourceNames``, ``Tag``, ``TagKeys`` (docs/policies.md#ram-tags)."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from typing import Any

from openrd import errors
from openrd.api.params import Param, boolean, choice, integer
from openrd.domain import ram_tags as rules


def _strict(parse: Callable[[str], Any]) -> Callable[[str], Any]:
    """A tag that breaks RAM's rules is InvalidParameter.Tag; a value that is not the JSON array, the parameter's
    own InvalidParameter."""

    def checked(raw: str) -> Any:
        try:
            return parse(raw)
        except rules.TagError:
            raise errors.InvalidParameterRamTag() from None

    return checked


def encode_token(after: tuple[str, str]) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(after)).encode()).decode()


def decode_token(raw: str) -> tuple[str, str]:
    try:
        decoded = json.loads(base64.urlsafe_b64decode(raw.encode("ascii")))
    except (binascii.Error, UnicodeError, ValueError):
        raise ValueError(raw) from None
    if not (isinstance(decoded, list) and len(decoded) == 2 and all(isinstance(p, str) for p in decoded)):
        raise ValueError(raw)
    return decoded[0], decoded[1]


RESOURCE_TYPE = Param(
    "ResourceType",
    "resource_type",
    "enum",
    required=True,
    parse=choice(rules.RESOURCE_TYPES),
    invalid=errors.InvalidParameterResourceType,
    doc="role | policy",
)


def resource_names(*, required: bool) -> Param:
    return Param(
        "ResourceNames",
        "names",
        "list",
        required=required,
        parse=rules.parse_names,
        default=(),
        doc='a JSON array of 1-50 role or policy names: ["r1","r2"]',
    )


def tags(*, required: bool, doc: str = "") -> Param:
    return Param(
        "Tag",
        "tags",
        "list",
        required=required,
        parse=_strict(rules.parse_tags),
        default=(),
        doc=doc or 'a JSON array of 1-20 tags: [{"Key":"k","Value":"v"}]; key 1-128, value at most 256 characters',
    )


TAG_KEYS = Param(
    "TagKeys", "keys", "list", parse=_strict(rules.parse_keys), default=(), doc='a JSON array of 1-20 keys: ["k"]'
)
ALL = Param("All", "all", "boolean", parse=boolean, default=False, doc="true: every tag of the resources")
NEXT_TOKEN = Param("NextToken", "after", "string", parse=decode_token, doc="from the previous page's answer")
PAGE_SIZE = Param("PageSize", "page_size", "integer", parse=integer(1, 100), default=50, doc="1-100, default 50")
