"""Secrets at rest: AccessKey secrets encrypted (Fernet), tokens and codes as keyed hashes (HMAC-SHA256).

The master key comes from OPENRD_SECRET_KEY, else from ``<data dir>/secret.key``, generated once with mode 0600.
Every server process that shares a database must share the key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from functools import lru_cache
from pathlib import Path

from cryptography.fernet import Fernet


def _derive(master: bytes, label: bytes) -> bytes:
    return hmac.new(master, label, hashlib.sha256).digest()


class FernetSecretBox:
    def __init__(self, master_key: str) -> None:
        master = master_key.encode()
        self._fernet = Fernet(base64.urlsafe_b64encode(_derive(master, b"openrd/encryption")))
        self._hash_key = _derive(master, b"openrd/keyed-hash")
        # Decrypting is dear next to a signature check: a process-local cache keeps the hot path cheap.
        self._decrypt_cached = lru_cache(maxsize=4096)(self._decrypt)

    def encrypt(self, plaintext: str) -> str:
        return self._fernet.encrypt(plaintext.encode()).decode()

    def decrypt(self, ciphertext: str) -> str:
        return self._decrypt_cached(ciphertext)

    def _decrypt(self, ciphertext: str) -> str:
        return self._fernet.decrypt(ciphertext.encode()).decode()

    def keyed_hash(self, *parts: str) -> str:
        # Length-prefix each part so ("ab", "c") and ("a", "bc") never collide.
        message = b"".join(len(p.encode()).to_bytes(4, "big") + p.encode() for p in parts)
        return hmac.new(self._hash_key, message, hashlib.sha256).hexdigest()


def load_master_key(secret_key: str | None, data_dir: Path) -> str:
    if secret_key:
        return secret_key
    path = data_dir / "secret.key"
    if not path.exists():
        data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)  # the key, and the SQLite file beside it
        # Write a private temporary file, then link it into place: link fails if the key exists, so when
        # several workers start at once exactly one key wins and nobody ever reads a half-written file.
        temporary = data_dir / f".secret.key.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(32) + "\n")
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
    key = path.read_text().strip()
    if not key:
        raise RuntimeError(f"{path} is empty; delete it or set OPENRD_SECRET_KEY")
    return key
