"""The ASGI app of the Alibaba OpenAPI front door at ``/``."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from openrd import errors
from openrd.api.dispatch import dispatch
from openrd.api.protocol import Format, WireResponse, product_for, render_error
from openrd.api.request import RawRequest, response_format
from openrd.services.context import Deps

FORM_TYPE = "application/x-www-form-urlencoded"


def _decode_pairs(raw: bytes | str) -> tuple[tuple[str, str], ...]:
    text = raw.decode("utf-8", errors="replace") if isinstance(raw, bytes) else raw
    return tuple(parse_qsl(text, keep_blank_values=True, max_num_fields=2000))


def _error_format(query: tuple[tuple[str, str], ...], headers: Mapping[str, str]) -> tuple[Format, str]:
    """How to answer an error found before dispatch: what the query asks for (docs/behaviour.md#json-and-xml), read
    leniently."""
    params: dict[str, str] = {}
    for name, value in query:
        params.setdefault(name, value)
    try:
        fmt = response_format(params, headers)
    except errors.OpenRDError:
        fmt = Format.JSON
    return fmt, product_for(params.get("Version") or headers.get("x-acs-version"))


async def _read_body(receive: Receive, declared: str, limit: int) -> bytes | None:
    """The whole body, or None when it is larger than ``limit`` (declared or as it arrives)."""
    if declared.isdigit() and int(declared) > limit:
        return None
    chunks, size, more = [], 0, True
    while more:
        message = await receive()
        if message["type"] != "http.request":  # http.disconnect: nobody is left to answer
            raise _Disconnected()
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        more = message.get("more_body", False)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


class _Disconnected(Exception):
    pass


def _response_start(wire: WireResponse) -> Message:
    """What Starlette's ``Response`` would send: the envelope's headers, then its length and type."""
    raw = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in wire.headers.items()]
    raw.append((b"content-length", str(len(wire.body)).encode("latin-1")))
    raw.append((b"content-type", wire.content_type.encode("latin-1")))
    return {"type": "http.response.start", "status": wire.status, "headers": raw}


class CallThreads:
    """The threads OpenAPI calls run on when the store waits on the network (PostgreSQL), so calls overlap.

    A plain executor, not Starlette's ``run_in_threadpool``: anyio's per-call machinery (a cancel scope, run-var
    and current-task lookups, its limiter) held the GIL for a good part of the event loop's time under a
    PostgreSQL load (docs/architecture.md#call-threads-versus-the-event-loop). The threads start with the first call;
    ``close`` lets them end (the app's shutdown), and a later call starts them again.

    ``size`` is ``OPENRD_CALL_THREADS`` (8): more threads than calls a PostgreSQL round trip lets one process keep
    busy only fight over the GIL and cost each call more server CPU (bench/README.md); calls beyond them wait
    in the queue.
    """

    def __init__(self, size: int) -> None:
        self._size = size
        self._pool: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()

    def run(
        self, call: Callable[[RawRequest, Deps], WireResponse], raw: RawRequest, deps: Deps
    ) -> Awaitable[WireResponse]:
        pool = self._pool or self._start()
        return asyncio.get_running_loop().run_in_executor(pool, call, raw, deps)

    def _start(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(max_workers=self._size, thread_name_prefix="openrd-call")
            return self._pool

    def close(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True)


def _peer(scope: Scope) -> str | None:
    """The socket's peer address (never a forwarding header): what ``acs:SourceIp`` conditions test."""
    client = scope.get("client")
    return str(client[0]) if client else None


def make_front_door(
    deps: Deps, threads: CallThreads | None = None, *, writer_busy: Callable[[], bool] | None = None
) -> ASGIApp:
    """The ASGI app of the OpenAPI front door at ``/``: plain ASGI, not a Starlette endpoint.

    Starlette's middleware stack, router, ``Request`` and ``Response`` cost a large share of a signed GetAccount's
    server time under load (bench/README.md); the control API and the console keep them.

    Calls run on ``threads`` if given, else on the event loop: SQLite work is CPU-bound and serialised by the GIL
    anyway, and running it on the loop saves the thread hop and the GIL convoy
    (docs/architecture.md#call-threads-versus-the-event-loop). PostgreSQL waits on the network, so its calls overlap on
    threads (bootstrap.py).

    ``writer_busy`` (SQLite, with ``threads``): whether a call would wait for the store's writer lock now. A call
    that finds it held (another process or thread is writing, for as long as it likes) would wait on the loop and
    stall health, the console and the control API, so only it takes the thread hop. The trade: the probe costs
    every call two ``flock`` calls, and a writer that takes the lock between the probe and the call's own wait
    still holds the loop up for its transaction.
    """
    limit = deps.settings.max_body_bytes

    async def front_door(scope: Scope, receive: Receive, send: Send) -> None:
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        host = headers.get("host", "")
        try:
            body = await _read_body(receive, headers.get("content-length", ""), limit)
        except _Disconnected:
            return
        query: tuple[tuple[str, str], ...] = ()
        try:
            query = _decode_pairs(scope.get("query_string", b""))
            if body is None:
                raise errors.RequestTooLarge()
            content_type = headers.get("content-type", "").split(";")[0].strip().lower()
            raw = RawRequest(
                method=scope["method"],
                path=scope["path"],
                query=query,
                form=_decode_pairs(body) if content_type == FORM_TYPE and body else (),
                headers=headers,
                body=body,
                host=host,
                peer=_peer(scope),
                secure=scope.get("scheme") == "https",
            )
        except (errors.OpenRDError, ValueError) as exc:
            error = exc if isinstance(exc, errors.OpenRDError) else errors.InvalidParameter("query")
            fmt, product = _error_format(query, headers)
            wire = render_error(error, request_id=deps.rng.request_id(), host=host, product=product, fmt=fmt)
        else:
            if threads is None or (writer_busy is not None and not writer_busy()):
                wire = dispatch(raw, deps)
            else:
                wire = await threads.run(dispatch, raw, deps)
        await send(_response_start(wire))
        await send({"type": "http.response.body", "body": wire.body})

    return front_door
