"""Unit tests for openrd.domain.globs (RAM ``*`` / ``?`` wildcard matching)."""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from openrd.domain.globs import compile_glob, glob_match


def reference_match(pattern: str, value: str, *, ignore_case: bool) -> bool:
    """The obvious model: translate to a regex (only ``*`` and ``?`` are special) and fullmatch."""
    regex = "".join(".*" if char == "*" else "." if char == "?" else re.escape(char) for char in pattern)
    flags = re.DOTALL | (re.IGNORECASE if ignore_case else 0)
    return re.fullmatch(regex, value, flags) is not None


@pytest.mark.parametrize(
    ("pattern", "value", "expected"),
    [
        ("", "", True),
        ("", "a", False),
        ("*", "", True),
        ("*", "anything at all", True),
        ("abc", "abc", True),
        ("abc", "abcd", False),
        ("abc", "ab", False),
        ("a?c", "abc", True),
        ("a?c", "ac", False),
        ("???", "abc", True),
        ("???", "abcd", False),
        ("resourcemanager:Get*", "resourcemanager:GetAccount", True),
        ("resourcemanager:Get*", "resourcemanager:ListAccounts", False),
        ("*Account", "resourcemanager:GetAccount", True),
        ("*Account", "resourcemanager:GetAccounts", False),
        ("a*b*c", "abc", True),
        ("a*b*c", "a--b--c", True),
        ("a*b*c", "a--c--b", False),
        ("a**b", "ab", True),
        ("ab*ab", "ab", False),  # head and tail may not overlap
        ("ab*ba", "aba", False),
        ("ab*ba", "abba", True),
        ("*a?a*", "xaxa", True),
        ("*a?a*", "aa", False),
        ("rd-*/r-*/fd-x/*", "rd-1/r-2/fd-x/123/", True),
        ("rd-*/r-*/fd-x/*", "rd-1/r-2/fd-y/fd-x", False),
        ("line*end", "line\nend", True),  # `*` spans newlines: values are not lines
        ("a.c", "abc", False),  # regex metacharacters are literal
        ("[ab]", "a", False),
        ("[ab]", "[ab]", True),
    ],
)
def test_glob_match_examples(pattern: str, value: str, expected: bool) -> None:
    assert glob_match(pattern, value, ignore_case=False) is expected


def test_case_sensitive_unless_asked() -> None:
    assert not glob_match("Resourcemanager:get*", "resourcemanager:GetAccount", ignore_case=False)
    assert glob_match("Resourcemanager:get*", "resourcemanager:GetAccount", ignore_case=True)
    assert glob_match("*ACCOUNT", "getaccount", ignore_case=True)
    assert glob_match("g?T*", "GeTx", ignore_case=True)


def test_ignore_case_folds_beyond_ascii() -> None:
    assert glob_match("STRASSE*", "straße-1", ignore_case=True)
    assert not glob_match("STRASSE*", "straße-1", ignore_case=False)


def test_compiled_glob_is_reused() -> None:
    assert compile_glob("a*b", ignore_case=False) is compile_glob("a*b", ignore_case=False)
    assert compile_glob("a*b", ignore_case=False).match("a-b")


def test_pathological_patterns_finish() -> None:
    # A backtracking matcher explores exponentially many splits here; this one makes one pass per segment.
    assert not glob_match("*a" * 80 + "b", "a" * 200, ignore_case=False)
    assert glob_match("*a" * 80 + "*", "a" * 200, ignore_case=False)
    assert not glob_match("*a?" * 60 + "b", "a" * 300, ignore_case=True)
    assert not glob_match("a*" * 88, "a" * 87, ignore_case=False)  # a 176-character pattern


ALPHABET = "abAB"
patterns = st.text(alphabet=ALPHABET + "*?", max_size=8)
values = st.text(alphabet=ALPHABET, max_size=10)


@given(pattern=patterns, value=values, ignore_case=st.booleans())
@example(pattern="*a*", value="", ignore_case=False)
@example(pattern="a*a", value="a", ignore_case=False)
@example(pattern="?*?", value="a", ignore_case=False)
def test_glob_match_agrees_with_the_regex_model(pattern: str, value: str, ignore_case: bool) -> None:
    assert glob_match(pattern, value, ignore_case=ignore_case) == reference_match(
        pattern, value, ignore_case=ignore_case
    )


@given(value=values, ignore_case=st.booleans())
def test_a_value_matches_itself_and_star(value: str, ignore_case: bool) -> None:
    assert glob_match(value, value, ignore_case=ignore_case)
    assert glob_match("*", value, ignore_case=ignore_case)
    assert glob_match("?" * len(value), value, ignore_case=ignore_case)


@given(pattern=patterns, value=values)
def test_matching_a_value_with_its_pattern_characters_substituted(pattern: str, value: str) -> None:
    # Replace each `?` with some character and each `*` with some run: the result always matches the pattern.
    built = "".join(value[:2] if char == "*" else (value[:1] or "a") if char == "?" else char for char in pattern)
    assert glob_match(pattern, built, ignore_case=False)
