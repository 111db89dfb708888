from __future__ import annotations

import phonenumbers
import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from phonenumbers import PhoneNumberType

from openrd.domain.phone import PHONE_SYNTAX, Phone, is_valid_mobile, mask_phone, parse_phone_syntax

_FULLWIDTH = str.maketrans("0123456789", "".join(chr(0xFF10 + i) for i in range(10)))
_ARABIC_INDIC = str.maketrans("0123456789", "".join(chr(0x0660 + i) for i in range(10)))
_SUPERSCRIPT = str.maketrans("4", "\u2074")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("86-13900001234", Phone("86", "13900001234")),
        ("1-2015550123", Phone("1", "2015550123")),
        ("44-7400123456", Phone("44", "7400123456")),
        ("1234-1234", Phone("1234", "1234")),
        ("0-000000000000000", Phone("0", "000000000000000")),
        ("86-12345678", Phone("86", "12345678")),  # syntax only: not a valid mobile, but well-formed
    ],
)
def test_parse_phone_syntax_accepts(value: str, expected: Phone) -> None:
    assert parse_phone_syntax(value) == expected
    assert PHONE_SYNTAX.fullmatch(value)


@pytest.mark.parametrize(
    "value",
    [
        "",
        "-",
        "86",
        "86-",
        "-13900001234",
        "13900001234",
        "+86-13900001234",
        "+8613900001234",
        "86 13900001234",
        "86-139 0000 1234",
        " 86-13900001234",
        "86-13900001234 ",
        "86-13900001234\n",
        "86--13900001234",
        "86-139-0000-1234",
        "86_13900001234",
        "86-1390000123a",
        "12345-13900001234",  # country code too long
        "86-123",  # national number too short
        "86-1234567890123456",  # national number too long (16)
        "86-13900001234".translate(_FULLWIDTH),
        "86-13900001234".translate(_ARABIC_INDIC),
        "86-" + "13900001234".translate(_FULLWIDTH),
        "86".translate(_ARABIC_INDIC) + "-13900001234",
        "86-1390000123" + "4".translate(_SUPERSCRIPT),
        "86\u201313900001234",  # en dash
    ],
)
def test_parse_phone_syntax_rejects(value: str) -> None:
    assert parse_phone_syntax(value) is None
    assert not PHONE_SYNTAX.fullmatch(value)


def test_str_is_wire_form() -> None:
    assert str(Phone("86", "13900001234")) == "86-13900001234"
    phone = parse_phone_syntax("44-7400123456")
    assert phone is not None
    assert str(phone) == "44-7400123456"


@pytest.mark.parametrize(
    "value",
    [
        "86-13900001234",
        "86-18612345678",
        "1-2015550123",  # US: FIXED_LINE_OR_MOBILE
        "44-7400123456",
        "81-9012345678",
    ],
)
def test_valid_mobiles(value: str) -> None:
    phone = parse_phone_syntax(value)
    assert phone is not None
    assert is_valid_mobile(phone)


@pytest.mark.parametrize(
    "phone",
    [
        Phone("86", "12345678"),  # invalid number
        Phone("44", "2071838750"),  # London landline
        Phone("86", "1090123456"),  # Beijing landline
        Phone("81", "312345678"),  # Tokyo landline
        Phone("1", "13900001234"),  # Chinese mobile with the wrong country code
        Phone("44", "13900001234"),
        Phone("86", "7400123456"),
        Phone("44", "07400123456"),  # trunk prefix: not the canonical national number
        Phone("086", "13900001234"),  # country code with a leading zero
        Phone("999", "13900001234"),  # unassigned country code
        Phone("86", "1390000123"),  # one digit short
        Phone("86", "139000012345"),  # one digit too many
        Phone("1", "800FLOWERS"),  # letters never reach phonenumbers
        Phone("+86", "13900001234"),
        Phone("", ""),
    ],
)
def test_invalid_mobiles(phone: Phone) -> None:
    assert not is_valid_mobile(phone)


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        (Phone("86", "13900001234"), "86-139****1234"),
        (Phone("1", "2015550123"), "1-201****0123"),
        (Phone("44", "7400123456"), "44-740****3456"),
        (Phone("86", "12345678"), "86-123****5678"),
        (Phone("86", "123456789012345"), "86-123****2345"),
        (Phone("12", "1234567"), "12-*****67"),
        (Phone("12", "1234"), "12-**34"),
        (Phone("12", "123"), "12-*23"),
        (Phone("12", "12"), "12-**"),
        (Phone("12", ""), "12-"),
    ],
)
def test_masked(phone: Phone, masked: str) -> None:
    assert phone.masked == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("86-13900001234", "86-139****1234"),
        ("1-2015550123", "1-201****0123"),
        ("86-1234", "86-**34"),
        ("+86-13900001234", "+86************"),
        ("86 139 0000 1234", "86 *************"),
        ("secret", "sec***"),
        ("abcd", "ab**"),
        ("abc", "a**"),
        ("a", "*"),
        ("", ""),
    ],
)
def test_mask_phone(value: str, masked: str) -> None:
    assert mask_phone(value) == masked


_phone_like = st.from_regex(PHONE_SYNTAX, fullmatch=True)
_digit_text = st.text(alphabet="0123456789-+ ", max_size=30)
_any_text = st.one_of(st.text(), _phone_like, _digit_text)


def _assert_reveals_little(original: str, masked: str) -> None:
    phone = parse_phone_syntax(original)
    if phone is None:
        # Same length; only characters among the first 3 survive, everything else is '*'.
        assert len(masked) == len(original)
        visible = [i for i, ch in enumerate(masked) if ch != "*"]
        assert all(i < 3 and masked[i] == original[i] for i in visible)
        return
    # A phone keeps its country code; of the national number at most 3 leading and 4 trailing digits.
    prefix = f"{phone.country_code}-"
    assert masked.startswith(prefix)
    body = masked[len(prefix) :]
    number = phone.national_number
    head = len(body) - len(body.lstrip("0123456789"))
    tail = len(body) - len(body.rstrip("0123456789"))
    middle = body[head : len(body) - tail]
    assert head <= 3
    assert tail <= 4
    assert body[:head] == number[:head]
    assert body[len(body) - tail :] == number[len(number) - tail :]
    assert middle
    assert set(middle) == {"*"}


@given(_any_text)
@example("86-13900001234")
@example("86-12345678")
@example("86-1234567")
@example("1234-1234")
@example("12345678")
@example("+86-13900001234")
@example("********")
def test_mask_phone_never_leaks(text: str) -> None:
    masked = mask_phone(text)
    _assert_reveals_little(text, masked)
    # The full original never survives (unless everything past its first 3 characters already was '*').
    if len(text) >= 8 and set(text[3:]) - {"*"}:
        assert text not in masked


@given(_phone_like)
def test_mask_phone_hides_every_phone(text: str) -> None:
    masked = mask_phone(text)
    assert masked != text
    assert text not in masked
    phone = parse_phone_syntax(text)
    assert phone is not None
    assert masked == phone.masked


def _valid_and_mobile(phone: Phone) -> bool:
    """The check as phonenumbers' documentation spells it: valid, and of a mobile type."""
    try:
        parsed = phonenumbers.parse(f"+{phone.country_code}{phone.national_number}", None)
    except phonenumbers.NumberParseException:
        return False
    return (
        str(parsed.country_code) == phone.country_code
        and phonenumbers.national_significant_number(parsed) == phone.national_number
        and phonenumbers.is_valid_number(parsed)
        and phonenumbers.number_type(parsed) in (PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE)
    )


def _examples() -> list[Phone]:
    """Every region's example numbers of every type, so both answers are exercised in every country."""
    out = []
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        for kind in (PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE, PhoneNumberType.TOLL_FREE):
            number = phonenumbers.example_number_for_type(region, kind)
            if number is not None:
                out.append(Phone(str(number.country_code), phonenumbers.national_significant_number(number)))
    return out


def test_the_mobile_check_equals_valid_and_mobile_on_every_example_number() -> None:
    examples = _examples()
    assert sum(map(_valid_and_mobile, examples)) > 200  # the examples hold mobiles and non-mobiles alike
    for phone in examples:
        assert is_valid_mobile(phone) == _valid_and_mobile(phone), phone


@given(country=st.sampled_from(sorted(phonenumbers.COUNTRY_CODE_TO_REGION_CODE)),
       number=st.text(alphabet="0123456789", min_size=4, max_size=15))  # fmt: skip
def test_the_mobile_check_equals_valid_and_mobile_on_any_number(country: int, number: str) -> None:
    phone = Phone(str(country), number)
    assert is_valid_mobile(phone) == _valid_and_mobile(phone)
