"""The verification-code policy (docs/behaviour.md#verification-codes): pure rules over times in epoch milliseconds.

Alibaba documents only the daily limit (100 codes per account per calendar day). The per-phone windows, the
validity, the attempt limit and single use follow NIST SP 800-63B and what Twilio Verify does.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo


class Purpose(enum.StrEnum):
    ENABLE_RD = "EnableRD"
    BIND_SECURE_MOBILE_PHONE = "BindSecureMobilePhone"


class CodeStatus(enum.StrEnum):
    ACTIVE = "active"
    USED = "used"
    VOID = "void"  # replaced by a newer code, or too many wrong attempts


@dataclass(frozen=True)
class CodePolicy:
    length: int = 6
    ttl_seconds: int = 300
    max_attempts: int = 5
    daily_quota: int = 100
    per_phone_windows: tuple[tuple[int, int], ...] = ((60, 1), (3600, 5), (86400, 10))  # (seconds, max sends)

    @property
    def longest_window_ms(self) -> int:
        return max((seconds for seconds, _ in self.per_phone_windows), default=0) * 1000


def retry_after_seconds(sent_ms: Sequence[int], *, now_ms: int, windows: Sequence[tuple[int, int]]) -> int | None:
    """Seconds until one more send to this phone is allowed, or None if it is allowed now.

    Windows are rolling and end at ``now`` (docs/behaviour.md#send-limits): a window of ``seconds`` allows ``limit``
    sends in
    ``(now - seconds, now]``. With ``k >= limit`` sends in it, the next is allowed when the
    ``(k - limit + 1)``-th oldest of them leaves the window. A send stamped a moment *after* ``now`` (a
    concurrent call that read the clock later but committed first) counts too: it has happened.
    """
    wait_ms = 0
    for seconds, limit in windows:
        window_ms = seconds * 1000
        inside = sorted(t for t in sent_ms if t > now_ms - window_ms)
        if len(inside) >= limit:
            frees_at = inside[len(inside) - limit] + window_ms
            wait_ms = max(wait_ms, frees_at - now_ms)
    if wait_ms <= 0:
        return None
    return -(-wait_ms // 1000)  # whole seconds, rounded up


def quota_day(now: datetime, time_zone: str) -> str:
    """The calendar day a send counts against, in the site's quota time zone."""
    return now.astimezone(ZoneInfo(time_zone)).date().isoformat()


def is_usable(*, status: str, expires_ms: int, now_ms: int) -> bool:
    return status == CodeStatus.ACTIVE and now_ms < expires_ms


_TEXT = {
    (
        "zh",
        Purpose.ENABLE_RD,
    ): "【阿里云】验证码{code}，您正在开通资源目录，{minutes}分钟内有效。请勿将验证码告诉他人。",
    ("zh", Purpose.BIND_SECURE_MOBILE_PHONE): (
        "【阿里云】验证码{code}，您正在为资源目录成员账号绑定安全手机，{minutes}分钟内有效。请勿将验证码告诉他人。"
    ),
    ("en", Purpose.ENABLE_RD): (
        "[Alibaba Cloud] Your verification code is {code}. You are enabling a resource directory. "
        "It is valid for {minutes} minutes. Do not share it with anyone."
    ),
    ("en", Purpose.BIND_SECURE_MOBILE_PHONE): (
        "[Alibaba Cloud] Your verification code is {code}. You are binding a secure mobile phone to a resource "
        "directory member. It is valid for {minutes} minutes. Do not share it with anyone."
    ),
}


def message_text(*, language: str, purpose: Purpose, code: str, ttl_seconds: int) -> str:
    template = _TEXT.get((language, purpose)) or _TEXT[("en", purpose)]
    return template.format(code=code, minutes=max(1, ttl_seconds // 60))


@dataclass(frozen=True)
class StoredCode:
    code_id: str
    code_hash: str
    status: str
    attempts: int
    expires_ms: int
