"""UpdateFolder and ListAncestors through the official SDKs (docs/behaviour.md#folders)."""

from __future__ import annotations

import pytest
from alibabacloud_resourcedirectorymaster20220419 import models as rdm
from alibabacloud_resourcemanager20200331 import models as rm

from openrd import errors
from support.directory import Account, Checks, Org, World

SIGNING = [pytest.param({}, id="v3"), pytest.param({"signature_algorithm": "v2"}, id="v1")]


def _rename(org: Account, folder_id: str, name: str) -> object:
    return org.client.update_folder(rm.UpdateFolderRequest(folder_id=folder_id, new_folder_name=name)).body


def _ancestors(org: Org, child: str) -> list[tuple[str, str]]:
    body = org.client.list_ancestors(rm.ListAncestorsRequest(child_id=child)).body
    return [(f.folder_id, f.folder_name) for f in body.folders.folder]


@pytest.mark.parametrize("extra", SIGNING)
def test_rename(world: World, check: type[Checks], extra: dict[str, str]) -> None:
    org = world.org()
    folder = org.folder("before")
    request = rm.UpdateFolderRequest(folder_id=folder, new_folder_name="after.名字")
    renamed = org.rm(**extra).update_folder(request).body.folder
    assert (renamed.folder_id, renamed.folder_name, renamed.parent_folder_id) == (folder, "after.名字", org.root_id)
    assert check.time.fullmatch(renamed.create_time)
    got = org.client.get_folder(rm.GetFolderRequest(folder_id=folder)).body.folder
    assert got.folder_name == "after.名字"
    same = org.rdm().update_folder(rdm.UpdateFolderRequest(folder_id=folder, new_folder_name="after.名字"))
    assert same.body.folder.folder_name == "after.名字"  # its own name is no clash


def test_rename_errors(world: World, check: type[Checks]) -> None:
    org, other = world.org(), world.org()
    folder = org.folder("one")
    org.folder("two")
    check.fails(errors.InvalidParameterFolderNameAlreadyUsed, _rename, org, folder, "two")
    check.fails(errors.MissingParameterFolderName, _rename, org, folder, "")
    check.fails(errors.InvalidParameterFolderName, _rename, org, folder, "bad/name")
    check.fails(errors.InvalidParameterFolderNameLength, _rename, org, folder, "n" * 25)
    check.fails(errors.MissingParameterFolderId, _rename, org, "", "x")
    check.fails(errors.InvalidParameterFolderId, _rename, org, org.root_id, "x")  # the root keeps its name
    check.fails(errors.EntityNotExistsFolder, _rename, org, other.folder(), "x")
    check.fails(errors.EntityNotExistsResourceDirectory, _rename, world.account(), folder, "x")
    assert _ancestors(org, folder) == [(org.root_id, "Root")]


@pytest.mark.parametrize("extra", SIGNING)
def test_ancestors(world: World, extra: dict[str, str]) -> None:
    org = world.org()
    top = org.folder("top")
    middle = org.folder("middle", parent=top)
    leaf = org.folder("leaf", parent=middle)
    body = org.rm(**extra).list_ancestors(rm.ListAncestorsRequest(child_id=leaf)).body
    listed = [(f.folder_id, f.folder_name) for f in body.folders.folder]
    assert listed == [(org.root_id, "Root"), (top, "top"), (middle, "middle")]
    assert all(f.create_time for f in body.folders.folder)
    assert _ancestors(org, org.root_id) == []
    via_rdm = org.rdm().list_ancestors(rdm.ListAncestorsRequest(child_id=middle)).body.folders.folder
    assert [f.folder_id for f in via_rdm] == [org.root_id, top]


def test_ancestor_errors(world: World, check: type[Checks]) -> None:
    org, other = world.org(), world.org()
    call = org.client.list_ancestors
    check.fails(errors.MissingParameterChildId, call, rm.ListAncestorsRequest(child_id=""))
    check.fails(errors.InvalidParameterChildId, call, rm.ListAncestorsRequest(child_id="folder-1"))
    check.fails(errors.EntityNotExistsFolder, call, rm.ListAncestorsRequest(child_id=other.folder()))
    loner = world.account()
    rd = errors.EntityNotExistsResourceDirectory
    check.fails(rd, loner.client.list_ancestors, rm.ListAncestorsRequest(child_id=org.root_id))
