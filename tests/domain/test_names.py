"""The rules for names a person types: Chinese characters where the documentation allows them, lengths counted in
characters (a Chinese character is one, not three UTF-8 bytes)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openrd.domain import names

HAN = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
ALLOWED_MEMBER = st.one_of(HAN, st.sampled_from("abcXYZ019_.- "))
ALLOWED_FOLDER = st.one_of(HAN, st.sampled_from("abcXYZ019_.-"))


@pytest.mark.parametrize("name", ["研发 一部", "Dev", "研发-Team_1.0", "㐀㐁", "研" * 50, "ab"])
def test_member_display_names_that_are_allowed(name: str) -> None:
    assert names.valid_member_display_name(name)


REFUSED_MEMBER = [
    "研",
    "a",
    "研" * 51,
    "研发/一部",
    "研发，一部",
    "dev\tops",
    "ｄｅｖ",
    "研发😀",
    "",
    "한국어",
    "日本語です",
]


@pytest.mark.parametrize("name", REFUSED_MEMBER)
def test_member_display_names_that_are_refused(name: str) -> None:
    assert not names.valid_member_display_name(name)


@pytest.mark.parametrize("name", ["研发部", "x", "部" * 24, "Prod.web_1-a", "研发-1"])
def test_folder_names_that_are_allowed(name: str) -> None:
    assert names.valid_folder_name(name)


@pytest.mark.parametrize("name", ["", "部" * 25, "a b", "研发 部", "研发/部", "a" * 25, "研发部！"])
def test_folder_names_that_are_refused(name: str) -> None:
    assert not names.valid_folder_name(name)


@given(st.text(ALLOWED_MEMBER, min_size=1, max_size=60))
def test_member_display_name_length_is_counted_in_characters(name: str) -> None:
    assert names.valid_member_display_name(name) == (2 <= len(name) <= names.MAX_MEMBER_DISPLAY_NAME)


@given(st.text(ALLOWED_FOLDER, min_size=1, max_size=30))
def test_folder_name_length_is_counted_in_characters(name: str) -> None:
    assert names.valid_folder_name(name) == (len(name) <= names.MAX_FOLDER_NAME)


def test_account_labels_are_any_printable_text() -> None:
    assert names.ACCOUNT_LABEL.fullmatch("Acme 研发 / ops!")
    assert not names.ACCOUNT_LABEL.fullmatch("tab\there")
    assert not names.ACCOUNT_LABEL.fullmatch("x" * 51)
