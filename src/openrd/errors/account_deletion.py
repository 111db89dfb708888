"""Deleting resource accounts (CheckAccountDelete, GetAccountDeletionCheckResult, DeleteAccount,
GetAccountDeletionStatus): the documented codes, spellings and messages as Alibaba publishes them."""

from __future__ import annotations

from openrd.errors.base import error

NoLicenseResourceDirectory = error(
    "NoLicense.ResourceDirectory", 409, "The resource directory has not enabled the delete operation."
)
CallerIdentityErrorDeleteAccount = error(
    "CallerIdentityError.DeleteAccount", 409, "Please use the RAM user or role of the management account to delete."
)
MemberTypeErrorDeleteAccount = error(
    "MemberTypeError.DeleteAccount",
    409,
    "You can only delete accounts of the resource account type created by Resource Directory.",
)
NotSupportHasPayerAccount = error(
    "NotSupport.HasPayerAccount",
    409,
    "This account has a payer account. Please release the financial relationship of this account first.",
)
NotSupportedOperationDeletingAccount = error(
    "NotSupportedOperation.DeletingAccount", 409, "The operation is not supported because the account is being deleted."
)
NotSupportedOperationCheckingAccount = error(
    "NotSupportedOperation.CheckingAccount",
    409,
    "The operation is not supported because the account is checking for deletion.",
)
AccountNotExistDeleteAccount = error(
    "AccountNotExist.DeleteAccount",
    409,
    "The deletion failed. The account does not exist. Please confirm whether it has been deleted.",
)
SpBlockDeleteAccount = error(
    "SpBlock.DeleteAccount",
    409,
    "The deletion failed. There is a specific product under the current account. Please clear it and try again.",
)
EntityNotExistsCheckAccount = error("EntityNotExists.CheckAccount", 409, "There is no check task for this account")
RemoveConfilctAccountAsDelegatedAdministator = error(  # sic: the documented spelling
    "RemoveConfilctAccountAsDelegatedAdministator",
    409,
    "You attempted to remove a member that is registered as a delegated administrator. To complete this operation, "
    "you must first deregister this account as a delegated administrator.",
)
