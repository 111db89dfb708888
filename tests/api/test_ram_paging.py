"""RAM's marker paging and the ARNs of RAM entities in authorization checks."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openrd.api.handlers.shapes import marker_fields
from openrd.api.wire import decode_marker, encode_marker
from openrd.domain.resources import ResourceKind, ram_arn


@given(st.integers(min_value=0, max_value=10**9))
def test_a_marker_stands_for_the_offset_it_was_issued_for(offset: int) -> None:
    assert decode_marker(encode_marker(offset)) == offset


@pytest.mark.parametrize("raw", ["x", "eDE", "b-1", "!!!!", "o12"])
def test_a_marker_this_service_did_not_issue_is_refused(raw: str) -> None:
    with pytest.raises(ValueError, match=re.escape(raw)):
        decode_marker(raw)


def test_the_last_page_says_it_is_not_truncated_and_carries_no_marker() -> None:
    assert marker_fields(None) == {"IsTruncated": False}
    more = marker_fields(100)
    assert more["IsTruncated"] is True
    assert decode_marker(more["Marker"]) == 100


def test_ram_entities_are_named_in_the_callers_account_or_all_of_their_kind() -> None:
    assert ram_arn("1" * 16, ResourceKind.RAM_USER, "alice") == f"acs:ram:*:{'1' * 16}:user/alice"
    assert ram_arn("1" * 16, ResourceKind.RAM_ROLE, None) == f"acs:ram:*:{'1' * 16}:role/*"
