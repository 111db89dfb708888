"""Tags of directory resources: which resource types each version addresses, and what a key or a value may be
(docs/tags.md)."""

from __future__ import annotations

from collections.abc import Iterable

ACCOUNT, RESOURCE_GROUP, FOLDER, CONTROL_POLICY = "Account", "ResourceGroup", "Folder", "ControlPolicy"
MAX_TAGS_PER_RESOURCE = 20
MAX_KEY, MAX_VALUE = 128, 128
MAX_RESOURCE_IDS = 50  # per call
RM, RDM = "2020-03-31", "2022-04-19"

# Resource types by version: ResourceManager tags accounts and resource groups; ResourceDirectoryMaster accounts,
# folders and control policies.
TYPES = {RM: (ACCOUNT, RESOURCE_GROUP), RDM: (ACCOUNT, FOLDER, CONTROL_POLICY)}
# The type a version defaults to when the parameter is absent (None: it is required there).
DEFAULT_TYPE = {RM: RESOURCE_GROUP, RDM: None}
_BY_FOLDED = {name.lower(): name for names in TYPES.values() for name in names}
_REFUSED_IN_TEXT = ("http://", "https://")


def resource_type(version: str, raw: str | None, *, required: bool = False) -> str | None:
    """The canonical type ``raw`` names in ``version``; None when absent and not required here. Matching ignores
    case: ResourceManager itself answers ``resourcegroup`` for a resource group, and a client may echo it back.
    Raises ``LookupError`` when missing but required and ``ValueError`` when the version cannot address it."""
    if raw is None:
        default = DEFAULT_TYPE.get(version)
        if required or default is None:
            raise LookupError("ResourceType")
        return default
    name = _BY_FOLDED.get(raw.lower())
    if name is None or name not in TYPES.get(version, ()):
        raise ValueError(raw)
    return name


def wire_type(version: str, name: str) -> str:
    """How a listing spells the type: ResourceManager writes resource groups in lower case (its model says so)."""
    return "resourcegroup" if version == RM and name == RESOURCE_GROUP else name


def valid_key(key: str) -> bool:
    folded = key.lower()
    return (
        1 <= len(key) <= MAX_KEY
        and not folded.startswith(("acs:", "aliyun"))
        and not any(part in folded for part in _REFUSED_IN_TEXT)
    )


def valid_value(value: str) -> bool:
    folded = value.lower()
    return (
        len(value) <= MAX_VALUE
        and not folded.startswith("acs:")
        and not any(part in folded for part in _REFUSED_IN_TEXT)
    )


def valid_tag(key: str, value: str) -> bool:
    return valid_key(key) and valid_value(value)


def merged(current: dict[str, str], added: Iterable[tuple[str, str]]) -> dict[str, str]:
    """The tags a resource carries after ``added`` is applied: a key given again takes its new value."""
    return current | dict(added)
