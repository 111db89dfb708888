"""The code engine on a real SQLite store: what is kept at rest, what counts toward the limits, configuration,
and the purge (docs/behaviour.md#verification-codes)."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from openrd import errors
from openrd.adapters.db import tables as t
from openrd.adapters.db.uow import SqlUnitOfWork
from openrd.adapters.rng import SystemRandomSource
from openrd.bootstrap import Runtime, build_runtime
from openrd.config import load_settings
from openrd.domain.sites import BUILTIN_SITES
from openrd.domain.times import epoch_ms
from openrd.domain.verification import Purpose
from openrd.services import verification
from support.codes import store_env

NOW = datetime(2024, 5, 1, 4, 0, tzinfo=UTC)


@pytest.fixture
def runtime(tmp_path: Path) -> Iterator[Runtime]:
    rt = build_runtime(load_settings(store_env(tmp_path)))
    yield rt
    rt.close()


def account() -> str:
    return f"{secrets.randbelow(10**15) + 10**15:016d}"


def send(rt: Runtime, *, at: datetime = NOW, phone: str = "86-13900000001", **kw: Any) -> tuple[Any, str]:
    """Issue a code; returns (IssuedCode, the code read back from the outbox)."""
    deps = rt.deps
    acct = kw.pop("account_id", None) or account()
    with deps.uow() as uow:
        issued = verification.issue_code(
            uow,
            policy=kw.pop("policy", deps.code_policy),
            rng=deps.rng,
            box=deps.box,
            now=at,
            purpose=kw.pop("purpose", Purpose.ENABLE_RD),
            account_id=acct,
            quota_account_id=kw.pop("quota_account_id", acct),
            quota_site=BUILTIN_SITES["cn"],
            phone=phone,
            language="zh",
        )
    with deps.uow(write=False) as uow:
        message = uow.outbox.get(issued.message_id)
    assert message is not None
    assert message.code is not None
    return issued, message.code


def check(rt: Runtime, code: str, *, account_id: str, at: datetime = NOW, phone: str = "86-13900000001") -> bool:
    with rt.deps.uow() as uow:
        return verification.check_code(
            uow,
            policy=rt.deps.code_policy,
            box=rt.deps.box,
            now=at,
            purpose=Purpose.ENABLE_RD,
            account_id=account_id,
            phone=phone,
            code=code,
        )


def rows(rt: Runtime, table: Any) -> list[Any]:
    with rt.deps.uow(write=False) as uow:
        assert isinstance(uow, SqlUnitOfWork)
        return list(uow.connection.execute(select(table)))


def test_codes_come_from_the_csprng_by_default(runtime: Runtime) -> None:
    assert isinstance(runtime.deps.rng, SystemRandomSource)
    codes = {send(runtime, phone=f"86-139000000{i:02d}")[1] for i in range(30)}
    assert len(codes) >= 29  # 30 draws of 10^6: a repeat is a one-in-two-thousand event
    assert all(len(c) == 6 and c.isdigit() for c in codes)


def test_only_a_keyed_hash_is_kept_and_the_sms_is_encrypted(runtime: Runtime) -> None:
    acct = account()
    issued, code = send(runtime, account_id=acct)
    (stored,) = rows(runtime, t.verification_codes)
    assert code not in repr(tuple(stored))
    assert stored.code_hash == verification.code_hash(
        runtime.deps.box, purpose="EnableRD", account_id=acct, phone="86-13900000001", code=code
    )
    # The hash binds the code to its key: the same code for another purpose, account or phone hashes apart.
    others = {
        verification.code_hash(runtime.deps.box, purpose=p, account_id=a, phone=ph, code=code)
        for p, a, ph in [
            ("BindSecureMobilePhone", acct, "86-13900000001"),
            ("EnableRD", account(), "86-13900000001"),
            ("EnableRD", acct, "86-13900000002"),
        ]
    }
    assert stored.code_hash not in others
    (message,) = rows(runtime, t.sms_outbox)
    assert message.message_id == issued.message_id
    assert code not in repr(tuple(message))  # body and code are ciphertext at rest


def test_expiry_is_issue_time_plus_validity(runtime: Runtime) -> None:
    acct = account()
    issued, code = send(runtime, account_id=acct)
    assert issued.expires_ms == epoch_ms(NOW) + 300_000
    assert not check(runtime, code, account_id=acct, at=NOW + timedelta(seconds=300))
    assert check(runtime, code, account_id=acct, at=NOW + timedelta(seconds=299, microseconds=999_000))


def test_length_and_validity_are_configurable(tmp_path: Path) -> None:
    env = store_env(tmp_path, OPENRD_CODE_LENGTH="8", OPENRD_CODE_TTL_SECONDS="120")
    rt = build_runtime(load_settings(env))
    try:
        acct = account()
        issued, code = send(rt, account_id=acct)
        assert len(code) == 8
        assert code.isdigit()
        assert issued.expires_ms == epoch_ms(NOW) + 120_000
        with rt.deps.uow(write=False) as uow:
            message = uow.outbox.get(issued.message_id)
        assert message is not None
        assert message.text is not None
        assert "2分钟" in message.text
        assert not check(rt, code, account_id=acct, at=NOW + timedelta(seconds=121))
    finally:
        rt.close()


def test_throttled_and_refused_sends_do_not_use_the_quota(runtime: Runtime) -> None:
    acct, day = account(), "2024-05-01"
    send(runtime, account_id=acct)
    for _ in range(3):
        with pytest.raises(errors.ThrottlingUser):
            send(runtime, account_id=acct)
    with runtime.deps.uow(write=False) as uow:
        assert uow.codes.quota_used(acct, day) == 1
        assert len(uow.outbox.list(phone=None, status=None, limit=10)) == 1  # no SMS for a refused send


def test_the_phone_throttle_spans_accounts_and_purposes(runtime: Runtime) -> None:
    send(runtime)
    with pytest.raises(errors.ThrottlingUser) as caught:
        send(runtime, purpose=Purpose.BIND_SECURE_MOBILE_PHONE, at=NOW + timedelta(seconds=15))
    assert caught.value.retry_after == 45
    send(runtime, phone="86-13900000002", at=NOW + timedelta(seconds=15))  # another phone is free


def test_a_wrong_attempt_survives_the_rejection(runtime: Runtime) -> None:
    """check_code counts the attempt in the caller's transaction; the caller commits before raising."""
    acct = account()
    _issued, code = send(runtime, account_id=acct)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(4):
        assert not check(runtime, wrong, account_id=acct)
    (stored,) = rows(runtime, t.verification_codes)
    assert stored.attempts == 4
    assert stored.status == "active"
    assert check(runtime, code, account_id=acct)  # the fifth try is right: accepted
    assert not check(runtime, code, account_id=acct)  # and used


def test_garbage_codes_are_plain_rejections(runtime: Runtime) -> None:
    acct = account()
    _issued, code = send(runtime, account_id=acct)
    for given in ("", code + "0", code[:-1], " " + code, code.replace(code[0], "x"), "０" * 6):
        assert not check(runtime, given, account_id=acct)
    (stored,) = rows(runtime, t.verification_codes)
    assert stored.status == "void"  # six wrong tries: voided
    assert not check(runtime, code, account_id=acct)


def test_purge_forgets_dead_codes_and_old_sends_only(runtime: Runtime) -> None:
    live_acct, used_acct = account(), account()
    send(runtime, account_id=used_acct, phone="86-13900000001")
    _issued, used = send(runtime, account_id=used_acct, phone="86-13900000002", at=NOW + timedelta(seconds=1))
    assert check(runtime, used, account_id=used_acct, phone="86-13900000002", at=NOW + timedelta(seconds=2))
    later = NOW + timedelta(days=1)
    _issued, live = send(runtime, account_id=live_acct, phone="86-13900000003", at=later)
    with runtime.deps.uow() as uow:
        removed = verification.purge_expired(uow, now=later + timedelta(seconds=10), policy=runtime.deps.code_policy)
    # Gone: the expired code (phone 1) and the used one (phone 2). Kept: the live code, and every send (the
    # oldest is a day old; sends are kept two days for the 24 h window).
    assert removed == 2
    codes = rows(runtime, t.verification_codes)
    assert [c.phone for c in codes] == ["86-13900000003"]
    assert len(rows(runtime, t.code_sends)) == 3
    assert len(rows(runtime, t.code_quota)) == 2  # the quota counts of both accounts' days
    assert check(runtime, live, account_id=live_acct, phone="86-13900000003", at=later + timedelta(seconds=10))
    with runtime.deps.uow() as uow:
        verification.purge_expired(uow, now=NOW + timedelta(days=3, seconds=1), policy=runtime.deps.code_policy)
    assert rows(runtime, t.code_sends) == []
    assert rows(runtime, t.code_quota) == []
