"""Wire parameters shared by several actions: their syntax and their declarations, in one place so every action
spells a parameter the same way. A parameter one action alone takes stays beside its handler."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable

from openrd import errors
from openrd.api.params import Param, integer, string
from openrd.domain import directory as rules
from openrd.domain import names
from openrd.domain.phone import PHONE_SYNTAX

ACCOUNT_ID = r"[0-9]{16}"
FOLDER_ID = rules.FOLDER_ID.pattern.strip("^$")
PHONE = PHONE_SYNTAX.pattern
CODE = string(64)


def member_display_name(raw: str) -> str:
    """A member's display name; too long is its own error, counted in characters."""
    if len(raw) > names.MAX_MEMBER_DISPLAY_NAME:
        raise errors.InvalidParameterAccountDisplayNameLength()
    if not names.valid_member_display_name(raw):
        raise ValueError(raw)
    return raw


ACCOUNT_ID_PARAM = Param(
    "AccountId",
    "account_id",
    "string",
    required=True,
    parse=string(16, ACCOUNT_ID),
    missing=errors.MissingParameterAccountId,
    invalid=errors.InvalidParameterAccountId,
    doc="16 digits",
)
PARENT_FOLDER = Param(
    "ParentFolderId",
    "parent_folder_id",
    "string",
    parse=string(16, FOLDER_ID),
    invalid=errors.InvalidParameterParentFolderId,
    doc="default: the root folder",
)
KEYWORD = Param("QueryKeyword", "keyword", "string", parse=string(128), doc="part of a display name, or an ID")
PAGE_NUMBER = Param("PageNumber", "page_number", "integer", parse=integer(1, 10**9), default=1, doc=">= 1, default 1")
PAGE_SIZE = Param("PageSize", "page_size", "integer", parse=integer(1, 100), default=10, doc="1-100, default 10")


# ---------------------------------------------------------------- RAM's marker paging (docs/behaviour.md#parameters)
def encode_marker(offset: int) -> str:
    """RAM's ``Marker``: opaque to clients; here the offset of the next page's first item."""
    return base64.urlsafe_b64encode(f"o{offset}".encode()).decode().rstrip("=")


def decode_marker(raw: str) -> int:
    """The offset a ``Marker`` this service issued stands for; anything else is an invalid ``Marker``."""
    try:
        text = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise ValueError(raw) from None
    if not text.startswith("o") or not text[1:].isdigit() or len(text) > 12:
        raise ValueError(raw)
    return int(text[1:])


MARKER = Param("Marker", "offset", "string", parse=decode_marker, default=0, doc="from the previous page's answer")
MAX_ITEMS = Param("MaxItems", "max_items", "integer", parse=integer(1, 1000), default=100, doc="1-1000, default 100")


# ---------------------------------------------------------------- NextToken paging (docs/tags.md#paging)
def encode_token(*parts: str) -> str:
    """``NextToken``: opaque to clients; here the sort key of the last item the page gave, so a page is an index
    range whatever its depth."""
    return base64.urlsafe_b64encode("\x1f".join(("t", *parts)).encode()).decode().rstrip("=")


def token_decoder(arity: int) -> Callable[[str], tuple[str, ...]]:
    """Parses a ``NextToken`` of ``arity`` parts this service issued; anything else is an invalid ``NextToken``."""

    def decode(raw: str) -> tuple[str, ...]:
        try:
            text = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)).decode()
        except (binascii.Error, UnicodeDecodeError, ValueError):
            raise ValueError(raw) from None
        parts = text.split("\x1f")
        if parts[0] != "t" or len(parts) != arity + 1:
            raise ValueError(raw)
        return tuple(parts[1:])

    return decode


MAX_RESULTS = Param("MaxResults", "max_results", "integer", parse=integer(1, 100), default=10, doc="1-100, default 10")
