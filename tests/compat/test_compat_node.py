"""The official Node.js SDKs from npm against the live server: the typed ``@alicloud/resourcemanager20200331`` and
``@alicloud/sts20150401`` clients (V3, and V1 with ``signatureAlgorithm: "v2"``), the generic
``@alicloud/openapi-client`` for ResourceDirectoryMaster 2022-04-19, ``@alicloud/pop-core`` (V1 GET and POST),
``@alicloud/sts-sdk``'s signer (millisecond timestamps) and a raw request with a scheme openrd does not implement.

A typed call passes only when its response model holds exactly the JSON the server sent (``toMap()`` of the body
against the raw body) and leaves no declared field unset but the ones the test names (``unset=``).
"""

from __future__ import annotations

import json
import os
import re
import secrets
from typing import Any

import pytest

from support.node import NO_NODE, NODE, NodeSdk, install
from support.servers import LiveServer

RM, RDM, STS = "2020-03-31", "2022-04-19", "2015-04-01"
SIGNING = [pytest.param({}, id="v3"), pytest.param({"signatureAlgorithm": "v2"}, id="v1")]
MA_SUFFIX = "@rdadmin.aliyunid.com"
FULL = "AliyunResourceDirectoryFullAccess"
RD_ID = re.compile(r"rd-[A-Za-z0-9]{6}")
FOLDER_ID = re.compile(r"fd-[A-Za-z0-9]{10}")
ACCOUNT_ID = re.compile(r"[0-9]{16}")

NO_TAGS = {"Account.Tags"}  # the one declared field a member without tags is sent without
LISTED_NO_TAGS = {"Accounts.Account[].Tags"}  # listings without IncludeTags


@pytest.fixture(scope="session")
def node_ready() -> str:
    if NODE is None:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the Node.js SDK tests: {NO_NODE}")
        pytest.skip(NO_NODE)
    install()
    return NODE


@pytest.fixture
def node(node_ready: str, server: LiveServer) -> NodeSdk:
    return NodeSdk(node_ready, server.endpoint)


def keys(creds: dict[str, Any]) -> dict[str, Any]:
    return {"accessKeyId": creds["access_key_id"], "accessKeySecret": creds["access_key_secret"]}


def phone() -> str:
    return f"44-7400{secrets.randbelow(10**6):06d}"


def enterprise_account(server: LiveServer, **fields: Any) -> dict[str, Any]:
    return server.rd.create_account(site="intl", enterprise_name=f"Acme {secrets.token_hex(3)}", **fields)


def admin_of(server: LiveServer, account_id: str) -> dict[str, Any]:
    return server.rd.create_ram_user(account_id, f"rd-admin-{secrets.token_hex(3)}", [FULL])


def latest_code(server: LiveServer, number: str) -> str:
    return server.rd.latest_code(number)


@pytest.fixture
def directory(node: NodeSdk, server: LiveServer) -> dict[str, Any]:
    """A directory enabled by the typed client (CurrentAccount) and a FullAccess RAM user of its master."""
    master = enterprise_account(server)
    enabled = node.typed(
        "rm",
        "enableResourceDirectory",
        "EnableResourceDirectoryRequest",
        {"enableMode": "CurrentAccount"},
        **keys(master),
    )
    return {"master": master, "admin": admin_of(server, master["account_id"]), **enabled["raw"]["ResourceDirectory"]}


# ------------------------------------------------------------------------------------------- the seed operations
@pytest.mark.parametrize("extra", SIGNING)
def test_seed_operations_through_the_typed_client(node: NodeSdk, server: LiveServer, extra: dict[str, str]) -> None:
    caller, number = enterprise_account(server), phone()
    sent = node.typed(
        "rm",
        "sendVerificationCodeForEnableRD",
        "SendVerificationCodeForEnableRDRequest",
        {"secureMobilePhone": number},
        **keys(caller),
        **extra,
    )
    assert set(sent["raw"]) == {"RequestId"}
    ma_name = f"ma.{secrets.token_hex(4)}{MA_SUFFIX}"
    request = {
        "enableMode": "NewManagementAccount",
        "MAName": ma_name,
        "MASecureMobilePhone": number,
        "verificationCode": latest_code(server, number),
    }
    enabled = node.typed(
        "rm", "enableResourceDirectory", "EnableResourceDirectoryRequest", request, **keys(caller), **extra
    )
    rd = enabled["raw"]["ResourceDirectory"]
    assert set(rd) == {"ResourceDirectoryId", "MasterAccountId", "MasterAccountName", "RootFolderId", "CreateTime"}
    assert rd["MasterAccountName"] == ma_name

    admin = admin_of(server, rd["MasterAccountId"])
    created = node.typed(
        "rm",
        "createResourceAccount",
        "CreateResourceAccountRequest",
        {"displayName": "研发 一部"},
        **keys(admin),
        **extra,
    )
    account = created["raw"]["Account"]
    assert account["DisplayName"] == "研发 一部"
    member_phone = phone()
    bind_request = {"accountId": account["AccountId"], "secureMobilePhone": member_phone}
    sent = node.typed(
        "rm",
        "sendVerificationCodeForBindSecureMobilePhone",
        "SendVerificationCodeForBindSecureMobilePhoneRequest",
        bind_request,
        **keys(admin),
        **extra,
    )
    assert set(sent["raw"]) == {"RequestId", "ExpirationDate"}
    bind_request["verificationCode"] = latest_code(server, member_phone)
    bound = node.typed(
        "rm", "bindSecureMobilePhone", "BindSecureMobilePhoneRequest", bind_request, **keys(admin), **extra
    )
    assert set(bound["raw"]) == {"RequestId"}
    record = server.rd.account(account["AccountId"])
    assert record["secure_mobile_phone"] == member_phone
    assert (record["type"], record["directory_id"]) == ("ResourceAccount", rd["ResourceDirectoryId"])


@pytest.mark.parametrize("extra", SIGNING)
def test_seed_operations_through_the_generic_client_on_2022_04_19(
    node: NodeSdk, server: LiveServer, extra: dict[str, str]
) -> None:
    caller, number = enterprise_account(server), phone()
    call = {"version": RDM, **keys(caller), **extra}
    sent = node.ok("generic", action="SendVerificationCodeForEnableRD", query={"SecureMobilePhone": number}, **call)
    assert set(sent["raw"]) == {"RequestId"}
    query = {
        "EnableMode": "NewManagementAccount",
        "MAName": f"ma.{secrets.token_hex(4)}{MA_SUFFIX}",
        "MASecureMobilePhone": number,
        "VerificationCode": latest_code(server, number),
    }
    rd = node.ok("generic", action="EnableResourceDirectory", query=query, **call)["raw"]["ResourceDirectory"]
    assert RD_ID.fullmatch(rd["ResourceDirectoryId"])

    admin = {"version": RDM, **keys(admin_of(server, rd["MasterAccountId"])), **extra}
    account = node.ok("generic", action="CreateResourceAccount", query={"DisplayName": "测试账号"}, **admin)
    account_id = account["raw"]["Account"]["AccountId"]
    member_phone = phone()
    bind = {"AccountId": account_id, "SecureMobilePhone": member_phone}
    node.ok("generic", action="SendVerificationCodeForBindSecureMobilePhone", query=bind, **admin)
    bind["VerificationCode"] = latest_code(server, member_phone)
    assert set(node.ok("generic", action="BindSecureMobilePhone", query=bind, **admin)["raw"]) == {"RequestId"}


@pytest.mark.parametrize("extra", SIGNING)
def test_seed_operations_documented_errors(node: NodeSdk, server: LiveServer, extra: dict[str, str]) -> None:
    caller = enterprise_account(server)
    wrong = {
        "enableMode": "NewManagementAccount",
        "MAName": f"ma.{secrets.token_hex(4)}{MA_SUFFIX}",
        "MASecureMobilePhone": phone(),
        "verificationCode": "000000",
    }
    error = node.fails(
        "tea", product="rm", operation="enableResourceDirectory", requestClass="EnableResourceDirectoryRequest",
        request=wrong, **keys(caller), **extra,
    )  # fmt: skip
    assert (error.code, error.status) == ("Invalid.VerificationCode", 409)
    assert error.data["Message"] == "The verification code is invalid."
    bad_name = {**wrong, "MAName": "no-suffix"}
    error = node.fails(
        "tea", product="rm", operation="enableResourceDirectory", requestClass="EnableResourceDirectoryRequest",
        request=bad_name, **keys(caller), **extra,
    )  # fmt: skip
    assert (error.code, error.status) == ("InvalidParameter.ManagementAccountName", 409)
    error = node.fails("generic", version=RDM, action="BindSecureMobilePhone", **keys(caller), **extra, query={
        "AccountId": "1" * 16, "SecureMobilePhone": phone(), "VerificationCode": "123456",
    })  # fmt: skip
    assert (error.code, error.status) == ("EntityNotExists.ResourceDirectory", 404)


# ------------------------------------------------------------------------------------------- the directory flow
@pytest.mark.parametrize("extra", SIGNING)
def test_directory_flow_through_the_typed_client(
    node: NodeSdk, directory: dict[str, Any], extra: dict[str, str]
) -> None:
    admin = {**keys(directory["admin"]), **extra}
    got = node.typed("rm", "getResourceDirectory", None, {}, **admin)
    assert got["raw"]["ResourceDirectory"]["ResourceDirectoryId"] == directory["ResourceDirectoryId"]

    folder = node.typed("rm", "createFolder", "CreateFolderRequest", {"folderName": "研发部"}, **admin)["raw"]["Folder"]
    assert FOLDER_ID.fullmatch(folder["FolderId"])
    assert (folder["FolderName"], folder["ParentFolderId"]) == ("研发部", directory["RootFolderId"])
    fetched = node.typed("rm", "getFolder", "GetFolderRequest", {"folderId": folder["FolderId"]}, **admin)
    assert fetched["raw"]["Folder"]["ResourceDirectoryPath"].endswith(folder["FolderId"])
    listed = node.typed(
        "rm", "listFoldersForParent", "ListFoldersForParentRequest", {"parentFolderId": directory["RootFolderId"]},
        **admin,
    )  # fmt: skip
    assert [f["FolderName"] for f in listed["raw"]["Folders"]["Folder"]] == ["研发部"]

    created = node.typed(
        "rm", "createResourceAccount", "CreateResourceAccountRequest", {"displayName": "研发 一部"}, **admin
    )
    account = created["raw"]["Account"]
    assert ACCOUNT_ID.fullmatch(account["AccountId"])
    assert (account["DisplayName"], account["Type"], account["FolderId"]) == (
        "研发 一部", "ResourceAccount", directory["RootFolderId"],
    )  # fmt: skip

    node.typed(
        "rm", "moveAccount", "MoveAccountRequest",
        {"accountId": account["AccountId"], "destinationFolderId": folder["FolderId"]}, **admin,
    )  # fmt: skip
    got = node.typed(
        "rm", "getAccount", "GetAccountRequest", {"accountId": account["AccountId"]}, unset=NO_TAGS, **admin
    )
    assert got["raw"]["Account"]["FolderId"] == folder["FolderId"]
    assert got["raw"]["Account"]["DisplayName"] == "研发 一部"

    renamed = node.typed(
        "rm", "updateAccount", "UpdateAccountRequest",
        {"accountId": account["AccountId"], "newDisplayName": "运维组"}, **admin,
    )  # fmt: skip
    assert renamed["raw"]["Account"]["DisplayName"] == "运维组"
    listed = node.typed("rm", "listAccounts", "ListAccountsRequest", {}, unset=LISTED_NO_TAGS, **admin)
    accounts = listed["raw"]["Accounts"]["Account"]
    by_id = {a["AccountId"]: a for a in accounts}
    assert by_id[account["AccountId"]]["DisplayName"] == "运维组"
    assert directory["master"]["account_id"] in by_id
    in_folder = node.typed(
        "rm", "listAccountsForParent", "ListAccountsForParentRequest", {"parentFolderId": folder["FolderId"]},
        unset=LISTED_NO_TAGS, **admin,
    )  # fmt: skip
    assert [a["AccountId"] for a in in_folder["raw"]["Accounts"]["Account"]] == [account["AccountId"]]


@pytest.mark.parametrize("extra", SIGNING)
def test_directory_flow_documented_errors(node: NodeSdk, directory: dict[str, Any], extra: dict[str, str]) -> None:
    admin = {**keys(directory["admin"]), **extra}

    def fails(operation: str, request_class: str, request: dict[str, Any]) -> Any:
        return node.fails(
            "tea", product="rm", operation=operation, requestClass=request_class, request=request, **admin
        )

    cases = [
        ("createFolder", "CreateFolderRequest", {"folderName": "研发/部"}, "InvalidParameter.Folder.Name", 400),
        ("createFolder", "CreateFolderRequest", {"folderName": "部" * 25}, "InvalidParameter.Folder.Name.Length", 400),
        ("createResourceAccount", "CreateResourceAccountRequest", {"displayName": "研"},
         "InvalidParameter.Account.DisplayName", 400),
        ("createResourceAccount", "CreateResourceAccountRequest", {"displayName": "研" * 51},
         "InvalidParameter.Account.DisplayName.Length", 400),
        ("getAccount", "GetAccountRequest", {"accountId": "1" * 16}, "EntityNotExists.Account", 404),
        ("getFolder", "GetFolderRequest", {"folderId": "fd-" + "a" * 10}, "EntityNotExists.Folder", 404),
        ("moveAccount", "MoveAccountRequest", {"accountId": "1" * 16, "destinationFolderId": directory["RootFolderId"]},
         "EntityNotExists.Account", 404),
    ]  # fmt: skip
    for operation, request_class, request, code, status in cases:
        error = fails(operation, request_class, request)
        assert (error.code, error.status) == (code, status), (operation, request, error)
        assert error.data["Code"] == code

    # Fifty Chinese characters are fifty characters, not 150 bytes: accepted.
    created = node.typed(
        "rm", "createResourceAccount", "CreateResourceAccountRequest", {"displayName": "研" * 50}, **admin
    )
    assert created["raw"]["Account"]["DisplayName"] == "研" * 50
    error = fails("createResourceAccount", "CreateResourceAccountRequest", {"displayName": "研" * 50})
    assert (error.code, error.status) == ("InvalidParameter.Account.DisplayName.AlreadyUsed", 409)


def test_not_enabled_is_404_through_the_typed_client(node: NodeSdk, server: LiveServer) -> None:
    error = node.fails("tea", product="rm", operation="getResourceDirectory", **keys(server.make_account()))
    assert (error.name, error.code, error.status) == ("ClientError", "ResourceDirectoryNotInUse", 404)
    assert "code: 404, The specified account is not" in error.message


# ------------------------------------------------------------------------------------------------- V1 and STS
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_pop_core_signs_v1_over_get_and_post(node: NodeSdk, directory: dict[str, Any], method: str) -> None:
    admin = {"version": RM, "method": method, **keys(directory["admin"])}
    name = f"组-{method}"
    made = node.ok("pop", action="CreateFolder", params={"FolderName": name}, **admin)
    assert made["statusCode"] == 200
    assert made["raw"]["Folder"]["FolderName"] == name
    got = node.ok("pop", action="GetFolder", params={"FolderId": made["raw"]["Folder"]["FolderId"]}, **admin)
    assert got["raw"]["Folder"]["FolderName"] == name
    error = node.fails("pop", action="GetAccount", params={"AccountId": "1" * 16}, **admin)
    assert (error.code, error.status) == ("EntityNotExists.Account", 404)
    assert error.data["Message"] == "This resource directory account does not exist."


@pytest.mark.parametrize("extra", SIGNING)
def test_sts_caller_identity_through_the_typed_client(node: NodeSdk, server: LiveServer, extra: dict[str, str]) -> None:
    account = server.make_account()
    answer = node.typed("sts", "getCallerIdentity", None, {}, unset={"RoleId"}, **keys(account), **extra)  # no role
    assert answer["raw"]["AccountId"] == account["account_id"]
    assert answer["raw"]["IdentityType"] == "Account"


def test_millisecond_timestamps_of_sts_sdk_are_accepted(node: NodeSdk, server: LiveServer) -> None:
    account = server.make_account()
    answer = node.ok("sts-sdk", action="GetCallerIdentity", **keys(account))
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", answer["timestamp"]), answer["timestamp"]
    assert answer["statusCode"] == 200, answer
    assert answer["raw"]["AccountId"] == account["account_id"]


def test_an_unknown_authorization_scheme_is_refused_in_json(node: NodeSdk) -> None:
    headers = {
        "authorization": "ACS4-HMAC-SHA256 Credential=LTAIexample,SignedHeaders=host,Signature=00",
        "x-acs-action": "GetResourceDirectory",
        "x-acs-version": RM,
    }
    answer = node.ok("raw", headers=headers)
    assert answer["statusCode"] == 400
    assert answer["contentType"] == "application/json;charset=utf-8"
    body = json.loads(answer["text"])
    assert body["Code"] == "IncompleteSignature"
    assert "ACS4-HMAC-SHA256" in body["Message"]
