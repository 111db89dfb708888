"""The pure rules of docs/behaviour.md#verification-codes: rolling per-phone windows, the quota day, the message text,
the retry schedule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openrd.domain.sites import BUILTIN_SITES
from openrd.domain.sms import RetryPolicy
from openrd.domain.times import rfc3339_ms
from openrd.domain.verification import (
    CodePolicy,
    Purpose,
    is_usable,
    message_text,
    quota_day,
    retry_after_seconds,
)

WINDOWS = ((60, 1), (3600, 5), (86400, 10))
NOW = 1_750_000_000_000  # epoch ms
S = 1000


def wait(sent: list[int], now: int = NOW, windows: tuple[tuple[int, int], ...] = WINDOWS) -> int | None:
    return retry_after_seconds(sent, now_ms=now, windows=windows)


def test_default_policy_is_the_contract() -> None:
    policy = CodePolicy()
    assert (policy.length, policy.ttl_seconds, policy.max_attempts, policy.daily_quota) == (6, 300, 5, 100)
    assert policy.per_phone_windows == WINDOWS
    assert policy.longest_window_ms == 86_400_000


# ------------------------------------------------------------------------------------------ one per 60 s


def test_no_sends_no_wait() -> None:
    assert wait([]) is None


@pytest.mark.parametrize(
    ("age_ms", "expected"),
    [
        (0, 60),  # sent this very millisecond: the whole window
        (1, 60),  # 59.999 s left -> rounded up
        (999, 60),
        (1000, 59),  # exactly 59 s left
        (1001, 59),
        (30_500, 30),  # 29.5 s -> 30
        (59_000, 1),
        (59_999, 1),  # 1 ms left is still a whole second
        (60_000, None),  # the window is (now - 60 s, now]: a send exactly 60 s ago has left it
        (60_001, None),
    ],
)
def test_minute_window_boundaries(age_ms: int, expected: int | None) -> None:
    assert wait([NOW - age_ms]) == expected


def test_a_send_stamped_after_now_still_counts() -> None:
    # A concurrent send that read the clock later but committed first has happened: it throttles, and the
    # next send waits until a minute after *its* stamp.
    assert wait([NOW + 5 * S]) == 65


# ------------------------------------------------------------------------------------------- five per hour


def hour_sends(oldest_age_s: int) -> list[int]:
    """Five sends, the oldest ``oldest_age_s`` ago, the newest 10 minutes ago (outside the minute window)."""
    return [NOW - oldest_age_s * S, NOW - 3000 * S, NOW - 2000 * S, NOW - 1000 * S, NOW - 600 * S]


def test_five_in_the_hour_blocks_until_the_oldest_leaves() -> None:
    assert wait(hour_sends(3599)) == 1
    assert wait(hour_sends(3000 + 1)) == 599
    assert wait(hour_sends(3600)) is None  # exactly an hour ago: out


def test_four_in_the_hour_are_allowed() -> None:
    assert wait(hour_sends(3599)[1:]) is None


def test_hour_window_rounds_up() -> None:
    sends = [NOW - 3599 * S - 500, *hour_sends(3599)[1:]]
    assert wait(sends) == 1  # 0.5 s -> 1
    sends = [NOW - 3598 * S - 1, *hour_sends(3599)[1:]]
    assert wait(sends) == 2  # 1.999 s -> 2


def test_with_more_than_the_limit_the_right_send_must_leave() -> None:
    # Seven sends in the hour (possible after a limit was raised): the third oldest must leave first.
    sends = [NOW - a * S for a in (3500, 3400, 3300, 3200, 3100, 3000, 2900)]
    assert wait(sends) == 3600 - 3300


def test_unsorted_input() -> None:
    sends = hour_sends(3590)
    assert wait(list(reversed(sends))) == wait(sends) == 10


# ------------------------------------------------------------------------------------------ ten per 24 h


def day_sends(oldest_age_s: int) -> list[int]:
    """Ten sends spread over the day, at most one per hour, the oldest ``oldest_age_s`` ago."""
    ages = [oldest_age_s, *(80_000 - 7_200 * i for i in range(9))]
    return [NOW - age * S for age in ages]


def test_ten_in_a_day_block_until_the_oldest_leaves() -> None:
    assert max(NOW - t for t in day_sends(86_399)[1:]) < 86_399 * S
    assert wait(day_sends(86_399)) == 1
    assert wait(day_sends(86_000)) == 400
    assert wait(day_sends(86_400)) is None
    assert wait(day_sends(86_399)[1:]) is None  # nine are fine


def test_the_longest_wait_of_all_windows_wins() -> None:
    sends = [*day_sends(86_000)[:-1], NOW - 10 * S]  # day window full (400 s) and the minute window (50 s)
    assert wait(sends) == 400
    sends = [*day_sends(86_390)[:-1], NOW - 10 * S]  # day window frees in 10 s, the minute window in 50 s
    assert wait(sends) == 50


def test_custom_windows() -> None:
    assert wait([NOW - 5 * S, NOW - 4 * S], windows=((10, 3),)) is None
    assert wait([NOW - 5 * S, NOW - 4 * S, NOW - 3 * S], windows=((10, 3),)) == 5
    assert wait([NOW], windows=()) is None


@given(
    sends=st.lists(st.integers(0, 90_000_000), max_size=14).map(lambda ages: [NOW - a for a in ages]),
)
def test_waiting_the_answer_is_exactly_enough(sends: list[int]) -> None:
    """After the answer (whole seconds) the send is allowed; one second earlier it was not."""
    answer = wait(sends)
    if answer is None:
        return
    assert answer >= 1
    assert wait(sends, now=NOW + answer * S) is None
    assert wait(sends, now=NOW + (answer - 1) * S) is not None


# ----------------------------------------------------------------------------------------- the quota day


@pytest.mark.parametrize(
    ("utc", "day"),
    [
        ("2024-03-01T15:59:59.999+00:00", "2024-03-01"),
        ("2024-03-01T16:00:00+00:00", "2024-03-02"),  # Shanghai midnight is 16:00 UTC
        ("2024-03-01T00:00:00+00:00", "2024-03-01"),
        ("2023-12-31T16:00:00+00:00", "2024-01-01"),
        ("2024-02-28T16:30:00+00:00", "2024-02-29"),
    ],
)
def test_quota_day_in_shanghai(utc: str, day: str) -> None:
    assert quota_day(datetime.fromisoformat(utc), "Asia/Shanghai") == day


def test_quota_day_ignores_the_input_offset() -> None:
    moment = datetime(2024, 3, 2, 1, 0, tzinfo=timezone(timedelta(hours=9)))  # 16:00 UTC on March 1
    assert quota_day(moment, "Asia/Shanghai") == "2024-03-02"
    assert quota_day(moment, "UTC") == "2024-03-01"


def test_quota_day_follows_the_site_time_zone() -> None:
    assert BUILTIN_SITES["cn"].quota_time_zone == BUILTIN_SITES["intl"].quota_time_zone == "Asia/Shanghai"
    moment = datetime(2024, 7, 1, 3, 30, tzinfo=UTC)
    assert quota_day(moment, "America/New_York") == "2024-06-30"
    assert quota_day(moment, "Asia/Tokyo") == "2024-07-01"


# -------------------------------------------------------------------------------------------- message text


@pytest.mark.parametrize("purpose", list(Purpose))
def test_chinese_text_for_cn(purpose: Purpose) -> None:
    assert BUILTIN_SITES["cn"].language == "zh"
    text = message_text(language="zh", purpose=purpose, code="123456", ttl_seconds=300)
    assert "123456" in text
    assert "5分钟" in text
    assert "验证码" in text
    assert "资源目录" in text
    assert ("安全手机" in text) == (purpose is Purpose.BIND_SECURE_MOBILE_PHONE)
    assert not any("a" <= ch.lower() <= "z" for ch in text)


@pytest.mark.parametrize("purpose", list(Purpose))
def test_english_text_for_intl(purpose: Purpose) -> None:
    assert BUILTIN_SITES["intl"].language == "en"
    text = message_text(language="en", purpose=purpose, code="654321", ttl_seconds=300)
    assert "654321" in text
    assert "valid for 5 minutes" in text
    assert "verification code" in text
    assert ("secure mobile phone" in text) == (purpose is Purpose.BIND_SECURE_MOBILE_PHONE)
    assert ("enabling a resource directory" in text) == (purpose is Purpose.ENABLE_RD)
    assert all(ord(ch) < 128 for ch in text)


def test_text_states_the_configured_validity() -> None:
    assert "10分钟" in message_text(language="zh", purpose=Purpose.ENABLE_RD, code="1" * 8, ttl_seconds=600)
    assert "valid for 2 minutes" in message_text(language="en", purpose=Purpose.ENABLE_RD, code="1", ttl_seconds=120)


def test_unknown_language_falls_back_to_english() -> None:
    fallback = message_text(language="fr", purpose=Purpose.ENABLE_RD, code="111111", ttl_seconds=300)
    assert fallback == message_text(language="en", purpose=Purpose.ENABLE_RD, code="111111", ttl_seconds=300)


# -------------------------------------------------------------------------------------------- validity


def test_code_is_usable_strictly_before_expiry() -> None:
    assert is_usable(status="active", expires_ms=NOW + 1, now_ms=NOW)
    assert not is_usable(status="active", expires_ms=NOW, now_ms=NOW)
    assert not is_usable(status="used", expires_ms=NOW + 10, now_ms=NOW)
    assert not is_usable(status="void", expires_ms=NOW + 10, now_ms=NOW)


def test_rfc3339_ms() -> None:
    assert rfc3339_ms(0) == "1970-01-01T00:00:00.000Z"
    assert rfc3339_ms(1_709_308_800_007) == "2024-03-01T16:00:00.007Z"


# -------------------------------------------------------------------------------------------- retry policy


def test_backoff_doubles_then_caps() -> None:
    policy = RetryPolicy(max_attempts=8, base_seconds=1.0, max_seconds=10.0)
    assert [policy.delay_seconds(n, 1.0) for n in range(1, 7)] == [1, 2, 4, 8, 10, 10]
    assert [policy.delay_seconds(n, 0.0) for n in range(1, 7)] == [0.5, 1, 2, 4, 5, 5]
    assert policy.delay_seconds(0, 1.0) == 1.0  # before any attempt: the base
    assert policy.delay_seconds(1000, 1.0) == 10.0  # far beyond any configurable attempt limit (<= 100)


@given(
    attempts=st.integers(0, 200),
    jitter=st.floats(-5, 5, allow_nan=False),
    base=st.floats(0.001, 100),
    cap=st.floats(0.001, 1000),
)
def test_backoff_bounds(attempts: int, jitter: float, base: float, cap: float) -> None:
    policy = RetryPolicy(max_attempts=3, base_seconds=base, max_seconds=cap)
    ceiling = min(cap, base * 2.0 ** max(0, attempts - 1))
    delay = policy.delay_seconds(attempts, jitter)
    assert ceiling / 2 - 1e-9 <= delay <= ceiling + 1e-9  # equal jitter: at least half, never above the cap
    assert delay <= cap + 1e-9
    assert policy.delay_seconds(attempts, 0.0) <= delay <= policy.delay_seconds(attempts, 1.0)
    assert policy.delay_seconds(attempts + 1, 1.0) >= policy.delay_seconds(attempts, 1.0)
