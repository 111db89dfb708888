"""``openrd bootstrap | inbox | reset | accounts list``: the emulator from a terminal.

Each talks to the server at ``--url`` (default ``OPENRD_URL``); with neither, it starts a short-lived server on
a free loopback port over the configured store and talks to that: one code path, the control API.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Iterator
from typing import Any

import click
import httpx

from openrd.adapters.tls import TlsFiles
from openrd.listeners import trust_lines

BOOTSTRAP_PHONES = {"cn": "86-13800138000", "intl": "1-2015550123"}


@contextlib.contextmanager
def control_client(url: str | None) -> Iterator[httpx.Client]:
    token = os.environ.get("OPENRD_ADMIN_TOKEN")
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if url:
        with httpx.Client(base_url=url.rstrip("/"), headers=headers, timeout=30) as client:
            yield client
        return
    from openrd.config import ConfigError
    from openrd.testing.server import start_server

    try:
        server = start_server(os.environ)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    try:
        with httpx.Client(base_url=server.url, headers=headers, timeout=30) as client:
            yield client
    finally:
        server.stop()


def _call(client: httpx.Client, method: str, path: str, expect: int, **kwargs: Any) -> Any:
    try:
        response = client.request(method, f"/_openrd{path}", **kwargs)
    except httpx.HTTPError as exc:
        raise click.ClickException(f"cannot reach openrd: {exc}") from None
    if response.status_code != expect:
        raise click.ClickException(f"{method} /_openrd{path} → {response.status_code}: {response.text}")
    return response.json() if response.content else None


url_option = click.option("--url", envvar="OPENRD_URL", default=None, help="A running openrd (default: OPENRD_URL).")


@click.command(
    help="Create a ready world: an enterprise-verified account with a secure phone and a RAM user "
    "rd-admin with AliyunResourceDirectoryFullAccess; print shell exports and an SDK snippet."
)
@click.option("--site", type=click.Choice(["intl", "cn"]), default="intl", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON for machines.")
@url_option
def bootstrap(site: str, as_json: bool, url: str | None) -> None:
    endpoint = url.split("://", 1)[-1].rstrip("/") if url else "127.0.0.1:8765"
    tls_files = _tls_files()
    with control_client(url) as client:
        account = _call(
            client,
            "POST",
            "/accounts",
            201,
            json={
                "display_name": "platform",
                "site": site,
                "secure_mobile_phone": BOOTSTRAP_PHONES[site],
                "enterprise_name": "Example Corp",
                "enterprise_verified": True,
            },
        )
        user = _call(
            client,
            "POST",
            f"/accounts/{account['account_id']}/ram-users",
            201,
            json={
                "name": "rd-admin",
                "policies": ["AliyunResourceDirectoryFullAccess"],
            },
        )
    world = {
        "account_id": account["account_id"],
        "site": site,
        "secure_mobile_phone": BOOTSTRAP_PHONES[site],
        "root": {"access_key_id": account["access_key_id"], "access_key_secret": account["access_key_secret"]},
        "rd_admin": {
            "arn": user["arn"],
            "access_key_id": user["access_key_id"],
            "access_key_secret": user["access_key_secret"],
        },
        "endpoint": endpoint,
        "ca_file": str(tls_files.ca_file) if tls_files.ca_file else None,
    }
    if as_json:
        click.echo(json.dumps(world, indent=2))
        return
    click.echo(f"# account {account['account_id']} ({site} site), RAM user {user['arn']}")
    click.echo(f"export ALIBABA_CLOUD_ACCESS_KEY_ID={user['access_key_id']}")
    click.echo(f"export ALIBABA_CLOUD_ACCESS_KEY_SECRET={user['access_key_secret']}")
    click.echo(f"export ALIBABA_CLOUD_ENDPOINT_RESOURCEMANAGER={endpoint}")
    click.echo("# the root account's own key (EnableResourceDirectory needs the root or a RAM identity of it):")
    click.echo(f"#   {account['access_key_id']} / {account['access_key_secret']}")
    click.echo("# Python:")
    click.echo("#   from alibabacloud_tea_openapi.utils_models import Config")
    click.echo("#   from alibabacloud_resourcemanager20200331.client import Client")
    click.echo(
        f"#   client = Client(Config(access_key_id='{user['access_key_id']}', access_key_secret='…', "
        f"endpoint='{endpoint}', protocol='http'))"
    )
    click.echo("# HTTPS (openrd serve --tls-port; the credential libraries speak nothing else):")
    click.echo("\n".join(trust_lines(tls_files)))


def _tls_files() -> TlsFiles:
    """The TLS listener's certificate as ``openrd serve`` would load it: the local CA is made here if need be."""
    from openrd.adapters.tls import ensure_local_tls
    from openrd.config import ConfigError, load_settings

    try:
        settings = load_settings()
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    if settings.tls.cert_file is not None and settings.tls.key_file is not None:
        return TlsFiles(settings.tls.cert_file, settings.tls.key_file)
    return ensure_local_tls(settings.data_dir)


def _print_message(message: dict[str, Any]) -> None:
    code = message.get("code") or "—"
    click.echo(
        f"{message['created_at']}  {message['phone']:<18} {message['purpose']:<22} code {code:<8} {message['status']}"
    )


@click.command(help="The SMS inbox: messages newest last; --follow keeps printing new ones.")
@click.option("--phone", default=None, help="Only messages to this phone (86-13900001234).")
@click.option("--follow", is_flag=True, help="Keep watching for new messages (Ctrl-C to stop).")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 1000))
@url_option
def inbox(phone: str | None, follow: bool, limit: int, url: str | None) -> None:
    params: dict[str, Any] = {"limit": limit} | ({"phone": phone} if phone else {})
    seen: set[str] = set()
    with control_client(url) as client:
        while True:
            messages = _call(client, "GET", "/sms", 200, params=params)["messages"]
            fresh = [m for m in reversed(messages) if m["id"] not in seen]
            for message in fresh:
                seen.add(message["id"])
                _print_message(message)
            if not follow:
                if not messages:
                    click.echo("no messages yet", err=True)
                return
            time.sleep(1.0)


@click.command(help="Wipe all state (accounts, directories, codes, messages) and reset the clock.")
@click.option("--yes", is_flag=True, help="Do not ask.")
@url_option
def reset(yes: bool, url: str | None) -> None:
    if not yes:
        click.confirm("Wipe every account, directory, code and message?", abort=True)
    with control_client(url) as client:
        _call(client, "POST", "/reset", 204)
    click.echo("openrd state wiped")


@click.group(help="Accounts.")
def accounts() -> None:
    pass


@accounts.command("list", help="Every account: ID, site, login name, secure phone (masked), enterprise.")
@url_option
def accounts_list(url: str | None) -> None:
    from openrd.domain.phone import mask_phone

    with control_client(url) as client:
        rows = _call(client, "GET", "/accounts", 200)["accounts"]
    header = f"{'ACCOUNT ID':<17} {'SITE':<5} {'NAME':<40} {'SECURE PHONE':<17} ENTERPRISE"
    click.echo(header)
    for row in rows:
        phone = mask_phone(row["secure_mobile_phone"]) if row["secure_mobile_phone"] else "—"
        verified = "" if row["enterprise_verified"] else " (unverified)"
        click.echo(
            f"{row['account_id']:<17} {row['site']:<5} {row['name'][:40]:<40} {phone:<17} "
            f"{row['enterprise_name'] or '—'}{verified}"
        )
