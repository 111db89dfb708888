"""The directory's settings, payers and folder ancestry (docs/settings.md): the documented codes of
GetPayerForAccount, UpdatePayerForAccount, UpdateFolder, ListAncestors, SetMemberDeletionPermission and
SetMemberDisplayNameSyncStatus that the catalogue did not have yet."""

from __future__ import annotations

from openrd.errors.base import error

InconsistentEnterpriseNameError = error(
    "InconsistentEnterpriseNameError",
    409,
    "The enterprise name of the payment account and the member must be consistent.",
)
NotSupportPayerAccountInAnotherResourceDirectory = error(
    "NotSupport.PayerAccountInAnotherResourceDirectory",
    409,
    "The specified payment account does not exist in the resource directory. You must specify a valid payment account.",
)
InvalidParameterStatus = error("InvalidParameter.Status", 400, "The specified Status is invalid.")
MemberAccountAccessDenied = error(
    "MemberAccountAccessDenied", 403, "The member account is not allowed to perform the operation."
)
MissingParameterChildId = error("MissingParameter.ChildId", 400, "You must specify ChildId.")
InvalidParameterChildId = error("InvalidParameter.ChildId", 400, "The ChildId is invalid.")
