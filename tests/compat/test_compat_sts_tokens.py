"""STS security tokens through the Tea SDK (V3 headers and V1 ``SecurityToken``) and by hand
(docs/behaviour.md#sts-tokens)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest
from alibabacloud_tea_openapi.exceptions import ClientException

from support.compat import Creds, Sdk, World
from support.wire import Envelope, Wire

NOT_IN_USE = "ResourceDirectoryNotInUse"
SIGNING = [pytest.param({}, id="v3"), pytest.param({"signature_algorithm": "v2"}, id="v1")]


def _tea_error(sdk: Sdk, creds: Creds, extra: dict[str, str]) -> ClientException:
    with pytest.raises(ClientException) as caught:
        sdk.rm(creds, **extra).get_resource_directory()
    return caught.value


@pytest.mark.parametrize("extra", SIGNING)
@pytest.mark.parametrize("token", ["garbled", "CAIS+sts/Token=with special~chars*", "x" * 2000])
def test_garbled_token(world: World, sdk: Sdk, envelope: Envelope, extra: dict[str, str], token: str) -> None:
    session = world.session().with_token(token)
    body = envelope.tea(_tea_error(sdk, session, extra), 400, "InvalidSecurityToken.Malformed")
    assert body["Message"] == "Specified SecurityToken is malformed."


@pytest.mark.parametrize("extra", SIGNING)
def test_token_of_another_session(world: World, sdk: Sdk, envelope: Envelope, extra: dict[str, str]) -> None:
    one, other = world.session(), world.session()
    envelope.tea(_tea_error(sdk, one.with_token(other.token), extra), 400, "InvalidSecurityToken.MismatchWithAccessKey")


@pytest.mark.parametrize("extra", SIGNING)
def test_root_key_with_a_session_token(world: World, sdk: Sdk, envelope: Envelope, extra: dict[str, str]) -> None:
    root, session = world.root(), world.session()
    envelope.tea(
        _tea_error(sdk, root.with_token(session.token), extra), 400, "InvalidSecurityToken.MismatchWithAccessKey"
    )


@pytest.mark.parametrize("extra", SIGNING)
def test_sts_key_without_its_token(world: World, sdk: Sdk, envelope: Envelope, extra: dict[str, str]) -> None:
    session = world.session().with_token(None)
    body = envelope.tea(_tea_error(sdk, session, extra), 400, "MissingSecurityToken")
    assert body["Message"] == "SecurityToken is mandatory for this action."


@pytest.mark.parametrize("extra", SIGNING)
def test_expired_token(
    world: World, sdk: Sdk, envelope: Envelope, advanced_clock: Callable[..., dict[str, Any]], extra: dict[str, str]
) -> None:
    session = world.session()  # 3600 s
    envelope.tea(_tea_error(sdk, session, extra), 404, NOT_IN_USE)
    moved = advanced_clock(advance_seconds=4000)
    assert moved["offset_seconds"] == 4000
    body = envelope.tea(_tea_error(sdk, session, extra), 400, "InvalidSecurityToken.Expired")
    assert body["Message"] == "Specified SecurityToken is expired."
    # The signature window runs on the real clock (docs/behaviour.md#the-two-clocks): the SDK's real-time stamp was
    # still accepted above.
    advanced_clock(offset_seconds=0)
    envelope.tea(_tea_error(sdk, session, extra), 404, NOT_IN_USE)


def test_token_is_checked_after_the_signature(world: World, wire: Wire, envelope: Envelope) -> None:
    session = world.session()
    prepared = wire.v1(session.with_token("garbled"), secret="wrong")
    envelope.error(wire.send(prepared), 400, "SignatureDoesNotMatch")
    envelope.error(wire.send(wire.v1(session.with_token("garbled"))), 400, "InvalidSecurityToken.Malformed")


def test_v1_token_is_signed(world: World, wire: Wire, envelope: Envelope) -> None:
    session, other = world.session(), world.session()
    prepared = wire.v1(session)
    mine, theirs = (wire.encode({"SecurityToken": str(s.token)}) for s in (session, other))
    assert mine in prepared.query
    swapped = replace(prepared, query=prepared.query.replace(mine, theirs))
    envelope.error(wire.send(swapped), 400, "SignatureDoesNotMatch")


def test_v3_token_header_must_be_signed(world: World, wire: Wire, envelope: Envelope) -> None:
    session = world.session()
    unsigned = wire.v3(replace(session, token=None))
    assert session.token is not None
    headers = {**unsigned.headers, "x-acs-security-token": session.token}
    envelope.error(wire.send(replace(unsigned, headers=headers)), 400, "IncompleteSignature")
    envelope.error(wire.send(wire.v3(session)), 404, NOT_IN_USE)
