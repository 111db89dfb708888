"""RAM actions are authorized as ``ram:<Action>`` on the entity they name, from the first request
(docs/ram.md#authorization)."""

from __future__ import annotations

import json

from alibabacloud_ram20150501 import models as ram

from openrd import errors
from support.compat import Sdk, World
from support.directory import fails
from support.ram import ram_account, unique


def _allow(action: str, resource: str) -> str:
    return json.dumps({"Version": "1", "Statement": [{"Effect": "Allow", "Action": action, "Resource": resource}]})


def test_a_ram_user_needs_the_ram_permission_for_the_user_it_names(world: World, sdk: Sdk) -> None:
    root = world.root()
    acct = ram_account(sdk, root)
    alice, bob = acct.user("alice"), acct.user("bob")
    reader = world.user(_allow("ram:GetUser", f"acs:ram:*:{root.account_id}:user/alice"), account=root)
    client = sdk.ram(reader)
    assert client.get_user(ram.GetUserRequest(user_name=alice)).body.user.user_name == "alice"
    denied = fails(errors.NoPermission, client.get_user, ram.GetUserRequest(user_name=bob))
    assert denied["AccessDeniedDetail"]["AuthAction"] == "ram:GetUser"
    fails(errors.NoPermission, client.create_user, ram.CreateUserRequest(user_name="carol"))
    assert [u.user_name for u in acct.client.list_users(ram.ListUsersRequest()).body.users.user] == sorted(
        ["alice", "bob", reader.name]
    )


def test_creating_users_is_authorized_on_every_user(world: World, sdk: Sdk) -> None:
    root = world.root()
    creator = world.user(_allow("ram:CreateUser", f"acs:ram:*:{root.account_id}:user/*"), account=root)
    made = sdk.ram(creator).create_user(ram.CreateUserRequest(user_name="dave")).body.user
    assert made.user_name == "dave"
    narrow = world.user(_allow("ram:CreateUser", f"acs:ram:*:{root.account_id}:user/dave"), account=root)
    fails(errors.NoPermission, sdk.ram(narrow).create_user, ram.CreateUserRequest(user_name="erin"))


def test_a_missing_name_is_a_parameter_error_before_authorization(world: World, sdk: Sdk) -> None:
    root = world.root()
    nobody = world.user(account=root)
    fails(errors.InvalidParameterUserNameLength, sdk.ram(nobody).get_user, ram.GetUserRequest(user_name="n" * 65))


def test_a_role_is_named_in_policies_in_any_letter_case(world: World, sdk: Sdk) -> None:
    root = world.root()
    owner = ram_account(sdk, root)
    document = json.dumps(
        {
            "Version": "1",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": "sts:AssumeRole",
                    "Principal": {"RAM": ["acs:ram::1234567890123456:root"]},
                }
            ],
        }
    )
    owner.client.create_role(ram.CreateRoleRequest(role_name="Deployer", assume_role_policy_document=document))
    reader = world.user(_allow("ram:GetRole", f"acs:ram:*:{root.account_id}:role/DEPLOYER"), account=root)
    for spelling in ("Deployer", "deployer"):
        got = sdk.ram(reader).get_role(ram.GetRoleRequest(role_name=spelling)).body.role
        assert got.role_name == "Deployer"
    fails(errors.NoPermission, sdk.ram(reader).get_role, ram.GetRoleRequest(role_name="Deployer2"))


def test_a_user_allowed_its_own_keys_manages_them_without_naming_itself(world: World, sdk: Sdk) -> None:
    root = world.root()
    other = ram_account(sdk, root).user()
    name = unique("self")
    me = world.user(_allow("ram:*AccessKey*", f"acs:ram:*:{root.account_id}:user/{name}"), account=root, name=name)
    client = sdk.ram(me)
    made = client.create_access_key(ram.CreateAccessKeyRequest()).body.access_key
    assert {
        k.access_key_id for k in client.list_access_keys(ram.ListAccessKeysRequest()).body.access_keys.access_key
    } == {
        me.access_key_id,
        made.access_key_id,
    }
    client.delete_access_key(ram.DeleteAccessKeyRequest(user_access_key_id=made.access_key_id))
    fails(errors.NoPermission, client.create_access_key, ram.CreateAccessKeyRequest(user_name=other))
