"""The invariants: what is stored (read with plain SQL) against what the clients saw, one check per kind of write."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from crash.client import ERROR, OK, UNKNOWN, Call, Client
from crash.deletions import check_deletions
from crash.load import MA_SUFFIX, World
from crash.report import Report

ENABLE_PURPOSE = "EnableRD"  # verification_codes.purpose / sms_outbox.purpose values
BIND_PURPOSE = "BindSecureMobilePhone"
Row = tuple[Any, ...]


class Rows(Protocol):
    def rows(self, query: str) -> list[Row]: ...


def bounded(report: Report, what: str, stored: int, ok: int, unknown: int) -> None:
    if not ok <= stored <= ok + unknown:
        report.fail(f"{what}: {stored} stored, but clients saw {ok} succeed and {unknown} unanswered")


KEPT_COUNTS = (
    "WITH kept_counts AS ("
    " SELECT 'directory' AS kind, d.directory_id AS id, d.member_count AS kept,"
    " (SELECT count(*) FROM members m WHERE m.directory_id = d.directory_id) AS counted FROM resource_directories d"
    " UNION ALL"
    " SELECT 'folder', f.folder_id, f.member_count,"
    " (SELECT count(*) FROM members m WHERE m.folder_id = f.folder_id) FROM folders f"
    " UNION ALL"
    " SELECT 'quota', q.quota_account_id || '/' || q.quota_day, q.sent,"
    " (SELECT count(*) FROM code_sends s WHERE s.quota_account_id = q.quota_account_id"
    " AND s.quota_day = q.quota_day) FROM code_quota q"
    " UNION ALL"  # sends no kept count counted
    " SELECT 'quota', s.quota_account_id || '/' || s.quota_day, 0, count(*) FROM code_sends s"
    " WHERE NOT EXISTS (SELECT 1 FROM code_quota q WHERE q.quota_account_id = s.quota_account_id"
    " AND q.quota_day = s.quota_day) GROUP BY s.quota_account_id, s.quota_day"
    ") SELECT kind, id, kept, counted FROM kept_counts"
)


@dataclass
class Stored:
    """The tables the checks compare, read once at the end."""

    codes: list[Row]
    sends: list[Row]
    outbox: list[Row]
    accounts: dict[str, Row]
    directories: list[Row]
    membership: dict[str, str]
    audit: list[Row]

    @classmethod
    def read(cls, store: Rows) -> Stored:
        return cls(
            codes=store.rows("SELECT purpose, account_id, phone, status FROM verification_codes"),
            sends=store.rows("SELECT quota_account_id, quota_day, phone FROM code_sends"),
            outbox=store.rows("SELECT message_id, purpose, account_id, phone, status FROM sms_outbox"),
            accounts={r[0]: r for r in store.rows("SELECT account_id, name, secure_mobile_phone FROM accounts")},
            directories=store.rows(
                "SELECT directory_id, master_account_id, master_account_name FROM resource_directories"
            ),
            membership=dict(store.rows("SELECT account_id, directory_id FROM members")),
            audit=store.rows("SELECT action, account_id, result FROM audit_events"),
        )


def check(report: Report, store: Rows, client: Client, world: World, quota: int) -> None:
    """Codes are only an upper bound: openrd purges used, voided and expired codes at every start (and every
    minute), so a consumed code may be gone; where one is left it must belong to the effect it paid for."""
    calls = client.calls
    stored = Stored.read(store)
    check_kept_counts(report, store)
    check_no_server_errors(report, calls)
    send_calls = [c for c in calls if c.op in ("send_enable", "send_bind")]
    check_sends(report, stored, send_calls)
    quota_figures = check_quota(report, stored, send_calls, world, quota)
    check_inbox(report, client, stored, send_calls)
    binds = check_binds(report, stored, [c for c in calls if c.op == "bind"], world)
    enables = check_enables(report, stored, [c for c in calls if c.op == "enable"], world)
    statuses = check_outbox(report, stored)
    deletions = check_deletions(report, store, calls, world.doomed_ids)
    report.figures = {
        "sends": {
            "ok": sum(c.result == OK for c in send_calls),
            "refused_quota": sum(c.detail.endswith("SendValidateCodeExceedsLimitForAccount") for c in send_calls),
            "refused_throttle": sum(c.detail.endswith("Throttling.User") for c in send_calls),
            "unknown": sum(c.result == UNKNOWN for c in send_calls),
            "send_records": len(stored.sends),
        },
        "quota": quota_figures,
        "binds": binds,
        "enables": enables,
        "outbox": statuses,
        "deletions": deletions,
    }


def check_kept_counts(report: Report, store: Rows) -> None:
    """7. the kept counts: members (triggers) and the daily quota (code_quota)."""
    for kind, key, kept, counted in store.rows(KEPT_COUNTS):
        if kept != counted:
            counts = "send records" if kind == "quota" else "members"
            report.fail(f"kept count of {kind} {key}: {kept} kept, {counted} {counts}")


def check_no_server_errors(report: Report, calls: list[Call]) -> None:
    """6. no 500s."""
    for call in calls:
        if call.result == ERROR and call.detail.startswith("5"):
            report.fail(f"{call.op} {call.phone}: the server answered {call.detail}")


def check_sends(report: Report, stored: Stored, send_calls: list[Call]) -> None:
    """1, 2, 4: sends — per phone, what the clients saw bounds what is stored."""
    by_phone: dict[str, list[Call]] = defaultdict(list)
    for c in send_calls:
        by_phone[c.phone].append(c)
    sends_by_phone = Counter(r[2] for r in stored.sends)
    outbox_by_phone: dict[str, list[Row]] = defaultdict(list)
    for r in stored.outbox:
        outbox_by_phone[r[3]].append(r)
    codes_by_phone = Counter(r[2] for r in stored.codes)
    for phone in set(sends_by_phone) | set(outbox_by_phone) | set(codes_by_phone):
        if phone not in by_phone:
            report.fail(f"{phone}: stored sends/codes/SMS for a phone no client sent to")
    for phone, seen in by_phone.items():
        ok = sum(c.result == OK for c in seen)
        unknown = sum(c.result == UNKNOWN for c in seen)
        bounded(report, f"send records for {phone}", sends_by_phone[phone], ok, unknown)
        bounded(report, f"SMS for {phone}", len(outbox_by_phone[phone]), ok, unknown)
        if codes_by_phone[phone] > ok + unknown:
            report.fail(f"codes for {phone}: {codes_by_phone[phone]} stored, only {ok + unknown} sends could issue")
        if len(outbox_by_phone[phone]) != sends_by_phone[phone]:
            report.fail(f"{phone}: {sends_by_phone[phone]} send records but {len(outbox_by_phone[phone])} SMS")
        expected = {(ENABLE_PURPOSE if c.op == "send_enable" else BIND_PURPOSE, c.target) for c in seen}
        for row in outbox_by_phone[phone]:
            if (row[1], row[2]) not in expected:
                report.fail(f"SMS {row[0]} to {phone} is for {row[1]}/{row[2]}, no client asked for that")


def check_quota(
    report: Report, stored: Stored, send_calls: list[Call], world: World, quota: int
) -> dict[str, dict[str, int]]:
    """4: quota per account; the figures of the quota accounts and the master."""
    quota_accounts = {c.account_id for c in world.quota_accounts} | set(world.candidate_ids) | {world.master.account_id}
    per_account = Counter(r[0] for r in stored.sends)
    per_day = Counter((r[0], r[1]) for r in stored.sends)
    quota_figures = {}
    for account in sorted(quota_accounts):
        mine = [c for c in send_calls if (c.caller if c.op == "send_enable" else world.master.account_id) == account]
        ok = sum(c.result == OK for c in mine)
        unknown = sum(c.result == UNKNOWN for c in mine)
        bounded(report, f"quota count of {account}", per_account[account], ok, unknown)
        if account in {c.account_id for c in world.quota_accounts} or account == world.master.account_id:
            quota_figures[account] = {"ok": ok, "unknown": unknown, "stored": per_account[account]}
    for (account, day), count in per_day.items():
        if count > quota:
            report.fail(f"{account} sent {count} codes on {day}, over the daily quota of {quota}")
    return quota_figures


def check_inbox(report: Report, client: Client, stored: Stored, send_calls: list[Call]) -> None:
    """1 (SMS readable through the control API): every successful send's message is in GET /_openrd/sms."""
    ok_phones = {c.phone for c in send_calls if c.result == OK}
    if len(stored.outbox) <= 1000:
        listed = {m["phone"] for m in client.control("GET", "/sms", params={"limit": 1000}).json()["messages"]}
        missing = ok_phones - listed
    else:
        missing = {p for p in ok_phones if not client.control("GET", "/sms", params={"phone": p}).json()["messages"]}
    for phone in sorted(missing):
        report.fail(f"{phone}: the send succeeded but GET /_openrd/sms has no message for it")


def check_binds(report: Report, stored: Stored, bind_calls: list[Call], world: World) -> dict[str, int]:
    """1, 2, 3: binds; their figures."""
    used_bind: dict[str, list[str]] = defaultdict(list)  # member -> phones of its consumed bind codes
    for r in stored.codes:
        if r[0] == BIND_PURPOSE and r[3] == "used":
            used_bind[r[1]].append(r[2])
    bound = 0
    for member in world.member_ids:
        mine = [c for c in bind_calls if c.target == member]
        ok = [c for c in mine if c.result == OK]
        maybe = {c.phone for c in mine if c.result == UNKNOWN}
        phone = stored.accounts[member][2]
        bound += phone is not None
        if len(ok) > 1:
            report.fail(f"member {member}: {len(ok)} binds succeeded (a code accepted twice?)")
        if ok and phone != ok[0].phone:
            report.fail(f"member {member}: the bind to {ok[0].phone} succeeded but the account has {phone}")
        if not ok and phone is not None and phone not in maybe:
            report.fail(f"member {member}: bound to {phone}, but no bind to it succeeded or went unanswered")
        if len(used_bind[member]) > 1:
            report.fail(f"member {member}: {len(used_bind[member])} bind codes consumed")
        if any(used != phone for used in used_bind[member]):
            report.fail(f"member {member}: phone {phone} but consumed codes for {used_bind[member]} (not atomic)")
    audit_binds = sum(1 for a in stored.audit if a == ("BindSecureMobilePhone", world.master.account_id, "success"))
    ok_binds = sum(c.result == OK for c in bind_calls)
    if audit_binds != bound or ok_binds > bound:  # a bind and its audit row commit together
        report.fail(f"audit: {audit_binds} successful binds, clients saw {ok_binds}, {bound} members are bound")
    return {"ok": ok_binds, "members_bound": bound, "members": len(world.member_ids), "audited": audit_binds}


def check_enables(report: Report, stored: Stored, enable_calls: list[Call], world: World) -> dict[str, int]:
    """1, 2, 3: enables; their figures."""
    used_enable = Counter(r[1] for r in stored.codes if r[0] == ENABLE_PURPOSE and r[3] == "used")
    by_name = {r[2]: r for r in stored.directories}
    names = {r[1]: r for r in stored.accounts.values()}
    enabled = 0
    for candidate in world.candidate_ids:
        mine = [c for c in enable_calls if c.target == candidate]
        name = f"ma{candidate}{MA_SUFFIX}"
        parts = (by_name.get(name), names.get(name), stored.membership.get(candidate))
        enabled += all(part is not None for part in parts)
        check_enable(report, candidate, mine, parts, used_enable[candidate], stored.audit)
    audited = sum(1 for a in stored.audit if a[0] == "EnableResourceDirectory" and a[2] == "success")
    return {
        "ok": sum(c.result == OK for c in enable_calls),
        "directories": enabled,
        "candidates": len(world.candidate_ids),
        "audited": audited,
    }


def check_enable(
    report: Report,
    candidate: str,
    mine: list[Call],
    found: tuple[Row | None, Row | None, str | None],
    used: int,
    audit: list[Row],
) -> None:
    """One candidate's enables against its (directory, new management account, membership) as stored."""
    directory, master, joined = found
    ok = [c for c in mine if c.result == OK]
    unknown = [c for c in mine if c.result == UNKNOWN]
    parts = (directory is not None, master is not None, joined is not None)
    if len(ok) > 1:
        report.fail(f"candidate {candidate}: {len(ok)} enables succeeded (a code accepted twice?)")
    if any(parts) and not all(parts):
        report.fail(f"candidate {candidate}: a partial enable (directory, account, membership) = {parts}")
    if ok and not all(parts):
        report.fail(f"candidate {candidate}: EnableResourceDirectory returned 200 but is not persisted {parts}")
    if ok and directory is not None and directory[0] != ok[0].detail:
        report.fail(f"candidate {candidate}: the client got {ok[0].detail}, the store has {directory[0]}")
    if directory is not None and (joined != directory[0] or master is None or directory[1] != master[0]):
        report.fail(f"candidate {candidate}: directory {directory} does not hang together")
    if master is not None and ok and master[2] != ok[0].phone:
        report.fail(f"candidate {candidate}: the new management account has phone {master[2]}")
    if not ok and not unknown and any(parts):
        report.fail(f"candidate {candidate}: every enable failed, but {parts} were written")
    if used > 1:
        report.fail(f"candidate {candidate}: {used} enable codes consumed")
    if used and not all(parts):
        report.fail(f"candidate {candidate}: enabled={all(parts)} but {used} consumed codes")
    audited = sum(1 for a in audit if a == ("EnableResourceDirectory", candidate, "success"))
    if audited != all(parts):
        report.fail(f"candidate {candidate}: {audited} successful enables in the audit log")


def check_outbox(report: Report, stored: Stored) -> dict[str, int]:
    """5: the outbox drained; its statuses."""
    for row in stored.outbox:
        if row[4] not in ("sent", "dead"):
            report.fail(f"SMS {row[0]} to {row[3]} is still {row[4]}")
    return dict(Counter(r[4] for r in stored.outbox))


def check_logs(report: Report, log_path: Path) -> None:
    for line in log_path.read_text(errors="replace").splitlines():
        if '"level": "ERROR"' in line or '"level": "CRITICAL"' in line or line.startswith("Traceback"):
            report.fail(f"server log: {line[:300]}")
