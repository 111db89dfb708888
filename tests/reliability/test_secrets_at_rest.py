"""Secrets at rest (docs/behaviour.md#secrets-and-logs, the codes part): read the raw ``verification_codes`` and
``sms_outbox`` tables with plain SQL after real sends and prove that no issued code is stored in plain text.

* a code is stored only as a keyed hash: the stored value is exactly HMAC-SHA256 under a key derived from
  OPENRD_SECRET_KEY over (purpose, account, phone, code) — recomputed here independently — and it is none of the
  unkeyed digests an attacker with the database alone could recompute (SHA-256 of the code or of its context,
  HMAC with an empty key, the code as the key), nor the hash another master key would give;
* the SMS text and code in the outbox are Fernet tokens that open under the key derived from OPENRD_SECRET_KEY and
  under no other;
* no column of either table holds the code, and no text column contains it.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from cryptography.fernet import InvalidToken

from openrd.testing.process import ServerProcess
from support.reliability import (
    SECRET_KEY,
    Api,
    database,
    fernet_for,
    keyed_hash,
    outcome,
    phone_for,
    sql,
    store_env,
)

ENABLE, BIND = "EnableRD", "BindSecureMobilePhone"
SECRET_COLUMNS = {"code_hash", "body_ciphertext", "code_ciphertext", "last_error"}


@dataclass
class Issued:
    database_url: str
    messages: list[dict[str, Any]]  # GET /_openrd/sms: phone, account_id, purpose, code (the inbox sender's)


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)], ids=str)
def issued(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Issued]:
    root = tmp_path_factory.mktemp(f"secrets-{request.param}")
    with database(request.param, root, "openrd_secrets") as database_url:
        server = ServerProcess(store_env(root, database_url), root / "server.log").start()
        try:
            api = Api(server.endpoint)
            # Enable codes from three accounts, bind codes for three members; one bind spends its code and one
            # wrong attempt is counted, so the table holds active, used and attempted codes.
            for i in range(3):
                assert outcome(lambda i=i: api.send_enable(api.account(), phone_for(i, block=4))) == "ok"
            master = api.account()
            assert outcome(lambda: api.enable_current(master)) == "ok"
            user = api.ram_user(master.account_id)
            members = [api.create_member(master, f"member-{i}") for i in range(3)]
            for i, member in enumerate(members):
                assert outcome(lambda i=i, m=member: api.send_bind(user, m, phone_for(10 + i, block=4))) == "ok"
            first = api.latest(phone_for(10, block=4))
            wrong = str((int(first["code"]) + 1) % 10**6).zfill(6)
            assert outcome(lambda: api.bind(user, members[0], first["phone"], wrong)) == "409 Invalid.VerificationCode"
            second = api.latest(phone_for(11, block=4))
            assert outcome(lambda: api.bind(user, members[1], second["phone"], second["code"])) == "ok"
            messages = api.messages()
            assert len(messages) == 6
            assert all(m["code"] and m["code"].isdigit() for m in messages)
            yield Issued(database_url, messages)
        finally:
            server.stop()


def rows(database_url: str, table: str) -> list[dict[str, Any]]:
    columns = [c for (c,) in _columns(database_url, table)]
    return [
        dict(zip(columns, row, strict=True))
        for row in sql(database_url, f"SELECT {', '.join(columns)} FROM {table}")  # noqa: S608
    ]


def _columns(database_url: str, table: str) -> list[tuple[str]]:
    if database_url.startswith("sqlite"):
        return [(r[1],) for r in sql(database_url, f"PRAGMA table_info({table})")]
    return [
        (str(r[0]),)
        for r in sql(
            database_url,
            "SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position",
            table,
        )
    ]


def test_no_code_is_stored_in_plain_text(issued: Issued) -> None:
    codes = {m["code"] for m in issued.messages}
    for table in ("verification_codes", "sms_outbox"):
        table_rows = rows(issued.database_url, table)
        assert table_rows, table
        for row in table_rows:
            for column, value in row.items():
                if value is None:
                    continue
                text = str(value)
                assert text not in codes, (table, column)  # no column holds a code
                if column in SECRET_COLUMNS:  # long text: the code is not inside either
                    assert not any(code in text for code in codes), (table, column)


def test_codes_are_stored_as_hashes_keyed_with_the_master_key(issued: Issued) -> None:
    stored = {
        (r["purpose"], r["account_id"], r["phone"]): r["code_hash"]
        for r in rows(issued.database_url, "verification_codes")
    }
    # Used codes may already be purged; every code still stored belongs to a message we can read.
    assert len(stored) >= 5
    by_key = {(m["purpose"], m["account_id"], m["phone"]): m["code"] for m in issued.messages}
    for key, code_hash in stored.items():
        purpose, account_id, phone = key
        code = by_key[key]
        assert code_hash == keyed_hash(SECRET_KEY, "verification-code", purpose, account_id, phone, code)
        assert code_hash != keyed_hash("another-master-key", "verification-code", purpose, account_id, phone, code)
        assert code_hash not in unkeyed_digests(purpose, account_id, phone, code)


def unkeyed_digests(purpose: str, account_id: str, phone: str, code: str) -> set[str]:
    """What a database thief could compute for every one of the 10**6 codes without the master key."""
    parts = ("verification-code", purpose, account_id, phone, code)
    prefixed = b"".join(len(p.encode()).to_bytes(4, "big") + p.encode() for p in parts)
    messages = [
        code.encode(),
        prefixed,
        *(sep.join(parts).encode() for sep in ("", ":", "|", "/", "\n", " ")),
        *(sep.join(parts[1:]).encode() for sep in ("", ":", "|", "/", "\n", " ")),
    ]
    digests = set()
    for message in messages:
        for algorithm in ("sha256", "sha512", "sha1", "md5", "blake2b", "sha3_256"):
            digests.add(hashlib.new(algorithm, message).hexdigest())
        digests.add(hmac.new(b"", message, hashlib.sha256).hexdigest())  # HMAC without a key
        digests.add(hmac.new(code.encode(), message, hashlib.sha256).hexdigest())  # the code as its own key
        digests.add(hmac.new(b"verification-code", message, hashlib.sha256).hexdigest())  # a constant key
    return digests


def test_outbox_text_and_code_are_fernet_ciphertext_under_the_master_key(issued: Issued) -> None:
    mine, other = fernet_for(SECRET_KEY), fernet_for("another-master-key")
    by_id = {m["id"]: m for m in issued.messages}
    outbox = rows(issued.database_url, "sms_outbox")
    assert {r["message_id"] for r in outbox} == set(by_id)
    for row in outbox:
        message = by_id[row["message_id"]]
        for column in ("body_ciphertext", "code_ciphertext"):
            token = row[column]
            assert isinstance(token, str), (column, token)
            assert token.startswith("gAAAAA"), column  # Fernet version byte 0x80, base64url
            with pytest.raises(InvalidToken):
                other.decrypt(token.encode())
        assert mine.decrypt(row["code_ciphertext"].encode()).decode() == message["code"]
        text = mine.decrypt(row["body_ciphertext"].encode()).decode()
        assert message["code"] in text
        assert text == message["text"]
