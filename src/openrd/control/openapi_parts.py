"""Builders of the control API's OpenAPI document (openapi.py): responses, bodies, links, parameters."""

from __future__ import annotations

from openrd.control.fields import Schema

JSON = "application/json"


def ref(kind: str, name: str) -> Schema:
    return {"$ref": f"#/components/{kind}/{name}"}


def schema(name: str) -> Schema:
    return ref("schemas", name)


def json_response(description: str, schema: Schema, *, links: dict[str, Schema] | None = None) -> Schema:
    response: Schema = {"description": description, "content": {JSON: {"schema": schema}}}
    if links:
        response["links"] = links
    return response


def link(operation_id: str, description: str, **parameters: str) -> Schema:
    return {"operationId": operation_id, "description": description, "parameters": parameters}


def account_links(source: str) -> dict[str, Schema]:
    """What can be done with the account a response names (``source``: a runtime expression)."""
    return {
        "GetAccount": link("getAccount", "Read the account.", id=source),
        "PatchAccount": link("patchAccount", "Change the account.", id=source),
        "CreateRamUser": link("createRamUser", "Create a RAM user in the account.", id=source),
        "CreateRamRole": link("createRamRole", "Create a RAM role in the account.", id=source),
        "CreateRootAccessKey": link("createRootAccessKey", "Another root AccessKey.", id=source),
    }


def disable_link(source: str = "$response.body#/access_key_id") -> dict[str, Schema]:
    return {"DisableAccessKey": link("disableAccessKey", "Disable the AccessKey.", id=source)}


def json_body(schema: Schema, *, required: bool, example: Schema | None = None) -> Schema:
    media: Schema = {"schema": schema}
    if example is not None:
        media["example"] = example
    return {"required": required, "content": {JSON: media}}


def error_response(code: str, description: str) -> Schema:
    schema: Schema = {
        "type": "object",
        "required": ["error", "message"],
        "additionalProperties": False,
        "properties": {"error": {"const": code}, "message": {"type": "string", "minLength": 1}},
    }
    return json_response(description, schema)


def error_responses(*statuses: int) -> dict[str, Schema]:
    names = {
        400: "Invalid",
        401: "Unauthorized",
        403: "Forbidden",
        404: "NotFound",
        409: "Conflict",
        413: "TooLarge",
        415: "UnsupportedMediaType",
    }
    return {str(status): ref("responses", names[status]) for status in statuses}


def guarded(operation: Schema, *statuses: int) -> Schema:
    """Every guarded route may answer 401 (token configured, missing or wrong) or 403 (no token and a remote
    client, a Host not allowed, or a cross-origin Origin)."""
    operation["responses"].update(error_responses(*sorted({*statuses, 401, 403})))
    return operation


def with_body_errors(paths: dict[str, Schema]) -> dict[str, Schema]:
    """Any POST or PATCH may be sent a body: one that is not JSON is 415, one past the size limit 413."""
    for item in paths.values():
        for method in ("post", "patch"):
            if method in item:
                item[method]["responses"].update(error_responses(413, 415))
    return paths


def path_id(description: str, value: Schema) -> Schema:
    return {"name": "id", "in": "path", "required": True, "description": description, "schema": value}
