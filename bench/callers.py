"""The callers of the identity benchmarks, beside the RAM user who signs GetAccount: one place for both profilers.

``profile_server.py`` (a real server, the load generator) and ``profile_dispatch.py`` (the dispatcher in process)
measure the same signed calls; this module makes the identities they need in the management account, through the
control API, and says which request each operation sends:

- ``SessionGetAccount``: GetAccount signed by a role session (STS AssumeRole of a role with the admin's policy), so
  the security token is checked and the role's policies read instead of the user's;
- ``ConditionedGetAccount``: GetAccount by a RAM user whose only policy is a custom one with a ``Condition`` block
  (source address and current time), so the evaluator runs its conditions on every call;
- ``GetUser``: RAM GetUser of the caller itself, a RAM user with AliyunRAMReadOnlyAccess, in its own account;
- ``AssumeRole``: STS AssumeRole by a RAM user with AliyunSTSAssumeRoleAccess (a write: every call issues a session).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

RD_VERSION = "2020-03-31"
RAM_VERSION = "2015-05-01"
STS_VERSION = "2015-04-01"
OPERATIONS = ("SessionGetAccount", "ConditionedGetAccount", "GetUser", "AssumeRole")
READER = "bench-reader"
# What a cautious administrator writes: the directory's reads, from the local network, until a date.
CONDITIONED_POLICY = {
    "Version": "1",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": ["resourcemanager:GetAccount", "resourcemanager:ListAccounts"],
            "Resource": "*",
            "Condition": {
                "IpAddress": {"acs:SourceIp": ["127.0.0.0/8", "10.0.0.0/8"]},
                "DateLessThan": {"acs:CurrentTime": ["2099-01-01T00:00:00Z"]},
            },
        }
    ],
}


@dataclass(frozen=True)
class Call:
    """What one signed request carries: the signer, the action and its parameters (the account goes in later)."""

    ak: str
    secret: str
    action: str
    version: str
    params: dict[str, str]
    token: str | None = None


@dataclass
class Callers:
    keys: dict[str, tuple[str, str, str | None]] = field(default_factory=dict)  # operation → ak, secret, token
    role_arn: str = ""


def make_callers(control: Any, account_id: str, operations: list[str]) -> Callers:
    """The identities ``operations`` need (only those: the baseline's code may lack conditions or STS)."""
    out = Callers()
    wanted = set(operations)
    if wanted & {"SessionGetAccount", "AssumeRole"}:
        role = control.create_ram_role(account_id, "bench-role", ["AliyunResourceDirectoryFullAccess"])
        out.role_arn = role["arn"]
    if "SessionGetAccount" in wanted:
        made = control.assume_role(out.role_arn, "bench-session")
        out.keys["SessionGetAccount"] = (made["access_key_id"], made["access_key_secret"], made["security_token"])
    if "AssumeRole" in wanted:
        assumer = control.ram_user(account_id, "bench-assumer", ("AliyunSTSAssumeRoleAccess",))
        out.keys["AssumeRole"] = (assumer.access_key_id, assumer.access_key_secret, None)
    if "ConditionedGetAccount" in wanted:
        user = control.ram_user(account_id, "bench-conditioned", (CONDITIONED_POLICY,))
        out.keys["ConditionedGetAccount"] = (user.access_key_id, user.access_key_secret, None)
    if "GetUser" in wanted:
        reader = control.ram_user(account_id, READER, ("AliyunRAMReadOnlyAccess",))
        out.keys["GetUser"] = (reader.access_key_id, reader.access_key_secret, None)
    return out


def call_for(operation: str, callers: Callers, account_id: str) -> Call:
    """The request ``operation`` sends; ``account_id`` is the account a GetAccount reads."""
    ak, secret, token = callers.keys[operation]
    if operation == "GetUser":
        return Call(ak, secret, "GetUser", RAM_VERSION, {"UserName": READER})
    if operation == "AssumeRole":
        params = {"RoleArn": callers.role_arn, "RoleSessionName": "bench", "DurationSeconds": "900"}
        return Call(ak, secret, "AssumeRole", STS_VERSION, params)
    return Call(ak, secret, "GetAccount", RD_VERSION, {"AccountId": account_id}, token)


def payload(operation: str, callers: Callers, account_ids: list[str]) -> dict[str, Any]:
    """The load generator's payload: one request shape per account of ``account_ids`` (one for the others)."""
    calls = [call_for(operation, callers, a) for a in account_ids]
    if operation in ("GetUser", "AssumeRole"):
        calls = calls[:1]
    first = calls[0]
    out = {"ak": first.ak, "secret": first.secret, "action": first.action, "version": first.version}
    out["params"] = [c.params for c in calls]
    return out | ({"token": first.token} if first.token else {})
