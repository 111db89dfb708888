"""Property tests of openrd.domain.conditions against Python's own comparisons (ipaddress, Fraction, datetime)."""

from __future__ import annotations

import ipaddress
from datetime import UTC, datetime, timedelta, timezone
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from openrd.domain.conditions import (
    RequestContext,
)
from support.policies import holds

# --------------------------------------------------------------------------------------------- properties

ipv4 = st.ip_addresses(v=4)
ipv6 = st.ip_addresses(v=6)


@st.composite
def networks(draw: st.DrawFn) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    address = draw(st.one_of(ipv4, ipv6))
    prefix = draw(st.integers(min_value=0, max_value=address.max_prefixlen))
    return ipaddress.ip_network(f"{address}/{prefix}", strict=False)


@given(address=st.one_of(ipv4, ipv6), network=networks())
def test_ip_address_agrees_with_ipaddress_membership(
    address: ipaddress.IPv4Address | ipaddress.IPv6Address, network: ipaddress.IPv4Network | ipaddress.IPv6Network
) -> None:
    mapped = getattr(address, "ipv4_mapped", None)
    same_version = address.version == network.version
    expected = address in network if same_version else (mapped is not None and mapped in network)
    context = RequestContext(source_ip=str(address))
    assert holds("IpAddress", "acs:SourceIp", str(network), context=context) is expected
    assert holds("NotIpAddress", "acs:SourceIp", str(network), context=context) is not expected


@given(address=st.one_of(ipv4, ipv6))
def test_an_address_is_in_its_own_host_range(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> None:
    context = RequestContext(source_ip=address)
    assert holds("IpAddress", "acs:SourceIp", str(address), context=context)
    assert holds("IpAddress", "acs:SourceIp", f"{address}/{address.max_prefixlen}", context=context)


decimal_texts = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.decimals(allow_nan=False, allow_infinity=False, places=4).map(str),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
)
NUMERIC_ORACLES = {
    "NumericEquals": lambda a, b: a == b,
    "NumericNotEquals": lambda a, b: a != b,
    "NumericLessThan": lambda a, b: a < b,
    "NumericLessThanEquals": lambda a, b: a <= b,
    "NumericGreaterThan": lambda a, b: a > b,
    "NumericGreaterThanEquals": lambda a, b: a >= b,
}


@given(request=decimal_texts, policy=decimal_texts, operator=st.sampled_from(sorted(NUMERIC_ORACLES)))
def test_numeric_operators_agree_with_exact_comparison(request: str, policy: str, operator: str) -> None:
    context = RequestContext(extra={"acs:N": request})
    expected = NUMERIC_ORACLES[operator](Fraction(request), Fraction(policy))
    assert holds(operator, "acs:N", policy, context=context) is expected


@given(number=st.integers(min_value=-(10**20), max_value=10**20))
def test_a_number_equals_its_other_spellings(number: int) -> None:
    context = RequestContext(extra={"acs:N": str(number)})
    for spelling in (f"{number}.0", f"{number}e0", f"{number * 10}e-1", f"{number}.000"):
        assert holds("NumericEquals", "acs:N", spelling, context=context)
        assert not holds("NumericNotEquals", "acs:N", spelling, context=context)


aware_datetimes = st.datetimes(
    min_value=datetime(1970, 1, 2),
    max_value=datetime(2200, 1, 1),
    timezones=st.just(UTC),
)
offsets = st.integers(min_value=-23 * 60 - 59, max_value=23 * 60 + 59).map(lambda m: timezone(timedelta(minutes=m)))


@given(now=aware_datetimes, moment=aware_datetimes, zone=offsets)
def test_date_operators_agree_with_datetime_comparison(now: datetime, moment: datetime, zone: timezone) -> None:
    context = RequestContext(current_time=now)
    spelled = moment.astimezone(zone).isoformat()
    assert holds("DateLessThan", "acs:CurrentTime", spelled, context=context) is (now < moment)
    assert holds("DateGreaterThanEquals", "acs:CurrentTime", spelled, context=context) is (now >= moment)
    assert holds("DateEquals", "acs:CurrentTime", spelled, context=context) is (now == moment)
    assert holds("DateNotEquals", "acs:CurrentTime", spelled, context=context) is (now != moment)
