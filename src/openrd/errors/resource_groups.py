"""Resource groups (ResourceManager 2020-03-31): the documented error codes (docs/resource-groups.md).

``EntityNotExists.ResourceGroup`` is the one code for a group the caller's account does not have; other areas that
take a ``ResourceGroupId`` reuse it. ``NotSupport.DefaultResourceGroup`` and ``EntityAlreadyExists.ResourceGroup``
are ours: the documentation names no code for them.
"""

from __future__ import annotations

from openrd.errors.base import error

InvalidParameterNameInvalidChars = error("InvalidParameter.Name.InvalidChars", 400, "The Name is invalid.")
InvalidParameterNameLength = error("InvalidParameter.Name.Length", 400, "The maximum length of Name is exceeded.")
MissingParameterDisplayName = error("MissingParameter.DisplayName", 400, "You must specify DisplayName.")
InvalidParameterDisplayName = error("InvalidParameter.DisplayName", 400, "The DisplayName is invalid.")
# RAM has a code of the same spelling with its own message (errors/ram.py): this one is Resource Manager's.
InvalidParameterResourceGroupDisplayNameLength = error(
    "InvalidParameter.DisplayName.Length", 400, "The maximum length of DisplayName is exceeded."
)
InvalidParameterResourceGroupId = error("InvalidParameter.ResourceGroupId", 400, "The ResourceGroupId is invalid.")
EntityNotExistsResourceGroup = error(
    "EntityNotExists.ResourceGroup",
    404,
    "The specified resource group does not exist. You must first create a resource group.",
)
LimitExceededResourceGroup = error(
    "LimitExceeded.ResourceGroup", 409, "The count of resource groups beyond the current limits."
)
DeleteConflictResourceGroupStatus = error(
    "DeleteConflict.ResourceGroup.Status",
    409,
    "You cannot perform an operation on a resource group that is being created or deleted.",
)
NotSupportDefaultResourceGroup = error(
    "NotSupport.DefaultResourceGroup", 409, "The default resource group cannot be deleted."
)
EntityAlreadyExistsResourceGroup = error(
    "EntityAlreadyExists.ResourceGroup", 409, "A resource group with the specified Name already exists."
)
