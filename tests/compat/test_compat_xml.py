"""XML responses (docs/behaviour.md#json-and-xml): V1 ``Format=XML`` or no Format → XML, V3 → always JSON."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from alibabacloud_resourcemanager20200331 import models as rm
from aliyunsdkcore.request import CommonRequest
from aliyunsdkresourcemanager.request.v20200331.GetResourceDirectoryRequest import GetResourceDirectoryRequest

from openrd.services import identity
from support.compat import Creds, Sdk, World
from support.servers import LiveServer
from support.wire import Envelope, Wire

STS = "2015-04-01"
RM = "2020-03-31"
XML_TYPE = "text/xml;charset=utf-8"
DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>'
REQUEST_ID = re.compile(r"[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}")
PREFIX = "Specified signature is not matched with our calculation. server string to sign is:"


def _texts(root: ET.Element) -> dict[str, str]:
    return {child.tag: child.text or "" for child in root}


def test_core_sdk_do_action_returns_an_xml_error(world: World, sdk: Sdk, server: LiveServer) -> None:
    request = sdk.aim(GetResourceDirectoryRequest())
    request.set_accept_format("XML")
    raw = sdk.core(world.root()).do_action(request)  # deprecated, never raises, returns the raw body
    assert raw.startswith(DECLARATION)
    root = ET.fromstring(raw)
    assert root.tag == "Error"
    fields = _texts(root)
    assert fields["Code"] == "ResourceDirectoryNotInUse"
    assert REQUEST_ID.fullmatch(fields["RequestId"])
    assert fields["HostId"] == server.endpoint
    assert fields["Recommend"] == (
        "https://api.aliyun.com/troubleshoot?q=ResourceDirectoryNotInUse&product=ResourceManager"
        f"&requestId={fields['RequestId']}"
    )


def test_core_sdk_do_action_returns_an_xml_success(world: World, sdk: Sdk, server: LiveServer) -> None:
    request = CommonRequest(domain=server.endpoint, version=STS, action_name="GetCallerIdentity")
    request.set_protocol_type("http")
    request.set_method("POST")
    request.set_accept_format("XML")
    user = world.user()
    raw = sdk.core(user).do_action(request)
    root = ET.fromstring(raw)
    assert root.tag == "GetCallerIdentityResponse"
    fields = _texts(root)
    assert fields["Arn"] == f"acs:ram::{user.account_id}:user/{user.name}"
    assert fields["IdentityType"] == "RAMUser"
    assert fields["AccountId"] == user.account_id
    assert REQUEST_ID.fullmatch(fields["RequestId"])


@pytest.mark.parametrize("fmt", ["XML", "xml", "Xml", "", None])
def test_v1_xml_error(world: World, wire: Wire, envelope: Envelope, fmt: str | None) -> None:
    """Explicit XML in any case, and no (or an empty) Format, which is the documented RPC default."""
    response = wire.send(wire.v1(world.root(), Format=fmt))
    assert response.content.startswith(DECLARATION)
    body = envelope.error(response, 404, "ResourceDirectoryNotInUse", xml=True)
    assert set(body) == {"RequestId", "HostId", "Code", "Message", "Recommend"}


@pytest.mark.parametrize("fmt", ["XML", None])
def test_v1_xml_success(world: World, wire: Wire, fmt: str | None) -> None:
    session = world.session()
    response = wire.send(wire.v1(session, "GetCallerIdentity", STS, Format=fmt))
    assert response.status_code == 200
    assert response.headers["content-type"] == XML_TYPE
    root = ET.fromstring(response.content)
    assert root.tag == "GetCallerIdentityResponse"
    fields = _texts(root)
    assert fields["IdentityType"] == "AssumedRoleUser"
    assert fields["RoleId"] == session.principal_id
    assert fields["Arn"] == f"acs:ram::{session.account_id}:assumed-role/{session.name}/{session.session_name}"


def test_xml_escapes_the_echoed_string_to_sign(world: World, wire: Wire, envelope: Envelope) -> None:
    prepared = wire.v1(world.root(), Format="XML", secret="wrong", Odd="<&>'\"")
    assert "&" in prepared.string_to_sign
    body = envelope.error(wire.send(prepared), 400, "SignatureDoesNotMatch", xml=True)
    assert body["Message"] == PREFIX + prepared.string_to_sign


@pytest.mark.parametrize(
    ("overrides", "status", "code"),
    [
        ({"Version": "1999-01-01"}, 400, "InvalidVersion"),
        ({"Action": "Nope"}, 404, "InvalidApi.NotFound"),
        ({"SignatureMethod": "HMAC-MD5"}, 400, "InvalidSignatureMethod"),
        ({"Timestamp": "yesterday"}, 400, "InvalidTimeStamp.Format"),
        ({"SignatureNonce": None}, 400, "MissingParameter"),
    ],
)
def test_gateway_errors_follow_the_format(
    world: World, wire: Wire, envelope: Envelope, overrides: dict[str, Any], status: int, code: str
) -> None:
    prepared = wire.v1(world.root(), Format="XML", **overrides)
    envelope.error(wire.send(prepared), status, code, xml=True, version=overrides.get("Version", "2020-03-31"))


def test_unsupported_method_follows_the_format(world: World, wire: Wire, envelope: Envelope) -> None:
    envelope.error(wire.send(wire.v1(world.root(), Format="XML", method="PUT")), 400, "UnsupportedHTTPMethod", xml=True)


def test_request_too_large_follows_the_format(world: World, wire: Wire, envelope: Envelope, server: LiveServer) -> None:
    prepared = wire.v1(world.root(), Format="XML")
    response = wire.raw("POST", prepared.query, content=b"x" * (server.runtime.deps.settings.max_body_bytes + 1))
    envelope.error(response, 400, "InvalidParameter.RequestTooLarge", xml=True)


def test_tea_v3_error_is_json(world: World, wire: Wire, envelope: Envelope) -> None:
    """The Tea V3 path could parse an XML ``<Error>``, but V3 callers always get JSON from us."""
    for prepared in (wire.v3(world.root()), wire.v3(world.user())):
        response = wire.send(prepared)
        assert response.headers["content-type"] == "application/json;charset=utf-8"
        assert response.json()["Code"] in {"ResourceDirectoryNotInUse", "NoPermission"}


def _management_account(world: World, sdk: Sdk, server: LiveServer) -> Any:
    root = world.root()
    world.rd.patch_account(root.account_id, enterprise_name="ACME")
    sdk.rm(root).enable_resource_directory(rm.EnableResourceDirectoryRequest(enable_mode="CurrentAccount"))
    return root


def _core_xml(sdk: Sdk, server: LiveServer, creds: Creds, action: str, **params: str) -> ET.Element:
    """The old core SDK's raw answer to a ``Format=XML`` call: it must parse, whatever the call held."""
    request = CommonRequest(domain=server.endpoint, version=RM, action_name=action)
    request.set_protocol_type("http")
    request.set_method("POST")
    request.set_accept_format("XML")
    for name, value in params.items():
        request.add_query_param(name, value)
    raw = sdk.core(creds).do_action(request)  # never raises: the body as it came
    return ET.fromstring(raw)


@pytest.mark.parametrize("note", ["line one\x01line two", "bell\x07", "escape \x1b[31mred", "tab\there", "NUL\x00"])
def test_a_control_character_in_a_handshake_note_is_refused_in_parsable_xml(
    world: World, sdk: Sdk, server: LiveServer, note: str
) -> None:
    """Stored, such a Note made every XML listing of the directory's handshakes unparsable."""
    master, guest = _management_account(world, sdk, server), world.root()
    refused = _core_xml(
        sdk,
        server,
        master,
        "InviteAccountToResourceDirectory",
        TargetEntity=guest.account_id,
        TargetType="Account",
        Note=note,
    )
    assert refused.tag == "Error"
    assert refused.findtext("Code") == "InvalidParameter"
    assert refused.findtext("Message") == 'The specified parameter "Note" is not valid.'
    listed = _core_xml(sdk, server, master, "ListHandshakesForResourceDirectory")
    assert listed.tag == "ListHandshakesForResourceDirectoryResponse"
    assert listed.findtext("TotalCount") == "0"  # nothing was written


def test_a_printable_note_still_round_trips_through_xml(world: World, sdk: Sdk, server: LiveServer) -> None:
    master, guest = _management_account(world, sdk, server), world.root()
    note = "Welcome <aboard> & \"enjoy\" 'it' — 欢迎 ]]>"
    invited = _core_xml(
        sdk,
        server,
        master,
        "InviteAccountToResourceDirectory",
        TargetEntity=guest.account_id,
        TargetType="Account",
        Note=note,
    )
    assert invited.findtext("Handshake/Note") == note
    listed = _core_xml(sdk, server, master, "ListHandshakesForResourceDirectory")
    assert listed.findtext("Handshakes/Handshake/Note") == note


@pytest.mark.parametrize(("part", "key", "value"), [("Value", "team", "ops\x1b[0m"), ("Key", "te\x00am", "ops")])
def test_a_control_character_in_a_tag_is_refused_in_parsable_xml(
    world: World, wire: Wire, envelope: Envelope, sdk: Sdk, server: LiveServer, part: str, key: str, value: str
) -> None:
    master = _management_account(world, sdk, server)
    tags = {"Tag.1.Key": key, "Tag.1.Value": value}
    prepared = wire.v1(master, "CreateResourceAccount", Format="XML", DisplayName="tagged", **tags)
    body = envelope.error(wire.send(prepared), 400, "InvalidParameter", xml=True)
    assert body["Message"] == f'The specified parameter "Tag.1.{part}" is not valid.'


def test_an_enterprise_name_with_a_control_character_is_refused_by_the_control_api(
    world: World, server: LiveServer
) -> None:
    root = world.root()
    refused = server.control("PATCH", f"/accounts/{root.account_id}", json={"enterprise_name": "ACME\x01Ltd"})
    assert refused.status_code == 400, refused.text
    assert refused.json()["error"] == "invalid"
    assert world.rd.account(root.account_id)["enterprise_name"] is None  # unchanged


def test_a_stored_control_character_is_replaced_in_the_xml(world: World, sdk: Sdk, server: LiveServer) -> None:
    """A value stored before openrd refused control characters (written here past the control API's check) still
    reads back as parsable XML: each character XML cannot hold arrives as U+FFFD, the rest as it was."""
    master = _management_account(world, sdk, server)
    deps = server.runtime.deps
    identity.patch_account(deps, account_id=master.account_id, enterprise_name="ACME\x01Ltd\r\n")
    answer = _core_xml(sdk, server, master, "GetAccount", AccountId=master.account_id)
    assert answer.tag == "GetAccountResponse"
    assert answer.findtext("Account/IdentityInformation") == "ACME\ufffdLtd\r\n"
