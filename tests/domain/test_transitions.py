"""Transition rules (domain/transitions.py): due times, settling, kinds and delays."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from openrd.domain.transitions import (
    KINDS,
    MAX_DELAY_SECONDS,
    TransitionKind,
    due_ms,
    is_settled,
    parse_kind,
    valid_delay,
)

MOMENTS = st.integers(min_value=0, max_value=2**52)
DELAYS = st.integers(min_value=0, max_value=MAX_DELAY_SECONDS)


@given(MOMENTS, DELAYS, st.integers(min_value=-(2**40), max_value=2**40))
def test_a_transition_is_pending_before_its_due_time_and_settled_from_it(start: int, delay: int, step: int) -> None:
    due = due_ms(start, delay)
    assert due == start + delay * 1000
    assert is_settled(due, due + step) == (step >= 0)


@given(MOMENTS)
def test_a_zero_delay_is_settled_at_the_moment_it_starts_and_none_is_always_settled(start: int) -> None:
    assert is_settled(due_ms(start, 0), start)
    assert is_settled(None, start)


def test_the_kinds_by_their_names() -> None:
    assert [kind.value for kind in KINDS] == [
        "control_policy",
        "account_deletion_check",
        "account_deletion",
        "resource_group_create",
        "resource_group_delete",
    ]
    assert parse_kind("account_deletion") is TransitionKind.ACCOUNT_DELETION
    assert parse_kind("Account_Deletion") is None
    assert parse_kind("") is None


def test_delays_are_whole_seconds_in_range() -> None:
    assert valid_delay(0)
    assert valid_delay(MAX_DELAY_SECONDS)
    for bad in (-1, MAX_DELAY_SECONDS + 1, 1.5, 30.0, "30", True, None):
        assert not valid_delay(bad)
