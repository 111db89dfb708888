"""RAM (2015-05-01): the documented error codes of users, groups, roles, policies and their attachments.

RAM spells "Exist" in the singular (``EntityNotExist.User``), unlike Resource Directory's ``EntityNotExists.*``.
Statuses follow RAM's convention: 400 for parameters, 404 ``EntityNotExist.*``, 409 ``EntityAlreadyExists.*``,
``DeleteConflict.*`` and ``LimitExceeded.*``. The messages are RAM's global error list's, oddities included
(``EntityAlreadyExists.Policy`` reads "The group does already EXIST."). ``MalformedPolicyDocument`` carries the
reason as its message (see ``MalformedPolicyDocument(reason)``).
"""

from __future__ import annotations

from openrd.errors.base import error

InvalidParameterAccountAliasFormat = error(
    "InvalidParameter.AccountAlias.Format", 400, 'The format of parameter - "AccountAlias" is incorrect.'
)
InvalidParameterAccountAliasLength = error(
    "InvalidParameter.AccountAlias.Length", 400, 'The parameter - "AccountAlias" MUST be in the range of 3 and 63.'
)
InvalidParameterCommentsLength = error(
    "InvalidParameter.Comments.Length", 400, 'The parameter - "Comments" beyond the length limit.'
)
InvalidParameterDescriptionLength = error(
    "InvalidParameter.Description.Length", 400, 'The parameter - "Description" beyond the length limit.'
)
InvalidParameterDisplayNameInvalidChars = error(
    "InvalidParameter.DisplayName.InvalidChars", 400, 'The parameter - "DisplayName" contains invalid chars.'
)
InvalidParameterDisplayNameLength = error(
    "InvalidParameter.DisplayName.Length", 400, 'The parameter - "DisplayName" beyond the length limit.'
)
InvalidParameterEmailFormat = error(
    "InvalidParameter.Email.Format", 400, 'The format of the parameter - "Email" is incorrect.'
)
InvalidParameterGroupNameInvalidChars = error(
    "InvalidParameter.GroupName.InvalidChars", 400, 'The parameter - "GroupName" contains invalid chars.'
)
InvalidParameterGroupNameLength = error(
    "InvalidParameter.GroupName.Length", 400, 'The parameter - "GroupName" beyond the length limit.'
)
InvalidParameterMobilePhoneFormat = error(
    "InvalidParameter.MobilePhone.Format", 400, 'The format of the parameter - "MobilePhone" is incorrect.'
)
InvalidParameterNewCommentsLength = error(
    "InvalidParameter.NewComments.Length", 400, 'The parameter - "NewComments" beyond the length limit.'
)
InvalidParameterNewDisplayNameInvalidChars = error(
    "InvalidParameter.NewDisplayName.InvalidChars", 400, 'The parameter - "NewDisplayName" contains invalid chars.'
)
InvalidParameterNewDisplayNameLength = error(
    "InvalidParameter.NewDisplayName.Length", 400, 'The parameter - "NewDisplayName" beyond the length limit.'
)
InvalidParameterNewEmailFormat = error(
    "InvalidParameter.NewEmail.Format", 400, 'The format of the parameter - "NewEmail" is incorrect.'
)
InvalidParameterNewGroupNameInvalidChars = error(
    "InvalidParameter.NewGroupName.InvalidChars", 400, 'The parameter - "NewGroupName" contains invalid chars.'
)
InvalidParameterNewGroupNameLength = error(
    "InvalidParameter.NewGroupName.Length", 400, 'The parameter - "NewGroupName" beyond the length limit.'
)
InvalidParameterNewMobilePhoneFormat = error(
    "InvalidParameter.NewMobilePhone.Format", 400, 'The format of the parameter - "NewMobilePhone" is incorrect.'
)
InvalidParameterNewUserNameInvalidChars = error(
    "InvalidParameter.NewUserName.InvalidChars", 400, 'The parameter - "NewUserName" contains invalid chars.'
)
InvalidParameterNewUserNameLength = error(
    "InvalidParameter.NewUserName.Length", 400, 'The parameter - "NewUserName" beyond the length limit.'
)
InvalidParameterPolicyDocumentLength = error(
    "InvalidParameter.PolicyDocument.Length", 400, 'The parameter - "PolicyDocument" beyond the length limit.'
)
InvalidParameterPolicyNameInvalidChars = error(
    "InvalidParameter.PolicyName.InvalidChars", 400, 'The parameter - "PolicyName" contains invalid chars.'
)
InvalidParameterPolicyNameLength = error(
    "InvalidParameter.PolicyName.Length", 400, 'The parameter - "PolicyName" beyond the length limit.'
)
InvalidParameterPolicyType = error("InvalidParameter.PolicyType", 400, 'The parameter - "PolicyType" is incorrect.')
InvalidParameterUserNameInvalidChars = error(
    "InvalidParameter.UserName.InvalidChars", 400, 'The parameter - "UserName" contains invalid chars.'
)
InvalidParameterUserNameLength = error(
    "InvalidParameter.UserName.Length", 400, 'The parameter - "UserName" beyond the length limit.'
)
InvalidParameterVersionIdFormat = error(
    "InvalidParameter.VersionId.Format", 400, 'The format of the parameter - "VersionId" is incorrect.'
)
MalformedPolicyDocument = error("MalformedPolicyDocument", 400, "The policy document is malformed.")
EntityNotExistGroup = error("EntityNotExist.Group", 404, "The group does not exist.")
EntityNotExistGroupPolicy = error(
    "EntityNotExist.Group.Policy", 404, "The indicate policy attached to the group does not exist."
)
EntityNotExistPolicy = error("EntityNotExist.Policy", 404, "The policy does not exist.")
EntityNotExistPolicyVersion = error("EntityNotExist.Policy.Version", 404, "The policy version does not exist.")
EntityNotExistUser = error("EntityNotExist.User", 404, "The user does not exist.")
EntityNotExistUserAccessKey = error("EntityNotExist.User.AccessKey", 404, "The user access key does not exist.")
EntityNotExistUserGroup = error("EntityNotExist.User.Group", 404, "The user has not joined the group.")
EntityNotExistUserPolicy = error("EntityNotExist.User.Policy", 404, "The indicate policy of the user does not exist.")
DeleteConflictGroupPolicy = error(
    "DeleteConflict.Group.Policy", 409, "The entity CAN NOT has any attached policy while deleting the group."
)
DeleteConflictGroupUser = error(
    "DeleteConflict.Group.User", 409, "The group CAN NOT has any user member while deleting the group."
)
DeleteConflictPolicyGroup = error(
    "DeleteConflict.Policy.Group", 409, "The policy CAN NOT been attached to any group while deleting the policy."
)
DeleteConflictPolicyUser = error(
    "DeleteConflict.Policy.User", 409, "The policy CAN NOT been attached to any user while deleting the policy."
)
DeleteConflictPolicyVersion = error(
    "DeleteConflict.Policy.Version", 409, "The policy CAN NOT has any version except the default version."
)
DeleteConflictPolicyVersionDefault = error(
    "DeleteConflict.Policy.Version.Default", 409, "The default policy version CAN NOT been deleted directly."
)
DeleteConflictRolePolicy = error(
    "DeleteConflict.Role.Policy", 409, "The role CAN NOT has any attached policy while deleting the role."
)
DeleteConflictUserAccessKey = error(
    "DeleteConflict.User.AccessKey", 409, "The user CAN NOT has any access key while deleting the user."
)
DeleteConflictUserGroup = error(
    "DeleteConflict.User.Group", 409, "The user CAN NOT be in any group while deleting the user."
)
DeleteConflictUserPolicy = error(
    "DeleteConflict.User.Policy", 409, "The user CAN NOT has any attached policy while deleting the user."
)
EntityAlreadyExistsAccountAlias = error(
    "EntityAlreadyExists.AccountAlias", 409, "The account alias does already exist."
)
EntityAlreadyExistsGroup = error("EntityAlreadyExists.Group", 409, "The group does already EXIST.")
EntityAlreadyExistsGroupPolicy = error(
    "EntityAlreadyExists.Group.Policy", 409, "The group has already been attached this policy."
)
EntityAlreadyExistsPolicy = error("EntityAlreadyExists.Policy", 409, "The group does already EXIST.")
EntityAlreadyExistsUser = error("EntityAlreadyExists.User", 409, "The user does already EXIST.")
EntityAlreadyExistsUserGroup = error("EntityAlreadyExists.User.Group", 409, "The user has already joined the group.")
EntityAlreadyExistsUserPolicy = error(
    "EntityAlreadyExists.User.Policy", 409, "The user has already been attached this policy."
)
LimitExceededGroup = error("LimitExceeded.Group", 409, "The count of groups beyond the current limits.")
LimitExceededGroupPolicy = error(
    "LimitExceeded.Group.Policy", 409, "The policy count of the group beyond the current limits."
)
LimitExceededPolicy = error("LimitExceeded.Policy", 409, "The count of policy beyond the current limits.")
LimitExceededPolicyVersion = error(
    "LimitExceeded.Policy.Version", 409, "The count of policy version beyond the current limits."
)
LimitExceededRole = error("LimitExceeded.Role", 409, "The count of roles beyond the current limits.")
LimitExceededRolePolicy = error(
    "LimitExceeded.Role.Policy", 409, "The count of policies attached to the role beyond the current limits."
)
LimitExceededUser = error("LimitExceeded.User", 409, "The count of users beyond the current limits.")
LimitExceededUserAccessKey = error(
    "LimitExceeded.User.AccessKey", 409, "The access key count of the user access keys beyond the current limits."
)
LimitExceededUserGroup = error(
    "LimitExceeded.User.Group", 409, "The count of groups the target user joined beyond the current limits."
)
LimitExceededUserPolicy = error(
    "LimitExceeded.User.Policy", 409, "The policy count of the user attached policies beyond the current limits."
)
InvalidParameterRoleNameInvalidChars = error(
    "InvalidParameter.RoleName.InvalidChars", 400, 'The parameter - "RoleName" contains invalid chars.'
)
InvalidParameterRoleNameLength = error(
    "InvalidParameter.RoleName.Length", 400, 'The parameter - "RoleName" beyond the length limit.'
)
InvalidParameterAssumeRolePolicyDocumentLength = error(
    "InvalidParameter.AssumeRolePolicyDocument.Length",
    400,
    'The parameter - "AssumeRolePolicyDocument" beyond the length limit.',
)
InvalidParameterNewAssumeRolePolicyDocumentLength = error(
    "InvalidParameter.NewAssumeRolePolicyDocument.Length",
    400,
    'The parameter - "NewAssumeRolePolicyDocument" beyond the length limit.',
)
EntityNotExistRole = error("EntityNotExist.Role", 404, "The role does not exist.")
EntityAlreadyExistsRole = error("EntityAlreadyExists.Role", 409, "The role does already EXIST.")
EntityNotExistRolePolicy = error(
    "EntityNotExist.Role.Policy", 404, "The indicate policy attached to the role does not exist."
)
EntityAlreadyExistsRolePolicy = error(
    "EntityAlreadyExists.Role.Policy", 409, "The role has already been attached this policy."
)
DeleteConflictPolicyRole = error(
    "DeleteConflict.Policy.Role", 409, "The policy CAN NOT been attached to any role while deleting the policy."
)
# RAM's tags (roles and policies) keep RAM's own limits; Alibaba documents no message for these codes.
InvalidParameterRamTag = error(
    "InvalidParameter.Tag",
    400,
    "The specified tag is invalid: a key has 1 to 128 characters and may not start with acs: or aliyun, a value at "
    "most 256 characters and may not start with acs:.",
)
EntityNotExistUserLoginProfile = error(
    "EntityNotExist.User.LoginProfile", 404, "The user login profile does not exist."
)
EntityNotExistUserMFADevice = error("EntityNotExist.User.MFADevice", 404, "The user has not bound any MFA device.")
