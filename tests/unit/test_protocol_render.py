"""Rendering of response bodies: the JSON bytes are what the standard library's compact, non-ASCII-preserving
encoder writes (the wire format the contract tests were written against), and enum fields render as values."""

from __future__ import annotations

import json
from typing import Any
from xml.etree import ElementTree

from hypothesis import given
from hypothesis import strategies as st

from openrd.api.protocol import Format, render_success, to_json
from openrd.domain.directory import JoinMethod, MemberStatus
from openrd.domain.verification import rfc3339_ms

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.text(st.characters(exclude_categories=["Cs"])),  # what the front door can hold: no lone surrogates
)
bodies = st.dictionaries(
    st.text(st.characters(exclude_categories=["Cs"]), max_size=12),
    st.recursive(
        scalars,
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
        max_leaves=20,
    ),
    max_size=8,
)


@given(bodies)
def test_json_bytes_match_the_standard_compact_encoding(body: dict[str, Any]) -> None:
    assert to_json(body) == json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


def test_non_ascii_and_control_characters_on_the_wire() -> None:
    assert to_json({"DisplayName": "财务-01", "Note": 'a\x00b\n"c"\u2028'}) == (
        '{"DisplayName":"财务-01","Note":"a\\u0000b\\n\\"c\\"\u2028"}'.encode()
    )


def test_enum_fields_render_as_their_values_in_json_and_xml() -> None:
    body = {"Account": {"JoinMethod": JoinMethod.INVITED, "Status": MemberStatus.CREATE_SUCCESS}}
    assert json.loads(render_success("GetAccount", body, Format.JSON).body)["Account"] == {
        "JoinMethod": "invited",
        "Status": "CreateSuccess",
    }
    root = ElementTree.fromstring(render_success("GetAccount", body, Format.XML).body)
    assert root.findtext("Account/JoinMethod") == "invited"
    assert root.findtext("Account/Status") == "CreateSuccess"


@given(st.integers(min_value=0, max_value=253402300799999))
def test_rfc3339_ms_is_the_utc_time_with_milliseconds(moment_ms: int) -> None:
    from datetime import UTC, datetime

    expected = datetime.fromtimestamp(moment_ms // 1000, UTC)
    text = rfc3339_ms(moment_ms)
    assert text.endswith("Z")
    assert text[:19] == expected.strftime("%Y-%m-%dT%H:%M:%S")
    assert int(text[20:23]) == moment_ms % 1000
    assert rfc3339_ms(moment_ms) is text  # memoised: the same string object, not formatted again
