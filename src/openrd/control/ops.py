"""Operations endpoints: readiness (``/_openrd/ready``) and Prometheus metrics (``/metrics``)."""

from __future__ import annotations

import os
from collections.abc import Callable

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest, multiprocess
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from openrd.control.guard import guarded
from openrd.services.context import Deps


def ops_routes(
    deps: Deps, *, migrations_current: Callable[[], bool], dispatcher_running: Callable[[], bool]
) -> list[Route]:
    """Ready means: the database answers, its schema is at the newest migration, the SMS dispatcher runs."""

    async def ready(_: Request) -> Response:
        checks = {
            "database": await run_in_threadpool(deps.store.ping),
            "migrations": await run_in_threadpool(migrations_current),
            "dispatcher": dispatcher_running(),
        }
        ok = all(checks.values())
        return JSONResponse({"ready": ok, "checks": checks}, status_code=200 if ok else 503)

    async def metrics(_: Request) -> Response:
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            registry = CollectorRegistry()
            multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
            body = generate_latest(registry)
        else:
            body = generate_latest()
        return Response(body, media_type=CONTENT_TYPE_LATEST)

    return [
        Route("/_openrd/ready", guarded(deps, ready), methods=["GET"]),
        Route("/metrics", guarded(deps, metrics), methods=["GET"]),
    ]
