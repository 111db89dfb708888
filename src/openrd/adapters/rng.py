"""Randomness: the OS CSPRNG, or a seeded generator for reproducible emulator runs (OPENRD_SEED)."""

from __future__ import annotations

import base64
import random
import secrets
import string
import uuid

_ALNUM = string.ascii_letters + string.digits


class SystemRandomSource:
    def digits(self, length: int) -> str:
        return "".join(secrets.choice(string.digits) for _ in range(length))

    def alnum(self, length: int) -> str:
        return "".join(secrets.choice(_ALNUM) for _ in range(length))

    def token(self, nbytes: int) -> str:
        return secrets.token_urlsafe(nbytes)

    def request_id(self) -> str:
        return str(uuid.uuid4()).upper()


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
