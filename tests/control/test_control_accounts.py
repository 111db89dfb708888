"""Control API (docs/behaviour.md#seeding-identities): health, reset and accounts (create, get, list, patch), on SQLite
and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from alibabacloud_resourcemanager20200331 import models as rm
from alibabacloud_resourcemanager20200331.client import Client
from alibabacloud_tea_openapi.utils_models import Config
from jsonschema import Draft202012Validator

import openrd
from openrd import errors
from openrd.control.openapi import openapi_document
from openrd.domain.sites import BUILTIN_SITES
from openrd.services import authentication
from support.control import JSON, assert_error

Body = dict[str, Any]


def _account(live: Any, account_id: str) -> Body:
    response = live.control("GET", f"/accounts/{account_id}")
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_health_reports_the_store(live: Any, store_name: str) -> None:
    response = live.control("GET", "/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "version": openrd.__version__, "store": store_name}


def test_ready_when_the_store_is_migrated(live: Any) -> None:
    response = live.control("GET", "/ready")
    assert response.status_code == 200, response.text


def test_reset_wipes_everything(live: Any) -> None:
    created = live.make_account(display_name="Doomed")
    role = live.control("POST", f"/accounts/{created['account_id']}/ram-roles", json={"name": "R"})
    assert role.status_code == 201
    assert live.control("POST", "/clock", json={"advance_seconds": 3600}).status_code == 200

    response = live.control("POST", "/reset")

    assert response.status_code == 204
    assert response.content == b""
    assert_error(live.control("GET", f"/accounts/{created['account_id']}"), 404, "not_found")
    assert live.control("GET", "/accounts").json() == {"accounts": []}
    assert live.control("GET", "/clock").json()["offset_seconds"] == 0
    with live.runtime.deps.uow(write=False) as uow, pytest.raises(errors.InvalidAccessKeyIdNotFound):
        authentication.load_caller(uow, created["access_key_id"], nonce="", nonce_since_ms=0)


def test_create_account_defaults(live: Any) -> None:
    response = live.control("POST", "/accounts", json={"display_name": "Acme"})
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"account_id", "access_key_id", "access_key_secret"}
    assert len(body["account_id"]) == 16
    assert body["account_id"].isdigit()
    account = _account(live, body["account_id"])
    assert account["account_id"] == body["account_id"]
    assert account["display_name"] == "Acme"
    assert account["site"] == "intl"
    assert account["enterprise_verified"] is True
    assert account["secure_mobile_phone"] is None
    assert account["enterprise_name"] is None
    with live.runtime.deps.uow(write=False) as uow:
        key = authentication.load_caller(uow, body["access_key_id"], nonce="", nonce_since_ms=0).key
    assert (key.secret, key.account_id, key.user_id) == (body["access_key_secret"], body["account_id"], None)


def test_create_account_with_every_field(live: Any) -> None:
    fields = {
        "display_name": "Acme CN",
        "name": "admin@acme.example",
        "site": "cn",
        "secure_mobile_phone": "86-13900001234",
        "enterprise_name": "Acme Ltd",
        "enterprise_verified": False,
    }
    created = live.make_account(**fields)
    account = _account(live, created["account_id"])
    for name, value in fields.items():
        if name != "name":
            assert account[name] == value, name


def test_two_accounts_get_different_ids_and_keys(live: Any) -> None:
    first, second = live.make_account(), live.make_account()
    assert first["account_id"] != second["account_id"]
    assert first["access_key_id"] != second["access_key_id"]
    assert first["access_key_secret"] != second["access_key_secret"]


@pytest.mark.parametrize(
    "body",
    [
        {"display_name": "x", "site": "mars"},
        {"display_name": "x", "site": "INTL"},
        {"display_name": "x", "secure_mobile_phone": "+1-2025550123"},
        {"display_name": "x", "secure_mobile_phone": "1 2025550123"},
        {"display_name": "x", "secure_mobile_phone": "12025550123"},
        {"display_name": "x", "secure_mobile_phone": "1-202"},
        {"display_name": "x", "secure_mobile_phone": "12345-2025550123"},
        {"display_name": "x", "secure_mobile_phone": "1-2025550123456789"},
        {"display_name": "x", "secure_mobile_phone": "\u0661-2025550123"},  # Arabic-Indic digit
        {"display_name": "x", "secure_mobile_phone": "86-13900001234"},  # 86 on intl
        {"display_name": "x", "site": "intl", "secure_mobile_phone": "1-1234567"},  # not a valid mobile
        {"display_name": "x", "site": "cn", "secure_mobile_phone": "86-12345678901"},  # not a valid mobile
        {"display_name": "x", "site": "cn", "secure_mobile_phone": "1-2025550123"},  # cn takes 86 only
        {},
        {"name": "login"},
        {"display_name": ""},
        {"display_name": "x" * 51},
        {"display_name": "tab\there"},
        {"display_name": "x", "name": "has space"},
        {"display_name": 5},
        {"display_name": "x", "site": 1},
        {"display_name": "x", "name": ["a"]},
        {"display_name": "x", "secure_mobile_phone": 8613900001234},
        {"display_name": "x", "enterprise_name": {"n": 1}},
        {"display_name": "x", "enterprise_verified": "yes"},
        {"display_name": "x", "enterprise_verified": 1},
    ],
)
def test_create_account_invalid(live: Any, body: Body) -> None:
    assert_error(live.control("POST", "/accounts", json=body), 400, "invalid")
    assert live.control("GET", "/accounts").json() == {"accounts": []}


@pytest.mark.parametrize("content", [b"not json", b"[1, 2]", b'"text"', b"\xff\xfe", b"{"])
def test_create_account_body_must_be_a_json_object(live: Any, content: bytes) -> None:
    response = live.control("POST", "/accounts", content=content, headers={"content-type": "application/json"})
    assert_error(response, 400, "invalid")


@pytest.mark.parametrize("field", ["display_name", "name"])
def test_create_account_rejects_a_trailing_newline(live: Any, field: str) -> None:
    """``re.match`` with ``$`` lets "abc\\n" through; names with control characters must be refused."""
    body = {"display_name": "Acme", field: "acme\n"}
    assert_error(live.control("POST", "/accounts", json=body), 400, "invalid")


def test_get_unknown_account(live: Any) -> None:
    assert_error(live.control("GET", "/accounts/1234567890123456"), 404, "not_found")
    assert_error(live.control("GET", "/accounts/not-an-id"), 404, "not_found")


def test_list_accounts(live: Any) -> None:
    created = [live.make_account(display_name=f"A{i}") for i in range(3)]
    response = live.control("GET", "/accounts")
    assert response.status_code == 200
    listed = response.json()["accounts"]
    assert sorted(a["account_id"] for a in listed) == sorted(c["account_id"] for c in created)
    assert {a["display_name"] for a in listed} == {"A0", "A1", "A2"}


# ------------------------------------------------------------------------------------------------ PATCH
@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {"site": "cn", "secure_mobile_phone": "86-13900001234"},
            {"site": "cn", "secure_mobile_phone": "86-13900001234"},
        ),
        ({"secure_mobile_phone": "852-51234567"}, {"secure_mobile_phone": "852-51234567"}),
        ({"enterprise_name": "New Ltd"}, {"enterprise_name": "New Ltd"}),
        ({"enterprise_verified": False}, {"enterprise_verified": False}),
        ({"display_name": "Renamed"}, {"display_name": "Renamed"}),
        ({"secure_mobile_phone": None}, {"secure_mobile_phone": None}),
        ({"enterprise_name": None}, {"enterprise_name": None}),
        ({}, {}),
    ],
)
def test_patch_each_field(live: Any, changes: Body, expected: Body) -> None:
    created = live.make_account(display_name="Acme", secure_mobile_phone="1-2025550123", enterprise_name="Acme Ltd")
    before = _account(live, created["account_id"])
    response = live.control("PATCH", f"/accounts/{created['account_id']}", json=changes)
    assert response.status_code == 200, response.text
    assert response.json() == {**before, **expected}
    assert _account(live, created["account_id"]) == {**before, **expected}


def test_patch_site_change_revalidates_the_phone(live: Any) -> None:
    created = live.make_account(site="cn", secure_mobile_phone="86-13900001234")
    path = f"/accounts/{created['account_id']}"
    assert_error(live.control("PATCH", path, json={"site": "intl"}), 400, "invalid")
    assert _account(live, created["account_id"])["site"] == "cn"  # unchanged
    response = live.control("PATCH", path, json={"site": "intl", "secure_mobile_phone": "1-2025550123"})
    assert response.status_code == 200, response.text
    assert (response.json()["site"], response.json()["secure_mobile_phone"]) == ("intl", "1-2025550123")


@pytest.mark.parametrize(
    "changes",
    [
        {"account_id": "1"},
        {"name": "other"},
        {"bogus": 1},
        {"site": "mars"},
        {"site": None},
        {"site": 5},
        {"site": ["cn"]},
        {"secure_mobile_phone": "86-13900001234"},  # 86 on intl
        {"secure_mobile_phone": "1-202"},
        {"secure_mobile_phone": 12025550123},
        {"enterprise_name": 5},
        {"enterprise_verified": "false"},
        {"enterprise_verified": None},
        {"display_name": ""},
        {"display_name": None},
    ],
)
def test_patch_invalid(live: Any, changes: Body) -> None:
    created = live.make_account(display_name="Acme")
    before = _account(live, created["account_id"])
    assert_error(live.control("PATCH", f"/accounts/{created['account_id']}", json=changes), 400, "invalid")
    assert _account(live, created["account_id"]) == before


def test_patch_unknown_account(live: Any) -> None:
    assert_error(live.control("PATCH", "/accounts/1234567890123456", json={"site": "cn"}), 404, "not_found")


def test_patch_body_must_be_a_json_object(live: Any) -> None:
    created = live.make_account()
    response = live.control("PATCH", f"/accounts/{created['account_id']}", content=b"[]", headers=JSON)
    assert_error(response, 400, "invalid")


def test_an_account_in_a_directory_shows_its_type_and_directory(live: Any) -> None:
    """GET /accounts/{id}, the listing and PATCH carry ``type`` and ``directory_id`` exactly when the account
    belongs to a directory, and every such view matches the OpenAPI document's Account schema."""
    schema = openapi_document(sites=BUILTIN_SITES)["components"]["schemas"]["Account"]
    master = live.make_account(display_name="Master", enterprise_name="ACME")
    loner = live.make_account(display_name="Loner")
    config = Config(
        access_key_id=master["access_key_id"],
        access_key_secret=master["access_key_secret"],
        endpoint=live.endpoint,
        protocol="http",
    )
    client = Client(config)
    directory = client.enable_resource_directory(rm.EnableResourceDirectoryRequest(enable_mode="CurrentAccount"))
    directory_id = directory.body.resource_directory.resource_directory_id
    created = client.create_resource_account(rm.CreateResourceAccountRequest(display_name="研发 一部"))
    member_id = created.body.account.account_id

    expected = {
        master["account_id"]: ("CloudAccount", directory_id),
        member_id: ("ResourceAccount", directory_id),
        loner["account_id"]: None,
    }
    listed = {a["account_id"]: a for a in live.control("GET", "/accounts").json()["accounts"]}
    for account_id, placed in expected.items():
        for view in (_account(live, account_id), listed[account_id]):
            Draft202012Validator(schema).validate(view)
            if placed is None:
                assert not {"type", "directory_id"} & set(view), view
            else:
                assert (view["type"], view["directory_id"]) == placed, view
    assert _account(live, member_id)["display_name"] == "研发 一部"
    patched = live.control("PATCH", f"/accounts/{member_id}", json={"enterprise_name": "ACME"})
    assert patched.status_code == 200, patched.text
    assert (patched.json()["type"], patched.json()["directory_id"]) == ("ResourceAccount", directory_id)
