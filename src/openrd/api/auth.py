"""Authentication of a request in the documented order (docs/behaviour.md#order-of-checks): AccessKey → timestamp →
nonce → signature → STS token."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from types import TracebackType
from typing import cast

from openrd import errors
from openrd.api import signing
from openrd.api.request import Envelope, RawRequest, parse_timestamp
from openrd.domain.identity import AccessKey, Principal
from openrd.domain.resources import Target
from openrd.domain.times import epoch_ms
from openrd.services import authentication as authn
from openrd.services.context import Deps
from openrd.services.ports import Clock, RepositoryAccess, StoredOffsetClock, UnitOfWork

# What the store can hold (the access_keys / request_nonces columns). PostgreSQL also refuses NUL characters; either
# would otherwise surface as a 500 instead of the gateway error.
MAX_ACCESS_KEY_ID, MAX_NONCE = 64, 128


def _storable(value: str, max_length: int) -> bool:
    return len(value) <= max_length and "\x00" not in value


@contextmanager
def authenticated_call(
    raw: RawRequest,
    envelope: Envelope,
    deps: Deps,
    ram_action: str | None,
    *,
    read_only: bool,
    target: Target | None = None,
    before_authorize: Callable[[], object] | None = None,
) -> Iterator[tuple[Principal, Deps]]:
    """The checks in their documented order (docs/behaviour.md#order-of-checks) and the recording of the nonce, then the
    call itself.

    Yields the principal and ``deps`` whose units of work live inside the call's transaction. A change runs in a
    savepoint of ONE transaction with the checks, so the change, the consumed nonce and the audit row commit
    together, and a change that fails is undone alone: a BEGIN/COMMIT (on SQLite, a WAL write) cost more than the
    checks themselves (docs/architecture.md#driver-level-transactions-and-savepoints). A read runs its checks and its
    call as a read and records the nonce at its end: on SQLite a signed read then holds the database's single write lock
    for one upsert and the commit, not for the whole call, so reads of several server processes overlap
    (docs/architecture.md#the-sqlite-writer-lock).

    The nonce is recorded by a single atomic upsert after every check passed, so of two requests that carry one
    nonce at once exactly one succeeds (the other answers SignatureNonceUsed, a read after its call ran). A
    request that fails a check, or whose call breaks with an unexpected error, does not consume its nonce (all
    rolls back); one whose call answers an API error does (the transaction commits, the error goes on). The SMS
    dispatcher is woken after the commit, when what the call queued is visible to it.
    """
    if not _storable(envelope.access_key_id, MAX_ACCESS_KEY_ID):
        raise errors.InvalidAccessKeyIdNotFound()  # no such key can have been issued
    deps = deps.evolve(clock=_CallClock(deps.clock))
    access = _Access(ram_action, target, before_authorize)
    if read_only:
        with _read_call(raw, envelope, deps, access) as call:
            yield call
        return
    failure: errors.OpenRDError | None = None
    wakes: list[bool] = []
    with deps.uow() as uow:
        principal, nonce = _checks(uow, raw, envelope, deps, access)
        nonce.remember(uow)

        def inside(*, write: bool = True) -> UnitOfWork:
            return uow.nested()

        try:
            yield principal, deps.evolve(uow=inside, wake_dispatcher=lambda: wakes.append(True))
        except errors.OpenRDError as exc:
            failure = exc
    if wakes:
        deps.wake_dispatcher()
    if failure is not None:
        raise failure


@contextmanager
def _read_call(raw: RawRequest, envelope: Envelope, deps: Deps, access: _Access) -> Iterator[tuple[Principal, Deps]]:
    failure: errors.OpenRDError | None = None
    with deps.uow(write=False) as uow:
        principal, nonce = _checks(uow, raw, envelope, deps, access)
        joined = _JoinedUnitOfWork(uow)

        def inside(*, write: bool = True) -> UnitOfWork:
            if write:
                raise RuntimeError("a read-only action asked for a write unit of work")
            return joined

        try:
            yield principal, deps.evolve(uow=inside)
        except errors.OpenRDError as exc:
            failure = exc
        nonce.record(deps, uow)
    if failure is not None:
        raise failure


class _CallClock:
    """The business clock, read once per call: every time one call stamps (a code's expiry, its audit row, an STS
    token's check) is the same instant, and the emulator clock's offset, kept in the database, is read once per
    call instead of once per use (twice per send: on PostgreSQL a round trip each; docs/architecture.md#the-call-clock).
    The caller lookup brings the offset along (``prime``), so a clock that keeps it in the store reads it no more.
    """

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._now: datetime | None = None
        self._stored: tuple[StoredOffsetClock, int] | None = None  # the clock and the offset the lookup read

    def prime(self, offset_seconds: int | None) -> None:
        if offset_seconds is not None and _keeps_offset(type(self._clock)):
            self._stored = (cast(StoredOffsetClock, self._clock), offset_seconds)

    def now(self) -> datetime:
        if self._now is None:
            stored = self._stored
            self._now = stored[0].at_offset(stored[1]) if stored else self._clock.now()
        return self._now


@functools.cache
def _keeps_offset(clock_type: type) -> bool:
    """Whether a clock of this type keeps its offset in the store. Asked once per type: isinstance against a
    runtime-checkable Protocol walks the Protocol's members each time, which shows in a signed read's profile."""
    return issubclass(clock_type, StoredOffsetClock)


@dataclass(frozen=True)
class _Access:
    """What the call asks permission for: its RAM action on the resource its target names."""

    ram_action: str | None
    target: Target | None
    before_authorize: Callable[[], object] | None = None  # the parameter stage, for actions that run it first


@dataclass(frozen=True)
class _Nonce:
    """A request's nonce, checked unseen; recorded once every check has passed."""

    access_key_id: str
    nonce: str
    wall_now_ms: int
    window_ms: int
    stamped_ms: int | None = None  # the request's own timestamp: a nonce is kept a window past it too

    @property
    def since_ms(self) -> int:
        """The replay window's start: a nonce seen since then is a replay."""
        return self.wall_now_ms - self.window_ms

    def remember(self, uow: UnitOfWork) -> None:
        """In the call's own transaction (a change)."""
        authn.remember_nonce(
            uow, access_key_id=self.access_key_id, nonce=self.nonce, wall_now_ms=self.wall_now_ms,
            window_ms=self.window_ms, stamped_ms=self.stamped_ms,
        )  # fmt: skip

    def record(self, deps: Deps, uow: UnitOfWork) -> None:
        """At the end of a read, committed at once."""
        if not deps.record_nonce(
            uow, self.access_key_id, self.nonce, now_ms=self.wall_now_ms, window_ms=self.window_ms,
            stamped_ms=self.stamped_ms,
        ):  # fmt: skip
            raise errors.SignatureNonceUsed()


class _JoinedUnitOfWork(RepositoryAccess):
    """The call's open unit of work, entered again by a read: leaving it neither commits nor rolls back."""

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow
        self.repositories = uow

    def __enter__(self) -> UnitOfWork:
        return self._uow

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        return None

    def nested(self) -> UnitOfWork:
        return self._uow.nested()


def _checks(
    uow: UnitOfWork, raw: RawRequest, envelope: Envelope, deps: Deps, access: _Access
) -> tuple[Principal, _Nonce]:
    window_s = deps.settings.timestamp_window_seconds
    wall_now = deps.wall_clock.now()
    nonce = _Nonce(envelope.access_key_id, envelope.nonce, epoch_ms(wall_now), window_s * 1000)
    storable = _storable(envelope.nonce, MAX_NONCE)
    # One lookup for the key, its user and the nonce; the checks still fail in the documented order. A nonce the store
    # cannot hold is not looked up (PostgreSQL would refuse a NUL) and is refused after the timestamp.
    caller = authn.load_caller(
        uow, envelope.access_key_id, nonce=nonce.nonce if storable else "", nonce_since_ms=nonce.since_ms
    )
    if isinstance(deps.clock, _CallClock):
        deps.clock.prime(caller.clock_offset_seconds)
    stamped = parse_timestamp(envelope.timestamp)
    if abs((wall_now - stamped).total_seconds()) > window_s:
        raise errors.InvalidTimeStampExpired()
    nonce = replace(nonce, stamped_ms=epoch_ms(stamped))
    if not storable:
        raise errors.InvalidParameter("SignatureNonce" if envelope.v3 is None else "x-acs-signature-nonce")
    if caller.nonce_seen:
        raise errors.SignatureNonceUsed()
    if deps.settings.verify_signatures:
        verify_signature(raw, envelope, caller.key)
    principal = authn.resolve_principal(
        uow,
        key=caller.key,
        security_token=envelope.security_token,
        box=deps.box,
        clock=deps.clock,
        user=caller.user,
        caller=caller,
    )
    if access.before_authorize is not None:
        access.before_authorize()
    try:
        authn.authorize(
            uow,
            principal,
            access.ram_action,
            caller=caller,
            target=access.target,
            request=authn.RequestFacts(source_ip=raw.peer, secure_transport=raw.secure),
            clock=deps.clock,
        )
    except errors.NoPermission as refused:
        refused.principal = principal  # an authenticated caller's refusal is audited (api/dispatch.py)
        raise
    return principal, nonce


def verify_signature(raw: RawRequest, envelope: Envelope, key: AccessKey) -> None:
    if envelope.v3 is None:
        params = dict(envelope.params)
        given = params.pop("Signature", "")
        string_to_sign = signing.v1_string_to_sign(raw.method, params)
        if signing.signatures_equal(signing.v1_signature(key.secret, string_to_sign), given):
            return
        # The Python credentials library encodes a space as "+" when it signs (an STS session policy has spaces).
        if any(" " in value or " " in name for name, value in params.items()):
            plus = signing.v1_string_to_sign(raw.method, params, plus_for_space=True)
            if signing.signatures_equal(signing.v1_signature(key.secret, plus), given):
                return
        raise errors.SignatureDoesNotMatch(string_to_sign)
    auth = envelope.v3
    payload = signing.payload_hash(auth.algorithm, raw.body)
    if not signing.signatures_equal(payload, raw.headers.get("x-acs-content-sha256", "")):
        raise errors.SignatureDoesNotMatch(f"x-acs-content-sha256 does not match the body; body hash is {payload}")
    canonical = signing.v3_canonical_request(raw.method, raw.path, raw.query, raw.headers, auth.signed_headers, payload)
    string_to_sign = signing.v3_string_to_sign(auth.algorithm, canonical)
    if not signing.signatures_equal(signing.v3_signature(auth.algorithm, key.secret, string_to_sign), auth.signature):
        raise errors.SignatureDoesNotMatch(string_to_sign)
