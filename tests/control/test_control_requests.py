"""The control API's request declarations (control/requests.py): what a route parses a body or a query string into,
that the document describes the same fields, and how a service's refusal is answered."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime
from typing import Any

import pytest

from openrd import errors
from openrd.control.fields import Body
from openrd.control.http import error_response
from openrd.control.openapi import openapi_document
from openrd.control.openapi_schemas import BODIES
from openrd.control.requests import (
    ACCOUNT_PATCH,
    ASSUME_ROLE,
    AUDIT_QUERY,
    CLOCK_CHANGE,
    NEW_ACCOUNT,
    NEW_RAM_IDENTITY,
    SMS_QUERY,
    AccountPatch,
    NewAccount,
)
from openrd.domain.sites import BUILTIN_SITES
from openrd.services import errors as service_errors
from openrd.services.identity import UNCHANGED

SITES = sorted(BUILTIN_SITES)


def test_a_new_account_is_typed_frozen_and_defaulted() -> None:
    new = NEW_ACCOUNT.parse({"display_name": "acme", "site": "", "secure_mobile_phone": ""}, sites=SITES)
    assert new == NewAccount("acme", None, "intl", None, None, True)
    with pytest.raises(dataclasses.FrozenInstanceError):
        new.site = "cn"  # type: ignore[misc]


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"display_name": None},
        {"display_name": 7},
        {"display_name": "has space"},  # not a login name, and no name given
        {"display_name": "acme", "site": "mars"},
        {"display_name": "acme", "secure_mobile_phone": "13900001234"},
        {"display_name": "acme", "enterprise_name": "x" * 257},
        {"display_name": "acme", "enterprise_name": "ACME\x00"},
        {"display_name": "acme", "enterprise_verified": "yes"},
    ],
)
def test_a_new_account_refuses_what_its_declaration_refuses(body: dict[str, Any]) -> None:
    with pytest.raises(errors.ControlInvalid):
        NEW_ACCOUNT.parse(body, sites=SITES)


def test_a_patch_tells_unchanged_from_cleared() -> None:
    patch = ACCOUNT_PATCH.parse({"secure_mobile_phone": None, "enterprise_verified": False}, sites=SITES)
    assert patch == AccountPatch(UNCHANGED, UNCHANGED, None, UNCHANGED, False)


@pytest.mark.parametrize("body", [{"site": None}, {"display_name": None}, {"owner": "me"}, {"site": "mars"}])
def test_a_patch_refuses_unknown_fields_and_null_where_nothing_clears(body: dict[str, Any]) -> None:
    with pytest.raises(errors.ControlInvalid):
        ACCOUNT_PATCH.parse(body, sites=SITES)


def test_policies_reach_the_service_as_names_or_json_text() -> None:
    document = {"Version": "1", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}
    new = NEW_RAM_IDENTITY.parse({"name": "dev", "policies": ["AdministratorAccess", document]})
    assert new.policies == ("AdministratorAccess", json.dumps(document, separators=(",", ":")))
    with pytest.raises(errors.ControlInvalid):
        NEW_RAM_IDENTITY.parse({"name": "dev", "policies": [7]})


def test_whole_seconds_may_be_written_with_a_fraction() -> None:
    assert ASSUME_ROLE.parse({"role_arn": f"acs:ram::{'1' * 16}:role/r", "session_name": "ci"}).duration_seconds == 3600
    asked = ASSUME_ROLE.parse(
        {"role_arn": f"acs:ram::{'1' * 16}:role/r", "session_name": "ci", "duration_seconds": 900.0}
    )
    assert asked.duration_seconds == 900


def test_the_clock_takes_exactly_one_change_and_a_real_time() -> None:
    change = CLOCK_CHANGE.parse({"now": "2030-01-02t03:04:05z"})
    assert change.now == datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)
    for body in ({}, {"advance_seconds": 1, "now": "2030-01-02T03:04:05Z"}, {"now": "2030-02-30T00:00:00Z"}):
        with pytest.raises(errors.ControlInvalid):
            CLOCK_CHANGE.parse(body)


def test_query_filters_count_empty_as_absent() -> None:
    wanted = SMS_QUERY.parse({"phone": "", "status": "dead"})
    assert (wanted.phone, wanted.status, wanted.limit) == (None, "dead", 50)
    for query in ({"status": "lost"}, {"phone": "139"}, {"limit": "0"}, {"limit": "²"}, {"limit": "1001"}):
        with pytest.raises(errors.ControlInvalid):
            SMS_QUERY.parse(query)
    with pytest.raises(errors.ControlInvalid):
        AUDIT_QUERY.parse({"account_id": "123"})


@pytest.mark.parametrize("body", BODIES, ids=lambda body: body.name)
def test_the_document_describes_each_body_from_its_declaration(body: Body[Any]) -> None:
    described = openapi_document(sites=SITES)["components"]["schemas"][body.name]
    assert list(described["properties"]) == [field.name for field in body.fields]
    assert described.get("required", []) == [field.name for field in body.fields if field.required]
    assert described == body.schema(SITES)


@pytest.mark.parametrize(
    ("error", "status", "code"),
    [
        (service_errors.InvalidPolicy("invalid policy document: no Statement"), 400, "invalid"),
        (service_errors.InvalidClock("the clock offset must stay within 100 years"), 400, "invalid"),
        (service_errors.AccountNotFound("account 1234567890123456 does not exist"), 404, "not_found"),
        (service_errors.MessageNotFound("message m1 does not exist"), 404, "not_found"),
        (
            service_errors.RamIdentityExists("RAM role 'ops' already exists in account 1234567890123456"),
            409,
            "conflict",
        ),
        (service_errors.MessageNotDead("only dead messages can be retried"), 409, "conflict"),
    ],
)
def test_a_service_refusal_becomes_its_control_answer(
    error: service_errors.ServiceError, status: int, code: str
) -> None:
    response = error_response(error)
    assert response.status_code == status
    assert json.loads(bytes(response.body)) == {"error": code, "message": error.text}
