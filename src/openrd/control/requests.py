"""The control API's requests: typed, frozen objects, and the field declarations that parse them from JSON bodies
and query strings and that the OpenAPI document is generated from (fields.py)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from openrd.control.fields import SITES, Body, DefaultsTo, ExactlyOne, Field, Query, QueryField, Values, invalid
from openrd.domain.accounts import LOGIN_NAME
from openrd.domain.identity import MAX_SESSION_SECONDS, MIN_SESSION_SECONDS, RAM_NAME, ROLE_ARN, SESSION_NAME
from openrd.domain.names import ACCOUNT_LABEL
from openrd.domain.phone import PHONE_SYNTAX
from openrd.domain.sms import SmsStatus
from openrd.services.emulator import MAX_OFFSET_SECONDS
from openrd.services.identity import UNCHANGED, Unchanged

PHONE = PHONE_SYNTAX.pattern.removeprefix("^").removesuffix("$")
OPTIONAL_PHONE = re.compile(f"^({PHONE})?$", re.ASCII)  # empty: none
RFC3339 = re.compile(
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$", re.ASCII
)
ACCOUNT_ID = re.compile(r"^[0-9]{16}$", re.ASCII)
AUDIT_ACTION = re.compile(r"^[A-Za-z]{1,64}$", re.ASCII)
FREE_TEXT = re.compile(r"^[^\x00-\x1f\x7f]*$")
SMS_STATUSES = tuple(status.value for status in SmsStatus)
ENTERPRISE_NAME_MAX = 256  # the accounts.enterprise_name column
LIST_LIMIT = 1000  # GET /_openrd/sms and /_openrd/audit: ?limit= from 1 to this; GET /_openrd/accounts lists this many

# ---------------------------------------------------------------- accounts
DISPLAY_NAME = Field(
    "display_name",
    "string",
    "1-50 characters, no control characters",
    pattern=ACCOUNT_LABEL,
    invalid="display_name must be 1-50 printable characters",
)
SITE_INVALID = "site must be one of {sites}, not {value!r}"
PHONE_INVALID = "secure_mobile_phone must look like 86-13900001234, not {value!r}"
# Free text stored as given, so refused here what no store may take: PostgreSQL refuses NUL and more than its
# column holds; control characters (as display_name) would reach the OpenAPI's XML answers and the console.
ENTERPRISE_NAME_INVALID = (
    f"enterprise_name must be at most {ENTERPRISE_NAME_MAX} characters, without control characters"
)


@dataclass(frozen=True)
class NewAccount:
    display_name: str
    name: str | None
    site: str
    secure_mobile_phone: str | None
    enterprise_name: str | None
    enterprise_verified: bool


def _new_account(values: Values) -> NewAccount:
    verified = values["enterprise_verified"]
    return NewAccount(
        display_name=values["display_name"],
        name=values["name"],
        site=values["site"] or "intl",
        secure_mobile_phone=values["secure_mobile_phone"] or None,
        enterprise_name=values["enterprise_name"] or None,
        enterprise_verified=True if verified is None else verified,
    )


NEW_ACCOUNT = Body(
    "NewAccount",
    (
        replace(DISPLAY_NAME, required=True),
        Field(
            "name",
            "string",
            "the login name; defaults to display_name, which must then be a valid login name",
            pattern=LOGIN_NAME,
            invalid="name must be 1-100 of letters, digits, '_', '.', '@', '-'",
        ),
        Field(
            "site",
            "string",
            "default intl (also for null or empty)",
            choices=(SITES, ""),
            invalid=SITE_INVALID,
        ),
        Field(
            "secure_mobile_phone",
            "string",
            "like 86-13900001234: a mobile number valid for its country code, which the site must accept; null or "
            "empty for none",
            pattern=OPTIONAL_PHONE,
            invalid=PHONE_INVALID,
        ),
        Field(
            "enterprise_name",
            "string",
            "null or empty for none",
            pattern=FREE_TEXT,
            max_length=ENTERPRISE_NAME_MAX,
            invalid=ENTERPRISE_NAME_INVALID,
        ),
        Field("enterprise_verified", "boolean", "default true"),
    ),
    _new_account,
    rules=(
        DefaultsTo("name", "display_name", LOGIN_NAME, "name must be 1-100 of letters, digits, '_', '.', '@', '-'"),
    ),
)


@dataclass(frozen=True)
class AccountPatch:
    """Only the fields given change (``UNCHANGED`` the others); ``None`` clears the phone or enterprise name."""

    site: str | Unchanged
    display_name: str | Unchanged
    secure_mobile_phone: str | Unchanged | None
    enterprise_name: str | Unchanged | None
    enterprise_verified: bool | Unchanged


def _account_patch(values: Values) -> AccountPatch:
    given = {name: values.get(name, UNCHANGED) for name in ACCOUNT_PATCH_FIELDS}
    return AccountPatch(**given)


ACCOUNT_PATCH_FIELDS = ("site", "display_name", "secure_mobile_phone", "enterprise_name", "enterprise_verified")
ACCOUNT_PATCH = Body(
    "AccountPatch",
    (
        Field("site", "string", choices=(SITES,), invalid=SITE_INVALID),
        DISPLAY_NAME,
        Field("secure_mobile_phone", "string", nullable=True, pattern=OPTIONAL_PHONE, invalid=PHONE_INVALID),
        Field(
            "enterprise_name",
            "string",
            "no control characters",
            nullable=True,
            pattern=FREE_TEXT,
            max_length=ENTERPRISE_NAME_MAX,
            invalid=ENTERPRISE_NAME_INVALID,
        ),
        Field("enterprise_verified", "boolean"),
    ),
    _account_patch,
    patch=True,
    doc="Only the fields given change; null clears secure_mobile_phone and enterprise_name. A site change "
    "re-checks the phone against the new site.",
)


# ---------------------------------------------------------------- RAM identities and STS
def policy_texts(given: list[Any]) -> tuple[str, ...]:
    """Each policy as the service takes it: a system policy's name, or a policy document as JSON text (a
    document given as an object is written compactly); the service checks names, size and grammar."""
    texts: list[str] = []
    for item in given:
        if isinstance(item, str):
            texts.append(item)
        elif isinstance(item, dict):
            texts.append(json.dumps(item, separators=(",", ":"), ensure_ascii=False))
        else:
            raise invalid("each policy is a system policy name or a policy document")
    return tuple(texts)


@dataclass(frozen=True)
class NewRamIdentity:
    name: str
    policies: tuple[str, ...]


NEW_RAM_IDENTITY = Body(
    "NewRamIdentity",
    (
        Field(
            "name",
            "string",
            "unique in the account",
            required=True,
            pattern=RAM_NAME,
            invalid="name must be 1-64 of letters, digits, '.', '_', '-'",
        ),
        Field(
            "policies",
            "array",
            "default none",
            items={"$ref": "#/components/schemas/Policy"},
            convert=policy_texts,
        ),
    ),
    lambda values: NewRamIdentity(values["name"], values["policies"] or ()),
)


@dataclass(frozen=True)
class AssumeRole:
    role_arn: str
    session_name: str
    duration_seconds: int


ASSUME_ROLE = Body(
    "AssumeRole",
    (
        Field(
            "role_arn",
            "string",
            required=True,
            pattern=ROLE_ARN,
            invalid="role_arn must look like acs:ram::<account id>:role/<role name>",
        ),
        Field(
            "session_name",
            "string",
            required=True,
            pattern=SESSION_NAME,
            invalid="session_name must be 2-64 of letters, digits, '.', '@', '-', '_'",
        ),
        Field(
            "duration_seconds",
            "integer",
            "default 3600; a whole number (3600.0 counts as 3600)",
            minimum=MIN_SESSION_SECONDS,
            maximum=MAX_SESSION_SECONDS,
            invalid=f"duration_seconds must be between {MIN_SESSION_SECONDS} and {MAX_SESSION_SECONDS}",
        ),
    ),
    lambda values: AssumeRole(
        values["role_arn"],
        values["session_name"],
        3600 if values["duration_seconds"] is None else values["duration_seconds"],
    ),
)


# ---------------------------------------------------------------- the clock
CLOCK_NOW_INVALID = "now must be an RFC 3339 time such as 2026-01-01T00:00:00Z"


@dataclass(frozen=True)
class ClockChange:
    advance_seconds: int | None
    offset_seconds: int | None
    now: datetime | None


def _moment(value: str) -> datetime:
    """``now`` as a time, once its pattern holds (``fromisoformat`` alone also takes "2026-01-01 00:00")."""
    try:
        return datetime.fromisoformat(value[:10] + "T" + value[11:].upper().replace("Z", "+00:00"))
    except ValueError:  # the pattern's shape, but no such day or hour
        raise invalid(CLOCK_NOW_INVALID) from None


CLOCK_CHANGE = Body(
    "ClockChange",
    (
        Field("advance_seconds", "integer"),
        Field(
            "offset_seconds",
            "integer",
            minimum=-MAX_OFFSET_SECONDS,
            maximum=MAX_OFFSET_SECONDS,
            invalid="the clock offset must stay within 100 years",
        ),
        Field(
            "now",
            "string",
            "RFC 3339, with a time zone",
            pattern=RFC3339,
            format="date-time",
            invalid=CLOCK_NOW_INVALID,
            convert=_moment,
        ),
    ),
    lambda values: ClockChange(values["advance_seconds"], values["offset_seconds"], values["now"]),
    rules=(
        ExactlyOne(
            ("advance_seconds", "offset_seconds", "now"), "give exactly one of advance_seconds, offset_seconds or now"
        ),
    ),
    doc="Exactly one of advance_seconds (relative), offset_seconds (absolute) or now (the time the emulator clock "
    "should read now); the offset must stay within 100 years. Seconds are whole numbers (60.0 counts as 60).",
)


# ---------------------------------------------------------------- the SMS inbox and the audit trail
@dataclass(frozen=True)
class SmsFilter:
    phone: str | None
    status: str | None
    limit: int


def _phone(doc: str) -> QueryField:
    return QueryField("phone", doc, pattern=PHONE_SYNTAX, invalid="phone must look like 86-13900001234")


def _limit(default: int) -> QueryField:
    return QueryField("limit", "at most this many", default=default, maximum=LIST_LIMIT)


SMS_QUERY = Query(
    (
        _phone("only this phone (empty: all)"),
        QueryField(
            "status",
            "only this status (empty: all)",
            choices=SMS_STATUSES,
            invalid="status must be pending, failed, sent or dead",
        ),
        _limit(50),
    ),
    lambda values: SmsFilter(values["phone"], values["status"], values["limit"]),
)
LATEST_SMS_QUERY = Query((_phone("only this phone (empty: any)"),), lambda values: SmsFilter(values["phone"], None, 1))


@dataclass(frozen=True)
class AuditFilter:
    account_id: str | None
    action: str | None
    result: str | None
    limit: int


AUDIT_QUERY = Query(
    (
        QueryField(
            "account_id", "only this account (empty: all)", pattern=ACCOUNT_ID, invalid="account_id must be 16 digits"
        ),
        QueryField(
            "action", "only this API action (empty: all)", pattern=AUDIT_ACTION, invalid="action must be an action name"
        ),
        QueryField(
            "result",
            "only this result (empty: all)",
            choices=("success", "failure"),
            invalid="result must be success or failure",
        ),
        _limit(100),
    ),
    lambda values: AuditFilter(values["account_id"], values["action"], values["result"], values["limit"]),
)
