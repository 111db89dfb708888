"""Control API (docs/behaviour.md#seeding-identities): RAM users, RAM roles, STS assume-role and AccessKey disabling, on
SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from openrd import errors
from openrd.adapters.clock import FixedClock
from openrd.domain.identity import AccessKeyStatus, PrincipalKind
from openrd.services import authentication
from support.control import assert_error, parse_rfc3339_z

ALLOW_GET = {"Version": "1", "Statement": [{"Effect": "Allow", "Action": "resourcemanager:Get*", "Resource": "*"}]}


@pytest.fixture
def account(live: Any) -> dict[str, Any]:
    return dict(live.make_account(display_name="Acme"))


def _users(live: Any, account_id: str) -> str:
    return f"/accounts/{account_id}/ram-users"


def _roles(live: Any, account_id: str) -> str:
    return f"/accounts/{account_id}/ram-roles"


def _role(live: Any, account_id: str, name: str = "Ops", policies: list[Any] | None = None) -> dict[str, Any]:
    response = live.control("POST", _roles(live, account_id), json={"name": name, "policies": policies or []})
    assert response.status_code == 201, response.text
    return dict(response.json())


# ------------------------------------------------------------------------------------------------ RAM users
def test_create_ram_user(live: Any, account: dict[str, Any]) -> None:
    aid = account["account_id"]
    response = live.control("POST", _users(live, aid), json={"name": "dev", "policies": ["AdministratorAccess"]})
    assert response.status_code == 201, response.text
    body = response.json()
    assert set(body) == {"user_id", "arn", "access_key_id", "access_key_secret"}
    assert body["arn"] == f"acs:ram::{aid}:user/dev"
    assert body["access_key_id"] != account["access_key_id"]
    with live.runtime.deps.uow(write=False) as uow:
        key = authentication.load_caller(uow, body["access_key_id"], nonce="", nonce_since_ms=0).key
        principal = authentication.resolve_principal(
            uow, key=key, security_token=None, box=live.runtime.deps.box, clock=FixedClock(at_ms(0))
        )
        assert list(uow.identity.policies_of("user", body["user_id"])) == [("AdministratorAccess", None)]
    assert key.secret == body["access_key_secret"]
    assert (principal.kind, principal.principal_id, principal.arn) == (PrincipalKind.USER, body["user_id"], body["arn"])


def test_create_ram_user_without_policies(live: Any, account: dict[str, Any]) -> None:
    response = live.control("POST", _users(live, account["account_id"]), json={"name": "plain"})
    assert response.status_code == 201, response.text


@pytest.mark.parametrize("policy", [ALLOW_GET, json.dumps(ALLOW_GET)], ids=["object", "json-string"])
def test_ram_user_policy_document(live: Any, account: dict[str, Any], policy: Any) -> None:
    response = live.control("POST", _users(live, account["account_id"]), json={"name": "doc", "policies": [policy]})
    assert response.status_code == 201, response.text
    with live.runtime.deps.uow(write=False) as uow:
        [(name, document)] = uow.identity.policies_of("user", response.json()["user_id"])
    assert name is None
    assert json.loads(document or "") == ALLOW_GET


def test_duplicate_ram_user(live: Any, account: dict[str, Any]) -> None:
    path = _users(live, account["account_id"])
    assert live.control("POST", path, json={"name": "dev"}).status_code == 201
    assert_error(live.control("POST", path, json={"name": "dev"}), 409, "conflict")
    other = live.make_account()
    assert live.control("POST", _users(live, other["account_id"]), json={"name": "dev"}).status_code == 201


def test_ram_user_unknown_account(live: Any) -> None:
    assert_error(live.control("POST", _users(live, "1234567890123456"), json={"name": "dev"}), 404, "not_found")


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"name": ""},
        {"name": "has space"},
        {"name": "x" * 65},
        {"name": "dev/ops"},
        {"name": 5},
        {"name": "dev", "policies": "AdministratorAccess"},
        {"name": "dev", "policies": ["NoSuchPolicy"]},
        {"name": "dev", "policies": ["administratoraccess"]},
        {"name": "dev", "policies": [5]},
        {"name": "dev", "policies": [["AdministratorAccess"]]},
        {"name": "dev", "policies": ["{not json"]},
        {"name": "dev", "policies": [{"Version": "2", "Statement": []}]},
        {"name": "dev", "policies": [{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}]},
        {"name": "dev", "policies": [{"Version": "1", "Statement": [{"Effect": "Maybe", "Action": "*"}]}]},
    ],
)
def test_ram_user_invalid(live: Any, account: dict[str, Any], body: dict[str, Any]) -> None:
    assert_error(live.control("POST", _users(live, account["account_id"]), json=body), 400, "invalid")
    with live.runtime.deps.uow(write=False) as uow:
        assert uow.identity.find_user(account["account_id"], "dev") is None


# ------------------------------------------------------------------------------------------------ RAM roles
def test_create_ram_role(live: Any, account: dict[str, Any]) -> None:
    aid = account["account_id"]
    response = live.control("POST", _roles(live, aid), json={"name": "Ops", "policies": [json.dumps(ALLOW_GET)]})
    assert response.status_code == 201, response.text
    body = response.json()
    assert set(body) == {"role_id", "arn"}
    assert body["arn"] == f"acs:ram::{aid}:role/Ops"
    with live.runtime.deps.uow(write=False) as uow:
        assert uow.identity.find_role(aid, "ops").role_id == body["role_id"]


def test_duplicate_ram_role_is_case_insensitive(live: Any, account: dict[str, Any]) -> None:
    _role(live, account["account_id"], "Ops")
    for name in ("Ops", "OPS", "ops"):
        assert_error(live.control("POST", _roles(live, account["account_id"]), json={"name": name}), 409, "conflict")


def test_ram_role_unknown_account_and_invalid(live: Any, account: dict[str, Any]) -> None:
    assert_error(live.control("POST", _roles(live, "1234567890123456"), json={"name": "R"}), 404, "not_found")
    path = _roles(live, account["account_id"])
    assert_error(live.control("POST", path, json={"name": "R", "policies": ["Nope"]}), 400, "invalid")
    assert_error(live.control("POST", path, json={"name": "bad name"}), 400, "invalid")
    assert_error(live.control("POST", path, json={}), 400, "invalid")


# ------------------------------------------------------------------------------------------------ STS
def _assume(live: Any, **body: Any) -> Any:
    return live.control("POST", "/sts/assume-role", json=body)


def test_assume_role(live: Any, account: dict[str, Any]) -> None:
    aid = account["account_id"]
    role = _role(live, aid, "Ops")
    before = datetime.now(UTC)
    response = _assume(live, role_arn=role["arn"], session_name="alice")
    assert response.status_code == 201, response.text
    body = response.json()
    assert set(body) == {"access_key_id", "access_key_secret", "security_token", "expiration"}
    assert body["access_key_id"].startswith("STS.")
    expiration = parse_rfc3339_z(body["expiration"])
    assert before + timedelta(seconds=3599) <= expiration <= datetime.now(UTC) + timedelta(seconds=3601)

    deps = live.runtime.deps
    with deps.uow(write=False) as uow:
        key = authentication.load_caller(uow, body["access_key_id"], nonce="", nonce_since_ms=0).key
        principal = authentication.resolve_principal(
            uow, key=key, security_token=body["security_token"], box=deps.box, clock=FixedClock(at_ms(0))
        )
    assert key.secret == body["access_key_secret"]
    assert principal.arn == f"acs:ram::{aid}:assumed-role/Ops/alice"
    assert principal.principal_id == role["role_id"]


def test_assume_role_duration_and_emulator_clock(live: Any, account: dict[str, Any]) -> None:
    role = _role(live, account["account_id"], "Ops")
    assert live.control("POST", "/clock", json={"offset_seconds": 86400}).status_code == 200
    response = _assume(live, role_arn=role["arn"], session_name="s-1", duration_seconds=900)
    assert response.status_code == 201, response.text
    expected = datetime.now(UTC) + timedelta(seconds=86400 + 900)
    assert abs((parse_rfc3339_z(response.json()["expiration"]) - expected).total_seconds()) < 30


def test_assume_role_arn_role_name_is_case_insensitive(live: Any, account: dict[str, Any]) -> None:
    _role(live, account["account_id"], "OpsAdmin")
    response = _assume(live, role_arn=f"acs:ram::{account['account_id']}:role/opsadmin", session_name="s1")
    assert response.status_code == 201, response.text


@pytest.mark.parametrize(
    "body",
    [
        {"session_name": "alice"},
        {"role_arn": "ROLE", "session_name": "alice"},
        {"role_arn": "acs:ram::123:role/Ops", "session_name": "alice"},
        {"role_arn": "acs:ram::{aid}:user/Ops", "session_name": "alice"},
        {"role_arn": "acs:ram::{aid}:role/", "session_name": "alice"},
        {"role_arn": "acs:ram::{aid}:role/Ops"},
        {"role_arn": "acs:ram::{aid}:role/Ops", "session_name": "a"},
        {"role_arn": "acs:ram::{aid}:role/Ops", "session_name": "has space"},
        {"role_arn": "acs:ram::{aid}:role/Ops", "session_name": "x" * 65},
        {"role_arn": "acs:ram::{aid}:role/Ops", "session_name": "alice", "duration_seconds": 899},
        {"role_arn": "acs:ram::{aid}:role/Ops", "session_name": "alice", "duration_seconds": 43201},
        {"role_arn": "acs:ram::{aid}:role/Ops", "session_name": "alice", "duration_seconds": "3600"},
        {"role_arn": "acs:ram::{aid}:role/Ops", "session_name": "alice", "duration_seconds": 3600.5},
        {"role_arn": "acs:ram::{aid}:role/Ops", "session_name": "alice", "duration_seconds": True},
        {"role_arn": 5, "session_name": "alice"},
    ],
)
def test_assume_role_invalid(live: Any, account: dict[str, Any], body: dict[str, Any]) -> None:
    _role(live, account["account_id"], "Ops")
    filled = {k: v.replace("{aid}", account["account_id"]) if isinstance(v, str) else v for k, v in body.items()}
    assert_error(_assume(live, **filled), 400, "invalid")


def test_assume_role_duration_bounds_are_inclusive(live: Any, account: dict[str, Any]) -> None:
    role = _role(live, account["account_id"], "Ops")
    for duration in (900, 3600, 3600.0):  # a whole number written with a fraction counts as one
        response = _assume(live, role_arn=role["arn"], session_name="alice", duration_seconds=duration)
        assert response.status_code == 201, response.text
    # The upper bound is the role's MaxSessionDuration: 3600 s for a role the control API makes.
    assert_error(_assume(live, role_arn=role["arn"], session_name="alice", duration_seconds=3601), 400, "invalid")


def test_assume_unknown_role(live: Any, account: dict[str, Any]) -> None:
    _role(live, account["account_id"], "Ops")
    arn = f"acs:ram::{account['account_id']}:role/Other"
    assert_error(_assume(live, role_arn=arn, session_name="alice"), 404, "not_found")
    assert_error(_assume(live, role_arn="acs:ram::1234567890123456:role/Ops", session_name="alice"), 404, "not_found")


# ------------------------------------------------------------------------------------------------ names
@pytest.mark.parametrize("what", ["ram-user", "ram-role", "session_name", "role_arn"])
def test_names_with_a_trailing_newline_are_refused(live: Any, account: dict[str, Any], what: str) -> None:
    """``re.match`` with ``$`` accepts "name\\n": user/role names, session names and ARNs must not."""
    aid = account["account_id"]
    if what == "ram-user":
        response = live.control("POST", _users(live, aid), json={"name": "dev\n"})
    elif what == "ram-role":
        response = live.control("POST", _roles(live, aid), json={"name": "Ops\n"})
    else:
        role = _role(live, aid, "Ops")
        body = {"role_arn": role["arn"], "session_name": "alice"}
        body[what] = body[what] + "\n"
        response = _assume(live, **body)
    assert_error(response, 400, "invalid")


# ------------------------------------------------------------------------------------------------ AccessKeys
def test_disable_access_key(live: Any, account: dict[str, Any]) -> None:
    response = live.control("POST", f"/access-keys/{account['access_key_id']}/disable")
    assert response.status_code == 204
    assert response.content == b""
    with live.runtime.deps.uow(write=False) as uow:
        assert uow.identity.get_access_key(account["access_key_id"]).status is AccessKeyStatus.INACTIVE
        with pytest.raises(errors.InvalidAccessKeyIdInactive):
            authentication.load_caller(uow, account["access_key_id"], nonce="", nonce_since_ms=0)
    # disabling again is harmless
    assert live.control("POST", f"/access-keys/{account['access_key_id']}/disable").status_code == 204


def test_disable_only_touches_that_key(live: Any, account: dict[str, Any]) -> None:
    other = live.make_account()
    assert live.control("POST", f"/access-keys/{account['access_key_id']}/disable").status_code == 204
    with live.runtime.deps.uow(write=False) as uow:
        assert (
            authentication.load_caller(uow, other["access_key_id"], nonce="", nonce_since_ms=0).key.status
            is AccessKeyStatus.ACTIVE
        )


def test_disable_unknown_access_key(live: Any) -> None:
    assert_error(live.control("POST", "/access-keys/LTAInothere/disable"), 404, "not_found")


def at_ms(moment_ms: int) -> datetime:
    return datetime.fromtimestamp(moment_ms / 1000, UTC)
