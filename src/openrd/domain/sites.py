"""Site profiles (docs/behaviour.md#site-profiles): which country codes and actions a site allows, and its quota time
zone.

Profiles are data. The built-in ``cn`` and ``intl`` profiles can be overridden and new ones added by a
TOML document (``OPENRD_SITES_FILE``) that the caller has already read and parsed::

    [sites.jp]
    country_codes = ["81"]            # or ["*"]
    excluded_country_codes = []
    disallowed_actions = ["BindSecureMobilePhone"]
    quota_time_zone = "Asia/Tokyo"
    language = "en"

This module does no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Any, Final, Literal, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = [
    "ANY_COUNTRY_CODE",
    "BUILTIN_SITES",
    "DEFAULT_LANGUAGE",
    "DEFAULT_QUOTA_TIME_ZONE",
    "Language",
    "SiteConfigError",
    "SiteProfile",
    "sites_from_mapping",
]

Language = Literal["zh", "en"]

ANY_COUNTRY_CODE: Final = "*"
DEFAULT_QUOTA_TIME_ZONE: Final = "Asia/Shanghai"
DEFAULT_LANGUAGE: Final[Language] = "en"

_LANGUAGES: Final = frozenset({"zh", "en"})
_COUNTRY_CODE = re.compile(r"^[0-9]{1,4}$", re.ASCII)
_SITE_NAME = re.compile(r"^[A-Za-z0-9_-]{1,32}$", re.ASCII)
_ACTION_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9]{0,127}$", re.ASCII)

_KEYS: Final = frozenset(
    {"country_codes", "excluded_country_codes", "disallowed_actions", "quota_time_zone", "language"}
)


@dataclass(frozen=True)
class SiteProfile:
    """What one site allows. ``country_codes == {"*"}`` (or containing ``"*"``) means any country code."""

    name: str
    country_codes: frozenset[str]
    excluded_country_codes: frozenset[str]
    disallowed_actions: frozenset[str]
    quota_time_zone: str
    language: Language

    def allows_country_code(self, cc: str) -> bool:
        """Whether a phone with country code ``cc`` (digits, e.g. ``"86"``) is accepted on this site."""
        if cc in self.excluded_country_codes:
            return False
        return ANY_COUNTRY_CODE in self.country_codes or cc in self.country_codes

    def allows_action(self, action: str) -> bool:
        """Whether the API action ``action`` (e.g. ``"BindSecureMobilePhone"``) may be called on this site."""
        return action not in self.disallowed_actions


BUILTIN_SITES: Mapping[str, SiteProfile] = MappingProxyType(
    {
        "cn": SiteProfile(
            name="cn",
            country_codes=frozenset({"86"}),
            excluded_country_codes=frozenset(),
            disallowed_actions=frozenset(),
            quota_time_zone=DEFAULT_QUOTA_TIME_ZONE,
            language="zh",
        ),
        "intl": SiteProfile(
            name="intl",
            country_codes=frozenset({ANY_COUNTRY_CODE}),
            excluded_country_codes=frozenset({"86"}),
            disallowed_actions=frozenset(),
            quota_time_zone=DEFAULT_QUOTA_TIME_ZONE,
            language="en",
        ),
    }
)


class SiteConfigError(ValueError):
    """The site configuration document is invalid; the message names the site and key."""


def sites_from_mapping(
    data: Mapping[str, Any], base: Mapping[str, SiteProfile] = BUILTIN_SITES
) -> dict[str, SiteProfile]:
    """Apply a parsed site document (``{"sites": {"<name>": {...}}}``) on top of ``base``.

    A profile named like one in ``base`` overrides it and only needs the keys it changes; a new profile
    must give ``country_codes`` and defaults to no exclusions, no disallowed actions, time zone
    ``Asia/Shanghai`` and language ``en``. Raises :class:`SiteConfigError` for anything malformed.
    """
    unknown_top = sorted(str(key) for key in data if key != "sites")
    if unknown_top:
        raise SiteConfigError(f"site configuration: unknown top-level key(s) {', '.join(map(repr, unknown_top))}")
    result = dict(base)
    sites = data.get("sites", {})
    if not isinstance(sites, Mapping):
        raise SiteConfigError("site configuration: 'sites' must be a table")
    for name, table in sites.items():
        if not isinstance(name, str) or _SITE_NAME.fullmatch(name) is None:
            raise SiteConfigError(f"site {name!r}: the name must be 1-32 ASCII letters, digits, '_' or '-'")
        result[name] = _profile(name, table, base.get(name))
    return result


def _profile(name: str, table: object, inherited: SiteProfile | None) -> SiteProfile:
    if not isinstance(table, Mapping):
        raise SiteConfigError(f"site {name!r}: must be a table")
    unknown = sorted(str(key) for key in table if key not in _KEYS)
    if unknown:
        raise SiteConfigError(f"site {name!r}: unknown key(s) {', '.join(map(repr, unknown))}")

    if inherited is None:
        if "country_codes" not in table:
            raise SiteConfigError(f"site {name!r}: key 'country_codes' is required for a new site")
        profile = SiteProfile(
            name=name,
            country_codes=frozenset(),
            excluded_country_codes=frozenset(),
            disallowed_actions=frozenset(),
            quota_time_zone=DEFAULT_QUOTA_TIME_ZONE,
            language=DEFAULT_LANGUAGE,
        )
    else:
        profile = replace(inherited, name=name)

    if "country_codes" in table:
        codes = _string_set(
            name, "country_codes", table["country_codes"], _COUNTRY_CODE, "1-4 ASCII digits or '*'", ANY_COUNTRY_CODE
        )
        if not codes:
            raise SiteConfigError(f"site {name!r}: key 'country_codes' must not be empty")
        profile = replace(profile, country_codes=codes)
    if "excluded_country_codes" in table:
        raw = table["excluded_country_codes"]
        codes = _string_set(name, "excluded_country_codes", raw, _COUNTRY_CODE, "1-4 ASCII digits")
        profile = replace(profile, excluded_country_codes=codes)
    if "disallowed_actions" in table:
        actions = _string_set(name, "disallowed_actions", table["disallowed_actions"], _ACTION_NAME, "an action name")
        profile = replace(profile, disallowed_actions=actions)
    if "quota_time_zone" in table:
        profile = replace(profile, quota_time_zone=_time_zone(name, table["quota_time_zone"]))
    if "language" in table:
        language = table["language"]
        if not isinstance(language, str) or language not in _LANGUAGES:
            raise SiteConfigError(f'site {name!r}: key \'language\' must be "zh" or "en", not {language!r}')
        profile = replace(profile, language=cast(Language, language))
    return profile


def _string_list(name: str, key: str, value: object) -> list[str]:
    if not isinstance(value, list | tuple):
        raise SiteConfigError(f"site {name!r}: key {key!r} must be an array of strings")
    items: list[str] = []
    for item in value:
        if not isinstance(item, str):
            raise SiteConfigError(f"site {name!r}: key {key!r} must be an array of strings, found {item!r}")
        items.append(item)
    return items


def _string_set(
    name: str, key: str, value: object, syntax: re.Pattern[str], expected: str, wildcard: str | None = None
) -> frozenset[str]:
    """An array of strings each matching ``syntax`` (or being ``wildcard``); the error names what was expected."""
    items = _string_list(name, key, value)
    for item in items:
        if item != wildcard and syntax.fullmatch(item) is None:
            raise SiteConfigError(f"site {name!r}: key {key!r} has {item!r}; expected {expected}")
    return frozenset(items)


def _time_zone(name: str, value: object) -> str:
    if not isinstance(value, str):
        raise SiteConfigError(f"site {name!r}: key 'quota_time_zone' must be a string")
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
        raise SiteConfigError(f"site {name!r}: key 'quota_time_zone' names an unknown time zone {value!r}") from exc
    return value
