"""Signed calls with hostile parameters reach the tag and directory-settings actions' parameter and business
stages: whatever the values, the answer is the Alibaba envelope, never a 500 (docs/behaviour.md#parameters).

Property-based (hypothesis) through a live server: each example is one V1-signed call the Terraform provider's way
(support.terraform), its parameters drawn from the action's registry row, so a parameter added to a row is fuzzed.
"""

from __future__ import annotations

import string
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from support.fuzz import assert_envelope, wire_names
from support.servers import LiveServer
from support.terraform import RDM, RM, Provider

FUZZED = (
    "TagResources", "UntagResources", "UnTagResources", "ListTagResources", "ListTagKeys", "ListTagValues",
    "GetPayerForAccount", "UpdatePayerForAccount", "UpdateFolder", "ListAncestors", "SetMemberDeletionPermission",
    "SetMemberDisplayNameSyncStatus",
)  # fmt: skip
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def provider(server: LiveServer) -> Iterator[tuple[Provider, list[str]]]:
    """A management account with a directory, a member and a folder: real ids for the values to draw from."""
    made = server.rd.create_account(display_name="fuzz-org", enterprise_name="ACME")
    tf = Provider(server.endpoint, made["access_key_id"], made["access_key_secret"])
    tf.call(RM, "EnableResourceDirectory", {"EnableMode": "CurrentAccount"})
    member = tf.call(RM, "CreateResourceAccount", {"DisplayName": "fuzz-member"})["Account"]["AccountId"]
    folder = tf.call(RM, "CreateFolder", {"FolderName": "fuzz"})["Folder"]["FolderId"]
    with tf:
        yield tf, [member, folder, made["account_id"]]


INTERESTING = ["Account", "Folder", "ResourceGroup", "ControlPolicy", "account", "true", "True", "false", "0", "101",
               "-1", "acs:x", "aliyunX", "http://x", "k" * 129, "", " ", "Enabled", "Disabled"]  # fmt: skip
text = st.text(alphabet=st.characters(codec="utf-8"), max_size=40)


@pytest.mark.parametrize("action", FUZZED)
@FUZZ
@given(data=st.data(), version=st.sampled_from([RM, RDM]))
def test_hostile_parameters_get_an_envelope(
    provider: tuple[Provider, list[str]], action: str, data: st.DataObject, version: str
) -> None:
    tf, ids = provider
    names = wire_names(action, {RM, RDM})  # not RAM's
    values = st.one_of(text, st.sampled_from(INTERESTING + ids), st.text(string.digits, min_size=16, max_size=16))
    body = data.draw(st.dictionaries(st.sampled_from(names), values, max_size=len(names)))
    assert_envelope(tf.request(version, action, body))
