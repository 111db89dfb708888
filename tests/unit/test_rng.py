"""The OS-CSPRNG draws behind codes and ids: right length and alphabet, and uniform (no modulo bias)."""

from __future__ import annotations

import math
import string
from collections import Counter

import pytest

from openrd.adapters.rng import SystemRandomSource, uniform_choice


@pytest.mark.parametrize("length", [0, 1, 6, 24, 300])
def test_length_and_alphabet(length: int) -> None:
    rng = SystemRandomSource()
    digits, alnum = rng.digits(length), rng.alnum(length)
    assert len(digits) == len(alnum) == length
    assert set(digits) <= set(string.digits)
    assert set(alnum) <= set(string.ascii_letters + string.digits)


@pytest.mark.parametrize("alphabet", [string.digits, string.ascii_letters + string.digits, "abc"])
def test_every_character_is_equally_likely(alphabet: str) -> None:
    """Pearson's chi-squared over 500,000 draws against its 1-in-10^9 upper quantile (Wilson-Hilferty, z = 6), so
    a correct generator fails about never. A plain ``byte % size`` over-draws the first ``256 % size`` characters
    (digits: 26 vs 25 chances in 256) and scores ~210 for digits (bound ~64) and ~3,500 for letters+digits."""
    draws, df = 500_000, len(alphabet) - 1
    counts = Counter(uniform_choice(alphabet, draws))
    expected = draws / len(alphabet)
    chi2 = sum((counts[c] - expected) ** 2 / expected for c in alphabet)
    bound = df * (1 - 2 / (9 * df) + 6 * math.sqrt(2 / (9 * df))) ** 3
    assert set(counts) == set(alphabet)
    assert chi2 < bound


def test_draws_differ() -> None:
    assert len({uniform_choice(string.ascii_letters + string.digits, 24) for _ in range(1000)}) == 1000
