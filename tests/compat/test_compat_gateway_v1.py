"""Gateway errors of the V1 (RPC, HMAC-SHA1) scheme, with hand-signed requests so each field can be tampered with
(docs/behaviour.md#order-of-checks, #signatures, #errors). Every error also has its full envelope checked."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from support.compat import World
from support.servers import LiveServer
from support.wire import Envelope, Wire

RM, RDM, STS = "2020-03-31", "2022-04-19", "2015-04-01"
PREFIX = "Specified signature is not matched with our calculation. server string to sign is:"
NOT_IN_USE = "ResourceDirectoryNotInUse"


def test_signed_request_reaches_the_handler(world: World, wire: Wire, envelope: Envelope) -> None:
    envelope.error(wire.send(wire.v1(world.root())), 404, NOT_IN_USE)


@pytest.mark.parametrize("host", ["resourcemanager.aliyuncs.com", "rd.example.test:8443"])
def test_host_id_echoes_the_host_header(world: World, wire: Wire, envelope: Envelope, host: str) -> None:
    envelope.error(wire.send(wire.v1(world.root(), host=host)), 404, NOT_IN_USE, host=host)


def test_unknown_access_key(world: World, wire: Wire, envelope: Envelope) -> None:
    body = envelope.error(wire.send(wire.v1(world.ghost())), 404, "InvalidAccessKeyId.NotFound")
    assert body["Message"] == "Specified access key is not found."


def test_disabled_access_key(world: World, wire: Wire, envelope: Envelope) -> None:
    root = world.root()
    world.disable(root)
    body = envelope.error(wire.send(wire.v1(root)), 400, "InvalidAccessKeyId.Inactive")
    assert body["Message"] == "Specified access key is disabled."


@pytest.mark.parametrize("version", [RM, RDM, STS])
def test_wrong_secret_echoes_the_exact_string_to_sign(
    world: World, wire: Wire, envelope: Envelope, version: str
) -> None:
    action = "GetCallerIdentity" if version == STS else "GetResourceDirectory"
    prepared = wire.v1(world.root(), action, version, secret="wrong", **{"Tag.1.Value": "a b*~/+&=中"})
    body = envelope.error(wire.send(prepared), 400, "SignatureDoesNotMatch", version=version)
    assert body["Message"] == PREFIX + prepared.string_to_sign
    # So clients can split the message on the first ':' (docs/behaviour.md#signatures)
    assert ":" not in prepared.string_to_sign


def test_parameter_changed_after_signing(world: World, wire: Wire, envelope: Envelope) -> None:
    prepared = wire.v1(world.root(), Extra="signed")
    tampered = replace(prepared, query=prepared.query.replace("Extra=signed", "Extra=changed"))
    envelope.error(wire.send(tampered), 400, "SignatureDoesNotMatch")


@pytest.mark.parametrize(
    "stamp",
    ["garbage", "2024-01-01 00:00:00", "2024-01-01T00:00:00+08:00", "2024-01-01T00:00:00.Z", "2024-13-45T99:99:99Z"],
)
def test_malformed_timestamp(world: World, wire: Wire, envelope: Envelope, stamp: str) -> None:
    body = envelope.error(wire.send(wire.v1(world.root(), Timestamp=stamp)), 400, "InvalidTimeStamp.Format")
    assert body["Message"] == "Specified time stamp or date value is not well formatted."


def fractional_stamp(digits: int, delta_seconds: int = 0) -> str:
    """Now (plus ``delta_seconds``) with ``digits`` of the second's fraction, e.g. JavaScript's ``toISOString()``."""
    moment = datetime.now(UTC) + timedelta(seconds=delta_seconds)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond:06d}000"[:digits] + "Z"


@pytest.mark.parametrize("digits", [1, 3, 6, 9])
def test_fractional_seconds_are_accepted(world: World, wire: Wire, digits: int) -> None:
    caller = world.root()
    response = wire.send(wire.v1(caller, "GetCallerIdentity", STS, Timestamp=fractional_stamp(digits)))
    assert response.status_code == 200, response.text
    assert response.json()["AccountId"] == caller.account_id


@pytest.mark.parametrize("minutes", [-16, 16])
def test_fractional_seconds_keep_the_window(world: World, wire: Wire, envelope: Envelope, minutes: int) -> None:
    prepared = wire.v1(world.root(), Timestamp=fractional_stamp(3, minutes * 60))
    envelope.error(wire.send(prepared), 400, "InvalidTimeStamp.Expired")


@pytest.mark.parametrize("minutes", [-16, 16])
def test_timestamp_outside_the_window(
    world: World, wire: Wire, envelope: Envelope, stamps: Callable[[int], str], minutes: int
) -> None:
    prepared = wire.v1(world.root(), Timestamp=stamps(minutes * 60))
    body = envelope.error(wire.send(prepared), 400, "InvalidTimeStamp.Expired")
    assert body["Message"] == "Specified time stamp or date value is expired."


@pytest.mark.parametrize("minutes", [-14, 14])
def test_timestamp_inside_the_window(
    world: World, wire: Wire, envelope: Envelope, stamps: Callable[[int], str], minutes: int
) -> None:
    envelope.error(wire.send(wire.v1(world.root(), Timestamp=stamps(minutes * 60))), 404, NOT_IN_USE)


def test_replayed_request(world: World, wire: Wire, envelope: Envelope) -> None:
    prepared = wire.v1(world.root())
    envelope.error(wire.send(prepared), 404, NOT_IN_USE)
    body = envelope.error(wire.send(prepared), 400, "SignatureNonceUsed")
    assert body["Message"] == "Specified signature nonce was used already."


def test_nonce_of_a_rejected_signature_is_not_burnt(world: World, wire: Wire, envelope: Envelope) -> None:
    root = world.root()
    bad = wire.v1(root, secret="wrong", SignatureNonce="f" * 32)
    envelope.error(wire.send(bad), 400, "SignatureDoesNotMatch")
    envelope.error(wire.send(wire.v1(root, SignatureNonce="f" * 32)), 404, NOT_IN_USE)


@pytest.mark.parametrize("name", ["AccessKeyId", "Signature", "Timestamp", "SignatureNonce", "Action", "Version"])
def test_missing_common_parameter(world: World, wire: Wire, envelope: Envelope, name: str) -> None:
    params, _ = wire.v1_params(world.root())
    del params[name]
    response = wire.raw("POST", wire.encode(params))
    body = envelope.error(response, 400, "MissingParameter", version=params.get("Version", RM))
    assert body["Message"] == (
        f'The input parameter "{name}" that is mandatory for processing this request is not supplied.'
    )


@pytest.mark.parametrize("method", ["HMAC-MD5", "HMAC-SHA256", "hmac-sha1"])
def test_invalid_signature_method(world: World, wire: Wire, envelope: Envelope, method: str) -> None:
    body = envelope.error(wire.send(wire.v1(world.root(), SignatureMethod=method)), 400, "InvalidSignatureMethod")
    assert body["Message"] == "Specified signature method is not valid."


@pytest.mark.parametrize("fmt", ["YAML", "None", "jsonp"])
@pytest.mark.parametrize("version", [RM, STS])
def test_invalid_format(world: World, wire: Wire, envelope: Envelope, fmt: str, version: str) -> None:
    action = "GetCallerIdentity" if version == STS else "GetResourceDirectory"
    response = wire.send(wire.v1(world.root(), action, version, Format=fmt))
    body = envelope.error(response, 400, "InvalidParameter.Format", version=version)
    assert body["Message"] == "Specified parameter format is not valid."


@pytest.mark.parametrize("fmt", ["json", "Json", "JSON"])
def test_format_is_case_insensitive(world: World, wire: Wire, envelope: Envelope, fmt: str) -> None:
    envelope.error(wire.send(wire.v1(world.root(), Format=fmt)), 404, NOT_IN_USE)


@pytest.mark.parametrize("version", ["2019-01-01", "2020-03-30", "latest"])
def test_unknown_version(world: World, wire: Wire, envelope: Envelope, version: str) -> None:
    body = envelope.error(wire.send(wire.v1(world.root(), version=version)), 400, "InvalidVersion", version=version)
    assert body["Message"] == "Specified parameter Version is not valid."
    assert "product=ResourceManager&" in body["Recommend"]  # a version that names no product (docs/behaviour.md#errors)


@pytest.mark.parametrize(
    ("action", "version"),
    [("NoSuchAction", RM), ("getresourcedirectory", RM), ("NoSuchAction", RDM), ("GetCallerIdentity", RDM)],
)
def test_unknown_action(world: World, wire: Wire, envelope: Envelope, action: str, version: str) -> None:
    response = wire.send(wire.v1(world.root(), action, version))
    body = envelope.error(response, 404, "InvalidApi.NotFound", version=version)
    assert body["Message"] == "Specified api is not found, please check your url and method."


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_unsupported_http_method(world: World, wire: Wire, envelope: Envelope, method: str) -> None:
    prepared = wire.v1(world.root(), method=method)
    envelope.error(wire.send(prepared), 400, "UnsupportedHTTPMethod")


def test_get_works_like_post(world: World, wire: Wire, envelope: Envelope) -> None:
    envelope.error(wire.send(wire.v1(world.root(), method="GET")), 404, NOT_IN_USE)
    session = world.session()
    response = wire.send(wire.v1(session, "GetCallerIdentity", STS, method="GET"))
    assert response.status_code == 200, response.text
    assert response.json()["Arn"].endswith(f":assumed-role/{session.name}/{session.session_name}")


def test_signature_for_post_does_not_verify_as_get(world: World, wire: Wire, envelope: Envelope) -> None:
    prepared = wire.v1(world.root(), method="POST")
    envelope.error(wire.send(replace(prepared, method="GET")), 400, "SignatureDoesNotMatch")


def test_form_body_like_terraform(world: World, wire: Wire) -> None:
    """Terraform (Go tea-rpc) sends every parameter in a form body, signed together with the (empty) query."""
    root = world.root()
    params, _ = wire.v1_params(root, "GetCallerIdentity", STS, Format="json", **{"Tag.1.Key": "k v+*"})
    response = wire.raw(
        "POST", "", content=wire.encode(params), headers={"content-type": "application/x-www-form-urlencoded"}
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json;charset=utf-8"
    assert response.json()["Arn"] == f"acs:ram::{root.account_id}:root"


def test_form_body_and_query_signed_together(world: World, wire: Wire, envelope: Envelope) -> None:
    root = world.root()
    form = {"content-type": "application/x-www-form-urlencoded; charset=UTF-8"}

    def send(tamper: bool) -> Any:
        params, _ = wire.v1_params(root, Extra="in the body")
        body_part = {k: params.pop(k) for k in ("Extra", "Timestamp", "SignatureNonce")}
        if tamper:
            body_part["Extra"] = "changed"
        return wire.raw("POST", wire.encode(params), content=wire.encode(body_part), headers=form)

    envelope.error(send(tamper=False), 404, NOT_IN_USE)
    envelope.error(send(tamper=True), 400, "SignatureDoesNotMatch")


def test_body_over_the_limit(world: World, wire: Wire, envelope: Envelope, server: LiveServer) -> None:
    limit = server.runtime.deps.settings.max_body_bytes
    prepared = wire.v1(world.root())
    response = wire.raw("POST", prepared.query, content=b"x" * (limit + 1))
    body = envelope.error(response, 400, "InvalidParameter.RequestTooLarge")
    assert body["Message"] == "The request is too large."
    just_fits = wire.v1(world.root())
    envelope.error(wire.raw("POST", just_fits.query, content=b"x" * limit), 404, NOT_IN_USE)


@pytest.mark.parametrize(
    ("setup", "overrides", "code"),
    [
        # The order of checks (docs/behaviour.md#order-of-checks): AccessKey → timestamp → nonce → signature → token;
        # the first failure wins.
        ("ghost", {"Timestamp": "garbage"}, "InvalidAccessKeyId.NotFound"),
        ("disabled", {"Timestamp": "garbage", "secret": "wrong"}, "InvalidAccessKeyId.Inactive"),
        ("root", {"Timestamp": "garbage", "secret": "wrong"}, "InvalidTimeStamp.Format"),
        ("session", {"secret": "wrong", "SecurityToken": "garbled"}, "SignatureDoesNotMatch"),
    ],
)
def test_authentication_order(
    world: World, wire: Wire, envelope: Envelope, setup: str, overrides: dict[str, str], code: str
) -> None:
    creds = {"ghost": world.ghost, "session": world.session}.get(setup, world.root)()
    if setup == "disabled":
        world.disable(creds)
    status = 404 if code.endswith("NotFound") else 400
    envelope.error(wire.send(wire.v1(creds, **overrides)), status, code)
