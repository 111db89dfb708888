"""The command line: help, ``db upgrade``, and ``serve`` refusing a public address without an admin token."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import openrd
from openrd.adapters.db import migrate
from openrd.adapters.db.engine import make_engine
from openrd.cli import main


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """A clean environment: no OPENRD_* from the developer's shell, data under tmp_path."""
    for name in list(os.environ):
        if name.startswith("OPENRD_") or name == "PROMETHEUS_MULTIPROC_DIR":
            monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    return {"OPENRD_DATA_DIR": str(tmp_path / "data"), "OPENRD_SECRET_KEY": "cli-test-key"}


@pytest.fixture
def uvicorn_calls(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Record uvicorn.run instead of serving."""
    import uvicorn

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: calls.append({"args": args, **kwargs}))
    return calls


def test_help_lists_the_commands(env: dict[str, str]) -> None:
    result = CliRunner().invoke(main, ["--help"], env=env)
    assert result.exit_code == 0, result.output
    for command in ("serve", "db"):
        assert command in result.output


def test_version(env: dict[str, str]) -> None:
    result = CliRunner().invoke(main, ["--version"], env=env)
    assert result.exit_code == 0
    assert openrd.__version__ in result.output


def test_db_upgrade_on_sqlite_prints_the_revision(env: dict[str, str], tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli' / 'openrd.db'}"
    result = CliRunner().invoke(main, ["db", "upgrade"], env={**env, "OPENRD_DATABASE_URL": url})
    assert result.exit_code == 0, result.output
    head = migrate.head_revision()
    assert f"revision {head}" in result.output
    engine = make_engine(url)
    try:
        assert migrate.is_up_to_date(engine)
    finally:
        engine.dispose()
    again = CliRunner().invoke(main, ["db", "upgrade"], env={**env, "OPENRD_DATABASE_URL": url})
    assert again.exit_code == 0, again.output
    assert f"revision {head}" in again.output


def test_db_upgrade_reports_a_bad_setting(env: dict[str, str]) -> None:
    result = CliRunner().invoke(main, ["db", "upgrade"], env={**env, "OPENRD_DATABASE_URL": "mysql://x/y"})
    assert result.exit_code != 0
    assert "OPENRD_DATABASE_URL" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.10", "example.com"])
def test_serve_refuses_a_public_address_without_admin_token(
    env: dict[str, str], tmp_path: Path, uvicorn_calls: list[dict[str, Any]], host: str
) -> None:
    result = CliRunner().invoke(main, ["serve", "--host", host, "--workers", "2"], env=env)
    assert result.exit_code != 0
    assert "refusing to listen" in result.output
    assert host in result.output
    assert "OPENRD_ADMIN_TOKEN" in result.output
    # it refused before starting anything: no server, no database, no metrics directory
    assert uvicorn_calls == []
    assert not (tmp_path / "data").exists()
    assert "PROMETHEUS_MULTIPROC_DIR" not in os.environ


def test_serve_with_admin_token_may_listen_publicly(
    env: dict[str, str], tmp_path: Path, uvicorn_calls: list[dict[str, Any]]
) -> None:
    result = CliRunner().invoke(
        main, ["serve", "--host", "0.0.0.0", "--port", "9999"], env={**env, "OPENRD_ADMIN_TOKEN": "t"}
    )
    assert result.exit_code == 0, result.output
    assert len(uvicorn_calls) == 1
    assert (uvicorn_calls[0]["host"], uvicorn_calls[0]["port"]) == ("0.0.0.0", 9999)
    assert (tmp_path / "data" / "openrd.db").exists()  # migrations ran first
    engine = make_engine(f"sqlite:///{tmp_path / 'data' / 'openrd.db'}")
    try:
        assert migrate.is_up_to_date(engine)
    finally:
        engine.dispose()


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1"])
def test_serve_on_loopback_needs_no_token(env: dict[str, str], uvicorn_calls: list[dict[str, Any]], host: str) -> None:
    result = CliRunner().invoke(main, ["serve", "--host", host], env=env)
    assert result.exit_code == 0, result.output
    assert [call["host"] for call in uvicorn_calls] == [host]


@pytest.mark.parametrize("stops", ["normally", "with an error"])
def test_serve_with_workers_removes_its_metrics_directory_when_it_stops(
    env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stops: str
) -> None:
    """prometheus_client's multiprocess files go to a directory of the run's own; each run left one in /tmp."""
    import uvicorn

    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    seen: list[Path] = []

    def run(*args: Any, **kwargs: Any) -> None:
        directory = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
        assert directory.is_dir()
        (directory / "counter_1234.db").write_bytes(b"worker files")
        seen.append(directory)
        if stops == "with an error":
            raise OSError("address already in use")

    monkeypatch.setattr(uvicorn, "run", run)
    tempfile_dir = tempfile.tempdir
    tempfile.tempdir = None  # TMPDIR is read once and cached
    try:
        result = CliRunner().invoke(main, ["serve", "--workers", "2"], env=env)
    finally:
        tempfile.tempdir = tempfile_dir
    assert (result.exit_code == 0) == (stops == "normally"), result.output
    assert len(seen) == 1
    assert seen[0].parent == tmp_path / "tmp"
    assert seen[0].name.startswith("openrd-metrics-")
    assert list((tmp_path / "tmp").iterdir()) == []
    assert "PROMETHEUS_MULTIPROC_DIR" not in os.environ


def test_serve_with_one_worker_makes_no_metrics_directory(
    env: dict[str, str], uvicorn_calls: list[dict[str, Any]]
) -> None:
    result = CliRunner().invoke(main, ["serve"], env=env)
    assert result.exit_code == 0, result.output
    assert len(uvicorn_calls) == 1
    assert "PROMETHEUS_MULTIPROC_DIR" not in os.environ


def test_serve_reports_a_bad_setting_before_starting(env: dict[str, str], uvicorn_calls: list[dict[str, Any]]) -> None:
    result = CliRunner().invoke(main, ["serve"], env={**env, "OPENRD_CODE_LENGTH": "3"})
    assert result.exit_code != 0
    assert "OPENRD_CODE_LENGTH" in result.output
    assert uvicorn_calls == []


def test_serve_believes_no_forwarding_headers_by_default(
    env: dict[str, str], uvicorn_calls: list[dict[str, Any]]
) -> None:
    """uvicorn's own default trusts X-Forwarded-For/-Proto from 127.0.0.1; openrd serve trusts nobody unless told."""
    result = CliRunner().invoke(main, ["serve"], env={**env, "OPENRD_KEEP_ALIVE_TIMEOUT_SECONDS": "2"})
    assert result.exit_code == 0, result.output
    (call,) = uvicorn_calls
    assert call["proxy_headers"] is False
    assert call["timeout_keep_alive"] == 2.0
    assert call["http"].__name__ == "HeaderLimitedHttpTools"


def test_serve_trusts_the_configured_proxies_only_with_an_admin_token(
    env: dict[str, str], uvicorn_calls: list[dict[str, Any]]
) -> None:
    proxies = {**env, "OPENRD_FORWARDED_ALLOW_IPS": "10.0.0.2,10.1.0.0/16"}
    refused = CliRunner().invoke(main, ["serve"], env=proxies)
    assert refused.exit_code != 0
    assert "OPENRD_ADMIN_TOKEN" in refused.output
    assert uvicorn_calls == []
    result = CliRunner().invoke(main, ["serve"], env={**proxies, "OPENRD_ADMIN_TOKEN": "t"})
    assert result.exit_code == 0, result.output
    (call,) = uvicorn_calls
    assert (call["proxy_headers"], call["forwarded_allow_ips"]) == (True, ["10.0.0.2", "10.1.0.0/16"])
