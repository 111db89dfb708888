"""Trusted services that support delegated administration, and the delegated administrators of a directory
(docs/delegation.md).

The catalogue is data: each trusted service's principal, its name, and how many member accounts it lets the
management account delegate to. Only these principals may be named; any other is refused.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TrustedService:
    principal: str
    name: str
    max_administrators: int


TRUSTED_SERVICES: tuple[TrustedService, ...] = (
    TrustedService("actiontrail.aliyuncs.com", "ActionTrail", 1),
    TrustedService("cloudfw.aliyuncs.com", "Cloud Firewall", 1),
    TrustedService("config.aliyuncs.com", "Cloud Config", 1),
    TrustedService("resourcecenter.aliyuncs.com", "Resource Center", 5),
    TrustedService("tag.aliyuncs.com", "Tag Policy", 2),
)
_BY_PRINCIPAL = {service.principal: service for service in TRUSTED_SERVICES}


def trusted_service(principal: str) -> TrustedService | None:
    return _BY_PRINCIPAL.get(principal)


@dataclass(frozen=True)
class DelegatedAdministrator:
    """One member account delegated one trusted service, since ``registered_ms``."""

    account_id: str
    service_principal: str
    directory_id: str
    registered_ms: int


@dataclass(frozen=True)
class DelegatedAdministratorView:
    """A delegated administrator as the listings show it: with the member's display name and how it joined."""

    administrator: DelegatedAdministrator
    display_name: str
    join_method: str
