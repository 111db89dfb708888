"""Pure rules of RAM policies and RAM tags: version ids, inline policy names, the JSON-array parameters."""

from __future__ import annotations

import pytest

from openrd.domain.ram_policies import POLICY_NAME, inline_policy_name, parse_version_id, version_id
from openrd.domain.ram_tags import TagError, parse_keys, parse_names, parse_tags, valid_tag


@pytest.mark.parametrize(("raw", "number"), [("v1", 1), ("v27", 27), ("v123456789", 123456789)])
def test_version_ids_round_trip(raw: str, number: int) -> None:
    assert parse_version_id(raw) == number
    assert version_id(number) == raw


@pytest.mark.parametrize("raw", ["1", "v0", "v01", "V1", "v", "v1 ", "v1234567890", "v-1"])
def test_malformed_version_ids(raw: str) -> None:
    with pytest.raises(ValueError, match=r".*"):
        parse_version_id(raw)


def test_inline_names_are_policy_names() -> None:
    assert inline_policy_name("ops.user_1", 2) == "inline-ops-user-1-2"
    assert POLICY_NAME.fullmatch(inline_policy_name("a" * 64, 99))


def test_json_arrays() -> None:
    assert parse_names('["a","b","a"]') == ("a", "b")
    assert parse_keys('["k"]') == ("k",)
    assert parse_tags('[{"Key":"k","Value":"v"},{"Key":"k","Value":"w"},{"Key":"e"}]') == (("k", "w"), ("e", ""))


@pytest.mark.parametrize(
    "raw", ["", "x", "{}", "[]", "[1]", '[""]', '["a",null]', "[" * 5000, '["' + '","'.join(map(str, range(51))) + '"]']
)
def test_names_that_are_not_an_array_of_names(raw: str) -> None:
    with pytest.raises(ValueError, match=r".*"):
        parse_names(raw)


@pytest.mark.parametrize(
    "raw",
    ['[{"Key":"acs:x","Value":"v"}]', '[{"Key":"Aliyun-x"}]', '[{"Key":""}]', '[{"Key":"k","Value":"acs:v"}]',
     '[{"Key":"k","Value":"' + "v" * 257 + '"}]', '[{"Key":"' + "k" * 129 + '"}]', '[{"Key":1}]'],
)  # fmt: skip
def test_tags_breaking_ram_rules(raw: str) -> None:
    with pytest.raises(TagError):
        parse_tags(raw)


def test_tag_limits() -> None:
    assert valid_tag("k" * 128, "v" * 256)
    assert not valid_tag("k" * 129, "")
    with pytest.raises(ValueError, match=r".*"):
        parse_tags("[" + ",".join(f'{{"Key":"k{i}"}}' for i in range(21)) + "]")
