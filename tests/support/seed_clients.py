"""The official SDKs wrapped for the seed tests: the same seven calls through a Tea client (V3, V1 with
``signature_algorithm='v2'``, or the 2022-04-19 ResourceDirectoryMaster client) or the old core SDK, each returning
the response body as a dict keyed by the wire names."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from alibabacloud_tea_openapi.utils_models import Config
from aliyunsdkcore.auth.credentials import StsTokenCredential
from aliyunsdkcore.client import AcsClient
from aliyunsdkresourcemanager.request.v20200331 import (
    BindSecureMobilePhoneRequest,
    CreateResourceAccountRequest,
    EnableResourceDirectoryRequest,
    GetAccountRequest,
    GetResourceDirectoryRequest,
    SendVerificationCodeForBindSecureMobilePhoneRequest,
    SendVerificationCodeForEnableRDRequest,
)

from support.servers import LiveServer

REQUEST_ID = re.compile(r"[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}")


@dataclass(frozen=True)
class Creds:
    access_key_id: str
    secret: str
    account_id: str
    token: str | None = None


class TeaApi:
    """The seed operations (and what the happy path needs) through a Tea client; bodies as wire-key dicts."""

    def __init__(self, server: LiveServer, models: Any, client_class: type, **config: Any) -> None:
        self.server, self.models, self.client_class, self.extra = server, models, client_class, config

    def client(self, creds: Creds) -> Any:
        config = Config(
            access_key_id=creds.access_key_id,
            access_key_secret=creds.secret,
            security_token=creds.token,
            endpoint=self.server.endpoint,
            protocol="http",
            **self.extra,
        )
        return self.client_class(config)

    @staticmethod
    def _body(response: Any) -> dict[str, Any]:
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/json;charset=utf-8"
        body = dict(response.body.to_map())
        assert REQUEST_ID.fullmatch(body["RequestId"]), body
        return body

    def send_enable(self, creds: Creds, phone: str | None = None) -> dict[str, Any]:
        request = self.models.SendVerificationCodeForEnableRDRequest(secure_mobile_phone=phone)
        return self._body(self.client(creds).send_verification_code_for_enable_rd(request))

    def enable(
        self,
        creds: Creds,
        mode: str | None,
        *,
        name: str | None = None,
        phone: str | None = None,
        code: str | None = None,
    ) -> dict[str, Any]:
        request = self.models.EnableResourceDirectoryRequest(
            enable_mode=mode, maname=name, masecure_mobile_phone=phone, verification_code=code
        )
        return self._body(self.client(creds).enable_resource_directory(request))

    def get_directory(self, creds: Creds) -> dict[str, Any]:
        return self._body(self.client(creds).get_resource_directory())

    def create_account(self, creds: Creds, display_name: str) -> dict[str, Any]:
        request = self.models.CreateResourceAccountRequest(display_name=display_name)
        return self._body(self.client(creds).create_resource_account(request))

    def send_bind(self, creds: Creds, account_id: str | None, phone: str | None) -> dict[str, Any]:
        request = self.models.SendVerificationCodeForBindSecureMobilePhoneRequest(
            account_id=account_id, secure_mobile_phone=phone
        )
        return self._body(self.client(creds).send_verification_code_for_bind_secure_mobile_phone(request))

    def bind(self, creds: Creds, account_id: str | None, phone: str | None, code: str | None) -> dict[str, Any]:
        request = self.models.BindSecureMobilePhoneRequest(
            account_id=account_id, secure_mobile_phone=phone, verification_code=code
        )
        return self._body(self.client(creds).bind_secure_mobile_phone(request))

    def get_account(self, creds: Creds, account_id: str) -> dict[str, Any]:
        request = self.models.GetAccountRequest(account_id=account_id)
        return self._body(self.client(creds).get_account(request))


class CoreApi:
    """The same operations through the old core SDK (AcsClient + aliyunsdkresourcemanager request classes);
    it asks for ``Format=JSON``, so each body is ``json.loads`` of the raw bytes."""

    def __init__(self, server: LiveServer) -> None:
        self.server = server

    def call(self, creds: Creds, module: Any, **params: str | None) -> dict[str, Any]:
        request = getattr(module, module.__name__.rsplit(".", 1)[1])()
        request.set_endpoint(self.server.endpoint)
        request.set_protocol_type("http")
        for name, value in params.items():
            if value is not None:
                getattr(request, f"set_{name}")(value)
        if creds.token:
            client = AcsClient(region_id="cn-hangzhou", credential=StsTokenCredential(*_token_triple(creds)))
        else:
            client = AcsClient(creds.access_key_id, creds.secret, "cn-hangzhou")
        raw = client.do_action_with_exception(request)
        body = json.loads(raw)
        assert REQUEST_ID.fullmatch(body["RequestId"]), body
        return dict(body)

    def send_enable(self, creds: Creds, phone: str | None = None) -> dict[str, Any]:
        return self.call(creds, SendVerificationCodeForEnableRDRequest, SecureMobilePhone=phone)

    def enable(
        self,
        creds: Creds,
        mode: str | None,
        *,
        name: str | None = None,
        phone: str | None = None,
        code: str | None = None,
    ) -> dict[str, Any]:
        params = {"EnableMode": mode, "MAName": name, "MASecureMobilePhone": phone, "VerificationCode": code}
        return self.call(creds, EnableResourceDirectoryRequest, **params)

    def get_directory(self, creds: Creds) -> dict[str, Any]:
        return self.call(creds, GetResourceDirectoryRequest)

    def create_account(self, creds: Creds, display_name: str) -> dict[str, Any]:
        return self.call(creds, CreateResourceAccountRequest, DisplayName=display_name)

    def send_bind(self, creds: Creds, account_id: str | None, phone: str | None) -> dict[str, Any]:
        return self.call(
            creds, SendVerificationCodeForBindSecureMobilePhoneRequest, AccountId=account_id, SecureMobilePhone=phone
        )

    def bind(self, creds: Creds, account_id: str | None, phone: str | None, code: str | None) -> dict[str, Any]:
        return self.call(
            creds, BindSecureMobilePhoneRequest, AccountId=account_id, SecureMobilePhone=phone, VerificationCode=code
        )

    def get_account(self, creds: Creds, account_id: str) -> dict[str, Any]:
        return self.call(creds, GetAccountRequest, AccountId=account_id)


def _token_triple(creds: Creds) -> tuple[str, str, str]:
    assert creds.token is not None
    return creds.access_key_id, creds.secret, creds.token
