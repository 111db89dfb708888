"""The ceiling: a bare Starlette app answering every request with a small JSON document.

Run by ``run.py`` as ``uvicorn ceiling_app:app --loop uvloop --http httptools --workers N``, the same server stack
(and worker count) openrd runs on, so its req/s is the most any app on this stack can answer on this machine.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

BODY = {
    "RequestId": "6A6C3E0B-3F2B-4E43-9C55-000000000000",
    "Account": {"AccountId": "1234567890123456", "DisplayName": "ceiling", "Status": "CreateSuccess"},
}


async def answer(_: Request) -> JSONResponse:
    return JSONResponse(BODY)


app = Starlette(routes=[Route("/", answer, methods=["GET", "POST"]), Route("/health", answer, methods=["GET"])])
