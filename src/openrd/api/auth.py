"""Authentication of a request in the order A2 fixes: AccessKey → timestamp → nonce → signature → STS token."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from types import TracebackType

from openrd import errors
from openrd.api import signing
from openrd.api.request import Envelope, RawRequest, parse_timestamp
from openrd.domain.identity import AccessKey, Principal
from openrd.services import authentication as authn
from openrd.services.context import Deps
from openrd.services.identity import epoch_ms
from openrd.services.ports import UnitOfWork

# What the store can hold (the access_keys / request_nonces columns). PostgreSQL also refuses NUL characters; either
# would otherwise surface as a 500 instead of the gateway error.
MAX_ACCESS_KEY_ID, MAX_NONCE = 64, 128


def _storable(value: str, max_length: int) -> bool:
    return len(value) <= max_length and "\x00" not in value


@contextmanager
def authenticated_call(
    raw: RawRequest, envelope: Envelope, deps: Deps, ram_action: str | None, *, read_only: bool
) -> Iterator[tuple[Principal, Deps]]:
    """The checks of A2 in their order and the recording of the nonce, then the call itself, in ONE transaction.

    Yields the principal and ``deps`` whose units of work live inside that transaction: a read joins it, a change
    runs in a savepoint of it, so the change, the consumed nonce and the audit row commit together, and a change
    that fails is undone alone. One transaction instead of two per call: a BEGIN/COMMIT (on SQLite, a WAL write)
    cost more than the checks themselves (bench/profile_dispatch.py).

    The nonce is recorded by a single atomic upsert after every check passed, so of two processes that see one
    nonce at once exactly one succeeds (the other answers SignatureNonceUsed). A request that fails a check, or
    whose call breaks with an unexpected error, does not consume its nonce (all rolls back); one whose call
    answers an API error does (the transaction commits, the error goes on). The SMS dispatcher is woken after the
    commit, when what the call queued is visible to it.
    """
    if not _storable(envelope.access_key_id, MAX_ACCESS_KEY_ID):
        raise errors.InvalidAccessKeyIdNotFound()  # no such key can have been issued
    failure: errors.OpenRDError | None = None
    wakes: list[bool] = []
    with deps.uow() as uow:
        principal = _checks(uow, raw, envelope, deps, ram_action)
        joined = _JoinedUnitOfWork(uow)

        def inside(*, write: bool = True) -> UnitOfWork:
            return joined if read_only else uow.nested()

        try:
            yield principal, replace(deps, uow=inside, wake_dispatcher=lambda: wakes.append(True))
        except errors.OpenRDError as exc:
            failure = exc
    if wakes:
        deps.wake_dispatcher()
    if failure is not None:
        raise failure


class _JoinedUnitOfWork:
    """The call's open unit of work, entered again by a read: leaving it neither commits nor rolls back."""

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow
        self.accounts, self.identity, self.nonces, self.state = uow.accounts, uow.identity, uow.nonces, uow.state
        self.codes, self.outbox, self.directory, self.audit = uow.codes, uow.outbox, uow.directory, uow.audit

    def __enter__(self) -> UnitOfWork:
        return self._uow

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        return None

    def nested(self) -> UnitOfWork:
        return self._uow.nested()


def _checks(uow: UnitOfWork, raw: RawRequest, envelope: Envelope, deps: Deps, ram_action: str | None) -> Principal:
    window_s = deps.settings.timestamp_window_seconds
    key = authn.load_access_key(uow, envelope.access_key_id)
    stamped = parse_timestamp(envelope.timestamp)
    wall_now = deps.wall_clock.now()
    if abs((wall_now - stamped).total_seconds()) > window_s:
        raise errors.InvalidTimeStampExpired()
    if not _storable(envelope.nonce, MAX_NONCE):
        raise errors.InvalidParameter("SignatureNonce" if envelope.v3 is None else "x-acs-signature-nonce")
    wall_now_ms, window_ms = epoch_ms(wall_now), window_s * 1000
    authn.check_nonce(
        uow, access_key_id=key.access_key_id, nonce=envelope.nonce, wall_now_ms=wall_now_ms, window_ms=window_ms
    )
    if deps.settings.verify_signatures:
        verify_signature(raw, envelope, key)
    principal = authn.resolve_principal(
        uow, key=key, security_token=envelope.security_token, box=deps.box, clock=deps.clock
    )
    authn.authorize(uow, principal, ram_action)
    authn.remember_nonce(
        uow, access_key_id=key.access_key_id, nonce=envelope.nonce, wall_now_ms=wall_now_ms, window_ms=window_ms
    )
    return principal


def verify_signature(raw: RawRequest, envelope: Envelope, key: AccessKey) -> None:
    if envelope.v3 is None:
        params = dict(envelope.params)
        given = params.pop("Signature", "")
        string_to_sign = signing.v1_string_to_sign(raw.method, params)
        if not signing.signatures_equal(signing.v1_signature(key.secret, string_to_sign), given):
            raise errors.SignatureDoesNotMatch(string_to_sign)
        return
    auth = envelope.v3
    payload = signing.payload_hash(auth.algorithm, raw.body)
    if not signing.signatures_equal(payload, raw.headers.get("x-acs-content-sha256", "")):
        raise errors.SignatureDoesNotMatch(f"x-acs-content-sha256 does not match the body; body hash is {payload}")
    canonical = signing.v3_canonical_request(raw.method, raw.path, raw.query, raw.headers, auth.signed_headers, payload)
    string_to_sign = signing.v3_string_to_sign(auth.algorithm, canonical)
    if not signing.signatures_equal(signing.v3_signature(auth.algorithm, key.secret, string_to_sign), auth.signature):
        raise errors.SignatureDoesNotMatch(string_to_sign)
