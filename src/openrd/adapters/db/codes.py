"""Repositories for verification codes, code sends and the SMS outbox."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, and_, bindparam, case, delete, func, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from openrd.adapters.db import tables as t
from openrd.adapters.db.prepared import Prepared
from openrd.adapters.db.rows import record_from_row
from openrd.domain.sms import SmsRecord, SmsStatus
from openrd.domain.verification import CodeStatus, StoredCode
from openrd.services.ports import SecretBox


def dialect_insert(conn: Connection, table: Any) -> Any:
    return (postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert)(table)


def _values(table: Any, *skip: str) -> dict[str, Any]:
    return {c.name: bindparam(c.name) for c in table.columns if c.name not in skip}


# Hot-path statements (every send runs them) are built once and run through the driver (prepared.py).
_LOCK_INSERT = postgresql.insert(t.rate_locks).values(lock_key=bindparam("key"))
# ON CONFLICT DO UPDATE takes the row lock of an existing row as SELECT … FOR UPDATE would: one round trip, not two.
_LOCK = Prepared(
    _LOCK_INSERT.on_conflict_do_update(index_elements=["lock_key"], set_={"lock_key": _LOCK_INSERT.excluded.lock_key})
)
_s, _c = t.code_sends, t.verification_codes
_PHONE_SENDS = Prepared(
    select(_s.c.sent_ms).where(and_(_s.c.phone == bindparam("phone"), _s.c.sent_ms > bindparam("since")))
)
_q = t.code_quota
_QUOTA_USED = Prepared(
    select(_q.c.sent).where(and_(_q.c.quota_account_id == bindparam("account"), _q.c.quota_day == bindparam("day")))
)
_RECORD_SEND = Prepared(insert(_s).values(_values(_s, "id")))
_VOID_ACTIVE = Prepared(
    update(_c)
    .where(
        and_(
            _c.c.purpose == bindparam("purpose"),
            _c.c.account_id == bindparam("account"),
            _c.c.phone == bindparam("phone"),
        ),
        _c.c.status == CodeStatus.ACTIVE.value,
    )
    .values(status=CodeStatus.VOID.value)
)
_ADD_CODE = Prepared(insert(_c).values(_values(_c)))
# Every bind and enable runs these two. FOR UPDATE: PostgreSQL locks the row; SQLite's compiler leaves it out
# (its IMMEDIATE transaction already holds the write lock).
_NEWEST_ACTIVE = Prepared(
    select(_c.c.code_id, _c.c.code_hash, _c.c.status, _c.c.attempts, _c.c.expires_ms)
    .where(
        and_(_c.c.purpose == bindparam("purpose"), _c.c.account_id == bindparam("account"),
             _c.c.phone == bindparam("phone")),
        _c.c.status == CodeStatus.ACTIVE.value,
    )
    .order_by(_c.c.issued_ms.desc())
    .limit(1)
    .with_for_update()
)  # fmt: skip
_CONSUME = Prepared(
    update(_c)
    .where(_c.c.code_id == bindparam("id"), _c.c.status == CodeStatus.ACTIVE.value)
    .values(status=CodeStatus.USED.value)
)
_SMS_COLUMNS = [c.name for c in t.sms_outbox.columns]
_ADD_SMS = Prepared(insert(t.sms_outbox).values(_values(t.sms_outbox)))
# Each dispatcher pass runs these two, prepared: through SQLAlchemy, with the pass's message ids in an expanding
# IN, they were much of the dispatcher's time under a send load (docs/architecture.md#compiled-statements).
_o = t.sms_outbox
_DUE = (
    select(_o.c.message_id)
    .where(
        or_(_o.c.status == SmsStatus.PENDING.value, _o.c.status == SmsStatus.FAILED.value),
        _o.c.next_attempt_ms <= bindparam("now"),
        or_(_o.c.lease_until_ms.is_(None), _o.c.lease_until_ms < bindparam("now")),
    )
    .order_by(_o.c.next_attempt_ms)
    .limit(bindparam("limit"))
    .with_for_update(skip_locked=True)  # PostgreSQL; SQLite's compiler leaves it out (one writer at a time)
)
# One statement leases and returns the pass (it was three: select, lease, read back).
_CLAIM_DUE = Prepared(
    update(_o)
    .where(_o.c.message_id.in_(_DUE.scalar_subquery()))
    .values(lease_until_ms=bindparam("until"), attempts=_o.c.attempts + 1)
    .returning(*_o.c)
)
_SENT: dict[str, Any] = {
    "status": SmsStatus.SENT.value,
    "lease_until_ms": None,
    "last_error": None,
    "sent_ms": bindparam("sent"),
}
_FORGET_TEXT = {"body_ciphertext": None, "code_ciphertext": None}  # the inbox keeps them to show; others forget
_MARK_SENT = {
    keep_text: Prepared(
        update(_o).where(_o.c.message_id == bindparam("id")).values(_SENT | ({} if keep_text else _FORGET_TEXT))
    )
    for keep_text in (True, False)
}


RATE_LOCKS_PURGED_AT_ONCE = 100_000  # per maintenance run: bounds its transaction; the next run takes the rest


def lock_key(conn: Connection, key: str) -> None:
    """Serialise writers on ``key`` until the transaction ends: a row lock on PostgreSQL. On SQLite every write
    transaction is IMMEDIATE, so it already holds the database's write lock: nothing to do. Keys are hashed to fit
    the column whatever their length (a management account name can be 71 characters)."""
    if conn.dialect.name == "postgresql":
        _LOCK.execute(conn, {"key": hashlib.sha256(key.encode()).hexdigest()})


@functools.cache
def _take_quota(dialect: str) -> Prepared:
    """Count one send against the day's quota unless it is used up, in one atomic statement: the first send of the
    day inserts the row, later ones add one while ``sent`` is under the limit. No row back: the quota is used up.
    On PostgreSQL the statement locks the row to the commit, so the account's concurrent sends count one by one."""
    stmt = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(_q).values(
        quota_account_id=bindparam("account"), quota_day=bindparam("day"), sent=1, last_ms=bindparam("now")
    )
    return Prepared(
        stmt.on_conflict_do_update(
            index_elements=[_q.c.quota_account_id, _q.c.quota_day],
            set_={"sent": _q.c.sent + 1, "last_ms": stmt.excluded.last_ms},
            where=_q.c.sent < bindparam("limit"),
        ).returning(_q.c.sent)
    )


class SqlCodeRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def lock(self, key: str) -> None:
        lock_key(self.conn, key)

    def phone_sends_since(self, phone: str, since_ms: int) -> list[int]:
        return [row.sent_ms for row in _PHONE_SENDS.all(self.conn, {"phone": phone, "since": since_ms})]

    def quota_used(self, quota_account_id: str, day: str) -> int:
        row = _QUOTA_USED.first(self.conn, {"account": quota_account_id, "day": day})
        return 0 if row is None else int(row.sent)

    def take_quota(self, quota_account_id: str, day: str, *, limit: int, now_ms: int) -> bool:
        params = {"account": quota_account_id, "day": day, "now": now_ms, "limit": limit}
        return _take_quota(self.conn.dialect.name).first(self.conn, params) is not None

    def record_send(self, *, quota_account_id: str, day: str, phone: str, sent_ms: int) -> None:
        values = {"quota_account_id": quota_account_id, "quota_day": day, "phone": phone, "sent_ms": sent_ms}
        _RECORD_SEND.execute(self.conn, values)

    def void_active(self, *, purpose: str, account_id: str, phone: str) -> None:
        _VOID_ACTIVE.execute(self.conn, {"purpose": purpose, "account": account_id, "phone": phone})

    def add(
        self,
        *,
        code_id: str,
        purpose: str,
        account_id: str,
        phone: str,
        code_hash: str,
        issued_ms: int,
        expires_ms: int,
    ) -> None:
        _ADD_CODE.execute(
            self.conn,
            {
                "code_id": code_id,
                "purpose": purpose,
                "account_id": account_id,
                "phone": phone,
                "code_hash": code_hash,
                "status": CodeStatus.ACTIVE.value,
                "attempts": 0,
                "issued_ms": issued_ms,
                "expires_ms": expires_ms,
            },
        )

    def newest_active(self, *, purpose: str, account_id: str, phone: str) -> StoredCode | None:
        row = _NEWEST_ACTIVE.first(self.conn, {"purpose": purpose, "account": account_id, "phone": phone})
        return StoredCode(row.code_id, row.code_hash, row.status, row.attempts, row.expires_ms) if row else None

    def consume(self, code_id: str) -> bool:
        """Mark used; False if another transaction consumed or voided it first (single use under concurrency)."""
        return _CONSUME.rowcount(self.conn, {"id": code_id}) == 1

    def record_wrong_attempt(self, code_id: str, max_attempts: int) -> None:
        c = t.verification_codes
        self.conn.execute(
            update(c)
            .where(and_(c.c.code_id == code_id, c.c.status == CodeStatus.ACTIVE.value))
            .values(
                attempts=c.c.attempts + 1,
                status=case((c.c.attempts + 1 >= max_attempts, CodeStatus.VOID.value), else_=CodeStatus.ACTIVE.value),
            )
        )

    def purge(self, *, codes_before_ms: int, sends_before_ms: int) -> int:
        """Drop codes that can no longer be used and sends no limit looks at any more."""
        c, s = t.verification_codes, t.code_sends
        removed = self.conn.execute(
            delete(c).where(or_(c.c.expires_ms < codes_before_ms, c.c.status != CodeStatus.ACTIVE.value))
        ).rowcount
        removed += self.conn.execute(delete(s).where(s.c.sent_ms < sends_before_ms)).rowcount
        # A day's count goes with its last send (the sends it counted are older still).
        self.conn.execute(delete(_q).where(_q.c.last_ms < sends_before_ms))
        if self.conn.dialect.name == "postgresql":
            # Lock rows (lock_key) only anchor row locks: one per phone and directory ever locked would pile up.
            # A row nobody holds can go (the next lock_key inserts it again); SKIP LOCKED leaves held ones alone.
            r = t.rate_locks
            unheld = select(r.c.lock_key).limit(RATE_LOCKS_PURGED_AT_ONCE).with_for_update(skip_locked=True)
            self.conn.execute(delete(r).where(r.c.lock_key.in_(unheld)))
        return int(removed)


class SqlOutboxRepository:
    def __init__(self, conn: Connection, box: SecretBox) -> None:
        self.conn = conn
        self.box = box

    def add(
        self,
        *,
        message_id: str,
        purpose: str,
        account_id: str,
        phone: str,
        language: str,
        text: str,
        code: str | None,
        now_ms: int,
        due_ms: int,
    ) -> None:
        values = dict.fromkeys(_SMS_COLUMNS) | {
            "message_id": message_id,
            "purpose": purpose,
            "account_id": account_id,
            "phone": phone,
            "language": language,
            "body_ciphertext": self.box.encrypt(text),
            "code_ciphertext": self.box.encrypt(code) if code else None,
            "status": SmsStatus.PENDING.value,
            "attempts": 0,
            "next_attempt_ms": due_ms,
            "created_ms": now_ms,
        }
        _ADD_SMS.execute(self.conn, values)

    def _record(self, row: Any) -> SmsRecord:
        return record_from_row(
            SmsRecord,
            row,
            text=self.box.decrypt(row.body_ciphertext) if row.body_ciphertext else None,
            code=self.box.decrypt(row.code_ciphertext) if row.code_ciphertext else None,
            status=SmsStatus(row.status),
        )

    def get(self, message_id: str) -> SmsRecord | None:
        row = self.conn.execute(select(t.sms_outbox).where(t.sms_outbox.c.message_id == message_id)).first()
        return self._record(row) if row else None

    def list(self, *, phone: str | None, status: str | None, limit: int) -> Sequence[SmsRecord]:
        o = t.sms_outbox
        query = select(o).order_by(o.c.created_ms.desc(), o.c.message_id.desc()).limit(limit)
        if phone is not None:
            query = query.where(o.c.phone == phone)
        if status is not None:
            query = query.where(o.c.status == status)
        return [self._record(row) for row in self.conn.execute(query)]

    def claim_due(self, *, now_ms: int, lease_ms: int, limit: int) -> Sequence[SmsRecord]:
        """Lease due messages to this worker; SKIP LOCKED lets several processes share the backlog."""
        params = {"now": now_ms, "until": now_ms + lease_ms, "limit": limit}
        leased = _CLAIM_DUE.all(self.conn, params)
        return [self._record(row) for row in sorted(leased, key=lambda r: (r.next_attempt_ms, r.message_id))]

    def mark_sent(self, message_ids: Sequence[str], *, now_ms: int, keep_text: bool) -> None:
        if message_ids:
            _MARK_SENT[keep_text].execute_many(self.conn, [{"id": m, "sent": now_ms} for m in message_ids])

    def mark_failed(self, message_id: str, *, error: str, next_attempt_ms: int, dead: bool) -> None:
        o = t.sms_outbox
        values: dict[str, Any] = {
            "status": (SmsStatus.DEAD if dead else SmsStatus.FAILED).value,
            "last_error": error[:500],
            "next_attempt_ms": next_attempt_ms,
            "lease_until_ms": None,
        }
        self.conn.execute(update(o).where(o.c.message_id == message_id).values(**values))

    def requeue(self, message_id: str, *, now_ms: int) -> bool:
        """An operator's retry of a dead message: attempts start over."""
        o = t.sms_outbox
        result = self.conn.execute(
            update(o)
            .where(and_(o.c.message_id == message_id, o.c.status == SmsStatus.DEAD.value))
            .values(status=SmsStatus.PENDING.value, attempts=0, next_attempt_ms=now_ms, lease_until_ms=None)
        )
        return result.rowcount == 1

    def counts_by_status(self) -> dict[str, int]:
        o = t.sms_outbox
        rows = self.conn.execute(select(o.c.status, func.count()).group_by(o.c.status))
        return {row[0]: int(row[1]) for row in rows}
