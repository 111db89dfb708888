"""Resource-group rules against reference models (docs/resource-groups.md): a group's status at any moment, the
name a deleted group takes, the default group's ID, and the name and display-name syntax."""

from __future__ import annotations

import re
import string
from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from openrd.domain import names
from openrd.domain.resource_groups import (
    RESOURCE_GROUP_ID,
    GroupStatus,
    ResourceGroup,
    default_display_name,
    default_group_id,
    pending_delete_name,
)

moments = st.integers(min_value=0, max_value=4_102_444_800_000)  # up to 2100, in epoch milliseconds
due = st.one_of(st.none(), moments)


def _model_status(create_due: int | None, delete_due: int | None, now: int) -> GroupStatus | None:
    if delete_due is not None:
        return None if now >= delete_due else GroupStatus.PENDING_DELETE
    if create_due is not None and now < create_due:
        return GroupStatus.CREATING
    return GroupStatus.OK


@given(create_due=due, delete_due=due, now=moments)
def test_status_follows_the_due_times(create_due: int | None, delete_due: int | None, now: int) -> None:
    group = ResourceGroup("rg-a", "1" * 16, "n", "d", False, 0, create_due, delete_due)
    assert group.status(now) == _model_status(create_due, delete_due, now)


@given(
    name=st.from_regex(r"[A-Za-z][A-Za-z0-9-]{1,49}", fullmatch=True),
    suffix=st.text(string.ascii_lowercase, min_size=1, max_size=15),
    now=moments,
)
def test_a_deleted_group_is_renamed_with_its_id_and_day(name: str, suffix: str, now: int) -> None:
    group_id = f"rg-{suffix}"
    day = datetime.fromtimestamp(now / 1000, UTC).strftime("%Y%m%d")
    renamed = pending_delete_name(name, group_id, now)
    assert renamed == f"{name}-{group_id}-{day}"
    assert renamed != name  # the old name is free again


@given(account_id=st.from_regex(r"[0-9]{16}", fullmatch=True))
def test_the_default_group_id_is_a_group_id_of_its_own(account_id: str) -> None:
    group_id = default_group_id(account_id)
    assert RESOURCE_GROUP_ID.fullmatch(group_id)
    assert re.fullmatch(r"rg-[a-z2-7]{15}", group_id)
    assert default_group_id(account_id) == group_id  # derived, not drawn


def test_default_display_names_per_site() -> None:
    assert (default_display_name("cn"), default_display_name("intl")) == ("默认资源组", "Default Resource Group")


@given(name=st.text(max_size=60))
def test_group_names_match_their_model(name: str) -> None:
    model = (
        2 <= len(name) <= 50
        and name[:1].isascii()
        and name[:1].isalpha()
        and all(c in string.ascii_letters + string.digits + "-" for c in name)
    )
    assert names.valid_resource_group_name(name) is model


@given(display=st.text(max_size=60))
def test_display_names_are_counted_in_characters(display: str) -> None:
    assert names.valid_resource_group_display_name(display) is (1 <= len(display) <= 50 and display.strip() != "")
