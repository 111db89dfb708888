"""Tags of directory resources (docs/tags.md). Alibaba documents the limits but no message for these codes; the
messages are ours."""

from __future__ import annotations

from openrd.errors.base import error

InvalidParameterTag = error(
    "InvalidParameter.Tag",
    400,
    "The specified tag is invalid: a key has 1 to 128 characters and a value at most 128, neither may start with "
    "acs: (a key not with aliyun either) nor contain http:// or https://.",
)
LimitExceededTag = error("LimitExceeded.Tag", 409, "The number of tags on the resource exceeds the limit of 20.")
InvalidParameterResourceType = error("InvalidParameter.ResourceType", 400, "The specified ResourceType is invalid.")
