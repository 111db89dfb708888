"""Custom policies and their versions through the official RAM SDK (docs/policies.md)."""

from __future__ import annotations

import re
import threading
from typing import Any

import pytest
from alibabacloud_ram20150501 import models as m

from openrd import errors
from support.compat import World
from support.ram import SIGNING, Ram, document, fails, raised, unique

RAM_TIME = r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z"


@pytest.mark.parametrize("extra", SIGNING)
def test_policy_round_trip(ram: Ram, extra: dict[str, str]) -> None:
    _, client = ram.root(**extra)
    name, first, second = unique(), document("Allow", "ram:Get*"), document("Deny", "ram:Delete*")
    created = client.create_policy(m.CreatePolicyRequest(policy_name=name, policy_document=first, description="d1"))
    policy = created.body.policy
    assert (policy.policy_name, policy.policy_type, policy.default_version, policy.description) == (
        name, "Custom", "v1", "d1",
    )  # fmt: skip
    assert re.fullmatch(RAM_TIME, policy.create_date)

    got = client.get_policy(m.GetPolicyRequest(policy_name=name, policy_type="Custom")).body
    assert (got.default_policy_version.policy_document, got.default_policy_version.version_id) == (first, "v1")
    assert got.default_policy_version.is_default_version is True
    assert (got.policy.attachment_count, got.policy.default_version) == (0, "v1")

    updated = client.update_policy_description(m.UpdatePolicyDescriptionRequest(policy_name=name, new_description="d2"))
    assert updated.body.policy.description == "d2"

    request = m.CreatePolicyVersionRequest(policy_name=name, policy_document=second, set_as_default=True)
    version = client.create_policy_version(request).body.policy_version
    assert (version.version_id, version.is_default_version, version.policy_document) == ("v2", True, second)
    got = client.get_policy(m.GetPolicyRequest(policy_name=name, policy_type="Custom")).body
    assert (got.policy.default_version, got.default_policy_version.policy_document, got.policy.description) == (
        "v2", second, "d2",
    )  # fmt: skip

    one = client.get_policy_version(m.GetPolicyVersionRequest(policy_name=name, policy_type="Custom", version_id="v1"))
    assert (one.body.policy_version.policy_document, one.body.policy_version.is_default_version) == (first, False)
    client.set_default_policy_version(m.SetDefaultPolicyVersionRequest(policy_name=name, version_id="v1"))
    listed = client.list_policy_versions(m.ListPolicyVersionsRequest(policy_name=name, policy_type="Custom")).body
    assert [(v.version_id, v.is_default_version) for v in listed.policy_versions.policy_version] == [
        ("v1", True), ("v2", False),
    ]  # fmt: skip
    client.delete_policy_version(m.DeletePolicyVersionRequest(policy_name=name, version_id="v2"))
    listed = client.list_policy_versions(m.ListPolicyVersionsRequest(policy_name=name, policy_type="Custom")).body
    assert [v.version_id for v in listed.policy_versions.policy_version] == ["v1"]

    custom = client.list_policies(m.ListPoliciesRequest(policy_type="Custom")).body
    assert [p.policy_name for p in custom.policies.policy] == [name]
    assert custom.is_truncated is False
    client.delete_policy(m.DeletePolicyRequest(policy_name=name))
    fails(errors.EntityNotExistPolicy, client.get_policy, m.GetPolicyRequest(policy_name=name, policy_type="Custom"))


@pytest.mark.parametrize("extra", SIGNING)
def test_the_system_catalogue(ram: Ram, extra: dict[str, str]) -> None:
    _, client = ram.root(**extra)
    listed = client.list_policies(m.ListPoliciesRequest(policy_type="System")).body.policies.policy
    names = [p.policy_name for p in listed]
    assert names == sorted(names)
    assert set(names) >= {
        "AdministratorAccess", "ReadOnlyAccess", "AliyunRAMFullAccess", "AliyunRAMReadOnlyAccess",
        "AliyunSTSAssumeRoleAccess", "AliyunResourceDirectoryFullAccess", "AliyunResourceDirectoryReadOnlyAccess",
    }  # fmt: skip
    assert {(p.policy_type, p.default_version) for p in listed} == {("System", "v1")}
    assert all(p.description for p in listed)
    got = client.get_policy(m.GetPolicyRequest(policy_name="AliyunRAMFullAccess", policy_type="System")).body
    assert '"ram:*"' in got.default_policy_version.policy_document
    request = m.GetPolicyVersionRequest(policy_name="AdministratorAccess", policy_type="System", version_id="v1")
    assert client.get_policy_version(request).body.policy_version.is_default_version is True
    versions = client.list_policy_versions(
        m.ListPolicyVersionsRequest(policy_name="ReadOnlyAccess", policy_type="System")
    )
    assert [v.version_id for v in versions.body.policy_versions.policy_version] == ["v1"]
    request = m.GetPolicyVersionRequest(policy_name="AdministratorAccess", policy_type="System", version_id="v2")
    fails(errors.EntityNotExistPolicyVersion, client.get_policy_version, request)


def test_marker_paging_walks_system_then_custom_policies(ram: Ram) -> None:
    _, client = ram.root()
    made = sorted(unique(f"p{i}") for i in range(4))
    for name in made:
        client.create_policy(m.CreatePolicyRequest(policy_name=name, policy_document=document()))
    seen: list[str] = []
    marker = None
    while True:
        page = client.list_policies(m.ListPoliciesRequest(max_items=3, marker=marker)).body
        seen += [p.policy_name for p in page.policies.policy]
        assert len(page.policies.policy) <= 3
        if not page.is_truncated:
            assert page.marker is None
            break
        marker = page.marker
    everything = client.list_policies(m.ListPoliciesRequest()).body.policies.policy
    assert seen == [p.policy_name for p in everything]
    assert seen[-4:] == made
    assert [p.policy_type for p in everything][-4:] == ["Custom"] * 4


def test_versions_stop_at_five_unless_rotated(ram: Ram) -> None:
    _, client = ram.root()
    name = unique()
    client.create_policy(m.CreatePolicyRequest(policy_name=name, policy_document=document()))
    for _ in range(4):
        client.create_policy_version(m.CreatePolicyVersionRequest(policy_name=name, policy_document=document()))
    sixth = m.CreatePolicyVersionRequest(policy_name=name, policy_document=document("Deny"))
    fails(errors.LimitExceededPolicyVersion, client.create_policy_version, sixth)
    sixth.rotate_strategy = "DeleteOldestNonDefaultVersionWhenLimitExceeded"
    assert client.create_policy_version(sixth).body.policy_version.version_id == "v6"
    listed = client.list_policy_versions(m.ListPolicyVersionsRequest(policy_name=name, policy_type="Custom")).body
    assert [v.version_id for v in listed.policy_versions.policy_version] == [
        "v1",
        "v3",
        "v4",
        "v5",
        "v6",
    ]  # v1: default
    client.delete_policy_version(m.DeletePolicyVersionRequest(policy_name=name, version_id="v6"))
    again = client.create_policy_version(m.CreatePolicyVersionRequest(policy_name=name, policy_document=document()))
    assert again.body.policy_version.version_id == "v7"  # never reissued


def test_parallel_versions_never_exceed_five(ram: Ram) -> None:
    creds, client = ram.root()
    name = unique()
    client.create_policy(m.CreatePolicyRequest(policy_name=name, policy_document=document()))
    outcomes: list[str] = []
    barrier = threading.Barrier(20)

    def create() -> None:
        own = ram.client(creds)
        barrier.wait(timeout=30)
        try:
            own.create_policy_version(m.CreatePolicyVersionRequest(policy_name=name, policy_document=document()))
            outcomes.append("ok")
        except Exception as exc:
            outcomes.append(getattr(exc, "code", repr(exc)))

    threads = [threading.Thread(target=create) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(outcomes) == ["LimitExceeded.Policy.Version"] * 16 + ["ok"] * 4
    listed = client.list_policy_versions(m.ListPolicyVersionsRequest(policy_name=name, policy_type="Custom")).body
    assert [v.version_id for v in listed.policy_versions.policy_version] == ["v1", "v2", "v3", "v4", "v5"]


def test_delete_conflicts(ram: Ram, world: World) -> None:
    account, client = ram.root()
    name = unique()
    client.create_policy(m.CreatePolicyRequest(policy_name=name, policy_document=document()))
    client.create_policy_version(m.CreatePolicyVersionRequest(policy_name=name, policy_document=document()))
    fails(errors.DeleteConflictPolicyVersion, client.delete_policy, m.DeletePolicyRequest(policy_name=name))
    request = m.DeletePolicyVersionRequest(policy_name=name, version_id="v1")
    fails(errors.DeleteConflictPolicyVersionDefault, client.delete_policy_version, request)
    client.delete_policy(m.DeletePolicyRequest(policy_name=name, cascading_delete=True))
    fails(errors.EntityNotExistPolicy, client.delete_policy, m.DeletePolicyRequest(policy_name=name))

    user = world.user(document(), account=account, name="ops.user_1")
    inline = "inline-ops-user-1-1"  # the control API's document, a custom policy of the account
    got = client.get_policy(m.GetPolicyRequest(policy_name=inline, policy_type="Custom")).body
    assert (got.policy.attachment_count, got.default_policy_version.policy_document) == (1, document())
    fails(errors.DeleteConflictPolicyUser, client.delete_policy, m.DeletePolicyRequest(policy_name=inline))
    assert user.name == "ops.user_1"
    world.role(document("Allow", "ram:List*"), account=account, name="deployer")
    request = m.DeletePolicyRequest(policy_name="inline-deployer-1")
    fails(errors.DeleteConflictPolicyRole, client.delete_policy, request)


def test_names_are_taken_once_and_counted(ram: Ram, monkeypatch: pytest.MonkeyPatch) -> None:
    _, client = ram.root()
    name = unique()
    client.create_policy(m.CreatePolicyRequest(policy_name=name, policy_document=document()))
    again = m.CreatePolicyRequest(policy_name=name, policy_document=document())
    fails(errors.EntityAlreadyExistsPolicy, client.create_policy, again)
    system = m.CreatePolicyRequest(policy_name="AdministratorAccess", policy_document=document())
    fails(errors.EntityAlreadyExistsPolicy, client.create_policy, system)
    monkeypatch.setattr("openrd.services.policies.MAX_CUSTOM_POLICIES", 1)  # the server runs in this process
    another = m.CreatePolicyRequest(policy_name=unique(), policy_document=document())
    fails(errors.LimitExceededPolicy, client.create_policy, another)


_LONG_NAME, _BAD_NAME = "p" * 129, "bad_name"


def _parameter_cases() -> list[Any]:
    doc = document()
    big = document(resource="a" * 6200)
    cases: list[tuple[str, str, Any, type[errors.OpenRDError]]] = [
        ("create_policy", "long name", m.CreatePolicyRequest(policy_name=_LONG_NAME, policy_document=doc),
         errors.InvalidParameterPolicyNameLength),
        ("create_policy", "bad name", m.CreatePolicyRequest(policy_name=_BAD_NAME, policy_document=doc),
         errors.InvalidParameterPolicyNameInvalidChars),
        ("create_policy", "long description",
         m.CreatePolicyRequest(policy_name="ok", policy_document=doc, description="d" * 1025),
         errors.InvalidParameterDescriptionLength),
        ("create_policy", "big document", m.CreatePolicyRequest(policy_name="ok", policy_document=big),
         errors.InvalidParameterPolicyDocumentLength),
        ("create_policy", "malformed", m.CreatePolicyRequest(policy_name="ok", policy_document='{"Version":"2"}'),
         errors.MalformedPolicyDocument),
        ("get_policy", "long name", m.GetPolicyRequest(policy_name=_LONG_NAME, policy_type="Custom"),
         errors.InvalidParameterPolicyNameLength),
        ("get_policy", "bad name", m.GetPolicyRequest(policy_name=_BAD_NAME, policy_type="Custom"),
         errors.InvalidParameterPolicyNameInvalidChars),
        ("get_policy", "bad type", m.GetPolicyRequest(policy_name="ok", policy_type="Managed"),
         errors.InvalidParameterPolicyType),
        ("get_policy", "unknown", m.GetPolicyRequest(policy_name="no-such", policy_type="Custom"),
         errors.EntityNotExistPolicy),
        ("list_policies", "bad type", m.ListPoliciesRequest(policy_type="custom"), errors.InvalidParameterPolicyType),
        ("update_policy_description", "long name",
         m.UpdatePolicyDescriptionRequest(policy_name=_LONG_NAME, new_description="x"),
         errors.InvalidParameterPolicyNameLength),
        ("update_policy_description", "bad name",
         m.UpdatePolicyDescriptionRequest(policy_name=_BAD_NAME, new_description="x"),
         errors.InvalidParameterPolicyNameInvalidChars),
        ("update_policy_description", "long description",
         m.UpdatePolicyDescriptionRequest(policy_name="ok", new_description="d" * 1025),
         errors.InvalidParameterDescriptionLength),
        ("update_policy_description", "unknown",
         m.UpdatePolicyDescriptionRequest(policy_name="no-such", new_description="x"), errors.EntityNotExistPolicy),
        ("delete_policy", "long name", m.DeletePolicyRequest(policy_name=_LONG_NAME),
         errors.InvalidParameterPolicyNameLength),
        ("delete_policy", "bad name", m.DeletePolicyRequest(policy_name=_BAD_NAME),
         errors.InvalidParameterPolicyNameInvalidChars),
        ("create_policy_version", "long name",
         m.CreatePolicyVersionRequest(policy_name=_LONG_NAME, policy_document=doc),
         errors.InvalidParameterPolicyNameLength),
        ("create_policy_version", "bad name", m.CreatePolicyVersionRequest(policy_name=_BAD_NAME, policy_document=doc),
         errors.InvalidParameterPolicyNameInvalidChars),
        ("create_policy_version", "big document", m.CreatePolicyVersionRequest(policy_name="ok", policy_document=big),
         errors.InvalidParameterPolicyDocumentLength),
        ("create_policy_version", "malformed",
         m.CreatePolicyVersionRequest(policy_name="ok", policy_document='{"Version":"1","Statement":[]}'),
         errors.MalformedPolicyDocument),
        ("create_policy_version", "unknown", m.CreatePolicyVersionRequest(policy_name="no-such", policy_document=doc),
         errors.EntityNotExistPolicy),
        ("get_policy_version", "long name",
         m.GetPolicyVersionRequest(policy_name=_LONG_NAME, policy_type="Custom", version_id="v1"),
         errors.InvalidParameterPolicyNameLength),
        ("get_policy_version", "bad name",
         m.GetPolicyVersionRequest(policy_name=_BAD_NAME, policy_type="Custom", version_id="v1"),
         errors.InvalidParameterPolicyNameInvalidChars),
        ("get_policy_version", "bad type",
         m.GetPolicyVersionRequest(policy_name="ok", policy_type="x", version_id="v1"),
         errors.InvalidParameterPolicyType),
        ("get_policy_version", "bad version",
         m.GetPolicyVersionRequest(policy_name="ok", policy_type="Custom", version_id="1"),
         errors.InvalidParameterVersionIdFormat),
        ("get_policy_version", "unknown",
         m.GetPolicyVersionRequest(policy_name="no-such", policy_type="Custom", version_id="v1"),
         errors.EntityNotExistPolicy),
        ("list_policy_versions", "long name", m.ListPolicyVersionsRequest(policy_name=_LONG_NAME, policy_type="Custom"),
         errors.InvalidParameterPolicyNameLength),
        ("list_policy_versions", "bad name", m.ListPolicyVersionsRequest(policy_name=_BAD_NAME, policy_type="Custom"),
         errors.InvalidParameterPolicyNameInvalidChars),
        ("list_policy_versions", "bad type", m.ListPolicyVersionsRequest(policy_name="ok", policy_type="x"),
         errors.InvalidParameterPolicyType),
        ("list_policy_versions", "unknown", m.ListPolicyVersionsRequest(policy_name="no-such", policy_type="System"),
         errors.EntityNotExistPolicy),
        ("delete_policy_version", "long name", m.DeletePolicyVersionRequest(policy_name=_LONG_NAME, version_id="v1"),
         errors.InvalidParameterPolicyNameLength),
        ("delete_policy_version", "bad name", m.DeletePolicyVersionRequest(policy_name=_BAD_NAME, version_id="v1"),
         errors.InvalidParameterPolicyNameInvalidChars),
        ("delete_policy_version", "bad version", m.DeletePolicyVersionRequest(policy_name="ok", version_id="v0"),
         errors.InvalidParameterVersionIdFormat),
        ("delete_policy_version", "unknown", m.DeletePolicyVersionRequest(policy_name="no-such", version_id="v2"),
         errors.EntityNotExistPolicy),
        ("set_default_policy_version", "long name",
         m.SetDefaultPolicyVersionRequest(policy_name=_LONG_NAME, version_id="v1"),
         errors.InvalidParameterPolicyNameLength),
        ("set_default_policy_version", "bad name",
         m.SetDefaultPolicyVersionRequest(policy_name=_BAD_NAME, version_id="v1"),
         errors.InvalidParameterPolicyNameInvalidChars),
        ("set_default_policy_version", "bad version",
         m.SetDefaultPolicyVersionRequest(policy_name="ok", version_id="latest"),
         errors.InvalidParameterVersionIdFormat),
        ("set_default_policy_version", "unknown",
         m.SetDefaultPolicyVersionRequest(policy_name="no-such", version_id="v1"), errors.EntityNotExistPolicy),
    ]  # fmt: skip
    return [pytest.param(method, request, error, id=f"{method}-{label}") for method, label, request, error in cases]


@pytest.mark.parametrize(("method", "request_model", "error"), _parameter_cases())
def test_documented_errors(ram: Ram, method: str, request_model: Any, error: type[errors.OpenRDError]) -> None:
    _, client = ram.root()
    fails(error, getattr(client, method), request_model)


def test_missing_versions(ram: Ram) -> None:
    _, client = ram.root()
    name = unique()
    client.create_policy(m.CreatePolicyRequest(policy_name=name, policy_document=document()))
    for call, request in (
        (client.get_policy_version, m.GetPolicyVersionRequest(policy_name=name, policy_type="Custom", version_id="v9")),
        (client.delete_policy_version, m.DeletePolicyVersionRequest(policy_name=name, version_id="v9")),
        (client.set_default_policy_version, m.SetDefaultPolicyVersionRequest(policy_name=name, version_id="v9")),
    ):
        fails(errors.EntityNotExistPolicyVersion, call, request)


def test_a_pretty_printed_document_is_kept_as_sent(ram: Ram) -> None:
    _, client = ram.root()
    name, text = (
        unique(),
        '{\n\t"Version": "1",\r\n  "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]\n}',
    )
    client.create_policy(m.CreatePolicyRequest(policy_name=name, policy_document=text))
    got = client.get_policy(m.GetPolicyRequest(policy_name=name, policy_type="Custom")).body
    assert got.default_policy_version.policy_document == text
    bell = m.CreatePolicyRequest(policy_name=unique(), policy_document=text.replace("\t", "\x07"))
    assert raised(client.create_policy, bell).code == "MalformedPolicyDocument"


def test_a_read_only_identity_reads_but_is_denied_changes(ram: Ram, world: World) -> None:
    account, root = ram.root()
    name = unique()
    root.create_policy(m.CreatePolicyRequest(policy_name=name, policy_document=document()))
    reader = ram.client(world.user("AliyunRAMReadOnlyAccess", account=account))
    assert reader.get_policy(m.GetPolicyRequest(policy_name=name, policy_type="Custom")).body.policy.policy_name == name
    for call, request in (
        (reader.create_policy, m.CreatePolicyRequest(policy_name=unique(), policy_document=document())),
        (reader.delete_policy, m.DeletePolicyRequest(policy_name=name)),
        (reader.create_policy_version, m.CreatePolicyVersionRequest(policy_name=name, policy_document=document())),
    ):
        exc = raised(call, request)
        assert (exc.code, exc.status_code) == ("NoPermission", 403)
