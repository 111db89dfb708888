"""What control policies cost a bounded call: server CPU per signed GetResourceDirectory (and RAM GetUser of itself,
in its own account) of a member account's RAM user, with control policies enabled (ten custom policies attached over
a five-level folder path, each level also keeping FullAliyunAccess) and with them disabled, on one real ``openrd
serve`` (docs/guardrails.md#evaluation).

The two states alternate on the same server (``--rounds`` times each), so drift of the shared machine falls on
both; the report is the median of each state's rounds and their ratio (goal: enabled at most 1.15 x disabled).

    .venv/bin/python bench/profile_guardrails.py
    .venv/bin/python bench/profile_guardrails.py --store postgresql --rounds 3
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from loadgen import LoadGen
from openrd_target import VERSION, OpenrdTarget
from profile_server import server_cpu_seconds

from openrd.testing.client import OpenRD

RAM_VERSION = "2015-05-01"
OPERATIONS = ("GetResourceDirectory", "GetUser")
LEVELS = 5  # folders between the root and the member
GOAL = 1.15


def _document(index: int) -> str:
    """A realistic guardrail: allow the directory's reads, deny one family of actions nobody here calls."""
    statements = [
        {"Effect": "Allow", "Action": ["resourcemanager:Get*", "resourcemanager:List*"], "Resource": "*"},
        {"Effect": "Deny", "Action": f"ecs:Delete{index}*", "Resource": "*"},
    ]
    return json.dumps({"Version": "1", "Statement": statements})


def build_world(target: OpenrdTarget) -> tuple[Any, dict[str, dict[str, Any]]]:
    """The folder path, the member, its RAM user and the ten policies; returns the admin SDK and the payload of
    each operation."""
    from alibabacloud_resourcemanager20200331 import models

    assert target.server is not None
    control = OpenRD(target.server.url)
    try:
        admin = control.tea_client(control.ram_user(target.management_id, "guardrails-admin"))
        parent = target.root_folder_id
        path = [parent]
        for level in range(LEVELS):
            request = models.CreateFolderRequest(folder_name=f"level-{level}", parent_folder_id=parent)
            parent = admin.create_folder(request).body.folder.folder_id
            path.append(parent)
        request = models.CreateResourceAccountRequest(display_name="guarded", parent_folder_id=parent)
        member = admin.create_resource_account(request).body.account.account_id
        user = control.ram_user(member, "guarded-user", ("AdministratorAccess",))
        admin.enable_control_policy()
        targets = [*path[1:], member]  # five folders and the member: ten policies over them
        for index in range(10):
            create = models.CreateControlPolicyRequest(
                policy_name=f"guard-{index}", effect_scope="RAM", policy_document=_document(index)
            )
            policy = admin.create_control_policy(create).body.control_policy.policy_id
            attach = models.AttachControlPolicyRequest(policy_id=policy, target_id=targets[index % len(targets)])
            admin.attach_control_policy(attach)
    finally:
        control.close()
    signer = {"ak": user.access_key_id, "secret": user.access_key_secret}
    payloads = {
        "GetResourceDirectory": signer | {"action": "GetResourceDirectory", "version": VERSION, "params": [{}]},
        # RAM in the member's own account: bounded by the same policies as the directory's reads.
        "GetUser": signer | {"action": "GetUser", "version": RAM_VERSION, "params": [{"UserName": "guarded-user"}]},
    }
    return admin, payloads


def measure(target: OpenrdTarget, lg: LoadGen, payload: dict[str, Any], a: argparse.Namespace) -> float:
    """Server CPU µs per answer over one measured window."""
    assert target.server is not None
    before = server_cpu_seconds(target.server.pids())
    m = lg.run(
        host=target.host, kind="acs3", payload=payload, concurrency=a.concurrency, rate_cap=6000,
        warmup=a.warmup, duration=a.duration, cap=a.warmup + a.duration + 120,
    )  # fmt: skip
    if m.errors or set(m.statuses) != {200}:
        raise SystemExit(f"unexpected answers: {dict(m.statuses)}, {m.errors} errors")
    cpu = server_cpu_seconds(target.server.pids()) - before
    return cpu * 1e6 / max(sum(m.statuses.values()), 1)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--store", choices=["sqlite", "postgresql"], default="sqlite")
    p.add_argument("--postgres-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    p.add_argument("--rounds", type=int, default=3, help="measured windows per state, alternating")
    p.add_argument("--concurrency", type=int, default=16)
    p.add_argument("--clients", type=int, default=2, help="load generator processes")
    p.add_argument("--duration", type=float, default=4.0)
    p.add_argument("--warmup", type=float, default=0.5)
    p.add_argument("--operations", default=",".join(OPERATIONS), help=f"measured in turn in each state: {OPERATIONS}")
    a = p.parse_args()
    operations = a.operations.split(",")
    if set(operations) - set(OPERATIONS):
        p.error(f"--operations: one or more of {OPERATIONS}")

    log_dir = Path(tempfile.mkdtemp(prefix="openrd-profile-guardrails-"))
    lg = LoadGen(a.clients)
    target = OpenrdTarget("guardrails", store=a.store, workers=1, log_dir=log_dir, pg_admin_url=a.postgres_url)
    results: dict[tuple[str, str], list[float]] = {(op, s): [] for op in operations for s in ("enabled", "disabled")}
    try:
        target.start()
        target.setup()
        admin, payloads = build_world(target)
        for _ in range(a.rounds):
            for state in ("enabled", "disabled"):
                status = admin.get_control_policy_enablement_status().body.enablement_status
                if state == "enabled" and status != "Enabled":
                    raise SystemExit(f"control policies are {status}: the enabled round needs them on")
                for op in operations:
                    results[op, state].append(measure(target, lg, payloads[op], a))
                if state == "enabled":
                    admin.disable_control_policy()  # every attachment goes; the policies stay
                else:
                    _enable_again(admin)
    finally:
        target.stop()
        lg.close()
        shutil.rmtree(log_dir, ignore_errors=True)
    met = True
    for op in operations:
        on, off = results[op, "enabled"], results[op, "disabled"]
        ratio = statistics.median(on) / statistics.median(off)
        met = met and ratio <= GOAL
        print(f"{op} by a member's RAM user on {a.store}, c={a.concurrency}, {a.rounds} rounds:")
        print(f"  disabled: {statistics.median(off):,.0f} µs server CPU per answer  {[round(x) for x in off]}")
        print(f"  enabled:  {statistics.median(on):,.0f} µs server CPU per answer  {[round(x) for x in on]}")
        print(f"  ratio {ratio:.3f} (goal <= {GOAL}): {'met' if ratio <= GOAL else 'NOT met'}")
    return 0 if met else 1


def _enable_again(admin: Any) -> None:
    """Enable, then put the ten policies back where they were (re-enabling attaches FullAliyunAccess only)."""
    from alibabacloud_resourcemanager20200331 import models

    admin.enable_control_policy()
    listed = admin.list_control_policies(models.ListControlPoliciesRequest(policy_type="Custom", page_size=100))
    root = admin.get_resource_directory().body.resource_directory.root_folder_id
    path = [root]
    for _ in range(LEVELS):
        children = admin.list_folders_for_parent(models.ListFoldersForParentRequest(parent_folder_id=path[-1]))
        path.append(children.body.folders.folder[0].folder_id)
    members = admin.list_accounts_for_parent(models.ListAccountsForParentRequest(parent_folder_id=path[-1]))
    targets = [*path[1:], members.body.accounts.account[0].account_id]
    for index, policy in enumerate(sorted(listed.body.control_policies.control_policy, key=lambda p: p.policy_name)):
        attach = models.AttachControlPolicyRequest(policy_id=policy.policy_id, target_id=targets[index % len(targets)])
        admin.attach_control_policy(attach)


if __name__ == "__main__":
    raise SystemExit(main())
