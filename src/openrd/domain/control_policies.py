"""Control policies: the directory's guardrails (docs/guardrails.md).

Pure rules and values: the feature's states, the one system policy, the limits, the grammar of a custom policy's
document (the RAM grammar; ``Principal`` is not part of it) and the level-by-level evaluation that bounds the RAM
identities of member accounts.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Final, TypeVar

from openrd.domain.policy import (
    ContextSource,
    Decision,
    Policy,
    PolicyDocumentError,
    ResourceSource,
    Statement,
    parse_policy_document,
)
from openrd.domain.request_context import RequestContext

T = TypeVar("T")

SYSTEM_POLICY_ID: Final = "cp-FullAliyunAccess"
SYSTEM_POLICY_NAME: Final = "FullAliyunAccess"
SYSTEM_POLICY_DOCUMENT: Final = '{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}'
SYSTEM_POLICY_DATE_MS: Final = 1596609144000  # 2020-08-05T06:32:24Z, the date Alibaba's system policy carries
SYSTEM_POLICY_DESCRIPTIONS: Final = {
    "zh-CN": "支持阿里云所有操作的系统管控策略",
    "en": "The system control policy that allows every Alibaba Cloud operation",
    "ja": "すべての Alibaba Cloud 操作を許可するシステムコントロールポリシー",
}
MAX_DOCUMENT_LENGTH: Final = 4096  # characters
MAX_NAME_LENGTH: Final = 128
MAX_DESCRIPTION_LENGTH: Final = 1024
MAX_CUSTOM_POLICIES: Final = 1500  # per directory
MAX_CUSTOM_PER_TARGET: Final = 10  # custom policies on one root folder, folder or member
POLICY_ID: Final = re.compile(r"cp-[A-Za-z0-9]{1,32}|cp-FullAliyunAccess", re.ASCII)
_NAME: Final = re.compile(r"[A-Za-z][A-Za-z0-9-]*", re.ASCII)


class Status(enum.StrEnum):
    """``ControlPolicyStatus``: the feature's state in one directory."""

    ENABLED = "Enabled"
    PENDING_ENABLE = "PendingEnable"
    DISABLED = "Disabled"
    PENDING_DISABLE = "PendingDisable"

    @property
    def pending(self) -> bool:
        return self in (Status.PENDING_ENABLE, Status.PENDING_DISABLE)

    @property
    def attaching(self) -> bool:
        """Whether new folders and members get the system policy: from the start of an enable."""
        return self in (Status.ENABLED, Status.PENDING_ENABLE)


_SETTLED: Final = {Status.PENDING_ENABLE: Status.ENABLED, Status.PENDING_DISABLE: Status.DISABLED}


def effective_status(stored: str, due_ms: int | None, now_ms: int | None) -> Status:
    """The state as of ``now_ms``: a pending state whose due time has come is its final one. The stored row keeps
    the pending state until the next change; every reader settles it the same way, so processes agree. Without a
    time (``None``) a pending state counts as settled."""
    status = Status(stored)
    if status.pending and (due_ms is None or now_ms is None or due_ms <= now_ms):
        return _SETTLED[status]
    return status


class TargetType(enum.StrEnum):
    ROOT = "Root"
    FOLDER = "Folder"
    ACCOUNT = "Account"


@dataclass(frozen=True)
class ControlPolicy:
    """A custom policy of one directory (the system policy is :data:`SYSTEM_POLICY`)."""

    policy_id: str
    directory_id: str
    name: str
    description: str
    document: str
    created_ms: int
    updated_ms: int

    @property
    def system(self) -> bool:
        return self.policy_id == SYSTEM_POLICY_ID

    @property
    def policy_type(self) -> str:
        return "System" if self.system else "Custom"

    @property
    def effect_scope(self) -> str:
        return "All" if self.system else "RAM"


SYSTEM_POLICY: Final = ControlPolicy(
    SYSTEM_POLICY_ID, "", SYSTEM_POLICY_NAME, "", SYSTEM_POLICY_DOCUMENT, SYSTEM_POLICY_DATE_MS, SYSTEM_POLICY_DATE_MS
)


def described(policy: ControlPolicy, language: str | None) -> str:
    """The description a listing shows: the system policy's in the asked language (Chinese by default)."""
    if not policy.system:
        return policy.description
    return SYSTEM_POLICY_DESCRIPTIONS.get(language or "zh-CN", SYSTEM_POLICY_DESCRIPTIONS["en"])


@dataclass(frozen=True)
class Attachment:
    """One policy on one target (the root folder, a folder or a member account)."""

    policy_id: str
    target_id: str
    target_type: TargetType
    directory_id: str
    attached_ms: int


def valid_name(name: str) -> bool:
    return 1 <= len(name) <= MAX_NAME_LENGTH and _NAME.fullmatch(name) is not None


def parse_document(document: str) -> Policy:
    """A custom policy's document; raises PolicyDocumentError (the length is the caller's documented error)."""
    return parse_policy_document(document, name="control")


# --------------------------------------------------------------------------------------------- evaluation

_DENY_ALL: Final = Policy("unreadable", (Statement(effect="Deny", actions=("*",), resources=("*",)),))


@lru_cache(maxsize=2048)
def stored_policy(document: str | None) -> Policy:
    """A stored attachment's policy: the system policy (no document of its own) or a parsed custom one. Pure
    memoisation by content: a changed document is a new key, so an update is seen at the next request."""
    try:
        return parse_document(document or SYSTEM_POLICY_DOCUMENT)
    except PolicyDocumentError:
        return _DENY_ALL  # stored under an older grammar: refuse rather than drop a Deny


@dataclass(frozen=True)
class Verdict:
    """What the guardrails decided, and what decided it: the denying policy, or the level that lacks an Allow."""

    decision: Decision
    deciding: str = ""  # a policy ID (explicit deny) or a target ID (implicit deny)


@dataclass(frozen=True)
class Guardrail:
    """Where a member account stands for enforcement, as its signed call's first lookup found it: its directory's
    feature state, that directory's management account and the path of the member's folder (``rd-…/r-…/fd-…``)."""

    status: str
    due_ms: int | None
    master_account_id: str
    folder_path: str

    def enforced_on(self, account_id: str, now_ms: int | None) -> bool:
        """Whether the account's RAM identities are bounded now: never the management account's."""
        if account_id == self.master_account_id:
            return False
        return effective_status(self.status, self.due_ms, now_ms) is Status.ENABLED

    def levels(self, account_id: str) -> tuple[str, ...]:
        """The targets whose policies bound the account, from the account up through its folders to the root."""
        return (account_id, *reversed(self.folder_path.split("/")[1:]))


Level = tuple[str, Sequence[tuple[str, Policy]]]  # a target ID and the (policy ID, policy) pairs on it
Attached = tuple[str, str, str | None]  # (target ID, policy ID, custom document or None) as the store keeps them


def _request_free(policy: Policy) -> bool:
    """Whether the policy decides on the action alone: every statement on every resource, without conditions."""
    return all(s.any_resource and not s.conditions for s in policy.statements)


@lru_cache(maxsize=4096)
def settled_verdict(targets: tuple[str, ...], attached: tuple[Attached, ...], action: str) -> Verdict | None:
    """The verdict on ``action`` of the attachments ``attached`` over ``targets``, when no policy among them looks at
    the request (its resource, its condition keys); None otherwise. Pure memoisation by content — the targets, every
    attachment and its document text are the key — so what an attach, detach or update changes is a new key."""
    levels = levels_of(targets, attached)
    if not all(_request_free(policy) for _, policies in levels for _, policy in policies):
        return None
    return evaluate_levels(levels, action=action, resource="*")


def levels_of(targets: Sequence[str], attached: Sequence[Attached]) -> list[Level]:
    """The stored attachments grouped by level, in the order of ``targets`` (the member first, the root last)."""
    found: dict[str, list[tuple[str, Policy]]] = {target: [] for target in targets}
    for target_id, policy_id, document in attached:
        found[target_id].append((policy_id, stored_policy(document)))
    return [(target, found[target]) for target in targets]


def evaluate_levels(
    levels: Sequence[Level], *, action: str, resource: ResourceSource, context: ContextSource = None
) -> Verdict:
    """Every level from the member up to the root bounds the call: an applicable Deny on any level refuses it;
    otherwise each level needs an applicable Allow (docs/guardrails.md)."""
    named = resource if isinstance(resource, str) else once(resource)
    facts = once(context) if callable(context) else context
    unallowed = ""
    for target_id, policies in levels:
        allowed = False
        for policy_id, policy in policies:
            for statement in policy.statements:
                if statement.applies_to(action, named, facts):
                    if statement.effect == "Deny":
                        return Verdict(Decision.EXPLICIT_DENY, policy_id)
                    allowed = True
        if not allowed and not unallowed:
            unallowed = target_id
    if unallowed:
        return Verdict(Decision.IMPLICIT_DENY, unallowed)
    return Verdict(Decision.ALLOW)


def once(resolve: Callable[[], T]) -> Callable[[], T]:
    """``resolve`` called on first use only: two evaluations of one call (RAM's, the guardrails') share it."""
    cache: list[T] = []

    def value() -> T:
        if not cache:
            cache.append(resolve())
        return cache[0]

    return value


__all__ = [
    "MAX_CUSTOM_PER_TARGET",
    "MAX_CUSTOM_POLICIES",
    "MAX_DESCRIPTION_LENGTH",
    "MAX_DOCUMENT_LENGTH",
    "MAX_NAME_LENGTH",
    "POLICY_ID",
    "SYSTEM_POLICY",
    "SYSTEM_POLICY_ID",
    "Attachment",
    "ControlPolicy",
    "Guardrail",
    "Level",
    "RequestContext",
    "Status",
    "TargetType",
    "Verdict",
    "described",
    "effective_status",
    "evaluate_levels",
    "levels_of",
    "once",
    "parse_document",
    "settled_verdict",
    "stored_policy",
    "valid_name",
]
