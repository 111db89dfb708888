"""Crash safety (CONTRIBUTING.md#crash-check) in CI: ``scripts/crash_check.py`` for a few SIGKILL cycles on each store,
and the checker itself shown to catch each kind of violation (so a green run is not a checker that looks at nothing).

The longer run is by hand: ``python scripts/crash_check.py --cycles 50 --store postgresql``.
"""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from support.store import POSTGRES_ADMIN_URL, postgres_reason

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "crash_check.py"
CYCLES = {"sqlite": 3, "postgresql": 2}


class Run:
    """One ``crash_check.py`` subprocess. A message leased by a killed server waits out openrd's 60 s lease before
    it is delivered again, so a run can take a minute; the two stores' runs go side by side to share that wait."""

    def __init__(self, store: str, workdir: Path) -> None:
        self.summary = workdir / "summary.json"
        self.output = workdir / "output.txt"
        args = [
            "--cycles",
            str(CYCLES[store]),
            "--store",
            store,
            "--json",
            str(self.summary),
            "--workdir",
            str(workdir),
        ]
        env = dict(os.environ, OPENRD_TEST_POSTGRES_URL=POSTGRES_ADMIN_URL)
        with self.output.open("wb") as output:
            self.process = subprocess.Popen(
                [sys.executable, str(SCRIPT), *args],
                stdout=output,
                stderr=subprocess.STDOUT,
                env=env,
                start_new_session=True,  # its own process group: the server it starts goes with it
            )

    def result(self, timeout: float = 240) -> dict[str, Any]:
        try:
            returncode = self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise
        output = self.output.read_text(errors="replace")
        print(output)  # the summary, in the test's captured output
        assert returncode == 0, output
        report: dict[str, Any] = json.loads(self.summary.read_text())
        return report

    def stop(self) -> None:
        """SIGTERM lets the script stop its server and drop its database; SIGKILL to the group if it does not."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


@pytest.fixture(scope="module")
def runs(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Run | str]]:
    """The selected stores' runs, started together; where PostgreSQL does not answer, the reason instead of its run."""
    selected = {item.name for item in request.session.items}
    started: dict[str, Run | str] = {}
    for store in CYCLES:
        if f"test_crash_check_on_{store}" not in selected:
            continue
        reason = postgres_reason() if store == "postgresql" else None
        started[store] = reason or Run(store, tmp_path_factory.mktemp(f"crash-{store}"))
    yield started
    for run in started.values():
        if isinstance(run, Run):
            run.stop()


def assert_real_work(report: dict[str, Any], cycles: int) -> None:
    assert report["kills"] == cycles
    assert report["violations"] == []
    figures = report["figures"]
    assert figures["sends"]["ok"] > 0
    assert figures["binds"]["ok"] > 0
    assert figures["enables"]["ok"] > 0
    assert figures["deletions"]["ok"] > 0
    assert set(figures["outbox"]) <= {"sent", "dead"}
    assert sum(figures["outbox"].values()) == figures["sends"]["send_records"]


def test_crash_check_on_sqlite(runs: dict[str, Run | str]) -> None:
    run = runs["sqlite"]
    assert isinstance(run, Run)
    assert_real_work(run.result(), CYCLES["sqlite"])


@pytest.mark.postgres
def test_crash_check_on_postgresql(runs: dict[str, Run | str]) -> None:
    run = runs["postgresql"]
    if isinstance(run, str):
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the PostgreSQL tests: {run}")
        pytest.skip(run)
    assert_real_work(run.result(), CYCLES["postgresql"])


# ------------------------------------------------------------------------- the checker catches violations


@pytest.fixture(scope="module")
def crash_check() -> ModuleType:
    spec = importlib.util.spec_from_file_location("crash_check", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["crash_check"] = module  # dataclasses resolve their module by name
    spec.loader.exec_module(module)
    return module


QUOTA_ACCOUNT, MASTER, MEMBER, CANDIDATE = (
    "1000000000000001",
    "1000000000000002",
    "1000000000000003",
    "1000000000000004",
)
NEW_MA = "1000000000000005"
DELETED, KEPT = "1000000000000006", "1000000000000007"  # resource accounts: one deleted, one whose deletion failed
MA_NAME = f"ma{CANDIDATE}@rdadmin.aliyunid.com"
P1, P2, P3, P4 = "86-13900000001", "86-13900000002", "86-13900000003", "86-13900000004"


@dataclass
class FakeStore:
    tables: dict[str, list[tuple[Any, ...]]] = field(default_factory=dict)

    def rows(self, query: str) -> list[tuple[Any, ...]]:
        return list(self.tables[query.rsplit(" FROM ", 1)[1].split()[0]])


class FakeResponse:
    def __init__(self, body: dict[str, Any]) -> None:
        self.body = body

    def json(self) -> dict[str, Any]:
        return self.body


@dataclass
class FakeClient:
    calls: list[Any]
    inbox: list[str]

    def control(self, method: str, path: str, **kwargs: Any) -> FakeResponse:
        phone = kwargs.get("params", {}).get("phone")
        return FakeResponse({"messages": [{"phone": p} for p in self.inbox if phone in (None, p)]})


def consistent_world(cc: ModuleType) -> tuple[FakeStore, FakeClient, Any]:
    """A quota send to P1 (ok), one to P2 refused; a member bound to P3; a candidate enabled with P4."""
    calls = [
        cc.Call("send_enable", QUOTA_ACCOUNT, QUOTA_ACCOUNT, P1, "ok"),
        cc.Call("send_enable", QUOTA_ACCOUNT, QUOTA_ACCOUNT, P2, "error", "409 SendValidateCodeExceedsLimitForAccount"),
        cc.Call("send_bind", MASTER, MEMBER, P3, "ok"),
        cc.Call("bind", MASTER, MEMBER, P3, "ok"),
        cc.Call("send_enable", CANDIDATE, CANDIDATE, P4, "ok"),
        cc.Call("enable", CANDIDATE, CANDIDATE, P4, "ok", "rd-abc123", name=MA_NAME),
        cc.Call("delete", MASTER, DELETED, "", "ok"),
        cc.Call("delete", MASTER, DELETED, "", "error", "409 AccountNotExist.DeleteAccount"),
        cc.Call("delete", MASTER, KEPT, "", "unknown", "ConnectError"),
    ]
    store = FakeStore(
        {
            "verification_codes": [("EnableRD", QUOTA_ACCOUNT, P1, "active"), ("EnableRD", CANDIDATE, P4, "used")],
            "code_sends": [
                (QUOTA_ACCOUNT, "2026-01-01", P1),
                (MASTER, "2026-01-01", P3),
                (CANDIDATE, "2026-01-01", P4),
            ],
            "sms_outbox": [
                ("m1", "EnableRD", QUOTA_ACCOUNT, P1, "sent"),
                ("m3", "BindSecureMobilePhone", MEMBER, P3, "sent"),
                ("m4", "EnableRD", CANDIDATE, P4, "sent"),
            ],
            "accounts": [
                (QUOTA_ACCOUNT, "q", None),
                (MASTER, "m", "86-13900009999"),
                (MEMBER, "member", P3),
                (CANDIDATE, "c", None),
                (NEW_MA, MA_NAME, P4),
                (KEPT, "kept", None),
            ],
            "resource_directories": [("rd-master", MASTER, "m"), ("rd-abc123", NEW_MA, MA_NAME)],
            "members": [
                (MASTER, "rd-master"),
                (MEMBER, "rd-master"),
                (NEW_MA, "rd-abc123"),
                (CANDIDATE, "rd-abc123"),
                (KEPT, "rd-master"),
            ],
            "access_keys": [(KEPT,)],
            "ram_users": [(KEPT,)],
            "account_deletions": [(DELETED, 1_700_000_000_000)],
            "kept_counts": [
                ("directory", "rd-master", 2, 2),
                ("folder", "r-master", 2, 2),
                ("quota", f"{QUOTA_ACCOUNT}/2026-01-01", 1, 1),
            ],
            "audit_events": [
                ("BindSecureMobilePhone", MASTER, "success"),
                ("EnableResourceDirectory", CANDIDATE, "success"),
            ],
        }
    )
    creds = cc.Creds("ak", "secret", QUOTA_ACCOUNT)
    world = cc.World(
        master=cc.Creds("ak", "secret", MASTER),
        user=cc.Creds("ak", "secret", MASTER),
        members=None,
        candidates=None,
        quota_accounts=[creds],
        member_ids=[MEMBER],
        candidate_ids=[CANDIDATE],
        doomed_ids=[DELETED, KEPT],
    )
    return store, FakeClient(calls, inbox=[P1, P3, P4]), world


def violations(cc: ModuleType, store: FakeStore, client: FakeClient, world: Any, quota: int = 10) -> list[str]:
    report = cc.Report("fake", 0, 0)
    cc.check(report, store, client, world, quota)
    return list(report.violations)


def test_the_checker_passes_a_consistent_world(crash_check: ModuleType) -> None:
    assert violations(crash_check, *consistent_world(crash_check)) == []


def _bind_failed(store: FakeStore, client: FakeClient) -> None:
    ok = client.calls[3]
    client.calls[3] = type(ok)("bind", MASTER, MEMBER, P3, "error", "409 Invalid.VerificationCode")


def _server_error(store: FakeStore, client: FakeClient) -> None:
    client.calls.append(type(client.calls[0])("bind", MASTER, MEMBER, P3, "error", "500 InternalError"))


def _pop(table: str, index: int) -> Any:
    return lambda s, c: s.tables[table].pop(index)


def _add(table: str, *rows: tuple[Any, ...]) -> Any:
    return lambda s, c: s.tables[table].extend(rows)


def _set(table: str, index: int, row: tuple[Any, ...]) -> Any:
    return lambda s, c: s.tables[table].__setitem__(index, row)


# What breaks, how, and what the checker must say about it.
BREAKAGES: dict[str, tuple[Any, str]] = {
    "a successful send lost its SMS and send record": (
        lambda s, c: (s.tables["sms_outbox"].pop(0), s.tables["code_sends"].pop(0)),
        f"send records for {P1}: 0 stored",
    ),
    "a successful send lost only its SMS": (_pop("sms_outbox", 0), f"SMS for {P1}: 0 stored"),
    "a refused send left a send record": (
        _add("code_sends", (QUOTA_ACCOUNT, "2026-01-01", P2)),
        f"send records for {P2}",
    ),
    "a refused send left an SMS": (_add("sms_outbox", ("m2", "EnableRD", QUOTA_ACCOUNT, P2, "sent")), f"SMS for {P2}"),
    "a refused send left a code": (
        _add("verification_codes", ("EnableRD", QUOTA_ACCOUNT, P2, "active")),
        f"codes for {P2}",
    ),
    "an SMS for a target nobody asked for": (
        _set("sms_outbox", 0, ("m1", "EnableRD", MEMBER, P1, "sent")),
        "no client asked for that",
    ),
    "a successful send is not in GET /_openrd/sms": (
        lambda s, c: c.inbox.remove(P1),
        "GET /_openrd/sms has no message",
    ),
    "a successful bind is not persisted": (_set("accounts", 2, (MEMBER, "member", None)), "succeeded but the account"),
    "a failed bind bound the phone": (_bind_failed, "no bind to it succeeded"),
    "a code accepted twice": (lambda s, c: c.calls.append(c.calls[3]), "2 binds succeeded"),
    "a bind code consumed without its bind": (
        _add("verification_codes", ("BindSecureMobilePhone", MEMBER, P1, "used")),
        "not atomic",
    ),
    "a successful enable is not persisted": (_pop("resource_directories", 1), "returned 200 but is not persisted"),
    "a partial enable": (_pop("members", 3), "a partial enable"),
    "a message left pending": (
        _set("sms_outbox", 0, ("m1", "EnableRD", QUOTA_ACCOUNT, P1, "pending")),
        "still pending",
    ),
    "over the daily quota": (_add("code_sends", *[(QUOTA_ACCOUNT, "2026-01-02", P1)] * 11), "over the daily quota"),
    "two successful binds in the audit log": (
        _add("audit_events", ("BindSecureMobilePhone", MASTER, "success")),
        "audit: 2 successful binds",
    ),
    "a persisted bind without its audit row": (_pop("audit_events", 0), "audit: 0 successful binds"),
    "a persisted enable without its audit row": (_pop("audit_events", 1), "successful enables in the audit log"),
    "a 500": (_server_error, "answered 500 InternalError"),
    "a deletion that left the AccessKey behind": (_add("access_keys", (DELETED,)), f"account {DELETED}: a partial"),
    "a deletion without its record": (_pop("account_deletions", 0), f"account {DELETED}: a partial"),
    "a successful deletion not persisted": (
        lambda s, c: c.calls.append(type(c.calls[0])("delete", MASTER, KEPT, "", "ok")),
        f"the deletion of {KEPT} returned 200",
    ),
    "an account deleted twice": (
        lambda s, c: c.calls.append(type(c.calls[0])("delete", MASTER, DELETED, "", "ok")),
        f"account {DELETED}: 2 deletions succeeded",
    ),
    "an account deleted though every deletion was refused": (
        lambda s, c: c.calls.__setitem__(6, type(c.calls[0])("delete", MASTER, DELETED, "", "error", "409 X")),
        f"account {DELETED} is deleted, but no deletion",
    ),
    "a kept member count off": (
        _set("kept_counts", 1, ("folder", "r-master", 3, 2)),
        "kept count of folder r-master: 3 kept, 2 members",
    ),
    "a kept quota count off": (
        _set("kept_counts", 2, ("quota", f"{QUOTA_ACCOUNT}/2026-01-01", 0, 1)),
        f"kept count of quota {QUOTA_ACCOUNT}/2026-01-01: 0 kept, 1 send records",
    ),
}


@pytest.mark.parametrize("breakage", list(BREAKAGES))
def test_the_checker_catches(crash_check: ModuleType, breakage: str) -> None:
    store, client, world = consistent_world(crash_check)
    breaks, says = BREAKAGES[breakage]
    breaks(store, client)
    found = violations(crash_check, store, client, world)
    assert any(says in v for v in found), found
