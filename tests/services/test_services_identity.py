"""Identity use cases on a real SQLite unit of work: accounts, RAM users and roles, STS, AccessKeys."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from openrd import errors
from openrd.adapters.clock import FixedClock
from openrd.domain.identity import AccessKeyStatus, PrincipalKind
from openrd.services import authentication, identity
from openrd.services import errors as service_errors
from openrd.services.context import Deps

NOW = datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)


def at_now(deps: Deps) -> Deps:
    """The services read the emulator clock from ``deps``: here it stands at NOW."""
    return deps.evolve(clock=FixedClock(NOW))


def _account(deps: Deps, **fields: object) -> tuple[str, identity.Credentials]:
    fields.setdefault("display_name", "Acme")
    account, creds = identity.create_account(
        at_now(deps),
        **fields,  # type: ignore[arg-type]
    )
    return account.account_id, creds


def test_create_account_defaults_and_root_key(deps: Deps) -> None:
    account, creds = identity.create_account(at_now(deps), display_name="Acme")
    assert len(account.account_id) == 16
    assert account.account_id.isdigit()
    assert account.account_id[0] != "0"
    assert account.name == "Acme"  # login name defaults to the display name
    assert account.site == "intl"
    assert account.enterprise_verified is True
    assert account.secure_mobile_phone is None
    assert account.created_ms == int(NOW.timestamp() * 1000)
    assert creds.access_key_id.startswith("LTAI")

    with deps.uow(write=False) as uow:
        key = authentication.load_caller(uow, creds.access_key_id, nonce="", nonce_since_ms=0).key
        principal = authentication.resolve_principal(
            uow, key=key, security_token=None, box=deps.box, clock=FixedClock(at_ms(0))
        )
    assert key.secret == creds.access_key_secret
    assert key.account_id == account.account_id
    assert key.status is AccessKeyStatus.ACTIVE
    assert principal.kind is PrincipalKind.ROOT
    assert principal.arn == f"acs:ram::{account.account_id}:root"
    assert identity.view_account(deps, account_id=account.account_id).account == account


def test_create_account_keeps_given_fields(deps: Deps) -> None:
    account, _ = identity.create_account(
        at_now(deps),
        display_name="Acme CN",
        name="admin@acme.example",
        site="cn",
        secure_mobile_phone="86-13900001234",
        enterprise_name="Acme Ltd",
        enterprise_verified=False,
    )
    assert (account.name, account.site, account.secure_mobile_phone) == ("admin@acme.example", "cn", "86-13900001234")
    assert (account.enterprise_name, account.enterprise_verified) == ("Acme Ltd", False)


@pytest.mark.parametrize(
    "fields",
    [
        {"display_name": ""},
        {"display_name": "x" * 51},
        {"display_name": "ok", "name": "has space"},
        {"display_name": "ok", "site": "mars"},
        {"display_name": "ok", "secure_mobile_phone": "13900001234"},
        {"display_name": "ok", "secure_mobile_phone": "86-13900001234"},  # intl refuses 86
        {"display_name": "ok", "site": "cn", "secure_mobile_phone": "86-12345"},  # not a valid mobile
    ],
)
def test_create_account_rejects_bad_input_and_writes_nothing(deps: Deps, fields: dict[str, object]) -> None:
    with pytest.raises(service_errors.InvalidInput):
        identity.create_account(at_now(deps), **fields)  # type: ignore[arg-type]
    assert [view.account for view in identity.view_accounts(deps)] == []


def test_accounts_get_unknown_and_list(deps: Deps) -> None:
    with pytest.raises(service_errors.NotFound):
        identity.view_account(deps, account_id="1234567890123456")
    first, _ = _account(deps, display_name="First")
    second, _ = _account(deps, display_name="Second")
    listed = [view.account.account_id for view in identity.view_accounts(deps)]
    assert sorted(listed) == sorted([first, second])


def test_ram_user_key_and_policies(deps: Deps) -> None:
    account_id, _ = _account(deps)
    doc = {"Version": "1", "Statement": [{"Effect": "Deny", "Action": "resourcemanager:Delete*", "Resource": "*"}]}
    user, creds = identity.create_ram_user(
        deps, account_id=account_id, name="dev", policies=["AdministratorAccess", json.dumps(doc)]
    )
    with deps.uow(write=False) as uow:
        key = authentication.load_caller(uow, creds.access_key_id, nonce="", nonce_since_ms=0).key
        assert key.user_id == user.user_id
        assert key.secret == creds.access_key_secret
        rows = list(uow.identity.policies_of("user", user.user_id))
    assert rows[0] == ("AdministratorAccess", None)
    assert rows[1][0] is None
    assert '"Deny"' in (rows[1][1] or "")


def test_role_conflict_is_case_insensitive(deps: Deps) -> None:
    account_id, _ = _account(deps)
    identity.create_ram_role(deps, account_id=account_id, name="Ops")
    with pytest.raises(service_errors.Conflict):
        identity.create_ram_role(deps, account_id=account_id, name="OPS")


def test_assume_role_expiration_follows_the_given_now(deps: Deps) -> None:
    account_id, _ = _account(deps)
    identity.create_ram_role(deps, account_id=account_id, name="Ops")
    sts = identity.assume_role(
        at_now(deps),
        role_arn=f"acs:ram::{account_id}:role/ops",
        session_name="alice",
        duration_seconds=900,
    )
    assert sts.expiration == NOW + timedelta(seconds=900)
    assert sts.access_key_id.startswith("STS.")
    with deps.uow(write=False) as uow:
        key = authentication.load_caller(uow, sts.access_key_id, nonce="", nonce_since_ms=0).key
    assert key.is_sts
    assert key.secret == sts.access_key_secret


def test_assume_role_keeps_the_role_s_session_limit(deps: Deps) -> None:
    account_id, _ = _account(deps)
    identity.create_ram_role(deps, account_id=account_id, name="Ops")
    arn = f"acs:ram::{account_id}:role/Ops"
    with pytest.raises(service_errors.InvalidInput, match="MaxSessionDuration, 3600"):
        identity.assume_role(deps, role_arn=arn, session_name="alice", duration_seconds=3601)
    assert identity.assume_role(deps, role_arn=arn, session_name="alice", duration_seconds=3600).security_token


def test_disable_access_key(deps: Deps) -> None:
    _, creds = _account(deps)
    identity.disable_access_key(deps, access_key_id=creds.access_key_id)
    with deps.uow(write=False) as uow, pytest.raises(errors.InvalidAccessKeyIdInactive):
        authentication.load_caller(uow, creds.access_key_id, nonce="", nonce_since_ms=0)
    with pytest.raises(service_errors.NotFound):
        identity.disable_access_key(deps, access_key_id="LTAInothere")


def test_unknown_access_key(deps: Deps) -> None:
    with deps.uow(write=False) as uow, pytest.raises(errors.InvalidAccessKeyIdNotFound):
        authentication.load_caller(uow, "LTAInothere", nonce="", nonce_since_ms=0)


def test_patch_account_site_change_revalidates_the_phone(deps: Deps) -> None:
    account_id, _ = _account(deps, site="cn", secure_mobile_phone="86-13900001234")
    with pytest.raises(service_errors.InvalidInput):
        identity.patch_account(deps, account_id=account_id, site="intl")
    unchanged = identity.view_account(deps, account_id=account_id).account
    assert unchanged.site == "cn"
    moved = identity.patch_account(deps, account_id=account_id, site="intl", secure_mobile_phone=None)
    assert (moved.site, moved.secure_mobile_phone) == ("intl", None)


def at_ms(moment_ms: int) -> datetime:
    return datetime.fromtimestamp(moment_ms / 1000, UTC)
