"""What a client process is asked to do (a :class:`Job`), the requests it builds for it, and what it counted."""

from __future__ import annotations

from array import array
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from loadgen.wire import acs3_request, sigv4_request


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


def expand(params: dict[str, str], unique: dict[str, str] | None, u: int) -> dict[str, str]:
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
        params = expand(p["params"][i % len(p["params"])], p.get("unique"), job.unique_base + i)
        if job.kind == "acs3":
            token = p.get("token")
            out.append(acs3_request(job.host, p["ak"], p["secret"], p["action"], p["version"], params, token))
        elif job.kind == "sigv4":
            out.append(sigv4_request(job.host, p["target"], params, service=p["service"], region=p["region"]))
        else:
            raise ValueError(f"unknown request kind {job.kind!r}")
    return out
