"""The RAM policy actions' shared parameters: policy names, types, documents, versions and descriptions
(docs/policies.md#parameters)."""

from __future__ import annotations

import re
from collections.abc import Callable

from openrd import errors
from openrd.api.params import Param, boolean, choice
from openrd.domain import ram_policies as rules
from openrd.domain.policy import MAX_DOCUMENT_LENGTH, PolicyDocumentError, parse_policy_document
from openrd.domain.ram_policies import PolicyType, RotateStrategy


def _policy_name(raw: str) -> str:
    if len(raw) > rules.MAX_POLICY_NAME:
        raise errors.InvalidParameterPolicyNameLength()
    if not rules.POLICY_NAME.fullmatch(raw):
        raise ValueError(raw)
    return raw


def _document(raw: str) -> str:
    if len(raw) > MAX_DOCUMENT_LENGTH:
        raise errors.InvalidParameterPolicyDocumentLength()
    try:
        parse_policy_document(raw)
    except PolicyDocumentError as exc:
        raise errors.MalformedPolicyDocument(str(exc)) from None
    return raw


def _description(raw: str) -> str:
    if len(raw) > rules.MAX_DESCRIPTION:
        raise errors.InvalidParameterDescriptionLength()
    return raw


def _policy_type(raw: str) -> PolicyType:
    return PolicyType(choice([t.value for t in PolicyType])(raw))


POLICY_NAME = Param(
    "PolicyName",
    "name",
    "string",
    required=True,
    parse=_policy_name,
    invalid=errors.InvalidParameterPolicyNameInvalidChars,
    doc="1-128 of letters, digits, -",
)
POLICY_TYPE = Param(
    "PolicyType",
    "policy_type",
    "enum",
    required=True,
    parse=_policy_type,
    invalid=errors.InvalidParameterPolicyType,
    doc="System | Custom",
)
POLICY_TYPE_FILTER = Param(
    "PolicyType",
    "policy_type",
    "enum",
    parse=_policy_type,
    invalid=errors.InvalidParameterPolicyType,
    doc="System | Custom; absent: both",
)
POLICY_DOCUMENT = Param(
    "PolicyDocument",
    "document",
    "string",
    required=True,
    parse=_document,
    invalid=errors.MalformedPolicyDocument,
    document=True,
    doc="a RAM policy document (JSON), at most 6,144 characters",
)
DESCRIPTION = Param("Description", "description", "string", parse=_description, default="", doc="0-1024 characters")
NEW_DESCRIPTION = Param(
    "NewDescription", "description", "string", parse=_description, default="", doc="0-1024 characters"
)
VERSION_ID = Param(
    "VersionId",
    "number",
    "string",
    required=True,
    parse=rules.parse_version_id,
    invalid=errors.InvalidParameterVersionIdFormat,
    doc="v<N>",
)
SET_AS_DEFAULT = Param("SetAsDefault", "set_as_default", "boolean", parse=boolean, default=False, doc="default false")
ROTATE_STRATEGY = Param(
    "RotateStrategy",
    "rotate",
    "enum",
    parse=lambda raw: RotateStrategy(choice([s.value for s in RotateStrategy])(raw)),
    default=RotateStrategy.NONE,
    doc="None (default) | DeleteOldestNonDefaultVersionWhenLimitExceeded",
)
CASCADING_DELETE = Param(
    "CascadingDelete", "cascading", "boolean", parse=boolean, default=False, doc="true: delete its versions too"
)


def _entity_name(pattern: re.Pattern[str], length: type[errors.OpenRDError]) -> Callable[[str], str]:
    def parse(raw: str) -> str:
        if len(raw) > MAX_ENTITY_NAME:
            raise length()
        if not pattern.fullmatch(raw):
            raise ValueError(raw)
        return raw

    return parse


MAX_ENTITY_NAME = 64
ROLE_NAME = Param(
    "RoleName",
    "entity",
    "string",
    required=True,
    parse=_entity_name(re.compile(r"[A-Za-z0-9.-]+", re.ASCII), errors.InvalidParameterRoleNameLength),
    invalid=errors.InvalidParameterRoleNameInvalidChars,
    doc="1-64 of letters, digits, '.', '-'",
)
GROUP_NAME = Param(
    "GroupName",
    "entity",
    "string",
    required=True,
    parse=_entity_name(re.compile(r"[A-Za-z0-9._-]+", re.ASCII), errors.InvalidParameterGroupNameLength),
    invalid=errors.InvalidParameterGroupNameInvalidChars,
    doc="1-64 of letters, digits, '.', '_', '-'",
)
