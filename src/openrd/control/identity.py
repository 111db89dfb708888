"""RAM users and roles in an account, STS sessions and AccessKeys: the identities the control API seeds."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from openrd.control.http import call, created, json_body
from openrd.control.requests import ASSUME_ROLE, NEW_RAM_IDENTITY
from openrd.control.routing import Table
from openrd.domain.times import rfc3339
from openrd.services import identity
from openrd.services.context import Deps


def identity_routes(deps: Deps) -> Table:
    async def create_ram_user(request: Request) -> Response:
        new = NEW_RAM_IDENTITY.parse(await json_body(request))
        user, creds = await call(
            identity.create_ram_user,
            deps,
            account_id=request.path_params["id"],
            name=new.name,
            policies=new.policies,
        )
        return created(
            {
                "user_id": user.user_id,
                "arn": f"acs:ram::{user.account_id}:user/{user.name}",
                "access_key_id": creds.access_key_id,
                "access_key_secret": creds.access_key_secret,
            }
        )

    async def create_ram_role(request: Request) -> Response:
        new = NEW_RAM_IDENTITY.parse(await json_body(request))
        role = await call(
            identity.create_ram_role, deps, account_id=request.path_params["id"], name=new.name, policies=new.policies
        )
        return created({"role_id": role.role_id, "arn": f"acs:ram::{role.account_id}:role/{role.name}"})

    async def assume_role(request: Request) -> Response:
        asked = ASSUME_ROLE.parse(await json_body(request))
        creds = await call(
            identity.assume_role,
            deps,
            role_arn=asked.role_arn,
            session_name=asked.session_name,
            duration_seconds=asked.duration_seconds,
        )
        return created(
            {
                "access_key_id": creds.access_key_id,
                "access_key_secret": creds.access_key_secret,
                "security_token": creds.security_token,
                "expiration": rfc3339(creds.expiration),
            }
        )

    async def disable_access_key(request: Request) -> Response:
        await call(identity.disable_access_key, deps, access_key_id=request.path_params["id"])
        return Response(status_code=204)

    return [
        ("/_openrd/accounts/{id}/ram-users", {"POST": create_ram_user}),
        ("/_openrd/accounts/{id}/ram-roles", {"POST": create_ram_role}),
        ("/_openrd/sts/assume-role", {"POST": assume_role}),
        ("/_openrd/access-keys/{id}/disable", {"POST": disable_access_key}),
    ]
