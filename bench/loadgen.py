"""The load generator: client processes, each one asyncio (uvloop) client over raw keep-alive HTTP/1.1 sockets.

Every request is built (signed, with its own nonce and a fresh timestamp) *before* the timed window, as the exact
bytes to write. In the window a connection only writes the next pre-built request, reads one response (status line,
``Content-Length`` or chunked framing) and records the latency: one request in flight per connection (closed loop),
``concurrency`` connections in all, split over the client processes.

The main process drives a :class:`LoadGen` pool: it sends every client process a :class:`Job`, waits until all have
built their requests and opened their connections, then says "go" to all of them and collects their counts.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import hashlib
import json
import multiprocessing as mp
import secrets
import socket
import time
import traceback
from array import array
from collections import Counter
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any

EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
# What alibabacloud-tea-openapi 0.4.x sends (captured from the SDK); it is one of the signed headers.
TEA_USER_AGENT = "AlibabaCloud (Linux; x86_64) Python/3.11.7 Core/0.4.3 TeaDSL/2"
ACS3 = "ACS3-HMAC-SHA256"


# --------------------------------------------------------------------------- request building


def acs3_request(
    host: str, access_key_id: str, secret: str, action: str, version: str, params: dict[str, str]
) -> bytes:
    """One RPC-style V3 request exactly as the Tea SDK (alibabacloud-tea-openapi) builds and signs it.

    Parameters go in the query string, the body is empty, and every header but ``Accept-Encoding``,
    ``Authorization`` and ``Content-Length`` is signed (sorted lower-case names), with a fresh timestamp and a
    random 32-hex-digit nonce. The signature comes from openrd's own :mod:`openrd.api.signing`, the code the
    server verifies with (its test suite checks it against the SDK's signer).
    """
    from openrd.api import signing

    headers = {
        "host": host,
        "x-acs-version": version,
        "x-acs-action": action,
        "user-agent": TEA_USER_AGENT,
        "x-acs-date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "x-acs-signature-nonce": secrets.token_hex(16),
        "accept": "application/json",
        "x-acs-content-sha256": EMPTY_SHA256,
        "x-acs-credentials-provider": "static_ak",
    }
    signed = sorted(headers)
    pairs = tuple(params.items())
    canonical = signing.v3_canonical_request("POST", "/", pairs, headers, signed, EMPTY_SHA256)
    signature = signing.v3_signature(ACS3, secret, signing.v3_string_to_sign(ACS3, canonical))
    query = "&".join(f"{signing.percent_encode(k)}={signing.percent_encode(v)}" for k, v in pairs)
    lines = [f"POST /?{query} HTTP/1.1" if query else "POST / HTTP/1.1", "Accept-Encoding: identity"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    lines.append(
        f"Authorization: {ACS3} Credential={access_key_id},SignedHeaders={';'.join(signed)},Signature={signature}"
    )
    lines.append("Content-Length: 0")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def sigv4_request(host: str, target: str, body: dict[str, Any], *, service: str, region: str) -> bytes:
    """An AWS JSON-1.1 call signed with botocore's own SigV4 signer (what boto3 sends, minus its user agent)."""
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    data = json.dumps(body).encode()
    request = AWSRequest(
        method="POST",
        url=f"http://{host}/",
        data=data,
        headers={"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": target},
    )
    SigV4Auth(Credentials("testing", "testing"), service, region).add_auth(request)
    lines = ["POST / HTTP/1.1", f"Host: {host}"]
    lines += [f"{name}: {value}" for name, value in request.headers.items()]
    lines.append(f"Content-Length: {len(data)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + data


def _expand(params: dict[str, str], unique: dict[str, str] | None, u: int) -> dict[str, str]:
    if not unique:
        return params
    return params | {name: pattern.format(u=u) for name, pattern in unique.items()}


def build_requests(job: Job) -> list[bytes]:
    """This process's share of the requests: ``params`` cycled (or each used once), ``unique`` fields numbered."""
    p = job.payload
    count = len(p["params"]) if p.get("each") else job.n
    if job.reusable:
        count = min(count, 2000)
    out: list[bytes] = []
    for i in range(count):
        params = _expand(p["params"][i % len(p["params"])], p.get("unique"), job.unique_base + i)
        if job.kind == "acs3":
            out.append(acs3_request(job.host, p["ak"], p["secret"], p["action"], p["version"], params))
        elif job.kind == "sigv4":
            out.append(sigv4_request(job.host, p["target"], params, service=p["service"], region=p["region"]))
        else:
            raise ValueError(f"unknown request kind {job.kind!r}")
    return out


# --------------------------------------------------------------------------- the client


@dataclass
class Job:
    host: str  # "127.0.0.1:port" (the Host header and where to connect)
    kind: str  # "acs3" | "sigv4"
    payload: dict[str, Any]
    connections: int
    n: int  # requests to build (cycled params); ignored when payload["each"] (one request per params entry)
    warmup: float  # seconds whose requests are sent but not measured
    duration: float | None  # measured seconds; None: send every request once, all measured ("count mode")
    reusable: bool = False  # the server ignores nonces (ceiling app): cycle a small set instead of running out
    unique_base: int = 0
    timeout: float = 15.0  # per request


@dataclass
class ProcResult:
    measured: int = 0  # requests sent in the measured window (and answered)
    measured_ok: int = 0  # ... of which answered 200
    sent: int = 0  # all requests, warm-up included
    errors: int = 0  # non-200 answers, connection errors and timeouts, warm-up included
    statuses: Counter[int] = field(default_factory=Counter)
    samples: list[str] = field(default_factory=list)  # a few error answers, for the report
    latencies_ns: array = field(default_factory=lambda: array("q"))
    window_ns: int = 0  # from the end of the warm-up to the last measured answer
    exhausted: bool = False  # ran out of pre-built requests before the end of the window
    built: int = 0
    build_seconds: float = 0.0


class _Conn(asyncio.Protocol):
    """One keep-alive connection, one request in flight; parses just enough of the answer to frame it."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.buf = bytearray()
        self.waiter: asyncio.Future[tuple[int, bytes]] | None = None
        self.sent_ns = 0
        self.lost = False
        self.close_after = False
        self._reset()

    def _reset(self) -> None:
        self.head_end = -1
        self.need = -1
        self.status = 0
        self.chunked = False
        self.until_close = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        sock = transport.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def data_received(self, data: bytes) -> None:
        self.buf += data
        self._parse()

    def _parse(self) -> None:
        buf = self.buf
        if self.head_end < 0:
            i = buf.find(b"\r\n\r\n")
            if i < 0:
                return
            head = bytes(buf[:i]).lower()
            try:
                self.status = int(head[9:12])
            except ValueError:
                self.status = 0
            self.head_end = i + 4
            j = head.find(b"\r\ncontent-length:")
            if j >= 0:
                k = head.find(b"\r\n", j + 17)
                self.need = self.head_end + int(head[j + 17 : k if k >= 0 else len(head)])
            elif b"\r\ntransfer-encoding: chunked" in head:
                self.chunked = True
            elif self.status in (204, 304):
                self.need = self.head_end
            else:
                self.until_close = True
            self.close_after = b"\r\nconnection: close" in head or (
                head.startswith(b"http/1.0") and b"\r\nconnection: keep-alive" not in head
            )
        if self.until_close:
            return  # framed by connection_lost
        if self.chunked:
            e = buf.find(b"0\r\n\r\n", self.head_end)
            if e < 0:
                return
            end = e + 5
        else:
            if len(buf) < self.need:
                return
            end = self.need
        body = bytes(buf[self.head_end : end]) if self.status != 200 else b""
        status = self.status
        del buf[:end]
        self._reset()
        self._finish(status, body)

    def _finish(self, status: int, body: bytes) -> None:
        waiter, self.waiter = self.waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_result((status, body))

    def connection_lost(self, exc: Exception | None) -> None:
        self.lost = True
        if self.until_close and self.head_end >= 0:
            self._finish(self.status, bytes(self.buf[self.head_end :]))
            return
        waiter, self.waiter = self.waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_exception(ConnectionResetError(f"connection closed: {exc!r}"))


class _Runner:
    def __init__(self, job: Job, requests: list[bytes], loop: asyncio.AbstractEventLoop) -> None:
        self.job = job
        self.requests = requests
        self.loop = loop
        self.next_index = 0
        self.conns: list[_Conn] = []
        self.result = ProcResult(built=len(requests))
        self.host, port = job.host.rsplit(":", 1)
        self.port = int(port)
        self.warm_ns = 0
        self.end_ns = 0
        self.last_ns = 0

    async def connect(self) -> _Conn:
        _, proto = await self.loop.create_connection(_Conn, self.host, self.port)
        return proto

    async def connect_all(self) -> None:
        self.conns = [await self.connect() for _ in range(self.job.connections)]

    def close(self) -> None:
        for conn in self.conns:
            if conn.transport is not None:
                conn.transport.close()

    def _next(self) -> bytes | None:
        i = self.next_index
        if i >= len(self.requests):
            if not self.job.reusable or not self.requests:
                self.result.exhausted = True
                return None
            i = 0
        self.next_index = i + 1
        return self.requests[i]

    def _record(self, t0: int, t1: int, status: int, body: bytes) -> None:
        r = self.result
        r.sent += 1
        r.statuses[status] += 1
        if status != 200:
            r.errors += 1
            if len(r.samples) < 3:
                r.samples.append(f"{status}: {body[:300].decode('utf-8', 'replace')}")
        if t0 >= self.warm_ns:
            r.measured += 1
            r.measured_ok += status == 200
            r.latencies_ns.append(t1 - t0)
            if t1 > self.last_ns:
                self.last_ns = t1

    async def drive(self, slot: int) -> None:
        conn = self.conns[slot]
        clock = time.perf_counter_ns
        while True:
            if clock() >= self.end_ns:
                return
            request = self._next()
            if request is None:
                return
            if conn.lost or conn.transport is None:
                conn = self.conns[slot] = await self.connect()
            waiter: asyncio.Future[tuple[int, bytes]] = self.loop.create_future()
            conn.waiter = waiter
            conn.sent_ns = t0 = clock()
            conn.transport.write(request)  # type: ignore[union-attr]
            try:
                status, body = await waiter
            except Exception as exc:  # connection lost or timed out: an error, then a new connection
                status, body = 0, repr(exc).encode()
            self._record(t0, clock(), status, body)
            if status == 0 or conn.close_after:
                if conn.transport is not None:
                    conn.transport.abort()
                conn.lost = True

    async def watchdog(self) -> None:
        limit = int(self.job.timeout * 1e9)
        while True:
            await asyncio.sleep(0.25)
            now = time.perf_counter_ns()
            for conn in self.conns:
                waiter = conn.waiter
                if waiter is not None and not waiter.done() and now - conn.sent_ns > limit:
                    conn.waiter = None
                    waiter.set_exception(TimeoutError(f"no answer in {self.job.timeout} s"))

    async def run(self) -> ProcResult:
        start = time.perf_counter_ns()
        if self.job.duration is None:
            self.warm_ns, self.end_ns = start, 2**62
        else:
            self.warm_ns = start + int(self.job.warmup * 1e9)
            self.end_ns = self.warm_ns + int(self.job.duration * 1e9)
        dog = asyncio.ensure_future(self.watchdog())
        try:
            await asyncio.gather(*(self.drive(slot) for slot in range(len(self.conns))))
        finally:
            dog.cancel()
            self.close()
        self.result.window_ns = max(0, self.last_ns - self.warm_ns)
        return self.result


def _worker_main(pipe: Connection) -> None:
    import uvloop

    loop = uvloop.new_event_loop()
    asyncio.set_event_loop(loop)
    while True:
        try:
            job = pipe.recv()
        except EOFError:
            return
        if job is None:
            return
        runner: _Runner | None = None
        try:
            started = time.perf_counter()
            requests = build_requests(job)
            build_seconds = time.perf_counter() - started
            runner = _Runner(job, requests, loop)
            runner.result.build_seconds = build_seconds
            loop.run_until_complete(runner.connect_all())
            # No collector pauses of the client's own in the measured latencies: a full collection here took
            # 40-60 ms, twice in an 8 s point, and every request in flight then looked that much slower. What is
            # collectable goes now, before the start; reference counting frees the rest as the run goes.
            gc.collect()
            gc.freeze()
            pipe.send(("ready", len(requests)))
            if pipe.recv() != "go":
                gc.unfreeze()
                runner.close()
                continue
            gc.disable()
            try:
                pipe.send(("done", loop.run_until_complete(runner.run())))
            finally:
                gc.enable()
                gc.unfreeze()
        except BaseException:
            if runner is not None:
                runner.close()
            pipe.send(("error", traceback.format_exc()))


# --------------------------------------------------------------------------- the pool (main process)


class LoadGenError(RuntimeError):
    pass


@dataclass
class Measurement:
    requests: int
    errors: int
    rps: float
    p50_ms: float
    p99_ms: float
    mean_ms: float
    window_s: float
    statuses: dict[int, int]
    samples: list[str]
    exhausted: bool
    built: int
    build_s: float

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items()}


def percentile(sorted_values: list[int] | array, q: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, round(q * (len(sorted_values) - 1))))
    return float(sorted_values[index])


def combine(results: list[ProcResult]) -> Measurement:
    latencies = sorted(v for r in results for v in r.latencies_ns)
    measured = sum(r.measured for r in results)
    rps = sum(r.measured_ok / (r.window_ns / 1e9) for r in results if r.window_ns > 0)  # successful answers only
    statuses: Counter[int] = Counter()
    for r in results:
        statuses.update(r.statuses)
    return Measurement(
        requests=measured,
        errors=sum(r.errors for r in results),
        rps=rps,
        p50_ms=percentile(latencies, 0.50) / 1e6,
        p99_ms=percentile(latencies, 0.99) / 1e6,
        mean_ms=(sum(latencies) / len(latencies) / 1e6) if latencies else float("nan"),
        window_s=max((r.window_ns for r in results), default=0) / 1e9,
        statuses=dict(statuses),
        samples=[s for r in results for s in r.samples][:3],
        exhausted=any(r.exhausted for r in results),
        built=sum(r.built for r in results),
        build_s=max((r.build_seconds for r in results), default=0.0),
    )


class LoadGen:
    """A pool of client processes (spawned once, reused by every measurement)."""

    def __init__(self, processes: int) -> None:
        self.size = processes
        self._ctx = mp.get_context("spawn")
        self._procs: list[Any] = []
        self._pipes: list[Connection] = []
        self._unique = 1
        self._spawn()

    def _spawn(self) -> None:
        for _ in range(self.size):
            parent, child = self._ctx.Pipe()
            proc = self._ctx.Process(target=_worker_main, args=(child,), daemon=True)
            proc.start()
            child.close()
            self._procs.append(proc)
            self._pipes.append(parent)

    def close(self) -> None:
        for pipe in self._pipes:
            with contextlib.suppress(OSError, ValueError):
                pipe.send(None)
        for proc in self._procs:
            proc.join(timeout=2)
            if proc.is_alive():
                proc.kill()
                proc.join(timeout=2)
        self._procs, self._pipes = [], []

    def kill(self) -> None:
        for proc in self._procs:
            proc.kill()
            proc.join(timeout=2)
        self._procs, self._pipes = [], []

    def restart(self) -> None:
        self.kill()
        self._spawn()

    def unique_range(self, count: int) -> int:
        """A block of numbers never handed out before in this run (unique phones, names)."""
        base, self._unique = self._unique, self._unique + count
        return base

    def run(
        self,
        *,
        host: str,
        kind: str,
        payload: dict[str, Any],
        concurrency: int,
        rate_cap: float,
        warmup: float,
        duration: float | None,
        reusable: bool = False,
        timeout: float = 15.0,
        cap: float = 300.0,
    ) -> Measurement:
        """Measure ``concurrency`` connections for ``warmup + duration`` s (or until every request is used once).

        ``rate_cap`` sizes the pre-built requests: enough for that many req/s over the whole run; a client that
        runs out stops early (the measurement says ``exhausted``). ``cap`` bounds the whole call's wall time.
        """
        procs = max(1, min(self.size, concurrency))
        shares = [concurrency // procs + (1 if i < concurrency % procs else 0) for i in range(procs)]
        jobs: list[Job] = []
        if payload.get("each"):
            items = payload["params"]
            chunks = [items[i::procs] for i in range(procs)]
            per = max(1, max(len(c) for c in chunks))
            base = self.unique_range(per * procs)
            for i in range(procs):
                jobs.append(
                    Job(
                        host,
                        kind,
                        payload | {"params": chunks[i]},
                        shares[i],
                        0,
                        warmup,
                        duration,
                        reusable,
                        base + i * per,
                        timeout,
                    )
                )
        else:
            total = int(rate_cap * (warmup + (duration or 0.0))) + 1
            per = max(1, -(-total // procs))
            base = self.unique_range(per * procs)
            for i in range(procs):
                jobs.append(
                    Job(host, kind, payload, shares[i], per, warmup, duration, reusable, base + i * per, timeout)
                )
        jobs = [j for j in jobs if j.connections > 0 and (j.n > 0 or j.payload.get("params"))]
        pipes = self._pipes[: len(jobs)]
        deadline = time.monotonic() + cap
        try:
            for pipe, job in zip(pipes, jobs, strict=True):
                pipe.send(job)
            ready = self._collect(pipes, "ready", deadline)
            del ready
            for pipe in pipes:
                pipe.send("go")
            done = self._collect(pipes, "done", deadline)
        except KeyboardInterrupt:
            self.kill()
            raise
        except BaseException:
            self.restart()  # a client may be stuck mid-job: start from clean processes
            raise
        return combine(done)

    def _collect(self, pipes: list[Connection], kind: str, deadline: float) -> list[Any]:
        answers: dict[int, Any] = {}
        errors: list[str] = []
        while len(answers) < len(pipes):
            left = deadline - time.monotonic()
            if left <= 0:
                raise LoadGenError(f"the load generator did not finish in time (waiting for {kind!r})")
            pending = [p for i, p in enumerate(pipes) if i not in answers]
            for pipe in wait(pending, timeout=left):
                try:
                    tag, value = pipe.recv()  # type: ignore[union-attr]
                except (EOFError, OSError) as exc:
                    raise LoadGenError(f"a client process died ({exc!r})") from None
                index = pipes.index(pipe)  # type: ignore[arg-type]
                if tag == "error":
                    errors.append(value)
                    answers[index] = None
                else:
                    answers[index] = value
            if errors:
                break
        if errors:
            raise LoadGenError("a client process failed:\n" + errors[0])
        return [answers[i] for i in range(len(pipes))]
