"""Send a code (throttles, daily quota, outbox) and check-and-consume a code (docs/behaviour.md#verification-codes).

Both run inside the caller's unit of work, so a code, its send record and its SMS commit together, and a
bind or enable commits together with the consumption of its code.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime

from openrd import errors
from openrd.domain.sites import SiteProfile
from openrd.domain.times import epoch_ms
from openrd.domain.verification import (
    CodePolicy,
    Purpose,
    is_usable,
    message_text,
    quota_day,
    retry_after_seconds,
)
from openrd.services.ports import RandomSource, SecretBox, UnitOfWork

# Compared against when no code exists, so a missing code costs the same as a wrong one.
_NO_CODE_HASH = "0" * 64


@dataclass(frozen=True)
class IssuedCode:
    code_id: str
    message_id: str
    expires_ms: int


def code_hash(box: SecretBox, *, purpose: str, account_id: str, phone: str, code: str) -> str:
    return box.keyed_hash("verification-code", purpose, account_id, phone, code)


def issue_code(
    uow: UnitOfWork,
    *,
    policy: CodePolicy,
    rng: RandomSource,
    box: SecretBox,
    now: datetime,
    purpose: Purpose,
    account_id: str,
    quota_account_id: str,
    quota_site: SiteProfile,
    phone: str,
    language: str,
) -> IssuedCode:
    """Throttle per phone, then the daily quota of ``quota_account_id``; then store the code and its SMS.

    The quota is checked and counted last, after the code, its SMS and the send's record are written (a refused
    send undoes them with its savepoint): on PostgreSQL the quota's row lock, which every send of the account waits
    for, is then held for the call's audit row and the commit only, not for the whole send.
    The count is kept in one row per account and day, not counted from the sends (that grew with the day's sends).
    """
    now_ms = epoch_ms(now)
    # Lock in a fixed order (the phone here, the account's quota row last) so concurrent sends cannot deadlock.
    uow.codes.lock(f"phone:{phone}")
    recent = uow.codes.phone_sends_since(phone, now_ms - policy.longest_window_ms)
    wait = retry_after_seconds(recent, now_ms=now_ms, windows=policy.per_phone_windows)
    if wait is not None:
        raise errors.ThrottlingUser(wait)

    code = rng.digits(policy.length)
    issued = IssuedCode(code_id=rng.alnum(24), message_id=rng.alnum(24), expires_ms=now_ms + policy.ttl_seconds * 1000)
    uow.codes.void_active(purpose=purpose.value, account_id=account_id, phone=phone)
    uow.codes.add(
        code_id=issued.code_id,
        purpose=purpose.value,
        account_id=account_id,
        phone=phone,
        code_hash=code_hash(box, purpose=purpose.value, account_id=account_id, phone=phone, code=code),
        issued_ms=now_ms,
        expires_ms=issued.expires_ms,
    )
    uow.outbox.add(
        message_id=issued.message_id,
        purpose=purpose.value,
        account_id=account_id,
        phone=phone,
        language=language,
        text=message_text(language=language, purpose=purpose, code=code, ttl_seconds=policy.ttl_seconds),
        code=code,  # encrypted; erased at delivery unless the sender is the inbox
        now_ms=now_ms,
        due_ms=0,  # due at once; retry times are on the wall clock, the dispatcher's
    )

    day = quota_day(now, quota_site.quota_time_zone)
    uow.codes.record_send(quota_account_id=quota_account_id, day=day, phone=phone, sent_ms=now_ms)
    if not uow.codes.take_quota(quota_account_id, day, limit=policy.daily_quota, now_ms=now_ms):
        raise errors.SendValidateCodeExceedsLimitForAccount()  # the savepoint undoes the send's rows
    return issued


def check_code(
    uow: UnitOfWork,
    *,
    policy: CodePolicy,
    box: SecretBox,
    now: datetime,
    purpose: Purpose,
    account_id: str,
    phone: str,
    code: str,
) -> bool:
    """Consume the code if it is right; otherwise count a wrong attempt. The caller raises on False *after*
    committing, so the attempt counter survives (every rejection looks the same: Invalid.VerificationCode)."""
    stored = uow.codes.newest_active(purpose=purpose.value, account_id=account_id, phone=phone)
    given = code_hash(box, purpose=purpose.value, account_id=account_id, phone=phone, code=code)
    matches = hmac.compare_digest(given, stored.code_hash if stored else _NO_CODE_HASH)
    if stored is None:
        return False
    usable = is_usable(status=stored.status, expires_ms=stored.expires_ms, now_ms=epoch_ms(now))
    if matches and usable:
        return uow.codes.consume(stored.code_id)
    uow.codes.record_wrong_attempt(stored.code_id, policy.max_attempts)
    return False


def purge_expired(uow: UnitOfWork, *, now: datetime, policy: CodePolicy) -> int:
    """Forget codes that can no longer be used and sends older than every limit looks back (two days)."""
    now_ms = epoch_ms(now)
    horizon_ms = max(policy.longest_window_ms, 2 * 86_400_000)
    return uow.codes.purge(codes_before_ms=now_ms, sends_before_ms=now_ms - horizon_ms)
