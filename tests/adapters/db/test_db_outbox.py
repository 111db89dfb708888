"""The SMS outbox on both stores: a pass leases what is due, soonest first, up to its size, in one statement;
a pass's deliveries are marked sent together; on PostgreSQL two dispatchers claiming at once split the backlog."""

from __future__ import annotations

import pytest

from openrd.adapters.db.uow import SqlUnitOfWorkFactory
from openrd.domain.sms import SmsStatus
from openrd.services.ports import UnitOfWork
from support.db import held_open

NOW = 1_000_000


def queue(uow: SqlUnitOfWorkFactory, count: int, *, due_ms: int = NOW) -> list[str]:
    """``count`` messages, the later-numbered ones due sooner; their ids in the order they fall due."""
    ids = [f"m{n:03d}" for n in range(count)]
    with uow() as w:
        for n, message_id in enumerate(ids):
            w.outbox.add(
                message_id=message_id, purpose="BindSecureMobilePhone", account_id="1000000000000001",
                phone=f"86-139000{n:05d}", language="en", text=f"code {n}", code=f"{n:06d}", now_ms=NOW,
                due_ms=due_ms - n,
            )  # fmt: skip
    return list(reversed(ids))


def test_a_pass_leases_the_soonest_due_up_to_its_size(uow: SqlUnitOfWorkFactory) -> None:
    in_due_order = queue(uow, 5)
    with uow() as w:
        first = w.outbox.claim_due(now_ms=NOW, lease_ms=60_000, limit=3)
        second = w.outbox.claim_due(now_ms=NOW, lease_ms=60_000, limit=3)  # the leased ones are not due
        later = w.outbox.claim_due(now_ms=NOW + 60_001, lease_ms=60_000, limit=10)  # leases ran out

    assert [m.message_id for m in first] == in_due_order[:3]
    assert [m.message_id for m in second] == in_due_order[3:]
    assert {m.attempts for m in [*first, *second]} == {1}
    assert [(m.text, m.code) for m in first[:1]] == [("code 4", "000004")]
    assert [m.message_id for m in later] == in_due_order
    assert {m.attempts for m in later} == {2}


@pytest.mark.parametrize("keep_text", [True, False])
def test_a_pass_marks_its_deliveries_sent_together(uow: SqlUnitOfWorkFactory, keep_text: bool) -> None:
    in_due_order = queue(uow, 4)
    with uow() as w:
        claimed = w.outbox.claim_due(now_ms=NOW, lease_ms=60_000, limit=10)
        w.outbox.mark_sent([m.message_id for m in claimed[:3]], now_ms=NOW + 5, keep_text=keep_text)
        w.outbox.mark_sent([], now_ms=NOW + 5, keep_text=keep_text)  # a pass with no delivery
    with uow(write=False) as r:
        found = {message_id: r.outbox.get(message_id) for message_id in in_due_order}

    for message_id in in_due_order[:3]:
        message = found[message_id]
        assert message is not None
        assert (message.status, message.sent_ms, message.last_error) == (SmsStatus.SENT, NOW + 5, None)
        assert (message.text is not None) is keep_text
        assert (message.code is not None) is keep_text
    untouched = found[in_due_order[3]]
    assert untouched is not None
    assert (untouched.status, untouched.sent_ms, untouched.text) == (SmsStatus.PENDING, None, "code 0")


def test_two_dispatchers_claiming_at_once_split_the_backlog_on_postgresql(pg_uow: SqlUnitOfWorkFactory) -> None:
    in_due_order = queue(pg_uow, 6)

    def lease_three(unit: UnitOfWork) -> list[str]:
        return [m.message_id for m in unit.outbox.claim_due(now_ms=NOW, lease_ms=60_000, limit=3)]

    # The first dispatcher's transaction stays open; the second does not wait for it: it skips the rows held.
    with held_open(pg_uow, lease_three) as claimed_first, pg_uow() as w:
        claimed_second = [m.message_id for m in w.outbox.claim_due(now_ms=NOW, lease_ms=60_000, limit=10)]

    assert claimed_first == in_due_order[:3]
    assert claimed_second == in_due_order[3:]
