"""The SMS dispatcher: delivers committed outbox messages with retries, backoff and a dead-letter state.

Every server process runs one worker. Messages are leased (SKIP LOCKED on PostgreSQL, IMMEDIATE transactions
on SQLite), so a message is tried by one worker at a time; a worker that dies mid-delivery leaves a lease that
expires, and the message is tried again (at-least-once, with ``message_id`` as the idempotency key).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from openrd.domain.phone import mask_phone
from openrd.domain.sms import OutboundSms, RetryPolicy, SmsRecord
from openrd.domain.times import epoch_ms
from openrd.services import errors as service_errors
from openrd.services.context import Deps
from openrd.services.metrics import SMS_DELIVERIES
from openrd.services.ports import Clock, DeliveryError, SmsSender, UnitOfWork, UnitOfWorkFactory

log = logging.getLogger("openrd.sms")
PASS_SIZE = 20  # messages leased per dispatcher pass


@dataclass(frozen=True)
class DeliveryOutcome:
    message_id: str
    delivered: bool
    dead: bool = False


def deliver_due(
    *,
    uow_factory: UnitOfWorkFactory,
    sender: SmsSender,
    clock: Clock,
    wall_clock: Clock,
    retry: RetryPolicy,
    jitter: Callable[[], float],
    lease_seconds: int = 60,
    batch: int = PASS_SIZE,
) -> Sequence[DeliveryOutcome]:
    """One pass: lease what is due, try each message once, record the results.

    Leases and retry times run on ``wall_clock`` (delivery is real work with real timeouts); the time a message
    was sent is written on the business ``clock``, like every time the emulator shows. The results of a pass are
    recorded in one transaction: a write transaction per message cost more than delivering to the inbox, and
    held the store's write lock against the requests. A crash before that commit re-delivers the pass's
    messages once their lease ends — at least once, as promised, with the same idempotency key.
    """
    now_ms = epoch_ms(wall_clock.now())
    with uow_factory() as uow:
        claimed = uow.outbox.claim_due(now_ms=now_ms, lease_ms=lease_seconds * 1000, limit=batch)
    if not claimed:
        return []
    tried = [(message, _attempt(sender, message)) for message in claimed]
    sent_ms = epoch_ms(clock.now())
    with uow_factory() as uow:
        outcomes = [_record(uow, wall_clock, retry, jitter, message, failure) for message, failure in tried]
        delivered = [message.message_id for message, failure in tried if failure is None]
        uow.outbox.mark_sent(delivered, now_ms=sent_ms, keep_text=sender.keeps_text)
    for (message, failure), outcome in zip(tried, outcomes, strict=True):
        _report(sender, message, failure, outcome)
    return outcomes


def _attempt(sender: SmsSender, message: SmsRecord) -> DeliveryError | None:
    if message.text is None:
        return DeliveryError("the message text is gone", permanent=True)
    outbound = OutboundSms(
        message_id=message.message_id,
        phone=message.phone,
        text=message.text,
        code=message.code or "",
        purpose=message.purpose,
        language=message.language,
    )
    try:
        sender.deliver(outbound)
    except DeliveryError as exc:
        return exc
    except Exception as exc:  # a sender bug must not kill the worker or lose the message
        log.exception("sms sender raised", extra={"message_id": message.message_id, "phone": mask_phone(message.phone)})
        return DeliveryError(f"{type(exc).__name__}")
    return None


def _record(
    uow: UnitOfWork,
    wall_clock: Clock,
    retry: RetryPolicy,
    jitter: Callable[[], float],
    message: SmsRecord,
    failure: DeliveryError | None,
) -> DeliveryOutcome:
    """A failed delivery's retry or dead letter; delivered messages are marked together (deliver_due)."""
    if failure is None:
        return DeliveryOutcome(message.message_id, delivered=True)
    dead = failure.permanent or message.attempts >= retry.max_attempts
    next_ms = epoch_ms(wall_clock.now()) + int(retry.delay_seconds(message.attempts, jitter()) * 1000)
    uow.outbox.mark_failed(message.message_id, error=failure.reason, next_attempt_ms=next_ms, dead=dead)
    return DeliveryOutcome(message.message_id, delivered=False, dead=dead)


def _report(sender: SmsSender, message: SmsRecord, failure: DeliveryError | None, outcome: DeliveryOutcome) -> None:
    masked = mask_phone(message.phone)
    if failure is None:
        log.info("sms sent", extra={"message_id": message.message_id, "phone": masked, "sender": sender.name})
        SMS_DELIVERIES.labels(sender.name, "sent").inc()
        return
    SMS_DELIVERIES.labels(sender.name, "dead" if outcome.dead else "failed").inc()
    log.warning(
        "sms delivery failed",
        extra={
            "message_id": message.message_id,
            "phone": masked,
            "attempt": message.attempts,
            "dead": outcome.dead,
            "reason": failure.reason,
        },
    )


def messages(deps: Deps, *, phone: str | None, status: str | None, limit: int) -> list[SmsRecord]:
    """The outbox, newest first: for one phone and in one state, or all."""
    with deps.uow(write=False) as uow:
        return list(uow.outbox.list(phone=phone, status=status, limit=limit))


def retry_dead(deps: Deps, *, message_id: str) -> None:
    """Queue a dead message for delivery again, due at once."""
    with deps.uow() as uow:
        if uow.outbox.get(message_id) is None:
            raise service_errors.MessageNotFound(f"message {message_id} does not exist")
        if not uow.outbox.requeue(message_id, now_ms=0):
            raise service_errors.MessageNotDead("only dead messages can be retried")


class DeliveryWorker:
    """A background thread: delivers right after a send commits (``wake``) and polls for retries."""

    def __init__(
        self,
        deliver: Callable[[], Sequence[DeliveryOutcome]],
        *,
        maintenance: Sequence[Callable[[], object]] = (),
        poll_seconds: float = 0.5,
        maintenance_seconds: float = 60.0,
        full_pass: int = PASS_SIZE,
        linger_seconds: float = 0.0,
    ) -> None:
        self._deliver = deliver
        self._full_pass = full_pass
        self._linger = linger_seconds
        self._maintenance = maintenance
        self._poll = poll_seconds
        self._maintenance_every = maintenance_seconds
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def wake(self) -> None:
        self._wake.set()

    def start(self) -> None:
        if self.running:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="openrd-sms", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Finish the message in hand; what is not delivered stays pending for the next start."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
        self._thread = None

    def _run(self) -> None:
        # Paced by elapsed time, not by passes: under send traffic every commit wakes the loop early.
        maintained_at: float | None = None  # run maintenance once at start
        while not self._stop.is_set():
            try:
                busy = len(self._deliver()) >= self._full_pass
                now = time.monotonic()
                due = maintained_at is None or now - maintained_at >= self._maintenance_every
                if self._maintenance and self._maintenance_every > 0 and due:
                    maintained_at = now
                    for job in self._maintenance:
                        job()
            except Exception:
                log.exception("sms dispatcher pass failed; retrying")
                busy = False
            if busy:
                continue  # a full pass: drain the backlog before sleeping
            if self._wake.wait(self._poll) and self._linger > 0:
                # Sends that commit close together go in one pass: a pass is two write transactions, and under
                # load a pass per send held the write lock against the requests
                # (docs/architecture.md#smaller-fast-paths).
                self._stop.wait(self._linger)
            self._wake.clear()
