"""deliver_due, the lease, the retry schedule, retry_dead and DeliveryWorker on a real SQLite outbox, with a
scripted sender and hand-moved clocks (docs/behaviour.md#sms-delivery: at-least-once, never lost)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest

from openrd.adapters.clock import FixedClock
from openrd.bootstrap import Runtime, build_runtime
from openrd.config import load_settings
from openrd.domain.sms import OutboundSms, RetryPolicy
from openrd.domain.times import epoch_ms
from openrd.services import delivery
from openrd.services import errors as service_errors
from openrd.services.ports import DeliveryError
from support.codes import store_env, wait_for

START = datetime(2024, 5, 1, 4, 0, tzinfo=UTC)


@dataclass
class ScriptedSender:
    """Fails with the scripted errors first, then delivers; records every message it was handed."""

    script: list[BaseException] = field(default_factory=list)
    name: str = "scripted"
    keeps_text: bool = False
    seen: list[OutboundSms] = field(default_factory=list)

    def deliver(self, message: OutboundSms) -> None:
        self.seen.append(message)
        if self.script:
            raise self.script.pop(0)


@pytest.fixture
def runtime(tmp_path: Path) -> Iterator[Runtime]:
    rt = build_runtime(load_settings(store_env(tmp_path)))
    yield rt
    rt.close()


def queue(rt: Runtime, message_id: str = "m1", phone: str = "86-13900000001") -> None:
    with rt.deps.uow() as uow:
        uow.outbox.add(
            message_id=message_id,
            purpose="EnableRD",
            account_id="1234567890123456",
            phone=phone,
            language="zh",
            text="【阿里云】验证码482913，您正在开通资源目录，5分钟内有效。请勿将验证码告诉他人。",
            code="482913",
            now_ms=epoch_ms(START),
            due_ms=0,
        )


def status(rt: Runtime, message_id: str = "m1") -> tuple[str, int, str | None]:
    with rt.deps.uow(write=False) as uow:
        record = uow.outbox.get(message_id)
    assert record is not None
    return record.status.value, record.attempts, record.text


class Pass:
    def __init__(self, rt: Runtime, sender: ScriptedSender, retry: RetryPolicy) -> None:
        self.rt, self.sender, self.retry = rt, sender, retry
        self.wall = FixedClock(START)
        self.clock = FixedClock(START)

    def __call__(self) -> list[delivery.DeliveryOutcome]:
        return list(
            delivery.deliver_due(
                uow_factory=self.rt.deps.uow,
                sender=self.sender,
                clock=self.clock,
                wall_clock=self.wall,
                retry=self.retry,
                jitter=lambda: 1.0,
            )
        )


def test_retries_follow_the_backoff_on_the_wall_clock(runtime: Runtime) -> None:
    sender = ScriptedSender([DeliveryError("busy"), DeliveryError("busy")])
    run = Pass(runtime, sender, RetryPolicy(max_attempts=5, base_seconds=10, max_seconds=300))
    queue(runtime)
    assert run() == [delivery.DeliveryOutcome("m1", delivered=False)]
    assert status(runtime)[:2] == ("failed", 1)
    run.clock.advance(3600)  # the business clock does not schedule retries
    run.wall.advance(9.9)
    assert run() == []
    run.wall.advance(0.2)  # 10 s after the first failure
    assert run() == [delivery.DeliveryOutcome("m1", delivered=False)]
    run.wall.advance(19.9)
    assert run() == []
    run.wall.advance(0.2)  # then 20 s
    assert run() == [delivery.DeliveryOutcome("m1", delivered=True)]
    assert status(runtime) == ("sent", 3, None)  # the text is gone with a sender that does not keep it
    assert run() == []
    assert [m.message_id for m in sender.seen] == ["m1"] * 3
    assert {m.code for m in sender.seen} == {"482913"}
    with runtime.deps.uow(write=False) as uow:
        record = uow.outbox.get("m1")
    assert record is not None
    assert record.sent_ms == epoch_ms(run.clock.now())  # the sent time is on the business clock


def test_attempt_limit_makes_a_dead_letter(runtime: Runtime) -> None:
    sender = ScriptedSender([DeliveryError("busy")] * 10)
    run = Pass(runtime, sender, RetryPolicy(max_attempts=3, base_seconds=1, max_seconds=1))
    queue(runtime)
    outcomes = []
    for _ in range(6):
        outcomes += run()
        run.wall.advance(2)
    assert [o.dead for o in outcomes] == [False, False, True]
    assert status(runtime)[:2] == ("dead", 3)
    assert status(runtime)[2] is not None  # kept for the operator's retry


def test_permanent_failure_is_dead_at_once(runtime: Runtime) -> None:
    run = Pass(runtime, ScriptedSender([DeliveryError("refused", permanent=True)]), RetryPolicy())
    queue(runtime)
    assert run() == [delivery.DeliveryOutcome("m1", delivered=False, dead=True)]
    run.wall.advance(10_000)
    assert run() == []


def test_a_sender_bug_does_not_lose_the_message(runtime: Runtime) -> None:
    sender = ScriptedSender([RuntimeError("boom")])
    run = Pass(runtime, sender, RetryPolicy(base_seconds=1, max_seconds=1))
    queue(runtime)
    assert run() == [delivery.DeliveryOutcome("m1", delivered=False)]
    with runtime.deps.uow(write=False) as uow:
        assert uow.outbox.get("m1").last_error == "RuntimeError"  # type: ignore[union-attr]
    run.wall.advance(2)
    assert run() == [delivery.DeliveryOutcome("m1", delivered=True)]


def test_a_lease_hides_a_message_until_it_expires(runtime: Runtime) -> None:
    """A worker that died mid-delivery leaves a lease; after it expires another worker tries again."""
    queue(runtime)
    now_ms = epoch_ms(START)
    with runtime.deps.uow() as uow:
        (claimed,) = uow.outbox.claim_due(now_ms=now_ms, lease_ms=60_000, limit=10)
    assert claimed.message_id == "m1"
    assert claimed.attempts == 1
    with runtime.deps.uow() as uow:
        assert uow.outbox.claim_due(now_ms=now_ms + 59_999, lease_ms=60_000, limit=10) == []
    with runtime.deps.uow() as uow:
        (again,) = uow.outbox.claim_due(now_ms=now_ms + 60_001, lease_ms=60_000, limit=10)
    assert again.attempts == 2


def test_retry_dead_requeues_only_dead_messages(runtime: Runtime) -> None:
    run = Pass(runtime, ScriptedSender([DeliveryError("refused", permanent=True)]), RetryPolicy())
    queue(runtime)
    with pytest.raises(service_errors.MessageNotDead):
        delivery.retry_dead(runtime.deps, message_id="m1")  # pending, not dead
    run()
    with pytest.raises(service_errors.MessageNotFound):
        delivery.retry_dead(runtime.deps, message_id="nope")
    delivery.retry_dead(runtime.deps, message_id="m1")
    assert status(runtime)[:2] == ("pending", 0)
    assert run() == [delivery.DeliveryOutcome("m1", delivered=True)]


def test_two_dispatchers_share_a_backlog_without_double_delivery(runtime: Runtime) -> None:
    for i in range(30):
        queue(runtime, f"m{i:02d}", phone=f"86-139000000{i:02d}")
    sender = ScriptedSender()
    lock = threading.Lock()
    original = sender.deliver

    def deliver(message: OutboundSms) -> None:
        with lock:
            original(message)

    sender.deliver = deliver  # type: ignore[method-assign]
    passes = [Pass(runtime, sender, RetryPolicy()) for _ in range(2)]
    threads = [threading.Thread(target=lambda p=p: [p() for _ in range(5)]) for p in passes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(m.message_id for m in sender.seen) == [f"m{i:02d}" for i in range(30)]
    with runtime.deps.uow(write=False) as uow:
        assert uow.outbox.counts_by_status() == {"sent": 30}


def test_worker_delivers_on_wake_and_stop_leaves_the_rest_pending(runtime: Runtime) -> None:
    gate = threading.Event()
    sender = ScriptedSender()
    original = sender.deliver

    def deliver(message: OutboundSms) -> None:
        gate.wait(10)
        original(message)

    sender.deliver = deliver  # type: ignore[method-assign]
    run = Pass(runtime, sender, RetryPolicy())
    run.wall = FixedClock(datetime.now(UTC))
    worker = delivery.DeliveryWorker(run, poll_seconds=0.05)
    worker.start()
    assert worker.running
    queue(runtime, "m1")
    worker.wake()
    gate.set()
    wait_for(lambda: status(runtime, "m1")[0] == "sent")
    worker.stop()
    assert not worker.running
    queue(runtime, "m2", phone="86-13900000002")
    worker.wake()  # stopped: nothing happens
    assert status(runtime, "m2")[:2] == ("pending", 0)
    worker.start()
    wait_for(lambda: status(runtime, "m2")[0] == "sent")
    worker.stop()


def test_worker_maintenance_is_paced_by_elapsed_time_not_by_wakes() -> None:
    """Send traffic wakes the dispatcher after every commit; the hourly purge must still run once an hour."""
    passes: list[int] = []
    purges: list[int] = []

    def deliver() -> list[delivery.DeliveryOutcome]:
        passes.append(1)
        return []

    worker = delivery.DeliveryWorker(
        deliver, maintenance=(lambda: purges.append(1),), poll_seconds=0.05, maintenance_seconds=3600
    )
    worker.start()
    try:
        wait_for(lambda: purges)  # once at start
        for _ in range(200):
            worker.wake()
        wait_for(lambda: len(passes) > 50)
    finally:
        worker.stop()
    assert len(purges) == 1


def test_worker_maintenance_off_when_interval_is_zero() -> None:
    passes: list[int] = []
    purges: list[int] = []

    def deliver() -> list[delivery.DeliveryOutcome]:
        passes.append(1)
        return []

    worker = delivery.DeliveryWorker(
        deliver, maintenance=(lambda: purges.append(1),), poll_seconds=0.01, maintenance_seconds=0
    )
    worker.start()
    try:
        wait_for(lambda: len(passes) > 20)
    finally:
        worker.stop()
    assert purges == []


def test_worker_maintenance_repeats_after_its_interval() -> None:
    purges: list[int] = []
    worker = delivery.DeliveryWorker(
        lambda: [], maintenance=(lambda: purges.append(1),), poll_seconds=0.01, maintenance_seconds=0.05
    )
    worker.start()
    try:
        wait_for(lambda: len(purges) >= 3)
    finally:
        worker.stop()


def test_worker_lingers_after_a_wake_so_close_sends_share_a_pass() -> None:
    """Wakes that come while the worker lingers are served by the one pass that follows."""
    passes: list[int] = []

    def deliver() -> list[delivery.DeliveryOutcome]:
        passes.append(1)
        return []

    worker = delivery.DeliveryWorker(deliver, poll_seconds=30, linger_seconds=1.0)
    worker.start()
    try:
        wait_for(lambda: len(passes) == 1)  # the pass at start
        for _ in range(5):  # a send every 50 ms: without the linger, a pass each
            worker.wake()
            time.sleep(0.05)
        wait_for(lambda: len(passes) >= 2)
        time.sleep(0.3)
        assert len(passes) == 2
        worker.wake()
        wait_for(lambda: len(passes) >= 3)
    finally:
        worker.stop()
    assert len(passes) == 3


def test_worker_drains_full_passes_without_waiting() -> None:
    """A pass that took a whole batch means more is due: the next pass starts at once, lingering or not. A pass
    that took less waits for the next wake."""
    outcome = delivery.DeliveryOutcome("m", delivered=True)
    passes: list[int] = []

    def deliver() -> list[delivery.DeliveryOutcome]:
        passes.append(1)
        return [outcome] * (2 if len(passes) < 4 else 1)

    worker = delivery.DeliveryWorker(deliver, poll_seconds=30, linger_seconds=30, full_pass=2)
    worker.start()
    try:
        wait_for(lambda: len(passes) >= 4)  # three full passes, then one that found less
        time.sleep(0.3)
    finally:
        worker.stop()
    assert len(passes) == 4
