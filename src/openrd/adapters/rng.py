"""Randomness: the OS CSPRNG, or a seeded generator for reproducible emulator runs (OPENRD_SEED)."""

from __future__ import annotations

import base64
import os
import random
import secrets
import string
import time
import uuid

_ALNUM = string.ascii_letters + string.digits


def uniform_choice(alphabet: str, length: int) -> str:
    """``length`` characters drawn uniformly and independently from ``alphabet`` with the OS CSPRNG.

    One ``os.urandom`` call for the lot, not one per character as ``secrets.choice`` makes (a send draws 58 of
    them). A byte at or above the largest multiple of the alphabet's size is dropped, so there is no modulo bias.
    """
    size = len(alphabet)
    limit = 256 - 256 % size
    out: list[str] = []
    while len(out) < length:
        out.extend(alphabet[b % size] for b in secrets.token_bytes(length - len(out) + 8) if b < limit)
    return "".join(out[:length])


def time_ordered_request_id(epoch_ms: int, random_bits: int) -> str:
    """A version 7 UUID (RFC 9562), upper case as Alibaba's RequestIds: 48 bits of Unix milliseconds, then 74
    random bits. Each call's audit row is keyed by its RequestId (a unique index): random UUIDs inserted at random
    places of that index, and every send rewrote leaf pages all over it; time-ordered ones append
    (docs/architecture.md#smaller-fast-paths)."""
    value = (epoch_ms & 0xFFFF_FFFF_FFFF) << 80 | 0x7 << 76 | (random_bits >> 62 & 0xFFF) << 64
    value |= 0b10 << 62 | random_bits & (1 << 62) - 1
    return _uuid_text(value)


def _uuid_text(value: int) -> str:
    """``str(uuid.UUID(int=value)).upper()`` without building the UUID object (a third of the cost)."""
    h = f"{value:032X}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


# Seeded from the OS once, and again in a forked child (the module's own generator does the same), so two worker
# processes never draw the same sequence.
_ids = random.Random()  # noqa: S311 - RequestIds only (see request_id)
os.register_at_fork(after_in_child=_ids.seed)


class SystemRandomSource:
    def digits(self, length: int) -> str:
        return uniform_choice(string.digits, length)

    def alnum(self, length: int) -> str:
        return uniform_choice(_ALNUM, length)

    def token(self, nbytes: int) -> str:
        return secrets.token_urlsafe(nbytes)

    def request_id(self) -> str:
        # A RequestId is an identifier the caller sees, not a secret: it needs unique bits, not unpredictable ones,
        # and the OS CSPRNG is a system call per draw (which shows in a signed read's profile).
        return time_ordered_request_id(time.time_ns() // 1_000_000, _ids.getrandbits(74))


class SeededRandomSource:
    """Deterministic for a given seed. Only for the emulator: never for codes an operator relies on."""

    def __init__(self, seed: int) -> None:
        self._random = random.Random(seed)  # noqa: S311 - reproducibility is the point; opt-in via OPENRD_SEED

    def digits(self, length: int) -> str:
        return "".join(self._random.choice(string.digits) for _ in range(length))

    def alnum(self, length: int) -> str:
        return "".join(self._random.choice(_ALNUM) for _ in range(length))

    def token(self, nbytes: int) -> str:
        return base64.urlsafe_b64encode(self._random.randbytes(nbytes)).rstrip(b"=").decode()

    def request_id(self) -> str:
        return str(uuid.UUID(int=self._random.getrandbits(128), version=4)).upper()
