"""STS 2015-04-01: GetCallerIdentity (docs/behaviour.md#getcalleridentity) and AssumeRole (docs/sts.md). Shapes
follow the ``alibabacloud-sts20150401`` models."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from openrd import errors
from openrd.api.context import CallContext
from openrd.api.handlers.shapes import NoParams
from openrd.api.params import Param, integer, string
from openrd.api.registry import STS, Action, TargetParam
from openrd.domain import identity as ident
from openrd.domain.policy import PolicyDocumentError, parse_policy_document
from openrd.domain.resources import ResourceKind, Target
from openrd.services import sts

# Documented: 2-1224 characters of letters, digits and ``_+=,.@:/-``.
EXTERNAL_ID = r"[\w+=,.@:/-]{2,1224}"
MAX_POLICY_BYTES = 2048  # documented: "must be smaller than 2048 bytes"


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


def _role_arn(raw: str) -> tuple[str, str]:
    parsed = ident.parse_role_arn(raw)
    if parsed is None:
        raise ValueError(raw)
    return parsed


def _session_policy(raw: str) -> str:
    if len(raw.encode("utf-8")) >= MAX_POLICY_BYTES:
        raise errors.InvalidParameterPolicySize()
    try:
        parse_policy_document(raw, name="session")
    except PolicyDocumentError:
        raise errors.InvalidParameterPolicyGrammar() from None
    return raw


class RoleArnTarget(TargetParam):
    """The role ``RoleArn`` names, in its own account: what ``sts:AssumeRole`` is authorized on."""

    def read(self, params: Mapping[str, str]) -> Target:
        parsed = ident.parse_role_arn(params.get(self.param, ""))
        if parsed is None:  # the parameter stage, which runs first, refuses it
            return Target(self.kind, None)
        return Target(self.kind, parsed[1], account_id=parsed[0])


@dataclass(frozen=True)
class AssumeRoleRequest:
    role: tuple[str, str]
    session_name: str
    duration_seconds: int | None
    policy: str | None
    external_id: str | None


def assume_role(ctx: CallContext, req: AssumeRoleRequest) -> dict[str, Any]:
    request = sts.AssumeRoleRequest(
        role_account_id=req.role[0],
        role_name=req.role[1],
        session_name=req.session_name,
        duration_seconds=req.duration_seconds,
        policy=req.policy,
        external_id=req.external_id,
    )
    assumed = sts.assume_role(ctx.deps, caller=ctx.principal, request=request, facts=ctx.request)
    role, credentials = assumed.role, assumed.credentials
    return {
        "RequestId": ctx.request_id,
        "Credentials": {
            "AccessKeyId": credentials.access_key_id,
            "AccessKeySecret": credentials.access_key_secret,
            "SecurityToken": credentials.security_token,
            # Exactly this form: the Python credentials library parses it with "%Y-%m-%dT%H:%M:%SZ".
            "Expiration": credentials.expiration.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        },
        "AssumedRoleUser": {
            "Arn": f"{ident.role_arn(role.account_id, role.name)}/{assumed.session_name}",
            "AssumedRoleId": f"{role.role_id}:{assumed.session_name}",
        },
    }


ROWS = (
    Action(
        "GetCallerIdentity",
        frozenset({STS}),
        get_caller_identity,
        NoParams,
        summary="Who signed this request.",
        audited=False,
    ),
    Action(
        "AssumeRole",
        frozenset({STS}),
        assume_role,
        AssumeRoleRequest,
        params=(
            Param("RoleArn", "role", "string", required=True, parse=_role_arn, invalid=errors.InvalidParameterRoleArn),
            Param(
                "RoleSessionName",
                "session_name",
                "string",
                required=True,
                parse=string(64, ident.SESSION_NAME.pattern.strip("^$")),
                invalid=errors.InvalidParameterRoleSessionName,
            ),
            Param(
                "DurationSeconds",
                "duration_seconds",
                "integer",
                parse=integer(ident.MIN_SESSION_SECONDS, ident.MAX_SESSION_SECONDS),
                invalid=errors.InvalidParameterDurationSeconds,
                doc="900 up to the role's MaxSessionDuration; 3600 when absent",
            ),
            Param(
                "Policy",
                "policy",
                "string",
                parse=_session_policy,
                invalid=errors.InvalidParameterPolicyGrammar,
                document=True,
                doc="a session policy (under 2048 bytes) that narrows the role's permissions",
            ),
            Param(
                "ExternalId",
                "external_id",
                "string",
                parse=string(1224, EXTERNAL_ID),
                invalid=errors.InvalidParameterExternalId,
            ),
        ),
        ram_action="sts:AssumeRole",
        errors=(
            errors.InvalidParameterRoleArn,
            errors.InvalidParameterRoleSessionName,
            errors.InvalidParameterDurationSeconds,
            errors.InvalidParameterPolicySize,
            errors.InvalidParameterPolicyGrammar,
            errors.InvalidParameterExternalId,
            errors.NoPermission,
            errors.StsEntityNotExistRole,
        ),
        summary="Credentials of a session of a RAM role, for a RAM user or role session its trust policy admits.",
        target=RoleArnTarget(ResourceKind.RAM_ROLE, "RoleArn"),
        params_first=True,
    ),
)
