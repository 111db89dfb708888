"""The shape of one registry row. Rows live beside their handlers; ``api/actions.py`` gathers them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from openrd import errors
from openrd.api.context import CallContext
from openrd.api.params import AnyParam
from openrd.domain.resources import ResourceKind, Target

RM, RDM, STS, RAM = "2020-03-31", "2022-04-19", "2015-04-01", "2015-05-01"
DIRECTORY_VERSIONS = frozenset({RM, RDM})

Handler = Callable[[CallContext, Any], dict[str, Any]]


@dataclass(frozen=True)
class TargetParam:
    """The parameter naming what an action acts on, for its authorization check; read from the raw parameters
    because authorization comes before the parameter stage (docs/behaviour.md#resources-of-an-action)."""

    kind: ResourceKind
    param: str  # empty: the action acts on every one of its kind (a RAM create or list: ``policy/*``)
    callers_own: bool = False  # absent, the parameter means the calling RAM user itself (its own AccessKeys)

    def read(self, params: Mapping[str, str]) -> Target:
        return Target(self.kind, (params.get(self.param) or None) if self.param else None, callers_own=self.callers_own)


ACCOUNT_TARGET = TargetParam(ResourceKind.ACCOUNT, "AccountId")
FOLDER_TARGET = TargetParam(ResourceKind.FOLDER, "FolderId")
PARENT_FOLDER_TARGET = TargetParam(ResourceKind.FOLDER, "ParentFolderId")  # absent: the root folder
# RAM entities of the caller's account, named by the action's parameter; absent (a create or a list): ``<kind>/*``.
RAM_USER_TARGET = TargetParam(ResourceKind.RAM_USER, "UserName")
RAM_OWN_USER_TARGET = TargetParam(ResourceKind.RAM_USER, "UserName", callers_own=True)
RAM_GROUP_TARGET = TargetParam(ResourceKind.RAM_GROUP, "GroupName")
RAM_ROLE_TARGET = TargetParam(ResourceKind.RAM_ROLE, "RoleName")
RAM_POLICY_TARGET = TargetParam(ResourceKind.RAM_POLICY, "PolicyName")
RAM_POLICIES_TARGET = TargetParam(ResourceKind.RAM_POLICY, "")
RAM_USERS = TargetParam(ResourceKind.RAM_USER, "")  # ``user/*``: CreateUser, ListUsers
RAM_GROUPS = TargetParam(ResourceKind.RAM_GROUP, "")
RAM_ROLES = TargetParam(ResourceKind.RAM_ROLE, "")
RESOURCE_GROUP_TARGET = TargetParam(ResourceKind.RESOURCE_GROUP, "ResourceGroupId")  # absent: resourcegroup/*
EVERY_RESOURCE_GROUP = TargetParam(ResourceKind.RESOURCE_GROUP, "")  # no parameter: resourcegroup/* (create, list)


@dataclass(frozen=True)
class Action:
    name: str
    versions: frozenset[str]
    handler: Handler
    request: type
    params: tuple[AnyParam, ...] = ()
    ram_action: str | None = None  # None: no RAM permission needed (STS GetCallerIdentity)
    errors: tuple[type[errors.OpenRDError], ...] = ()
    summary: str = ""
    audited: bool = True  # recorded in the audit trail (reads: only when they fail)
    target: TargetParam | None = None  # None: the action's resource is its service's, in the caller's account
    # The parameter stage before authorization: for actions whose resource a parameter names (RAM, STS), a missing
    # or malformed name is a parameter error, never NoPermission (docs/behaviour.md#order-of-checks).
    params_first: bool = False

    @property
    def read_only(self) -> bool:
        return self.name.startswith(("Get", "List"))

    def target_of(self, params: Mapping[str, str]) -> Target | None:
        return self.target.read(params) if self.target is not None else None

    def parse(self, params: Mapping[str, str]) -> Any:
        return self.request(**{p.field: p.read(params) for p in self.params})


def directory_action(
    name: str, handler: Handler, request: type, *, versions: frozenset[str] = DIRECTORY_VERSIONS, **kw: Any
) -> Action:
    """A ResourceManager / ResourceDirectoryMaster action (both versions unless ``versions`` says otherwise),
    authorized as ``resourcemanager:<name>``."""
    return Action(name, versions, handler, request, ram_action=f"resourcemanager:{name}", **kw)


def ram_api_action(name: str, handler: Handler, request: type, **kw: Any) -> Action:
    """A RAM 2015-05-01 action, authorized as ``ram:<name>``, its parameters parsed before authorization."""
    return Action(name, frozenset({RAM}), handler, request, ram_action=f"ram:{name}", params_first=True, **kw)


def resource_group_action(name: str, handler: Handler, request: type, **kw: Any) -> Action:
    """A ResourceManager 2020-03-31 resource-group action, authorized as ``ram:<name>`` on the group's ARN (the
    ``ram`` service holds resource groups), its parameters parsed before authorization."""
    return Action(name, frozenset({RM}), handler, request, ram_action=f"ram:{name}", params_first=True, **kw)


def rm_only_action(name: str, handler: Handler, request: type, **kw: Any) -> Action:
    """A ResourceManager 2020-03-31 action absent from ResourceDirectoryMaster, as ``resourcemanager:<name>``."""
    return Action(name, frozenset({RM}), handler, request, ram_action=f"resourcemanager:{name}", **kw)
