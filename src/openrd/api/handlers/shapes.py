"""Wire shapes shared by several actions. Key names and nesting are exact: the Tea SDK silently drops a body
whose shape does not match its model (docs/behaviour.md#success-bodies)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from openrd.api.wire import encode_marker
from openrd.domain.directory import Directory, MemberView
from openrd.domain.times import rfc3339_ms


@dataclass(frozen=True)
class NoParams:
    pass


time = rfc3339_ms  # every time on the wire: RFC 3339 in UTC with milliseconds (an alias: no call per time)


def directory_summary(directory: Directory) -> dict[str, Any]:
    """The five fields Enable and Init return."""
    return {
        "ResourceDirectoryId": directory.directory_id,
        "MasterAccountId": directory.master_account_id,
        "MasterAccountName": directory.master_account_name,
        "RootFolderId": directory.root_folder_id,
        "CreateTime": time(directory.created_ms),
    }


def member_base(view: MemberView) -> dict[str, Any]:
    """CreateResourceAccount / UpdateAccount: the account object without path or tags."""
    m = view.member
    return {
        "AccountId": m.account_id,
        "AccountName": view.account_name,
        "DisplayName": view.display_name,
        "FolderId": m.folder_id,
        "JoinMethod": m.join_method.value,
        "JoinTime": time(m.join_ms),
        "ModifyTime": time(m.modify_ms),
        "ResourceDirectoryId": m.directory_id,
        "Status": m.status.value,
        "Type": m.type.value,
    }


def page_fields(page_number: int, page_size: int, total: int) -> dict[str, int]:
    """Pagination echoed back as JSON integers."""
    return {"PageNumber": page_number, "PageSize": page_size, "TotalCount": total}


def marker_fields(next_offset: int | None) -> dict[str, Any]:
    """RAM's paging: ``IsTruncated``, and the ``Marker`` of the next page only when there is one."""
    if next_offset is None:
        return {"IsTruncated": False}
    return {"IsTruncated": True, "Marker": encode_marker(next_offset)}


def tag_list(tags: Iterable[tuple[str, str]]) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in tags]


def ram_tags_field(tags: Mapping[str, str]) -> dict[str, Any]:
    """A RAM role's or policy's tags in its listing: ``Tags.Tag`` of ``TagKey``/``TagValue`` pairs."""
    return {"Tags": {"Tag": [{"TagKey": k, "TagValue": v} for k, v in tags.items()]}}
