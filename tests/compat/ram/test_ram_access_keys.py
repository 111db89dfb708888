"""A RAM user's AccessKeys through the official RAM SDK: CreateAccessKey, UpdateAccessKey, DeleteAccessKey,
ListAccessKeys; the two-key limit under concurrency; revocation at the next call (docs/ram.md#accesskeys)."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from alibabacloud_ram20150501 import models as ram
from alibabacloud_tea_openapi.exceptions import ClientException

from openrd import errors
from support.compat import Sdk, World
from support.directory import fails, fails_param
from support.ram import RAM_TIME, SIGNING, ram_account


@pytest.mark.parametrize("extra", SIGNING)
def test_access_key_round_trip(world: World, sdk: Sdk, extra: dict[str, str]) -> None:
    acct = ram_account(sdk, world.root(), **extra)
    name = acct.user()
    made = acct.client.create_access_key(ram.CreateAccessKeyRequest(user_name=name)).body.access_key
    assert made.access_key_id.startswith("LTAI")
    assert len(made.access_key_secret) == 30
    assert made.status == "Active"
    assert RAM_TIME.fullmatch(made.create_date)

    key = acct.key(name)
    assert sdk.sts(key).get_caller_identity().body.arn == f"acs:ram::{acct.root.account_id}:user/{name}"

    listed = acct.client.list_access_keys(ram.ListAccessKeysRequest(user_name=name)).body.access_keys.access_key
    assert [(k.access_key_id, k.status) for k in listed] == [
        (made.access_key_id, "Active"),
        (key.access_key_id, "Active"),
    ]
    assert all(k.to_map().keys() == {"AccessKeyId", "Status", "CreateDate"} for k in listed)  # never the secret

    acct.client.update_access_key(
        ram.UpdateAccessKeyRequest(user_name=name, user_access_key_id=key.access_key_id, status="Inactive")
    )
    fails(errors.InvalidAccessKeyIdInactive, sdk.sts(key).get_caller_identity)
    acct.client.update_access_key(
        ram.UpdateAccessKeyRequest(user_name=name, user_access_key_id=key.access_key_id, status="Active")
    )
    assert sdk.sts(key).get_caller_identity().body.account_id == acct.root.account_id

    acct.client.delete_access_key(ram.DeleteAccessKeyRequest(user_name=name, user_access_key_id=key.access_key_id))
    fails(errors.InvalidAccessKeyIdNotFound, sdk.sts(key).get_caller_identity)
    listed = acct.client.list_access_keys(ram.ListAccessKeysRequest(user_name=name)).body.access_keys.access_key
    assert [k.access_key_id for k in listed] == [made.access_key_id]


def test_a_ram_user_manages_its_own_keys_without_naming_itself(world: World, sdk: Sdk) -> None:
    root = world.root()
    me = world.user("AdministratorAccess", account=root)
    client = sdk.ram(me)
    made = client.create_access_key(ram.CreateAccessKeyRequest()).body.access_key
    listed = client.list_access_keys(ram.ListAccessKeysRequest()).body.access_keys.access_key
    assert {k.access_key_id for k in listed} == {me.access_key_id, made.access_key_id}
    client.delete_access_key(ram.DeleteAccessKeyRequest(user_access_key_id=made.access_key_id))
    # The root has no RAM user of its own: it names one.
    with pytest.raises(ClientException) as caught:
        ram_account(sdk, root).client.list_access_keys(ram.ListAccessKeysRequest())
    assert (caught.value.code, caught.value.data["Message"]) == (
        "MissingParameter",
        errors.MissingParameter("UserName").text,
    )


def test_a_user_has_at_most_two_keys_even_when_asked_at_once(world: World, sdk: Sdk) -> None:
    acct = ram_account(sdk, world.root())
    name = acct.user()

    def create(_: int) -> str:
        try:
            acct.client.create_access_key(ram.CreateAccessKeyRequest(user_name=name))
        except ClientException as exc:
            return str(exc.code)
        return "OK"

    with ThreadPoolExecutor(20) as pool:
        outcomes = Counter(pool.map(create, range(20)))
    assert outcomes == {"OK": 2, errors.LimitExceededUserAccessKey.code: 18}
    listed = acct.client.list_access_keys(ram.ListAccessKeysRequest(user_name=name)).body.access_keys.access_key
    assert len(listed) == 2
    fails(errors.LimitExceededUserAccessKey, acct.client.create_access_key, ram.CreateAccessKeyRequest(user_name=name))


def test_a_deleted_user_is_refused_at_its_next_call(world: World, sdk: Sdk) -> None:
    root = world.root()
    seeded = world.user(account=root)
    assert sdk.sts(seeded).get_caller_identity().body.user_id == seeded.principal_id
    acct = ram_account(sdk, root)
    acct.client.delete_access_key(
        ram.DeleteAccessKeyRequest(user_name=seeded.name, user_access_key_id=seeded.access_key_id)
    )
    acct.client.delete_user(ram.DeleteUserRequest(user_name=seeded.name))
    fails(errors.InvalidAccessKeyIdNotFound, sdk.sts(seeded).get_caller_identity)


def _requests(user_name: str | None, key_id: str) -> dict[str, Any]:
    return {
        "create_access_key": ram.CreateAccessKeyRequest(user_name=user_name),
        "list_access_keys": ram.ListAccessKeysRequest(user_name=user_name),
        "update_access_key": ram.UpdateAccessKeyRequest(
            user_name=user_name, user_access_key_id=key_id, status="Active"
        ),
        "delete_access_key": ram.DeleteAccessKeyRequest(user_name=user_name, user_access_key_id=key_id),
    }


@pytest.mark.parametrize("action", ["create_access_key", "list_access_keys", "update_access_key", "delete_access_key"])
def test_every_key_action_checks_its_user(world: World, sdk: Sdk, action: str) -> None:
    acct = ram_account(sdk, world.root())
    call = getattr(acct.client, action)
    fails(errors.InvalidParameterUserNameLength, call, _requests("u" * 65, "LTAIx")[action])
    fails(errors.InvalidParameterUserNameInvalidChars, call, _requests("u u", "LTAIx")[action])
    fails(errors.EntityNotExistUser, call, _requests("nobody", "LTAIx")[action])


@pytest.mark.parametrize("action", ["update_access_key", "delete_access_key"])
def test_a_key_of_another_user_does_not_exist_for_this_one(world: World, sdk: Sdk, action: str) -> None:
    acct = ram_account(sdk, world.root())
    owner, other = acct.user(), acct.user()
    key = acct.key(owner)
    fails(errors.EntityNotExistUserAccessKey, getattr(acct.client, action), _requests(other, key.access_key_id)[action])
    fails(errors.EntityNotExistUserAccessKey, getattr(acct.client, action), _requests(owner, "LTAInone")[action])
    assert sdk.sts(key).get_caller_identity().body.account_id == acct.root.account_id


def test_update_access_key_takes_active_or_inactive(world: World, sdk: Sdk) -> None:
    acct = ram_account(sdk, world.root())
    name = acct.user()
    key = acct.key(name)
    request = ram.UpdateAccessKeyRequest(user_name=name, user_access_key_id=key.access_key_id, status="Disabled")
    fails_param("Status", acct.client.update_access_key, request)
