"""Structured logs: one JSON object per line with the record's ``extra`` fields (request_id, action, …).

Callers never pass codes, secrets or full phone numbers: phones go through ``domain.phone.mask_phone``.

Every call logs a line at INFO, so a line's cost is a call's cost: written from the calling thread with a flush
(a system call) per line and the pid looked up per record (another), the default INFO level cost a signed
GetAccount much of its throughput (docs/architecture.md#the-log-thread). Lines are formatted and written by a thread of
their own, a batch per write, and records do not look up the pid (neither format prints it).
"""

from __future__ import annotations

import json
import logging
import queue
import sys
import threading
import time
from datetime import UTC, datetime
from typing import Any, TextIO
from urllib.parse import urlsplit, urlunsplit

import orjson

from openrd.domain.times import rfc3339

LINGER_SECONDS = 0.05  # a line reaches the stream at most this much later than it was logged

# HTTP clients log each request's whole URL at INFO (httpx: "HTTP Request: POST http://user:pass@host/?api_key=…"):
# the webhook URL's credentials. openrd logs its own requests' outcomes; theirs only from WARNING on.
CLIENT_LOGGERS = ("httpx", "httpcore", "urllib3", "requests")

_STANDARD = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "taskName"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": rfc3339(datetime.fromtimestamp(record.created, UTC)),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update({k: v for k, v in record.__dict__.items() if k not in _STANDARD and not k.startswith("_")})
        if record.exc_info:
            entry["traceback"] = self.formatException(record.exc_info)
        try:
            return orjson.dumps(entry, default=str).decode()
        except orjson.JSONEncodeError:  # what orjson refuses (an int beyond 64 bits) the standard library writes
            return json.dumps(entry, default=str, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        extras = " ".join(
            f"{k}={v}" for k, v in record.__dict__.items() if k not in _STANDARD and not k.startswith("_")
        )
        line = f"{record.levelname:<7} {record.name}: {record.getMessage()}" + (f"  {extras}" if extras else "")
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


class BackgroundStreamHandler(logging.Handler):
    """Formats and writes records to ``stream`` from a thread of its own: the caller only queues the record.

    The writer wakes for a record, waits ``linger_seconds`` for more, then writes all that is queued with one
    ``write`` and one ``flush``: a line at a time when traffic is light, hundreds under load. ``flush()`` waits
    until what was queued before it is written; ``close()`` (logging.shutdown at exit) writes the rest and stops
    the thread. A record is formatted after it is queued: openrd logs strings and numbers, never objects that
    change afterwards.
    """

    def __init__(self, stream: TextIO, *, linger_seconds: float = LINGER_SECONDS) -> None:
        super().__init__()
        self.stream = stream
        self.linger_seconds = linger_seconds
        self._queue: queue.SimpleQueue[logging.LogRecord | threading.Event | None] = queue.SimpleQueue()
        self._writer = threading.Thread(target=self._write, name="openrd-log-writer", daemon=True)
        self._writer.start()

    def emit(self, record: logging.LogRecord) -> None:
        self._queue.put(record)

    def flush(self) -> None:
        if self._writer.is_alive():
            written = threading.Event()
            self._queue.put(written)
            written.wait(timeout=5)

    def close(self) -> None:
        if self._writer.is_alive():
            self._queue.put(None)
            self._writer.join(timeout=5)
        super().close()

    def _write(self) -> None:
        while True:
            batch = [self._queue.get()]
            # Then let more come: a wake per record (a thread switch, GIL handoffs) cost more than the writes saved.
            time.sleep(self.linger_seconds)
            while True:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            lines: list[str] = []
            for item in batch:
                if isinstance(item, logging.LogRecord):
                    try:
                        lines.append(self.format(item) + "\n")
                    except Exception:
                        self.handleError(item)
                    continue
                self._put(lines)  # a flush marker or the stop: what came before it is written first
                lines = []
                if item is None:
                    return
                item.set()
            self._put(lines)

    def _put(self, lines: list[str]) -> None:
        if not lines:
            return
        try:
            self.stream.write("".join(lines))
            self.stream.flush()
        except Exception:  # a closed or broken stream: say so on stderr, as StreamHandler does, and carry on
            self.handleError(logging.makeLogRecord({"msg": lines[0].rstrip()}))


def redact_url(url: str) -> str:
    """A URL fit for a log line: no user name, password, query or fragment, where credentials ride."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port is not None else ""
    except ValueError:  # not a URL one can split: nothing of it is safe to print
        return "<unparsable URL>"
    host = f"[{host}]" if ":" in host else host
    netloc = ("***@" if "@" in parts.netloc else "") + host + port
    return urlunsplit((parts.scheme, netloc, parts.path, "***" if parts.query else "", ""))


def configure_logging(level: str = "INFO", *, json_lines: bool = True) -> None:
    # What neither formatter prints, records need not collect (the logging HOWTO's "Optimization"): the pid costs a
    # system call per record (glibc does not cache it), the caller's file and line a walk up the stack.
    logging.logProcesses = False
    logging.logMultiprocessing = False
    logging._srcfile = None
    handler = BackgroundStreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if json_lines else TextFormatter())
    root = logging.getLogger()
    replaced, root.handlers[:] = root.handlers[:], [handler]
    for old in replaced:
        if isinstance(old, BackgroundStreamHandler):
            old.close()  # configured again (tests, a second app in one process): it writes what it has and stops
    root.setLevel(level)
    for name in CLIENT_LOGGERS:
        logging.getLogger(name).setLevel(max(logging.WARNING, root.level))
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    # No access line: uvicorn's holds the whole query string, and an OpenAPI call's parameters ride there (a
    # verification code, a phone, a V1 signature). openrd logs every call itself, masked (api/dispatch.py). uvicorn
    # writes the line when this logger has a handler, its ancestors' included (hasHandlers()): it must not reach
    # the root's.
    access = logging.getLogger("uvicorn.access")
    access.handlers[:] = []
    access.propagate = False
