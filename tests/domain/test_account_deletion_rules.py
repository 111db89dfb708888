"""The deletion pre-check's rules (domain/account_deletion.py): its verdict, what a waiver must name, the states of
the pre-check and the deletion, and ``AbandonableCheckId``'s two spellings, against reference models."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openrd.domain.account_deletion import (
    NOT_CHECK_IDS,
    CheckStatus,
    DeletionStatus,
    RamIdentityCounts,
    check_status,
    deletion_status,
    parse_check_ids,
    pre_check,
)

COUNTS = st.integers(min_value=0, max_value=3)
IDS = st.from_regex(r"[A-Za-z0-9_.-]{1,64}", fullmatch=True)


@given(st.booleans(), COUNTS, COUNTS, COUNTS, st.frozensets(st.sampled_from(["RAM_USERS", "RAM_GROUPS", "RAM_ROLES"])))
def test_the_verdict_and_the_waiver(payer: bool, users: int, groups: int, roles: int, waived: frozenset[str]) -> None:
    result = pre_check(pays_for_others=payer, ram=RamIdentityCounts(users, groups, roles))
    held = {"RAM_USERS": users, "RAM_GROUPS": groups, "RAM_ROLES": roles}
    assert result.allow_delete is not payer
    assert result.not_allowed == (("PAYER_OF_MEMBERS",) if payer else ())
    assert result.abandonable == tuple(check_id for check_id, count in held.items() if count)
    assert result.blocks(waived) == (payer or not {k for k, v in held.items() if v} <= waived)


@given(st.integers(min_value=0, max_value=2**50), st.integers(min_value=-5000, max_value=5000))
def test_the_states_follow_the_due_time(due: int, step: int) -> None:
    settled = step >= 0
    assert (check_status(due, due + step) is CheckStatus.COMPLETE) == settled
    assert (deletion_status(due, due + step) is DeletionStatus.SUCCESS) == settled


@given(st.lists(IDS, max_size=50))
def test_a_json_array_of_check_ids(ids: list[str]) -> None:
    assert parse_check_ids(json.dumps(ids)) == frozenset(ids)
    assert parse_check_ids(json.dumps(ids, separators=(",", ":"))) == frozenset(ids)


@given(IDS)
def test_a_bare_check_id(check_id: str) -> None:
    assert parse_check_ids(check_id) == {check_id}


@pytest.mark.parametrize(
    "raw",
    ["", " ", "[1]", '["a b"]', "{}", '"RAM_USERS"', "[", "[" * 5000, json.dumps(["x"] * 51), '["' + "x" * 65 + '"]'],
)
def test_what_is_no_list_of_check_ids(raw: str) -> None:
    with pytest.raises(ValueError, match=NOT_CHECK_IDS):
        parse_check_ids(raw)
