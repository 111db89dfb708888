"""The shape of one registry row. Rows live beside their handlers; ``api/actions.py`` gathers them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from openrd import errors
from openrd.api.context import CallContext
from openrd.api.params import AnyParam

RM, RDM, STS = "2020-03-31", "2022-04-19", "2015-04-01"
DIRECTORY_VERSIONS = frozenset({RM, RDM})

Handler = Callable[[CallContext, Any], dict[str, Any]]


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

    @property
    def read_only(self) -> bool:
        return self.name.startswith(("Get", "List"))

    def parse(self, params: Mapping[str, str]) -> Any:
        return self.request(**{p.field: p.read(params) for p in self.params})


def directory_action(name: str, handler: Handler, request: type, **kw: Any) -> Action:
    """A ResourceManager / ResourceDirectoryMaster action, authorized as ``resourcemanager:<name>``."""
    return Action(name, DIRECTORY_VERSIONS, handler, request, ram_action=f"resourcemanager:{name}", **kw)
