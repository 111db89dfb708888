"""Every operation of the control API, for its OpenAPI document (openapi.py): a declarative table. Request bodies
and query parameters are the declarations the routes parse with (requests.py), so the two cannot drift."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from openrd.control.fields import Body, Query, Schema
from openrd.control.openapi_parts import (
    account_links,
    disable_link,
    guarded,
    json_body,
    json_response,
    link,
    path_id,
    ref,
    schema,
)
from openrd.control.requests import (
    ACCOUNT_ID,
    ACCOUNT_PATCH,
    ASSUME_ROLE,
    AUDIT_QUERY,
    CLOCK_CHANGE,
    LATEST_SMS_QUERY,
    LIST_LIMIT,
    NEW_ACCOUNT,
    NEW_RAM_IDENTITY,
    SMS_QUERY,
)
from openrd.control.transitions import TRANSITION_COMPLETION, TRANSITION_DELAYS

INVALID_TRANSITION = {"400": ref("responses", "InvalidTransition")}


@dataclass(frozen=True)
class Operation:
    path: str
    method: str
    operation_id: str
    summary: str
    responses: Mapping[str, Schema]
    errors: tuple[int, ...] = ()  # besides 401 and 403, which every guarded operation may answer
    body: Body[Any] | None = None
    body_required: bool = True
    example: Schema | None = None
    query: Query[Any] | None = None
    parameters: tuple[Schema, ...] = ()
    public: bool = False  # no token needed, and remote clients are served too

    def document(self) -> Schema:
        operation: Schema = {
            "operationId": self.operation_id,
            "summary": self.summary,
            "responses": dict(self.responses),
        }
        parameters = [*self.parameters, *(self.query.parameters() if self.query else [])]
        if parameters:
            operation["parameters"] = parameters
        if self.body is not None:
            operation["requestBody"] = json_body(
                schema(self.body.name), required=self.body_required, example=self.example
            )
        if self.public:
            operation["security"] = []
            return operation
        return guarded(operation, *self.errors)


ACCOUNT_ID_PARAMETER = path_id("the account's 16-digit id", {"type": "string", "pattern": ACCOUNT_ID.pattern})
ACCOUNT_PATH = "/_openrd/accounts/{id}"  # it and the paths under it take the account id, once for the path
ROLE_POLICY_EXAMPLE = {
    "Version": "1",
    "Statement": {"Effect": "Allow", "Action": "resourcemanager:Get*", "Resource": "*"},
}
ASSUME_ROLE_LINK = {
    "AssumeRole": {
        "operationId": "assumeRole",
        "description": "Assume the role.",
        "requestBody": {"role_arn": "$response.body#/arn", "session_name": "linked"},
    }
}

OPERATIONS: tuple[Operation, ...] = (
    Operation(
        "/_openrd/health",
        "get",
        "getHealth",
        "Liveness and version; needs no token and answers remote clients too.",
        {"200": json_response("Alive.", schema("Health"))},
        public=True,
    ),
    Operation(
        "/_openrd/ready",
        "get",
        "getReady",
        "Readiness: the database answers, migrations are current, the SMS dispatcher runs.",
        {
            "200": json_response("Ready.", schema("Ready")),
            "503": json_response("Not ready; checks says why.", schema("Ready")),
        },
        public=True,
    ),
    Operation(
        "/metrics",
        "get",
        "getMetrics",
        "Prometheus metrics (text exposition format).",
        {"200": {"description": "The metrics.", "content": {"text/plain": {"schema": {"type": "string"}}}}},
    ),
    Operation(
        "/_openrd/openapi.json",
        "get",
        "getOpenApiDocument",
        "This document.",
        {"200": json_response("The OpenAPI document.", {"type": "object", "required": ["openapi", "info", "paths"]})},
    ),
    Operation(
        "/_openrd/reset",
        "post",
        "reset",
        "Wipe all state, the clock offset included.",
        {"204": {"description": "Wiped."}},
    ),
    Operation(
        "/_openrd/accounts",
        "get",
        "listAccounts",
        f"The accounts (at most {LIST_LIMIT}).",
        {"200": json_response("The accounts.", schema("AccountList"))},
    ),
    Operation(
        "/_openrd/accounts",
        "post",
        "createAccount",
        "Create an account with a root AccessKey.",
        {
            "201": json_response(
                "Created.",
                schema("CreatedAccount"),
                links=account_links("$response.body#/account_id") | disable_link(),
            )
        },
        (400,),
        body=NEW_ACCOUNT,
        example={
            "display_name": "acme",
            "site": "cn",
            "secure_mobile_phone": "86-13900001234",
            "enterprise_name": "ACME Ltd",
        },
    ),
    Operation(
        ACCOUNT_PATH,
        "get",
        "getAccount",
        "One account.",
        {"200": json_response("The account.", schema("Account"))},
        (404,),
    ),
    Operation(
        ACCOUNT_PATH,
        "patch",
        "patchAccount",
        "Change some fields of an account.",
        {
            "200": json_response(
                "The changed account.",
                schema("Account"),
                links={"GetAccount": link("getAccount", "Read it back.", id="$response.body#/account_id")},
            )
        },
        (400, 404),
        body=ACCOUNT_PATCH,
        body_required=False,
        example={"site": "intl", "secure_mobile_phone": None},
    ),
    Operation(
        f"{ACCOUNT_PATH}/ram-users",
        "post",
        "createRamUser",
        "Create a RAM user with an AccessKey and attach policies to it.",
        {"201": json_response("Created.", schema("CreatedRamUser"), links=disable_link())},
        (400, 404, 409),
        body=NEW_RAM_IDENTITY,
        example={"name": "rd-admin", "policies": ["AliyunResourceDirectoryFullAccess"]},
    ),
    Operation(
        f"{ACCOUNT_PATH}/ram-roles",
        "post",
        "createRamRole",
        "Create a RAM role (names compare case-insensitively) and attach policies to it.",
        {"201": json_response("Created.", schema("CreatedRamRole"), links=ASSUME_ROLE_LINK)},
        (400, 404, 409),
        body=NEW_RAM_IDENTITY,
        example={"name": "rd-reader", "policies": [ROLE_POLICY_EXAMPLE]},
    ),
    Operation(
        f"{ACCOUNT_PATH}/access-keys",
        "post",
        "createRootAccessKey",
        "Another root AccessKey for an account (e.g. a management account the API created).",
        {"201": json_response("Created.", schema("AccessKey"), links=disable_link())},
        (404,),
    ),
    Operation(
        "/_openrd/sts/assume-role",
        "post",
        "assumeRole",
        "STS credentials for a role.",
        {"201": json_response("Issued.", schema("StsCredentials"), links=disable_link())},
        (400, 404),
        body=ASSUME_ROLE,
        example={
            "role_arn": "acs:ram::1234567890123456:role/rd-reader",
            "session_name": "ci",
            "duration_seconds": 3600,
        },
    ),
    Operation(
        "/_openrd/access-keys/{id}/disable",
        "post",
        "disableAccessKey",
        "Disable an AccessKey (root, RAM user or STS).",
        {"204": {"description": "Disabled."}},
        (404,),
        parameters=(path_id("the AccessKey id", {"type": "string", "minLength": 1}),),
    ),
    Operation(
        "/_openrd/clock",
        "get",
        "getClock",
        "The emulator clock.",
        {"200": json_response("The clock.", schema("Clock"))},
    ),
    Operation(
        "/_openrd/clock",
        "post",
        "setClock",
        "Move the emulator clock (business time rules only; signatures use the real clock).",
        {"200": json_response("The moved clock.", schema("Clock"))},
        (400,),
        body=CLOCK_CHANGE,
        example={"advance_seconds": 3600},
    ),
    Operation(
        "/_openrd/transitions",
        "get",
        "getTransitions",
        "The delay of every kind of transition (seconds on the emulator clock).",
        {"200": json_response("The delays.", schema("Transitions"))},
    ),
    Operation(
        "/_openrd/transitions",
        "post",
        "setTransitions",
        "Set the delays of some kinds; transitions already pending keep the delay they started with.",
        {"200": json_response("Every kind's delay.", schema("Transitions")), **INVALID_TRANSITION},
        body=TRANSITION_DELAYS,
        body_required=False,
        example={"control_policy": 30},
    ),
    Operation(
        "/_openrd/transitions/complete",
        "post",
        "completeTransitions",
        "Finish pending transitions (of one kind, or all) now, without moving the clock.",
        {"200": json_response("Finished.", schema("TransitionsCompleted")), **INVALID_TRANSITION},
        body=TRANSITION_COMPLETION,
        body_required=False,
        example={"kind": "account_deletion"},
    ),
    Operation(
        "/_openrd/sms",
        "get",
        "listSms",
        "Text messages, newest first.",
        {"200": json_response("The messages.", schema("SmsList"))},
        (400,),
        query=SMS_QUERY,
    ),
    Operation(
        "/_openrd/sms/latest",
        "get",
        "latestSms",
        "The newest text message (for one phone).",
        {"200": json_response("The message.", schema("SmsMessage"))},
        (400, 404),
        query=LATEST_SMS_QUERY,
    ),
    Operation(
        "/_openrd/sms/{id}/retry",
        "post",
        "retrySms",
        "Queue a dead message for delivery again.",
        {"202": {"description": "Queued."}},
        (404, 409),
        parameters=(path_id("the message id", {"type": "string", "minLength": 1}),),
    ),
    Operation(
        "/_openrd/audit",
        "get",
        "listAudit",
        "Audit events, newest first: every authenticated call that changes the directory, and every failed call.",
        {"200": json_response("The events.", schema("AuditList"))},
        (400,),
        query=AUDIT_QUERY,
    ),
)
