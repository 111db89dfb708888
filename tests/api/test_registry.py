"""The action registry is the single list of what openrd answers; it must equal the documented scope."""

from __future__ import annotations

from pathlib import Path

from openrd.api.actions import ACTIONS, VERSIONS
from openrd.api.reference import render
from openrd.api.registry import DIRECTORY_VERSIONS, RAM, RDM, RM, STS

SEED = {
    "SendVerificationCodeForEnableRD",
    "EnableResourceDirectory",
    "SendVerificationCodeForBindSecureMobilePhone",
    "BindSecureMobilePhone",
}
DIRECTORY = {
    "GetResourceDirectory", "InitResourceDirectory", "DestroyResourceDirectory", "CreateResourceAccount",
    "GetAccount", "ListAccounts", "ListAccountsForParent", "MoveAccount", "UpdateAccount", "CreateFolder",
    "GetFolder", "ListFoldersForParent", "DeleteFolder", "InviteAccountToResourceDirectory", "AcceptHandshake",
    "DeclineHandshake", "CancelHandshake", "GetHandshake", "ListHandshakesForAccount",
    "ListHandshakesForResourceDirectory", "RemoveCloudAccount",
}  # fmt: skip
DELEGATION = {
    "RegisterDelegatedAdministrator", "DeregisterDelegatedAdministrator", "ListDelegatedAdministrators",
    "ListDelegatedServicesForAccount", "ListTrustedServiceStatus",
}  # fmt: skip
CONTROL_POLICIES = {
    "EnableControlPolicy", "DisableControlPolicy", "GetControlPolicyEnablementStatus", "CreateControlPolicy",
    "GetControlPolicy", "UpdateControlPolicy", "DeleteControlPolicy", "ListControlPolicies", "AttachControlPolicy",
    "DetachControlPolicy", "ListControlPolicyAttachmentsForTarget", "ListTargetAttachmentsForControlPolicy",
}  # fmt: skip
RAM_POLICIES = {
    "CreatePolicy", "GetPolicy", "ListPolicies", "UpdatePolicyDescription", "DeletePolicy", "CreatePolicyVersion",
    "GetPolicyVersion", "ListPolicyVersions", "DeletePolicyVersion", "SetDefaultPolicyVersion",
    "AttachPolicyToUser", "DetachPolicyFromUser", "ListPoliciesForUser", "AttachPolicyToRole", "DetachPolicyFromRole",
    "ListPoliciesForRole", "ListEntitiesForPolicy", "AttachPolicyToGroup", "DetachPolicyFromGroup",
    "ListPoliciesForGroup",
}  # fmt: skip
TAGS = {"TagResources", "UntagResources", "UnTagResources", "ListTagResources", "ListTagKeys", "ListTagValues"}
# Another spelling of an action: its own registry row, authorized as the action it spells.
SPELLINGS = {"UnTagResources": "UntagResources"}
ACCOUNT_DELETION = {"CheckAccountDelete", "GetAccountDeletionCheckResult", "DeleteAccount", "GetAccountDeletionStatus"}
STS_ACTIONS = {"GetCallerIdentity", "AssumeRole"}
RAM_IDENTITIES = {
    "CreateUser", "GetUser", "UpdateUser", "DeleteUser", "ListUsers", "CreateAccessKey", "UpdateAccessKey",
    "DeleteAccessKey", "ListAccessKeys", "GetAccountAlias", "CreateRole", "GetRole", "UpdateRole", "DeleteRole",
    "ListRoles", "CreateGroup", "GetGroup", "UpdateGroup", "DeleteGroup", "ListGroups", "AddUserToGroup",
    "RemoveUserFromGroup", "ListGroupsForUser", "ListUsersForGroup", "DeleteLoginProfile", "UnbindMFADevice",
}  # fmt: skip
RESOURCE_GROUPS = {
    "CreateResourceGroup", "GetResourceGroup", "UpdateResourceGroup", "DeleteResourceGroup", "ListResourceGroups",
}  # fmt: skip
RM_ONLY = RESOURCE_GROUPS | {"ListResources", "GetResourceGroupResourceCounts"}
SETTINGS = {
    "GetPayerForAccount", "UpdatePayerForAccount", "UpdateFolder", "ListAncestors", "SetMemberDeletionPermission",
    "SetMemberDisplayNameSyncStatus",
}  # fmt: skip
MASTER_ONLY = {"UpdatePayerForAccount", "SetMemberDisplayNameSyncStatus"}  # ResourceDirectoryMaster 2022-04-19 only
# The same action names in RAM as in RM/RDM: a row of their own on RAM's version.
RAM_TAGS = {"TagResources", "UntagResources", "ListTagResources"}


def test_registry_equals_the_documented_actions() -> None:
    keys = [(v, a.name) for a in ACTIONS for v in a.versions]
    assert len(keys) == len(set(keys)), "an action is registered twice in one version"
    names = [a.name for a in ACTIONS]
    assert {a.name for a in ACTIONS if RAM in a.versions} >= RAM_TAGS
    assert set(names) == (
        SEED
        | DIRECTORY
        | DELEGATION
        | CONTROL_POLICIES
        | RAM_POLICIES
        | RAM_IDENTITIES
        | TAGS
        | ACCOUNT_DELETION
        | RM_ONLY
        | STS_ACTIONS
        | SETTINGS
    )


def test_versions() -> None:
    assert {"2020-03-31", "2022-04-19", "2015-04-01", RAM} == VERSIONS
    for action in ACTIONS:
        expected = (
            {STS}
            if action.name in STS_ACTIONS
            else {RAM}
            if action.name in RAM_POLICIES | RAM_IDENTITIES or (action.name in RAM_TAGS and RAM in action.versions)
            else {RM}
            if action.name in RM_ONLY
            else {RDM}
            if action.name in MASTER_ONLY
            else DIRECTORY_VERSIONS
        )
        assert action.versions == expected, action.name


def test_every_action_is_authorized_in_its_service() -> None:
    """Resource groups are RM-only and authorized in the ``ram`` service, parameters first."""
    for action in ACTIONS:
        if action.name in RESOURCE_GROUPS:
            assert action.ram_action == f"ram:{action.name}"
            assert action.params_first, action.name
        elif action.name == "AssumeRole":
            assert action.ram_action == "sts:AssumeRole"
            assert action.params_first
        elif action.name != "GetCallerIdentity":
            service = "ram" if RAM in action.versions else "resourcemanager"
            assert action.ram_action == f"{service}:{SPELLINGS.get(action.name, action.name)}"
            assert action.summary, f"{action.name} needs a summary for the API reference"


def test_every_ram_action_is_authorized_as_ram_after_its_parameters() -> None:
    for action in ACTIONS:
        if RAM in action.versions:
            assert (action.ram_action, action.params_first) == (f"ram:{action.name}", True)
            assert action.summary, f"{action.name} needs a summary for the API reference"


def test_api_reference_is_current() -> None:
    page = Path(__file__).parents[2] / "docs" / "api-reference.md"
    assert page.read_text() == render(), (
        "docs/api-reference.md is stale: run `openrd api-reference > docs/api-reference.md`"
    )


def test_an_action_s_target_is_one_of_its_declared_parameters() -> None:
    for action in ACTIONS:
        if action.target is not None and action.target.param:  # no parameter: every resource of its kind
            assert action.target.param in {p.wire for p in action.params}, action.name
