"""Secure mobile phone numbers: wire syntax, validity and masking (docs/behaviour.md#phone-numbers).

The wire form is ``<country code>-<national number>``, ASCII digits only, no ``+``
(e.g. ``86-13900001234``). Syntax is a parameter-stage check (:func:`parse_phone_syntax`);
whether the number is a valid mobile number for its country code is a business-stage
check (:func:`is_valid_mobile`). Phones are shown masked in logs and the console
(``86-139****1234``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers

__all__ = [
    "PHONE_SYNTAX",
    "Phone",
    "is_valid_mobile",
    "mask_phone",
    "parse_phone_syntax",
]

# Use with ``fullmatch``: ``$`` alone also matches before a trailing newline ("86-13900001234\n").
PHONE_SYNTAX = re.compile(r"^[0-9]{1,4}-[0-9]{4,15}$", re.ASCII)

_MOBILE_TYPES = frozenset({phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE})

# Unparseable text shown in logs keeps at most this many leading characters.
_MAX_VISIBLE_PREFIX = 3


@dataclass(frozen=True)
class Phone:
    """A phone number split into its country code and national number (both digit strings)."""

    country_code: str
    national_number: str

    def __str__(self) -> str:
        """The wire form, e.g. ``86-13900001234``."""
        return f"{self.country_code}-{self.national_number}"

    @property
    def masked(self) -> str:
        """The form safe for logs and the console, e.g. ``86-139****1234``.

        Numbers of 8 digits or more keep their first 3 and last 4 digits, with exactly 4 ``*``
        in between; shorter numbers keep only their last 2 digits (one ``*`` per hidden digit).
        """
        number = self.national_number
        if len(number) >= 8:
            return f"{self.country_code}-{number[:3]}****{number[-4:]}"
        visible = 2 if len(number) > 2 else 0
        return f"{self.country_code}-{'*' * (len(number) - visible)}{number[len(number) - visible :]}"


def parse_phone_syntax(value: str) -> Phone | None:
    """Split ``value`` into a :class:`Phone` if it matches :data:`PHONE_SYNTAX`, else return ``None``.

    Only the syntax is checked (ASCII digits, 1-4 digit country code, 4-15 digit number).
    """
    if PHONE_SYNTAX.fullmatch(value) is None:
        return None
    country_code, national_number = value.split("-", 1)
    return Phone(country_code=country_code, national_number=national_number)


def is_valid_mobile(phone: Phone) -> bool:
    """Whether ``phone`` is a valid mobile number for its country code (checked with ``phonenumbers``).

    The number must be valid, of type MOBILE or FIXED_LINE_OR_MOBILE (the latter for countries such as
    the US, where the two cannot be told apart), belong to the given country code, and be written in its
    canonical national form (no trunk prefix such as a leading ``0``), so each phone has exactly one
    spelling.
    """
    if PHONE_SYNTAX.fullmatch(str(phone)) is None:
        return False
    try:
        parsed = phonenumbers.parse(f"+{phone.country_code}{phone.national_number}", None)
    except phonenumbers.NumberParseException:
        return False
    # number_type is UNKNOWN for an invalid number, so a mobile type implies is_valid_number: asking both looked the
    # region up twice (a tenth of a send; tests/domain/test_phone.py holds the two forms equal).
    return (
        str(parsed.country_code) == phone.country_code
        and phonenumbers.national_significant_number(parsed) == phone.national_number
        and phonenumbers.number_type(parsed) in _MOBILE_TYPES
    )


def mask_phone(value: str) -> str:
    """Mask any text that is supposed to be a phone number, for logs.

    Text with the phone syntax gives :attr:`Phone.masked`; anything else keeps at most its first
    3 characters (fewer for short text: at most half of it) and replaces every other character
    with ``*``.
    """
    phone = parse_phone_syntax(value)
    if phone is not None:
        return phone.masked
    visible = min(_MAX_VISIBLE_PREFIX, len(value) // 2)
    return value[:visible] + "*" * (len(value) - visible)
