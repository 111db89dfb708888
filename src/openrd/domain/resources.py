"""The resource an action acts on, as policies name it (docs/behaviour.md#resources-of-an-action).

Every authorization check carries one resource ARN. Directory actions that target one member or one folder carry
that member's or folder's ARN in the directory owner's account, with its path below the root; everything else
carries ``acs:<service>:*:<caller's account>:*``, so ``*``, ``acs:*`` and ``acs:<service>:*:*:*`` all match it and a
broad ``Deny`` is never skipped. RAM actions carry the RAM entity they name, ``acs:ram:*:<account>:user/<name>``
(``user/*`` for a create or a list), and likewise for groups, roles and policies; resource groups
``acs:ram:*:<account>:resourcegroup/<id>``.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

__all__ = ["RAM_KINDS", "ResourceKind", "Target", "account_arn", "folder_arn", "ram_arn", "service_arn"]


class ResourceKind(enum.StrEnum):
    ACCOUNT = "account"
    FOLDER = "folder"
    RAM_USER = "user"
    RAM_GROUP = "group"
    RAM_ROLE = "role"
    RAM_POLICY = "policy"
    RESOURCE_GROUP = "resourcegroup"


# Kinds whose ARN is ``acs:ram:*:<caller's account>:<kind>/<id or name>``: RAM's entities, and resource groups, which
# Resource Manager authorizes in the ``ram`` service.
RAM_KINDS = frozenset(
    {
        ResourceKind.RAM_USER,
        ResourceKind.RAM_GROUP,
        ResourceKind.RAM_ROLE,
        ResourceKind.RAM_POLICY,
        ResourceKind.RESOURCE_GROUP,
    }
)


@dataclass(frozen=True)
class Target:
    """What one call acts on, named by the caller: a member account or a folder (``None``: the root folder), or a
    RAM entity by name (``None``: every one of its kind) of the caller's account, or of ``account_id`` (the role
    an AssumeRole names)."""

    kind: ResourceKind
    id: str | None
    account_id: str | None = None
    callers_own: bool = False  # without a name: the calling RAM user itself, not every user


def account_arn(owner_account_id: str, folder_path: str, account_id: str) -> str:
    """``acs:resourcemanager::<owner>:account/<rd-id>/<root-id>/<fd-…>/<account id>``."""
    return f"acs:resourcemanager::{owner_account_id}:account/{folder_path}/{account_id}"


def folder_arn(owner_account_id: str, folder_path: str) -> str:
    """``acs:resourcemanager::<owner>:folder/<rd-id>/<root-id>/<fd-…>``."""
    return f"acs:resourcemanager::{owner_account_id}:folder/{folder_path}"


def service_arn(service: str, account_id: str) -> str:
    """The resource of an action with no target of its own."""
    return f"acs:{service}:*:{account_id}:*"


def ram_arn(account_id: str, kind: ResourceKind, name: str | None) -> str:
    """``acs:ram:*:<account>:user/<name>`` and its group, role and policy siblings; ``<kind>/*`` without a name. A
    role's name is lower-cased: role names compare case-insensitively, and policies match them so
    (``policy._fold_role_name``)."""
    if kind is ResourceKind.RAM_ROLE and name:
        name = name.lower()
    return f"acs:ram:*:{account_id}:{kind.value}/{name or '*'}"
