"""The pytest plugin as a user meets it: a test of their own enable-RD code with ``openrd_server``.

This is the example the README shows; it runs here against the plugin's in-process server.
"""

from __future__ import annotations

from typing import Any

import pytest
from alibabacloud_resourcemanager20200331 import models
from alibabacloud_tea_openapi.exceptions import ClientException

from openrd.testing import OpenRD


def enable_directory(client: Any, phone: str, read_code: Any) -> str:
    """The user's own landing-zone code: enable a directory with a new management account."""
    client.send_verification_code_for_enable_rd(
        models.SendVerificationCodeForEnableRDRequest(secure_mobile_phone=phone)
    )
    response = client.enable_resource_directory(
        models.EnableResourceDirectoryRequest(
            enable_mode="NewManagementAccount",
            maname="platform@rdadmin.aliyunid.com",
            masecure_mobile_phone=phone,
            verification_code=read_code(phone),
        )
    )
    return str(response.body.resource_directory.resource_directory_id)


def test_enable_directory(openrd_server: OpenRD) -> None:
    account = openrd_server.make_account(site="cn", enterprise_name="ACME")
    client = openrd_server.tea_client(account)
    directory_id = enable_directory(client, "86-13900008001", openrd_server.latest_code)
    assert client.get_resource_directory().body.resource_directory.resource_directory_id == directory_id


def test_expired_code_is_rejected(openrd_server: OpenRD) -> None:
    account = openrd_server.make_account(site="cn", enterprise_name="ACME")
    client = openrd_server.tea_client(account)

    def stale_code(phone: str) -> str:
        code = openrd_server.latest_code(phone)
        openrd_server.advance(301)  # codes live five minutes
        return code

    with pytest.raises(ClientException) as caught:
        enable_directory(client, "86-13900008002", stale_code)
    assert caught.value.code == "Invalid.VerificationCode"


def test_each_test_starts_from_an_empty_world(openrd_server: OpenRD) -> None:
    assert openrd_server.messages() == []
    assert openrd_server.audit() == []


def test_ram_user_and_v1_signatures(openrd_server: OpenRD) -> None:
    account = openrd_server.make_account(site="intl")
    reader = openrd_server.ram_user(account.account_id, "reader", ("AliyunResourceDirectoryReadOnlyAccess",))
    client = openrd_server.tea_client(reader, signature_algorithm="v2")
    with pytest.raises(ClientException) as caught:
        client.enable_resource_directory(models.EnableResourceDirectoryRequest(enable_mode="CurrentAccount"))
    assert caught.value.code == "NoPermission"
    assert caught.value.status_code == 403


def test_the_tls_listener_and_its_ca(openrd_server: OpenRD) -> None:
    """The credential libraries speak HTTPS only: the plugin's server has a TLS listener and hands out its CA."""
    from alibabacloud_sts20150401.client import Client as StsClient
    from alibabacloud_tea_openapi.utils_models import Config

    assert openrd_server.tls_endpoint is not None
    assert openrd_server.ca_file is not None
    account = openrd_server.make_account(site="intl")
    user = openrd_server.ram_user(account.account_id, "deployer", ("AliyunResourceDirectoryReadOnlyAccess",))
    config = Config(
        access_key_id=user.access_key_id,
        access_key_secret=user.access_key_secret,
        endpoint=openrd_server.tls_endpoint,
        protocol="https",
        ca=str(openrd_server.ca_file),
    )
    identity = StsClient(config).get_caller_identity().body
    assert (identity.account_id, identity.identity_type) == (account.account_id, "RAMUser")
