"""Prometheus metrics (``GET /metrics``). prometheus_client keeps its registry process-wide by design; with
``openrd serve --workers N`` the CLI turns on its multiprocess mode so every worker's samples are summed."""

from __future__ import annotations

import functools
from typing import Any

from prometheus_client import Counter, Histogram

REQUESTS = Counter("openrd_requests_total", "OpenAPI calls by action and result code.", ["action", "code"])
LATENCY = Histogram(
    "openrd_request_seconds",
    "Time to answer an OpenAPI call, by action.",
    ["action"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
)
SMS_DELIVERIES = Counter("openrd_sms_deliveries_total", "SMS delivery attempts by outcome.", ["sender", "outcome"])
QUOTA_REJECTIONS = Counter("openrd_quota_rejections_total", "Sends refused by a limit, by error code.", ["code"])

LIMIT_CODES = frozenset({"Throttling.User", "SendValidateCodeExceedsLimitForAccount"})


@functools.cache
def _children(action: str, code: str) -> tuple[Any, Any]:
    """The labelled series of one (action, code): ``labels()`` takes a lock and builds a key on every call, too
    dear for the hot path. Both label values come from closed sets (the registry's actions, error codes)."""
    return REQUESTS.labels(action, code), LATENCY.labels(action)


def observe_call(action: str | None, code: str, seconds: float) -> None:
    requests, latency = _children(action or "unknown", code)
    requests.inc()
    latency.observe(seconds)
    if code in LIMIT_CODES:
        QUOTA_REJECTIONS.labels(code).inc()
