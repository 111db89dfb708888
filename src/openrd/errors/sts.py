"""STS (2015-04-01): the documented error codes of AssumeRole (docs/sts.md).

The messages are STS's own, oddities included: ``InvalidParameter.DurationSeconds`` still reads "15min/1hr" though
the maximum is the role's ``MaxSessionDuration``, and ``EntityNotExist.Role`` has a space before its period. A
refused trust policy or permission is the shared ``NoPermission`` (its message is STS's).
"""

from __future__ import annotations

from openrd.errors.base import error

InvalidParameterDurationSeconds = error(
    "InvalidParameter.DurationSeconds", 400, "The Min/Max value of DurationSeconds is 15min/1hr."
)
InvalidParameterExternalId = error("InvalidParameter.ExternalId", 400, "The parameter ExternalId is wrongly formed.")
InvalidParameterRoleArn = error("InvalidParameter.RoleArn", 400, "The parameter RoleArn is wrongly formed.")
InvalidParameterRoleSessionName = error(
    "InvalidParameter.RoleSessionName", 400, "The parameter RoleSessionName is wrongly formed."
)
InvalidParameterPolicyGrammar = error(
    "InvalidParameter.PolicyGrammar", 400, "The parameter Policy has not passed grammar check."
)
InvalidParameterPolicySize = error(
    "InvalidParameter.PolicySize", 400, "The size of Policy must be smaller than 2048 bytes."
)
StsEntityNotExistRole = error("EntityNotExist.Role", 404, "The specified Role not exists .")

__all__ = [
    "InvalidParameterDurationSeconds",
    "InvalidParameterExternalId",
    "InvalidParameterPolicyGrammar",
    "InvalidParameterPolicySize",
    "InvalidParameterRoleArn",
    "InvalidParameterRoleSessionName",
    "StsEntityNotExistRole",
]
