"""Tags of directory resources (docs/tags.md): TagResources, UntagResources, ListTagResources, ListTagKeys,
ListTagValues, and ``tag_at_creation`` for the actions that take ``Tag.N`` when they create a resource.

Which resources exist, and whose listings show their tags, is asked of a small registry by resource type:
``register_taggable``. Accounts and folders are registered here; an area that adds a taggable resource (resource
groups, control policies) registers its type once at import with a ``Taggable`` of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from openrd import errors
from openrd.domain import tags as rules
from openrd.domain.identity import Principal
from openrd.services.context import Deps
from openrd.services.ports import UnitOfWork
from openrd.services.standing import managed_directory, readable_directory


@dataclass(frozen=True)
class Taggable:
    """How the tag actions see one resource type.

    ``scope``: the owner of the tags the caller acts on, for a change or (``read=True``) a listing — raises when the
    caller has none, e.g. EntityNotExists.ResourceDirectory. ``owner_of``: the owner of one resource, None when it
    does not exist. ``not_found``: the error for a resource outside the caller's scope."""

    scope: Callable[[UnitOfWork, Principal, bool], str]
    owner_of: Callable[[UnitOfWork, str], str | None]
    not_found: Callable[[], errors.OpenRDError]


_TAGGABLE: dict[str, Taggable] = {}


def register_taggable(resource_type: str, taggable: Taggable) -> None:
    """Make ``resource_type`` (one of domain/tags.py's names) taggable; registering a type again replaces it."""
    _TAGGABLE[resource_type] = taggable


def _no_such_resource() -> errors.OpenRDError:
    return errors.InvalidParameter("ResourceId")


# A type no area has registered yet has no resources: every id is unknown, every listing empty.
_UNREGISTERED = Taggable(lambda _uow, p, _read: p.account_id, lambda _uow, _id: None, _no_such_resource)


def taggable(resource_type: str) -> Taggable:
    return _TAGGABLE.get(resource_type, _UNREGISTERED)


def _directory_scope(uow: UnitOfWork, principal: Principal, read: bool) -> str:
    # A delegated administrator may list the directory's tags (docs/delegation.md#reading-the-directory).
    return (readable_directory if read else managed_directory)(uow, principal).master_account_id


def _directory_owner(uow: UnitOfWork, directory_id: str) -> str | None:
    directory = uow.directory.get_directory(directory_id)
    return directory.master_account_id if directory else None


def _account_owner(uow: UnitOfWork, account_id: str) -> str | None:
    member = uow.directory.get_member(account_id)
    return _directory_owner(uow, member.directory_id) if member else None


def _folder_owner(uow: UnitOfWork, folder_id: str) -> str | None:
    folder = uow.directory.get_folder(folder_id)
    return _directory_owner(uow, folder.directory_id) if folder else None


register_taggable(rules.ACCOUNT, Taggable(_directory_scope, _account_owner, errors.EntityNotExistsAccount))
register_taggable(rules.FOLDER, Taggable(_directory_scope, _folder_owner, errors.EntityNotExistsFolder))


def _check_count(uow: UnitOfWork, resource_type: str, resource_id: str, tags: Sequence[tuple[str, str]]) -> None:
    # Under the resource's lock, so two calls tagging it at once cannot pass 20 together (docs/tags.md#limits).
    uow.directory.lock(f"tags:{resource_type}:{resource_id}")
    if len(rules.merged(uow.directory.resource_tags(resource_type, resource_id), tags)) > rules.MAX_TAGS_PER_RESOURCE:
        raise errors.LimitExceededTag()


def tag_at_creation(uow: UnitOfWork, resource_type: str, resource_id: str, tags: Sequence[tuple[str, str]]) -> None:
    """Tags a create action was given, written in its unit of work once the resource is: the same rules and
    limit as TagResources, so a refused tag refuses the whole create."""
    if not tags:
        return
    if not all(rules.valid_tag(key, value) for key, value in tags):
        raise errors.InvalidParameterTag()
    owner = taggable(resource_type).owner_of(uow, resource_id)
    if owner is None:
        raise taggable(resource_type).not_found()
    _check_count(uow, resource_type, resource_id, tags)
    uow.directory.put_tags(resource_type, resource_id, owner, tags)


def _in_scope(uow: UnitOfWork, principal: Principal, resource_type: str, resource_ids: Sequence[str]) -> str:
    """The caller's owner id for that type, once every resource is known to be in it."""
    kind = taggable(resource_type)
    owner = kind.scope(uow, principal, False)
    for resource_id in resource_ids:
        if kind.owner_of(uow, resource_id) != owner:
            raise kind.not_found()
    return owner


def tag_resources(
    deps: Deps,
    *,
    principal: Principal,
    resource_type: str,
    resource_ids: Sequence[str],
    tags: Sequence[tuple[str, str]],
) -> None:
    with deps.uow() as uow:
        owner = _in_scope(uow, principal, resource_type, resource_ids)
        for resource_id in sorted(resource_ids):  # one lock order for every caller: no deadlock between two
            _check_count(uow, resource_type, resource_id, tags)
            uow.directory.put_tags(resource_type, resource_id, owner, tags)


def untag_resources(
    deps: Deps,
    *,
    principal: Principal,
    resource_type: str,
    resource_ids: Sequence[str],
    keys: Sequence[str] | None,
) -> None:
    """Remove those keys from each resource; every tag when ``keys`` is None (``All=true``)."""
    with deps.uow() as uow:
        _in_scope(uow, principal, resource_type, resource_ids)
        for resource_id in resource_ids:
            uow.directory.remove_tags(resource_type, resource_id, keys)


@dataclass(frozen=True)
class TagPage:
    rows: Sequence[tuple[str, str, str]]  # (resource id, key, value)
    after: tuple[str, str] | None  # where the next page starts; None on the last page


def list_tag_resources(
    deps: Deps,
    *,
    principal: Principal,
    resource_type: str,
    resource_ids: Sequence[str],
    filters: Sequence[tuple[str, str]],
    after: tuple[str, str] | None,
    limit: int,
) -> TagPage:
    """A row per resource and tag, by resource id then key. An id outside the caller's scope lists nothing."""
    with deps.uow(write=False) as uow:
        owner = taggable(resource_type).scope(uow, principal, True)
        rows = uow.directory.tag_rows(
            owner, resource_type, resource_ids=resource_ids, filters=filters, after=after, limit=limit + 1
        )
    if len(rows) <= limit:
        return TagPage(rows, None)
    last = rows[limit - 1]
    return TagPage(rows[:limit], (last[0], last[1]))


def list_tag_keys(
    deps: Deps, *, principal: Principal, resource_type: str, contains: str | None, after: str | None, limit: int
) -> tuple[Sequence[str], str | None]:
    """The keys, and where the next page starts (None on the last)."""
    with deps.uow(write=False) as uow:
        owner = taggable(resource_type).scope(uow, principal, True)
        keys = uow.directory.tag_keys(owner, resource_type, contains=contains, after=after, limit=limit + 1)
    return (keys[:limit], keys[limit - 1]) if len(keys) > limit else (keys, None)


def list_tag_values(
    deps: Deps,
    *,
    principal: Principal,
    resource_type: str,
    key: str,
    contains: str | None,
    after: str | None,
    limit: int,
) -> tuple[Sequence[str], str | None]:
    with deps.uow(write=False) as uow:
        owner = taggable(resource_type).scope(uow, principal, True)
        values = uow.directory.tag_values(owner, resource_type, key, contains=contains, after=after, limit=limit + 1)
    return (values[:limit], values[limit - 1]) if len(values) > limit else (values, None)
