"""The scripts in examples/ run unchanged against a real server, as a user would run them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from openrd.testing import OpenRD

EXAMPLES = Path(__file__).parents[2] / "examples"


def run(script: str, *args: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / script), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, **(env or {})},
    )
    assert done.returncode == 0, done.stderr
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def test_enable_with_new_management_account(openrd_server: OpenRD) -> None:
    root = openrd_server.make_account(site="cn", enterprise_name="ACME Ltd")
    out = run(
        "enable_with_new_management_account.py",
        "--endpoint", openrd_server.endpoint,
        "--access-key-id", root.access_key_id,
        "--access-key-secret", root.access_key_secret,
        "--phone", "86-13900007001",
        "--name", "lz-admin@rdadmin.aliyunid.com",
    )  # fmt: skip
    assert out["MasterAccountName"] == "lz-admin@rdadmin.aliyunid.com"
    assert out["ResourceDirectoryId"].startswith("rd-")
    master = openrd_server.account(out["MasterAccountId"])
    assert master["secure_mobile_phone"] == "86-13900007001"
    assert master["enterprise_name"] == "ACME Ltd"


def test_bind_secure_phone(openrd_server: OpenRD) -> None:
    root = openrd_server.make_account(site="intl", enterprise_name="Globex")
    openrd_server.tea_client(root).enable_resource_directory(_enable_current())
    admin = openrd_server.ram_user(root.account_id)
    out = run(
        "bind_secure_phone.py",
        "--endpoint", openrd_server.endpoint,
        "--access-key-id", admin.access_key_id,
        "--access-key-secret", admin.access_key_secret,
        "--phone", "44-7400123456",
        "--display-name", "dev account",
    )  # fmt: skip
    assert openrd_server.account(out["AccountId"])["secure_mobile_phone"] == "44-7400123456"
    assert out["CodeExpiredAt"].endswith("Z")


def _enable_current() -> object:
    from alibabacloud_resourcemanager20200331 import models

    return models.EnableResourceDirectoryRequest(enable_mode="CurrentAccount")


@pytest.mark.parametrize("transport", ["https", "http"])
def test_step_into_member(openrd_server: OpenRD, transport: str) -> None:
    """The credentials library's ram_role_arn provider over the TLS listener (trusting the CA through
    SSL_CERT_FILE), or over plain HTTP given an http:// endpoint; then STS, RM and RAM calls as the member."""
    from alibabacloud_resourcemanager20200331 import models

    root = openrd_server.make_account(site="intl", enterprise_name="Initech")
    client = openrd_server.tea_client(root)
    directory = client.enable_resource_directory(_enable_current()).body.resource_directory.resource_directory_id
    member = client.create_resource_account(models.CreateResourceAccountRequest(display_name="workload"))
    member_id = member.body.account.account_id
    operator = openrd_server.ram_user(root.account_id, "lz-operator", ("AliyunSTSAssumeRoleAccess",))
    assert openrd_server.tls_endpoint is not None
    assert openrd_server.ca_file is not None
    sts = openrd_server.tls_endpoint if transport == "https" else f"http://{openrd_server.endpoint}"
    out = run(
        "step_into_member.py",
        "--endpoint", openrd_server.endpoint,
        "--sts-endpoint", sts,
        "--access-key-id", operator.access_key_id,
        "--access-key-secret", operator.access_key_secret,
        "--member-account-id", member_id,
        env={"SSL_CERT_FILE": str(openrd_server.ca_file)},
    )  # fmt: skip
    assert out["AccountId"] == member_id
    assert out["Arn"] == f"acs:ram::{member_id}:assumed-role/ResourceDirectoryAccountAccessRole/landing-zone"
    assert out["ResourceDirectoryId"] == directory
    assert out["RolePolicies"] == ["AdministratorAccess"]
