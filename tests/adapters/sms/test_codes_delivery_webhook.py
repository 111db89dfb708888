"""Durable delivery through the webhook sender (docs/behaviour.md#sms-delivery) to a real local HTTP receiver: retries
with backoff, one idempotency key, an HMAC signature, dead letters, the operator's retry, and a restart mid-backlog."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections import Counter
from typing import Any

import pytest

from openrd.bootstrap import build_runtime
from openrd.config import load_settings
from support.codes import Api, Receiver, Recorded, Servers, fail_first, free_port, wait_for

SECRET = "webhook-signing-secret"


def webhook_env(servers: Servers, url: str, **extra: str) -> dict[str, str]:
    settings = {
        "OPENRD_SMS_SENDER": "webhook",
        "OPENRD_SMS_WEBHOOK_URL": url,
        "OPENRD_SMS_WEBHOOK_SECRET": SECRET,
        "OPENRD_SMS_BACKOFF_BASE_SECONDS": "0.05",
        "OPENRD_SMS_BACKOFF_MAX_SECONDS": "0.2",
        "OPENRD_SMS_MAX_ATTEMPTS": "5",
    }
    return dict(servers.env(**(settings | extra)))


def check_signed(request: Recorded) -> dict[str, Any]:
    stamp = request.headers["x-openrd-timestamp"]
    assert abs(int(stamp) - time.time()) < 300
    expected = hmac.new(SECRET.encode(), stamp.encode() + b"." + request.body, hashlib.sha256).hexdigest()
    assert request.headers["x-openrd-signature"] == f"sha256={expected}"
    assert request.headers["content-type"] == "application/json"
    return dict(json.loads(request.body))


def settled(api: Api, phone: str, status: str, timeout: float = 20) -> dict[str, Any]:
    return dict(wait_for(lambda: (m := api.latest(phone))["status"] == status and m, timeout=timeout))


def test_delivered_after_the_receiver_recovers(servers: Servers) -> None:
    with Receiver(fail_first(3)) as receiver:
        _live, api = servers.start(webhook_env(servers, receiver.url))
        account, phone = api.account(site="cn"), "86-13900000001"
        api.send_enable(account, phone)
        message = settled(api, phone, "sent")
        time.sleep(0.8)  # a worker poll or two: nothing more may arrive
        requests = receiver.snapshot()
    assert message["attempts"] == 4
    assert message["text"] is None  # gone once delivered: only the inbox sender keeps it
    assert message["code"] is None
    assert message["last_error"] is None
    assert [r.status for r in requests] == [503, 503, 503, 200]
    assert {r.headers["idempotency-key"] for r in requests} == {message["id"]}
    bodies = [check_signed(r) for r in requests]
    assert all(body == bodies[0] for body in bodies)  # the same message each time
    body = bodies[0]
    assert body["id"] == message["id"]
    assert body["phone"] == phone
    assert body["purpose"] == "EnableRD"
    assert body["language"] == "zh"
    assert len(body["code"]) == 6
    assert body["code"].isdigit()
    assert body["code"] in body["text"]


def test_tampered_body_does_not_verify(servers: Servers) -> None:
    """The check above can fail: the signature covers the body and the timestamp."""
    with Receiver() as receiver:
        _live, api = servers.start(webhook_env(servers, receiver.url))
        api.send_enable(api.account(site="cn"), "86-13900000001")
        wait_for(receiver.snapshot)
        request = receiver.snapshot()[0]
    forged = Recorded(**{**request.__dict__, "body": request.body.replace(b"EnableRD", b"EnableRX")})
    with pytest.raises(AssertionError):
        check_signed(forged)
    restamped = Recorded(**{**request.__dict__, "headers": {**request.headers, "x-openrd-timestamp": "1"}})
    with pytest.raises(AssertionError):
        check_signed(restamped)


def test_rate_limited_and_timed_out_answers_are_retried(servers: Servers) -> None:
    answers = [(429, b"{}"), (408, b"{}")]
    with Receiver(lambda n: answers[n] if n < len(answers) else (200, b"{}")) as receiver:
        _live, api = servers.start(webhook_env(servers, receiver.url))
        api.send_enable(api.account(site="cn"), "86-13900000001")
        message = settled(api, "86-13900000001", "sent")
        assert [r.status for r in receiver.snapshot()] == [429, 408, 200]
    assert message["attempts"] == 3


@pytest.mark.parametrize("status", [400, 403, 410])
def test_a_refusal_is_dead_at_once(servers: Servers, status: int) -> None:
    with Receiver(lambda _n: (status, b'{"error":"no"}')) as receiver:
        _live, api = servers.start(webhook_env(servers, receiver.url))
        api.send_enable(api.account(site="cn"), "86-13900000001")
        message = settled(api, "86-13900000001", "dead")
        time.sleep(0.8)
        assert len(receiver.snapshot()) == 1
    assert message["attempts"] == 1
    assert str(status) in message["last_error"]


def test_dead_after_max_attempts_then_retried_by_the_operator(servers: Servers) -> None:
    state = {"up": False}
    with Receiver(lambda _n: (200, b"{}") if state["up"] else (503, b"{}")) as receiver:
        _live, api = servers.start(webhook_env(servers, receiver.url, OPENRD_SMS_MAX_ATTEMPTS="3"))
        phone = "86-13900000001"
        api.send_enable(api.account(site="cn"), phone)
        dead = settled(api, phone, "dead")
        assert dead["attempts"] == 3
        assert "503" in dead["last_error"]
        time.sleep(0.8)
        assert len(receiver.snapshot()) == 3  # no attempt after the dead letter

        assert api.control("POST", "/sms/no-such-message/retry").status_code == 404
        state["up"] = True
        assert api.control("POST", f"/sms/{dead['id']}/retry").status_code == 202
        sent = settled(api, phone, "sent")
        assert sent["id"] == dead["id"]
        assert sent["attempts"] == 1  # attempts start over
        assert api.control("POST", f"/sms/{dead['id']}/retry").status_code == 409  # only dead messages
        requests = receiver.snapshot()
    assert [r.status for r in requests] == [503, 503, 503, 200]
    assert {r.headers["idempotency-key"] for r in requests} == {dead["id"]}
    assert len(api.messages(phone=phone)) == 1  # retried, not copied


def test_restart_mid_backlog_delivers_everything_once(servers: Servers) -> None:
    port = free_port()  # nothing listens here yet: the receiver is down
    env = webhook_env(servers, f"http://127.0.0.1:{port}/sms", OPENRD_SMS_MAX_ATTEMPTS="100")
    live, api = servers.start(env)
    account = api.account(site="cn")
    phones = [f"86-1390000000{i}" for i in range(5)]
    for phone in phones:
        api.send_enable(account, phone)
    wait_for(lambda: all(m["attempts"] >= 2 for m in api.messages()))
    servers.stop(live)  # the worker stops; nothing is delivered

    runtime = build_runtime(load_settings(env), upgrade=False)
    try:
        with runtime.deps.uow(write=False) as uow:
            backlog = {m.message_id: m for m in uow.outbox.list(phone=None, status=None, limit=100)}
    finally:
        runtime.close()
    assert len(backlog) == 5
    assert {m.status.value for m in backlog.values()} <= {"pending", "failed"}
    assert all(m.text is not None for m in backlog.values())  # kept until delivered
    assert all("unreachable" in (m.last_error or "") for m in backlog.values() if m.status.value == "failed")

    with Receiver(port=port) as receiver:
        _live, api = servers.start(env)  # a new server on the same store, the receiver up
        wait_for(lambda: len(api.messages(status="sent")) == 5)
        time.sleep(0.8)
        requests = receiver.snapshot()
    delivered = Counter(r.headers["idempotency-key"] for r in requests if r.status == 200)
    assert delivered == Counter(dict.fromkeys(backlog, 1))  # every message once: none lost, none sent twice
    messages = api.messages()
    assert len(messages) == 5
    for message in messages:
        assert message["status"] == "sent"
        assert message["text"] is None
        assert message["attempts"] > backlog[message["id"]].attempts  # the count carried over the restart


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_is_not_a_delivery_and_is_not_followed(servers: Servers, status: int) -> None:
    """A 3xx used to count as delivered (marked sent, the text erased) though no receiver took the message; followed,
    it would carry the code to whatever host the Location names. It is final, as a refusal: the same URL answers
    the same until the operator fixes it, and then retries the message, which still has its text."""
    answers = {0: status}
    with (
        Receiver() as elsewhere,
        Receiver(lambda n: (answers.get(n, 200), b""), headers={"Location": elsewhere.url}) as receiver,
    ):
        _live, api = servers.start(webhook_env(servers, receiver.url))
        phone = "86-13900000001"
        api.send_enable(api.account(site="cn"), phone)
        dead = settled(api, phone, "dead")
        time.sleep(0.8)  # a worker poll or two: no second attempt, nothing at the Location
        assert [r.status for r in receiver.snapshot()] == [status]
        assert elsewhere.snapshot() == []
        assert dead["attempts"] == 1
        assert str(status) in dead["last_error"]
        assert "redirect" in dead["last_error"]

        assert api.control("POST", f"/sms/{dead['id']}/retry").status_code == 202
        settled(api, phone, "sent")
        requests = receiver.snapshot()
        assert elsewhere.snapshot() == []
    assert [r.status for r in requests] == [status, 200]
    first, second = (check_signed(r) for r in requests)
    assert first == second  # the text and code were kept for the retry
    assert first["code"] in first["text"]
