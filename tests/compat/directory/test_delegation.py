"""Trusted services and delegated administrators through the official Tea SDKs (docs/delegation.md): register,
deregister and the three listings, every documented refusal, and what a delegated administrator may read."""

from __future__ import annotations

from typing import Any

import pytest
from alibabacloud_resourcedirectorymaster20220419 import models as rdm
from alibabacloud_resourcemanager20200331 import models as rm
from alibabacloud_resourcemanager20200331.client import Client as RmClient
from alibabacloud_tea_openapi.exceptions import ClientException
from alibabacloud_tea_openapi.utils_models import Config

from openrd import errors
from openrd.domain.delegation import TRUSTED_SERVICES
from support.directory import Account, Checks, Org, World

SIGNING = [pytest.param({}, id="v3"), pytest.param({"signature_algorithm": "v2"}, id="v1")]
CLOUDFW = "cloudfw.aliyuncs.com"
CENTER = "resourcecenter.aliyuncs.com"


def register(org: Org, account_id: str, service: str = CLOUDFW, **extra: Any) -> Any:
    request = rm.RegisterDelegatedAdministratorRequest(account_id=account_id, service_principal=service)
    return org.rm(**extra).register_delegated_administrator(request).body


def administrators(client: RmClient, **kw: Any) -> Any:
    return client.list_delegated_administrators(rm.ListDelegatedAdministratorsRequest(**kw)).body


def ram_client(account: Account, policies: list[Any]) -> RmClient:
    made = account.server.rd.create_ram_user(account.account_id, Checks.unique("u"), policies)
    config = Config(
        access_key_id=made["access_key_id"],
        access_key_secret=made["access_key_secret"],
        endpoint=account.server.endpoint,
        protocol="http",
    )
    return RmClient(config)


def test_catalogue_holds_the_documented_services() -> None:
    limits = {s.principal: s.max_administrators for s in TRUSTED_SERVICES}
    assert {k: limits[k] for k in ("config.aliyuncs.com", "actiontrail.aliyuncs.com", CLOUDFW)} == dict.fromkeys(
        ("config.aliyuncs.com", "actiontrail.aliyuncs.com", CLOUDFW), 1
    )
    assert (limits[CENTER], limits["tag.aliyuncs.com"]) == (5, 2)


@pytest.mark.parametrize("extra", SIGNING)
def test_round_trip(world: World, extra: dict[str, str]) -> None:
    org = world.org()
    member = world.account()
    org.adopt(member)
    created = org.resource_account(display_name="Security")
    client = org.rm(**extra)
    assert register(org, member.account_id, **extra).request_id
    register(org, created, CENTER, **extra)

    body = administrators(client)
    assert (body.total_count, body.page_number, body.page_size) == (2, 1, 10)
    first, second = body.accounts.account
    assert (first.account_id, first.service_principal, first.join_method) == (member.account_id, CLOUDFW, "invited")
    assert first.display_name == member.display_name
    assert (second.account_id, second.service_principal, second.join_method) == (created, CENTER, "created")
    assert second.display_name == "Security"
    assert first.delegation_enabled_time.isdigit()
    assert len(first.delegation_enabled_time) == 13  # epoch milliseconds
    [only] = administrators(client, service_principal=CENTER).accounts.account
    assert only.account_id == created
    assert administrators(client, service_principal="config.aliyuncs.com").total_count == 0

    request = rm.ListDelegatedServicesForAccountRequest(account_id=member.account_id)
    [service] = client.list_delegated_services_for_account(request).body.delegated_services.delegated_service
    assert (service.service_principal, service.status) == (CLOUDFW, "ENABLED")
    assert service.delegation_enabled_time == first.delegation_enabled_time

    status = client.list_trusted_service_status(rm.ListTrustedServiceStatusRequest()).body
    enabled = status.enabled_service_principals.enabled_service_principal
    assert [e.service_principal for e in enabled] == [CLOUDFW, CENTER]
    assert all(Checks.time.fullmatch(e.enable_time) for e in enabled)
    assert status.total_count == 2
    mine = client.list_trusted_service_status(rm.ListTrustedServiceStatusRequest(admin_account_id=created)).body
    assert [e.service_principal for e in mine.enabled_service_principals.enabled_service_principal] == [CENTER]

    deregister = rm.DeregisterDelegatedAdministratorRequest(account_id=member.account_id, service_principal=CLOUDFW)
    assert client.deregister_delegated_administrator(deregister).body.request_id
    assert [a.account_id for a in administrators(client).accounts.account] == [created]
    services = client.list_delegated_services_for_account(request).body.delegated_services.delegated_service
    assert services == []


def test_resource_directory_master_product(world: World) -> None:
    org = world.org()
    created = org.resource_account()
    client = org.rdm()
    client.register_delegated_administrator(
        rdm.RegisterDelegatedAdministratorRequest(account_id=created, service_principal="tag.aliyuncs.com")
    )
    body = client.list_delegated_administrators(rdm.ListDelegatedAdministratorsRequest(page_size=1)).body
    assert [a.account_id for a in body.accounts.account] == [created]
    request = rdm.ListDelegatedServicesForAccountRequest(account_id=created, max_results=1)
    page = client.list_delegated_services_for_account(request).body
    assert [s.service_principal for s in page.delegated_services.delegated_service] == ["tag.aliyuncs.com"]
    assert page.next_token is None  # the last page carries none
    status = client.list_trusted_service_status(rdm.ListTrustedServiceStatusRequest()).body
    assert status.total_count == 1
    client.deregister_delegated_administrator(
        rdm.DeregisterDelegatedAdministratorRequest(account_id=created, service_principal="tag.aliyuncs.com")
    )


def test_paging(world: World) -> None:
    org = world.org()
    members = [org.resource_account() for _ in range(5)]
    for account_id in members:
        register(org, account_id, CENTER)
    for service in ("config.aliyuncs.com", "tag.aliyuncs.com", CLOUDFW):
        register(org, members[0], service)
    pages = [administrators(org.client, page_number=n, page_size=3) for n in (1, 2, 3)]
    assert [len(p.accounts.account) for p in pages] == [3, 3, 2]
    assert {p.total_count for p in pages} == {8}
    seen = [(a.account_id, a.service_principal) for p in pages for a in p.accounts.account]
    assert len(set(seen)) == 8

    client = org.rdm()
    tokens, listed = [], []
    request = rdm.ListDelegatedServicesForAccountRequest(account_id=members[0], max_results=3)
    while True:
        page = client.list_delegated_services_for_account(request).body
        listed += [s.service_principal for s in page.delegated_services.delegated_service]
        if page.next_token is None:
            break
        tokens.append(page.next_token)
        request.next_token = page.next_token
    assert (sorted(listed), len(tokens)) == (sorted([CENTER, "config.aliyuncs.com", "tag.aliyuncs.com", CLOUDFW]), 1)
    status = org.client.list_trusted_service_status(rm.ListTrustedServiceStatusRequest(page_size=2)).body
    assert (status.total_count, len(status.enabled_service_principals.enabled_service_principal)) == (4, 2)


def test_register_refusals(world: World, check: type[Checks]) -> None:
    org = world.org()
    created = org.resource_account()
    other = org.resource_account()
    outsider = world.account()

    def attempt(account_id: str, service: str = CLOUDFW) -> Any:
        request = rm.RegisterDelegatedAdministratorRequest(account_id=account_id, service_principal=service)
        return lambda: org.client.register_delegated_administrator(request)

    check.fails(errors.MissingParameterAccountId, attempt(""))
    check.fails(errors.InvalidParameterAccountId, attempt("12ab"))
    check.fails(errors.InvalidParameterServicePrincipal, attempt(created, "ecs.aliyuncs.com"))
    check.fails(errors.CannotRegisterMasterAsDelegatedAdministrator, attempt(org.account_id))
    check.fails(errors.EntityNotExistsAccount, attempt(outsider.account_id))
    register(org, created)
    check.fails(errors.AccountAlreadyRegistered, attempt(created))
    check.fails(errors.DelegatedAccountNumberExceeded, attempt(other))  # Cloud Firewall allows one
    check.fails(errors.EntityNotExistsResourceDirectory, outsider.client.register_delegated_administrator,
                rm.RegisterDelegatedAdministratorRequest(account_id=created, service_principal=CLOUDFW))  # fmt: skip
    assert [a.account_id for a in administrators(org.client).accounts.account] == [created]


def test_missing_service_principal(world: World) -> None:
    org = world.org()
    request = rm.RegisterDelegatedAdministratorRequest(account_id=org.resource_account())
    with pytest.raises(ClientException) as caught:
        org.client.register_delegated_administrator(request)
    assert (caught.value.status_code, caught.value.code) == (400, "MissingParameter")
    assert "ServicePrincipal" in caught.value.data["Message"]


def test_deregister_refusals(world: World, check: type[Checks]) -> None:
    org = world.org()
    created = org.resource_account()
    outsider = world.account()

    def attempt(account_id: str, service: str = CLOUDFW, client: RmClient | None = None) -> Any:
        request = rm.DeregisterDelegatedAdministratorRequest(account_id=account_id, service_principal=service)
        return lambda: (client or org.client).deregister_delegated_administrator(request)

    check.fails(errors.MissingParameterAccountId, attempt(""))
    check.fails(errors.InvalidParameterAccountId, attempt("1"))
    check.fails(errors.EntityNotExistsResourceDirectory, attempt(created, client=outsider.client))
    check.fails(errors.InvalidParameterServicePrincipal, attempt(created, "nope.aliyuncs.com"))
    check.fails(errors.EntityNotExistsAccount, attempt(outsider.account_id))
    check.fails(errors.AccountNotRegistered, attempt(created))
    register(org, created, "config.aliyuncs.com")
    check.fails(errors.AccountNotRegistered, attempt(created))  # registered for another service only


def test_listing_refusals(world: World, check: type[Checks]) -> None:
    org = world.org()
    outsider = world.account()
    check.fails(errors.EntityNotExistsResourceDirectory, administrators, outsider.client)
    check.fails(
        errors.EntityNotExistsResourceDirectory,
        outsider.client.list_trusted_service_status,
        rm.ListTrustedServiceStatusRequest(),
    )
    services = outsider.client.list_delegated_services_for_account
    check.fails(
        errors.EntityNotExistsResourceDirectory,
        services,
        rm.ListDelegatedServicesForAccountRequest(account_id=org.account_id),
    )
    check.fails(errors.MissingParameterAccountId, org.client.list_delegated_services_for_account,
                rm.ListDelegatedServicesForAccountRequest())  # fmt: skip
    check.fails(errors.InvalidParameterAccountId, org.client.list_delegated_services_for_account,
                rm.ListDelegatedServicesForAccountRequest(account_id="x"))  # fmt: skip
    check.fails(errors.EntityNotExistsAccount, org.client.list_delegated_services_for_account,
                rm.ListDelegatedServicesForAccountRequest(account_id=outsider.account_id))  # fmt: skip


def test_a_member_that_leaves_stops_administering(world: World) -> None:
    org = world.org()
    member = world.account()
    org.adopt(member)
    register(org, member.account_id)
    org.client.remove_cloud_account(rm.RemoveCloudAccountRequest(account_id=member.account_id))
    assert administrators(org.client).total_count == 0


def _reads(client: RmClient, org: Org, folder: str, account_id: str) -> None:
    """The directory reads a delegated administrator may make, each answering what the management account sees."""
    assert client.get_resource_directory().body.resource_directory.resource_directory_id == org.directory_id
    assert client.get_account(rm.GetAccountRequest(account_id=account_id)).body.account.folder_id == folder
    listed = client.list_accounts(rm.ListAccountsRequest(page_size=100)).body
    assert listed.total_count == org.client.list_accounts(rm.ListAccountsRequest()).body.total_count
    in_folder = client.list_accounts_for_parent(rm.ListAccountsForParentRequest(parent_folder_id=folder)).body
    assert [a.account_id for a in in_folder.accounts.account] == [account_id]
    assert client.get_folder(rm.GetFolderRequest(folder_id=folder)).body.folder.folder_id == folder
    children = client.list_folders_for_parent(rm.ListFoldersForParentRequest()).body.folders.folder
    assert [f.folder_id for f in children] == [folder]
    assert administrators(client).total_count == 1
    request = rm.ListDelegatedServicesForAccountRequest(account_id=account_id)
    assert client.list_delegated_services_for_account(request).body.delegated_services.delegated_service == []
    status = client.list_trusted_service_status(rm.ListTrustedServiceStatusRequest()).body
    assert [e.service_principal for e in status.enabled_service_principals.enabled_service_principal] == [CLOUDFW]


def test_delegated_administrator_reads_the_directory(world: World, check: type[Checks]) -> None:
    org = world.org()
    admin = world.account()
    org.adopt(admin)
    folder = org.folder()
    account_id = org.resource_account(parent_folder_id=folder)
    get = rm.GetAccountRequest(account_id=account_id)
    # A plain member reads none of it: it manages no directory.
    check.fails(errors.EntityNotExistsResourceDirectory, admin.client.get_account, get)
    check.fails(errors.EntityNotExistsResourceDirectory, admin.client.get_folder, rm.GetFolderRequest(folder_id=folder))
    check.fails(errors.EntityNotExistsResourceDirectory, administrators, admin.client)

    register(org, admin.account_id)
    reader = ram_client(admin, ["AliyunResourceDirectoryReadOnlyAccess"])
    for client in (admin.client, reader):
        _reads(client, org, folder, account_id)

    # Reads only: changes still belong to the management account.
    attempt = rm.RegisterDelegatedAdministratorRequest(account_id=account_id, service_principal=CENTER)
    check.fails(errors.EntityNotExistsResourceDirectory, admin.client.register_delegated_administrator, attempt)
    check.fails(errors.EntityNotExistsResourceDirectory, admin.client.create_folder,
                rm.CreateFolderRequest(folder_name="x"))  # fmt: skip
    # Its RAM identities still need their policies.
    bare = ram_client(admin, [])
    with pytest.raises(ClientException) as caught:
        bare.get_account(get)
    assert caught.value.code == "NoPermission"

    org.client.deregister_delegated_administrator(
        rm.DeregisterDelegatedAdministratorRequest(account_id=admin.account_id, service_principal=CLOUDFW)
    )
    check.fails(errors.EntityNotExistsResourceDirectory, reader.get_account, get)  # the next request already
    check.fails(errors.EntityNotExistsResourceDirectory, administrators, admin.client)


def test_management_ram_identities(world: World, check: type[Checks]) -> None:
    org = world.org()
    created = org.resource_account()
    reader = ram_client(org, ["AliyunResourceDirectoryReadOnlyAccess"])
    attempt = rm.RegisterDelegatedAdministratorRequest(account_id=created, service_principal=CLOUDFW)
    with pytest.raises(ClientException) as caught:
        reader.register_delegated_administrator(attempt)
    assert caught.value.code == "NoPermission"
    writer = ram_client(org, ["AliyunResourceDirectoryFullAccess"])
    writer.register_delegated_administrator(attempt)
    assert [a.account_id for a in administrators(reader).accounts.account] == [created]


DENY_ALL = '{"Version":"1","Statement":[{"Effect":"Deny","Action":"ecs:*","Resource":"*"}]}'


def test_delegated_administrator_reads_policies_tags_ancestors_and_payers(world: World, check: type[Checks]) -> None:
    org = world.org()
    admin = world.account()
    org.adopt(admin)
    folder = org.folder()
    account_id = org.resource_account(
        parent_folder_id=folder, tag=[rm.CreateResourceAccountRequestTag(key="k", value="v")]
    )
    client = org.rdm()
    client.enable_control_policy()
    policy_id = client.create_control_policy(
        rdm.CreateControlPolicyRequest(policy_name="deny-ecs", policy_document=DENY_ALL, effect_scope="RAM")
    ).body.control_policy.policy_id
    client.attach_control_policy(rdm.AttachControlPolicyRequest(policy_id=policy_id, target_id=folder))
    register(org, admin.account_id)

    for reader in (admin.rdm(), ram_client(admin, ["AliyunResourceDirectoryReadOnlyAccess"])):
        body = reader.list_control_policies(rdm.ListControlPoliciesRequest()).body
        assert policy_id in [p.policy_id for p in body.control_policies.control_policy]
        got = reader.get_control_policy(rdm.GetControlPolicyRequest(policy_id=policy_id)).body.control_policy
        assert got.policy_name == "deny-ecs"
        request = rdm.ListControlPolicyAttachmentsForTargetRequest(target_id=folder)
        attached = reader.list_control_policy_attachments_for_target(request).body
        assert policy_id in [a.policy_id for a in attached.control_policy_attachments.control_policy_attachment]
        targets = reader.list_target_attachments_for_control_policy(
            rdm.ListTargetAttachmentsForControlPolicyRequest(policy_id=policy_id)
        ).body.target_attachments.target_attachment
        assert [t.target_id for t in targets] == [folder]
        rows = reader.list_tag_resources(
            rdm.ListTagResourcesRequest(resource_type="Account", resource_id=[account_id])
        ).body.tag_resources
        assert [(r.tag_key, r.tag_value) for r in rows] == [("k", "v")]
        ancestors = reader.list_ancestors(rdm.ListAncestorsRequest(child_id=folder)).body.folders.folder
        assert [f.folder_id for f in ancestors] == [org.root_id]
        payer = reader.get_payer_for_account(rdm.GetPayerForAccountRequest(account_id=account_id)).body
        assert payer.payer_account_id == ""

    # Changes stay the management account's.
    create_policy = rdm.CreateControlPolicyRequest(policy_name="x", policy_document=DENY_ALL, effect_scope="RAM")
    check.fails(errors.EntityNotExistsResourceDirectory, admin.rdm().create_control_policy, create_policy)
    tag = rdm.TagResourcesRequest(
        resource_type="Account", resource_id=[account_id], tag=[rdm.TagResourcesRequestTag(key="a", value="b")]
    )
    check.fails(errors.EntityNotExistsResourceDirectory, admin.rdm().tag_resources, tag)
