"""RAM 2015-05-01 users: CreateUser, GetUser, UpdateUser, DeleteUser, ListUsers; and GetAccountAlias."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from openrd import errors
from openrd.api import ram_params as rp
from openrd.api.context import CallContext
from openrd.api.handlers.shapes import NoParams, marker_fields
from openrd.api.registry import RAM_USER_TARGET, RAM_USERS, ram_api_action
from openrd.api.wire import MARKER, MAX_ITEMS
from openrd.domain.identity import RamUser
from openrd.domain.times import rfc3339_s
from openrd.services import ram_users
from openrd.services.ram_users import UserProfile


def user_shape(user: RamUser, *, updated: bool = True) -> dict[str, Any]:
    shape = {
        "UserId": user.user_id,
        "UserName": user.name,
        "DisplayName": user.display_name,
        "Comments": user.comments,
        "Email": user.email,
        "MobilePhone": user.mobile_phone,
        "CreateDate": rfc3339_s(user.created_ms),
    }
    if updated:
        shape["UpdateDate"] = rfc3339_s(user.updated_ms or user.created_ms)
    return shape


@dataclass(frozen=True)
class CreateUserRequest:
    user_name: str
    display_name: str | None
    comments: str | None
    email: str | None
    mobile_phone: str | None


def create_user(ctx: CallContext, req: CreateUserRequest) -> dict[str, Any]:
    profile = UserProfile(req.display_name, req.comments, req.email, req.mobile_phone)
    user = ram_users.create_user(ctx.deps, principal=ctx.principal, name=req.user_name, profile=profile)
    return {"RequestId": ctx.request_id, "User": user_shape(user, updated=False)}


@dataclass(frozen=True)
class UserNameRequest:
    user_name: str


def get_user(ctx: CallContext, req: UserNameRequest) -> dict[str, Any]:
    user = ram_users.get_user(ctx.deps, principal=ctx.principal, name=req.user_name)
    return {"RequestId": ctx.request_id, "User": user_shape(user) | {"LastLoginDate": ""}}


@dataclass(frozen=True)
class UpdateUserRequest:
    user_name: str
    new_user_name: str | None
    new_display_name: str | None
    new_comments: str | None
    new_email: str | None
    new_mobile_phone: str | None


def update_user(ctx: CallContext, req: UpdateUserRequest) -> dict[str, Any]:
    profile = UserProfile(req.new_display_name, req.new_comments, req.new_email, req.new_mobile_phone)
    user = ram_users.update_user(
        ctx.deps, principal=ctx.principal, name=req.user_name, new_name=req.new_user_name, profile=profile
    )
    return {"RequestId": ctx.request_id, "User": user_shape(user)}


def delete_user(ctx: CallContext, req: UserNameRequest) -> dict[str, Any]:
    ram_users.delete_user(ctx.deps, principal=ctx.principal, name=req.user_name)
    return {"RequestId": ctx.request_id}


@dataclass(frozen=True)
class ListRequest:
    offset: int
    max_items: int


def list_users(ctx: CallContext, req: ListRequest) -> dict[str, Any]:
    page = ram_users.list_users(ctx.deps, principal=ctx.principal, offset=req.offset, limit=req.max_items)
    listed = [user_shape(user) for user in page.items]
    return {"RequestId": ctx.request_id, "Users": {"User": listed}} | marker_fields(page.next_offset)


def delete_login_profile(ctx: CallContext, req: UserNameRequest) -> dict[str, Any]:
    ram_users.delete_login_profile(ctx.deps, principal=ctx.principal, name=req.user_name)
    return {"RequestId": ctx.request_id}  # never reached: no user has a login profile


def unbind_mfa_device(ctx: CallContext, req: UserNameRequest) -> dict[str, Any]:
    ram_users.unbind_mfa_device(ctx.deps, principal=ctx.principal, name=req.user_name)
    return {"RequestId": ctx.request_id}  # never reached: no user has an MFA device


def get_account_alias(ctx: CallContext, req: NoParams) -> dict[str, Any]:
    # openrd keeps no alias: the account's ID stands in, as RAM shows for an account that has not set one.
    return {"RequestId": ctx.request_id, "AccountAlias": ctx.principal.account_id}


_PROFILE = (
    rp.display_name(
        "DisplayName", errors.InvalidParameterDisplayNameLength, errors.InvalidParameterDisplayNameInvalidChars
    ),
    rp.comments("Comments", errors.InvalidParameterCommentsLength),
    rp.email("Email", errors.InvalidParameterEmailFormat),
    rp.mobile_phone("MobilePhone", errors.InvalidParameterMobilePhoneFormat),
)
_NEW_PROFILE = (
    rp.display_name(
        "NewDisplayName", errors.InvalidParameterNewDisplayNameLength, errors.InvalidParameterNewDisplayNameInvalidChars
    ),
    rp.comments("NewComments", errors.InvalidParameterNewCommentsLength),
    rp.email("NewEmail", errors.InvalidParameterNewEmailFormat),
    rp.mobile_phone("NewMobilePhone", errors.InvalidParameterNewMobilePhoneFormat),
)
_NAME = rp.USER_NAME_ERRORS

ROWS = (
    ram_api_action(
        "CreateUser",
        create_user,
        CreateUserRequest,
        target=RAM_USERS,
        params=(rp.USER_NAME, *_PROFILE),
        errors=(
            *_NAME,
            errors.InvalidParameterDisplayNameLength,
            errors.InvalidParameterDisplayNameInvalidChars,
            errors.InvalidParameterCommentsLength,
            errors.InvalidParameterEmailFormat,
            errors.InvalidParameterMobilePhoneFormat,
            errors.EntityAlreadyExistsUser,
            errors.LimitExceededUser,
        ),
        summary="Create a RAM user (no AccessKey: CreateAccessKey makes one).",
    ),
    ram_api_action(
        "GetUser",
        get_user,
        UserNameRequest,
        target=RAM_USER_TARGET,
        params=(rp.USER_NAME,),
        errors=(*_NAME, errors.EntityNotExistUser),
        summary="One RAM user of the caller's account.",
    ),
    ram_api_action(
        "UpdateUser",
        update_user,
        UpdateUserRequest,
        target=RAM_USER_TARGET,
        params=(rp.USER_NAME, rp.user_name("NewUserName", "new_user_name", required=False), *_NEW_PROFILE),
        errors=(
            *_NAME,
            errors.InvalidParameterNewUserNameLength,
            errors.InvalidParameterNewUserNameInvalidChars,
            errors.InvalidParameterNewDisplayNameLength,
            errors.InvalidParameterNewDisplayNameInvalidChars,
            errors.InvalidParameterNewCommentsLength,
            errors.InvalidParameterNewEmailFormat,
            errors.InvalidParameterNewMobilePhoneFormat,
            errors.EntityNotExistUser,
            errors.EntityAlreadyExistsUser,
        ),
        summary="Rename a RAM user or change its profile; fields not given stay as they are.",
    ),
    ram_api_action(
        "DeleteUser",
        delete_user,
        UserNameRequest,
        target=RAM_USER_TARGET,
        params=(rp.USER_NAME,),
        errors=(
            *_NAME,
            errors.EntityNotExistUser,
            errors.DeleteConflictUserAccessKey,
            errors.DeleteConflictUserGroup,
            errors.DeleteConflictUserPolicy,
        ),
        summary="Delete a RAM user that has no AccessKeys, groups or attached policies.",
    ),
    ram_api_action(
        "ListUsers",
        list_users,
        ListRequest,
        target=RAM_USERS,
        params=(MARKER, MAX_ITEMS),
        summary="The account's RAM users by name, a Marker page at a time.",
    ),
    ram_api_action(
        "DeleteLoginProfile",
        delete_login_profile,
        UserNameRequest,
        target=RAM_USER_TARGET,
        params=(rp.USER_NAME,),
        errors=(*_NAME, errors.EntityNotExistUser, errors.EntityNotExistUserLoginProfile),
        summary="No user has a login profile (openrd has no console sign-in): always EntityNotExist.User.LoginProfile.",
    ),
    ram_api_action(
        "UnbindMFADevice",
        unbind_mfa_device,
        UserNameRequest,
        target=RAM_USER_TARGET,
        params=(rp.USER_NAME,),
        errors=(*_NAME, errors.EntityNotExistUser, errors.EntityNotExistUserMFADevice),
        summary="No user has an MFA device: always EntityNotExist.User.MFADevice.",
    ),
    ram_api_action(
        "GetAccountAlias",
        get_account_alias,
        NoParams,
        summary="The account's alias: its ID, as openrd keeps no other.",
    ),
)
