"""Repositories over SQLAlchemy Core. Each is bound to the unit of work's connection."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Connection, and_, bindparam, case, delete, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from openrd.adapters.db import tables as t
from openrd.adapters.db.prepared import Prepared
from openrd.adapters.db.rows import record_from_row
from openrd.domain.accounts import Account
from openrd.domain.control_policies import Guardrail, Status
from openrd.domain.identity import AccessKey, AccessKeyStatus, Caller, RamRole, RamUser, StsSession
from openrd.services.emulator import CLOCK_OFFSET_KEY
from openrd.services.ports import SecretBox

# Hot-path statements are built once and run through the driver (prepared.py): every signed call runs them.
_k = t.access_keys
_ACCESS_KEY = Prepared(
    select(
        _k.c.access_key_id, _k.c.secret_ciphertext, _k.c.account_id, _k.c.status, _k.c.user_id, _k.c.session_id
    ).where(_k.c.access_key_id == bindparam("id"))
)
_ACCOUNT = Prepared(select(t.accounts).where(t.accounts.c.account_id == bindparam("id")))
_BIND_PHONE = Prepared(
    update(t.accounts)
    .where(t.accounts.c.account_id == bindparam("id"), t.accounts.c.secure_mobile_phone.is_(None))
    .values(secure_mobile_phone=bindparam("phone"))
)
_USER = Prepared(select(t.ram_users).where(t.ram_users.c.user_id == bindparam("id")))
# A principal's policies as (system policy name, None) or (None, the custom policy's default document).
_a, _rp, _rv = t.policy_attachments, t.ram_policies, t.ram_policy_versions
_SYSTEM_NAME = case((_a.c.policy_type == "System", _a.c.policy_name), else_=None).label("policy_name")
_WITH_DOCUMENTS = _a.outerjoin(
    _rp, and_(_a.c.policy_type == "Custom", _rp.c.account_id == _a.c.account_id, _rp.c.name == _a.c.policy_name)
).outerjoin(
    _rv, and_(_rv.c.account_id == _rp.c.account_id, _rv.c.policy_name == _rp.c.name,
              _rv.c.version == _rp.c.default_version)
)  # fmt: skip
_gmem = t.ram_group_members


def _attached_to_user(user_id: Any) -> Any:
    """A user's own attachments and those of the groups it is in: its effective policies (docs/policies.md)."""
    groups = select(_gmem.c.group_id).where(_gmem.c.user_id == user_id)
    return or_(
        and_(_a.c.principal_type == "user", _a.c.principal_id == user_id),
        and_(_a.c.principal_type == "group", _a.c.principal_id.in_(groups)),
    )


_POLICIES = Prepared(
    select(_SYSTEM_NAME, _rv.c.document)
    .select_from(_WITH_DOCUMENTS)
    .where(and_(_a.c.principal_type == bindparam("kind"), _a.c.principal_id == bindparam("id")))
    .order_by(_a.c.id)
)
_USER_POLICIES = Prepared(
    select(_SYSTEM_NAME, _rv.c.document).select_from(_WITH_DOCUMENTS).where(_attached_to_user(bindparam("id")))
    .order_by(_a.c.id)
)  # fmt: skip
# A signed call's first lookup: its key, the key's RAM user and whether its nonce was seen, in one statement (on
# PostgreSQL two round trips fewer per call than three lookups).
_n, _u, _e, _d = t.request_nonces, t.ram_users, t.emulator_state, t.resource_directories
# The caller's key, its RAM user, the user's policies (a row per policy: on PostgreSQL a second statement would be a
# second network round trip), whether the nonce was seen, and the emulator clock's offset (which a write call
# would otherwise read on a connection of its own, under a process-wide lock: adapters/db/clock_offset.py), and the
# directory the key's account manages (d_*), which a read's unit of work keeps for its directory repository, and
# where the account stands for control policies (g_*: its membership's directory and folder, PK lookups in the same
# statement), so a directory with them disabled costs a signed call no round trip (docs/guardrails.md#evaluation).
_gm, _gd, _gf = t.members.alias("gm"), t.resource_directories.alias("gd"), t.folders.alias("gf")
# An STS key's session and, while it exists, the session's role (s_*): then the policies are the role's, so a role
# session's call costs no more statements than a RAM user's (docs/sts.md#the-session).
_s, _sr = t.sts_sessions, t.ram_roles.alias("sr")


def _caller_lookup(sessions: bool) -> Prepared:
    """The lookup; ``sessions``: with the key's session and its role (s_*, live_role_id), which only an STS key has,
    so any other key's lookup joins and converts neither."""
    session_columns = [*[c.label(f"s_{c.name}") for c in _s.c], _sr.c.role_id.label("live_role_id")]
    held = _attached_to_user(_u.c.user_id)
    joined = _k.outerjoin(_u, _u.c.user_id == _k.c.user_id)
    if sessions:
        joined = joined.outerjoin(_s, _s.c.session_id == _k.c.session_id).outerjoin(_sr, _sr.c.role_id == _s.c.role_id)
        held = or_(held, and_(_a.c.principal_type == "role", _a.c.principal_id == _sr.c.role_id))
    return Prepared(
        select(
            _k.c.access_key_id, _k.c.secret_ciphertext, _k.c.account_id, _k.c.status, _k.c.user_id, _k.c.session_id,
            _u.c.user_id.label("found_user_id"), _u.c.account_id.label("user_account_id"),
            _u.c.name.label("user_name"),
            select(_n.c.seen_ms)
            .where(
                and_(_n.c.access_key_id == _k.c.access_key_id, _n.c.nonce == bindparam("nonce"),
                     _n.c.seen_ms >= bindparam("since")),
            )
            .scalar_subquery()
            .label("nonce_seen_ms"),
            _a.c.id.label("policy_id"), _SYSTEM_NAME, _rv.c.document,
            select(_e.c.value).where(_e.c.key == CLOCK_OFFSET_KEY).scalar_subquery().label("clock_offset"),
            *[c.label(f"d_{c.name}") for c in _d.c if c.name != "member_count"],
            _gd.c.control_policy_status.label("g_status"), _gd.c.control_policy_due_ms.label("g_due_ms"),
            _gd.c.master_account_id.label("g_master"), _gf.c.path.label("g_path"),
            *(session_columns if sessions else ()),
            # The account's membership and its folder, whole: a conditioned statement's acs:PrincipalRDPath reads
            # them (services/authentication.py request_context) without a lookup of its own.
            *[c.label(f"m_{c.name}") for c in _gm.c], *[c.label(f"f_{c.name}") for c in _gf.c],
        )
        .select_from(
            joined.outerjoin(_a, held)
            .outerjoin(_rp, and_(_a.c.policy_type == "Custom", _rp.c.account_id == _a.c.account_id,
                                 _rp.c.name == _a.c.policy_name))
            .outerjoin(_rv, and_(_rv.c.account_id == _rp.c.account_id, _rv.c.policy_name == _rp.c.name,
                                 _rv.c.version == _rp.c.default_version))
            .outerjoin(_d, _d.c.master_account_id == _k.c.account_id)  # unique: no more rows
            .outerjoin(_gm, _gm.c.account_id == _k.c.account_id)  # the primary key: one row at most
            .outerjoin(_gd, _gd.c.directory_id == _gm.c.directory_id)
            .outerjoin(_gf, _gf.c.folder_id == _gm.c.folder_id)
        )
        .where(_k.c.access_key_id == bindparam("id"))
    )  # fmt: skip


_CALLER, _STS_CALLER = _caller_lookup(sessions=False), _caller_lookup(sessions=True)


@functools.cache
def nonce_upsert(dialect: str) -> Prepared:
    """One atomic statement, so two processes that see the same nonce at once cannot both accept it: insert, or
    take over a row whose sighting has left the replay window. RETURNING, not rowcount: drivers report -1 for
    INSERT … ON CONFLICT (psycopg 3 under SQLAlchemy 2.1)."""
    n = t.request_nonces
    stmt = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(n).values(
        access_key_id=bindparam("ak"), nonce=bindparam("nonce"), seen_ms=bindparam("now")
    )
    return Prepared(
        stmt.on_conflict_do_update(
            index_elements=[n.c.access_key_id, n.c.nonce],
            set_={"seen_ms": stmt.excluded.seen_ms},
            where=n.c.seen_ms < bindparam("cutoff"),
        ).returning(n.c.seen_ms)
    )


def nonce_params(
    access_key_id: str, nonce: str, *, now_ms: int, window_ms: int, stamped_ms: int | None
) -> dict[str, Any]:
    """The upsert's parameters. A nonce is kept from the later of its first sighting and its request's timestamp
    (``seen_ms``), so a request stamped ahead of the clock stays a replay until its own stamp has left the window;
    a row is taken over only once its ``seen_ms`` is a whole window behind the real now."""
    seen = now_ms if stamped_ms is None else max(now_ms, stamped_ms)
    return {"ak": access_key_id, "nonce": nonce, "now": seen, "cutoff": now_ms - window_ms}


def user_from_row(row: Any) -> RamUser:
    """A user from its ``ram_users`` row; a profile field never given reads as empty."""
    return RamUser(
        row.user_id,
        row.account_id,
        row.name,
        display_name=row.display_name or "",
        comments=row.comments or "",
        email=row.email or "",
        mobile_phone=row.mobile_phone or "",
        created_ms=row.created_ms or 0,
        updated_ms=row.updated_ms or 0,
    )


def role_from_row(row: Any) -> RamRole:
    return RamRole(
        row.role_id,
        row.account_id,
        row.name,
        description=row.description or "",
        trust_policy=row.trust_policy,
        max_session_duration=row.max_session_duration or 3600,
        created_ms=row.created_ms or 0,
        updated_ms=row.updated_ms or 0,
    )


def guardrail_from_row(row: Any) -> Guardrail | None:
    """The ``g_*`` columns of a caller lookup; None when the account is in no directory or control policies are
    disabled there, so nothing more is done for the call."""
    if row.g_status is None or row.g_status == Status.DISABLED or row.g_path is None:
        return None
    return Guardrail(row.g_status, row.g_due_ms, row.g_master, row.g_path)


def account_from_row(row: Any) -> Account:
    return record_from_row(Account, row, enterprise_verified=bool(row.enterprise_verified))


class SqlAccountRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add(self, account: Account) -> None:
        self.conn.execute(insert(t.accounts).values(**account.__dict__))

    def get(self, account_id: str) -> Account | None:
        row = _ACCOUNT.first(self.conn, {"id": account_id})
        return account_from_row(row) if row else None

    def name_taken(self, name: str) -> bool:
        return self.conn.execute(select(t.accounts.c.account_id).where(t.accounts.c.name == name)).first() is not None

    def update(self, account: Account) -> None:
        values = {k: v for k, v in account.__dict__.items() if k not in ("account_id", "created_ms")}
        self.conn.execute(update(t.accounts).where(t.accounts.c.account_id == account.account_id).values(**values))

    def bind_phone_if_unset(self, account_id: str, phone: str) -> bool:
        return _BIND_PHONE.rowcount(self.conn, {"id": account_id, "phone": phone}) == 1

    def list(self, *, limit: int, offset: int) -> Sequence[Account]:
        query = select(t.accounts).order_by(t.accounts.c.created_ms, t.accounts.c.account_id)
        return [account_from_row(r) for r in self.conn.execute(query.limit(limit).offset(offset))]


class SqlIdentityRepository:
    def __init__(self, conn: Connection, box: SecretBox, *, seen_managed: Callable[[str, Any], None] | None = None):
        self.conn = conn
        self.box = box
        self._seen_managed = seen_managed  # told the caller lookup's d_* columns (SqlUnitOfWork, reads only)

    def add_user(self, user: RamUser) -> None:
        self.conn.execute(insert(t.ram_users).values(**user.__dict__))

    def get_user(self, user_id: str) -> RamUser | None:
        row = _USER.first(self.conn, {"id": user_id})
        return user_from_row(row) if row else None

    def find_user(self, account_id: str, name: str) -> RamUser | None:
        query = select(t.ram_users).where(and_(t.ram_users.c.account_id == account_id, t.ram_users.c.name == name))
        row = self.conn.execute(query).first()
        return user_from_row(row) if row else None

    def add_role(self, role: RamRole) -> None:
        self.conn.execute(insert(t.ram_roles).values(**role.__dict__, name_folded=role.name.lower()))

    def get_role(self, role_id: str) -> RamRole | None:
        row = self.conn.execute(select(t.ram_roles).where(t.ram_roles.c.role_id == role_id)).first()
        return role_from_row(row) if row else None

    def find_role(self, account_id: str, name: str) -> RamRole | None:
        query = select(t.ram_roles).where(
            and_(t.ram_roles.c.account_id == account_id, t.ram_roles.c.name_folded == name.lower())
        )
        row = self.conn.execute(query).first()
        return role_from_row(row) if row else None

    def policies_of(self, principal_type: str, principal_id: str) -> Sequence[tuple[str | None, str | None]]:
        """A role's policies, or a user's with its groups'."""
        if principal_type == "user":
            return [(name, document) for name, document in _USER_POLICIES.all(self.conn, {"id": principal_id})]
        return [
            (name, document)
            for name, document in _POLICIES.all(self.conn, {"kind": principal_type, "id": principal_id})
        ]

    def add_access_key(self, key: AccessKey) -> None:
        self.conn.execute(
            insert(t.access_keys).values(
                access_key_id=key.access_key_id,
                account_id=key.account_id,
                user_id=key.user_id,
                session_id=key.session_id,
                secret_ciphertext=self.box.encrypt(key.secret),
                status=key.status.value,
                created_ms=key.created_ms or None,
            )
        )

    def get_access_key(self, access_key_id: str) -> AccessKey | None:
        row = _ACCESS_KEY.first(self.conn, {"id": access_key_id})
        if row is None:
            return None
        key_id, ciphertext, account_id, status, user_id, session_id = row
        return AccessKey(
            access_key_id=key_id,
            secret=self.box.decrypt(ciphertext),
            account_id=account_id,
            status=AccessKeyStatus(status),
            user_id=user_id,
            session_id=session_id,
        )

    def caller(self, access_key_id: str, *, nonce: str, nonce_since_ms: int) -> Caller | None:
        params = {"id": access_key_id, "nonce": nonce, "since": nonce_since_ms}
        # Only AssumeRole makes keys with a session, and it names them STS.*; a session on any other key is still
        # read (the second lookup), never taken for a key without one.
        sts = access_key_id.startswith("STS.")
        rows = (_STS_CALLER if sts else _CALLER).all(self.conn, params)
        if rows and not sts and rows[0].session_id is not None:
            sts, rows = True, _STS_CALLER.all(self.conn, params)
        if not rows:
            return None
        row = rows[0]
        key = AccessKey(
            access_key_id=row.access_key_id,
            secret=self.box.decrypt(row.secret_ciphertext),
            account_id=row.account_id,
            status=AccessKeyStatus(row.status),
            user_id=row.user_id,
            session_id=row.session_id,
        )
        user = RamUser(row.found_user_id, row.user_account_id, row.user_name) if row.found_user_id else None
        session = _session_from_row(row) if sts and row.live_role_id is not None else None
        policies = tuple((r.policy_name, r.document) for r in rows if r.policy_id is not None)
        offset = int(row.clock_offset) if row.clock_offset else 0
        if self._seen_managed is not None:
            self._seen_managed(row.account_id, row)
        return Caller(
            key,
            user,
            nonce_seen=row.nonce_seen_ms is not None,
            user_policies=policies if user else None,
            clock_offset_seconds=offset,
            guardrail=guardrail_from_row(row),
            session=session,
            session_token_hash=row.s_token_hash if session else None,
            role_policies=policies if session else None,
        )

    def set_access_key_status(self, access_key_id: str, status: str) -> bool:
        result = self.conn.execute(
            update(t.access_keys).where(t.access_keys.c.access_key_id == access_key_id).values(status=status)
        )
        return result.rowcount > 0

    def add_session(self, session: StsSession, *, token_hash: str) -> None:
        self.conn.execute(insert(t.sts_sessions).values(**session.__dict__, token_hash=token_hash))

    def session_by_token_hash(self, token_hash: str) -> StsSession | None:
        """The session of a token, while its role exists: a session dies with its role."""
        s, r = t.sts_sessions, t.ram_roles
        live = select(s).join(r, r.c.role_id == s.c.role_id).where(s.c.token_hash == token_hash)
        row = self.conn.execute(live).first()
        if row is None:
            return None
        return record_from_row(StsSession, row)


def _session_from_row(row: Any) -> StsSession:
    return StsSession(
        session_id=row.s_session_id,
        account_id=row.s_account_id,
        role_id=row.s_role_id,
        role_name=row.s_role_name,
        session_name=row.s_session_name,
        access_key_id=row.s_access_key_id,
        expires_ms=row.s_expires_ms,
        policy=row.s_policy,
    )


class SqlNonceRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def remember(
        self, access_key_id: str, nonce: str, *, now_ms: int, window_ms: int, stamped_ms: int | None = None
    ) -> bool:
        params = nonce_params(access_key_id, nonce, now_ms=now_ms, window_ms=window_ms, stamped_ms=stamped_ms)
        return nonce_upsert(self.conn.dialect.name).first(self.conn, params) is not None

    def forget_older_than(self, cutoff_ms: int) -> int:
        return self.conn.execute(delete(t.request_nonces).where(t.request_nonces.c.seen_ms < cutoff_ms)).rowcount


class SqlStateRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def get(self, key: str) -> str | None:
        row = self.conn.execute(select(t.emulator_state.c.value).where(t.emulator_state.c.key == key)).first()
        return row.value if row else None

    def put(self, key: str, value: str) -> None:
        s = t.emulator_state
        dialect_insert = postgresql.insert if self.conn.dialect.name == "postgresql" else sqlite.insert
        stmt = dialect_insert(s).values(key=key, value=value)
        self.conn.execute(stmt.on_conflict_do_update(index_elements=[s.c.key], set_={"value": stmt.excluded.value}))
