"""The condition keys every signed request carries, tested through RAM policies and the official RAM SDK
(docs/behaviour.md#policy-conditions): acs:MFAPresent, acs:PrincipalRDId and acs:PrincipalRDPath (the caller
account's place in its directory, with a trailing slash), for a management account's and a member's identities."""

from __future__ import annotations

import json
from typing import Any

from alibabacloud_ram20150501 import models as m
from alibabacloud_tea_openapi.exceptions import ClientException

from support.compat import Creds
from support.directory import World as Directories
from support.ram import Ram, unique
from support.servers import LiveServer

PROBE = m.GetPolicyRequest(policy_name="AdministratorAccess", policy_type="System")


def _allow_if(condition: dict[str, Any]) -> str:
    statement = {"Effect": "Allow", "Action": "ram:GetPolicy", "Resource": "*", "Condition": condition}
    return json.dumps({"Version": "1", "Statement": [statement]})


def _user(server: LiveServer, account_id: str, condition: dict[str, Any]) -> Creds:
    made = server.rd.create_ram_user(account_id, unique("u"), [_allow_if(condition)])
    return Creds(made["access_key_id"], made["access_key_secret"], account_id, kind="user")


def _allowed(ram: Ram, creds: Creds) -> bool:
    try:
        ram.client(creds).get_policy(PROBE)
    except ClientException as exc:
        if (exc.code, exc.status_code) != ("NoPermission", 403):
            raise
        return False
    return True


def test_mfa_is_never_present(server: LiveServer, ram: Ram) -> None:
    account = ram.world.root().account_id
    assert _allowed(ram, _user(server, account, {"Bool": {"acs:MFAPresent": "false"}}))
    assert not _allowed(ram, _user(server, account, {"Bool": {"acs:MFAPresent": "TRUE"}}))


def test_directory_keys_of_a_management_account_and_a_member(server: LiveServer, ram: Ram) -> None:
    org = Directories(server).org()
    folder = org.folder()
    member = org.resource_account(parent_folder_id=folder)
    member_path = f"{org.directory_id}/{org.root_id}/{folder}/{member}/"
    own_path = f"{org.directory_id}/{org.root_id}/{org.account_id}/"

    assert _allowed(ram, _user(server, member, {"StringEquals": {"acs:PrincipalRDPath": member_path}}))
    branch = {"StringLike": {"acs:PrincipalRDPath": f"{org.directory_id}/{org.root_id}/{folder}/*"}}
    assert _allowed(ram, _user(server, member, branch))
    assert not _allowed(ram, _user(server, org.account_id, branch))  # the management account is not below it
    assert _allowed(ram, _user(server, org.account_id, {"StringEquals": {"acs:PrincipalRDPath": own_path}}))
    for account in (member, org.account_id):
        assert _allowed(ram, _user(server, account, {"StringEquals": {"acs:PrincipalRDId": org.directory_id}}))
        assert not _allowed(ram, _user(server, account, {"StringEquals": {"acs:PrincipalRDId": "rd-other"}}))


def test_an_account_outside_any_directory_has_no_directory_keys(server: LiveServer, ram: Ram) -> None:
    account = ram.world.root().account_id
    absent = {"StringNotEquals": {"acs:PrincipalRDId": "rd-x"}}  # an absent key makes even a Not… false
    assert not _allowed(ram, _user(server, account, absent))
    assert not _allowed(ram, _user(server, account, {"StringLike": {"acs:PrincipalRDPath": "*"}}))
