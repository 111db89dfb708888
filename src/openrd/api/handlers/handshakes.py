"""InviteAccountToResourceDirectory, AcceptHandshake, DeclineHandshake, CancelHandshake, GetHandshake,
ListHandshakesForAccount, ListHandshakesForResourceDirectory. Shapes follow the 2.6.2 SDK models
(docs/behaviour.md#response-shapes)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from openrd import errors
from openrd.api.context import CallContext
from openrd.api.handlers.shapes import page_fields, time
from openrd.api.params import Param, TagListParam, choice, string
from openrd.api.registry import directory_action
from openrd.api.wire import ACCOUNT_ID, PAGE_NUMBER, PAGE_SIZE, PARENT_FOLDER
from openrd.domain import directory as rules
from openrd.domain.accounts import LOGIN_NAME
from openrd.domain.directory import Handshake
from openrd.services import handshakes
from openrd.services.handshakes import TARGET_ACCOUNT, TARGET_EMAIL, Invitation

MAX_NOTE = 1024
_TARGET_SYNTAX = {TARGET_ACCOUNT: re.compile(ACCOUNT_ID, re.ASCII), TARGET_EMAIL: LOGIN_NAME}
_RD = errors.EntityNotExistsResourceDirectory
_NOT_FOUND = errors.EntityNotExistsHandshake


def handshake_body(h: Handshake) -> dict[str, Any]:
    return {
        "CreateTime": time(h.created_ms),
        "ExpireTime": time(h.expire_ms),
        "HandshakeId": h.handshake_id,
        "MasterAccountId": h.master_account_id,
        "MasterAccountName": h.master_account_name,
        "ModifyTime": time(h.modify_ms),
        "Note": h.note,
        "ResourceDirectoryId": h.directory_id,
        "Status": h.status.value,
        "TargetEntity": h.target_entity,
        "TargetType": h.target_type,
    }


def _note(raw: str) -> str:
    if len(raw) > MAX_NOTE:
        raise errors.InvalidParameterNoteLength()
    return raw


@dataclass(frozen=True)
class InviteRequest:
    target_entity: str
    target_type: str
    note: str
    parent_folder_id: str | None
    tags: tuple[tuple[str, str], ...]


def invite(ctx: CallContext, req: InviteRequest) -> dict[str, Any]:
    # What TargetEntity must look like depends on TargetType: still the parameter stage (docs/behaviour.md#parameters).
    if not _TARGET_SYNTAX[req.target_type].fullmatch(req.target_entity):
        raise errors.InvalidParameterTargetEntity()
    invitation = Invitation(req.target_type, req.target_entity, req.note, req.parent_folder_id, req.tags)
    handshake = handshakes.invite(ctx.deps, principal=ctx.principal, invitation=invitation)
    return {"RequestId": ctx.request_id, "Handshake": handshake_body(handshake)}


@dataclass(frozen=True)
class HandshakeIdRequest:
    handshake_id: str


def accept(ctx: CallContext, req: HandshakeIdRequest) -> dict[str, Any]:
    handshake = handshakes.accept(ctx.deps, principal=ctx.principal, handshake_id=req.handshake_id)
    return {"RequestId": ctx.request_id, "Handshake": handshake_body(handshake)}


def decline(ctx: CallContext, req: HandshakeIdRequest) -> dict[str, Any]:
    handshake = handshakes.decline(ctx.deps, principal=ctx.principal, handshake_id=req.handshake_id)
    return {"RequestId": ctx.request_id, "Handshake": handshake_body(handshake)}


def cancel(ctx: CallContext, req: HandshakeIdRequest) -> dict[str, Any]:
    handshake = handshakes.cancel(ctx.deps, principal=ctx.principal, handshake_id=req.handshake_id)
    return {"RequestId": ctx.request_id, "Handshake": handshake_body(handshake)}


def get(ctx: CallContext, req: HandshakeIdRequest) -> dict[str, Any]:
    detail = handshakes.get(ctx.deps, principal=ctx.principal, handshake_id=req.handshake_id)
    body = handshake_body(detail.handshake) | {
        "MasterAccountRealName": detail.master_real_name,
        "InvitedAccountRealName": detail.invited_real_name,
    }
    return {"RequestId": ctx.request_id, "Handshake": body}


@dataclass(frozen=True)
class PageRequest:
    page_number: int
    page_size: int


def list_for_account(ctx: CallContext, req: PageRequest) -> dict[str, Any]:
    items, total = handshakes.list_for_account(
        ctx.deps, principal=ctx.principal, page_number=req.page_number, page_size=req.page_size
    )
    listed = {"Handshake": [handshake_body(h) for h in items]}
    return {"RequestId": ctx.request_id, "Handshakes": listed} | page_fields(req.page_number, req.page_size, total)


def list_for_directory(ctx: CallContext, req: PageRequest) -> dict[str, Any]:
    items, total = handshakes.list_for_directory(
        ctx.deps, principal=ctx.principal, page_number=req.page_number, page_size=req.page_size
    )
    listed = {"Handshake": [handshake_body(h) for h in items]}
    return {"RequestId": ctx.request_id, "Handshakes": listed} | page_fields(req.page_number, req.page_size, total)


HANDSHAKE_ID = Param(
    "HandshakeId",
    "handshake_id",
    "string",
    required=True,
    parse=string(18, rules.HANDSHAKE_ID.pattern.strip("^$")),
    missing=errors.MissingParameterHandshakeId,
    invalid=errors.InvalidParameterHandshakeId,
    doc="h- and 16 letters or digits",
)
_ID_ERRORS = (errors.MissingParameterHandshakeId, errors.InvalidParameterHandshakeId, _NOT_FOUND)
_ACT_ERRORS = (*_ID_ERRORS, errors.InvalidHandshakeStatus)
_PAGE = (PAGE_NUMBER, PAGE_SIZE)
TARGET_TYPES = (TARGET_ACCOUNT, TARGET_EMAIL)

ROWS = (
    directory_action(
        "InviteAccountToResourceDirectory",
        invite,
        InviteRequest,
        params=(
            Param(
                "TargetEntity",
                "target_entity",
                "string",
                required=True,
                parse=string(128),
                missing=errors.MissingParameterTargetEntity,
                invalid=errors.InvalidParameterTargetEntity,
                doc="an account ID (Account) or an account's login name (Email)",
            ),
            Param(
                "TargetType",
                "target_type",
                "enum",
                required=True,
                parse=choice(TARGET_TYPES),
                missing=errors.MissingParameterTargetType,
                invalid=errors.InvalidParameterTargetType,
                doc="|".join(TARGET_TYPES),
            ),
            Param("Note", "note", "string", parse=_note, default="", doc=f"up to {MAX_NOTE} characters"),
            PARENT_FOLDER,
            TagListParam("Tag", "tags", aliases=("Tags",), doc="set on the account when it joins"),
        ),
        errors=(
            errors.MissingParameterTargetEntity,
            errors.InvalidParameterTargetEntity,
            errors.MissingParameterTargetType,
            errors.InvalidParameterTargetType,
            errors.InvalidParameterNoteLength,
            errors.InvalidParameterParentFolderId,
            _RD,
            errors.EntityNotExistsFolder,
            errors.EntityNotExistsAccount,
            errors.NotSupportAccountInAnotherResourceDirectory,
            errors.EntityAlreadyExistsHandshake,
        ),
        summary="Invite an account that belongs to no directory; the invitation expires in 15 days.",
    ),
    directory_action(
        "AcceptHandshake",
        accept,
        HandshakeIdRequest,
        params=(HANDSHAKE_ID,),
        errors=(
            *_ACT_ERRORS,
            errors.NotSupportAccountInAnotherResourceDirectory,
            errors.LimitExceededAccount,
            errors.InvalidParameterAccountDisplayNameAlreadyUsed,
        ),
        summary="The invited account joins the directory as a CloudAccount.",
    ),
    directory_action(
        "DeclineHandshake",
        decline,
        HandshakeIdRequest,
        params=(HANDSHAKE_ID,),
        errors=_ACT_ERRORS,
        summary="The invited account declines a pending invitation.",
    ),
    directory_action(
        "CancelHandshake",
        cancel,
        HandshakeIdRequest,
        params=(HANDSHAKE_ID,),
        errors=(*_ACT_ERRORS, _RD),
        summary="The management account withdraws a pending invitation.",
    ),
    directory_action(
        "GetHandshake",
        get,
        HandshakeIdRequest,
        params=(HANDSHAKE_ID,),
        errors=_ID_ERRORS,
        summary="One invitation, seen by the invited account or the management account.",
    ),
    directory_action(
        "ListHandshakesForAccount",
        list_for_account,
        PageRequest,
        params=_PAGE,
        summary="The invitations the caller's account received, newest first.",
    ),
    directory_action(
        "ListHandshakesForResourceDirectory",
        list_for_directory,
        PageRequest,
        params=_PAGE,
        errors=(_RD,),
        summary="The invitations the caller's directory sent, newest first.",
    ),
)
