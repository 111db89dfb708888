"""A client process: builds its job's requests, opens its connections, and on "go" drives them (closed loop)."""

from __future__ import annotations

import asyncio
import gc
import time
import traceback
from multiprocessing.connection import Connection

from loadgen.connection import HttpConnection
from loadgen.job import Job, ProcResult, build_requests


class Runner:
    def __init__(self, job: Job, requests: list[bytes], loop: asyncio.AbstractEventLoop) -> None:
        self.job = job
        self.requests = requests
        self.loop = loop
        self.next_index = 0
        self.conns: list[HttpConnection] = []
        self.result = ProcResult(built=len(requests))
        self.host, port = job.host.rsplit(":", 1)
        self.port = int(port)
        self.warm_ns = 0
        self.end_ns = 0
        self.last_ns = 0

    async def connect(self) -> HttpConnection:
        _, proto = await self.loop.create_connection(HttpConnection, self.host, self.port)
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


def worker_main(pipe: Connection) -> None:
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
        runner: Runner | None = None
        try:
            started = time.perf_counter()
            requests = build_requests(job)
            build_seconds = time.perf_counter() - started
            runner = Runner(job, requests, loop)
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
