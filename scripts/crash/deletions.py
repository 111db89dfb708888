"""Account deletions under the kills: DeleteAccount of resource accounts that each hold a RAM user (and its
AccessKey), and the check that each deletion is whole or absent — the account, its membership, its RAM user and
AccessKey gone together with the deletion's record written, or all of them kept."""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Protocol

from crash.client import ERROR, OK, Call, Client, Creds
from crash.report import Report

WAIVED = ["RAM_USERS"]  # every doomed account holds a RAM user: the deletion must waive the pre-check item
Row = tuple[Any, ...]


class Rows(Protocol):
    def rows(self, query: str) -> list[Row]: ...


def delete_account(client: Client, user: Creds, member: str) -> Call:
    from alibabacloud_resourcemanager20200331 import models

    request = models.DeleteAccountRequest(account_id=member, abandonable_check_id=WAIVED)
    return client.call(
        "delete",
        user.account_id,
        member,
        "",
        lambda: client.rm(user).delete_account_with_options(request, client.once()),
    )


def seed_doomed(client: Client, member: str) -> None:
    """A RAM user with an AccessKey in the account: rows of three more tables the deletion must take along."""
    client.ram_user(member)


def check_deletions(report: Report, store: Rows, calls: list[Call], doomed: list[str]) -> dict[str, int]:
    """2 and 3 for deletions: a deletion that returned 200 is whole; one refused left everything; an unanswered one is
    whole or absent, never half; no account is deleted twice."""
    accounts = {r[0] for r in store.rows("SELECT account_id FROM accounts")}
    members = {r[0] for r in store.rows("SELECT account_id FROM members")}
    keys = {r[0] for r in store.rows("SELECT account_id FROM access_keys")}
    users = {r[0] for r in store.rows("SELECT account_id FROM ram_users")}
    started = {r[0] for r in store.rows("SELECT account_id, deletion_started_ms FROM account_deletions") if r[1]}
    by_target: dict[str, list[Call]] = defaultdict(list)
    for call in calls:
        if call.op == "delete":
            by_target[call.target].append(call)
    deleted = 0
    for member in doomed:
        present = [member in accounts, member in members, member in keys, member in users, member not in started]
        results = [c.result for c in by_target.get(member, [])]
        if results.count(OK) > 1:
            report.fail(f"account {member}: {results.count(OK)} deletions succeeded")
        if any(present) and not all(present):
            report.fail(f"account {member}: a partial deletion (present: {present})")
        elif not any(present):
            deleted += 1
            if not results or all(r == ERROR for r in results):
                report.fail(f"account {member} is deleted, but no deletion of it succeeded or went unanswered")
        elif OK in results:
            report.fail(f"the deletion of {member} returned 200 but the account is still there")
    return {"ok": sum(c.result == OK for cs in by_target.values() for c in cs), "deleted": deleted}
