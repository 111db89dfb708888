"""``/_openrd/accounts``: create, list, read and change accounts, and give one another root AccessKey."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from openrd.control.http import call, created, json_body
from openrd.control.requests import ACCOUNT_PATCH, LIST_LIMIT, NEW_ACCOUNT
from openrd.control.routing import Table
from openrd.services import identity
from openrd.services.context import Deps
from openrd.services.identity import AccountView


def account_json(view: AccountView) -> dict[str, Any]:
    account = view.account
    body: dict[str, Any] = {
        "account_id": account.account_id,
        "name": account.name,
        "display_name": account.display_name,
        "site": account.site,
        "secure_mobile_phone": account.secure_mobile_phone,
        "enterprise_name": account.enterprise_name,
        "enterprise_verified": account.enterprise_verified,
    }
    if view.member is not None:  # only an account in a directory has a member type
        body["type"] = view.member.type.value
        body["directory_id"] = view.member.directory_id
    return body


def account_routes(deps: Deps) -> Table:
    sites = sorted(deps.sites)

    async def create_account(request: Request) -> Response:
        new = NEW_ACCOUNT.parse(await json_body(request), sites=sites)
        account, creds = await call(
            identity.create_account,
            deps,
            display_name=new.display_name,
            name=new.name,
            site=new.site,
            secure_mobile_phone=new.secure_mobile_phone,
            enterprise_name=new.enterprise_name,
            enterprise_verified=new.enterprise_verified,
        )
        return created(
            {
                "account_id": account.account_id,
                "access_key_id": creds.access_key_id,
                "access_key_secret": creds.access_key_secret,
            }
        )

    async def get_account(request: Request) -> Response:
        view = await call(identity.view_account, deps, account_id=request.path_params["id"])
        return JSONResponse(account_json(view))

    async def list_accounts(_: Request) -> Response:
        views = await call(identity.view_accounts, deps, limit=LIST_LIMIT)
        return JSONResponse({"accounts": [account_json(v) for v in views]})

    async def patch_account(request: Request) -> Response:
        patch = ACCOUNT_PATCH.parse(await json_body(request), sites=sites)
        account_id = request.path_params["id"]
        await call(
            identity.patch_account,
            deps,
            account_id=account_id,
            site=patch.site,
            display_name=patch.display_name,
            secure_mobile_phone=patch.secure_mobile_phone,
            enterprise_name=patch.enterprise_name,
            enterprise_verified=patch.enterprise_verified,
        )
        view = await call(identity.view_account, deps, account_id=account_id)
        return JSONResponse(account_json(view))

    async def create_access_key(request: Request) -> Response:
        creds = await call(identity.create_root_access_key, deps, account_id=request.path_params["id"])
        return created({"access_key_id": creds.access_key_id, "access_key_secret": creds.access_key_secret})

    return [
        ("/_openrd/accounts", {"GET": list_accounts, "POST": create_account}),
        ("/_openrd/accounts/{id}", {"GET": get_account, "PATCH": patch_account}),
        ("/_openrd/accounts/{id}/access-keys", {"POST": create_access_key}),
    ]
