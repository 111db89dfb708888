"""RAM users through the official RAM SDK (V3 and V1): CreateUser, GetUser, UpdateUser, DeleteUser, ListUsers,
GetAccountAlias — and one world with the control API (docs/ram.md#users)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from alibabacloud_ram20150501 import models as ram
from alibabacloud_tea_openapi.exceptions import ClientException

from openrd import errors
from openrd.domain import ram as limits
from support.compat import Sdk, World
from support.directory import fails, fails_param
from support.ram import RAM_TIME, SIGNING, fill, ram_account, unique
from support.servers import LiveServer


@pytest.mark.parametrize("extra", SIGNING)
def test_user_round_trip(world: World, sdk: Sdk, extra: dict[str, str]) -> None:
    acct = ram_account(sdk, world.root(), **extra)
    name = unique("dev")
    made = acct.client.create_user(
        ram.CreateUserRequest(
            user_name=name,
            display_name="开发 Dev",
            comments="first",
            email="dev@example.com",
            mobile_phone="86-13900001234",
        )
    ).body
    user = made.user
    assert made.request_id
    assert (user.user_name, user.display_name, user.comments) == (name, "开发 Dev", "first")
    assert (user.email, user.mobile_phone) == ("dev@example.com", "86-13900001234")
    assert re.fullmatch(r"[0-9]{16}", user.user_id)
    assert RAM_TIME.fullmatch(user.create_date)

    got = acct.client.get_user(ram.GetUserRequest(user_name=name)).body.user
    assert (got.user_id, got.user_name, got.create_date) == (user.user_id, name, user.create_date)
    assert RAM_TIME.fullmatch(got.update_date)

    renamed = unique("ops")
    updated = acct.client.update_user(
        ram.UpdateUserRequest(user_name=name, new_user_name=renamed, new_comments="second")
    ).body.user
    assert (updated.user_id, updated.user_name, updated.comments) == (user.user_id, renamed, "second")
    assert updated.display_name == "开发 Dev"  # not given: kept
    fails(errors.EntityNotExistUser, acct.client.get_user, ram.GetUserRequest(user_name=name))

    listed = acct.client.list_users(ram.ListUsersRequest()).body
    assert (listed.is_truncated, listed.marker) == (False, None)
    assert [u.user_name for u in listed.users.user] == [renamed]

    assert acct.client.delete_user(ram.DeleteUserRequest(user_name=renamed)).body.request_id
    assert acct.client.list_users(ram.ListUsersRequest()).body.users.user == []


def test_users_page_by_marker_in_name_order(world: World, sdk: Sdk) -> None:
    acct = ram_account(sdk, world.root())
    names = sorted(acct.user(f"p{i:02d}") for i in range(5))
    seen: list[str] = []
    marker = None
    pages = 0
    while True:
        body = acct.client.list_users(ram.ListUsersRequest(max_items=2, marker=marker)).body
        seen += [u.user_name for u in body.users.user]
        pages += 1
        if not body.is_truncated:
            break
        marker = body.marker
    assert (seen, pages) == (names, 3)
    fails_param("Marker", acct.client.list_users, ram.ListUsersRequest(marker="not-a-marker"))
    fails_param("MaxItems", acct.client.list_users, ram.ListUsersRequest(max_items=1001))


def test_the_control_api_and_the_ram_api_are_one_world(world: World, sdk: Sdk) -> None:
    root = world.root()
    seeded = world.user(account=root)
    acct = ram_account(sdk, root)
    got = acct.client.get_user(ram.GetUserRequest(user_name=seeded.name)).body.user
    assert got.user_id == seeded.principal_id
    who = sdk.sts(seeded).get_caller_identity().body
    assert who.user_id == got.user_id
    [key] = acct.client.list_access_keys(ram.ListAccessKeysRequest(user_name=seeded.name)).body.access_keys.access_key
    assert key.access_key_id == seeded.access_key_id
    assert acct.client.get_account_alias().body.account_alias == root.account_id


def _ids(value: object) -> str:
    return str(getattr(value, "code", ""))


def _create(**fields: Any) -> ram.CreateUserRequest:
    return ram.CreateUserRequest(**({"user_name": unique("u")} | fields))


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"user_name": "x" * 65}, errors.InvalidParameterUserNameLength),
        ({"user_name": "bad name"}, errors.InvalidParameterUserNameInvalidChars),
        ({"display_name": "名" * 129}, errors.InvalidParameterDisplayNameLength),
        ({"display_name": "tab\there"}, errors.InvalidParameterDisplayNameInvalidChars),
        ({"comments": "c" * 129}, errors.InvalidParameterCommentsLength),
        ({"email": "not-an-email"}, errors.InvalidParameterEmailFormat),
        ({"mobile_phone": "13900001234"}, errors.InvalidParameterMobilePhoneFormat),
    ],
    ids=_ids,
)
def test_create_user_refuses_bad_parameters(
    world: World, sdk: Sdk, fields: dict[str, str], error: type[errors.OpenRDError]
) -> None:
    acct = ram_account(sdk, world.root())
    fails(error, acct.client.create_user, _create(**fields))
    assert acct.client.list_users(ram.ListUsersRequest()).body.users.user == []


def test_create_user_needs_a_name_of_its_own(world: World, sdk: Sdk) -> None:
    acct = ram_account(sdk, world.root())
    name = acct.user()
    fails(errors.EntityAlreadyExistsUser, acct.client.create_user, ram.CreateUserRequest(user_name=name))
    other = ram_account(sdk, world.root())
    assert other.user(name) == name  # names are per account


def test_create_user_stops_at_the_account_quota(world: World, sdk: Sdk, server: LiveServer) -> None:
    acct = ram_account(sdk, world.root())
    fill(server, acct.root.account_id, "user", limits.MAX_USERS)
    fails(errors.LimitExceededUser, acct.client.create_user, _create())


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"new_user_name": "y" * 65}, errors.InvalidParameterNewUserNameLength),
        ({"new_user_name": "bad/name"}, errors.InvalidParameterNewUserNameInvalidChars),
        ({"new_display_name": "d" * 129}, errors.InvalidParameterNewDisplayNameLength),
        ({"new_display_name": "bell\x07"}, errors.InvalidParameterNewDisplayNameInvalidChars),
        ({"new_comments": "c" * 129}, errors.InvalidParameterNewCommentsLength),
        ({"new_email": "a@b"}, errors.InvalidParameterNewEmailFormat),
        ({"new_mobile_phone": "86 139"}, errors.InvalidParameterNewMobilePhoneFormat),
    ],
    ids=_ids,
)
def test_update_user_refuses_bad_parameters(
    world: World, sdk: Sdk, fields: dict[str, str], error: type[errors.OpenRDError]
) -> None:
    acct = ram_account(sdk, world.root())
    name = acct.user()
    fails(error, acct.client.update_user, ram.UpdateUserRequest(user_name=name, **fields))
    assert acct.client.get_user(ram.GetUserRequest(user_name=name)).body.user.user_name == name


def test_update_user_errors(world: World, sdk: Sdk) -> None:
    acct = ram_account(sdk, world.root())
    first, second = acct.user(), acct.user()
    fails(errors.EntityNotExistUser, acct.client.update_user, ram.UpdateUserRequest(user_name="nobody"))
    fails(
        errors.EntityAlreadyExistsUser,
        acct.client.update_user,
        ram.UpdateUserRequest(user_name=first, new_user_name=second),
    )


@pytest.mark.parametrize("action", ["get_user", "update_user", "delete_user"])
def test_a_user_name_is_checked_by_every_action(world: World, sdk: Sdk, action: str) -> None:
    acct = ram_account(sdk, world.root())
    call = getattr(acct.client, action)
    request = {
        "get_user": ram.GetUserRequest,
        "update_user": ram.UpdateUserRequest,
        "delete_user": ram.DeleteUserRequest,
    }
    fails(errors.InvalidParameterUserNameLength, call, request[action](user_name="n" * 65))
    fails(errors.InvalidParameterUserNameInvalidChars, call, request[action](user_name="n!"))
    missing(call, request[action]())


def missing(call: Any, request: Any, name: str = "UserName") -> None:
    with pytest.raises(ClientException) as caught:
        call(request)
    assert (caught.value.code, caught.value.status_code) == ("MissingParameter", 400)
    assert caught.value.data["Message"] == errors.MissingParameter(name).text


def test_delete_user_refuses_while_it_has_keys(world: World, sdk: Sdk) -> None:
    acct = ram_account(sdk, world.root())
    name = acct.user()
    key = acct.key(name)
    fails(errors.DeleteConflictUserAccessKey, acct.client.delete_user, ram.DeleteUserRequest(user_name=name))
    acct.client.delete_access_key(ram.DeleteAccessKeyRequest(user_name=name, user_access_key_id=key.access_key_id))
    acct.client.delete_user(ram.DeleteUserRequest(user_name=name))
    fails(errors.EntityNotExistUser, acct.client.delete_user, ram.DeleteUserRequest(user_name=name))


def test_delete_user_refuses_while_policies_are_attached(world: World, sdk: Sdk) -> None:
    root = world.root()
    seeded = world.user("AdministratorAccess", account=root)
    acct = ram_account(sdk, root)
    acct.client.delete_access_key(
        ram.DeleteAccessKeyRequest(user_name=seeded.name, user_access_key_id=seeded.access_key_id)
    )
    fails(errors.DeleteConflictUserPolicy, acct.client.delete_user, ram.DeleteUserRequest(user_name=seeded.name))
