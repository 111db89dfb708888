"""Structured logs (openrd/logs.py): the line formats, and the handler that writes them from a thread of its own."""

from __future__ import annotations

import io
import json
import logging
import subprocess
import sys
import threading
from collections.abc import Iterator

import pytest

from openrd.logs import (
    CLIENT_LOGGERS,
    BackgroundStreamHandler,
    JsonFormatter,
    TextFormatter,
    configure_logging,
    redact_url,
)


def _record(msg: str = "call", **extra: object) -> logging.LogRecord:
    record = logging.makeLogRecord({"name": "openrd.api", "levelname": "INFO", "levelno": 20, "msg": msg})
    record.__dict__.update(extra)
    return record


def test_a_json_line_carries_the_time_level_logger_message_and_extras() -> None:
    record = _record(request_id="01A2-…", action="GetAccount", status=200, phone="86-139****0001")
    record.created = 1_764_620_000.5

    entry = json.loads(JsonFormatter().format(record))

    assert entry == {
        "time": "2025-12-01T20:13:20.500Z",
        "level": "INFO",
        "logger": "openrd.api",
        "message": "call",
        "request_id": "01A2-…",  # not escaped: the line is UTF-8
        "action": "GetAccount",
        "status": 200,
        "phone": "86-139****0001",
    }
    assert "…" in JsonFormatter().format(record)


def test_a_json_line_carries_the_traceback_and_writes_what_json_cannot_as_text() -> None:
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.makeLogRecord({"msg": "internal error", "exc_info": sys.exc_info()})
    record.__dict__.update(big=1 << 70, path=io)  # beyond orjson's integers; a module

    entry = json.loads(JsonFormatter().format(record))

    assert "ValueError: boom" in entry["traceback"]
    assert entry["big"] == 1 << 70
    assert entry["path"].startswith("<module 'io'")


def test_a_text_line_has_the_level_logger_message_and_extras() -> None:
    assert TextFormatter().format(_record(action="GetAccount")) == "INFO    openrd.api: call  action=GetAccount"


class SlowStream(io.StringIO):
    """A stream whose first write blocks until released: meanwhile the records pile up in the queue."""

    def __init__(self) -> None:
        super().__init__()
        self.writes = 0
        self.release = threading.Event()

    def write(self, text: str) -> int:
        self.writes += 1
        if self.writes == 1:
            self.release.wait(timeout=10)
        return super().write(text)


@pytest.fixture
def slow() -> Iterator[tuple[SlowStream, BackgroundStreamHandler]]:
    stream = SlowStream()
    handler = BackgroundStreamHandler(stream, linger_seconds=0)
    handler.setFormatter(TextFormatter())
    yield stream, handler
    stream.release.set()
    handler.close()


def test_the_writer_writes_every_record_in_order_a_batch_per_write(
    slow: tuple[SlowStream, BackgroundStreamHandler],
) -> None:
    stream, handler = slow
    handler.handle(_record("first"))
    while stream.writes == 0:  # the writer is now held in its first write
        threading.Event().wait(0.001)
    for n in range(500):
        handler.handle(_record(f"line {n}"))
    stream.release.set()
    handler.flush()

    lines = stream.getvalue().splitlines()
    assert lines == ["INFO    openrd.api: first"] + [f"INFO    openrd.api: line {n}" for n in range(500)]
    assert stream.writes < 10  # the 500 queued meanwhile went out in a few writes, not one each


def test_close_writes_what_is_queued_and_stops_the_writer() -> None:
    stream = io.StringIO()
    handler = BackgroundStreamHandler(stream)  # the default linger: close must not lose what it holds
    handler.setFormatter(TextFormatter())
    for n in range(100):
        handler.handle(_record(f"line {n}"))
    handler.close()

    assert len(stream.getvalue().splitlines()) == 100
    assert not handler._writer.is_alive()


def test_a_broken_stream_is_reported_and_the_writer_goes_on(capsys: pytest.CaptureFixture[str]) -> None:
    class Broken(io.StringIO):
        def write(self, text: str) -> int:
            raise OSError("disk full")

    handler = BackgroundStreamHandler(Broken(), linger_seconds=0)
    handler.setFormatter(TextFormatter())
    handler.handle(_record("lost"))
    handler.flush()
    handler.handle(_record("lost too"))
    handler.flush()
    alive = handler._writer.is_alive()
    handler.close()

    assert alive
    assert capsys.readouterr().err.count("OSError: disk full") == 2


@pytest.fixture
def root_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    flags = logging.logProcesses, logging.logMultiprocessing, logging._srcfile
    clients = {name: logging.getLogger(name).level for name in CLIENT_LOGGERS}
    yield
    for name, client_level in clients.items():
        logging.getLogger(name).setLevel(client_level)
    for handler in root.handlers:
        if handler not in handlers:
            handler.close()
    root.handlers[:] = handlers
    root.setLevel(level)
    logging.logProcesses, logging.logMultiprocessing, logging._srcfile = flags


def test_configure_logging_writes_json_lines_to_stderr_and_replaces_its_own_handler(
    root_logging: None, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging("INFO")
    first = logging.getLogger().handlers[0]
    configure_logging("INFO")
    handlers = logging.getLogger().handlers
    logging.getLogger("openrd.api").info("call", extra={"action": "GetAccount"})
    logging.getLogger("openrd.api").debug("not at INFO")
    handlers[0].flush()

    assert len(handlers) == 1
    assert handlers[0] is not first
    assert isinstance(first, BackgroundStreamHandler)
    assert not first._writer.is_alive()
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    assert [(e["message"], e["action"]) for e in lines] == [("call", "GetAccount")]
    assert "process" not in lines[0]


def test_uvicorn_logs_through_openrd_but_writes_no_access_line(
    root_logging: None, capsys: pytest.CaptureFixture[str]
) -> None:
    """uvicorn asks ``hasHandlers()`` of its access logger before it builds the line (which holds the query string)."""
    configure_logging("INFO")
    logging.getLogger("uvicorn.error").info("Started server process")
    logging.getLogger("uvicorn.access").info('%s - "%s" %d', "127.0.0.1:1", "GET /?VerificationCode=654321", 400)
    logging.getLogger().handlers[0].flush()

    assert not logging.getLogger("uvicorn.access").hasHandlers()
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    assert [(e["logger"], e["message"]) for e in lines] == [("uvicorn.error", "Started server process")]


def test_records_skip_what_no_line_prints(root_logging: None) -> None:
    configure_logging("INFO", json_lines=False)
    record = logging.getLogger("openrd.api").makeRecord("openrd.api", logging.INFO, "(unknown file)", 0, "x", (), None)

    assert record.process is None
    assert record.processName is None


def test_lines_still_queued_when_the_process_exits_are_written() -> None:
    """A server that shuts down (uvicorn on SIGTERM, then the interpreter's exit) loses no line to the linger:
    logging.shutdown closes the handler, which writes what it holds."""
    program = (
        "import logging; from openrd.logs import configure_logging; configure_logging('INFO');"
        "log = logging.getLogger('openrd.api');"
        "[log.info('call', extra={'n': n}) for n in range(300)]"
    )
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=60, check=True)

    assert [json.loads(line)["n"] for line in done.stderr.splitlines()] == list(range(300))


@pytest.mark.parametrize("level", ["DEBUG", "INFO"])
def test_http_clients_request_lines_stay_out_of_the_log(
    root_logging: None, capsys: pytest.CaptureFixture[str], level: str
) -> None:
    """httpx logs every request's URL at INFO, user info and query included: the webhook URL's credentials."""
    configure_logging(level)
    logging.getLogger("httpx").info('HTTP Request: POST http://user:pass@127.0.0.1/sms?api_key=k "HTTP/1.1 200 OK"')
    logging.getLogger("httpcore.connection").debug("connect_tcp.started host='127.0.0.1'")
    logging.getLogger("httpx").warning("a client warning still shows")
    logging.getLogger("openrd.sms").debug("openrd's own debug line")
    logging.getLogger().handlers[0].flush()

    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    expected = [("httpx", "a client warning still shows")]
    if level == "DEBUG":
        expected.append(("openrd.sms", "openrd's own debug line"))
    assert [(e["logger"], e["message"]) for e in lines] == expected


@pytest.mark.parametrize(
    ("url", "redacted"),
    [
        ("http://user:pass@hooks.example:8443/sms?api_key=k#frag", "http://***@hooks.example:8443/sms?***"),
        ("https://hooks.example/sms", "https://hooks.example/sms"),
        ("http://token@[::1]:9000/a/b?x=1", "http://***@[::1]:9000/a/b?***"),
        (
            "postgresql+psycopg://rd:secret@db:5432/openrd?sslmode=require",
            "postgresql+psycopg://***@db:5432/openrd?***",
        ),
        ("http://u:p@host:notaport/", "<unparsable URL>"),
    ],
)
def test_redact_url_keeps_no_user_info_query_or_fragment(url: str, redacted: str) -> None:
    assert redact_url(url) == redacted
