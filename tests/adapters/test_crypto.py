"""Secrets at rest: Fernet encryption of AccessKey secrets, keyed hashes, and the master key file."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from cryptography.fernet import InvalidToken

from openrd.adapters.crypto import FernetSecretBox, load_master_key


def test_encrypt_decrypt_round_trip() -> None:
    box = FernetSecretBox("master-key")
    for plaintext in ("s3cret", "", "ünïcødé 秘密", "x" * 10_000):
        ciphertext = box.encrypt(plaintext)
        assert plaintext == "" or plaintext not in ciphertext
        assert box.decrypt(ciphertext) == plaintext
        assert FernetSecretBox("master-key").decrypt(ciphertext) == plaintext  # another instance, same key


def test_encryption_is_randomised() -> None:
    box = FernetSecretBox("master-key")
    assert box.encrypt("same") != box.encrypt("same")


def test_another_key_cannot_decrypt() -> None:
    ciphertext = FernetSecretBox("key-one").encrypt("s3cret")
    with pytest.raises(InvalidToken):
        FernetSecretBox("key-two").decrypt(ciphertext)


def test_tampered_ciphertext_is_refused() -> None:
    box = FernetSecretBox("master-key")
    ciphertext = box.encrypt("s3cret")
    middle = len(ciphertext) // 2
    tampered = ciphertext[:middle] + ("A" if ciphertext[middle] != "A" else "B") + ciphertext[middle + 1 :]
    with pytest.raises(InvalidToken):
        box.decrypt(tampered)


def test_keyed_hash_is_deterministic_and_keyed() -> None:
    one, same, other = FernetSecretBox("k1"), FernetSecretBox("k1"), FernetSecretBox("k2")
    digest = one.keyed_hash("sts-token", "CAIS-token")
    assert digest == one.keyed_hash("sts-token", "CAIS-token")
    assert digest == same.keyed_hash("sts-token", "CAIS-token")
    assert digest != other.keyed_hash("sts-token", "CAIS-token")
    assert len(digest) == 64
    assert int(digest, 16) >= 0
    assert "CAIS-token" not in digest


@pytest.mark.parametrize(
    ("left", "right"),
    [
        (("ab", "c"), ("a", "bc")),
        (("abc",), ("ab", "c")),
        (("abc",), ("abc", "")),
        (("", "abc"), ("abc", "")),
        (("a", "b"), ("b", "a")),
        (("a\x00", "b"), ("a", "\x00b")),
        ((), ("",)),
    ],
)
def test_keyed_hash_respects_part_boundaries(left: tuple[str, ...], right: tuple[str, ...]) -> None:
    box = FernetSecretBox("k")
    assert box.keyed_hash(*left) != box.keyed_hash(*right)


def test_master_key_is_generated_once_with_mode_0600(tmp_path: Path) -> None:
    data_dir = tmp_path / "not" / "yet" / "there"
    key = load_master_key(None, data_dir)
    path = data_dir / "secret.key"
    assert len(key) >= 32
    assert path.read_text() == key + "\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_master_key(None, data_dir) == key
    assert load_master_key("", data_dir) == key  # an empty setting means "not set"
    assert FernetSecretBox(key).decrypt(FernetSecretBox(load_master_key(None, data_dir)).encrypt("x")) == "x"


def test_each_data_dir_gets_its_own_key(tmp_path: Path) -> None:
    assert load_master_key(None, tmp_path / "a") != load_master_key(None, tmp_path / "b")


def test_existing_key_file_is_used(tmp_path: Path) -> None:
    (tmp_path / "secret.key").write_text("operator-provided-key\n")
    assert load_master_key(None, tmp_path) == "operator-provided-key"


def test_configured_key_wins(tmp_path: Path) -> None:
    assert load_master_key("from-env", tmp_path / "data") == "from-env"
    assert not (tmp_path / "data").exists()  # nothing generated
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "secret.key").write_text("file-key\n")
    assert load_master_key("from-env", tmp_path / "data") == "from-env"


def test_an_empty_key_file_is_never_used_as_the_key(tmp_path: Path) -> None:
    """Another process may have created secret.key (O_EXCL) and not written it yet: "" must not become the key."""
    (tmp_path / "secret.key").write_text("")
    try:
        key = load_master_key(None, tmp_path)
    except (OSError, ValueError, RuntimeError):
        return  # refusing is acceptable
    assert key.strip() != ""
