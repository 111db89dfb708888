"""The condition keys of one request, as RAM policy ``Condition`` blocks see them.

Keys are case-insensitive (``acs:SourceIp`` is ``acs:sourceip``). openrd sets ``acs:CurrentTime`` (its clock),
``acs:SecureTransport``, ``acs:SourceIp``, ``acs:MFAPresent`` (always false: there is no MFA sign-in),
``acs:PrincipalARN``, ``acs:PrincipalRDId``, ``acs:PrincipalRDPath``, ``acs:PrincipalAccount`` and, on
``sts:AssumeRole``, ``sts:ExternalId``; any other key is absent unless given in ``extra``. A key may carry several
values (a tuple of strings), each of which is tried on its own (see :mod:`openrd.domain.conditions`).
"""

from __future__ import annotations

import functools
import ipaddress
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime

__all__ = ["ContextValue", "Deferred", "IPAddress", "RequestContext", "Scalar", "parse_address"]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Scalar = str | bool | datetime | IPAddress
ContextValue = Scalar | tuple[str, ...]
# A key's value computed on its first read (None: the request does not carry it).
Deferred = Callable[[], ContextValue | None]


@functools.lru_cache(maxsize=1024)
def parse_address(text: str) -> IPAddress | None:
    """An address, or None for text that is not one; memoised, since a client calls from the same few addresses
    and ``ipaddress`` parses at a few microseconds each (addresses are immutable values)."""
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _address(value: str | IPAddress | None) -> str | IPAddress | None:
    """An address given as text, parsed; text that is not an address is kept as it is."""
    if isinstance(value, str):
        parsed = parse_address(value)
        return value if parsed is None else parsed
    return value


def _aware(value: ContextValue) -> ContextValue:
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


class RequestContext(Mapping[str, ContextValue]):
    """The condition keys one request carries, read case-insensitively; immutable.

    ``None`` leaves a key out (a caller with no directory passes ``principal_rd_id=None``). ``source_ip`` may be a
    string that is not an address (a test client's placeholder host): it is kept, and IP operators never match it.
    A naive datetime is taken as UTC. ``extra`` adds further keys; it may not repeat one, in any case.

    ``deferred`` gives keys (lower-cased, among the known ones and not given as values) by a function called on
    the key's first read: most conditions test one or two keys, and some keys cost a lookup or a parse (the source
    address, the directory path). Reading the context as a mapping computes them all.
    """

    __slots__ = ("_deferred", "_scalars", "_values")
    _values: dict[str, ContextValue]
    _scalars: dict[str, tuple[Scalar, ...]]
    _deferred: dict[str, Deferred]

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
        deferred: Mapping[str, Deferred] | None = None,
    ) -> None:
        source_ip = _address(source_ip)
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
        for key in deferred or ():
            if key not in known or key in values:
                raise ValueError(f"condition key {key!r} cannot be deferred")
        object.__setattr__(self, "_values", values)
        object.__setattr__(
            self, "_scalars", {key: value if isinstance(value, tuple) else (value,) for key, value in values.items()}
        )
        object.__setattr__(self, "_deferred", dict(deferred or {}))

    def _settle(self, key: str) -> None:
        """Compute a deferred key once; its function is dropped, so a second read finds the value (or its
        absence)."""
        value = self._deferred.pop(key)()
        if isinstance(value, str) and key == "acs:sourceip":
            value = _address(value)
        if value is not None:
            value = _aware(value)
            self._values[key] = value
            self._scalars[key] = value if isinstance(value, tuple) else (value,)

    def _settle_all(self) -> None:
        for key in list(self._deferred):
            self._settle(key)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __getitem__(self, key: str) -> ContextValue:
        lowered = key.lower()
        if lowered in self._deferred:
            self._settle(lowered)
        return self._values[lowered]

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, str):
            return False
        lowered = key.lower()
        if lowered in self._deferred:
            self._settle(lowered)
        return lowered in self._values

    def __iter__(self) -> Iterator[str]:
        self._settle_all()
        return iter(self._values)

    def __len__(self) -> int:
        self._settle_all()
        return len(self._values)

    def __repr__(self) -> str:
        self._settle_all()
        return f"RequestContext({dict(self._values)!r})"

    def scalars(self, lowered_key: str) -> tuple[Scalar, ...]:
        """The values of an already lower-cased key; empty when the request does not carry it."""
        found = self._scalars.get(lowered_key)
        if found is not None:
            return found
        if lowered_key in self._deferred:
            self._settle(lowered_key)
            return self._scalars.get(lowered_key, ())
        return ()
