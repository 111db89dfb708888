"""The seed operations end to end through every official client, on both sites (docs/behaviour.md#seed-operations):
Tea V3, Tea V1 (``signature_algorithm='v2'``), the old core SDK (JSON bodies) and the 2022-04-19
ResourceDirectoryMaster client, which has all four operations."""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime

import pytest
from alibabacloud_resourcedirectorymaster20220419.client import Client as RdmClient

from support.seed_operations import Seed

RD_ID = re.compile(r"rd-[A-Za-z0-9]{6}")
ROOT_ID = re.compile(r"r-[A-Za-z0-9]{6}")
ACCOUNT_ID = re.compile(r"[0-9]{16}")
TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{3})?Z")
EXPIRATION = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z")
APIS = ["tea-v3", "tea-v1", "core", "rdm-2022"]
SITES = ["cn", "intl"]


def _parse(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def test_the_2022_client_has_all_four_seed_operations() -> None:
    for name in (
        "send_verification_code_for_enable_rd",
        "enable_resource_directory",
        "send_verification_code_for_bind_secure_mobile_phone",
        "bind_secure_mobile_phone",
    ):
        assert callable(getattr(RdmClient, name)), name


@pytest.mark.parametrize("site", SITES)
@pytest.mark.parametrize("api_name", APIS)
def test_enable_with_a_new_management_account(seed: Seed, api_name: str, site: str) -> None:
    api = seed.apis[api_name]
    enterprise = f"Acme {secrets.token_hex(3)}"
    caller = seed.account(site, enterprise=enterprise)
    phone = seed.phone(site)
    ma_name = f"ma.{secrets.token_hex(4)}{seed.MA_SUFFIX}"

    assert set(api.send_enable(caller, phone)) == {"RequestId"}
    sms = seed.latest(phone)
    assert (sms["purpose"], sms["account_id"], sms["phone"]) == ("EnableRD", caller.account_id, phone)
    assert sms["code"] in sms["text"]

    body = api.enable(caller, "NewManagementAccount", name=ma_name, phone=phone, code=sms["code"])
    rd = body["ResourceDirectory"]
    assert set(rd) == {"ResourceDirectoryId", "MasterAccountId", "MasterAccountName", "RootFolderId", "CreateTime"}
    assert RD_ID.fullmatch(rd["ResourceDirectoryId"])
    assert ACCOUNT_ID.fullmatch(rd["MasterAccountId"])
    assert rd["MasterAccountId"] != caller.account_id
    assert rd["MasterAccountName"] == ma_name
    assert ROOT_ID.fullmatch(rd["RootFolderId"])
    assert TIME.fullmatch(rd["CreateTime"])

    master = seed.record(rd["MasterAccountId"])
    assert master["name"] == ma_name
    assert master["secure_mobile_phone"] == phone
    assert master["enterprise_name"] == enterprise
    assert master["enterprise_verified"] is True
    assert master["site"] == site

    # The caller is now a CloudAccount member: it sees the directory, and the management account sees it.
    got = api.get_directory(caller)["ResourceDirectory"]
    assert got["ResourceDirectoryId"] == rd["ResourceDirectoryId"]
    assert got["MasterAccountId"] == rd["MasterAccountId"]
    assert got["MasterAccountName"] == ma_name
    assert got["IdentityInformation"] == enterprise
    admin = seed.ram_user(rd["MasterAccountId"], seed.FULL, name="rd-admin")
    member = api.get_account(admin, caller.account_id)["Account"]
    assert (member["Type"], member["JoinMethod"], member["Status"]) == ("CloudAccount", "invited", "InviteSuccess")
    assert member["ResourceDirectoryId"] == rd["ResourceDirectoryId"]


@pytest.mark.parametrize("site", SITES)
@pytest.mark.parametrize("api_name", APIS)
def test_enable_current_account_then_bind_a_resource_account_phone(seed: Seed, api_name: str, site: str) -> None:
    api = seed.apis[api_name]
    master = seed.account(site, name=f"owner-{secrets.token_hex(3)}")
    rd = api.enable(master, "CurrentAccount")["ResourceDirectory"]
    assert rd["MasterAccountId"] == master.account_id
    assert rd["MasterAccountName"] == seed.record(master.account_id)["name"]
    assert RD_ID.fullmatch(rd["ResourceDirectoryId"])
    assert api.get_directory(master)["ResourceDirectory"]["ResourceDirectoryId"] == rd["ResourceDirectoryId"]

    admin = seed.ram_user(master.account_id, seed.FULL, name="rd-admin")
    created = api.create_account(admin, f"ra-{secrets.token_hex(3)}")["Account"]
    account_id = created["AccountId"]
    assert (created["Type"], created["Status"]) == ("ResourceAccount", "CreateSuccess")

    phone = seed.phone(site)
    before = datetime.now(UTC)
    sent = api.send_bind(admin, account_id, phone)
    assert set(sent) == {"RequestId", "ExpirationDate"}
    assert EXPIRATION.fullmatch(sent["ExpirationDate"]), sent
    ttl = (_parse(sent["ExpirationDate"]) - before).total_seconds()
    assert 290 <= ttl <= 310, ttl  # issue time + 5 minutes

    sms = seed.latest(phone)
    assert (sms["purpose"], sms["account_id"]) == ("BindSecureMobilePhone", account_id)
    assert seed.record(account_id)["secure_mobile_phone"] is None

    assert set(api.bind(admin, account_id, phone, sms["code"])) == {"RequestId"}
    got = api.get_account(admin, account_id)["Account"]
    assert got["AccountId"] == account_id
    assert (got["Type"], got["Status"], got["JoinMethod"]) == ("ResourceAccount", "CreateSuccess", "created")
    assert got["ResourceDirectoryId"] == rd["ResourceDirectoryId"]
    assert seed.record(account_id)["secure_mobile_phone"] == phone


@pytest.mark.parametrize("site", SITES)
def test_new_management_account_defaults_to_the_callers_own_phone(seed: Seed, site: str) -> None:
    """Both SecureMobilePhone and MASecureMobilePhone are optional: the caller's secure phone is used."""
    phone = seed.phone(site)
    caller = seed.account(site, phone=phone)
    seed.v3.send_enable(caller)
    code = seed.latest_code(phone)
    assert seed.latest(phone)["account_id"] == caller.account_id
    name = f"own-{secrets.token_hex(4)}{seed.MA_SUFFIX}"
    rd = seed.v3.enable(caller, "NewManagementAccount", name=name, code=code)["ResourceDirectory"]
    assert seed.record(rd["MasterAccountId"])["secure_mobile_phone"] == phone
    assert seed.directory_of(caller) == rd["ResourceDirectoryId"]


@pytest.mark.parametrize("kind", ["us", "jp", "uk"])
def test_intl_accepts_other_country_codes(seed: Seed, kind: str) -> None:
    world = seed.world("intl")
    phone = seed.phone(kind)
    seed.v3.send_bind(world.admin, world.resource_account_id, phone)
    seed.v3.bind(world.admin, world.resource_account_id, phone, seed.latest_code(phone))
    assert seed.record(world.resource_account_id)["secure_mobile_phone"] == phone


def test_world_builder(seed: Seed) -> None:
    world = seed.world("cn")
    assert seed.directory_of(world.master) == world.directory_id
    got = seed.v3.get_account(world.admin, world.resource_account_id)["Account"]
    assert got["Type"] == "ResourceAccount"
    assert got["FolderId"] == world.root_folder_id
