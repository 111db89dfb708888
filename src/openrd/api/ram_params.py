"""RAM's parameters shared by several actions: entity names with their documented Length / InvalidChars codes, and
the free-text fields of users, groups and roles (docs/ram.md#names-and-limits)."""

from __future__ import annotations

import re
from collections.abc import Callable

from openrd import errors
from openrd.api.params import Param
from openrd.domain import ram
from openrd.domain.phone import PHONE_SYNTAX

Error = type[errors.OpenRDError]


def name_parser(pattern: re.Pattern[str], length: Error, chars: Error) -> Callable[[str], str]:
    def parse(raw: str) -> str:
        if len(raw) > ram.MAX_NAME:
            raise length()
        if pattern.fullmatch(raw) is None:
            raise chars()
        return raw

    return parse


def text_parser(max_length: int, length: Error) -> Callable[[str], str]:
    """Free text counted in characters (a Chinese character is one); control characters are the Param's refusal."""

    def parse(raw: str) -> str:
        if len(raw) > max_length:
            raise length()
        return raw

    return parse


def _email(raw: str) -> str:
    if len(raw) > ram.MAX_EMAIL or ram.EMAIL.fullmatch(raw) is None:
        raise ValueError(raw)
    return raw


def _phone(raw: str) -> str:
    if PHONE_SYNTAX.fullmatch(raw) is None:
        raise ValueError(raw)
    return raw


def user_name(wire: str = "UserName", field: str = "user_name", *, required: bool = True, doc: str = "") -> Param:
    length, chars = (
        (errors.InvalidParameterUserNameLength, errors.InvalidParameterUserNameInvalidChars)
        if wire == "UserName"
        else (errors.InvalidParameterNewUserNameLength, errors.InvalidParameterNewUserNameInvalidChars)
    )
    return Param(
        wire,
        field,
        "string",
        required=required,
        parse=name_parser(ram.USER_NAME, length, chars),
        invalid=chars,
        doc=doc or "1-64 of letters, digits, '.', '_', '-'",
    )


USER_NAME = user_name()
OPTIONAL_USER_NAME = user_name(required=False, doc="the user; default: the calling RAM user")
USER_NAME_ERRORS = (errors.InvalidParameterUserNameLength, errors.InvalidParameterUserNameInvalidChars)


def _clears(wire: str) -> str | None:
    """An Update action's ``New…`` field given empty clears the stored value."""
    return "" if wire.startswith("New") else None


def _cleared_doc(wire: str, doc: str) -> str:
    return f"{doc}; empty clears it" if wire.startswith("New") else doc


def display_name(wire: str, length: Error, chars: Error) -> Param:
    return Param(
        wire,
        wire_field(wire),
        "string",
        parse=text_parser(ram.MAX_DISPLAY_NAME, length),
        invalid=chars,
        empty=_clears(wire),
        doc=_cleared_doc(wire, "1-128 characters, Chinese characters allowed; no control characters"),
    )


def comments(wire: str, length: Error) -> Param:
    doc = _cleared_doc(wire, "1-128 characters")
    return Param(
        wire, wire_field(wire), "string", parse=text_parser(ram.MAX_COMMENTS, length), empty=_clears(wire), doc=doc
    )


def email(wire: str, invalid: Error) -> Param:
    doc = _cleared_doc(wire, "an email address")
    return Param(wire, wire_field(wire), "string", parse=_email, invalid=invalid, empty=_clears(wire), doc=doc)


def mobile_phone(wire: str, invalid: Error) -> Param:
    doc = _cleared_doc(wire, "<country code>-<number>")
    return Param(wire, wire_field(wire), "string", parse=_phone, invalid=invalid, empty=_clears(wire), doc=doc)


def wire_field(wire: str) -> str:
    """``NewDisplayName`` → ``new_display_name``."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", wire).lower()
