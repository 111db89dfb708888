"""What the report says about the machine and the software a run measured on."""

from __future__ import annotations

import argparse
import contextlib
import importlib.metadata
import os
import platform
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from harness.options import BENCH


def _version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "-"


def machine_info(args: argparse.Namespace, pg_reason: str | None) -> dict[str, Any]:
    cpu = "?"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem_gib = 0.0
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_gib = int(line.split()[1]) / 1024 / 1024
    git = "-"
    with contextlib.suppress(Exception):
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=BENCH, capture_output=True, text=True)
        dirty = subprocess.run(["git", "status", "--porcelain"], cwd=BENCH, capture_output=True, text=True)
        if head.returncode == 0:
            git = head.stdout.strip() + (" (uncommitted changes)" if dirty.stdout.strip() else "")
    pg_version = "-"
    if pg_reason is None and not args.skip_postgres:
        with contextlib.suppress(Exception):
            import psycopg

            with psycopg.connect(args.postgres_url, connect_timeout=3) as conn:
                pg_version = str(conn.execute("SHOW server_version").fetchone()[0])  # type: ignore[index]
    packages = [
        "openrd",
        "uvicorn",
        "starlette",
        "uvloop",
        "httptools",
        "SQLAlchemy",
        "psycopg",
        "moto",
        "Werkzeug",
        "botocore",
        "alibabacloud-tea-openapi",
    ]
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory_gib": round(mem_gib, 1),
        "kernel": platform.release(),
        "loadavg_start": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "git": git,
        "versions": {name: _version(name) for name in packages}
        | {"SQLite": sqlite3.sqlite_version, "PostgreSQL": pg_version},
    }
