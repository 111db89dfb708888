"""The TLS listener through the official SDKs: the same app over HTTPS, trusted through the local CA, with
``acs:SecureTransport`` true there only; a ``Host`` that carries a scheme, and V1 signed with ``+`` for a space
(docs/https.md)."""

from __future__ import annotations

import socket
import ssl
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from alibabacloud_credentials.utils import parameter_helper
from alibabacloud_resourcemanager20200331.client import Client as RmClient
from alibabacloud_sts20150401.client import Client as StsClient
from alibabacloud_tea_openapi.exceptions import ClientException
from alibabacloud_tea_openapi.utils_models import Config
from cryptography import x509

from support.compat import STS, Creds, Sdk, World
from support.servers import LiveServer, start_server
from support.store import Store

SIGNING = [pytest.param({}, id="v3"), pytest.param({"signature_algorithm": "v2"}, id="v1")]


@pytest.fixture(scope="module")
def server(store: Store, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """This module's server has its TLS listener, with the local CA of its data directory."""
    live = start_server(store.env(tmp_path_factory.mktemp("openrd")), tls=True)
    yield live
    live.stop()


def tls_config(server: LiveServer, creds: Creds, **extra: Any) -> Config:
    return Config(
        access_key_id=creds.access_key_id,
        access_key_secret=creds.secret,
        security_token=creds.token,
        endpoint=server.tls_endpoint,
        protocol="https",
        ca=str(server.ca_file),
        **extra,
    )


@pytest.mark.parametrize("extra", SIGNING)
def test_sts_over_https_trusting_the_local_ca(server: LiveServer, world: World, extra: dict[str, str]) -> None:
    user = world.user("AliyunResourceDirectoryFullAccess")
    identity = StsClient(tls_config(server, user, **extra)).get_caller_identity().body
    assert (identity.account_id, identity.identity_type) == (user.account_id, "RAMUser")
    assert identity.arn == f"acs:ram::{user.account_id}:user/{user.name}"


def test_the_server_certificate_is_refused_without_the_ca(server: LiveServer, world: World) -> None:
    host, port = server.tls_endpoint.split(":")
    with (
        pytest.raises(ssl.SSLCertVerificationError),
        socket.create_connection((host, int(port)), timeout=10) as raw,
        ssl.create_default_context(cafile=None, capath=None, cadata=None).wrap_socket(raw, server_hostname=host),
    ):
        pass  # the default trust store has never heard of this CA


@pytest.mark.parametrize("name", ["127.0.0.1", "localhost", "sts.aliyuncs.com", "sts.cn-hangzhou.aliyuncs.com"])
def test_the_certificate_is_valid_for_the_names_clients_use(server: LiveServer, name: str) -> None:
    """A hosts-file override points ``*.aliyuncs.com`` at openrd: the handshake then checks those names."""
    context = ssl.create_default_context(cafile=str(server.ca_file))
    port = int(server.tls_endpoint.split(":")[1])
    with (
        socket.create_connection(("127.0.0.1", port), timeout=10) as raw,
        context.wrap_socket(raw, server_hostname=name) as secure,
    ):
        peer = secure.getpeercert(binary_form=True)
        assert peer is not None
        assert x509.load_der_x509_certificate(peer).issuer.rfc4514_string().startswith("CN=openrd local CA")


def test_the_control_api_answers_over_https(server: LiveServer) -> None:
    with httpx.Client(verify=ssl.create_default_context(cafile=str(server.ca_file))) as client:
        health = client.get(f"https://{server.tls_endpoint}/_openrd/health")
    assert health.status_code == 200


SECURE_ONLY = {
    "Version": "1",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": "resourcemanager:GetResourceDirectory",
            "Resource": "*",
            "Condition": {"Bool": {"acs:SecureTransport": "true"}},
        }
    ],
}


@pytest.mark.parametrize("extra", SIGNING)
def test_secure_transport_is_true_over_tls_only(
    server: LiveServer, world: World, sdk: Sdk, extra: dict[str, str]
) -> None:
    user = world.user(SECURE_ONLY)
    with pytest.raises(ClientException) as over_tls:
        RmClient(tls_config(server, user, **extra)).get_resource_directory()
    assert over_tls.value.code == "ResourceDirectoryNotInUse"  # authorized: the business rule answers
    with pytest.raises(ClientException) as over_http:
        sdk.rm(user, **extra).get_resource_directory()
    assert (over_http.value.status_code, over_http.value.code) == (403, "NoPermission")
    assert over_http.value.access_denied_detail["NoPermissionType"] == "ImplicitDeny"


def credentials_library_get(server: LiveServer, creds: Creds, **params: str) -> httpx.Response:
    """A V1 GET signed by the Python credentials library's own signer (``quote_plus``: a space is ``+``)."""
    query = {
        "Action": "GetCallerIdentity",
        "Format": "JSON",
        "Version": STS,
        "AccessKeyId": creds.access_key_id,
        "SignatureMethod": "HMAC-SHA1",
        "SignatureVersion": "1.0",
        "SignatureNonce": str(uuid.uuid4()),
        "Timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        **params,
    }
    string_to_sign = parameter_helper.compose_string_to_sign("GET", query)
    query["Signature"] = parameter_helper.sign_string(string_to_sign, creds.secret + "&")
    with httpx.Client(verify=ssl.create_default_context(cafile=str(server.ca_file)), timeout=30) as client:
        return client.get(f"https://{server.tls_endpoint}/", params=query)


def test_v1_signed_with_plus_for_space_is_accepted(server: LiveServer, world: World) -> None:
    user = world.user("AliyunResourceDirectoryFullAccess")
    answer = credentials_library_get(server, user, Note='{"Version": "1", "Statement": []}')
    assert answer.status_code == 200, answer.text
    assert answer.json()["AccountId"] == user.account_id


def test_a_wrong_secret_is_still_refused_with_the_rfc3986_string_to_sign(server: LiveServer, world: World) -> None:
    user = world.user("AliyunResourceDirectoryFullAccess")
    answer = credentials_library_get(server, user.with_secret("wrong"), Note="a b")
    assert (answer.status_code, answer.json()["Code"]) == (400, "SignatureDoesNotMatch")
    assert "Note%3Da%2520b" in answer.json()["Message"]  # the echo is the standard encoding, %20 encoded again


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_a_host_header_with_a_scheme_is_echoed_as_host_id(server: LiveServer, scheme: str) -> None:
    """Given ``http://host:port`` as its STS endpoint, the Python credentials library sends that whole string as
    ``Host``."""
    endpoint = server.endpoint if scheme == "http" else server.tls_endpoint
    host = f"{scheme}://{endpoint}"
    verify = ssl.create_default_context(cafile=str(server.ca_file))
    params = {"Action": "GetCallerIdentity", "Format": "JSON"}
    with httpx.Client(verify=verify, timeout=30) as client:
        answer = client.get(f"{scheme}://{endpoint}/", params=params, headers={"Host": host})
    body = answer.json()
    assert (answer.status_code, body["Code"]) == (400, "MissingParameter")
    assert body["HostId"] == host


def test_rm_over_https_with_v1(server: LiveServer, world: World) -> None:
    root = world.root()
    with pytest.raises(ClientException) as caught:
        RmClient(tls_config(server, root, signature_algorithm="v2")).get_resource_directory()
    assert caught.value.code == "ResourceDirectoryNotInUse"
