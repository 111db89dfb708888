"""Control policies enforced, through the official Tea SDKs, over a folder tree (docs/guardrails.md#evaluation):
an explicit Deny at a folder, an implicit deny once FullAliyunAccess gives way to a narrow allow, conditions,
RAM policies still needed, disabling lifting it all, and the management account and member roots untouched."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from alibabacloud_resourcemanager20200331 import models as rm
from alibabacloud_resourcemanager20200331.client import Client as RmClient
from alibabacloud_tea_openapi.exceptions import ClientException
from alibabacloud_tea_openapi.utils_models import Config

from openrd import errors
from openrd.domain import control_policies as rules
from support.directory import Checks, Org, World
from support.terraform import RAM, STS, Provider, ProviderError

SYSTEM = rules.SYSTEM_POLICY_ID
ADMIN = "AdministratorAccess"
READ = "resourcemanager:GetResourceDirectory"


def _document(effect: str, action: str, condition: dict[str, Any] | None = None) -> str:
    statement: dict[str, Any] = {"Effect": effect, "Action": action, "Resource": "*"}
    if condition:
        statement["Condition"] = condition
    return json.dumps({"Version": "1", "Statement": [statement]})


@dataclass
class Tree:
    """A directory with control policies on: root → outer → inner, a resource account in inner."""

    org: Org
    outer: str
    inner: str
    member: str

    def policy(self, effect: str, action: str, condition: dict[str, Any] | None = None) -> str:
        request = rm.CreateControlPolicyRequest(
            policy_name=f"p-{secrets.token_hex(3)}",
            effect_scope="RAM",
            policy_document=_document(effect, action, condition),
        )
        return str(self.org.client.create_control_policy(request).body.control_policy.policy_id)

    def attach(self, policy: str, target: str) -> None:
        self.org.client.attach_control_policy(rm.AttachControlPolicyRequest(policy_id=policy, target_id=target))

    def detach(self, policy: str, target: str) -> None:
        self.org.client.detach_control_policy(rm.DetachControlPolicyRequest(policy_id=policy, target_id=target))

    def client(self, made: dict[str, Any], token: str | None = None, **extra: Any) -> RmClient:
        config = Config(
            access_key_id=made["access_key_id"],
            access_key_secret=made["access_key_secret"],
            security_token=token,
            endpoint=self.org.server.endpoint,
            protocol="http",
            **extra,
        )
        return RmClient(config)

    def user(self, account_id: str, *policies: str, **extra: Any) -> RmClient:
        made = self.org.server.rd.create_ram_user(account_id, f"u-{secrets.token_hex(3)}", policies or (ADMIN,))
        return self.client(made, **extra)

    def session(self, account_id: str) -> RmClient:
        role = self.org.server.rd.create_ram_role(account_id, f"r-{secrets.token_hex(3)}", (ADMIN,))
        made = self.org.server.rd.assume_role(role["arn"], "guardrails")
        return self.client(made, token=made["security_token"])

    def root(self, account_id: str) -> RmClient:
        return self.client(self.org.server.rd.create_access_key(account_id))


@pytest.fixture
def tree(world: World) -> Tree:
    org = world.org()
    outer = org.folder("outer")
    inner = org.folder("inner", parent=outer)
    member = org.resource_account(parent_folder_id=inner)
    org.client.enable_control_policy()
    return Tree(org, outer, inner, member)


def _refused(client: RmClient, call: str = "get_resource_directory") -> dict[str, Any]:
    with pytest.raises(ClientException) as caught:
        getattr(client, call)()
    exc = caught.value
    assert (exc.code, exc.status_code) == ("NoPermission", 403), exc.data
    return dict(exc.data["AccessDeniedDetail"])


def _reads(client: RmClient) -> bool:
    return bool(client.get_resource_directory().body.resource_directory.resource_directory_id)


@pytest.mark.parametrize("signing", [pytest.param({}, id="v3"), pytest.param({"signature_algorithm": "v2"}, id="v1")])
def test_an_explicit_deny_at_a_folder(tree: Tree, signing: dict[str, str]) -> None:
    user = tree.user(tree.member, **signing)
    assert _reads(user)  # FullAliyunAccess everywhere: nothing is bounded yet
    deny = tree.policy("Deny", READ)
    tree.attach(deny, tree.outer)
    detail = _refused(user)
    assert detail["PolicyType"] == "ControlPolicy"
    assert detail["NoPermissionType"] == "ExplicitDeny"
    assert (detail["AuthAction"], detail["AuthPrincipalOwnerId"]) == (READ, tree.member)
    assert detail["AuthPrincipalType"] == "SubUser"
    assert _refused(tree.session(tree.member))["PolicyType"] == "ControlPolicy"  # role sessions too
    tree.detach(deny, tree.outer)
    assert _reads(user)  # the next request sees the detach


def test_a_deny_at_the_root_spares_the_management_account_and_member_roots(tree: Tree) -> None:
    deny = tree.policy("Deny", "*")
    tree.attach(deny, tree.org.root_id)
    assert _reads(tree.org.client)  # the management account's root
    assert _reads(tree.user(tree.org.account_id))  # and its RAM identities
    assert _reads(tree.session(tree.org.account_id))
    assert _reads(tree.root(tree.member))  # a member's root: only the system policy reaches it
    _refused(tree.user(tree.member))


def test_an_implicit_deny_when_a_narrow_allow_replaces_full_access(tree: Tree, check: type[Checks]) -> None:
    user = tree.user(tree.member)
    narrow = tree.policy("Allow", "resourcemanager:GetControlPolicyEnablementStatus")
    tree.attach(narrow, tree.inner)
    tree.detach(SYSTEM, tree.inner)
    detail = _refused(user)
    assert (detail["PolicyType"], detail["NoPermissionType"]) == ("ControlPolicy", "ImplicitDeny")
    # The narrow allow lets its action through to the business checks (a member manages no directory).
    check.fails(errors.EntityNotExistsResourceDirectory, user.get_control_policy_enablement_status)
    tree.attach(SYSTEM, tree.inner)
    assert _reads(user)


def test_every_level_must_allow(tree: Tree) -> None:
    user = tree.user(tree.member)
    narrow = tree.policy("Allow", "resourcemanager:GetControlPolicyEnablementStatus")
    tree.attach(narrow, tree.member)  # the member itself allows little...
    tree.detach(SYSTEM, tree.member)
    assert _refused(user)["NoPermissionType"] == "ImplicitDeny"
    wide = tree.policy("Allow", "resourcemanager:*")
    tree.attach(wide, tree.member)  # ...until it allows the action too; every folder above has FullAliyunAccess
    assert _reads(user)


def test_conditions_are_evaluated(tree: Tree) -> None:
    user = tree.user(tree.member)
    elsewhere = tree.policy("Deny", READ, {"IpAddress": {"acs:SourceIp": "10.0.0.0/8"}})
    tree.attach(elsewhere, tree.outer)
    assert _reads(user)  # the test client calls from 127.0.0.1
    here = tree.policy("Deny", READ, {"IpAddress": {"acs:SourceIp": "127.0.0.0/8"}})
    tree.attach(here, tree.inner)
    assert _refused(user)["NoPermissionType"] == "ExplicitDeny"
    in_branch = tree.policy("Deny", READ, {"StringLike": {"acs:PrincipalRDPath": f"*/{tree.outer}/*"}})
    tree.detach(here, tree.inner)
    tree.attach(in_branch, tree.org.root_id)
    assert _refused(user)["NoPermissionType"] == "ExplicitDeny"


def test_ram_policies_must_still_allow(tree: Tree) -> None:
    nothing = tree.user(tree.member, "AliyunResourceDirectoryReadOnlyAccess")
    assert _reads(nothing)
    writer = tree.org.server.rd.create_ram_user(tree.member, f"u-{secrets.token_hex(3)}", [])
    detail = _refused(tree.client(writer))  # the guardrails allow everything; RAM allows nothing
    assert detail["PolicyType"] == "AccountLevelIdentityBasedPolicy"


def test_disabling_lifts_it_all(tree: Tree) -> None:
    user = tree.user(tree.member)
    deny = tree.policy("Deny", "*")
    tree.attach(deny, tree.inner)
    _refused(user)
    tree.org.client.disable_control_policy()
    assert _reads(user)
    tree.org.client.enable_control_policy()  # re-enabling brings FullAliyunAccess back, not the deny
    assert _reads(user)


def test_invited_members_and_moved_members(tree: Tree, world: World) -> None:
    deny = tree.policy("Deny", READ)
    tree.attach(deny, tree.outer)
    invited = world.account()
    tree.org.adopt(invited)
    user = tree.user(invited.account_id)
    assert _reads(user)  # in the root folder: outside the denied branch
    tree.org.client.move_account(rm.MoveAccountRequest(account_id=invited.account_id, destination_folder_id=tree.inner))
    assert _refused(user)["PolicyType"] == "ControlPolicy"  # its new place bounds it at the next request


def test_the_audit_trail_and_the_console_say_what_refused(tree: Tree) -> None:
    user = tree.user(tree.member)
    deny = tree.policy("Deny", READ)
    tree.attach(deny, tree.inner)
    _refused(user)
    narrow = tree.policy("Allow", "resourcemanager:GetControlPolicyEnablementStatus")
    tree.detach(deny, tree.inner)
    tree.attach(narrow, tree.outer)
    tree.detach(SYSTEM, tree.outer)
    _refused(user)
    rd = tree.org.server.rd
    refusals = [e for e in rd.audit(tree.member) if e.get("error_code") == "NoPermission"]
    implicit, explicit = refusals[0], refusals[1]  # newest first
    assert (explicit["action"], explicit["result"]) == ("GetResourceDirectory", "failure")
    assert (explicit["denied_policy_type"], explicit["denied_by"]) == ("ControlPolicy", deny)
    assert (implicit["denied_policy_type"], implicit["denied_by"]) == ("ControlPolicy", tree.outer)
    assert explicit["principal_arn"].startswith(f"acs:ram::{tree.member}:user/")

    page = httpx.get(f"{rd.url}/_openrd/console", timeout=10).text
    assert f'refused by ControlPolicy <span class="mono">{deny}</span>' in page
    assert f'refused by ControlPolicy <span class="mono">{tree.outer}</span>' in page
    label = page[page.index(f'<span class="mono muted">{tree.outer}</span>') :]
    label = label[: label.index("</span>\n", label.index("</span>") + 1)]  # the folder's own label line
    assert f"⛨ {_name(tree, narrow)}" in label
    assert "⛨ FullAliyunAccess" not in label  # detached from the outer folder


def _name(tree: Tree, policy: str) -> str:
    request = rm.GetControlPolicyRequest(policy_id=policy)
    return str(tree.org.client.get_control_policy(request).body.control_policy.policy_name)


def test_ram_and_sts_actions_are_bounded_too(tree: Tree) -> None:
    made = tree.org.server.rd.create_ram_user(tree.member, f"u-{secrets.token_hex(3)}", [ADMIN])
    role = tree.org.server.rd.create_ram_role(tree.member, f"r-{secrets.token_hex(3)}", [ADMIN])
    with Provider(tree.org.server.endpoint, made["access_key_id"], made["access_key_secret"]) as tf:
        assume = {"RoleArn": role["arn"], "RoleSessionName": "bounded"}
        assert tf.call(RAM, "CreateUser", {"UserName": f"made-{secrets.token_hex(3)}"})["User"]["UserName"]
        assert tf.call(STS, "AssumeRole", assume)["Credentials"]["AccessKeyId"].startswith("STS.")
        tree.attach(tree.policy("Deny", "ram:CreateUser"), tree.inner)
        tree.attach(tree.policy("Deny", "sts:AssumeRole"), tree.outer)
        for version, action, body in (
            (RAM, "CreateUser", {"UserName": f"made-{secrets.token_hex(3)}"}),
            (STS, "AssumeRole", assume),
        ):
            with pytest.raises(ProviderError) as caught:
                tf.call(version, action, body)
            assert (caught.value.status, caught.value.code) == (403, "NoPermission"), caught.value.body
            detail = caught.value.body["AccessDeniedDetail"]
            assert (detail["PolicyType"], detail["NoPermissionType"]) == ("ControlPolicy", "ExplicitDeny")
        assert tf.call(RAM, "GetUser", {"UserName": made["arn"].rsplit("/", 1)[1]})["User"]  # not denied
