"""The OS-CSPRNG draws behind codes and ids: right length and alphabet, and uniform (no modulo bias)."""

from __future__ import annotations

import math
import os
import string
import time
import uuid
from collections import Counter

import pytest

from openrd.adapters.rng import SystemRandomSource, time_ordered_request_id, uniform_choice


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


def test_request_ids_are_upper_case_version_7_uuids_in_time_order() -> None:
    ids = [time_ordered_request_id(ms, bits) for ms, bits in ((1_000, (1 << 74) - 1), (1_001, 0), (1_002, 12345))]
    assert ids == sorted(ids)  # later milliseconds sort later, whatever the random bits
    parsed = [uuid.UUID(i) for i in ids]
    assert all(
        str(u).upper() == i and u.version == 7 and u.variant == uuid.RFC_4122 for u, i in zip(parsed, ids, strict=True)
    )
    assert [u.int >> 80 for u in parsed] == [1_000, 1_001, 1_002]  # the first 48 bits are the milliseconds
    assert time_ordered_request_id(5, 0) != time_ordered_request_id(5, 1)  # the random bits are all kept
    assert time_ordered_request_id(5, 1 << 73) != time_ordered_request_id(5, 0)


def test_system_request_ids_are_unique_and_current() -> None:
    rng = SystemRandomSource()
    ids = [rng.request_id() for _ in range(10_000)]
    assert len(set(ids)) == len(ids)
    now_ms = time.time_ns() // 1_000_000
    assert all(abs((uuid.UUID(i).int >> 80) - now_ms) < 60_000 for i in ids)


def test_a_forked_worker_draws_request_ids_of_its_own() -> None:
    """RequestIds draw from a generator seeded once per process: a child forked from a server (uvicorn's workers
    may be) must not repeat its parent's sequence."""
    from openrd.adapters import rng as module

    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: its next draw, then out without pytest's teardown
        os.write(write, str(module._ids.getrandbits(64)).encode())
        os._exit(0)
    os.close(write)
    os.waitpid(pid, 0)
    child = int(os.read(read, 64).decode())
    os.close(read)
    assert child != module._ids.getrandbits(64)  # without a reseed the child's draw would be the parent's next one
