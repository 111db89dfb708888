"""The SMS control API (docs/behaviour.md#sms-inbox) and the emulator clock driving expiry and throttles
(docs/behaviour.md#the-two-clocks), through the official Tea SDK against a live server on SQLite and PostgreSQL."""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from alibabacloud_tea_openapi.exceptions import AlibabaCloudException, ThrottlingException

from support.api import Creds
from support.codes import Api, Servers, make_directory, phone_for, wait_for
from support.servers import LiveServer

RFC3339_MS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
PHONES = itertools.count(1)


def fresh_phone() -> str:
    return phone_for(next(PHONES), block=2)


def parse(stamp: str) -> datetime:
    return datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%f%z")


@pytest.fixture
def api(server: LiveServer) -> Iterator[Api]:
    client = Api(server.endpoint)
    yield client
    client.clock(offset_seconds=0)  # the module's server is shared: always put the clock back


def code_of(exc: AlibabaCloudException) -> tuple[int, str]:
    return exc.status_code, exc.code


# ---------------------------------------------------------------------------------------------- listing


def test_inbox_lists_newest_first_with_filters(api: Api) -> None:
    assert api.control("POST", "/reset").status_code == 204
    assert api.messages() == []
    missing = api.control("GET", "/sms/latest")
    assert missing.status_code == 404
    assert set(missing.json()) == {"error", "message"}
    assert api.control("GET", "/sms/latest", params={"phone": "86-13900000000"}).status_code == 404

    account = api.account(site="cn")
    phones = [fresh_phone() for _ in range(3)]
    for phone in phones:
        api.send_enable(account, phone)
    listed = api.messages()
    assert [m["phone"] for m in listed] == list(reversed(phones))
    assert [m["created_at"] for m in listed] == sorted((m["created_at"] for m in listed), reverse=True)
    for message in listed:
        assert {"id", "phone", "text", "code", "purpose", "account_id", "status", "created_at"} <= set(message)
        assert message["purpose"] == "EnableRD"
        assert message["account_id"] == account.account_id  # EnableRD: keyed to the caller's account
        assert re.fullmatch(r"[0-9]{6}", message["code"])
        assert message["code"] in message["text"]
        assert "5分钟" in message["text"]
        assert RFC3339_MS.match(message["created_at"])
        assert message["status"] in {"pending", "sent"}

    assert [m["phone"] for m in api.messages(phone=phones[0])] == [phones[0]]
    assert api.messages(phone=fresh_phone()) == []
    assert [m["phone"] for m in api.messages(limit=1)] == [phones[2]]
    assert len(api.messages(limit=1000)) == 3
    delivery = {"status", "sent_at", "attempts", "last_error"}  # the dispatcher may deliver between the reads
    latest, earlier = api.latest(phones[1]), next(m for m in listed if m["phone"] == phones[1])
    assert {k: v for k, v in latest.items() if k not in delivery} == {
        k: v for k, v in earlier.items() if k not in delivery
    }
    assert api.control("GET", "/sms/latest").json()["phone"] == phones[2]

    wait_for(lambda: all(m["status"] == "sent" for m in api.messages()))
    sent = api.messages(status="sent")
    assert len(sent) == 3
    assert all(m["code"] and m["text"] for m in sent)  # the inbox keeps both after delivery
    assert api.messages(status="dead") == api.messages(status="pending") == []


@pytest.mark.parametrize(
    "params",
    [
        {"limit": "0"},
        {"limit": "1001"},
        {"limit": "-1"},
        {"limit": "abc"},
        {"limit": "1.5"},
        {"limit": " 5"},
        {"status": "delivered"},
        {"status": "SENT"},
        {"phone": "+86-13900000000"},
        {"phone": "8613900000000"},
    ],
)
def test_bad_list_parameters_are_400(api: Api, params: dict[str, str]) -> None:
    for path in ("/sms", "/sms/latest"):
        if path == "/sms/latest" and "phone" not in params:
            continue
        response = api.control("GET", path, params=params)
        assert response.status_code == 400, (path, params, response.text)
        assert set(response.json()) == {"error", "message"}


def test_bind_message_is_keyed_to_the_member(api: Api) -> None:
    world = make_directory(api, 1)
    member, phone = world.members[0], fresh_phone()
    response = api.send_bind(world.user, member, phone)
    message = api.latest(phone)
    assert message["purpose"] == "BindSecureMobilePhone"
    # Keyed to the target member, not the caller's account (docs/behaviour.md#sms-inbox)
    assert message["account_id"] == member
    assert message["account_id"] != world.master.account_id
    assert "安全手机" in message["text"]
    assert message["code"] in message["text"]
    expiration = response.body.expiration_date
    assert RFC3339_MS.match(expiration)
    assert parse(expiration) - parse(message["created_at"]) == timedelta(seconds=300)


def test_intl_message_is_english(api: Api) -> None:
    account = api.account(site="intl")
    api.send_enable(account, "1-2015550123")
    message = api.latest("1-2015550123")
    assert message["text"].isascii()
    assert "valid for 5 minutes" in message["text"]
    assert message["code"] in message["text"]


# ------------------------------------------------------------------------------------------------ clock


def test_code_expires_on_the_emulator_clock(api: Api) -> None:
    world = make_directory(api, 2)
    (first, second), phones = world.members, [fresh_phone(), fresh_phone()]
    for member, phone in zip(world.members, phones, strict=True):
        api.send_bind(world.user, member, phone)
    codes = [api.latest(phone)["code"] for phone in phones]
    api.clock(advance_seconds=200)
    api.bind(world.user, first, phones[0], codes[0])  # 200 s old: still valid
    api.clock(advance_seconds=101)
    with pytest.raises(AlibabaCloudException) as caught:
        api.bind(world.user, second, phones[1], codes[1])  # 301 s old
    assert code_of(caught.value) == (409, "Invalid.VerificationCode")
    assert api.control("GET", f"/accounts/{second}").json()["secure_mobile_phone"] is None
    assert api.control("GET", f"/accounts/{first}").json()["secure_mobile_phone"] == phones[0]


def test_throttle_retry_after_shrinks_as_the_clock_moves(api: Api) -> None:
    account, phone = api.account(site="cn"), fresh_phone()
    api.send_enable(account, phone)
    waits = []
    for advance in (0, 20, 30):
        api.clock(advance_seconds=advance)
        with pytest.raises(ThrottlingException) as caught:
            api.send_enable(account, phone)
        assert code_of(caught.value) == (400, "Throttling.User")
        waits.append(caught.value.retry_after)
    # Whole seconds until the minute is over; real time passes too, so allow a few seconds of slack.
    assert 55 <= waits[0] <= 60
    assert waits[0] - 25 <= waits[1] <= waits[0] - 19
    assert waits[1] - 35 <= waits[2] <= waits[1] - 29
    api.clock(advance_seconds=waits[2])
    api.send_enable(account, phone)  # the minute has passed on the emulator clock


def test_hourly_limit_answers_the_wait_for_the_oldest_send(api: Api) -> None:
    account, phone = api.account(site="cn"), fresh_phone()
    for _ in range(5):
        api.send_enable(account, phone)
        api.clock(advance_seconds=60)
    with pytest.raises(ThrottlingException) as caught:
        api.send_enable(account, phone)
    # The oldest send left the hour 3600 s after it was made; 300 s of clock (and a little real time) passed.
    assert 3295 <= caught.value.retry_after <= 3300


def test_concurrent_sends_to_one_phone_issue_one(api: Api) -> None:
    """Twelve accounts text one phone at once, eight times: each time exactly one code is issued (1 per 60 s)."""
    accounts = [api.account(site="cn") for _ in range(12)]
    for _ in range(8):
        phone = fresh_phone()

        def send(creds: Creds, phone: str = phone) -> str:
            try:
                api.send_enable(creds, phone)
            except AlibabaCloudException as exc:
                return str(exc.code)
            return "ok"

        with ThreadPoolExecutor(12) as pool:
            results = Counter(pool.map(send, accounts))
        assert results == Counter({"ok": 1, "Throttling.User": 11})
        assert len(api.messages(phone=phone)) == 1


# ---------------------------------------------------------------------------------- other configurations


def test_code_is_not_listed_without_the_inbox_sender(servers: Servers) -> None:
    _live, api = servers.start(servers.env(OPENRD_SMS_SENDER="log"))
    account, phone = api.account(site="cn"), "86-13900000001"
    api.send_enable(account, phone)
    message = api.latest(phone)
    assert message["code"] is None
    wait_for(lambda: api.latest(phone)["status"] == "sent")
    assert api.latest(phone)["text"] is None


def test_daily_quota_turns_at_midnight_in_shanghai(servers: Servers) -> None:
    _live, api = servers.start(servers.env(OPENRD_DAILY_CODE_QUOTA="2"))
    real = datetime.now(UTC)
    midnight = real.replace(hour=16, minute=0, second=0, microsecond=0)  # 00:00 in Asia/Shanghai
    if midnight <= real + timedelta(seconds=60):
        midnight += timedelta(days=1)
    api.clock(offset_seconds=int((midnight - real).total_seconds()) - 30)  # 30 s before the quota day ends
    account = api.account(site="cn")
    api.send_enable(account, "86-13900000001")
    api.send_enable(account, "86-13900000002")
    with pytest.raises(AlibabaCloudException) as caught:
        api.send_enable(account, "86-13900000003")
    assert code_of(caught.value) == (409, "SendValidateCodeExceedsLimitForAccount")
    other = api.account(site="cn")
    api.send_enable(other, "86-13900000004")  # the quota is per calling account
    api.clock(advance_seconds=40)  # a new day in Asia/Shanghai
    api.send_enable(account, "86-13900000003")
    assert api.latest("86-13900000003")["account_id"] == account.account_id


def test_a_send_the_quota_refuses_leaves_nothing_behind(servers: Servers) -> None:
    """The quota is counted after the send's code, SMS and send record are written: refused, all of them go."""
    _live, api = servers.start(servers.env(OPENRD_DAILY_CODE_QUOTA="1"))
    account = api.account(site="cn")
    api.send_enable(account, "86-13900000001")
    with pytest.raises(AlibabaCloudException) as caught:
        api.send_enable(account, "86-13900000002")
    assert code_of(caught.value) == (409, "SendValidateCodeExceedsLimitForAccount")

    assert [m["phone"] for m in api.messages()] == ["86-13900000001"]  # no SMS for the refused send
    # Nor a send record: the phone's one-a-minute throttle lets another account's send through at once.
    api.send_enable(api.account(site="cn"), "86-13900000002")
    assert len(api.messages()) == 2
