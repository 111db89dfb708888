"""The error catalogue: one class per documented Alibaba error code.

One module per area, gathered here so callers write ``errors.<Name>``; an area module declares its entries
with ``error`` from ``openrd.errors.base``.

Hierarchy::

    OpenRDError                      code, HTTP status, message; rendered once by api/protocol.py
    ├── ParameterError               MissingParameter / InvalidParameter, naming the parameter
    ├── ThrottlingError              carries retry_after → the x-acs-retry-after header
    └── NoPermission                 carries the AccessDeniedDetail object

The refusals of the emulator's own services (seeding, clock, SMS inbox), which have no Alibaba code, are in
``services/errors.py``.

Messages are the documented ones (docs/api-reference.md, docs/behaviour.md#errors). No HTTP types live here: the status
is data.
"""

from __future__ import annotations

from typing import Any, ClassVar

from openrd.errors.base import InvalidParameter as InvalidParameter
from openrd.errors.base import MissingParameter as MissingParameter
from openrd.errors.base import OpenRDError as OpenRDError
from openrd.errors.base import ParameterError as ParameterError
from openrd.errors.base import error as _error

InvalidParameterFormat = _error("InvalidParameter.Format", 400, "Specified parameter format is not valid.")
InvalidVersion = _error("InvalidVersion", 400, "Specified parameter Version is not valid.")
InvalidApiNotFound = _error("InvalidApi.NotFound", 404, "Specified api is not found, please check your url and method.")
UnsupportedHTTPMethod = _error("UnsupportedHTTPMethod", 400, "Specified http method is not supported.")

# ---------------------------------------------------------------- gateway: authentication
# In the order of docs/behaviour.md#order-of-checks.
InvalidAccessKeyIdNotFound = _error("InvalidAccessKeyId.NotFound", 404, "Specified access key is not found.")
InvalidAccessKeyIdInactive = _error("InvalidAccessKeyId.Inactive", 400, "Specified access key is disabled.")
InvalidTimeStampFormat = _error(
    "InvalidTimeStamp.Format", 400, "Specified time stamp or date value is not well formatted."
)
InvalidTimeStampExpired = _error("InvalidTimeStamp.Expired", 400, "Specified time stamp or date value is expired.")
SignatureNonceUsed = _error("SignatureNonceUsed", 400, "Specified signature nonce was used already.")
InvalidSignatureMethod = _error("InvalidSignatureMethod", 400, "Specified signature method is not valid.")
InvalidSecurityTokenMalformed = _error("InvalidSecurityToken.Malformed", 400, "Specified SecurityToken is malformed.")
InvalidSecurityTokenExpired = _error("InvalidSecurityToken.Expired", 400, "Specified SecurityToken is expired.")
InvalidSecurityTokenMismatch = _error(
    "InvalidSecurityToken.MismatchWithAccessKey", 400, "Specified SecurityToken mismatch with the AccessKey."
)
MissingSecurityToken = _error("MissingSecurityToken", 400, "SecurityToken is mandatory for this action.")


class SignatureDoesNotMatch(OpenRDError):
    code, status = "SignatureDoesNotMatch", 400
    # The old core SDK splits this message on ':' and compares the echo with its own string-to-sign
    # (docs/behaviour.md#signatures).
    prefix: ClassVar[str] = "Specified signature is not matched with our calculation. server string to sign is:"

    def __init__(self, string_to_sign: str) -> None:
        super().__init__(self.prefix + string_to_sign)


class IncompleteSignature(OpenRDError):
    code, status = "IncompleteSignature", 400
    message = "The request signature does not conform to Aliyun standards."


# ---------------------------------------------------------------- throttling
class ThrottlingError(OpenRDError):
    def __init__(self, retry_after: int, message: str | None = None) -> None:
        self.retry_after = max(1, int(retry_after))
        super().__init__(message)

    def extra_headers(self) -> dict[str, str]:
        return {"x-acs-retry-after": str(self.retry_after)}


class ThrottlingUser(ThrottlingError):
    code, status, message = "Throttling.User", 400, "Request was denied due to user flow control."


# ---------------------------------------------------------------- authorization (docs/behaviour.md#authorization)
class NoPermission(OpenRDError):
    code, status = "NoPermission", 403
    message = "You are not authorized to do this action. You should be authorized by RAM."

    def __init__(self, detail: dict[str, str], *, deciding: str = "") -> None:
        self.detail = detail
        self.deciding = deciding  # what decided a control-policy refusal (a policy or target ID): audited, not sent
        self.principal: object = None  # who was refused, told by authentication so the refusal is audited
        super().__init__()

    @property
    def denial(self) -> tuple[str, str]:
        """The audit trail's record of the refusal: the kind of policy, and what decided it."""
        return self.detail.get("PolicyType", ""), self.deciding

    def extra_fields(self) -> dict[str, Any]:
        return {"AccessDeniedDetail": self.detail}


# ---------------------------------------------------------------- server
InternalError = _error(
    "InternalError", 500, "The request processing has failed due to some unknown error, exception or failure."
)
ServiceUnavailable = _error(
    "ServiceUnavailable", 503, "The request has failed due to a temporary failure of the server."
)
RequestTooLarge = _error("InvalidParameter.RequestTooLarge", 400, "The request is too large.")

# ---------------------------------------------------------------- Resource Directory business codes
# Codes and messages of each action: docs/api-reference.md.
_RD_NOT_ENABLED = (
    "The resource directory for the account is not enabled. We recommend that you first enable the resource "
    "directory for the account."
)
EntityNotExistsResourceDirectory = _error("EntityNotExists.ResourceDirectory", 404, _RD_NOT_ENABLED)
ResourceDirectoryNotInUse = _error(
    "ResourceDirectoryNotInUse",
    404,
    "The specified account is not an Alibaba Cloud account or a member account of the resource directory.",
)
EntityAlreadyExistsResourceDirectory = _error(
    "EntityAlreadyExists.ResourceDirectory",
    409,
    "The resource directory for the account is already enabled. We recommend that you do not enable the resource "
    "directory again.",
)
NotSupportAccountInAnotherResourceDirectory = _error(
    "NotSupport.AccountInAnotherResourceDirectory",
    409,
    "The specified account is an Alibaba Cloud account or already exists in another resource directory.",
)
SendValidateCodeExceedsLimitForAccount = _error(
    "SendValidateCodeExceedsLimitForAccount",
    409,
    "For the same account, the number of verification codes sent exceeds the limit.",
)
InvalidParameterMobileCountryCode = _error(
    "InvalidParameter.MobileCountryCode", 409, "The current site does not support the country code."
)
InvalidEnterpriseName = _error("Invalid.EnterpriseName", 409, "You must specify the enterprise name.")
EnterpriseRealNameVerificationError = _error(
    "EnterpriseRealNameVerificationError",
    409,
    "The specified account does not pass enterprise real-name verification. We recommend you first complete "
    "enterprise real-name verification for the account.",
)
InvalidParameterManagementAccountNameAlreadyUsed = _error(
    "InvalidParameter.ManagementAccountName.AlreadyUsed", 409, "The ManagementAccountName has been used."
)
InvalidVerificationCode = _error("Invalid.VerificationCode", 409, "The verification code is invalid.")
InvalidParameterManagementAccountName = _error(
    "InvalidParameter.ManagementAccountName", 409, "The management account name is in the wrong format."
)
InvalidParameterManagementAccountSecurityInfo = _error(
    "InvalidParameter.ManagementAccountSecurityInfo",
    409,
    "The parameter management account secure mobile phone is invalid.",
)
MissingSecureMobilePhone = _error("MissingSecureMobilePhone", 409, "Secure mobile phone is missing.")
MissingSecurityInfo = _error("MissingSecurityInfo", 409, "Security info is missing.")
NotSupportSiteAction = _error("NotSupport.Site.Action", 400, "Site does not allow current action.")
AccountTypeMismatch = _error(
    "AccountTypeMismatch", 409, "The type or status of the member account cannot satisfy the current operation."
)
AccountSecureMobileAlreadyExists = _error(
    "AccountSecureMobileAlreadyExists", 409, "The secure mobile number of the member already exists."
)
CallerIdentityError = _error("CallerIdentityError", 409, "Please use the RAM user or role of the Management Account.")
InvalidAccountType = _error("Invalid.AccountType", 409, "The specified profile type of account is invalid.")
NotSupportAccountSite = _error(
    "NotSupport.Account.Site", 409, "The caller is not a China site account, which is not supported."
)
DeleteConflictResourceDirectoryAccount = _error(
    "DeleteConflict.ResourceDirectory.Account",
    409,
    "Failed to delete the resource directory because one or more member accounts exist. We recommend that you "
    "first remove these member accounts.",
)
MissingParameterAccountId = _error("MissingParameter.AccountId", 400, "You must specify AccountId.")
InvalidParameterAccountId = _error("InvalidParameter.AccountId", 400, "The AccountId is invalid.")
EntityNotExistsAccount = _error("EntityNotExists.Account", 404, "This resource directory account does not exist.")


# ---------------------------------------------------------------- control API: {"error": code, "message"}
class ControlError(OpenRDError):
    """Errors of the emulator's own /_openrd API; rendered as ``{"error", "message"}``, never as Alibaba XML."""


class ControlNotFound(ControlError):
    code, status, message = "not_found", 404, "Not found."


class ControlConflict(ControlError):
    code, status, message = "conflict", 409, "Conflict."


class ControlInvalid(ControlError):
    code, status, message = "invalid", 400, "Invalid request."


class ControlInvalidTransition(ControlError):
    code, status, message = "invalid_transition", 400, "Unknown transition kind or invalid delay."


class ControlUnauthorized(ControlError):
    code, status, message = "unauthorized", 401, "A valid admin token is required: Authorization: Bearer <token>."


class ControlForbidden(ControlError):
    code, status = "forbidden", 403
    message = "The control API answers loopback clients only unless OPENRD_ADMIN_TOKEN is set."


class ControlTooLarge(ControlError):
    code, status, message = "too_large", 413, "The request body is too large (OPENRD_MAX_BODY_BYTES)."

    def __init__(self, limit: int) -> None:
        super().__init__(f"The request body is larger than {limit} bytes (OPENRD_MAX_BODY_BYTES).")


class ControlUnsupportedMediaType(ControlError):
    code, status = "unsupported_media_type", 415
    message = "A request body must be JSON, sent with Content-Type: application/json."


EntityNotExistsFolder = _error("EntityNotExists.Folder", 404, "The resource directory folder does not exist.")
LimitExceededAccount = _error(
    "LimitExceeded.Account", 409, "The maximum number of member accounts in a resource directory exceeds the limit."
)
InvalidParameterAccountDisplayNameAlreadyUsed = _error(
    "InvalidParameter.Account.DisplayName.AlreadyUsed", 409, "The displayname of account has been used."
)
EntityAlreadyExistsResourceDirectoryAccount = _error(
    "EntityAlreadyExists.ResourceDirectory.Account",
    409,
    "The email address that the system generates when you create a member account already exists. Try again later.",
)
MissingParameterAccountDisplayName = _error(
    "MissingParameter.Account.DisplayName", 400, "You must specify DisplayName."
)
InvalidParameterAccountDisplayName = _error(
    "InvalidParameter.Account.DisplayName", 400, "The DisplayName of account is invalid."
)
InvalidParameterAccountDisplayNameLength = _error(
    "InvalidParameter.Account.DisplayName.Length", 400, "The DisplayName of the account exceeds the length limit."
)
InvalidParameterParentFolderId = _error("InvalidParameter.ParentFolderId", 400, "The ParentFolderId is invalid.")
InvalidParameterAccountNamePrefix = _error(
    "InvalidParameter.Account.AccountNamePrefix", 400, "The account name prefix is invalid."
)
InvalidParameterAccountNamePrefixLength = _error(
    "InvalidParameter.Account.AccountNamePrefix.Length", 400, "The account name prefix exceeds the length limit."
)
InvalidHandshakeStatus = _error(
    "InvalidHandshakeStatus", 409, "The status of the handshake does not allow the current operation."
)

# ---------------------------------------------------------------- folders, members, handshakes
# See docs/behaviour.md#the-directory.
MissingParameterFolderName = _error("MissingParameter.Folder.Name", 400, "You must specify the resource folder name.")
InvalidParameterFolderName = _error("InvalidParameter.Folder.Name", 400, "The Name of folder is invalid.")
InvalidParameterFolderNameLength = _error(
    "InvalidParameter.Folder.Name.Length", 400, "The Name of folder exceeds the length limit."
)
InvalidParameterFolderNameAlreadyUsed = _error(
    "InvalidParameter.Folder.Name.AlreadyUsed",
    400,
    "The name already exists under the same parent. Please change to another name.",
)
LimitExceededFolderDepth = _error("LimitExceeded.Folder.Depth", 409, "The folder depth exceeds the limit of 5.")
QuotaExceededFolderCount = _error("QuotaExceeded.Folder.Count", 409, "The number of folders exceeds the quota.")
MissingParameterFolderId = _error("MissingParameter.FolderId", 400, "You must specify FolderId.")
InvalidParameterFolderId = _error("InvalidParameter.FolderId", 400, "The FolderId is invalid.")
DeleteConflictFolderSubFolder = _error("DeleteConflict.Folder.SubFolder", 409, "This folder has sub folders.")
DeleteConflictFolderAccount = _error("DeleteConflict.Folder.Account", 409, "This folder has accounts.")
MissingParameterDestinationFolderId = _error(
    "MissingParameter.DestinationFolderId", 400, "You must specify DestinationFolderId."
)
InvalidParameterDestinationFolderId = _error(
    "InvalidParameter.DestinationFolderId", 400, "The DestinationFolderId is invalid."
)
AccountTypeOrStatusMismatch = _error(
    "AccountTypeOrStatusMismatch", 409, "You cannot perform the action on the member account."
)
MissingDisplayNameOrAccountType = _error(
    "MissingDisplayNameOrAccountType", 409, "Either display name or account type must be specified."
)
LegalEntityDifferent = _error(
    "LegalEntityDifferent", 409, "The account legal entity is different from the one of the Management Account."
)
# UpdateAccount documents MissingSecurityInfo with this text (the entry above carries a shorter one).
MissingSecurityInfoForSwitch = _error(
    "MissingSecurityInfo",
    409,
    "The current member is not configured with a secure email or mobile phone, and the switchover fails.",
)
MissingParameterTargetEntity = _error("MissingParameter.TargetEntity", 400, "You must specify TargetEntity.")
InvalidParameterTargetEntity = _error("InvalidParameter.TargetEntity", 400, "The TargetEntity is invalid.")
MissingParameterTargetType = _error("MissingParameter.TargetType", 400, "You must specify TargetType.")
InvalidParameterTargetType = _error("InvalidParameter.TargetType", 400, "The TargetType is invalid.")
InvalidParameterNoteLength = _error(
    "InvalidParameter.Note.Length", 400, "The length of the invitation note exceeds the limit."
)
MissingParameterHandshakeId = _error("MissingParameter.HandshakeId", 400, "You must specify HandshakeId.")
InvalidParameterHandshakeId = _error("InvalidParameter.HandshakeId", 400, "The HandshakeId is invalid.")
EntityNotExistsHandshake = _error("EntityNotExists.Handshake", 404, "The specified handshake does not exist.")
# Not in Alibaba's published list (our decision, docs/behaviour.md#handshakes): one pending invitation per directory and
# account.
EntityAlreadyExistsHandshake = _error(
    "EntityAlreadyExists.Handshake",
    409,
    "A pending invitation for the specified account already exists in the resource directory.",
)


# A uniqueness rule lost a race to a concurrent call (Terraform retries on this code for CreateResourceAccount).
ConcurrentCallNotSupported = _error(
    "ConcurrentCallNotSupported", 409, "The operation conflicts with a concurrent call. Please try again later."
)

# ---------------------------------------------------------------- area modules, star-imported below
from openrd.errors.account_deletion import *  # noqa: E402, F403
from openrd.errors.control_policies import *  # noqa: E402, F403
from openrd.errors.delegation import *  # noqa: E402, F403
from openrd.errors.ram import *  # noqa: E402, F403
from openrd.errors.resource_groups import *  # noqa: E402, F403
from openrd.errors.settings import *  # noqa: E402, F403
from openrd.errors.sts import *  # noqa: E402, F403
from openrd.errors.tags import *  # noqa: E402, F403
