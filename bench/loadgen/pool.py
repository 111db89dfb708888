"""The pool of client processes, driven from the main process: jobs out, "go", counts back, combined."""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import time
from array import array
from collections import Counter
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any

from loadgen.client import worker_main
from loadgen.job import Job, ProcResult


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
            proc = self._ctx.Process(target=worker_main, args=(child,), daemon=True)
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
