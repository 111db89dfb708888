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
from openrd.control.openapi_parts import (
    account_links,
    disable_link,
    error_response,
    guarded,
    json_body,
    json_response,
    limit,
    link,
    optional_filter,
    path_id,
    query,
    with_body_errors,
)
from openrd.control.openapi_schemas import (
    ACCOUNT_ID,
    AUDIT_ACTION,
    LIST_LIMIT,
    PHONE,
    SMS_STATUSES,
    Schema,
    component_schemas,
)
from openrd.control.openapi_schemas import schema as _schema


def _paths() -> dict[str, Schema]:
    account_id = path_id("the account's 16-digit id", {"type": "string", "pattern": ACCOUNT_ID})
    public: list[Any] = []  # no token needed, and remote clients are served too
    return {
        "/_openrd/health": {
            "get": {
                "operationId": "getHealth",
                "summary": "Liveness and version; needs no token and answers remote clients too.",
                "security": public,
                "responses": {"200": json_response("Alive.", _schema("Health"))},
            }
        },
        "/_openrd/ready": {
            "get": {
                "operationId": "getReady",
                "summary": "Readiness: the database answers, migrations are current, the SMS dispatcher runs.",
                "security": public,
                "responses": {
                    "200": json_response("Ready.", _schema("Ready")),
                    "503": json_response("Not ready; checks says why.", _schema("Ready")),
                },
            }
        },
        "/metrics": {
            "get": guarded(
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
            "get": guarded(
                {
                    "operationId": "getOpenApiDocument",
                    "summary": "This document.",
                    "responses": {
                        "200": json_response(
                            "The OpenAPI document.",
                            {"type": "object", "required": ["openapi", "info", "paths"]},
                        )
                    },
                }
            )
        },
        "/_openrd/reset": {
            "post": guarded(
                {
                    "operationId": "reset",
                    "summary": "Wipe all state, the clock offset included.",
                    "responses": {"204": {"description": "Wiped."}},
                }
            )
        },
        "/_openrd/accounts": {
            "get": guarded(
                {
                    "operationId": "listAccounts",
                    "summary": f"The accounts (at most {LIST_LIMIT}).",
                    "responses": {"200": json_response("The accounts.", _schema("AccountList"))},
                }
            ),
            "post": guarded(
                {
                    "operationId": "createAccount",
                    "summary": "Create an account with a root AccessKey.",
                    "requestBody": json_body(
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
                        "201": json_response(
                            "Created.",
                            _schema("CreatedAccount"),
                            links=account_links("$response.body#/account_id") | disable_link(),
                        )
                    },
                },
                400,
            ),
        },
        "/_openrd/accounts/{id}": {
            "parameters": [account_id],
            "get": guarded(
                {
                    "operationId": "getAccount",
                    "summary": "One account.",
                    "responses": {"200": json_response("The account.", _schema("Account"))},
                },
                404,
            ),
            "patch": guarded(
                {
                    "operationId": "patchAccount",
                    "summary": "Change some fields of an account.",
                    "requestBody": json_body(
                        _schema("AccountPatch"), required=False, example={"site": "intl", "secure_mobile_phone": None}
                    ),
                    "responses": {
                        "200": json_response(
                            "The changed account.",
                            _schema("Account"),
                            links={"GetAccount": link("getAccount", "Read it back.", id="$response.body#/account_id")},
                        )
                    },
                },
                400,
                404,
            ),
        },
        "/_openrd/accounts/{id}/ram-users": {
            "parameters": [account_id],
            "post": guarded(
                {
                    "operationId": "createRamUser",
                    "summary": "Create a RAM user with an AccessKey and attach policies to it.",
                    "requestBody": json_body(
                        _schema("NewRamIdentity"),
                        required=True,
                        example={"name": "rd-admin", "policies": ["AliyunResourceDirectoryFullAccess"]},
                    ),
                    "responses": {"201": json_response("Created.", _schema("CreatedRamUser"), links=disable_link())},
                },
                400,
                404,
                409,
            ),
        },
        "/_openrd/accounts/{id}/ram-roles": {
            "parameters": [account_id],
            "post": guarded(
                {
                    "operationId": "createRamRole",
                    "summary": "Create a RAM role (names compare case-insensitively) and attach policies to it.",
                    "requestBody": json_body(
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
                        "201": json_response(
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
            "post": guarded(
                {
                    "operationId": "createRootAccessKey",
                    "summary": "Another root AccessKey for an account (e.g. a management account the API created).",
                    "responses": {"201": json_response("Created.", _schema("AccessKey"), links=disable_link())},
                },
                404,
            ),
        },
        "/_openrd/sts/assume-role": {
            "post": guarded(
                {
                    "operationId": "assumeRole",
                    "summary": "STS credentials for a role.",
                    "requestBody": json_body(
                        _schema("AssumeRole"),
                        required=True,
                        example={
                            "role_arn": "acs:ram::1234567890123456:role/rd-reader",
                            "session_name": "ci",
                            "duration_seconds": 3600,
                        },
                    ),
                    "responses": {"201": json_response("Issued.", _schema("StsCredentials"), links=disable_link())},
                },
                400,
                404,
            ),
        },
        "/_openrd/access-keys/{id}/disable": {
            "post": guarded(
                {
                    "operationId": "disableAccessKey",
                    "summary": "Disable an AccessKey (root, RAM user or STS).",
                    "parameters": [path_id("the AccessKey id", {"type": "string", "minLength": 1})],
                    "responses": {"204": {"description": "Disabled."}},
                },
                404,
            )
        },
        "/_openrd/clock": {
            "get": guarded(
                {
                    "operationId": "getClock",
                    "summary": "The emulator clock.",
                    "responses": {"200": json_response("The clock.", _schema("Clock"))},
                }
            ),
            "post": guarded(
                {
                    "operationId": "setClock",
                    "summary": "Move the emulator clock (business time rules only; signatures use the real clock).",
                    "requestBody": json_body(_schema("ClockChange"), required=True, example={"advance_seconds": 3600}),
                    "responses": {"200": json_response("The moved clock.", _schema("Clock"))},
                },
                400,
            ),
        },
        "/_openrd/sms": {
            "get": guarded(
                {
                    "operationId": "listSms",
                    "summary": "Text messages, newest first.",
                    "parameters": [
                        query("phone", "only this phone (empty: all)", optional_filter(PHONE)),
                        query("status", "only this status (empty: all)", {"enum": ["", *SMS_STATUSES]}),
                        query("limit", "at most this many", limit(50)),
                    ],
                    "responses": {"200": json_response("The messages.", _schema("SmsList"))},
                },
                400,
            )
        },
        "/_openrd/sms/latest": {
            "get": guarded(
                {
                    "operationId": "latestSms",
                    "summary": "The newest text message (for one phone).",
                    "parameters": [query("phone", "only this phone (empty: any)", optional_filter(PHONE))],
                    "responses": {"200": json_response("The message.", _schema("SmsMessage"))},
                },
                400,
                404,
            )
        },
        "/_openrd/sms/{id}/retry": {
            "post": guarded(
                {
                    "operationId": "retrySms",
                    "summary": "Queue a dead message for delivery again.",
                    "parameters": [path_id("the message id", {"type": "string", "minLength": 1})],
                    "responses": {"202": {"description": "Queued."}},
                },
                404,
                409,
            )
        },
        "/_openrd/audit": {
            "get": guarded(
                {
                    "operationId": "listAudit",
                    "summary": "Audit events, newest first: every authenticated call that changes the directory, and "
                    "every failed call.",
                    "parameters": [
                        query("account_id", "only this account (empty: all)", optional_filter(ACCOUNT_ID)),
                        query("action", "only this API action (empty: all)", optional_filter(AUDIT_ACTION)),
                        query("result", "only this result (empty: all)", {"enum": ["", "success", "failure"]}),
                        query("limit", "at most this many", limit(100)),
                    ],
                    "responses": {"200": json_response("The events.", _schema("AuditList"))},
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
            "(else 401); without it only loopback clients are served (else 403) and they need no token. Without "
            "a token the Host must be a loopback name or one in OPENRD_ALLOWED_HOSTS, and with or without one an "
            "Origin must name an allowed host or the request's own (else 403). Bodies are JSON only (else 415), "
            "at most OPENRD_MAX_BODY_BYTES (else 413). Errors "
            'are `{"error": "<code>", "message": "..."}`; an unexpected failure is a 500 with error "internal". '
            "The console page (/_openrd/console) is for browsers and is not described here.",
        },
        "servers": [{"url": "/"}],
        "security": [{"adminToken": []}],
        "paths": with_body_errors(_paths()),
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
                "Invalid": error_response("invalid", "The request is malformed or breaks a documented rule."),
                "Unauthorized": error_response("unauthorized", "A token is configured; this call lacks it."),
                "Forbidden": error_response(
                    "forbidden",
                    "No token is configured and the client is not loopback, or the Host or Origin is not allowed.",
                ),
                "NotFound": error_response("not_found", "The named object does not exist."),
                "Conflict": error_response("conflict", "The object exists already, or is in the wrong state."),
                "TooLarge": error_response("too_large", "The body is larger than OPENRD_MAX_BODY_BYTES."),
                "UnsupportedMediaType": error_response(
                    "unsupported_media_type", "The body is not sent as Content-Type: application/json."
                ),
            },
            "schemas": component_schemas(names),
        },
    }
