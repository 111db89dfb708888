"""Attachments of system and custom policies to RAM users, groups and roles (docs/policies.md#attachments)."""

from __future__ import annotations

from collections.abc import Sequence

from openrd.domain.ram_policies import MAX_ATTACHED, MAX_CUSTOM_POLICIES, PolicyType, inline_policy_name
from openrd.services import errors as service_errors
from openrd.services.policies import add_custom_policy, find_policy
from openrd.services.ports import UnitOfWork


def attach_given(
    uow: UnitOfWork,
    account_id: str,
    principal_type: str,
    principal_id: str,
    principal_name: str,
    rows: Sequence[tuple[str | None, str | None]],
    *,
    now_ms: int,
) -> None:
    """The control API's policies for a new user or role: system policy names, attached as they are, and policy
    documents, each made the account's custom policy ``inline-<name>-<n>`` and attached, counted like any other."""
    names = list(dict.fromkeys(name for name, _ in rows if name is not None))
    documents = [document for name, document in rows if name is None and document is not None]
    if len(names) > MAX_ATTACHED[PolicyType.SYSTEM] or len(documents) > MAX_ATTACHED[PolicyType.CUSTOM]:
        raise service_errors.InvalidPolicy(
            f"at most {MAX_ATTACHED[PolicyType.SYSTEM]} system policies and {MAX_ATTACHED[PolicyType.CUSTOM]} "
            "policy documents"
        )
    if not documents and not names:
        return
    uow.policies.lock(account_id)
    if documents and uow.policies.count(account_id) + len(documents) > MAX_CUSTOM_POLICIES:
        raise service_errors.InvalidPolicy(f"an account has at most {MAX_CUSTOM_POLICIES} custom policies")
    for name in names:
        policy = find_policy(uow, account_id, PolicyType.SYSTEM, name)
        uow.policies.attach(account_id, principal_type, principal_id, policy, now_ms=now_ms)
    number = 1
    for document in documents:
        while uow.policies.get(account_id, inline_policy_name(principal_name, number)) is not None:
            number += 1
        policy = add_custom_policy(
            uow, account_id, name=inline_policy_name(principal_name, number), description="", document=document,
            now_ms=now_ms,
        )  # fmt: skip
        uow.policies.attach(account_id, principal_type, principal_id, policy, now_ms=now_ms)
