"""``openrd bootstrap | inbox | accounts list | reset`` against the embedded store and against a running server."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alibabacloud_resourcemanager20200331 import models
from alibabacloud_tea_openapi.exceptions import ClientException
from click.testing import CliRunner

from openrd.cli import main
from openrd.testing import OpenRD
from openrd.testing.client import Credentials
from support.servers import LiveServer


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    for name in list(os.environ):
        if name.startswith("OPENRD_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(tmp_path))
    return {"OPENRD_DATA_DIR": str(tmp_path / "data"), "OPENRD_SECRET_KEY": "cli-emulator-key"}


def run(env: dict[str, str], *args: str) -> str:
    result = CliRunner().invoke(main, list(args), env=env)
    assert result.exit_code == 0, result.output
    return str(result.output)


def test_bootstrap_on_the_embedded_store_then_accounts_list(env: dict[str, str]) -> None:
    world = json.loads(run(env, "bootstrap", "--site", "cn", "--json"))
    assert world["site"] == "cn"
    assert world["rd_admin"]["arn"] == f"acs:ram::{world['account_id']}:user/rd-admin"
    assert world["rd_admin"]["access_key_id"].startswith("LTAI")
    listing = run(env, "accounts", "list")
    assert world["account_id"] in listing
    assert "86-138****8000" in listing  # the secure phone, masked
    assert "86-13800138000" not in listing


def test_bootstrap_prints_exports_that_work_with_the_sdk(sqlite_server: LiveServer, env: dict[str, str]) -> None:
    output = run(env, "bootstrap", "--url", sqlite_server.url)
    exports = dict(
        line.removeprefix("export ").split("=", 1) for line in output.splitlines() if line.startswith("export ")
    )
    assert exports["ALIBABA_CLOUD_ENDPOINT_RESOURCEMANAGER"] == sqlite_server.endpoint
    helper = OpenRD(sqlite_server.url)
    admin = Credentials("", exports["ALIBABA_CLOUD_ACCESS_KEY_ID"], exports["ALIBABA_CLOUD_ACCESS_KEY_SECRET"])
    with pytest.raises(ClientException) as caught:  # authenticated and authorized: the business answer
        helper.tea_client(admin).get_resource_directory()
    assert caught.value.code == "ResourceDirectoryNotInUse"
    helper.close()


def test_inbox_shows_the_code_a_send_produced(sqlite_server: LiveServer, env: dict[str, str]) -> None:
    helper = OpenRD(sqlite_server.url)
    assert "no messages yet" in CliRunner().invoke(main, ["inbox", "--url", sqlite_server.url], env=env).output
    account = helper.make_account(site="intl", enterprise_name="Globex")
    helper.tea_client(account).send_verification_code_for_enable_rd(
        models.SendVerificationCodeForEnableRDRequest(secure_mobile_phone="44-7400123999")
    )
    code = helper.latest_code("44-7400123999")
    listing = run(env, "inbox", "--url", sqlite_server.url, "--phone", "44-7400123999")
    assert code in listing
    assert "EnableRD" in listing
    assert "44-7400123999" not in run(env, "inbox", "--url", sqlite_server.url, "--phone", "44-7400123000")
    helper.close()


def test_reset_wipes_everything(env: dict[str, str]) -> None:
    world = json.loads(run(env, "bootstrap", "--json"))
    assert world["account_id"] in run(env, "accounts", "list")
    assert "wiped" in run(env, "reset", "--yes")
    assert world["account_id"] not in run(env, "accounts", "list")


def test_reset_asks_first(env: dict[str, str]) -> None:
    run(env, "bootstrap")
    result = CliRunner().invoke(main, ["reset"], env=env, input="n\n")
    assert result.exit_code != 0
    assert "platform" in run(env, "accounts", "list")  # nothing was wiped


def test_unreachable_url_is_a_clear_error(env: dict[str, str]) -> None:
    result = CliRunner().invoke(main, ["accounts", "list", "--url", "http://127.0.0.1:9"], env=env)
    assert result.exit_code != 0
    assert "cannot reach openrd" in result.output


def test_clock_can_be_set_to_a_fixed_time(sqlite_server: LiveServer) -> None:
    answer = sqlite_server.control("POST", "/clock", json={"now": "2030-01-01T00:00:00Z"}).json()
    shown = datetime.fromisoformat(answer["now"].replace("Z", "+00:00"))
    assert abs((shown - datetime(2030, 1, 1, tzinfo=UTC)).total_seconds()) < 2  # offsets are whole seconds
    assert sqlite_server.control("POST", "/clock", json={"now": "yesterday"}).status_code == 400
    both = sqlite_server.control("POST", "/clock", json={"now": "2030-01-01T00:00:00Z", "offset_seconds": 5})
    assert both.status_code == 400
    sqlite_server.control("POST", "/clock", json={"offset_seconds": 0})


def test_serve_starts_the_clock_at_openrd_clock_start(env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: None)
    result = CliRunner().invoke(main, ["serve"], env=env | {"OPENRD_CLOCK_START": "2031-06-01T12:00:00Z"})
    assert result.exit_code == 0, result.output
    assert "starts at 2031-06-01T12:00:00Z" in result.output
    listing = CliRunner().invoke(main, ["inbox"], env=env)  # a server over the same store sees the moved clock
    assert listing.exit_code == 0
    from openrd.testing.server import start_server

    server = start_server(env)
    helper = OpenRD(server.url)
    try:
        shown = datetime.fromisoformat(helper.advance(0)["now"].replace("Z", "+00:00"))
        assert abs((shown - datetime(2031, 6, 1, 12, tzinfo=UTC)).total_seconds()) < 60
    finally:
        helper.close()
        server.stop()
    bad = CliRunner().invoke(main, ["serve"], env=env | {"OPENRD_CLOCK_START": "soon"})
    assert bad.exit_code != 0
    assert "OPENRD_CLOCK_START" in bad.output


def test_bootstrap_names_the_local_ca_for_https_clients(env: dict[str, str], tmp_path: Path) -> None:
    ca_file = tmp_path / "data" / "tls" / "ca.pem"
    world = json.loads(run(env, "bootstrap", "--json"))
    assert world["ca_file"] == str(ca_file)
    assert ca_file.read_text().startswith("-----BEGIN CERTIFICATE-----")
    output = run(env, "bootstrap")
    for variable in ("SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "NODE_EXTRA_CA_CERTS"):
        assert f"export {variable}={ca_file}" in output
    assert "PRIVATE KEY" not in output
