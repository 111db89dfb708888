"""Randomness and secrets: what generates ids, codes and keys, and what keeps secrets at rest."""

from __future__ import annotations

from typing import Protocol


class RandomSource(Protocol):
    """CSPRNG by default; seedable (OPENRD_SEED) so emulator runs are reproducible."""

    def digits(self, length: int) -> str: ...

    def alnum(self, length: int) -> str: ...

    def token(self, nbytes: int) -> str: ...

    def request_id(self) -> str: ...


class SecretBox(Protocol):
    """Encryption at rest for AccessKey secrets and keyed hashing for tokens and codes."""

    def encrypt(self, plaintext: str) -> str: ...

    def decrypt(self, ciphertext: str) -> str: ...

    def keyed_hash(self, *parts: str) -> str: ...
