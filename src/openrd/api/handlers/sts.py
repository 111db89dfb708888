"""STS 2015-04-01 GetCallerIdentity (docs/behaviour.md#getcalleridentity)."""

from __future__ import annotations

from typing import Any

from openrd.api.context import CallContext
from openrd.api.handlers.shapes import NoParams
from openrd.api.registry import STS, Action


def get_caller_identity(ctx: CallContext, _req: NoParams) -> dict[str, Any]:
    principal = ctx.principal
    body: dict[str, Any] = {
        "RequestId": ctx.request_id,
        "AccountId": principal.account_id,
        "UserId": principal.user_id,
        "Arn": principal.arn,
        "IdentityType": principal.identity_type,
        "PrincipalId": principal.user_id,
    }
    if principal.identity_type == "AssumedRoleUser":
        body["RoleId"] = principal.principal_id
    return body


ROWS = (
    Action(
        "GetCallerIdentity",
        frozenset({STS}),
        get_caller_identity,
        NoParams,
        summary="Who signed this request.",
        audited=False,
    ),
)
