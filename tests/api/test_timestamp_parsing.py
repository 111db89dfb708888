"""The request timestamp is read field by field; it must agree with ``strptime`` on every well-shaped string."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openrd import errors
from openrd.api.request import parse_timestamp

digits = st.text(alphabet="0123456789", min_size=1, max_size=1)


def reference(value: str) -> datetime | None:
    try:
        return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError:
        return None


@given(st.lists(digits, min_size=14, max_size=14))
def test_any_well_shaped_stamp_parses_as_strptime_does(d: list[str]) -> None:
    value = "{}{}{}{}-{}{}-{}{}T{}{}:{}{}:{}{}Z".format(*d)
    expected = reference(value)
    if expected is None:
        with pytest.raises(errors.OpenRDError) as raised:
            parse_timestamp(value)
        assert raised.value.code == "InvalidTimeStamp.Format"
    else:
        assert parse_timestamp(value) == expected


@given(st.datetimes(min_value=datetime(1000, 1, 1), max_value=datetime(9999, 12, 31)))
def test_every_real_second_round_trips(moment: datetime) -> None:
    moment = moment.replace(microsecond=0, tzinfo=UTC)
    assert parse_timestamp(moment.strftime("%Y-%m-%dT%H:%M:%SZ")) == moment


@pytest.mark.parametrize(
    "value", ["2024-02-30T00:00:00Z", "2023-02-29T00:00:00Z", "2024-01-01T24:00:00Z", "2024-01-01T00:60:00Z",
              "2024-01-01T00:00:60Z", "2024-00-01T00:00:00Z", "2024-01-00T00:00:00Z", "２０２４-01-01T00:00:00Z"],
)  # fmt: skip
def test_impossible_dates_are_refused(value: str) -> None:
    with pytest.raises(errors.OpenRDError) as raised:
        parse_timestamp(value)
    assert raised.value.code == "InvalidTimeStamp.Format"


@given(
    st.datetimes(min_value=datetime(1000, 1, 1), max_value=datetime(9999, 12, 31)),
    st.integers(min_value=1, max_value=9),
)
def test_a_fraction_of_the_second_is_read_to_the_microsecond(moment: datetime, digits: int) -> None:
    fraction = f"{moment.microsecond:06d}000"[:digits]
    value = moment.strftime("%Y-%m-%dT%H:%M:%S") + f".{fraction}Z"
    assert parse_timestamp(value) == moment.replace(microsecond=int(fraction[:6].ljust(6, "0")), tzinfo=UTC)


def test_javascript_to_iso_string_is_accepted() -> None:
    # What `new Date(Date.UTC(2026, 11, 6, 21, 46, 28, 47)).toISOString()` prints.
    assert parse_timestamp("2026-12-06T21:46:28.047Z") == datetime(2026, 12, 6, 21, 46, 28, 47000, tzinfo=UTC)


BAD_FRACTIONS = [
    "2026-12-06T21:46:28.Z",
    "2026-12-06T21:46:28.0470000000Z",  # ten digits: finer than a nanosecond
    "2026-12-06T21:46:28,047Z",
    "2026-12-06T21:46:28.04aZ",
    "2026-12-06T21:46.047Z",
    "2026-12-06T21:46:28.047",
    "2026-12-06T21:46:28.٠٤٧Z",  # Arabic-Indic digits
]


@pytest.mark.parametrize("value", BAD_FRACTIONS)
def test_malformed_fractions_are_refused(value: str) -> None:
    with pytest.raises(errors.OpenRDError) as raised:
        parse_timestamp(value)
    assert raised.value.code == "InvalidTimeStamp.Format"
