"""The Terraform alicloud provider's calls, replayed: ``Provider`` signs and sends a request the way the provider's
``client.RpcPost`` does (tea-rpc): V1 HMAC-SHA1, the common parameters in the query (``Format=json``), the business
parameters in a form-urlencoded body, both signed together; and it reads answers the way the provider does (JSON
only; an error is ``Code``/``Message``/``RequestId`` with the HTTP status).

Signed here, independently of openrd's own verifier, so a replay also checks the signature rules. Keep the API
stable: other areas' Terraform replay tests use it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import urllib.parse
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from openrd import errors

RM, RDM, RAM, STS = "2020-03-31", "2022-04-19", "2015-05-01", "2015-04-01"
PRODUCTS = {RM: "ResourceManager", RDM: "ResourceDirectoryMaster", RAM: "Ram", STS: "Sts"}
# Not an official SDK's agent: replays are not SDK calls for the SDK-coverage check (tests/sdk_coverage.py).
USER_AGENT = "Terraform/1.9.8 terraform-provider-alicloud/replay (openrd tests)"


def rpc_encode(value: str) -> str:
    """tea-rpc's percent-encoding: ``url.QueryEscape`` with ``+`` → ``%20``, ``*`` → ``%2A``, ``%7E`` → ``~``."""
    return urllib.parse.quote_plus(value, safe="").replace("+", "%20").replace("*", "%2A").replace("%7E", "~")


def flatten(body: Mapping[str, Any]) -> dict[str, str]:
    """Request maps as tea-rpc-utils flattens them: lists → ``Name.1``…, maps in lists → ``Name.1.Key``."""
    flat: dict[str, str] = {}

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, Mapping):
            for key, item in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), item)
        elif isinstance(value, list | tuple):
            for index, item in enumerate(value, start=1):
                walk(f"{prefix}.{index}", item)
        elif isinstance(value, bool):
            flat[prefix] = "true" if value else "false"  # Go's strconv.FormatBool
        elif value is not None:
            flat[prefix] = str(value)

    walk("", body)
    return flat


@dataclass
class ProviderError(Exception):
    """An error answer, as the provider reads it."""

    status: int
    code: str
    message: str
    request_id: str
    body: dict[str, Any]

    def __str__(self) -> str:  # the provider's own wording
        return f"code: {self.status}, {self.message} request id: {self.request_id}"


@dataclass
class Provider:
    """One provider configuration: an endpoint (``host:port``) and an AccessKey (and STS token)."""

    endpoint: str
    access_key_id: str
    secret: str
    security_token: str | None = None
    http: httpx.Client = field(default_factory=lambda: httpx.Client(timeout=30))
    sent: list[tuple[str, str]] = field(default_factory=list)  # (product, action) of every call, in order

    def __enter__(self) -> Provider:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.http.close()

    def request(
        self,
        version: str,
        action: str,
        body: Mapping[str, Any] | None = None,
        *,
        common: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        """Sign and send one call; the raw answer. ``common`` adds to (or replaces) the common query parameters, for
        the provider's calls made through another client (the Go core SDK adds ``RegionId``, ``SignatureType``)."""
        query = {
            "Action": action,
            "Format": "json",
            "Timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "Version": version,
            "SignatureNonce": uuid.uuid4().hex,
            "SignatureMethod": "HMAC-SHA1",
            "SignatureVersion": "1.0",
            "AccessKeyId": self.access_key_id,
        }
        if self.security_token:
            query["SecurityToken"] = self.security_token
        query.update(common or {})
        form = flatten(body or {})
        signed = sorted({**query, **form}.items())
        canonical = "&".join(f"{rpc_encode(k)}={rpc_encode(v)}" for k, v in signed)
        string_to_sign = f"POST&{rpc_encode('/')}&{rpc_encode(canonical)}"
        digest = hmac.new(f"{self.secret}&".encode(), string_to_sign.encode(), hashlib.sha1).digest()
        query["Signature"] = base64.b64encode(digest).decode()
        self.sent.append((PRODUCTS.get(version, version), action))
        return self.http.post(
            f"http://{self.endpoint}/?" + "&".join(f"{rpc_encode(k)}={rpc_encode(v)}" for k, v in query.items()),
            content="&".join(f"{rpc_encode(k)}={rpc_encode(v)}" for k, v in form.items()).encode(),
            headers={
                "content-type": "application/x-www-form-urlencoded",
                "user-agent": USER_AGENT,
                "x-acs-action": action,
                "x-acs-version": version,
            },
        )

    def call(
        self,
        version: str,
        action: str,
        body: Mapping[str, Any] | None = None,
        *,
        common: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        """One call as ``client.RpcPost``: the JSON body of a 2xx answer, else ``ProviderError``."""
        response = self.request(version, action, body, common=common)
        answer: dict[str, Any] = response.json()
        if response.status_code >= 300:
            raise ProviderError(
                response.status_code,
                str(answer.get("Code") or answer.get("code") or ""),
                str(answer.get("Message") or answer.get("message") or ""),
                str(answer.get("RequestId") or answer.get("requestId") or ""),
                answer,
            )
        return answer

    def pages(self, version: str, action: str, body: Mapping[str, Any], items: str) -> list[Any]:
        """Every page of a NextToken listing as the provider reads one: until the answer has no ``NextToken``."""
        request, found = dict(body), []
        while True:
            answer = self.call(version, action, request)
            page = answer[items]
            assert isinstance(page, list), f"{items} must be a JSON array: {answer}"
            found += page
            if answer.get("NextToken") is None:
                return found
            request["NextToken"] = answer["NextToken"]


def refused(error: type[errors.OpenRDError], tf: Provider, version: str, action: str, body: dict[str, Any]) -> None:
    """The call fails as the provider sees a failure: ``error``'s HTTP status and code."""
    with pytest.raises(ProviderError) as caught:
        tf.call(version, action, body)
    assert (caught.value.status, caught.value.code) == (error.status, error.code), caught.value.body
