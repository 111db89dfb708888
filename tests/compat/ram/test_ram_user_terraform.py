"""The Terraform provider's ``alicloud_ram_user`` (with ``force = true``) and ``alicloud_ram_access_key`` lifecycles,
replayed as the provider sends them (V1 form-body calls, support/terraform.py), in the provider's order of calls."""

from __future__ import annotations

from typing import Any

import pytest
from alibabacloud_ram20150501 import models as ram

from openrd import errors
from support.compat import Sdk, World
from support.ram import fails, ram_account, unique
from support.terraform import RAM, Provider, ProviderError

GO_SDK = {"RegionId": "cn-hangzhou"}  # the provider's old Go SDK client adds its region to every call


def _describe_user(tf: Provider, user_id: str) -> dict[str, Any] | None:
    """RamService.DescribeRamUser: ListUsers pages (100) until the ID shows up, then GetUser by its name."""
    request: dict[str, Any] = {"MaxItems": 100}
    while True:
        page = tf.call(RAM, "ListUsers", request, common=GO_SDK)
        names = [u["UserName"] for u in page["Users"]["User"] if u["UserId"] == user_id]
        if names:
            return dict(tf.call(RAM, "GetUser", {"UserName": names[0]}, common=GO_SDK)["User"])
        if not page["IsTruncated"]:
            return None
        request["Marker"] = page["Marker"]


def _expected(call: Any, *codes: str) -> None:
    """The provider's ``IsExpectedErrors``: these codes count as done."""
    with pytest.raises(ProviderError) as caught:
        call()
    assert any(caught.value.code.startswith(code) for code in codes), caught.value
    assert caught.value.status == 404


def _force_delete(tf: Provider, name: str) -> None:
    """resourceAlicloudRamUserDelete with force = true, call for call."""
    keys = tf.call(RAM, "ListAccessKeys", {"UserName": name}, common=GO_SDK)["AccessKeys"]["AccessKey"]
    for key in keys:
        tf.call(RAM, "DeleteAccessKey", {"UserAccessKeyId": key["AccessKeyId"], "UserName": name}, common=GO_SDK)
    policies = tf.call(RAM, "ListPoliciesForUser", {"UserName": name}, common=GO_SDK)["Policies"]["Policy"]
    for policy in policies:
        detach = {"PolicyName": policy["PolicyName"], "PolicyType": policy["PolicyType"], "UserName": name}
        tf.call(RAM, "DetachPolicyFromUser", detach, common=GO_SDK)
    groups = tf.call(RAM, "ListGroupsForUser", {"UserName": name}, common=GO_SDK)["Groups"]["Group"]
    for group in groups:
        tf.call(RAM, "RemoveUserFromGroup", {"UserName": name, "GroupName": group["GroupName"]}, common=GO_SDK)
    login = {"UserName": name}
    _expected(lambda: tf.call(RAM, "DeleteLoginProfile", login, common=GO_SDK), "EntityNotExist.User.LoginProfile")
    _expected(lambda: tf.call(RAM, "UnbindMFADevice", login), "EntityNotExist", "EntityNotExist.User.MFADevice")
    tf.call(RAM, "DeleteUser", {"UserName": name}, common=GO_SDK)


def test_ram_user_lifecycle_with_force_delete(world: World, sdk: Sdk) -> None:
    root = world.root()
    acct = ram_account(sdk, root)
    name, renamed, group = unique("tf"), unique("tf"), unique("tfg")
    acct.client.create_group(ram.CreateGroupRequest(group_name=group))
    with Provider(world.server.endpoint, root.access_key_id, root.secret) as tf:
        created = tf.call(
            RAM,
            "CreateUser",
            {"UserName": name, "DisplayName": "Terraform 用户", "Email": "tf@example.com", "Comments": "made by tf"},
            common=GO_SDK,
        )
        user_id = created["User"]["UserId"]
        state = _describe_user(tf, user_id)
        assert state is not None
        assert (state["UserName"], state["DisplayName"], state["Comments"]) == (name, "Terraform 用户", "made by tf")

        # A rename and a cleared field: DoRequest with every changed field, "" for a removed one.
        tf.call(RAM, "UpdateUser", {"UserName": name, "NewUserName": renamed, "NewComments": ""})
        state = _describe_user(tf, user_id)
        assert state is not None
        assert (state["UserName"], state["Comments"], state["Email"]) == (renamed, "", "tf@example.com")

        # What force has to clean up: two keys, a policy, a group.
        for _ in range(2):
            tf.call(RAM, "CreateAccessKey", {"UserName": renamed}, common=GO_SDK)
        tf.call(
            RAM, "AttachPolicyToUser", {"PolicyName": "ReadOnlyAccess", "PolicyType": "System", "UserName": renamed}
        )
        acct.client.add_user_to_group(ram.AddUserToGroupRequest(group_name=group, user_name=renamed))
        with pytest.raises(ProviderError) as refused:
            tf.call(RAM, "DeleteUser", {"UserName": renamed}, common=GO_SDK)
        assert refused.value.code.startswith("DeleteConflict.User.")

        _force_delete(tf, renamed)
        assert _describe_user(tf, user_id) is None  # WaitForRamUser(Deleted)
    assert acct.client.list_users_for_group(ram.ListUsersForGroupRequest(group_name=group)).body.users.user == []


def _describe_key(tf: Provider, key_id: str, user: str) -> dict[str, Any] | None:
    """RamService.DescribeRamAccessKey: the user's ListAccessKeys, the one with this ID."""
    keys = tf.call(RAM, "ListAccessKeys", {"UserName": user}, common=GO_SDK)["AccessKeys"]["AccessKey"]
    return next((dict(k) for k in keys if k["AccessKeyId"] == key_id), None)


def test_ram_access_key_lifecycle(world: World, sdk: Sdk) -> None:
    root = world.root()
    acct = ram_account(sdk, root)
    user = acct.user()
    with Provider(world.server.endpoint, root.access_key_id, root.secret) as tf:
        made = tf.call(RAM, "CreateAccessKey", {"UserName": user})["AccessKey"]
        assert made["Status"] == "Active"
        assert made["AccessKeySecret"]  # written to secret_file or encrypted with pgp_key by the provider
        assert _describe_key(tf, made["AccessKeyId"], user) == {
            "AccessKeyId": made["AccessKeyId"],
            "Status": "Active",
            "CreateDate": made["CreateDate"],
        }
        update = {"UserAccessKeyId": made["AccessKeyId"], "Status": "Inactive", "UserName": user}
        tf.call(RAM, "UpdateAccessKey", update, common=GO_SDK)
        state = _describe_key(tf, made["AccessKeyId"], user)
        assert state is not None
        assert state["Status"] == "Inactive"

        delete = {"UserAccessKeyId": made["AccessKeyId"], "UserName": user}
        tf.call(RAM, "DeleteAccessKey", delete, common=GO_SDK)
        assert _describe_key(tf, made["AccessKeyId"], user) is None  # WaitForRamAccessKey(Deleted)
        _expected(lambda: tf.call(RAM, "DeleteAccessKey", delete, common=GO_SDK), "EntityNotExist")


@pytest.mark.parametrize("action", ["delete_login_profile", "unbind_mfadevice"])
def test_no_user_has_a_login_profile_or_an_mfa_device(world: World, sdk: Sdk, action: str) -> None:
    acct = ram_account(sdk, world.root())
    name = acct.user()
    call = getattr(acct.client, action)
    request = ram.DeleteLoginProfileRequest if action == "delete_login_profile" else ram.UnbindMFADeviceRequest
    none = (
        errors.EntityNotExistUserLoginProfile
        if action == "delete_login_profile"
        else errors.EntityNotExistUserMFADevice
    )
    fails(none, call, request(user_name=name))
    fails(errors.EntityNotExistUser, call, request(user_name="nobody"))
    fails(errors.InvalidParameterUserNameLength, call, request(user_name="n" * 65))
    fails(errors.InvalidParameterUserNameInvalidChars, call, request(user_name="n n"))
