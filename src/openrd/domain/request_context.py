"""The condition keys of one request, as RAM policy ``Condition`` blocks see them.

Keys are case-insensitive (``acs:SourceIp`` is ``acs:sourceip``). openrd sets ``acs:CurrentTime`` (its clock),
``acs:SecureTransport``, ``acs:SourceIp``, ``acs:MFAPresent`` (always false: there is no MFA sign-in),
``acs:PrincipalARN``, ``acs:PrincipalRDId``, ``acs:PrincipalRDPath``, ``acs:PrincipalAccount`` and, on
``sts:AssumeRole``, ``sts:ExternalId``; any other key is absent unless given in ``extra``. A key may carry several
values (a tuple of strings), each of which is tried on its own (see :mod:`openrd.domain.conditions`).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime

__all__ = ["ContextValue", "IPAddress", "RequestContext", "Scalar", "parse_address"]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Scalar = str | bool | datetime | IPAddress
ContextValue = Scalar | tuple[str, ...]


def parse_address(text: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _aware(value: ContextValue) -> ContextValue:
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


class RequestContext(Mapping[str, ContextValue]):
    """The condition keys one request carries, read case-insensitively; immutable.

    ``None`` leaves a key out (a caller with no directory passes ``principal_rd_id=None``). ``source_ip`` may be a
    string that is not an address (a test client's placeholder host): it is kept, and IP operators never match it.
    A naive datetime is taken as UTC. ``extra`` adds further keys; it may not repeat one, in any case.
    """

    __slots__ = ("_scalars", "_values")
    _values: Mapping[str, ContextValue]
    _scalars: Mapping[str, tuple[Scalar, ...]]

    def __init__(
        self,
        *,
        current_time: datetime | None = None,
        secure_transport: bool | None = None,
        source_ip: str | IPAddress | None = None,
        principal_arn: str | None = None,
        principal_rd_id: str | None = None,
        principal_rd_path: str | None = None,
        principal_account: str | None = None,
        external_id: str | None = None,
        mfa_present: bool = False,  # openrd has no MFA sign-in, so no request is ever MFA-authenticated
        extra: Mapping[str, ContextValue] | None = None,
    ) -> None:
        if isinstance(source_ip, str):
            parsed_ip = parse_address(source_ip)
            source_ip = source_ip if parsed_ip is None else parsed_ip
        known: dict[str, ContextValue | None] = {
            "acs:currenttime": current_time,
            "acs:securetransport": secure_transport,
            "acs:sourceip": source_ip,
            "acs:mfapresent": mfa_present,
            "acs:principalarn": principal_arn,
            "acs:principalrdid": principal_rd_id,
            "acs:principalrdpath": principal_rd_path,
            "acs:principalaccount": principal_account,
            "sts:externalid": external_id,
        }
        values = {key: _aware(value) for key, value in known.items() if value is not None}
        for key, value in (extra or {}).items():
            lowered = key.lower()
            if lowered in values or lowered in known:
                raise ValueError(f"condition key {key!r} is given twice")
            values[lowered] = _aware(value)
        object.__setattr__(self, "_values", values)
        object.__setattr__(
            self, "_scalars", {key: value if isinstance(value, tuple) else (value,) for key, value in values.items()}
        )

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __getitem__(self, key: str) -> ContextValue:
        return self._values[key.lower()]

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and key.lower() in self._values

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"RequestContext({dict(self._values)!r})"

    def scalars(self, lowered_key: str) -> tuple[Scalar, ...]:
        """The values of an already lower-cased key; empty when the request does not carry it."""
        return self._scalars.get(lowered_key, ())
