"""Invitations through the official Tea SDKs: InviteAccountToResourceDirectory, AcceptHandshake,
DeclineHandshake, CancelHandshake, GetHandshake, ListHandshakesForAccount, ListHandshakesForResourceDirectory
(docs/behaviour.md#handshakes, #members)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from alibabacloud_resourcedirectorymaster20220419 import models as rdm
from alibabacloud_resourcemanager20200331 import models as rm

from openrd import errors
from openrd.services import handshakes as handshake_service
from support.directory import Checks, Org, World

HANDSHAKE_ID = re.compile(r"h-[A-Za-z0-9]{16}")
SIGNING = [pytest.param({}, id="v3"), pytest.param({"signature_algorithm": "v2"}, id="v1")]
FIFTEEN_DAYS = 15 * 86400


def _when(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def _get(account: Any, handshake_id: str) -> Any:
    return account.client.get_handshake(rm.GetHandshakeRequest(handshake_id=handshake_id)).body.handshake


def _invite(org: Org, entity: str | None, kind: str | None = "Account", **kw: Any) -> Any:
    request = rm.InviteAccountToResourceDirectoryRequest(target_entity=entity, target_type=kind, **kw)
    return org.client.invite_account_to_resource_directory(request)


@pytest.mark.parametrize("extra", SIGNING)
def test_invite_and_accept(world: World, check: type[Checks], extra: dict[str, str]) -> None:
    org, guest = world.org(), world.account(enterprise_name="Guest Ltd")
    request = rm.InviteAccountToResourceDirectoryRequest(
        target_entity=guest.account_id, target_type="Account", note="Welcome aboard"
    )
    body = org.rm(**extra).invite_account_to_resource_directory(request).body
    sent = body.handshake
    assert body.request_id
    assert HANDSHAKE_ID.fullmatch(sent.handshake_id)
    assert (sent.status, sent.target_type, sent.target_entity, sent.note) == (
        "Pending",
        "Account",
        guest.account_id,
        "Welcome aboard",
    )
    assert (sent.master_account_id, sent.resource_directory_id) == (org.account_id, org.directory_id)
    # The login name defaults to the display name (docs/behaviour.md#directories)
    assert sent.master_account_name == org.display_name
    assert check.time.fullmatch(sent.create_time)
    assert sent.modify_time == sent.create_time
    assert _when(sent.expire_time) - _when(sent.create_time) == timedelta(days=15)

    detail = _get(guest, sent.handshake_id)
    assert (detail.status, detail.master_account_real_name, detail.invited_account_real_name) == (
        "Pending",
        "ACME",
        "Guest Ltd",
    )
    assert _get(org, sent.handshake_id).handshake_id == sent.handshake_id

    accepted = guest.rm(**extra).accept_handshake(rm.AcceptHandshakeRequest(handshake_id=sent.handshake_id)).body
    assert (accepted.handshake.handshake_id, accepted.handshake.status) == (sent.handshake_id, "Accepted")
    assert accepted.handshake.expire_time == sent.expire_time
    member = org.client.get_account(rm.GetAccountRequest(account_id=guest.account_id)).body.account
    assert (member.type, member.join_method, member.status) == ("CloudAccount", "invited", "InviteSuccess")
    assert (member.folder_id, member.display_name) == (org.root_id, guest.display_name)
    assert guest.client.get_resource_directory().body.resource_directory.resource_directory_id == org.directory_id
    assert _get(org, sent.handshake_id).status == "Accepted"
    check.fails(
        errors.InvalidHandshakeStatus,
        guest.client.accept_handshake,
        rm.AcceptHandshakeRequest(handshake_id=sent.handshake_id),
    )


def test_invite_by_login_name(world: World) -> None:
    org, guest = world.org(), world.account(name="Guest.One@example.com")
    sent = _invite(org, "guest.one@EXAMPLE.com", "Email").body.handshake  # login names compare case-insensitively
    assert (sent.target_type, sent.target_entity) == ("Email", "guest.one@EXAMPLE.com")
    assert [
        h.handshake_id
        for h in guest.client.list_handshakes_for_account(
            rm.ListHandshakesForAccountRequest()
        ).body.handshakes.handshake
    ] == [sent.handshake_id]


def test_resource_directory_master_product_with_folder_and_tags(world: World) -> None:
    org, guest = world.org(), world.account()
    folder = org.folder()
    request = rdm.InviteAccountToResourceDirectoryRequest(
        target_entity=guest.account_id,
        target_type="Account",
        parent_folder_id=folder,
        tag=[rdm.InviteAccountToResourceDirectoryRequestTag(key="team", value="blue")],
    )
    sent = org.rdm().invite_account_to_resource_directory(request).body.handshake
    accepted = guest.rdm().accept_handshake(rdm.AcceptHandshakeRequest(handshake_id=sent.handshake_id)).body
    assert accepted.handshake.status == "Accepted"
    listed = org.client.list_accounts_for_parent(
        rm.ListAccountsForParentRequest(parent_folder_id=folder, include_tags=True)
    ).body.accounts.account
    assert [(a.account_id, [(t.key, t.value) for t in a.tags.tag]) for a in listed] == [
        (guest.account_id, [("team", "blue")])
    ]
    body = org.rdm().list_handshakes_for_resource_directory(rdm.ListHandshakesForResourceDirectoryRequest()).body
    assert [h.status for h in body.handshakes.handshake] == ["Accepted"]


def test_invitation_to_a_deleted_folder_joins_the_root(world: World) -> None:
    org, guest = world.org(), world.account()
    folder = org.folder()
    request = rdm.InviteAccountToResourceDirectoryRequest(
        target_entity=guest.account_id, target_type="Account", parent_folder_id=folder
    )
    sent = org.rdm().invite_account_to_resource_directory(request).body.handshake
    org.client.delete_folder(rm.DeleteFolderRequest(folder_id=folder))
    guest.client.accept_handshake(rm.AcceptHandshakeRequest(handshake_id=sent.handshake_id))
    member = org.client.get_account(rm.GetAccountRequest(account_id=guest.account_id)).body.account
    assert member.folder_id == org.root_id


def test_decline(world: World, check: type[Checks]) -> None:
    org, guest = world.org(), world.account()
    sent = org.invite(guest)
    declined = guest.client.decline_handshake(rm.DeclineHandshakeRequest(handshake_id=sent.handshake_id)).body
    assert declined.handshake.status == "Declined"
    assert declined.handshake.modify_time >= sent.modify_time
    check.fails(
        errors.InvalidHandshakeStatus,
        guest.client.accept_handshake,
        rm.AcceptHandshakeRequest(handshake_id=sent.handshake_id),
    )
    check.fails(
        errors.InvalidHandshakeStatus,
        org.client.cancel_handshake,
        rm.CancelHandshakeRequest(handshake_id=sent.handshake_id),
    )
    check.fails(
        errors.EntityNotExistsAccount, org.client.get_account, rm.GetAccountRequest(account_id=guest.account_id)
    )
    again = org.invite(guest)  # a declined invitation does not block a new one
    assert again.handshake_id != sent.handshake_id


def test_cancel(world: World, check: type[Checks]) -> None:
    org, guest = world.org(), world.account()
    sent = org.invite(guest)
    cancelled = org.client.cancel_handshake(rm.CancelHandshakeRequest(handshake_id=sent.handshake_id)).body
    assert cancelled.handshake.status == "Cancelled"
    assert _get(guest, sent.handshake_id).status == "Cancelled"
    check.fails(
        errors.InvalidHandshakeStatus,
        guest.client.accept_handshake,
        rm.AcceptHandshakeRequest(handshake_id=sent.handshake_id),
    )
    check.fails(
        errors.InvalidHandshakeStatus,
        guest.client.decline_handshake,
        rm.DeclineHandshakeRequest(handshake_id=sent.handshake_id),
    )
    check.fails(
        errors.InvalidHandshakeStatus,
        org.client.cancel_handshake,
        rm.CancelHandshakeRequest(handshake_id=sent.handshake_id),
    )


def test_expiry_on_the_emulator_clock(world: World, check: type[Checks], clock: Callable[..., None]) -> None:
    org, guest = world.org(), world.account()
    sent = org.invite(guest)
    clock(advance_seconds=FIFTEEN_DAYS - 60)
    assert _get(guest, sent.handshake_id).status == "Pending"
    clock(advance_seconds=120)
    assert _get(guest, sent.handshake_id).status == "Expired"
    listed = org.client.list_handshakes_for_resource_directory(rm.ListHandshakesForResourceDirectoryRequest()).body
    assert [h.status for h in listed.handshakes.handshake] == ["Expired"]
    hid = rm.AcceptHandshakeRequest(handshake_id=sent.handshake_id)
    check.fails(errors.InvalidHandshakeStatus, guest.client.accept_handshake, hid)
    check.fails(
        errors.InvalidHandshakeStatus,
        org.client.cancel_handshake,
        rm.CancelHandshakeRequest(handshake_id=sent.handshake_id),
    )
    fresh = org.invite(guest)  # an expired invitation does not block a new one
    assert fresh.status == "Pending"


def test_listing_and_pagination(world: World) -> None:
    org, other = world.org(), world.org()
    guests = [world.account() for _ in range(3)]
    sent = [org.invite(g).handshake_id for g in guests]
    other.invite(guests[0])  # invitations from two directories to one account
    first = org.client.list_handshakes_for_resource_directory(
        rm.ListHandshakesForResourceDirectoryRequest(page_size=2)
    ).body
    assert (first.total_count, first.page_number, first.page_size) == (3, 1, 2)
    second = org.client.list_handshakes_for_resource_directory(
        rm.ListHandshakesForResourceDirectoryRequest(page_number=2, page_size=2)
    ).body
    listed = [h.handshake_id for h in first.handshakes.handshake + second.handshakes.handshake]
    assert sorted(listed) == sorted(sent)
    assert len(second.handshakes.handshake) == 1
    mine = guests[0].client.list_handshakes_for_account(rm.ListHandshakesForAccountRequest()).body
    assert (mine.total_count, mine.page_number, mine.page_size) == (2, 1, 10)
    assert {h.resource_directory_id for h in mine.handshakes.handshake} == {org.directory_id, other.directory_id}
    nobody = world.account().client.list_handshakes_for_account(rm.ListHandshakesForAccountRequest()).body
    assert (nobody.total_count, nobody.handshakes.handshake) == (0, [])


def test_invite_errors(world: World, check: type[Checks]) -> None:
    org, other, guest = world.org(), world.org(), world.account()
    member = world.account()
    other.adopt(member)
    fails = check.fails
    fails(errors.MissingParameterTargetEntity, _invite, org, None)
    fails(errors.MissingParameterTargetType, _invite, org, guest.account_id, None)
    fails(errors.InvalidParameterTargetType, _invite, org, guest.account_id, "Phone")
    fails(errors.InvalidParameterTargetEntity, _invite, org, "not-an-id", "Account")
    fails(errors.InvalidParameterTargetEntity, _invite, org, "no spaces please", "Email")
    fails(errors.InvalidParameterNoteLength, _invite, org, guest.account_id, note="x" * 1025)
    fails(errors.InvalidParameterParentFolderId, _invite_rdm, org, guest, "folder")
    fails(errors.EntityNotExistsFolder, _invite_rdm, org, guest, other.root_id)
    fails(errors.EntityNotExistsAccount, _invite, org, "1000000000000000")
    fails(errors.EntityNotExistsAccount, _invite, org, "nobody@example.com", "Email")
    in_another = errors.NotSupportAccountInAnotherResourceDirectory
    fails(in_another, _invite, org, member.account_id)  # a member elsewhere
    fails(in_another, _invite, org, other.account_id)  # manages its own
    fails(in_another, _invite, org, org.account_id)  # itself
    org.invite(guest)
    fails(errors.EntityAlreadyExistsHandshake, _invite, org, guest.account_id)
    fails(errors.EntityNotExistsResourceDirectory, _invite, world.account(), guest.account_id)


def _invite_rdm(org: Org, guest: Any, folder_id: str) -> Any:
    request = rdm.InviteAccountToResourceDirectoryRequest(
        target_entity=guest.account_id, target_type="Account", parent_folder_id=folder_id
    )
    return org.rdm().invite_account_to_resource_directory(request)


def test_who_may_act_on_a_handshake(world: World, check: type[Checks]) -> None:
    org, other, guest, stranger = world.org(), world.org(), world.account(), world.account()
    hid = org.invite(guest).handshake_id
    not_found = errors.EntityNotExistsHandshake
    check.fails(not_found, _get, stranger, hid)
    check.fails(not_found, _get, other, hid)
    check.fails(not_found, org.client.accept_handshake, rm.AcceptHandshakeRequest(handshake_id=hid))  # not the invitee
    check.fails(not_found, stranger.client.decline_handshake, rm.DeclineHandshakeRequest(handshake_id=hid))
    check.fails(not_found, other.client.cancel_handshake, rm.CancelHandshakeRequest(handshake_id=hid))
    rd = errors.EntityNotExistsResourceDirectory
    check.fails(rd, guest.client.cancel_handshake, rm.CancelHandshakeRequest(handshake_id=hid))  # manages nothing
    check.fails(rd, guest.client.list_handshakes_for_resource_directory, rm.ListHandshakesForResourceDirectoryRequest())
    assert _get(guest, hid).status == "Pending"  # nothing above changed it


def test_handshake_id_errors(world: World, check: type[Checks]) -> None:
    org = world.org()
    c = org.client
    for call, model in (
        (c.get_handshake, rm.GetHandshakeRequest),
        (c.accept_handshake, rm.AcceptHandshakeRequest),
        (c.decline_handshake, rm.DeclineHandshakeRequest),
        (c.cancel_handshake, rm.CancelHandshakeRequest),
    ):
        check.fails(errors.MissingParameterHandshakeId, call, model())
        check.fails(errors.InvalidParameterHandshakeId, call, model(handshake_id="h-short"))
        check.fails(errors.EntityNotExistsHandshake, call, model(handshake_id="h-0123456789abcdef"))
    check.fails_param("PageSize", c.list_handshakes_for_account, rm.ListHandshakesForAccountRequest(page_size=101))
    request = rm.ListHandshakesForResourceDirectoryRequest(page_number=0)
    check.fails_param("PageNumber", c.list_handshakes_for_resource_directory, request)


def test_accept_rechecks_the_invitee(world: World, check: type[Checks], monkeypatch: pytest.MonkeyPatch) -> None:
    org, other, guest = world.org(), world.org(), world.account()
    first, second = org.invite(guest), other.invite(guest)
    other_request = rm.AcceptHandshakeRequest(handshake_id=second.handshake_id)
    guest.client.accept_handshake(rm.AcceptHandshakeRequest(handshake_id=first.handshake_id))
    # Already a member of org's directory: the second invitation can no longer be accepted.
    check.fails(errors.NotSupportAccountInAnotherResourceDirectory, guest.client.accept_handshake, other_request)

    # Display names are unique in a directory; the invitee's clashes with a member's.
    name = check.unique("Same")
    org.adopt(world.account(display_name=name, name=check.unique("first")))
    twin = world.account(display_name=name, name=check.unique("twin"))
    hid = org.invite(twin).handshake_id
    request = rm.AcceptHandshakeRequest(handshake_id=hid)
    check.fails(errors.InvalidParameterAccountDisplayNameAlreadyUsed, twin.client.accept_handshake, request)

    late = world.account()
    hid = other.invite(late).handshake_id
    monkeypatch.setattr(handshake_service, "MAX_MEMBERS", 1)  # the server runs in this process
    check.fails(errors.LimitExceededAccount, late.client.accept_handshake, rm.AcceptHandshakeRequest(handshake_id=hid))
