"""Helpers for the account-deletion tests: a directory that allows member deletion, with a RAM user of the
management account to delete as (the root may not), and the four actions through the official SDKs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from alibabacloud_resourcemanager20200331 import models as rm

from support.directory import Account, Org, World
from support.servers import LiveServer

ADMIN_POLICIES = ("AliyunResourceDirectoryFullAccess",)


def set_member_deletion(org: Org, status: str = "Enabled") -> None:
    """The directory's MemberDeletionStatus, through SetMemberDeletionPermission as the management account."""
    org.client.set_member_deletion_permission(rm.SetMemberDeletionPermissionRequest(status=status))


@dataclass
class Deleting:
    """A directory that allows member deletion and a RAM user of its management account holding ``policies``."""

    world: World
    org: Org
    admin: Account

    def rm(self, **extra: Any) -> Any:
        return self.admin.rm(**extra)

    def rdm(self, **extra: Any) -> Any:
        return self.admin.rdm(**extra)

    def member(self, **kw: Any) -> str:
        return self.org.resource_account(**kw)

    def check(self, account_id: str, **extra: Any) -> Any:
        return self.rm(**extra).check_account_delete(rm.CheckAccountDeleteRequest(account_id=account_id))

    def check_result(self, account_id: str, **extra: Any) -> Any:
        request = rm.GetAccountDeletionCheckResultRequest(account_id=account_id)
        return self.rm(**extra).get_account_deletion_check_result(request).body.account_deletion_check_result_info

    def delete(self, account_id: str, *, waive: list[str] | None = None, **extra: Any) -> Any:
        request = rm.DeleteAccountRequest(account_id=account_id, abandonable_check_id=waive)
        return self.rm(**extra).delete_account(request).body

    def status(self, account_id: str, **extra: Any) -> Any:
        request = rm.GetAccountDeletionStatusRequest(account_id=account_id)
        return self.rm(**extra).get_account_deletion_status(request).body.rd_account_deletion_status


def ram_account(server: LiveServer, account_id: str, name: str, policies: tuple[str, ...] = ADMIN_POLICIES) -> Account:
    """A RAM user of ``account_id`` as an Account whose AccessKey is the user's."""
    made = server.rd.create_ram_user(account_id, name, policies)
    return Account(server, account_id, made["access_key_id"], made["access_key_secret"], name)


def deleting(world: World, *, enabled: bool = True) -> Deleting:
    org = world.org()
    if enabled:
        set_member_deletion(org)
    return Deleting(world, org, ram_account(world.server, org.account_id, "rd-deleter"))
