"""RAM's name and free-text parameters against a reference model of their documented rules, and the Marker paging
helper against slicing."""

from __future__ import annotations

import string
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openrd import errors
from openrd.api import ram_params as rp
from openrd.api.handlers.ram_roles import ROLE_NAME
from openrd.services.ram_users import page_of

USER_CHARS = frozenset(string.ascii_letters + string.digits + "._-")
ROLE_CHARS = frozenset(string.ascii_letters + string.digits + ".-")
names = st.text(alphabet=st.sampled_from([*sorted(USER_CHARS), "_", "@", " ", "/", "名", "é"]), max_size=70)


def _outcome(read: Callable[[str], object], raw: str) -> str:
    try:
        read(raw)
    except errors.OpenRDError as exc:
        return exc.code
    return "OK"


def _expected(raw: str, allowed: frozenset[str], name: str) -> str:
    if raw == "":
        return "MissingParameter"
    if len(raw) > 64:
        return f"InvalidParameter.{name}.Length"
    return "OK" if set(raw) <= allowed else f"InvalidParameter.{name}.InvalidChars"


@given(raw=names)
def test_user_names_follow_the_documented_rule(raw: str) -> None:
    assert _outcome(lambda v: rp.USER_NAME.read({"UserName": v}), raw) == _expected(raw, USER_CHARS, "UserName")


@given(raw=names)
def test_role_names_follow_the_documented_rule(raw: str) -> None:
    assert _outcome(lambda v: ROLE_NAME.read({"RoleName": v}), raw) == _expected(raw, ROLE_CHARS, "RoleName")


@given(raw=st.text(max_size=140))
def test_display_names_count_characters_not_bytes(raw: str) -> None:
    param = rp.display_name(
        "DisplayName", errors.InvalidParameterDisplayNameLength, errors.InvalidParameterDisplayNameInvalidChars
    )
    outcome = _outcome(lambda v: param.read({"DisplayName": v}), raw)
    if any(ord(c) < 32 or ord(c) == 127 for c in raw):
        assert outcome == "InvalidParameter.DisplayName.InvalidChars"
    else:
        assert outcome == ("OK" if len(raw) <= 128 else "InvalidParameter.DisplayName.Length")


@pytest.mark.parametrize("wire", ["NewComments", "NewDisplayName", "NewEmail", "NewMobilePhone"])
def test_an_empty_new_field_clears_and_an_absent_one_keeps(wire: str) -> None:
    param = {
        "NewComments": rp.comments("NewComments", errors.InvalidParameterNewCommentsLength),
        "NewDisplayName": rp.display_name(
            "NewDisplayName",
            errors.InvalidParameterNewDisplayNameLength,
            errors.InvalidParameterNewDisplayNameInvalidChars,
        ),
        "NewEmail": rp.email("NewEmail", errors.InvalidParameterNewEmailFormat),
        "NewMobilePhone": rp.mobile_phone("NewMobilePhone", errors.InvalidParameterNewMobilePhoneFormat),
    }[wire]
    assert (param.read({wire: ""}), param.read({})) == ("", None)


@given(total=st.integers(0, 30), offset=st.integers(0, 35), limit=st.integers(1, 10))
def test_a_page_is_the_slice_and_says_whether_more_follow(total: int, offset: int, limit: int) -> None:
    rows = list(range(total))
    page = page_of(rows[offset : offset + limit + 1], offset, limit)
    assert list(page.items) == rows[offset : offset + limit]
    assert page.next_offset == (offset + limit if total > offset + limit else None)
