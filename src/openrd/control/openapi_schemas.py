"""The component schemas of the control API's OpenAPI document (openapi.py): the shapes of every request and
response body, with the patterns and limits the domain enforces."""

from __future__ import annotations

import re
from typing import Any

from openrd.domain.accounts import LOGIN_NAME
from openrd.domain.directory import DIRECTORY_ID
from openrd.domain.identity import MAX_SESSION_SECONDS, MIN_SESSION_SECONDS, RAM_NAME, ROLE_ARN, SESSION_NAME
from openrd.domain.names import ACCOUNT_LABEL
from openrd.domain.phone import PHONE_SYNTAX
from openrd.domain.policy import SYSTEM_POLICIES
from openrd.domain.sms import SmsStatus
from openrd.domain.verification import Purpose
from openrd.services.emulator import MAX_OFFSET_SECONDS

JSON = "application/json"
Schema = dict[str, Any]

PHONE = PHONE_SYNTAX.pattern.removeprefix("^").removesuffix("$")
RFC3339 = re.compile(
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$", re.ASCII
)
RFC3339_UTC_MS = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z$"
ACCOUNT_ID = r"^[0-9]{16}$"
ACCESS_KEY_ID = r"^(LTAI|STS\.)[A-Za-z0-9]{24}$"
AUDIT_ACTION = r"^[A-Za-z]{1,64}$"
SMS_STATUSES = [status.value for status in SmsStatus]
ENTERPRISE_NAME_MAX = 256  # the accounts.enterprise_name column
LIST_LIMIT = 1000  # GET /_openrd/sms and /_openrd/audit: ?limit= from 1 to this; GET /_openrd/accounts lists this many


def ref(kind: str, name: str) -> Schema:
    return {"$ref": f"#/components/{kind}/{name}"}


def schema(name: str) -> Schema:
    return ref("schemas", name)


def component_schemas(sites: list[str]) -> dict[str, Schema]:
    time = {"type": "string", "format": "date-time", "pattern": RFC3339_UTC_MS, "description": "RFC 3339, UTC, ms"}
    string_list: Schema = {
        "anyOf": [
            {"type": "string", "minLength": 1},
            {"type": "array", "minItems": 1, "items": {"type": "string", "minLength": 1}},
        ]
    }
    condition_value = {"type": ["string", "boolean", "number"]}
    statement: Schema = {
        "type": "object",
        "description": "Exactly one of Action and NotAction, and exactly one of Resource and NotResource.",
        "required": ["Effect"],
        "additionalProperties": False,
        "properties": {
            "Effect": {"enum": ["Allow", "Deny"]},
            "Action": schema("PolicyActions"),
            "NotAction": schema("PolicyActions"),
            "Resource": string_list,
            "NotResource": string_list,
            "Condition": {
                "type": "object",
                "minProperties": 1,
                "additionalProperties": {
                    "type": "object",
                    "minProperties": 1,
                    "additionalProperties": {
                        "anyOf": [condition_value, {"type": "array", "minItems": 1, "items": condition_value}]
                    },
                },
            },
        },
        "allOf": [
            {"oneOf": [{"required": ["Action"]}, {"required": ["NotAction"]}]},
            {"oneOf": [{"required": ["Resource"]}, {"required": ["NotResource"]}]},
        ],
    }
    action = {"type": "string", "pattern": r"^(\*|[A-Za-z0-9_.*?-]+:[^:\s]+)$"}
    enterprise_name = {
        "type": ["string", "null"],
        "maxLength": ENTERPRISE_NAME_MAX,
        "pattern": "^[^\\x00-\\x1f\\x7f]*$",
        "description": "no control characters",
    }
    display_name = {
        "type": "string",
        "pattern": ACCOUNT_LABEL.pattern,
        "description": "1-50 characters, no control characters",
    }
    return {
        "Error": {
            "type": "object",
            "description": "Every error of the control API.",
            "required": ["error", "message"],
            "additionalProperties": False,
            "properties": {
                "error": {"enum": ["invalid", "unauthorized", "forbidden", "not_found", "conflict", "internal"]},
                "message": {"type": "string", "minLength": 1},
            },
        },
        "Health": {
            "type": "object",
            "required": ["status", "version", "store"],
            "additionalProperties": False,
            "properties": {
                "status": {"const": "ok"},
                "version": {"type": "string"},
                "store": {"enum": ["sqlite", "postgresql"]},
            },
        },
        "Ready": {
            "type": "object",
            "required": ["ready", "checks"],
            "additionalProperties": False,
            "properties": {
                "ready": {"type": "boolean"},
                "checks": {
                    "type": "object",
                    "required": ["database", "migrations", "dispatcher"],
                    "additionalProperties": False,
                    "properties": {
                        "database": {"type": "boolean", "description": "the database answers"},
                        "migrations": {"type": "boolean", "description": "its schema is at the newest migration"},
                        "dispatcher": {"type": "boolean", "description": "the SMS dispatcher runs"},
                    },
                },
            },
        },
        "Account": {
            "type": "object",
            "required": [
                "account_id",
                "name",
                "display_name",
                "site",
                "secure_mobile_phone",
                "enterprise_name",
                "enterprise_verified",
            ],
            "additionalProperties": False,
            "properties": {
                "account_id": {"type": "string", "pattern": ACCOUNT_ID},
                "name": {"type": "string", "description": "the login name"},
                "display_name": {"type": "string"},
                "site": {"type": "string", "description": "a site profile's name"},
                "secure_mobile_phone": {"type": ["string", "null"], "pattern": PHONE_SYNTAX.pattern},
                "enterprise_name": {"type": ["string", "null"]},
                "enterprise_verified": {"type": "boolean"},
                "type": {
                    "type": "string",
                    "enum": ["CloudAccount", "ResourceAccount"],
                    "description": "the member type; present only when the account belongs to a directory",
                },
                "directory_id": {
                    "type": "string",
                    "pattern": DIRECTORY_ID.pattern,
                    "description": "the directory the account belongs to; present only with type",
                },
            },
            "dependentRequired": {"type": ["directory_id"], "directory_id": ["type"]},
        },
        "AccountList": {
            "type": "object",
            "required": ["accounts"],
            "additionalProperties": False,
            "properties": {
                "accounts": {"type": "array", "maxItems": LIST_LIMIT, "items": schema("Account")},
            },
        },
        "NewAccount": {
            "type": "object",
            "required": ["display_name"],
            "properties": {
                "display_name": display_name,
                "name": {
                    "type": ["string", "null"],
                    "pattern": LOGIN_NAME.pattern,
                    "description": "the login name; defaults to display_name, which must then be a valid login name",
                },
                "site": {"enum": [*sites, "", None], "description": "default intl (also for null or empty)"},
                "secure_mobile_phone": {
                    "type": ["string", "null"],
                    "pattern": f"^({PHONE})?$",
                    "description": "like 86-13900001234: a mobile number valid for its country code, which the site "
                    "must accept; null or empty for none",
                },
                "enterprise_name": {**enterprise_name, "description": "null or empty for none"},
                "enterprise_verified": {"type": ["boolean", "null"], "description": "default true"},
            },
            "anyOf": [
                {"required": ["name"], "properties": {"name": {"type": "string"}}},
                {"properties": {"display_name": {"pattern": LOGIN_NAME.pattern}}},
            ],
        },
        "AccountPatch": {
            "type": "object",
            "description": "Only the fields given change; null clears secure_mobile_phone and enterprise_name. "
            "A site change re-checks the phone against the new site.",
            "additionalProperties": False,
            "properties": {
                "site": {"enum": sites},
                "display_name": display_name,
                "secure_mobile_phone": {"type": ["string", "null"], "pattern": f"^({PHONE})?$"},
                "enterprise_name": enterprise_name,
                "enterprise_verified": {"type": "boolean"},
            },
        },
        "AccessKey": {
            "type": "object",
            "required": ["access_key_id", "access_key_secret"],
            "additionalProperties": False,
            "properties": {
                "access_key_id": {"type": "string", "pattern": ACCESS_KEY_ID},
                "access_key_secret": {"type": "string", "pattern": "^[A-Za-z0-9]{30}$"},
            },
        },
        "CreatedAccount": {
            "type": "object",
            "description": "The new account and its root AccessKey.",
            "required": ["account_id", "access_key_id", "access_key_secret"],
            "additionalProperties": False,
            "properties": {
                "account_id": {"type": "string", "pattern": ACCOUNT_ID},
                "access_key_id": {"type": "string", "pattern": ACCESS_KEY_ID},
                "access_key_secret": {"type": "string", "pattern": "^[A-Za-z0-9]{30}$"},
            },
        },
        "PolicyActions": {
            "anyOf": [action, {"type": "array", "minItems": 1, "items": action}],
            "description": "'*' or '<service>:<action pattern>'",
        },
        "PolicyStatement": statement,
        "PolicyDocument": {
            "type": "object",
            "required": ["Version", "Statement"],
            "additionalProperties": False,
            "properties": {
                "Version": {"const": "1"},
                "Statement": {
                    "anyOf": [
                        schema("PolicyStatement"),
                        {"type": "array", "minItems": 1, "items": schema("PolicyStatement")},
                    ]
                },
            },
        },
        "Policy": {
            "description": "A system policy name, a policy document, or a policy document as a JSON string.",
            "anyOf": [
                {"enum": sorted(SYSTEM_POLICIES)},
                schema("PolicyDocument"),
                {
                    "type": "string",
                    "pattern": r"^\s*\{",
                    "contentMediaType": JSON,
                    "contentSchema": schema("PolicyDocument"),
                },
            ],
        },
        "NewRamIdentity": {
            "type": "object",
            "required": ["name"],
            "properties": {
                "name": {"type": "string", "pattern": RAM_NAME.pattern, "description": "unique in the account"},
                "policies": {"type": ["array", "null"], "items": schema("Policy"), "description": "default none"},
            },
        },
        "CreatedRamUser": {
            "type": "object",
            "required": ["user_id", "arn", "access_key_id", "access_key_secret"],
            "additionalProperties": False,
            "properties": {
                "user_id": {"type": "string", "pattern": "^[0-9]{16}$"},
                "arn": {"type": "string", "pattern": r"^acs:ram::[0-9]{16}:user/[A-Za-z0-9._-]{1,64}$"},
                "access_key_id": {"type": "string", "pattern": ACCESS_KEY_ID},
                "access_key_secret": {"type": "string", "pattern": "^[A-Za-z0-9]{30}$"},
            },
        },
        "CreatedRamRole": {
            "type": "object",
            "required": ["role_id", "arn"],
            "additionalProperties": False,
            "properties": {
                "role_id": {"type": "string", "pattern": "^[0-9]{19}$"},
                "arn": {"type": "string", "pattern": ROLE_ARN.pattern},
            },
        },
        "AssumeRole": {
            "type": "object",
            "required": ["role_arn", "session_name"],
            "properties": {
                "role_arn": {"type": "string", "pattern": ROLE_ARN.pattern},
                "session_name": {"type": "string", "pattern": SESSION_NAME.pattern},
                "duration_seconds": {
                    "type": ["integer", "null"],
                    "minimum": MIN_SESSION_SECONDS,
                    "maximum": MAX_SESSION_SECONDS,
                    "description": "default 3600; a whole number (3600.0 counts as 3600)",
                },
            },
        },
        "StsCredentials": {
            "type": "object",
            "required": ["access_key_id", "access_key_secret", "security_token", "expiration"],
            "additionalProperties": False,
            "properties": {
                "access_key_id": {"type": "string", "pattern": r"^STS\.[A-Za-z0-9]{24}$"},
                "access_key_secret": {"type": "string", "pattern": "^[A-Za-z0-9]{30}$"},
                "security_token": {"type": "string", "pattern": "^CAIS[A-Za-z0-9_-]+$"},
                "expiration": time,
            },
        },
        "Clock": {
            "type": "object",
            "required": ["now", "offset_seconds"],
            "additionalProperties": False,
            "properties": {
                "now": {**time, "description": "the emulator clock: the real clock plus the offset"},
                "offset_seconds": {"type": "integer", "minimum": -MAX_OFFSET_SECONDS, "maximum": MAX_OFFSET_SECONDS},
            },
        },
        "ClockChange": {
            "type": "object",
            "description": "Exactly one of advance_seconds (relative), offset_seconds (absolute) or now (the time the "
            "emulator clock should read now); the offset must stay within 100 years. Seconds are whole numbers "
            "(60.0 counts as 60).",
            "properties": {
                "advance_seconds": {"type": ["integer", "null"]},
                "offset_seconds": {
                    "type": ["integer", "null"],
                    "minimum": -MAX_OFFSET_SECONDS,
                    "maximum": MAX_OFFSET_SECONDS,
                },
                "now": {
                    "type": ["string", "null"],
                    "format": "date-time",
                    "pattern": RFC3339.pattern,
                    "description": "RFC 3339, with a time zone",
                },
            },
            "oneOf": [
                {"required": ["advance_seconds"], "properties": {"advance_seconds": {"type": "integer"}}},
                {"required": ["offset_seconds"], "properties": {"offset_seconds": {"type": "integer"}}},
                {"required": ["now"], "properties": {"now": {"type": "string"}}},
            ],
        },
        "SmsMessage": {
            "type": "object",
            "description": "text and code are null unless the sender is the inbox.",
            "required": [
                "id",
                "phone",
                "text",
                "code",
                "purpose",
                "account_id",
                "status",
                "attempts",
                "last_error",
                "created_at",
                "sent_at",
            ],
            "additionalProperties": False,
            "properties": {
                "id": {"type": "string"},
                "phone": {"type": "string", "pattern": PHONE_SYNTAX.pattern},
                "text": {"type": ["string", "null"]},
                "code": {"type": ["string", "null"], "pattern": "^[0-9]+$"},
                "purpose": {"enum": [purpose.value for purpose in Purpose]},
                "account_id": {"type": "string", "pattern": ACCOUNT_ID},
                "status": {"enum": SMS_STATUSES},
                "attempts": {"type": "integer", "minimum": 0},
                "last_error": {"type": ["string", "null"]},
                "created_at": time,
                "sent_at": {**time, "type": ["string", "null"]},
            },
        },
        "SmsList": {
            "type": "object",
            "required": ["messages"],
            "additionalProperties": False,
            "properties": {
                "messages": {"type": "array", "maxItems": LIST_LIMIT, "items": schema("SmsMessage")},
            },
        },
        "AuditEvent": {
            "type": "object",
            "required": ["time", "request_id", "action", "principal_arn", "account_id", "result"],
            "additionalProperties": False,
            "properties": {
                "time": time,
                "request_id": {"type": "string"},
                "action": {"type": "string"},
                "principal_arn": {"type": "string"},
                "account_id": {"type": "string"},
                "result": {"enum": ["success", "failure"]},
                "error_code": {"type": "string", "description": "only on failures"},
            },
        },
        "AuditList": {
            "type": "object",
            "required": ["events"],
            "additionalProperties": False,
            "properties": {
                "events": {"type": "array", "maxItems": LIST_LIMIT, "items": schema("AuditEvent")},
            },
        },
    }
