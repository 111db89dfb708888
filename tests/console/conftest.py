"""Console fixtures: a real server (SQLite) per module, an ``OpenRD`` helper on a clean world, and a seeded world
(a directory with a folder, accounts with bound phones, and codes in the inbox) built through the official SDK."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from alibabacloud_resourcemanager20200331 import models

from openrd.testing.client import OpenRD
from openrd.testing.server import LiveServer, start_server
from support.console import ADMIN_TOKEN, World, server_env


@pytest.fixture(scope="module")
def console_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    server = start_server(server_env(tmp_path_factory.mktemp("console")))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def token_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    server = start_server(server_env(tmp_path_factory.mktemp("console-token"), OPENRD_ADMIN_TOKEN=ADMIN_TOKEN))
    yield server
    server.stop()


@pytest.fixture
def rd(console_server: LiveServer) -> Iterator[OpenRD]:
    """The control-API helper on an empty world (clock offset 0)."""
    client = OpenRD(console_server.url)
    client.reset()
    yield client
    client.close()


@pytest.fixture
def world(rd: OpenRD) -> World:
    master_phone, resource_phone, outsider_phone = "86-13900001111", "86-13700002222", "86-13600003333"
    master = rd.make_account("master", site="cn", secure_mobile_phone=master_phone, enterprise_name="Acme")
    client = rd.tea_client(master)
    directory = client.enable_resource_directory(
        models.EnableResourceDirectoryRequest(enable_mode="CurrentAccount")
    ).body.resource_directory
    client = rd.tea_client(rd.ram_user(master.account_id))  # the directory calls want the master's RAM identity
    folder = client.create_folder(
        models.CreateFolderRequest(folder_name="Production", parent_folder_id=directory.root_folder_id)
    ).body.folder
    resource = client.create_resource_account(
        models.CreateResourceAccountRequest(
            display_name="payments-prod", account_name_prefix="payments", parent_folder_id=folder.folder_id
        )
    ).body.account
    client.send_verification_code_for_bind_secure_mobile_phone(
        models.SendVerificationCodeForBindSecureMobilePhoneRequest(
            account_id=resource.account_id, secure_mobile_phone=resource_phone
        )
    )
    bind_code = rd.latest_code(resource_phone)
    client.bind_secure_mobile_phone(
        models.BindSecureMobilePhoneRequest(
            account_id=resource.account_id, secure_mobile_phone=resource_phone, verification_code=bind_code
        )
    )
    outsider = rd.make_account("outsider", site="cn", secure_mobile_phone=outsider_phone, enterprise_name="Other")
    rd.tea_client(outsider).send_verification_code_for_enable_rd(models.SendVerificationCodeForEnableRDRequest())
    enable_code = rd.latest_code(outsider_phone)
    return World(
        directory_id=directory.resource_directory_id,
        master_id=master.account_id,
        master_phone=master_phone,
        folder_id=folder.folder_id,
        resource_id=resource.account_id,
        resource_phone=resource_phone,
        outsider_id=outsider.account_id,
        outsider_phone=outsider_phone,
        codes=(enable_code, bind_code),
    )
