"""CreateResourceAccount and GetAccount: every documented error through the official Tea SDK, each reached with
the checks before it passing (docs/api-reference.md lists them)."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alibabacloud_resourcemanager20200331 import models as rm

from openrd import errors
from openrd.services import accounts as directory_service
from openrd.testing.client import OpenRD
from openrd.testing.server import start_server

SIGNING = [pytest.param({}, id="v3"), pytest.param({"signature_algorithm": "v2"}, id="v1")]
GHOST_FOLDER = "fd-" + "0" * 10  # well formed, never issued
GHOST_ACCOUNT = "1" * 16

# A site that may not create resource accounts (OPENRD_SITES_FILE); the built-in sites allow every action.
NO_CREATE_SITE = """
[sites.closed]
country_codes = ["*"]
disallowed_actions = ["CreateResourceAccount"]
"""


def _create(org: Any, extra: dict[str, str] | None = None, **fields: Any) -> Any:
    return org.rm(**(extra or {})).create_resource_account(rm.CreateResourceAccountRequest(**fields))


@pytest.mark.parametrize("extra", SIGNING)
def test_create_resource_account_parameter_errors(world: Any, check: Any, extra: dict[str, str]) -> None:
    org = world.org()
    name = check.unique("ra")
    check.fails(errors.MissingParameterAccountDisplayName, _create, org, extra)
    check.fails(errors.InvalidParameterParentFolderId, _create, org, extra, display_name=name, parent_folder_id="fd-x")
    bad_prefix = "-starts-with-a-dash"
    check.fails(
        errors.InvalidParameterAccountNamePrefix, _create, org, extra, display_name=name, account_name_prefix=bad_prefix
    )
    too_long = "p" * 51
    check.fails(
        errors.InvalidParameterAccountNamePrefixLength,
        _create,
        org,
        extra,
        display_name=name,
        account_name_prefix=too_long,
    )
    assert org.client.list_accounts(rm.ListAccountsRequest()).body.total_count == 1  # nothing was created


def test_create_resource_account_international_prefix_limit(world: Any, check: Any) -> None:
    """The International site allows 37 characters of the 50 the parameter takes (a business check)."""
    org = world.org(site="intl")
    prefix = "p" * 38
    check.fails(
        errors.InvalidParameterAccountNamePrefixLength,
        _create,
        org,
        display_name=check.unique("ra"),
        account_name_prefix=prefix,
    )
    assert _create(org, display_name=check.unique("ra"), account_name_prefix="p" * 37).body.account.account_id


def test_create_resource_account_business_errors(world: Any, check: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    loner = world.account()
    check.fails(errors.EntityNotExistsResourceDirectory, _create, loner, display_name=check.unique("ra"))
    org = world.org()
    name = check.unique("ra")
    check.fails(errors.EntityNotExistsFolder, _create, org, display_name=name, parent_folder_id=GHOST_FOLDER)
    other = world.org()
    check.fails(errors.EntityNotExistsFolder, _create, org, display_name=name, parent_folder_id=other.root_id)

    prefix = f"dup{secrets.token_hex(3)}"
    made = _create(org, display_name=name, account_name_prefix=prefix).body.account
    assert made.account_name.startswith(f"{prefix}@")
    check.fails(
        errors.EntityAlreadyExistsResourceDirectoryAccount,
        _create,
        org,
        display_name=check.unique("ra"),
        account_name_prefix=prefix,
    )

    monkeypatch.setattr(directory_service, "MAX_MEMBERS", 2)  # the server runs in this process; org has 2 now
    check.fails(errors.LimitExceededAccount, _create, org, display_name=check.unique("ra"))
    monkeypatch.undo()
    assert org.client.list_accounts(rm.ListAccountsRequest()).body.total_count == 2  # the refused ones wrote nothing


@pytest.fixture(scope="module")
def closed_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OpenRD]:
    """A server of its own whose ``closed`` site disallows CreateResourceAccount (SQLite: a check before any
    store work)."""
    tmp = tmp_path_factory.mktemp("closed-site")
    sites = tmp / "sites.toml"
    sites.write_text(NO_CREATE_SITE, encoding="utf-8")
    env = {
        "OPENRD_DATA_DIR": str(tmp / "data"),
        "OPENRD_SECRET_KEY": "test-master-key",
        "HOME": str(Path(tmp)),
        "OPENRD_SITES_FILE": str(sites),
    }
    live = start_server(env)
    control = OpenRD(live.url)
    try:
        yield control
    finally:
        control.close()
        live.stop()


@pytest.mark.parametrize("extra", SIGNING)
def test_create_resource_account_on_a_site_that_disallows_it(
    closed_site: OpenRD, check: Any, extra: dict[str, str]
) -> None:
    creds = closed_site.make_account(site="closed")
    client = closed_site.tea_client(creds, **extra)
    client.enable_resource_directory(rm.EnableResourceDirectoryRequest(enable_mode="CurrentAccount"))
    request = rm.CreateResourceAccountRequest(display_name=check.unique("ra"))
    check.fails(errors.NotSupportSiteAction, client.create_resource_account, request)
    assert client.list_accounts(rm.ListAccountsRequest()).body.total_count == 1


@pytest.mark.parametrize("extra", SIGNING)
def test_get_account_errors(world: Any, check: Any, extra: dict[str, str]) -> None:
    loner = world.account()
    client = loner.rm(**extra)
    check.fails(errors.MissingParameterAccountId, client.get_account, rm.GetAccountRequest())
    check.fails(errors.InvalidParameterAccountId, client.get_account, rm.GetAccountRequest(account_id="12345"))
    request = rm.GetAccountRequest(account_id=GHOST_ACCOUNT)
    check.fails(errors.EntityNotExistsResourceDirectory, client.get_account, request)
    org = world.org()
    check.fails(errors.EntityNotExistsAccount, org.rm(**extra).get_account, request)
    outsider = rm.GetAccountRequest(account_id=loner.account_id)  # an account, but no member of org's directory
    check.fails(errors.EntityNotExistsAccount, org.rm(**extra).get_account, outsider)
