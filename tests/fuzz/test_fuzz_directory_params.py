"""Signed calls with hostile parameters reach the tag, directory-settings and control-policy actions' parameter and
business stages: whatever the values, the answer is the Alibaba envelope, never a 500 (docs/behaviour.md#parameters,
docs/guardrails.md).

Property-based (hypothesis) through a live server: each example is one V1-signed call the Terraform provider's way
(support.terraform), its parameters drawn from the action's registry row, so a parameter added to a row is fuzzed.
"""

from __future__ import annotations

import json
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
    "EnableControlPolicy", "DisableControlPolicy", "GetControlPolicyEnablementStatus", "CreateControlPolicy",
    "GetControlPolicy", "UpdateControlPolicy", "DeleteControlPolicy", "ListControlPolicies", "AttachControlPolicy",
    "DetachControlPolicy", "ListControlPolicyAttachmentsForTarget", "ListTargetAttachmentsForControlPolicy",
)  # fmt: skip
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
DOCUMENT = json.dumps({"Version": "1", "Statement": [{"Effect": "Deny", "Action": "ecs:*", "Resource": "*"}]})


@pytest.fixture(scope="module")
def provider(server: LiveServer) -> Iterator[tuple[Provider, list[str]]]:
    """A directory with control policies on, a member, a folder and a custom policy: real ids to draw from."""
    made = server.rd.create_account(display_name="fuzz-org", enterprise_name="ACME")
    tf = Provider(server.endpoint, made["access_key_id"], made["access_key_secret"])
    root = tf.call(RM, "EnableResourceDirectory", {"EnableMode": "CurrentAccount"})["ResourceDirectory"]
    member = tf.call(RM, "CreateResourceAccount", {"DisplayName": "fuzz-member"})["Account"]["AccountId"]
    folder = tf.call(RM, "CreateFolder", {"FolderName": "fuzz"})["Folder"]["FolderId"]
    tf.call(RM, "EnableControlPolicy")
    create = {"PolicyName": "fuzzed", "EffectScope": "RAM", "PolicyDocument": DOCUMENT}
    policy = tf.call(RM, "CreateControlPolicy", create)["ControlPolicy"]["PolicyId"]
    with tf:
        yield tf, [member, folder, root["RootFolderId"], made["account_id"], policy, "cp-FullAliyunAccess"]


INTERESTING = ["Account", "Folder", "ResourceGroup", "ControlPolicy", "account", "true", "True", "false", "0", "101",
               "-1", "acs:x", "aliyunX", "http://x", "k" * 129, "", " ", "Enabled", "Disabled", "RAM", "All",
               "System", "Custom", "zh-CN", "en", "ja", "1" * 10, "cp-", "cp-x", DOCUMENT,
               DOCUMENT.replace("Deny", "Maybe"), "{", "[]", "x" * 4097, "p-1", "1bad"]  # fmt: skip
text = st.text(alphabet=st.characters(codec="utf-8"), max_size=40)


@pytest.mark.parametrize("action", FUZZED)
@FUZZ
@given(data=st.data(), version=st.sampled_from([RM, RDM]))
def test_hostile_parameters_get_an_envelope(
    provider: tuple[Provider, list[str]], action: str, data: st.DataObject, version: str
) -> None:
    tf, ids = provider
    names = wire_names(action, {RM, RDM}) or ["PolicyId"]  # not RAM's; the switches take none: an unknown is ignored
    values = st.one_of(text, st.sampled_from(INTERESTING + ids), st.text(string.digits, min_size=16, max_size=16))
    body = data.draw(st.dictionaries(st.sampled_from(names), values, max_size=len(names)))
    assert_envelope(tf.request(version, action, body))
