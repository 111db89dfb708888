"""The client side: the official Tea SDK's calls as the clients saw them, and the gate they wait at during restarts."""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

FULL_ACCESS = "AliyunResourceDirectoryFullAccess"
OK, ERROR, UNKNOWN = "ok", "error", "unknown"


@dataclass(frozen=True)
class Creds:
    access_key_id: str
    secret: str
    account_id: str


@dataclass
class Call:
    """One SDK call as the client saw it."""

    op: str  # send_enable | send_bind | bind | enable | delete
    caller: str  # the calling account
    target: str  # the account the code / bind / directory is for
    phone: str
    result: str  # ok | error | unknown
    detail: str = ""  # the error code, or the exception, or the directory id of a successful enable
    generation: int = 0  # which server start the call began under
    name: str = ""  # enable: the new management account's name


class Gate:
    """Open while the server answers; calls wait at it while the killer restarts the server."""

    def __init__(self) -> None:
        self._open = threading.Event()
        self.generation = 0

    def open(self) -> None:
        self.generation += 1
        self._open.set()

    def close(self) -> None:
        self._open.clear()

    def wait(self) -> int:
        self._open.wait()
        return self.generation


class Client:
    def __init__(self, endpoint: str, gate: Gate) -> None:
        self.endpoint = endpoint
        self.gate = gate
        self.calls: list[Call] = []
        self._lock = threading.Lock()
        self._phones = 0
        self.last_phones: list[tuple[str, str]] = []  # (quota account, phone) of recent sends, for repeats

    # -- control API (seeding and reading codes; retried across restarts)
    def control(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        for _ in range(200):
            self.gate.wait()
            try:
                return httpx.request(method, f"http://{self.endpoint}/_openrd{path}", timeout=30, **kwargs)
            except httpx.HTTPError:
                time.sleep(0.05)
        raise RuntimeError(f"the control API did not answer {method} {path}")

    def account(self, **fields: Any) -> Creds:
        body = {"display_name": f"acct-{secrets.token_hex(3)}", "site": "cn", "enterprise_name": "Acme Co., Ltd."}
        response = self.control("POST", "/accounts", json=body | fields)
        response.raise_for_status()
        made = response.json()
        return Creds(made["access_key_id"], made["access_key_secret"], made["account_id"])

    def ram_user(self, account_id: str) -> Creds:
        body = {"name": f"rd-admin-{secrets.token_hex(2)}", "policies": [FULL_ACCESS]}
        response = self.control("POST", f"/accounts/{account_id}/ram-users", json=body)
        response.raise_for_status()
        made = response.json()
        return Creds(made["access_key_id"], made["access_key_secret"], account_id)

    def latest_code(self, phone: str) -> str | None:
        response = self.control("GET", "/sms/latest", params={"phone": phone})
        if response.status_code == 404:
            return None
        response.raise_for_status()
        return str(response.json()["code"])

    # -- the SDK
    def rm(self, creds: Creds) -> Any:
        from alibabacloud_resourcemanager20200331.client import Client as RmClient
        from alibabacloud_tea_openapi.utils_models import Config

        return RmClient(
            Config(
                access_key_id=creds.access_key_id,
                access_key_secret=creds.secret,
                endpoint=self.endpoint,
                protocol="http",
                read_timeout=60_000,
                connect_timeout=10_000,
            )
        )

    def call(self, op: str, caller: str, target: str, phone: str, run: Callable[[], Any], name: str = "") -> Call:
        """Run one SDK call and record what the client saw."""
        from alibabacloud_tea_openapi.exceptions import AlibabaCloudException

        generation = self.gate.wait()
        try:
            response = run()
        except AlibabaCloudException as exc:
            if exc.code:
                record = Call(op, caller, target, phone, ERROR, f"{exc.status_code} {exc.code}", generation, name)
            else:  # no Alibaba envelope: not an answer from openrd's API
                record = Call(op, caller, target, phone, UNKNOWN, f"{type(exc).__name__}: {exc}"[:200], generation)
        except Exception as exc:  # connection refused / reset / closed by the kill
            record = Call(op, caller, target, phone, UNKNOWN, f"{type(exc).__name__}"[:200], generation, name)
        else:
            detail = ""
            if op == "enable":
                detail = str(response.body.resource_directory.resource_directory_id)
            record = Call(op, caller, target, phone, OK, detail, generation, name)
        with self._lock:
            self.calls.append(record)
        return record

    def new_phone(self) -> str:
        with self._lock:
            self._phones += 1
            return f"86-139{self._phones:08d}"

    @staticmethod
    def once() -> Any:
        from darabonba.runtime import RuntimeOptions

        return RuntimeOptions(autoretry=False)

    def send_enable(self, creds: Creds, phone: str) -> Call:
        from alibabacloud_resourcemanager20200331 import models

        request = models.SendVerificationCodeForEnableRDRequest(secure_mobile_phone=phone)
        return self.call(
            "send_enable",
            creds.account_id,
            creds.account_id,
            phone,
            lambda: self.rm(creds).send_verification_code_for_enable_rdwith_options(request, self.once()),
        )

    def send_bind(self, user: Creds, member: str, phone: str) -> Call:
        from alibabacloud_resourcemanager20200331 import models

        request = models.SendVerificationCodeForBindSecureMobilePhoneRequest(
            account_id=member, secure_mobile_phone=phone
        )
        return self.call(
            "send_bind",
            user.account_id,
            member,
            phone,
            lambda: self.rm(user).send_verification_code_for_bind_secure_mobile_phone_with_options(
                request, self.once()
            ),
        )

    def bind(self, user: Creds, member: str, phone: str, code: str) -> Call:
        from alibabacloud_resourcemanager20200331 import models

        request = models.BindSecureMobilePhoneRequest(
            account_id=member, secure_mobile_phone=phone, verification_code=code
        )
        return self.call(
            "bind",
            user.account_id,
            member,
            phone,
            lambda: self.rm(user).bind_secure_mobile_phone_with_options(request, self.once()),
        )

    def enable(self, creds: Creds, name: str, phone: str, code: str) -> Call:
        from alibabacloud_resourcemanager20200331 import models

        request = models.EnableResourceDirectoryRequest(
            enable_mode="NewManagementAccount", maname=name, masecure_mobile_phone=phone, verification_code=code
        )
        return self.call(
            "enable",
            creds.account_id,
            creds.account_id,
            phone,
            lambda: self.rm(creds).enable_resource_directory_with_options(request, self.once()),
            name=name,
        )
