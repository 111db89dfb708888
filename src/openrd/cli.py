"""``openrd serve | db upgrade`` — the command line."""

from __future__ import annotations

import ipaddress
import os
import shutil
import sys
import tempfile
from dataclasses import replace
from typing import Any

import click

from openrd import cli_emulator as emulator
from openrd.config import ConfigError, Settings, load_settings
from openrd.logs import redact_url


def _settings_or_exit() -> Settings:
    try:
        return load_settings()
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@click.group(help="openrd: a wire-compatible Alibaba Cloud Resource Directory service and emulator.")
@click.version_option(package_name="openrd")
def main() -> None:
    pass


@main.command(help="Start the server (applies database migrations first).")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8765, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64))
@click.option(
    "--tls-port",
    default=None,
    type=click.IntRange(0, 65535),
    help="Also serve HTTPS on this port (default: OPENRD_TLS_PORT; none).",
)
def serve(host: str, port: int, workers: int, tls_port: int | None) -> None:
    settings = _settings_or_exit()
    if tls_port is not None:
        settings = replace(settings, tls=replace(settings.tls, port=tls_port))
    if settings.tls.port is not None and workers > 1:
        raise click.ClickException("the TLS listener runs with --workers 1 (start more servers for more processes)")
    if not _is_loopback(host) and settings.admin_token is None:
        raise click.ClickException(f"refusing to listen on {host} without OPENRD_ADMIN_TOKEN (the control API)")
    if settings.forwarded_allow_ips and settings.admin_token is None:
        # Behind a proxy every client reaches the server from the proxy's address: loopback proves nothing.
        raise click.ClickException("refusing to trust OPENRD_FORWARDED_ALLOW_IPS without OPENRD_ADMIN_TOKEN")
    metrics_dir = None
    if workers > 1 and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # Sum /metrics over the worker processes (prometheus_client's multiprocess mode), in a directory of this
        # run's own, removed when the server stops.
        metrics_dir = os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="openrd-metrics-")
    try:
        _migrate_and_run(settings, host=host, port=port, workers=workers)
    finally:
        if metrics_dir is not None:
            del os.environ["PROMETHEUS_MULTIPROC_DIR"]
            shutil.rmtree(metrics_dir, ignore_errors=True)


def _migrate_and_run(settings: Settings, *, host: str, port: int, workers: int) -> None:
    import uvicorn

    from openrd.adapters.db import migrate
    from openrd.adapters.db.engine import make_engine
    from openrd.api.limits import uvicorn_options

    engine = make_engine(settings.database_url)
    migrate.upgrade(engine)  # once, before the workers start
    engine.dispose()
    if settings.clock_start:
        _start_clock(settings)
    postgresql = settings.store_kind == "postgresql"
    where = redact_url(settings.database_url) if postgresql else settings.database_url[len("sqlite:///") :]
    options: dict[str, Any] = {
        "factory": True,
        "log_level": settings.log_level.lower(),
        "log_config": None,  # create_app installs openrd's structured logging in every worker
        "access_log": False,
        # The protocol caps the request head, times out slow requests and caps connections (api/limits.py);
        # forwarding headers are believed only from OPENRD_FORWARDED_ALLOW_IPS.
        **uvicorn_options(settings, in_process=False),
        "timeout_graceful_shutdown": 10,  # finish in-flight calls; console streams reconnect to the next server
    }
    if settings.tls.port is None:
        click.echo(f"openrd listening on http://{host}:{port}  (store: {settings.store_kind}, {where})", err=True)
        uvicorn.run("openrd.bootstrap:create_app", host=host, port=port, workers=workers, **options)
        return
    _run_with_tls(settings, host, port, settings.tls.port, options, f"(store: {settings.store_kind}, {where})")


def _run_with_tls(settings: Settings, host: str, port: int, tls_port: int, options: dict[str, Any], store: str) -> None:
    """Both listeners in one process: uvicorn.run has room for one socket only."""
    import uvicorn

    from openrd.listeners import Listeners, TlsListener, bind, trust_lines

    try:
        tls = TlsListener.from_settings(settings)
        sockets = [bind(host, port), bind(host, tls_port)]
    except (OSError, ValueError) as exc:
        raise click.ClickException(f"cannot start the TLS listener: {exc}") from None
    shown = f"[{host}]" if ":" in host else host
    ports = [s.getsockname()[1] for s in sockets]
    click.echo(f"openrd listening on http://{shown}:{ports[0]} and https://{shown}:{ports[1]}  {store}", err=True)
    for line in trust_lines(tls.files):
        click.echo(line, err=True)
    server = Listeners(uvicorn.Config("openrd.bootstrap:create_app", host=host, port=ports[0], **options), tls)
    server.run(sockets=sockets)
    if not server.started:
        sys.exit(3)  # uvicorn's exit status for a server that failed to start


@main.command("api-reference", help="Print the API reference generated from the action registry (Markdown).")
def api_reference() -> None:
    from openrd.api.reference import render

    click.echo(render(), nl=False)


def _start_clock(settings: Settings) -> None:
    """OPENRD_CLOCK_START: the emulator clock reads this time when the server starts, then runs on."""
    from openrd.bootstrap import build_runtime
    from openrd.services import emulator
    from openrd.services.errors import InvalidInput

    runtime = build_runtime(settings, upgrade=False)
    try:
        offset = emulator.set_clock(runtime.deps, now=emulator.parse_moment(settings.clock_start or ""))
    except InvalidInput as exc:
        raise click.ClickException(f"OPENRD_CLOCK_START: {exc.text}") from None
    finally:
        runtime.close()
    click.echo(f"  clock:   starts at {settings.clock_start} (offset {offset} s)", err=True)


@main.group(help="Database commands.")
def db() -> None:
    pass


@db.command("upgrade", help="Apply all migrations to OPENRD_DATABASE_URL.")
def db_upgrade() -> None:
    from openrd.adapters.db import migrate
    from openrd.adapters.db.engine import make_engine

    settings = _settings_or_exit()
    engine = make_engine(settings.database_url)
    migrate.upgrade(engine)
    click.echo(f"database at revision {migrate.current_revision(engine)}")


main.add_command(emulator.bootstrap)
main.add_command(emulator.inbox)
main.add_command(emulator.reset)
main.add_command(emulator.accounts)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
