"""CreateFolder, GetFolder, ListFoldersForParent, DeleteFolder through the official Tea SDKs
(docs/behaviour.md#folders)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from alibabacloud_resourcedirectorymaster20220419 import models as rdm
from alibabacloud_resourcemanager20200331 import models as rm

from openrd import errors
from openrd.services import folders as folder_service
from support.directory import Checks, Org, World

FOLDER_ID = re.compile(r"fd-[A-Za-z0-9]{10}")
SIGNING = [pytest.param({}, id="v3"), pytest.param({"signature_algorithm": "v2"}, id="v1")]


def _list(org: Org, parent: str | None = None, **kw: Any) -> Any:
    return org.client.list_folders_for_parent(rm.ListFoldersForParentRequest(parent_folder_id=parent, **kw)).body


@pytest.mark.parametrize("extra", SIGNING)
def test_folder_round_trip(world: World, check: type[Checks], extra: dict[str, str]) -> None:
    org = world.org()
    client = org.rm(**extra)
    created = client.create_folder(rm.CreateFolderRequest(folder_name="Dev.team_1")).body
    folder = created.folder
    assert FOLDER_ID.fullmatch(folder.folder_id)
    assert (folder.folder_name, folder.parent_folder_id) == ("Dev.team_1", org.root_id)
    assert check.time.fullmatch(folder.create_time)
    assert created.request_id

    got = client.get_folder(rm.GetFolderRequest(folder_id=folder.folder_id)).body.folder
    assert (got.folder_id, got.folder_name, got.parent_folder_id) == (folder.folder_id, "Dev.team_1", org.root_id)
    assert got.resource_directory_path == f"{org.directory_id}/{org.root_id}/{folder.folder_id}"
    assert got.create_time == folder.create_time

    listed = client.list_folders_for_parent(rm.ListFoldersForParentRequest()).body
    assert (listed.total_count, listed.page_number, listed.page_size) == (1, 1, 10)
    [item] = listed.folders.folder
    assert (item.folder_id, item.folder_name, item.create_time) == (folder.folder_id, "Dev.team_1", folder.create_time)

    assert client.delete_folder(rm.DeleteFolderRequest(folder_id=folder.folder_id)).body.request_id
    check.fails(errors.EntityNotExistsFolder, client.get_folder, rm.GetFolderRequest(folder_id=folder.folder_id))
    assert _list(org).total_count == 0


def test_resource_directory_master_product(world: World) -> None:
    org = world.org()
    client = org.rdm()
    parent = client.create_folder(rdm.CreateFolderRequest(folder_name="Prod")).body.folder.folder_id
    child = client.create_folder(rdm.CreateFolderRequest(folder_name="Web", parent_folder_id=parent)).body.folder
    assert child.parent_folder_id == parent
    body = client.list_folders_for_parent(rdm.ListFoldersForParentRequest(parent_folder_id=parent)).body
    assert [f.folder_name for f in body.folders.folder] == ["Web"]
    path = client.get_folder(rdm.GetFolderRequest(folder_id=child.folder_id)).body.folder.resource_directory_path
    assert path == f"{org.directory_id}/{org.root_id}/{parent}/{child.folder_id}"
    client.delete_folder(rdm.DeleteFolderRequest(folder_id=child.folder_id))


def test_root_folder(world: World) -> None:
    org = world.org()
    root = org.client.get_folder(rm.GetFolderRequest(folder_id=org.root_id)).body.folder
    assert (root.folder_id, root.folder_name, root.parent_folder_id) == (org.root_id, "Root", "")
    assert root.resource_directory_path == f"{org.directory_id}/{org.root_id}"


def test_pagination(world: World) -> None:
    org = world.org()
    made = [org.folder(f"f{i:02d}") for i in range(12)]
    first = _list(org, page_size=5)
    assert (first.total_count, first.page_number, first.page_size) == (12, 1, 5)
    pages = [_list(org, page_number=n, page_size=5).folders.folder for n in (1, 2, 3)]
    assert [len(p) for p in pages] == [5, 5, 2]
    assert [f.folder_id for page in pages for f in page] == made  # oldest first, no overlap
    beyond = _list(org, page_number=4, page_size=5)
    assert (beyond.total_count, beyond.folders.folder) == (12, [])
    assert len(_list(org).folders.folder) == 10  # default page size
    assert len(_list(org, page_size=100).folders.folder) == 12


def test_keyword_and_children_only(world: World) -> None:
    org = world.org()
    apps = org.folder("apps")
    org.folder("web-apps")
    org.folder("data")
    org.folder("apps-inner", parent=apps)  # a grandchild of the root: never listed under the root
    body = _list(org, query_keyword="apps")
    assert sorted(f.folder_name for f in body.folders.folder) == ["apps", "web-apps"]
    assert body.total_count == 2
    assert [f.folder_name for f in _list(org, apps).folders.folder] == ["apps-inner"]


def test_depth_limit(world: World, check: type[Checks]) -> None:
    org = world.org()
    parent = org.root_id
    for level in range(5):
        parent = org.folder(f"level{level + 1}", parent=parent)
    request = rm.CreateFolderRequest(folder_name="level6", parent_folder_id=parent)
    check.fails(errors.LimitExceededFolderDepth, org.client.create_folder, request)


def test_names_are_unique_among_siblings(world: World, check: type[Checks]) -> None:
    org = world.org()
    first = org.folder("shared")
    check.fails(
        errors.InvalidParameterFolderNameAlreadyUsed,
        org.client.create_folder,
        rm.CreateFolderRequest(folder_name="shared"),
    )
    assert org.folder("shared", parent=first)  # another parent: fine


def test_folder_quota(world: World, check: type[Checks], monkeypatch: pytest.MonkeyPatch) -> None:
    org = world.org()
    monkeypatch.setattr(folder_service, "MAX_FOLDERS", 2)  # the server runs in this process
    org.folder()
    org.folder()
    check.fails(errors.QuotaExceededFolderCount, org.client.create_folder, rm.CreateFolderRequest(folder_name="x"))


def test_delete_conflicts(world: World, check: type[Checks]) -> None:
    org = world.org()
    parent = org.folder()
    child = org.folder(parent=parent)
    check.fails(
        errors.DeleteConflictFolderSubFolder, org.client.delete_folder, rm.DeleteFolderRequest(folder_id=parent)
    )
    org.resource_account(parent_folder_id=child)
    check.fails(errors.DeleteConflictFolderAccount, org.client.delete_folder, rm.DeleteFolderRequest(folder_id=child))


def test_parameter_errors(world: World, check: type[Checks]) -> None:
    org = world.org()
    c = org.client
    check.fails(errors.MissingParameterFolderName, c.create_folder, rm.CreateFolderRequest())
    check.fails(errors.InvalidParameterFolderName, c.create_folder, rm.CreateFolderRequest(folder_name="a b"))
    check.fails(errors.InvalidParameterFolderNameLength, c.create_folder, rm.CreateFolderRequest(folder_name="a" * 25))
    bad_parent = rm.CreateFolderRequest(folder_name="ok", parent_folder_id="fd-short")
    check.fails(errors.InvalidParameterParentFolderId, c.create_folder, bad_parent)
    check.fails(errors.MissingParameterFolderId, c.get_folder, rm.GetFolderRequest())
    check.fails(errors.InvalidParameterFolderId, c.get_folder, rm.GetFolderRequest(folder_id="folder"))
    check.fails(errors.MissingParameterFolderId, c.delete_folder, rm.DeleteFolderRequest())
    check.fails(errors.InvalidParameterFolderId, c.delete_folder, rm.DeleteFolderRequest(folder_id=org.root_id))
    bad_list = rm.ListFoldersForParentRequest(parent_folder_id="r-toolong")
    check.fails(errors.InvalidParameterParentFolderId, c.list_folders_for_parent, bad_list)
    check.fails_param("PageSize", c.list_folders_for_parent, rm.ListFoldersForParentRequest(page_size=101))
    check.fails_param("PageSize", c.list_folders_for_parent, rm.ListFoldersForParentRequest(page_size=0))
    check.fails_param("PageNumber", c.list_folders_for_parent, rm.ListFoldersForParentRequest(page_number=0))


def test_folders_of_other_directories_do_not_exist(world: World, check: type[Checks]) -> None:
    org, other = world.org(), world.org()
    theirs = other.folder()
    c = org.client
    for folder_id in (theirs, other.root_id, "fd-0123456789"):
        check.fails(errors.EntityNotExistsFolder, c.get_folder, rm.GetFolderRequest(folder_id=folder_id))
        check.fails(
            errors.EntityNotExistsFolder,
            c.create_folder,
            rm.CreateFolderRequest(folder_name="x", parent_folder_id=folder_id),
        )
        check.fails(
            errors.EntityNotExistsFolder,
            c.list_folders_for_parent,
            rm.ListFoldersForParentRequest(parent_folder_id=folder_id),
        )
    check.fails(errors.EntityNotExistsFolder, c.delete_folder, rm.DeleteFolderRequest(folder_id=theirs))
    assert other.client.get_folder(rm.GetFolderRequest(folder_id=theirs)).body.folder.folder_id == theirs


def test_needs_a_managed_directory(world: World, check: type[Checks]) -> None:
    loner = world.account()
    c = loner.client
    rd = errors.EntityNotExistsResourceDirectory
    check.fails(rd, c.create_folder, rm.CreateFolderRequest(folder_name="x"))
    check.fails(rd, c.get_folder, rm.GetFolderRequest(folder_id="fd-0123456789"))
    check.fails(rd, c.list_folders_for_parent, rm.ListFoldersForParentRequest())
    check.fails(rd, c.delete_folder, rm.DeleteFolderRequest(folder_id="fd-0123456789"))
    # A member (not the management account) manages nothing either.
    org, member = world.org(), world.account()
    org.adopt(member)
    check.fails(rd, member.client.list_folders_for_parent, rm.ListFoldersForParentRequest())
