"""The control API's OpenAPI 3.1 document, served at ``GET /_openrd/openapi.json``.

It describes every route under ``/_openrd`` and ``/metrics`` except the console page (HTML and server-sent events,
for people, not programs) and nothing of the Alibaba front door at ``/``. Where the domain has the rule (name and
phone patterns, session and clock limits, policy names, SMS states) the document takes its constant; the site
names are the server's own. The suite checks the document against the routes the app registers and fuzzes the live
server from it with schemathesis (tests/control/test_control_openapi.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from openrd import __version__
from openrd.control.openapi_schemas import (
    ACCOUNT_ID,
    AUDIT_ACTION,
    JSON,
    LIST_LIMIT,
    PHONE,
    SMS_STATUSES,
    Schema,
    component_schemas,
)
from openrd.control.openapi_schemas import ref as _ref
from openrd.control.openapi_schemas import schema as _schema


def _json_response(description: str, schema: Schema, *, links: dict[str, Schema] | None = None) -> Schema:
    response: Schema = {"description": description, "content": {JSON: {"schema": schema}}}
    if links:
        response["links"] = links
    return response


def _link(operation_id: str, description: str, **parameters: str) -> Schema:
    return {"operationId": operation_id, "description": description, "parameters": parameters}


def _account_links(source: str) -> dict[str, Schema]:
    """What can be done with the account a response names (``source``: a runtime expression)."""
    return {
        "GetAccount": _link("getAccount", "Read the account.", id=source),
        "PatchAccount": _link("patchAccount", "Change the account.", id=source),
        "CreateRamUser": _link("createRamUser", "Create a RAM user in the account.", id=source),
        "CreateRamRole": _link("createRamRole", "Create a RAM role in the account.", id=source),
        "CreateRootAccessKey": _link("createRootAccessKey", "Another root AccessKey.", id=source),
    }


def _disable_link(source: str = "$response.body#/access_key_id") -> dict[str, Schema]:
    return {"DisableAccessKey": _link("disableAccessKey", "Disable the AccessKey.", id=source)}


def _json_body(schema: Schema, *, required: bool, example: Schema | None = None) -> Schema:
    media: Schema = {"schema": schema}
    if example is not None:
        media["example"] = example
    return {"required": required, "content": {JSON: media}}


def _error_response(code: str, description: str) -> Schema:
    schema: Schema = {
        "type": "object",
        "required": ["error", "message"],
        "additionalProperties": False,
        "properties": {"error": {"const": code}, "message": {"type": "string", "minLength": 1}},
    }
    return _json_response(description, schema)


def _errors(*statuses: int) -> dict[str, Schema]:
    names = {400: "Invalid", 401: "Unauthorized", 403: "Forbidden", 404: "NotFound", 409: "Conflict"}
    return {str(status): _ref("responses", names[status]) for status in statuses}


def _guarded(operation: Schema, *errors: int) -> Schema:
    """Every guarded route may answer 401 (token configured, missing or wrong) or 403 (no token, remote client)."""
    operation["responses"].update(_errors(*sorted({*errors, 401, 403})))
    return operation


def _path_id(description: str, schema: Schema) -> Schema:
    return {"name": "id", "in": "path", "required": True, "description": description, "schema": schema}


def _query(name: str, description: str, schema: Schema) -> Schema:
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema}


def _optional_filter(pattern: str) -> Schema:
    """A query filter whose empty value counts as absent."""
    return {"type": "string", "pattern": f"^({pattern.removeprefix('^').removesuffix('$')})?$"}


def _limit(default: int) -> Schema:
    return {"type": "integer", "minimum": 1, "maximum": LIST_LIMIT, "default": default}


def _paths() -> dict[str, Schema]:
    account_id = _path_id("the account's 16-digit id", {"type": "string", "pattern": ACCOUNT_ID})
    public: list[Any] = []  # no token needed, and remote clients are served too
    return {
        "/_openrd/health": {
            "get": {
                "operationId": "getHealth",
                "summary": "Liveness and version; needs no token and answers remote clients too.",
                "security": public,
                "responses": {"200": _json_response("Alive.", _schema("Health"))},
            }
        },
        "/_openrd/ready": {
            "get": {
                "operationId": "getReady",
                "summary": "Readiness: the database answers, migrations are current, the SMS dispatcher runs.",
                "security": public,
                "responses": {
                    "200": _json_response("Ready.", _schema("Ready")),
                    "503": _json_response("Not ready; checks says why.", _schema("Ready")),
                },
            }
        },
        "/metrics": {
            "get": _guarded(
                {
                    "operationId": "getMetrics",
                    "summary": "Prometheus metrics (text exposition format).",
                    "responses": {
                        "200": {
                            "description": "The metrics.",
                            "content": {"text/plain": {"schema": {"type": "string"}}},
                        }
                    },
                }
            )
        },
        "/_openrd/openapi.json": {
            "get": _guarded(
                {
                    "operationId": "getOpenApiDocument",
                    "summary": "This document.",
                    "responses": {
                        "200": _json_response(
                            "The OpenAPI document.",
                            {"type": "object", "required": ["openapi", "info", "paths"]},
                        )
                    },
                }
            )
        },
        "/_openrd/reset": {
            "post": _guarded(
                {
                    "operationId": "reset",
                    "summary": "Wipe all state, the clock offset included.",
                    "responses": {"204": {"description": "Wiped."}},
                }
            )
        },
        "/_openrd/accounts": {
            "get": _guarded(
                {
                    "operationId": "listAccounts",
                    "summary": f"The accounts (at most {LIST_LIMIT}).",
                    "responses": {"200": _json_response("The accounts.", _schema("AccountList"))},
                }
            ),
            "post": _guarded(
                {
                    "operationId": "createAccount",
                    "summary": "Create an account with a root AccessKey.",
                    "requestBody": _json_body(
                        _schema("NewAccount"),
                        required=True,
                        example={
                            "display_name": "acme",
                            "site": "cn",
                            "secure_mobile_phone": "86-13900001234",
                            "enterprise_name": "ACME Ltd",
                        },
                    ),
                    "responses": {
                        "201": _json_response(
                            "Created.",
                            _schema("CreatedAccount"),
                            links=_account_links("$response.body#/account_id") | _disable_link(),
                        )
                    },
                },
                400,
            ),
        },
        "/_openrd/accounts/{id}": {
            "parameters": [account_id],
            "get": _guarded(
                {
                    "operationId": "getAccount",
                    "summary": "One account.",
                    "responses": {"200": _json_response("The account.", _schema("Account"))},
                },
                404,
            ),
            "patch": _guarded(
                {
                    "operationId": "patchAccount",
                    "summary": "Change some fields of an account.",
                    "requestBody": _json_body(
                        _schema("AccountPatch"), required=False, example={"site": "intl", "secure_mobile_phone": None}
                    ),
                    "responses": {
                        "200": _json_response(
                            "The changed account.",
                            _schema("Account"),
                            links={"GetAccount": _link("getAccount", "Read it back.", id="$response.body#/account_id")},
                        )
                    },
                },
                400,
                404,
            ),
        },
        "/_openrd/accounts/{id}/ram-users": {
            "parameters": [account_id],
            "post": _guarded(
                {
                    "operationId": "createRamUser",
                    "summary": "Create a RAM user with an AccessKey and attach policies to it.",
                    "requestBody": _json_body(
                        _schema("NewRamIdentity"),
                        required=True,
                        example={"name": "rd-admin", "policies": ["AliyunResourceDirectoryFullAccess"]},
                    ),
                    "responses": {"201": _json_response("Created.", _schema("CreatedRamUser"), links=_disable_link())},
                },
                400,
                404,
                409,
            ),
        },
        "/_openrd/accounts/{id}/ram-roles": {
            "parameters": [account_id],
            "post": _guarded(
                {
                    "operationId": "createRamRole",
                    "summary": "Create a RAM role (names compare case-insensitively) and attach policies to it.",
                    "requestBody": _json_body(
                        _schema("NewRamIdentity"),
                        required=True,
                        example={
                            "name": "rd-reader",
                            "policies": [
                                {
                                    "Version": "1",
                                    "Statement": {"Effect": "Allow", "Action": "resourcemanager:Get*", "Resource": "*"},
                                }
                            ],
                        },
                    ),
                    "responses": {
                        "201": _json_response(
                            "Created.",
                            _schema("CreatedRamRole"),
                            links={
                                "AssumeRole": {
                                    "operationId": "assumeRole",
                                    "description": "Assume the role.",
                                    "requestBody": {"role_arn": "$response.body#/arn", "session_name": "linked"},
                                }
                            },
                        )
                    },
                },
                400,
                404,
                409,
            ),
        },
        "/_openrd/accounts/{id}/access-keys": {
            "parameters": [account_id],
            "post": _guarded(
                {
                    "operationId": "createRootAccessKey",
                    "summary": "Another root AccessKey for an account (e.g. a management account the API created).",
                    "responses": {"201": _json_response("Created.", _schema("AccessKey"), links=_disable_link())},
                },
                404,
            ),
        },
        "/_openrd/sts/assume-role": {
            "post": _guarded(
                {
                    "operationId": "assumeRole",
                    "summary": "STS credentials for a role.",
                    "requestBody": _json_body(
                        _schema("AssumeRole"),
                        required=True,
                        example={
                            "role_arn": "acs:ram::1234567890123456:role/rd-reader",
                            "session_name": "ci",
                            "duration_seconds": 3600,
                        },
                    ),
                    "responses": {"201": _json_response("Issued.", _schema("StsCredentials"), links=_disable_link())},
                },
                400,
                404,
            ),
        },
        "/_openrd/access-keys/{id}/disable": {
            "post": _guarded(
                {
                    "operationId": "disableAccessKey",
                    "summary": "Disable an AccessKey (root, RAM user or STS).",
                    "parameters": [_path_id("the AccessKey id", {"type": "string", "minLength": 1})],
                    "responses": {"204": {"description": "Disabled."}},
                },
                404,
            )
        },
        "/_openrd/clock": {
            "get": _guarded(
                {
                    "operationId": "getClock",
                    "summary": "The emulator clock.",
                    "responses": {"200": _json_response("The clock.", _schema("Clock"))},
                }
            ),
            "post": _guarded(
                {
                    "operationId": "setClock",
                    "summary": "Move the emulator clock (business time rules only; signatures use the real clock).",
                    "requestBody": _json_body(_schema("ClockChange"), required=True, example={"advance_seconds": 3600}),
                    "responses": {"200": _json_response("The moved clock.", _schema("Clock"))},
                },
                400,
            ),
        },
        "/_openrd/sms": {
            "get": _guarded(
                {
                    "operationId": "listSms",
                    "summary": "Text messages, newest first.",
                    "parameters": [
                        _query("phone", "only this phone (empty: all)", _optional_filter(PHONE)),
                        _query("status", "only this status (empty: all)", {"enum": ["", *SMS_STATUSES]}),
                        _query("limit", "at most this many", _limit(50)),
                    ],
                    "responses": {"200": _json_response("The messages.", _schema("SmsList"))},
                },
                400,
            )
        },
        "/_openrd/sms/latest": {
            "get": _guarded(
                {
                    "operationId": "latestSms",
                    "summary": "The newest text message (for one phone).",
                    "parameters": [_query("phone", "only this phone (empty: any)", _optional_filter(PHONE))],
                    "responses": {"200": _json_response("The message.", _schema("SmsMessage"))},
                },
                400,
                404,
            )
        },
        "/_openrd/sms/{id}/retry": {
            "post": _guarded(
                {
                    "operationId": "retrySms",
                    "summary": "Queue a dead message for delivery again.",
                    "parameters": [_path_id("the message id", {"type": "string", "minLength": 1})],
                    "responses": {"202": {"description": "Queued."}},
                },
                404,
                409,
            )
        },
        "/_openrd/audit": {
            "get": _guarded(
                {
                    "operationId": "listAudit",
                    "summary": "Audit events, newest first: every authenticated call that changes the directory, and "
                    "every failed call.",
                    "parameters": [
                        _query("account_id", "only this account (empty: all)", _optional_filter(ACCOUNT_ID)),
                        _query("action", "only this API action (empty: all)", _optional_filter(AUDIT_ACTION)),
                        _query("result", "only this result (empty: all)", {"enum": ["", "success", "failure"]}),
                        _query("limit", "at most this many", _limit(100)),
                    ],
                    "responses": {"200": _json_response("The events.", _schema("AuditList"))},
                },
                400,
            )
        },
    }


def openapi_document(*, sites: Iterable[str]) -> dict[str, Any]:
    """The document for a server whose site profiles are ``sites``."""
    names = sorted(sites)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "openrd control API",
            "version": __version__,
            "description": "The emulator's own JSON API: seeding, inspection, clock, reset, health and metrics. "
            "With OPENRD_ADMIN_TOKEN set every call but health and ready needs `Authorization: Bearer <token>` "
            "(else 401); without it only loopback clients are served (else 403) and they need no token. Errors "
            'are `{"error": "<code>", "message": "..."}`; an unexpected failure is a 500 with error "internal". '
            "The console page (/_openrd/console) is for browsers and is not described here.",
        },
        "servers": [{"url": "/"}],
        "security": [{"adminToken": []}],
        "paths": _paths(),
        "components": {
            "securitySchemes": {
                "adminToken": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "The value of OPENRD_ADMIN_TOKEN. Without one configured, loopback clients need "
                    "no token.",
                }
            },
            "responses": {
                "Invalid": _error_response("invalid", "The request is malformed or breaks a documented rule."),
                "Unauthorized": _error_response("unauthorized", "A token is configured; this call lacks it."),
                "Forbidden": _error_response("forbidden", "No token is configured and the client is not loopback."),
                "NotFound": _error_response("not_found", "The named object does not exist."),
                "Conflict": _error_response("conflict", "The object exists already, or is in the wrong state."),
            },
            "schemas": component_schemas(names),
        },
    }
