"""Control policies: the documented codes of the twelve actions, and openrd's own where Alibaba documents none.

``InvalidParameter.PolicyDocument.Length`` answers 409 on create and its update twin 400, as documented. The codes
openrd chose (``NotSupport.SystemPolicy``, ``DeleteConflict.ControlPolicy.Attachment``, ``LimitExceeded.ControlPolicy``,
``EntityNotExists.ControlPolicy``) follow the directory's conventions: 404 for what does not exist, 409 for a
state that refuses the change.
"""

from __future__ import annotations

from openrd.errors.base import error

InvalidParameterPolicyDocumentLength = error(
    "InvalidParameter.PolicyDocument.Length",
    409,
    "The maximum length of the policy document is exceeded. It must not exceed 4096 characters.",
)
InvalidParameterNewPolicyDocumentLength = error(
    "InvalidParameter.NewPolicyDocument.Length",
    400,
    "Unable to save your policy. A policy contains a maximum of 4096 characters.",
)
NotSupportDetachLastControlPolicy = error(
    "NotSupport.DetachLastControlPolicy", 400, "It is not detach the last control policy on the target node."
)
EntityNotExistsTarget = error(
    "EntityNotExists.Target", 404, "The specified target does not exist in the resource directory."
)
EntityNotExistsControlPolicy = error("EntityNotExists.ControlPolicy", 404, "The control policy does not exist.")
NotSupportSystemPolicy = error(
    "NotSupport.SystemPolicy", 409, "The system control policy cannot be updated or deleted."
)
DeleteConflictControlPolicyAttachment = error(
    "DeleteConflict.ControlPolicy.Attachment",
    409,
    "The control policy is still attached to a target. Detach it from every target first.",
)
InvalidControlPolicyEnablementStatus = error(
    "InvalidControlPolicyEnablementStatus",
    409,
    "The control policy enablement status is not valid to perform this operation.",
)
LimitExceededControlPolicy = error(
    "LimitExceeded.ControlPolicy", 409, "The number of control policies exceeds the limit."
)
