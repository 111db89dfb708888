"""The component schemas of the control API's OpenAPI document (openapi.py): the answers' shapes, written out
here, and the request bodies, generated from the declarations the routes parse them with (requests.py)."""

from __future__ import annotations

from collections.abc import Sequence

from openrd.control.fields import Schema
from openrd.control.openapi_parts import JSON, schema
from openrd.control.requests import (
    ACCOUNT_ID,
    ACCOUNT_PATCH,
    ASSUME_ROLE,
    CLOCK_CHANGE,
    LIST_LIMIT,
    NEW_ACCOUNT,
    NEW_RAM_IDENTITY,
    SMS_STATUSES,
)
from openrd.control.transitions import TRANSITION_COMPLETION, TRANSITION_DELAYS
from openrd.domain.directory import DIRECTORY_ID
from openrd.domain.identity import ROLE_ARN
from openrd.domain.phone import PHONE_SYNTAX
from openrd.domain.system_policies import SYSTEM_POLICIES
from openrd.domain.transitions import KINDS, MAX_DELAY_SECONDS
from openrd.domain.verification import Purpose
from openrd.services.emulator import MAX_OFFSET_SECONDS

RFC3339_UTC_MS = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z$"
ACCESS_KEY_ID = r"^(LTAI|STS\.)[A-Za-z0-9]{24}$"
BODIES = (
    NEW_ACCOUNT,
    ACCOUNT_PATCH,
    NEW_RAM_IDENTITY,
    ASSUME_ROLE,
    CLOCK_CHANGE,
    TRANSITION_DELAYS,
    TRANSITION_COMPLETION,
)


TIME: Schema = {"type": "string", "format": "date-time", "pattern": RFC3339_UTC_MS, "description": "RFC 3339, UTC, ms"}
STRING_LIST: Schema = {
    "anyOf": [
        {"type": "string", "minLength": 1},
        {"type": "array", "minItems": 1, "items": {"type": "string", "minLength": 1}},
    ]
}
CONDITION_VALUE: Schema = {"type": ["string", "boolean", "number"]}
STATEMENT: Schema = {
    "type": "object",
    "description": "Exactly one of Action and NotAction, and exactly one of Resource and NotResource.",
    "required": ["Effect"],
    "additionalProperties": False,
    "properties": {
        "Effect": {"enum": ["Allow", "Deny"]},
        "Action": schema("PolicyActions"),
        "NotAction": schema("PolicyActions"),
        "Resource": STRING_LIST,
        "NotResource": STRING_LIST,
        "Condition": {
            "type": "object",
            "minProperties": 1,
            "additionalProperties": {
                "type": "object",
                "minProperties": 1,
                "additionalProperties": {
                    "anyOf": [CONDITION_VALUE, {"type": "array", "minItems": 1, "items": CONDITION_VALUE}]
                },
            },
        },
    },
    "allOf": [
        {"oneOf": [{"required": ["Action"]}, {"required": ["NotAction"]}]},
        {"oneOf": [{"required": ["Resource"]}, {"required": ["NotResource"]}]},
    ],
}
ACTION: Schema = {"type": "string", "pattern": r"^(\*|[A-Za-z0-9_.*?-]+:[^:\s]+)$"}
# The answers' shapes; the request bodies are generated from their declarations (requests.py).
RESPONSE_SCHEMAS: dict[str, Schema] = {
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
            "account_id": {"type": "string", "pattern": ACCOUNT_ID.pattern},
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
            "account_id": {"type": "string", "pattern": ACCOUNT_ID.pattern},
            "access_key_id": {"type": "string", "pattern": ACCESS_KEY_ID},
            "access_key_secret": {"type": "string", "pattern": "^[A-Za-z0-9]{30}$"},
        },
    },
    "PolicyActions": {
        "anyOf": [ACTION, {"type": "array", "minItems": 1, "items": ACTION}],
        "description": "'*' or '<service>:<action pattern>'",
    },
    "PolicyStatement": STATEMENT,
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
    "StsCredentials": {
        "type": "object",
        "required": ["access_key_id", "access_key_secret", "security_token", "expiration"],
        "additionalProperties": False,
        "properties": {
            "access_key_id": {"type": "string", "pattern": r"^STS\.[A-Za-z0-9]{24}$"},
            "access_key_secret": {"type": "string", "pattern": "^[A-Za-z0-9]{30}$"},
            "security_token": {"type": "string", "pattern": "^CAIS[A-Za-z0-9_-]+$"},
            "expiration": TIME,
        },
    },
    "Clock": {
        "type": "object",
        "required": ["now", "offset_seconds"],
        "additionalProperties": False,
        "properties": {
            "now": {**TIME, "description": "the emulator clock: the real clock plus the offset"},
            "offset_seconds": {"type": "integer", "minimum": -MAX_OFFSET_SECONDS, "maximum": MAX_OFFSET_SECONDS},
        },
    },
    "Transitions": {
        "type": "object",
        "description": "Seconds each kind of transition takes, counted on the emulator clock.",
        "required": [kind.value for kind in KINDS],
        "additionalProperties": False,
        "properties": {kind.value: {"type": "integer", "minimum": 0, "maximum": MAX_DELAY_SECONDS} for kind in KINDS},
    },
    "TransitionsCompleted": {
        "type": "object",
        "required": ["completed"],
        "additionalProperties": False,
        "properties": {"completed": {"type": "integer", "minimum": 0, "description": "how many were pending"}},
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
            "account_id": {"type": "string", "pattern": ACCOUNT_ID.pattern},
            "status": {"enum": list(SMS_STATUSES)},
            "attempts": {"type": "integer", "minimum": 0},
            "last_error": {"type": ["string", "null"]},
            "created_at": TIME,
            "sent_at": {**TIME, "type": ["string", "null"]},
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
            "time": TIME,
            "request_id": {"type": "string"},
            "action": {"type": "string"},
            "principal_arn": {"type": "string"},
            "account_id": {"type": "string"},
            "result": {"enum": ["success", "failure"]},
            "error_code": {"type": "string", "description": "only on failures"},
            "denied_policy_type": {
                "type": "string",
                "description": "only on authorization refusals: the kind of policy that refused (e.g. ControlPolicy)",
            },
            "denied_by": {
                "type": "string",
                "description": "only on control-policy refusals: the denying policy, or the level that lacked an allow",
            },
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


def component_schemas(sites: Sequence[str]) -> dict[str, Schema]:
    """Every schema the document names; ``sites``: the server's site names, sorted."""
    return {**RESPONSE_SCHEMAS, **{body.name: body.schema(sites) for body in BODIES}}
