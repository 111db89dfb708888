"""Prometheus metrics (``GET /metrics``). prometheus_client keeps its registry process-wide by design; with
``openrd serve --workers N`` the CLI turns on its multiprocess mode so every worker's samples are summed."""

from __future__ import annotations

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


def observe_call(action: str | None, code: str, seconds: float) -> None:
    name = action or "unknown"
    REQUESTS.labels(name, code).inc()
    LATENCY.labels(name).observe(seconds)
    if code in LIMIT_CODES:
        QUOTA_REJECTIONS.labels(code).inc()
