"""The control API's OpenAPI 3.1 document, served at ``GET /_openrd/openapi.json``.

It describes every route under ``/_openrd`` and ``/metrics`` except the console page (HTML and server-sent events,
for people, not programs) and nothing of the Alibaba front door at ``/``. The operations are a table
(openapi_operations.py); request bodies and query parameters are generated from the declarations the routes parse
them with (requests.py), so a route and its description cannot drift; the answers' shapes take the domain's
constants (openapi_schemas.py); the site names are the server's own. The suite checks the document against the
routes the app registers and fuzzes the live server from it with schemathesis (tests/control/test_control_openapi.py).
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

from openrd import __version__
from openrd.control.fields import Schema
from openrd.control.openapi_operations import ACCOUNT_ID_PARAMETER, ACCOUNT_PATH, OPERATIONS
from openrd.control.openapi_parts import error_response, with_body_errors
from openrd.control.openapi_schemas import component_schemas


def _paths() -> dict[str, Schema]:
    """Every operation under its path; the account's paths name the account id once, for the path."""
    paths: dict[str, Schema] = {}
    for operation in OPERATIONS:
        item = paths.setdefault(operation.path, {})
        if operation.path.startswith(ACCOUNT_PATH):
            item["parameters"] = [ACCOUNT_ID_PARAMETER]
        item[operation.method] = operation.document()
    return paths


def openapi_document(*, sites: Iterable[str]) -> dict[str, Any]:
    """The document for a server whose site profiles are ``sites``."""
    names = sorted(sites)
    document: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {
            "title": "openrd control API",
            "version": __version__,
            "description": "The emulator's own JSON API: seeding, inspection, clock, transitions, reset, health and "
            "metrics. "
            "With OPENRD_ADMIN_TOKEN set every call but health and ready needs `Authorization: Bearer <token>` "
            "(else 401); without it only loopback clients are served (else 403) and they need no token. Without "
            "a token the Host must be a loopback name or one in OPENRD_ALLOWED_HOSTS, and with or without one an "
            "Origin must name an allowed host or the request's own (else 403). Bodies are JSON only (else 415), "
            "at most OPENRD_MAX_BODY_BYTES (else 413). Errors "
            'are `{"error": "<code>", "message": "..."}`; an unexpected failure is a 500 with error "internal". '
            "The console page (/_openrd/console) is for browsers and is not described here.",
        },
        "servers": [{"url": "/"}],
        "security": [{"adminToken": []}],
        "paths": with_body_errors(_paths()),
        "components": {
            "securitySchemes": {
                "adminToken": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "The value of OPENRD_ADMIN_TOKEN. Without one configured, loopback clients need "
                    "no token.",
                }
            },
            "responses": {
                "Invalid": error_response("invalid", "The request is malformed or breaks a documented rule."),
                "InvalidTransition": error_response(
                    "invalid_transition", "An unknown transition kind, a bad delay, or a body that is not an object."
                ),
                "Unauthorized": error_response("unauthorized", "A token is configured; this call lacks it."),
                "Forbidden": error_response(
                    "forbidden",
                    "No token is configured and the client is not loopback, or the Host or Origin is not allowed.",
                ),
                "NotFound": error_response("not_found", "The named object does not exist."),
                "Conflict": error_response("conflict", "The object exists already, or is in the wrong state."),
                "TooLarge": error_response("too_large", "The body is larger than OPENRD_MAX_BODY_BYTES."),
                "UnsupportedMediaType": error_response(
                    "unsupported_media_type", "The body is not sent as Content-Type: application/json."
                ),
            },
            "schemas": component_schemas(names),
        },
    }
    return copy.deepcopy(document)
