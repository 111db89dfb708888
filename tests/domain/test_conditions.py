"""Unit tests for openrd.domain.conditions (RAM policy Condition validation and evaluation)."""

from __future__ import annotations

import ipaddress
import re
from datetime import UTC, datetime

import pytest

from openrd.domain.conditions import (
    OPERATORS,
    ConditionBlock,
    ConditionError,
    RequestContext,
    compile_conditions,
    conditions_hold,
    parse_condition_date,
    validate_condition_block,
)
from support.policies import CONTEXT, EMPTY, NOW, holds

# --------------------------------------------------------------------------------------------- each operator

# (operator, key, a value that matches CONTEXT, a value that does not)
OPERATOR_CASES = [
    ("StringEquals", "sts:ExternalId", "abcd1234", "ABCD1234"),
    ("StringNotEquals", "sts:ExternalId", "other", "abcd1234"),
    ("StringEqualsIgnoreCase", "acs:PrincipalARN", "ACS:RAM::1234567890123456:ROLE/deployer", "acs:ram::1:role/x"),
    ("StringNotEqualsIgnoreCase", "acs:PrincipalARN", "acs:ram::1:role/x", "ACS:RAM::1234567890123456:ROLE/DEPLOYER"),
    ("StringLike", "acs:PrincipalRDPath", "rd-abc/r-xyz/fd-dev/*", "rd-abc/r-xyz/fd-prod/*"),
    ("StringNotLike", "acs:PrincipalRDPath", "rd-abc/*/fd-prod/*", "rd-???/*"),
    ("NumericEquals", "acs:RequestCount", "42.0", "41"),
    ("NumericNotEquals", "acs:RequestCount", "41", "4.2e1"),
    ("NumericLessThan", "acs:RequestCount", "43", "42"),
    ("NumericLessThanEquals", "acs:RequestCount", "42", "41.999"),
    ("NumericGreaterThan", "acs:RequestCount", "-1", "42"),
    ("NumericGreaterThanEquals", "acs:RequestCount", "42", "42.0001"),
    ("DateEquals", "acs:CurrentTime", "2026-12-07T20:00:00+08:00", "2026-12-07T12:00:01Z"),
    ("DateNotEquals", "acs:CurrentTime", "2026-12-07T12:00:01Z", "2026-12-07T12:00:00.000Z"),
    ("DateLessThan", "acs:CurrentTime", "2026-12-07T12:00:00.000001Z", "2026-12-07T12:00:00Z"),
    ("DateLessThanEquals", "acs:CurrentTime", "2026-12-07T12:00:00Z", "2026-12-07T11:59:59Z"),
    ("DateGreaterThan", "acs:CurrentTime", "2026-12-07", "2026-12-07T12:00:00Z"),
    ("DateGreaterThanEquals", "acs:CurrentTime", "2026-12-07T07:00:00-05:00", "2026-12-08"),
    ("Bool", "acs:SecureTransport", "TRUE", "false"),
    ("IpAddress", "acs:SourceIp", "10.0.0.0/8", "192.168.0.0/16"),
    ("NotIpAddress", "acs:SourceIp", "192.168.0.0/16", "10.1.2.3"),
]

# A good value and values each operator family can never match (refused when the policy is written).
GOOD_VALUES = {"Numeric": "1", "Date": "2026-01-01", "Bool": "true", "IpAddress": "10.0.0.0/8", "NotIpAddress": "::1"}
BAD_VALUES = {
    "Numeric": ["abc", "", "1,5", "NaN", "Infinity", "0x10", "1e"],
    "Date": [
        "yesterday",
        "2026-13-01",
        "2026-02-30T00:00:00Z",
        "2026-12-07T25:00:00Z",
        "2026-12-07T00:00:00+24:00",
        "1765065600",
        "2026/12/07",
    ],
    "Bool": ["yes", "1", "", "truthy"],
    "IpAddress": ["10.0.0.0/33", "300.1.1.1", "10/8", "not an ip", ""],
    "NotIpAddress": ["10.0.0.0/33", "::g"],
}


@pytest.mark.parametrize(("operator", "key", "matching", "other"), OPERATOR_CASES)
def test_operator_matches_and_does_not(operator: str, key: str, matching: str, other: str) -> None:
    assert holds(operator, key, matching)
    assert not holds(operator, key, other)


def test_every_operator_is_covered() -> None:
    assert {case[0] for case in OPERATOR_CASES} == OPERATORS
    assert len(OPERATORS) == 21


@pytest.mark.parametrize(("operator", "key", "matching", "other"), OPERATOR_CASES)
def test_a_missing_key_is_false_for_every_operator(operator: str, key: str, matching: str, other: str) -> None:
    assert not holds(operator, key, matching, context=EMPTY)
    assert not holds(operator, key, other, context=EMPTY)
    assert not holds(operator, "acs:NoSuchKey", matching)


@pytest.mark.parametrize(
    ("operator", "family", "value"),
    [
        (operator, family, value)
        for operator in sorted(OPERATORS)
        for family, bad in BAD_VALUES.items()
        if operator.startswith(family)
        for value in bad
    ],
)
def test_a_value_its_operator_can_never_match_is_refused(operator: str, family: str, value: str) -> None:
    validate_condition_block({operator: {"acs:SomeKey": (GOOD_VALUES[family],)}})
    with pytest.raises(ConditionError, match=re.escape(f"{operator}.acs:SomeKey: {value!r} is not")):
        validate_condition_block({operator: {"acs:SomeKey": (GOOD_VALUES[family], value)}})


@pytest.mark.parametrize("operator", ["StringEquals", "StringNotLike", "StringEqualsIgnoreCase"])
def test_string_operators_accept_any_string(operator: str) -> None:
    validate_condition_block({operator: {"acs:SomeKey": ("", "*", "a?b", "[x]", "10.0.0.0/33")}})


def test_not_operators_mean_none_of_the_values() -> None:
    assert not holds("StringNotEquals", "sts:ExternalId", "x", "abcd1234")
    assert holds("StringNotEquals", "sts:ExternalId", "x", "y")
    assert not holds("NotIpAddress", "acs:SourceIp", "192.168.0.0/16", "10.0.0.0/8")
    assert holds("NotIpAddress", "acs:SourceIp", "192.168.0.0/16", "172.16.0.0/12")
    assert not holds("StringNotLike", "acs:PrincipalAccount", "9*", "1*")
    assert not holds("NumericNotEquals", "acs:RequestCount", "1", "42")
    assert not holds("DateNotEquals", "acs:CurrentTime", "2026-01-01", "2026-12-07T12:00:00Z")


# --------------------------------------------------------------------------------------------- AND / OR


def test_values_of_one_key_or_together() -> None:
    assert holds("StringEquals", "sts:ExternalId", "nope", "abcd1234", "other")
    assert not holds("StringEquals", "sts:ExternalId", "nope", "other")
    assert holds("IpAddress", "acs:SourceIp", "192.168.0.0/16", "10.1.2.3")


def test_keys_of_one_operator_and_together() -> None:
    both = {"StringEquals": {"sts:ExternalId": ("abcd1234",), "acs:PrincipalAccount": ("1234567890123456",)}}
    one_wrong = {"StringEquals": {"sts:ExternalId": ("abcd1234",), "acs:PrincipalAccount": ("999",)}}
    one_absent = {"StringEquals": {"sts:ExternalId": ("abcd1234",), "acs:Unknown": ("x",)}}
    assert conditions_hold(both, CONTEXT)
    assert not conditions_hold(one_wrong, CONTEXT)
    assert not conditions_hold(one_absent, CONTEXT)


def test_operators_of_a_block_and_together() -> None:
    block = {
        "IpAddress": {"acs:SourceIp": ("10.0.0.0/8",)},
        "Bool": {"acs:SecureTransport": ("true",)},
        "DateLessThan": {"acs:CurrentTime": ("2027-01-01T00:00:00Z",)},
    }
    validate_condition_block(block)
    assert conditions_hold(block, CONTEXT)
    assert not conditions_hold(block, RequestContext(current_time=NOW, secure_transport=False, source_ip="10.0.0.1"))
    assert not conditions_hold(block, RequestContext(secure_transport=True, source_ip="10.0.0.1"))
    assert not conditions_hold({**block, "DateLessThan": {"acs:CurrentTime": ("2026-01-01T00:00:00Z",)}}, CONTEXT)


def test_an_empty_block_holds() -> None:
    validate_condition_block({})
    assert conditions_hold({}, EMPTY)
    assert compile_conditions({}).holds(EMPTY)


# --------------------------------------------------------------------------------------------- keys and context


def test_condition_keys_are_case_insensitive() -> None:
    assert holds("IpAddress", "ACS:SOURCEIP", "10.0.0.0/8")
    assert holds("IpAddress", "acs:sourceip", "10.0.0.0/8")
    assert holds("StringEquals", "STS:externalID", "abcd1234")
    assert CONTEXT["acs:SOURCEIP"] == ipaddress.ip_address("10.1.2.3")
    assert "Acs:CurrentTime" in CONTEXT


def test_operator_names_are_exact() -> None:
    with pytest.raises(ConditionError, match="did you mean 'StringEquals'"):
        validate_condition_block({"stringequals": {"sts:ExternalId": ("x",)}})
    with pytest.raises(ConditionError, match="unknown condition operator 'StringEqualsIfExists'"):
        validate_condition_block({"StringEqualsIfExists": {"sts:ExternalId": ("x",)}})


def test_an_unknown_operator_never_holds_at_evaluation() -> None:
    assert not conditions_hold({"StringMatchesSomehow": {"sts:ExternalId": ("abcd1234",)}}, CONTEXT)


def test_a_bad_value_that_skipped_validation_never_matches_and_never_raises() -> None:
    assert not conditions_hold({"IpAddress": {"acs:SourceIp": ("10.0.0.0/33",)}}, CONTEXT)
    assert conditions_hold({"IpAddress": {"acs:SourceIp": ("10.0.0.0/33", "10.0.0.0/8")}}, CONTEXT)
    assert not conditions_hold({"NumericEquals": {"acs:RequestCount": ("forty-two",)}}, CONTEXT)
    # A range that does not parse excludes nothing, so NotIpAddress still looks at the good ones.
    assert conditions_hold({"NotIpAddress": {"acs:SourceIp": ("bogus", "192.168.0.0/16")}}, CONTEXT)


def test_unknown_keys_are_accepted_and_absent() -> None:
    block = {"StringEquals": {"oss:Prefix": ("photos/",)}}
    validate_condition_block(block)
    assert not conditions_hold(block, CONTEXT)
    assert not conditions_hold({"StringNotEquals": {"oss:Prefix": ("photos/",)}}, CONTEXT)


def test_mfa_is_never_present() -> None:
    assert holds("Bool", "acs:MFAPresent", "false", context=EMPTY)
    assert not holds("Bool", "acs:MFAPresent", "true")


def test_multi_valued_keys_hold_when_any_value_does() -> None:
    assert holds("StringEquals", "acs:ResourceTag/team", "ops")
    assert holds("StringLike", "acs:ResourceTag/team", "d*")
    assert not holds("StringEquals", "acs:ResourceTag/team", "prod")
    # "some value matches none of the listed ones": ops is not dev
    assert holds("StringNotEquals", "acs:ResourceTag/team", "dev")
    assert not holds("StringNotEquals", "acs:ResourceTag/team", "dev", "ops")
    empty = RequestContext(extra={"acs:ResourceTag/team": ()})
    assert not holds("StringNotEquals", "acs:ResourceTag/team", "dev", context=empty)


def test_a_request_value_of_the_wrong_type_is_false() -> None:
    assert not holds("NumericEquals", "sts:ExternalId", "1")
    assert not holds("NumericNotEquals", "sts:ExternalId", "1")
    assert not holds("Bool", "acs:SourceIp", "true")
    assert not holds("IpAddress", "acs:PrincipalAccount", "0.0.0.0/0")
    assert not holds("DateNotEquals", "acs:SecureTransport", "2026-01-01")


def test_string_operators_see_typed_values_in_canonical_spelling() -> None:
    assert holds("StringEquals", "acs:SecureTransport", "true")
    assert holds("StringEquals", "acs:SourceIp", "10.1.2.3")
    assert holds("StringEquals", "acs:CurrentTime", "2026-12-07T12:00:00Z")
    assert holds("StringLike", "acs:CurrentTime", "2026-12-*")


def test_string_values_in_extra_are_read_as_the_operator_type() -> None:
    context = RequestContext(extra={"acs:Flag": "True", "acs:When": "2026-12-07T00:00:00Z", "acs:Peer": "::1"})
    assert holds("Bool", "acs:Flag", "true", context=context)
    assert holds("DateEquals", "acs:When", "2026-12-07", context=context)
    assert holds("IpAddress", "acs:Peer", "::1/128", context=context)


def test_source_ip_that_is_not_an_address_never_matches_an_ip_operator() -> None:
    context = RequestContext(source_ip="testclient")
    assert context["acs:SourceIp"] == "testclient"
    assert not holds("IpAddress", "acs:SourceIp", "0.0.0.0/0", context=context)
    assert not holds("NotIpAddress", "acs:SourceIp", "10.0.0.0/8", context=context)
    assert holds("StringEquals", "acs:SourceIp", "testclient", context=context)


def test_ipv4_mapped_client_addresses_match_ipv4_ranges() -> None:
    context = RequestContext(source_ip="::ffff:10.1.2.3")
    assert holds("IpAddress", "acs:SourceIp", "10.0.0.0/8", context=context)
    assert not holds("NotIpAddress", "acs:SourceIp", "10.0.0.0/8", context=context)
    assert holds("IpAddress", "acs:SourceIp", "::ffff:0:0/96", context=context)
    assert not holds("IpAddress", "acs:SourceIp", "::/0", context=RequestContext(source_ip="10.1.2.3"))


def test_a_naive_current_time_is_utc() -> None:
    context = RequestContext(current_time=datetime(2026, 12, 7, 12, 0, 0))  # naive on purpose
    assert holds("DateEquals", "acs:CurrentTime", "2026-12-07T12:00:00Z", context=context)


def test_request_context_is_immutable_and_refuses_duplicate_keys() -> None:
    with pytest.raises(AttributeError):
        CONTEXT.source_ip = "10.9.9.9"
    assert CONTEXT["acs:SourceIp"] == ipaddress.ip_address("10.1.2.3")
    with pytest.raises(ValueError, match="given twice"):
        RequestContext(source_ip="10.0.0.1", extra={"ACS:SourceIp": "10.0.0.2"})
    with pytest.raises(ValueError, match="given twice"):
        RequestContext(extra={"acs:SourceIp": "10.0.0.2"})  # a known key belongs in its own field
    with pytest.raises(ValueError, match="given twice"):
        RequestContext(extra={"acs:x": "1", "ACS:X": "2"})


def test_request_context_is_a_mapping() -> None:
    assert set(EMPTY) == {"acs:mfapresent"}
    assert len(CONTEXT) == 11
    assert dict(RequestContext(principal_rd_id="rd-1")) == {"acs:mfapresent": False, "acs:principalrdid": "rd-1"}
    assert "rd-abc" in repr(CONTEXT)


# --------------------------------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("block", "message"),
    [
        ({"StringEquals": {}}, "names no condition key"),
        ({"StringEquals": {"": ("x",)}}, "empty condition key"),
        ({"StringEquals": {"sts:ExternalId": ()}}, "has no values"),
        ({"Bool": {"acs:SecureTransport": ("true", "maybe")}}, "'maybe' is not true or false"),
        ({"IpAddress": {"acs:SourceIp": ("10.0.0.0/8", "10.0.0.300")}}, "not an IP address or CIDR range"),
        ({"NumericLessThan": {"acs:RequestCount": ("ten",)}}, "not a decimal number"),
        ({"DateLessThan": {"acs:CurrentTime": ("tomorrow",)}}, "not an RFC 3339 date and time"),
    ],
)
def test_validation_errors_say_what_is_wrong(block: ConditionBlock, message: str) -> None:
    with pytest.raises(ConditionError, match=message):
        validate_condition_block(block)


def test_condition_error_is_a_value_error() -> None:
    assert issubclass(ConditionError, ValueError)


def test_valid_blocks_pass_validation() -> None:
    validate_condition_block(
        {
            "IpAddress": {"acs:SourceIp": ("10.0.0.0/8", "2001:db8::/32", "192.168.1.7", "10.1.2.3/8")},
            "NumericGreaterThan": {"acs:RequestCount": ("1", "-2.5", "1e3", ".5", "+7")},
            "DateGreaterThan": {
                "acs:CurrentTime": ("2026-12-07", "2026-12-07T00:00Z", "2026-12-07T00:00:00.123456789Z")
            },
            "Bool": {"acs:SecureTransport": ("True", "FALSE")},
        }
    )


# --------------------------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-07T00:00:00Z", datetime(2026, 12, 7, tzinfo=UTC)),
        ("2026-12-07t00:00:00z", datetime(2026, 12, 7, tzinfo=UTC)),
        ("2026-12-07 00:00:00Z", datetime(2026, 12, 7, tzinfo=UTC)),
        ("2026-12-07", datetime(2026, 12, 7, tzinfo=UTC)),
        ("2026-12-07T08:00:00", datetime(2026, 12, 7, 8, tzinfo=UTC)),
        ("2019-08-12T17:00:00+08:00", datetime(2019, 8, 12, 9, tzinfo=UTC)),
        ("2026-12-07T00:00:00-0530", datetime(2026, 12, 7, 5, 30, tzinfo=UTC)),
        ("2026-12-07T00:00:00.5Z", datetime(2026, 12, 7, 0, 0, 0, 500000, tzinfo=UTC)),
        ("2026-12-07T00:00:00.1234567Z", datetime(2026, 12, 7, 0, 0, 0, 123456, tzinfo=UTC)),
        ("2026-12-07T10:30+01:00", datetime(2026, 12, 7, 9, 30, tzinfo=UTC)),
    ],
)
def test_dates_parse(text: str, expected: datetime) -> None:
    parsed = parse_condition_date(text)
    assert parsed == expected
    assert parsed is not None
    assert parsed.tzinfo is not None


@pytest.mark.parametrize(
    "text",
    [
        "",
        "2026-12-7",
        "2026-12-07T",
        "2026-12-07T00",
        "2026-12-07T00:00:60Z",
        "2026-12-07T00:00:00+08",
        "2026-12-07T00:00:00+08:60",
        "1765065600",
        "２０２６-12-07",
        "2026-12-07T00:00:00Z junk",
    ],
)
def test_bad_dates_do_not_parse(text: str) -> None:
    assert parse_condition_date(text) is None
