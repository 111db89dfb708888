"""The goals' reference points, measured in the same run: the ceiling app plus an HMAC check, and plus a SQLite insert.

The goals were set against a bare Starlette app and gave, for scale, what the same app answered on this machine
kind with one HMAC check (~72 % of the bare app) and with an HMAC check and one SQLite insert (~42 %): a signed
GetAccount at 40 % of the ceiling is about what the second one reached there. These two apps let a run measure those
points with this load generator, next to the ceiling app and openrd, so a reader sees what the ratios look like here.

* ``hmac_app`` verifies the request's ACS3-HMAC-SHA256 signature (the canonical request, its hash, the HMAC: what any
  server that checks a V3 signature must compute; openrd's own ``signing`` functions, the smallest correct version)
  against the benchmark's dummy key, and answers the ceiling app's JSON (401 if the signature does not match).
* ``hmac_sqlite_app`` does the same and then inserts the request's nonce into a SQLite table (WAL, synchronous=NORMAL,
  as openrd's store) and commits: a replayed nonce answers 409. The database is ``OPENRD_BENCH_REFERENCE_DB``.

Run by ``run.py`` as ``uvicorn reference_app:hmac_app`` (or ``hmac_sqlite_app``) on the ceiling app's stack.
"""

from __future__ import annotations

import os
import sqlite3
import time

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from openrd.api import signing

SECRET = "s" * 30  # run.py's dummy GetAccount key (_dummy_get_account)
ALGORITHM = "ACS3-HMAC-SHA256"
BODY = {
    "RequestId": "6A6C3E0B-3F2B-4E43-9C55-000000000000",
    "Account": {"AccountId": "1234567890123456", "DisplayName": "reference", "Status": "CreateSuccess"},
}


def _signature_matches(request: Request, body: bytes) -> bool:
    auth = signing.parse_v3_authorization(request.headers.get("authorization", ""))
    if auth is None:
        return False
    payload = signing.payload_hash(ALGORITHM, body)
    headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in request.scope["headers"]}
    canonical = signing.v3_canonical_request(
        request.method, request.url.path, tuple(request.query_params.multi_items()), headers, auth.signed_headers,
        payload,
    )  # fmt: skip
    expected = signing.v3_signature(ALGORITHM, SECRET, signing.v3_string_to_sign(ALGORITHM, canonical))
    return signing.signatures_equal(expected, auth.signature)


async def signed(request: Request) -> JSONResponse:
    if not _signature_matches(request, await request.body()):
        return JSONResponse({"Code": "SignatureDoesNotMatch"}, status_code=401)
    return JSONResponse(BODY)


class _Nonces:
    """One connection per worker process, opened at its first request."""

    def __init__(self) -> None:
        self._db: sqlite3.Connection | None = None

    def insert(self, nonce: str) -> bool:
        db = self._db or self._open()
        try:
            with db:
                db.execute("INSERT INTO nonces (nonce, seen_ms) VALUES (?, ?)", (nonce, time.time_ns() // 1_000_000))
        except sqlite3.IntegrityError:
            return False
        return True

    def _open(self) -> sqlite3.Connection:
        db = sqlite3.connect(os.environ["OPENRD_BENCH_REFERENCE_DB"], timeout=10, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("CREATE TABLE IF NOT EXISTS nonces (nonce TEXT PRIMARY KEY, seen_ms INTEGER NOT NULL) WITHOUT ROWID")
        db.isolation_level = "DEFERRED"  # `with db:` commits each insert
        self._db = db
        return db


NONCES = _Nonces()


async def signed_and_recorded(request: Request) -> JSONResponse:
    if not _signature_matches(request, await request.body()):
        return JSONResponse({"Code": "SignatureDoesNotMatch"}, status_code=401)
    if not NONCES.insert(request.headers.get("x-acs-signature-nonce", "")):
        return JSONResponse({"Code": "SignatureNonceUsed"}, status_code=409)
    return JSONResponse(BODY)


async def health(_: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


hmac_app = Starlette(routes=[Route("/", signed, methods=["GET", "POST"]), Route("/health", health)])
hmac_sqlite_app = Starlette(routes=[Route("/", signed_and_recorded, methods=["GET", "POST"]), Route("/health", health)])
