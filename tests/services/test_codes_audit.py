"""The audit row of a change commits with the change (docs/behaviour.md#audit-trail): one row per call, keyed by its
RequestId; a wrong code that counts as an attempt is recorded as a failure in that same transaction; and when the audit
row cannot be written the change is rolled back with it — never a change without its record."""

from __future__ import annotations

import sqlite3
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from alibabacloud_tea_openapi.exceptions import AlibabaCloudException

from support.codes import Servers, make_directory, phone_for


def audit_rows(db: Path) -> list[tuple[str, str, str, str | None]]:
    with sqlite3.connect(db) as conn:
        return list(conn.execute("SELECT request_id, action, result, error_code FROM audit_events ORDER BY id"))


def failing(call: Any) -> AlibabaCloudException:
    with pytest.raises(AlibabaCloudException) as caught:
        call()
    return caught.value


def request_id_of(answer: Any) -> str:
    return str(answer.body.request_id)


def stamps(db: Path, request_id: str, account_id: str) -> tuple[int, int]:
    """(the audit row's time, the issued code's time) of a send."""
    with sqlite3.connect(db) as conn:
        (audit_ms,) = conn.execute("SELECT time_ms FROM audit_events WHERE request_id = ?", (request_id,)).fetchone()
        (issued_ms,) = conn.execute(
            "SELECT issued_ms FROM verification_codes WHERE account_id = ?", (account_id,)
        ).fetchone()
    return int(audit_ms), int(issued_ms)


def test_success_and_counted_wrong_attempt_each_write_one_row(servers: Servers) -> None:
    live, api = servers.start(servers.env())
    db = Path(live.runtime.deps.settings.database_url.removeprefix("sqlite:///"))
    world = make_directory(api, 1)
    member, phone = world.members[0], phone_for(0)
    sent = api.send_bind(world.user, member, phone)
    code = api.latest(phone)["code"]
    wrong = "0" * 6 if code != "0" * 6 else "1" * 6

    refused = failing(lambda: api.bind(world.user, member, phone, wrong))
    assert (refused.status_code, refused.code) == (409, "Invalid.VerificationCode")
    bound = api.bind(world.user, member, phone, code)

    rows = {r[0]: r[1:] for r in audit_rows(db)}
    assert rows[request_id_of(sent)] == ("SendVerificationCodeForBindSecureMobilePhone", "success", None)
    assert rows[refused.request_id] == ("BindSecureMobilePhone", "failure", "Invalid.VerificationCode")
    assert rows[request_id_of(bound)] == ("BindSecureMobilePhone", "success", None)
    assert len(audit_rows(db)) == len(rows)  # one row per call
    # The wrong attempt was committed with its failure row: the code remembers it.
    with sqlite3.connect(db) as conn:
        attempts = conn.execute(
            "SELECT attempts FROM verification_codes WHERE purpose = 'BindSecureMobilePhone' AND account_id = ?",
            (member,),
        ).fetchall()
    assert attempts == [(1,)]


def test_a_change_whose_audit_row_cannot_be_written_is_rolled_back(servers: Servers) -> None:
    live, api = servers.start(servers.env())
    db = Path(live.runtime.deps.settings.database_url.removeprefix("sqlite:///"))
    world = make_directory(api, 1)
    member, phone = world.members[0], phone_for(0)
    api.send_bind(world.user, member, phone)
    code = api.latest(phone)["code"]
    before = audit_rows(db)

    with sqlite3.connect(db) as conn:  # the audit trail is gone: every write to it fails
        conn.execute("ALTER TABLE audit_events RENAME TO audit_events_away")
    broken = failing(lambda: api.bind(world.user, member, phone, code))
    assert (broken.status_code, broken.code) == (500, "InternalError")
    assert api.get_account(member)["secure_mobile_phone"] is None

    with sqlite3.connect(db) as conn:
        conn.execute("ALTER TABLE audit_events_away RENAME TO audit_events")
    assert audit_rows(db) == before
    bound = api.bind(world.user, member, phone, code)  # the code was not spent by the rolled-back call
    assert api.get_account(member)["secure_mobile_phone"] == phone
    assert audit_rows(db)[-1][:3] == (request_id_of(bound), "BindSecureMobilePhone", "success")


def test_audit_trail_lists_the_settled_failure(servers: Servers) -> None:
    _, api = servers.start(servers.env())
    world = make_directory(api, 1)
    member, phone = world.members[0], phone_for(0)
    api.send_bind(world.user, member, phone)
    wrong = "1" * 6 if api.latest(phone)["code"] != "1" * 6 else "2" * 6
    refused = failing(lambda: api.bind(world.user, member, phone, wrong))
    trail = api.audit(account_id=world.master.account_id, action="BindSecureMobilePhone")
    events = [e for e in trail if e["request_id"] == refused.request_id]
    assert len(events) == 1
    assert (events[0]["result"], events[0]["error_code"]) == ("failure", "Invalid.VerificationCode")


def test_one_call_stamps_one_instant(servers: Servers) -> None:
    """A call reads the business clock once: with a clock that moves a second at every reading, the code a send
    issues and the audit row of that send still carry the same time."""
    live, api = servers.start(servers.env())
    db = Path(live.runtime.deps.settings.database_url.removeprefix("sqlite:///"))
    world = make_directory(api, 1)
    clock: Any = live.runtime.deps.clock  # the emulator clock, its private readings replaced
    readings = iter(range(1, 10_000))
    real_base = clock._base
    clock._base = lambda: real_base() + timedelta(seconds=next(readings))  # every reading a second later
    try:
        sent = api.send_bind(world.user, world.members[0], phone_for(1))
    finally:
        clock._base = real_base
    audit_ms, issued_ms = stamps(db, request_id_of(sent), world.members[0])
    assert audit_ms == issued_ms


def test_a_call_takes_the_clock_offset_from_its_caller_lookup(servers: Servers) -> None:
    """The emulator clock's offset comes with the caller lookup (in the call's own transaction): a send reads it
    no second time, and the code it issues carries the offset set a moment before."""
    live, api = servers.start(servers.env())
    db = Path(live.runtime.deps.settings.database_url.removeprefix("sqlite:///"))
    world = make_directory(api, 1)
    api.clock(offset_seconds=86_400)  # a day ahead
    clock: Any = live.runtime.deps.clock  # the emulator clock, its private readings replaced
    reads: list[int] = []
    real_read = clock._read_offset

    def counted() -> int:
        reads.append(1)
        return int(real_read())

    clock._read_offset = counted
    try:
        sent = api.send_bind(world.user, world.members[0], phone_for(2))
    finally:
        clock._read_offset = real_read
    audit_ms, issued_ms = stamps(db, request_id_of(sent), world.members[0])
    assert reads == []
    ahead_ms = issued_ms - time.time() * 1000
    assert 86_400_000 - 60_000 < ahead_ms <= 86_400_000 + 1_000
    assert audit_ms == issued_ms
