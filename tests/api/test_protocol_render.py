"""Rendering of response bodies: the JSON bytes are what the standard library's compact, non-ASCII-preserving
encoder writes (the wire format the SDK tests were written against), and enum fields render as values."""

from __future__ import annotations

import json
from typing import Any
from xml.etree import ElementTree

from hypothesis import given
from hypothesis import strategies as st

from openrd.api.protocol import Format, render_success, to_json
from openrd.domain.directory import JoinMethod, MemberStatus
from openrd.domain.times import rfc3339_ms

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


def xml_char(c: str) -> bool:
    """XML 1.0's Char production, written out from the specification rather than taken from the renderer."""
    point = ord(c)
    return c in "\t\n\r" or 0x20 <= point <= 0xD7FF or 0xE000 <= point <= 0xFFFD or 0x10000 <= point <= 0x10FFFF


any_text = st.text(st.characters(min_codepoint=0, max_codepoint=0x10FFFF, categories=None), max_size=40)
names = st.from_regex(r"[A-Za-z][A-Za-z0-9]{0,8}", fullmatch=True)  # keys are openrd's own field names
xml_scalars = st.one_of(st.none(), st.booleans(), st.integers(), any_text)
xml_bodies = st.dictionaries(
    names,
    st.recursive(
        xml_scalars,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(names, inner, max_size=3),
        max_leaves=15,
    ),
    max_size=6,
)


def expected_elements(name: str, value: Any) -> list[tuple[str, str, list[Any]]]:
    """What an XML reader should find: lists repeat their element, text keeps every character XML can hold."""
    if isinstance(value, list):
        return [element for item in value for element in expected_elements(name, item)]
    if isinstance(value, dict):
        return [(name, "", [e for key, item in value.items() for e in expected_elements(key, item)])]
    if isinstance(value, bool):
        return [(name, "true" if value else "false", [])]
    text = "" if value is None else str(value)
    return [(name, "".join(c if xml_char(c) else "\ufffd" for c in text), [])]


def parsed_elements(element: ElementTree.Element) -> tuple[str, str, list[Any]]:
    return (element.tag, element.text or "", [parsed_elements(child) for child in element])


@given(xml_bodies)
def test_xml_parses_and_keeps_the_printable_content_of_any_string(body: dict[str, Any]) -> None:
    raw = render_success("GetAccount", body, Format.XML).body
    root = ElementTree.fromstring(raw)  # well-formed whatever the strings held: no parser error
    assert parsed_elements(root) == expected_elements("GetAccountResponse", body)[0]


def test_xml_replaces_what_xml_cannot_hold_and_keeps_the_rest() -> None:
    note = "a\x00b\x1fc\x7fd\r\ne\t<f>&'\"\ud800\ufffe\U0001f600"
    raw = render_success("GetHandshake", {"Note": note}, Format.XML).body
    assert ElementTree.fromstring(raw).findtext("Note") == "a\ufffdb\ufffdc\x7fd\r\ne\t<f>&'\"\ufffd\ufffd\U0001f600"
    assert b"&#13;" in raw  # a raw CR would reach the reader as a line feed
