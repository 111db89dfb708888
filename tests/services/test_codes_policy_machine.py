"""A hypothesis state machine: the real issue_code/check_code on a real SQLite unit of work against a simple model
of docs/behaviour.md#verification-codes (per-phone rolling windows, daily quota in Asia/Shanghai, validity, single use,
newer voids older, attempt limit). Every send outcome (issued / Throttling.User with its retry-after / quota) and every
check (accepted / rejected) must agree."""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, precondition, rule, run_state_machine_as_test

from openrd import errors
from openrd.adapters.clock import FixedClock
from openrd.bootstrap import Runtime, build_runtime
from openrd.config import load_settings
from openrd.domain.sites import BUILTIN_SITES
from openrd.domain.times import epoch_ms
from openrd.domain.verification import CodePolicy, Purpose
from openrd.services import verification
from support.codes import store_env

# 15:50 UTC = 23:50 in Shanghai: a run of clock moves crosses the quota day's midnight.
START = datetime(2024, 3, 1, 15, 50, tzinfo=UTC)
TTL_MS = 300_000
MAX_ATTEMPTS = 5
PURPOSES = (Purpose.ENABLE_RD, Purpose.BIND_SECURE_MOBILE_PHONE)
ACCOUNTS = (0, 1)
PHONES = (0, 1)
DIGITS = st.text("0123456789", min_size=6, max_size=6)
KINDS = ("right", "wrong", "stale", "other-purpose", "other-account", "other-phone")

POLICIES = {
    # The documented windows (docs/behaviour.md#send-limits) with a reachable daily quota.
    "contract": CodePolicy(daily_quota=3),
    # The same rules on a compressed time scale, so the longest window and the quota are both reached often.
    "compressed": CodePolicy(daily_quota=3, per_phone_windows=((60, 1), (600, 3), (1800, 5))),
}


@pytest.fixture(scope="module")
def runtime(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runtime]:
    rt = build_runtime(load_settings(store_env(tmp_path_factory.mktemp("machine"))))
    yield rt
    rt.close()


@dataclass
class ModelCode:
    value: str
    expires_ms: int
    status: str = "active"  # active | used | void
    attempts: int = 0


@dataclass
class Model:
    windows: tuple[tuple[int, int], ...]
    quota: int
    sends: dict[str, list[int]] = field(default_factory=dict)  # phone -> issued times
    used: Counter[tuple[str, str]] = field(default_factory=Counter)  # (quota account, Shanghai day) -> issued
    codes: dict[tuple[str, str, str], ModelCode] = field(default_factory=dict)  # newest code per key
    history: dict[tuple[str, str, str], list[str]] = field(default_factory=dict)

    def wait_seconds(self, phone: str, now: int) -> tuple[int, int] | None:
        """(seconds, window) until the next send, found by trying each moment a past send leaves a window."""
        sent = self.sends.get(phone, [])

        def allowed_at(moment: int) -> bool:
            return all(sum(1 for t in sent if moment - w * 1000 < t <= moment) < n for w, n in self.windows)

        if allowed_at(now):
            return None
        moment = min(
            t + w * 1000 for t in sent for w, _ in self.windows if t + w * 1000 > now and allowed_at(t + w * 1000)
        )
        waits = {}
        for w, n in self.windows:
            inside = sorted(t for t in sent if now - w * 1000 < t <= now)
            if len(inside) >= n:
                waits[w] = inside[len(inside) - n] + w * 1000 - now
        return -(-(moment - now) // 1000), max(waits, key=lambda w: (waits[w], w))

    @staticmethod
    def day(now: int) -> str:
        return (datetime.fromtimestamp(now / 1000, UTC) + timedelta(hours=8)).date().isoformat()


NAMESPACES = itertools.count(1)
DERANDOMIZE = True  # deterministic in CI; coverage below holds for random seeds too (checked)


def make_machine(runtime: Runtime, policy: CodePolicy, seen: Counter[str]) -> type[RuleBasedStateMachine]:
    deps = runtime.deps

    class CodeMachine(RuleBasedStateMachine):
        @initialize()
        def fresh_world(self) -> None:
            ns = next(NAMESPACES)
            self.accounts = [f"{ns:012d}{i:04d}" for i in ACCOUNTS]
            self.management = f"{ns:012d}9999"  # pays the quota of Bind codes for both members
            self.phones = [f"86-1{ns:06d}{i:04d}" for i in PHONES]
            self.clock = FixedClock(START)
            self.model = Model(policy.per_phone_windows, policy.daily_quota)
            self.quota_refused: set[str] = set()

        def key(self, purpose: Purpose, account: int, phone: int) -> tuple[str, str, str]:
            return (purpose.value, self.accounts[account], self.phones[phone])

        @rule(
            sends=st.lists(
                st.tuples(
                    st.sampled_from(PURPOSES), st.sampled_from(ACCOUNTS), st.sampled_from(PHONES), st.integers(0, 90)
                ),
                min_size=1,
                max_size=3,
            )
        )
        def send(self, sends: list[tuple[Purpose, int, int, int]]) -> None:
            """A few sends, each after a pause of 0-90 s (so sends are not mostly throttled)."""
            for purpose, account, phone, pause in sends:
                self.clock.advance(pause)
                self.do_send(purpose, account, phone)

        def do_send(self, purpose: Purpose, account: int, phone: int) -> None:
            key = self.key(purpose, account, phone)
            quota_account = key[1] if purpose is Purpose.ENABLE_RD else self.management
            now = epoch_ms(self.clock.now())
            model, day = self.model, Model.day(now)
            expected_wait = model.wait_seconds(key[2], now)
            try:
                with deps.uow() as uow:
                    issued = verification.issue_code(
                        uow,
                        policy=policy,
                        rng=deps.rng,
                        box=deps.box,
                        now=self.clock.now(),
                        purpose=purpose,
                        account_id=key[1],
                        quota_account_id=quota_account,
                        quota_site=BUILTIN_SITES["cn"],
                        phone=key[2],
                        language="zh",
                    )
            except errors.ThrottlingUser as exc:
                retry_after = exc.retry_after
                assert expected_wait is not None, "engine throttled, model allows"
                assert retry_after == expected_wait[0]
                seen[f"throttled-{expected_wait[1]}s"] += 1
                return
            except errors.SendValidateCodeExceedsLimitForAccount:
                assert expected_wait is None, f"model throttles for {expected_wait}"
                assert model.used[(quota_account, day)] >= model.quota, "engine refused quota, model allows"
                seen["quota"] += 1
                self.quota_refused.add(quota_account)
                return
            assert expected_wait is None, f"engine issued, model throttles for {expected_wait}"
            assert model.used[(quota_account, day)] < model.quota, "engine issued over the daily quota"
            if quota_account in self.quota_refused:
                seen["issued-after-quota-day-changed"] += 1
                self.quota_refused.discard(quota_account)
            with deps.uow(write=False) as uow:
                message = uow.outbox.get(issued.message_id)
            assert message is not None
            assert message.code is not None
            assert len(message.code) == policy.length
            assert message.code.isdigit()
            assert message.text is not None
            assert message.code in message.text
            assert (message.purpose, message.account_id, message.phone) == key
            assert issued.expires_ms == now + TTL_MS
            model.sends.setdefault(key[2], []).append(now)
            model.used[(quota_account, day)] += 1
            if key in model.codes and model.codes[key].status == "active":
                seen["voided-by-newer"] += 1
            model.codes[key] = ModelCode(message.code, now + TTL_MS)
            model.history.setdefault(key, []).append(message.code)
            seen["issued"] += 1

        def pick_code(self, key: tuple[str, str, str], kind: str, wrong: str) -> str:
            history = self.model.history.get(key, [])
            purpose, account, phone = (
                PURPOSES.index(Purpose(key[0])),
                self.accounts.index(key[1]),
                self.phones.index(key[2]),
            )
            other = {
                "other-purpose": self.key(PURPOSES[1 - purpose], account, phone),
                "other-account": self.key(PURPOSES[purpose], 1 - account, phone),
                "other-phone": self.key(PURPOSES[purpose], account, 1 - phone),
            }
            if kind == "right" and history:
                return history[-1]
            if kind == "stale" and len(history) > 1:
                return history[-2]
            if kind in other and self.model.history.get(other[kind]):
                return self.model.history[other[kind]][-1]
            return wrong

        def verify(self, key: tuple[str, str, str], given: str, kind: str) -> None:
            model = self.model
            now = epoch_ms(self.clock.now())
            with deps.uow() as uow:
                accepted = verification.check_code(
                    uow,
                    policy=policy,
                    box=deps.box,
                    now=self.clock.now(),
                    purpose=Purpose(key[0]),
                    account_id=key[1],
                    phone=key[2],
                    code=given,
                )
            code = model.codes.get(key)
            if code is None:
                expected, outcome = False, "rejected-no-code"
            elif code.status != "active":
                expected, outcome = False, f"rejected-{code.status}"
            elif now >= code.expires_ms:
                expected, outcome = False, "rejected-expired"
            elif given == code.value:
                expected, outcome = True, "accepted"
                code.status = "used"
            else:
                expected, outcome = False, "rejected-wrong"
                code.attempts += 1
                if code.attempts >= MAX_ATTEMPTS:
                    code.status = "void"
                    outcome = "rejected-wrong-and-voided"
            assert accepted == expected, f"{outcome}: engine said {accepted} for a {kind} code"
            seen[outcome] += 1
            if outcome.startswith("rejected-wrong") and kind not in ("right", "wrong"):
                seen[f"refused-{kind}"] += 1

        @rule(
            purpose=st.sampled_from(PURPOSES),
            account=st.sampled_from(ACCOUNTS),
            phone=st.sampled_from(PHONES),
            kind=st.sampled_from(KINDS),
            wrong=DIGITS,
        )
        def check(self, purpose: Purpose, account: int, phone: int, kind: str, wrong: str) -> None:
            key = self.key(purpose, account, phone)
            self.verify(key, self.pick_code(key, kind, wrong), kind)

        @precondition(lambda self: bool(self.model.history))
        @rule(data=st.data(), kind=st.sampled_from(KINDS), wrong=DIGITS)
        def check_issued(self, data: st.DataObject, kind: str, wrong: str) -> None:
            key = data.draw(st.sampled_from(sorted(self.model.history)))
            self.verify(key, self.pick_code(key, kind, wrong), kind)

        def live_keys(self) -> list[tuple[str, str, str]]:
            now = epoch_ms(self.clock.now())
            return sorted(k for k, c in self.model.codes.items() if c.status == "active" and now < c.expires_ms)

        @precondition(lambda self: bool(self.live_keys()))
        @rule(data=st.data(), kind=st.sampled_from(("right", *KINDS)), again=st.booleans(), wrong=DIGITS)
        def check_live(self, data: st.DataObject, kind: str, again: bool, wrong: str) -> None:
            """A check on a key whose code the model says is usable: the right code (maybe twice), a stale one,
            or one issued for another purpose, account or phone."""
            key = data.draw(st.sampled_from(self.live_keys()))
            given = self.pick_code(key, kind, wrong)
            for _ in range(2 if again else 1):
                self.verify(key, given, kind)

        @precondition(lambda self: bool(self.model.history))
        @rule(data=st.data(), tries=st.integers(1, MAX_ATTEMPTS), wrong=DIGITS)
        def guess(self, data: st.DataObject, tries: int, wrong: str) -> None:
            key = data.draw(st.sampled_from(sorted(self.model.history)))
            for _ in range(tries):
                self.verify(key, wrong, "wrong")

        @precondition(lambda self: bool(self.model.history))
        @rule(data=st.data())
        def resend(self, data: st.DataObject) -> None:
            purpose, account, phone = data.draw(st.sampled_from(sorted(self.model.history)))
            self.do_send(Purpose(purpose), self.accounts.index(account), self.phones.index(phone))

        @rule(seconds=st.integers(0, 400))
        def advance(self, seconds: int) -> None:
            self.clock.advance(seconds)

        @precondition(lambda self: bool(self.quota_refused))
        @rule(offset=st.integers(-2, 2))
        def to_quota_midnight(self, offset: int) -> None:
            """Once a quota is used up, jump to around the next midnight in Asia/Shanghai (16:00 UTC)."""
            now = self.clock.now()
            midnight = now.replace(hour=16, minute=0, second=0, microsecond=0)
            if midnight - timedelta(seconds=2) <= now:
                midnight += timedelta(days=1)
            self.clock.current = midnight + timedelta(seconds=offset)

    return CodeMachine


@pytest.mark.parametrize("name", list(POLICIES))
def test_code_policy_agrees_with_the_model(runtime: Runtime, name: str) -> None:
    seen: Counter[str] = Counter()
    machine = make_machine(runtime, POLICIES[name], seen)
    run_state_machine_as_test(
        machine,
        settings=settings(
            max_examples=40,
            derandomize=DERANDOMIZE,  # the coverage check below must not depend on luck
            stateful_step_count=60,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
    # The run must have reached every rule it claims to test, or agreement means little.
    must_see = [
        "issued",
        "quota",
        "throttled-60s",
        "accepted",
        "rejected-used",
        "rejected-expired",
        "rejected-wrong",
        "rejected-wrong-and-voided",
        "rejected-void",
        "voided-by-newer",
        "refused-stale",
        "refused-other-purpose",
        "refused-other-account",
        "refused-other-phone",
    ]
    if name == "compressed":
        must_see += ["throttled-600s", "throttled-1800s"]  # the longest window decides
    else:
        must_see += ["throttled-3600s", "issued-after-quota-day-changed"]
    missing = [outcome for outcome in must_see if not seen[outcome]]
    assert not missing, f"never reached {missing}; saw {dict(seen)}"


def test_model_rejects_a_second_send_within_a_minute() -> None:
    """The model itself, on the documented windows: a sanity check that it can say no."""
    model = Model(CodePolicy().per_phone_windows, 100)
    model.sends["p"] = [0]
    assert model.wait_seconds("p", 59_001) == (1, 60)
    assert model.wait_seconds("p", 60_000) is None
    model.sends["p"] = [0, 600_000, 1_200_000, 1_800_000, 2_400_000]
    assert model.wait_seconds("p", 3_000_000) == (600, 3600)
