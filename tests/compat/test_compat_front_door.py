"""The front door at ``/`` speaks plain ASGI (not through Starlette): bodies in pieces, clients that leave, the
answer's headers, and every method reaching the Alibaba envelope."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator, MutableMapping
from typing import Any

import pytest

from openrd.bootstrap import Runtime, build_app, build_runtime
from openrd.config import load_settings

Message = MutableMapping[str, Any]


@pytest.fixture(scope="module")
def runtime(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runtime]:
    data = tmp_path_factory.mktemp("front-door")
    env = {"OPENRD_DATA_DIR": str(data), "OPENRD_SECRET_KEY": "k", "HOME": str(data), "OPENRD_MAX_BODY_BYTES": "1024"}
    rt = build_runtime(load_settings(env))
    yield rt
    rt.close()


def exchange(runtime: Runtime, incoming: list[Message], *, method: str = "POST", query: bytes = b"") -> list[Message]:
    """Run one HTTP exchange through the app; ``incoming`` are the messages ``receive`` hands out, in order."""
    sent: list[Message] = []
    queue = list(incoming)

    async def receive() -> Message:
        return queue.pop(0) if queue else {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": "/",
        "raw_path": b"/",
        "root_path": "",
        "query_string": query,
        "headers": [(b"host", b"openrd.test"), (b"content-type", b"application/x-www-form-urlencoded")],
        "client": ("127.0.0.1", 5000),
        "server": ("127.0.0.1", 8765),
    }
    asyncio.run(build_app(runtime)(scope, receive, send))
    return sent


def body_parts(*parts: bytes) -> list[Message]:
    return [{"type": "http.request", "body": part, "more_body": i < len(parts) - 1} for i, part in enumerate(parts)]


def answer(sent: list[Message]) -> tuple[int, dict[str, str], bytes]:
    assert [m["type"] for m in sent] == ["http.response.start", "http.response.body"]
    headers = {k.decode(): v.decode() for k, v in sent[0]["headers"]}
    return sent[0]["status"], headers, sent[1]["body"]


def test_a_body_that_arrives_in_pieces_is_read_whole(runtime: Runtime) -> None:
    # "Format=XML" is split across three messages: only the whole body asks for XML.
    sent = exchange(runtime, body_parts(b"Action=GetAccount&Version=2020-03-31&For", b"mat=X", b"ML"))
    status, headers, body = answer(sent)
    assert status == 400
    assert headers["content-type"] == "text/xml;charset=utf-8"
    assert b"<Code>MissingParameter</Code>" in body


def test_the_answer_carries_its_exact_length_and_type(runtime: Runtime) -> None:
    status, headers, body = answer(exchange(runtime, body_parts(b"Format=JSON")))
    assert status == 400
    assert headers["content-length"] == str(len(body))
    assert headers["content-type"] == "application/json;charset=utf-8"
    assert json.loads(body)["Code"] == "MissingParameter"


def test_a_body_over_the_limit_in_pieces_is_refused_without_a_declared_length(runtime: Runtime) -> None:
    sent = exchange(runtime, body_parts(b"a=" + b"x" * 600, b"y" * 600), query=b"Format=JSON")
    status, _, body = answer(sent)
    assert status == 400
    assert json.loads(body)["Code"] == "InvalidParameter.RequestTooLarge"


def test_a_client_that_leaves_before_its_body_ends_gets_nothing(runtime: Runtime) -> None:
    sent = exchange(runtime, [{"type": "http.request", "body": b"Format=JSON&Act", "more_body": True}])
    assert sent == []


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH", "OPTIONS"])
def test_every_method_gets_the_envelope(runtime: Runtime, method: str) -> None:
    status, _, body = answer(exchange(runtime, body_parts(b""), method=method, query=b"Format=JSON"))
    assert status == 400
    assert json.loads(body)["Code"] == "UnsupportedHTTPMethod"
