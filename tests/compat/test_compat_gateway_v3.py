"""Gateway errors of the V3 (ACS3-HMAC-SHA256) scheme with hand-signed requests (docs/behaviour.md#order-of-checks,
#signatures)."""

from __future__ import annotations

import hashlib
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
    envelope.error(wire.send(wire.v3(world.root(), query={"Tag.1.Key": "a b*~/+&=中"})), 404, NOT_IN_USE)


def test_host_id_echoes_the_signed_host(world: World, wire: Wire, envelope: Envelope) -> None:
    host = "resourcemanager.aliyuncs.com"
    envelope.error(wire.send(wire.v3(world.root(), host=host)), 404, NOT_IN_USE, host=host)


@pytest.mark.parametrize("version", [RM, RDM, STS])
def test_wrong_secret_echoes_the_v3_string_to_sign(world: World, wire: Wire, envelope: Envelope, version: str) -> None:
    action = "GetCallerIdentity" if version == STS else "GetResourceDirectory"
    prepared = wire.v3(world.root(), action, version, secret="wrong")
    body = envelope.error(wire.send(prepared), 400, "SignatureDoesNotMatch", version=version)
    assert body["Message"] == PREFIX + prepared.string_to_sign
    assert prepared.string_to_sign.startswith("ACS3-HMAC-SHA256\n")


@pytest.mark.parametrize(
    "change",
    [
        {"query": "Tag.1.Key=other"},
        {"headers": {"x-acs-action": "GetCallerIdentity", "x-acs-version": STS}},
        {"headers": {"accept": "application/xml"}},
    ],
    ids=["query", "action", "signed-header"],
)
def test_request_changed_after_signing(world: World, wire: Wire, envelope: Envelope, change: dict[str, Any]) -> None:
    prepared = wire.v3(world.root(), query={"Tag.1.Key": "mine"})
    tampered = replace(
        prepared,
        query=change.get("query", prepared.query),
        headers={**prepared.headers, **change.get("headers", {})},
    )
    version = tampered.headers["x-acs-version"]
    envelope.error(wire.send(tampered), 400, "SignatureDoesNotMatch", version=version)


def test_content_sha256_not_matching_the_body(world: World, wire: Wire, envelope: Envelope) -> None:
    body = b"Extra=1"
    prepared = wire.v3(
        world.root(),
        body=body,
        content_type="application/x-www-form-urlencoded",
        content_sha256=hashlib.sha256(b"something else").hexdigest(),
    )
    envelope.error(wire.send(prepared), 400, "SignatureDoesNotMatch")
    # The same body with an honest hash verifies.
    honest = wire.v3(world.root(), body=body, content_type="application/x-www-form-urlencoded")
    envelope.error(wire.send(honest), 404, NOT_IN_USE)


def test_body_changed_after_signing(world: World, wire: Wire, envelope: Envelope) -> None:
    prepared = wire.v3(world.root(), body=b"Extra=1", content_type="application/x-www-form-urlencoded")
    envelope.error(wire.send(replace(prepared, body=b"Extra=2")), 400, "SignatureDoesNotMatch")


MALFORMED = {
    "algorithm-only": "ACS3-HMAC-SHA256",
    "no-signature": "ACS3-HMAC-SHA256 Credential={ak},SignedHeaders={signed}",
    "short-signature": "ACS3-HMAC-SHA256 Credential={ak},SignedHeaders={signed},Signature=abc123",
    "upper-hex": "ACS3-HMAC-SHA256 Credential={ak},SignedHeaders={signed},Signature=" + "A" * 64,
    "unknown-part": "ACS3-HMAC-SHA256 Credential={ak},SignedHeaders={signed},Signature={sig},Extra=1",
    "duplicate-part": "ACS3-HMAC-SHA256 Credential={ak},Credential={ak},SignedHeaders={signed},Signature={sig}",
    "unknown-algorithm": "ACS3-HMAC-MD5 Credential={ak},SignedHeaders={signed},Signature={sig}",
    "empty-credential": "ACS3-HMAC-SHA256 Credential=,SignedHeaders={signed},Signature={sig}",
    "upper-case-header": "ACS3-HMAC-SHA256 Credential={ak},SignedHeaders=Host;{signed},Signature={sig}",
    "date-not-signed": "ACS3-HMAC-SHA256 Credential={ak},SignedHeaders={unsigned_date},Signature={sig}",
}


@pytest.mark.parametrize("template", MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_authorization(world: World, wire: Wire, envelope: Envelope, template: str) -> None:
    root = world.root()
    prepared = wire.v3(root)
    signed = [h for h in sorted(prepared.headers) if h != "authorization"]
    value = template.format(
        ak=root.access_key_id,
        signed=";".join(signed),
        unsigned_date=";".join(h for h in signed if h != "x-acs-date"),
        sig=prepared.headers["authorization"].rsplit("Signature=", 1)[1],
    )
    tampered = replace(prepared, headers={**prepared.headers, "authorization": value})
    body = envelope.error(wire.send(tampered), 400, "IncompleteSignature")
    assert body["Message"].startswith("The request signature does not conform to Aliyun standards.")


@pytest.mark.parametrize("header", ["x-acs-action", "x-acs-version", "x-acs-date", "x-acs-signature-nonce"])
def test_missing_common_header(world: World, wire: Wire, envelope: Envelope, header: str) -> None:
    missing: dict[str, Any] = {header.replace("-", "_"): None}
    prepared = wire.v3(world.root(), **missing)
    version = prepared.headers.get("x-acs-version", RM)
    body = envelope.error(wire.send(prepared), 400, "MissingParameter", version=version)
    assert f'"{header}"' in body["Message"]


@pytest.mark.parametrize("stamp", ["garbage", "2024-01-01T00:00:00", "Mon, 23 Nov 2026 13:04:49 GMT"])
def test_malformed_date(world: World, wire: Wire, envelope: Envelope, stamp: str) -> None:
    envelope.error(wire.send(wire.v3(world.root(), x_acs_date=stamp)), 400, "InvalidTimeStamp.Format")


def test_millisecond_dates_are_accepted(world: World, wire: Wire, envelope: Envelope) -> None:
    now = datetime.now(UTC)
    stamp = now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"  # as toISOString() prints it
    caller = world.root()
    response = wire.send(wire.v3(caller, "GetCallerIdentity", STS, x_acs_date=stamp))
    assert response.status_code == 200, response.text
    assert response.json()["AccountId"] == caller.account_id
    later = (now + timedelta(minutes=16)).strftime("%Y-%m-%dT%H:%M:%S.123Z")
    envelope.error(wire.send(wire.v3(caller, x_acs_date=later)), 400, "InvalidTimeStamp.Expired")


@pytest.mark.parametrize("minutes", [-16, 16])
def test_date_outside_the_window(
    world: World, wire: Wire, envelope: Envelope, stamps: Callable[[int], str], minutes: int
) -> None:
    prepared = wire.v3(world.root(), x_acs_date=stamps(minutes * 60))
    envelope.error(wire.send(prepared), 400, "InvalidTimeStamp.Expired")


def test_replayed_request(world: World, wire: Wire, envelope: Envelope) -> None:
    prepared = wire.v3(world.root())
    envelope.error(wire.send(prepared), 404, NOT_IN_USE)
    envelope.error(wire.send(prepared), 400, "SignatureNonceUsed")


def test_a_change_that_fails_still_consumes_its_nonce(world: World, wire: Wire, envelope: Envelope) -> None:
    # The change runs in a savepoint of the authentication transaction: undone alone, the nonce stays recorded.
    prepared = wire.v3(world.root(), "CreateFolder", query={"FolderName": "finance"})
    envelope.error(wire.send(prepared), 404, "EntityNotExists.ResourceDirectory")
    envelope.error(wire.send(prepared), 400, "SignatureNonceUsed")


def test_unknown_version_and_action(world: World, wire: Wire, envelope: Envelope) -> None:
    root = world.root()
    envelope.error(wire.send(wire.v3(root, version="2099-01-01")), 400, "InvalidVersion", version="2099-01-01")
    envelope.error(wire.send(wire.v3(root, "NoSuchAction", RDM)), 404, "InvalidApi.NotFound", version=RDM)


def test_unsupported_http_method(world: World, wire: Wire, envelope: Envelope) -> None:
    envelope.error(wire.send(wire.v3(world.root(), method="PUT")), 400, "UnsupportedHTTPMethod")


def test_get_works_like_post(world: World, wire: Wire, envelope: Envelope) -> None:
    root = world.root()
    envelope.error(wire.send(wire.v3(root, method="GET")), 404, NOT_IN_USE)
    response = wire.send(wire.v3(root, "GetCallerIdentity", STS, method="GET"))
    assert response.status_code == 200, response.text
    assert response.json()["AccountId"] == root.account_id


def test_v3_answers_json_whatever_format_says(world: World, wire: Wire, envelope: Envelope) -> None:
    root = world.root()
    envelope.error(wire.send(wire.v3(root, query={"Format": "XML"})), 404, NOT_IN_USE)
    response = wire.send(wire.v3(root, "GetCallerIdentity", STS, query={"Format": "XML"}))
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json;charset=utf-8"
    assert response.json()["Arn"] == f"acs:ram::{root.account_id}:root"


def test_body_over_the_limit(world: World, wire: Wire, envelope: Envelope, server: LiveServer) -> None:
    big = b"x" * (server.runtime.deps.settings.max_body_bytes + 1)
    prepared = wire.v3(world.root(), body=big, content_type="application/octet-stream")
    envelope.error(wire.send(prepared), 400, "InvalidParameter.RequestTooLarge")
