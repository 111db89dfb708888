"""The seed-operation SDK tests' world (SendVerificationCodeForEnableRD, EnableResourceDirectory,
SendVerificationCodeForBindSecureMobilePhone, BindSecureMobilePhone) on a live server.

:class:`Seed` seeds principals and phones through the control API, holds the official clients
(:mod:`support.seed_clients`: Tea V3, Tea V1 with ``signature_algorithm='v2'``, the 2022-04-19
ResourceDirectoryMaster client and the old core SDK), reads the SMS inbox and builds a directory to act on.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from alibabacloud_resourcedirectorymaster20220419 import models as rdm_models
from alibabacloud_resourcedirectorymaster20220419.client import Client as RdmClient
from alibabacloud_resourcemanager20200331 import models as rm_models
from alibabacloud_resourcemanager20200331.client import Client as RmClient
from alibabacloud_tea_openapi.exceptions import AlibabaCloudException

from support.seed_clients import REQUEST_ID, CoreApi, Creds, TeaApi
from support.servers import LiveServer

FULL = "AliyunResourceDirectoryFullAccess"
READ_ONLY = "AliyunResourceDirectoryReadOnlyAccess"
MA_SUFFIX = "@rdadmin.aliyunid.com"
STORES = ["sqlite", "postgresql"]

# The documented messages of the codes these tests reach.
MESSAGES = {
    "NotSupport.AccountInAnotherResourceDirectory": "The specified account is an Alibaba Cloud account or already "
    "exists in another resource directory.",
    "EntityAlreadyExists.ResourceDirectory": "The resource directory for the account is already enabled. We "
    "recommend that you do not enable the resource directory again.",
    "EntityNotExists.ResourceDirectory": "The resource directory for the account is not enabled. We recommend that "
    "you first enable the resource directory for the account.",
    "SendValidateCodeExceedsLimitForAccount": "For the same account, the number of verification codes sent exceeds "
    "the limit.",
    "InvalidParameter.MobileCountryCode": "The current site does not support the country code.",
    "Invalid.EnterpriseName": "You must specify the enterprise name.",
    "EnterpriseRealNameVerificationError": "The specified account does not pass enterprise real-name verification. "
    "We recommend you first complete enterprise real-name verification for the account.",
    "InvalidParameter.ManagementAccountName.AlreadyUsed": "The ManagementAccountName has been used.",
    "Invalid.VerificationCode": "The verification code is invalid.",
    "InvalidParameter.ManagementAccountName": "The management account name is in the wrong format.",
    "InvalidParameter.ManagementAccountSecurityInfo": "The parameter management account secure mobile phone is "
    "invalid.",
    "MissingSecureMobilePhone": "Secure mobile phone is missing.",
    "NotSupport.Site.Action": "Site does not allow current action.",
    "AccountTypeMismatch": "The type or status of the member account cannot satisfy the current operation.",
    "AccountSecureMobileAlreadyExists": "The secure mobile number of the member already exists.",
    "CallerIdentityError": "Please use the RAM user or role of the Management Account.",
    "EntityNotExists.Account": "This resource directory account does not exist.",
}


def missing_message(name: str) -> str:
    return f'The input parameter "{name}" that is mandatory for processing this request is not supplied.'


@dataclass(frozen=True)
class World:
    """A directory on ``site``: root ``master`` (enterprise-verified), its RAM user ``rd-admin`` (FullAccess) and one
    resource account (no phone)."""

    site: str
    master: Creds
    admin: Creds
    directory_id: str
    root_folder_id: str
    resource_account_id: str
    enterprise_name: str


# ------------------------------------------------------------------------------------------------------ phones
_ISSUED: set[str] = set()
_PATTERNS = {
    "cn": lambda: f"86-139{secrets.randbelow(10**8):08d}",
    "intl": lambda: f"44-7400{secrets.randbelow(10**6):06d}",
    "uk": lambda: f"44-7400{secrets.randbelow(10**6):06d}",
    "jp": lambda: f"81-90{1 + secrets.randbelow(9)}{secrets.randbelow(10**7):07d}",
}
_US_NEXT = iter(range(100))  # 1-20155501xx: only 100 of them, hand them out in order


def new_phone(kind: str = "intl") -> str:
    """A valid mobile number never handed out before in this process (the per-phone throttle is 1 per 60 s)."""
    while True:
        phone = f"1-20155501{next(_US_NEXT):02d}" if kind == "us" else _PATTERNS[kind]()
        if phone not in _ISSUED:
            _ISSUED.add(phone)
            return phone


# ------------------------------------------------------------------------------------------------ control API
def latest_code(server: LiveServer, phone: str) -> str:
    """The code of the newest SMS to ``phone`` (listed from the moment its transaction commits)."""
    code = server.rd.latest_code(phone)
    assert re.fullmatch(r"[0-9]{6}", code), code
    return code


class Seed:
    FULL, READ_ONLY, MA_SUFFIX = FULL, READ_ONLY, MA_SUFFIX
    phone = staticmethod(new_phone)
    missing_message = staticmethod(missing_message)

    def __init__(self, server: LiveServer) -> None:
        self.server = server
        self.rd = server.rd
        self.v3 = TeaApi(server, rm_models, RmClient)
        self.v1 = TeaApi(server, rm_models, RmClient, signature_algorithm="v2")
        self.rdm = TeaApi(server, rdm_models, RdmClient)
        self.core = CoreApi(server)
        self.apis: dict[str, TeaApi | CoreApi] = {
            "tea-v3": self.v3,
            "tea-v1": self.v1,
            "core": self.core,
            "rdm-2022": self.rdm,
        }

    # -- control API
    def account(
        self,
        site: str = "intl",
        *,
        enterprise: str | None = "auto",
        verified: bool = True,
        phone: str | None = None,
        name: str | None = None,
    ) -> Creds:
        fields: dict[str, Any] = {"site": site, "enterprise_verified": verified}
        if enterprise is not None:
            fields["enterprise_name"] = f"Enterprise {secrets.token_hex(3)}" if enterprise == "auto" else enterprise
        if phone is not None:
            fields["secure_mobile_phone"] = phone
        if name is not None:
            fields["name"] = name
        made = self.rd.create_account(**fields)
        return Creds(made["access_key_id"], made["access_key_secret"], made["account_id"])

    def record(self, account_id: str) -> dict[str, Any]:
        return self.rd.account(account_id)

    def patch(self, account_id: str, **changes: Any) -> dict[str, Any]:
        return self.rd.patch_account(account_id, **changes)

    def account_names(self) -> set[str]:
        return {a["name"] for a in self.rd.accounts()}

    def ram_user(self, account_id: str, *policies: Any, name: str | None = None) -> Creds:
        made = self.rd.create_ram_user(account_id, name or f"user-{secrets.token_hex(3)}", policies)
        return Creds(made["access_key_id"], made["access_key_secret"], account_id)

    def role_session(self, account_id: str, *policies: Any) -> Creds:
        role = self.rd.create_ram_role(account_id, f"role-{secrets.token_hex(3)}", policies)
        made = self.rd.assume_role(role["arn"], "seed-tests")
        return Creds(made["access_key_id"], made["access_key_secret"], account_id, made["security_token"])

    def messages(self, phone: str) -> list[dict[str, Any]]:
        return self.rd.messages(phone)

    def latest(self, phone: str) -> dict[str, Any]:
        return self.rd.latest_message(phone)

    def latest_code(self, phone: str) -> str:
        return latest_code(self.server, phone)

    def clock(self, **body: int) -> dict[str, Any]:
        return self.rd.move_clock(body)

    # -- directories
    def world(self, site: str = "intl") -> World:
        enterprise = f"Enterprise {secrets.token_hex(3)}"
        master = self.account(site, enterprise=enterprise)
        directory = self.v3.enable(master, "CurrentAccount")["ResourceDirectory"]
        admin = self.ram_user(master.account_id, FULL, name="rd-admin")
        world = World(site, master, admin, directory["ResourceDirectoryId"], directory["RootFolderId"], "", enterprise)
        return World(**{**world.__dict__, "resource_account_id": self.resource_account(world)})

    def resource_account(self, world: World) -> str:
        created = self.v3.create_account(world.admin, f"ra-{secrets.token_hex(4)}")["Account"]
        assert created["Type"] == "ResourceAccount"
        return str(created["AccountId"])

    def directory_of(self, creds: Creds) -> str | None:
        """The ID of the directory the account manages or belongs to, None if none (404)."""
        try:
            return str(self.v3.get_directory(creds)["ResourceDirectory"]["ResourceDirectoryId"])
        except AlibabaCloudException as exc:
            if (exc.code, exc.status_code) != ("ResourceDirectoryNotInUse", 404):
                raise
            return None

    # -- errors
    def fails(self, status: int, code: str, call: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        """Run a Tea call that must fail with ``status``/``code``; checks the envelope; returns the exception."""
        with pytest.raises(AlibabaCloudException) as caught:
            call(*args, **kwargs)
        exc = caught.value
        data = exc.data
        assert (exc.code, exc.status_code) == (code, status), data
        assert data["Code"] == code
        assert REQUEST_ID.fullmatch(data["RequestId"])
        assert exc.request_id == data["RequestId"]
        assert data["HostId"] == self.server.endpoint
        assert data["Recommend"].startswith(f"https://api.aliyun.com/troubleshoot?q={code}&product=")
        if code in MESSAGES:
            assert data["Message"] == MESSAGES[code]
        return exc
