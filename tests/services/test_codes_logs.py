"""No code and no full phone number in any log record (codes are never logged, phones masked:
docs/behaviour.md#secrets-and-logs), with each sender, across sends, throttles, wrong and right codes for both purposes,
and deliveries."""

from __future__ import annotations

import json
import logging
import re
import threading
from pathlib import Path
from typing import Any

import httpx
import pytest
from alibabacloud_resourcemanager20200331 import models
from alibabacloud_tea_openapi.exceptions import AlibabaCloudException

from openrd.domain.phone import mask_phone
from openrd.testing.process import ServerProcess
from support.codes import Api, Receiver, Servers, make_directory, store_env, wait_for

SIX_DIGITS = re.compile(r"(?<![0-9])[0-9]{6}(?![0-9])")
PHONES = ["86-13900000001", "86-13900000002", "86-13900000003", "86-13900000004"]
CLIENT_LIBRARIES = ("urllib3", "requests", "httpx", "httpcore", "darabonba", "alibabacloud", "aiohttp", "asyncio")


# What logging itself stamps on every record: numbers that never carry our data, but whose digits (a thread id, a
# float timestamp) contain a given six-digit code by chance in a few percent of runs.
BOOKKEEPING = {"created", "msecs", "relativeCreated", "thread", "process", "lineno", "levelno", "taskName"}


def record_text(record: logging.LogRecord) -> str:
    """Everything a handler could write from our data: the message, every attribute (``extra`` included) but
    logging's own bookkeeping, the traceback."""
    attributes = {k: v for k, v in record.__dict__.items() if k not in BOOKKEEPING}
    parts = [record.name, record.getMessage(), repr(attributes)]
    if record.exc_info:
        parts.append(logging.Formatter().formatException(record.exc_info))
    if record.stack_info:
        parts.append(record.stack_info)
    return "\n".join(parts)


def fails(call: Any) -> str:
    with pytest.raises(AlibabaCloudException) as caught:
        call()
    return str(caught.value.code)


def exercise(api: Api) -> None:
    """Sends, a throttled send, wrong and right codes for EnableRD and BindSecureMobilePhone."""
    caller = api.account(site="cn", enterprise_name="Acme Technology Co., Ltd.")
    api.send_enable(caller, PHONES[0])
    assert fails(lambda: api.send_enable(caller, PHONES[0])) == "Throttling.User"

    def enable(code: str) -> Any:
        request = models.EnableResourceDirectoryRequest(
            enable_mode="NewManagementAccount",
            maname="newma@rdadmin.aliyunid.com",
            masecure_mobile_phone=PHONES[0],
            verification_code=code,
        )
        return api.rm(caller).enable_resource_directory(request)

    assert fails(lambda: enable("000000")) == "Invalid.VerificationCode"
    code = wait_for(lambda: DELIVERED.get(PHONES[0]))
    assert fails(lambda: enable(code[::-1] if code[::-1] != code else "999999")) == "Invalid.VerificationCode"
    enable(code)

    world = make_directory(api, 2)
    for member, phone in zip(world.members, PHONES[1:3], strict=True):
        api.send_bind(world.user, member, phone)
    assert fails(lambda: api.bind(world.user, world.members[0], PHONES[1], "123123")) == "Invalid.VerificationCode"
    api.bind(world.user, world.members[0], PHONES[1], wait_for(lambda: DELIVERED.get(PHONES[1])))
    assert fails(lambda: api.send_bind(world.user, world.members[1], PHONES[1])) == "Throttling.User"
    api.send_enable(api.account(site="cn"), PHONES[3])


DELIVERED: dict[str, str] = {}  # phone -> the code the sender was handed (read from the text: see the bug notes)


@pytest.mark.parametrize("sender", ["inbox", "log", "webhook"])
def test_no_code_and_no_phone_in_any_log_record(
    servers: Servers, caplog: pytest.LogCaptureFixture, sender: str
) -> None:
    caplog.set_level(logging.DEBUG)
    for name in ("openrd", "openrd.api", "openrd.sms", "uvicorn", "uvicorn.error"):
        caplog.set_level(logging.DEBUG, logger=name)
    DELIVERED.clear()
    with Receiver() as receiver:
        extra = {"OPENRD_SMS_SENDER": sender}
        if sender == "webhook":
            extra |= {"OPENRD_SMS_WEBHOOK_URL": receiver.url, "OPENRD_SMS_WEBHOOK_SECRET": "s3cret"}
        live, api = servers.start(servers.env(**extra))
        real = live.runtime.deps.sender
        deliver = real.deliver

        def recording(message: Any) -> None:
            found = SIX_DIGITS.search(message.text)
            assert found, message.text
            DELIVERED[message.phone] = message.code or found.group()
            deliver(message)

        real.deliver = recording  # type: ignore[method-assign]  # the test learns each code without any log
        exercise(api)
        wait_for(lambda: all(m["status"] == "sent" for m in api.messages()))
        messages = api.messages()

    codes = set(DELIVERED.values())
    assert len(messages) == len(codes) == 4
    main_thread = threading.get_ident()
    server_records = [
        r for r in caplog.records if not (r.thread == main_thread and r.name.startswith(CLIENT_LIBRARIES))
    ]
    names = {r.name for r in server_records}
    assert {"openrd.api", "openrd.sms"} <= names, names  # the capture works: the server's records are here
    blob = "\n".join(record_text(r) for r in server_records)
    for code in codes:
        # As a number of its own: inside a longer run of digits (an epoch time) it would be a coincidence.
        assert not re.search(rf"(?<![0-9]){code}(?![0-9])", blob), f"a verification code is in the log ({sender})"
    for phone in PHONES:
        assert phone not in blob, f"a full phone number is in the log ({sender} sender)"
        assert phone.split("-", 1)[1] not in blob
    if sender == "log":
        lines = [r for r in server_records if r.name == "openrd.sms.log"]
        assert len(lines) == 4
        for line in lines:
            phone = next(p for p in PHONES if mask_phone(p) == line.phone)  # type: ignore[attr-defined]
            assert line.phone == mask_phone(phone)  # type: ignore[attr-defined]
            assert "******" in line.text  # type: ignore[attr-defined]
            assert DELIVERED[phone] not in line.text  # type: ignore[attr-defined]


def test_the_search_finds_a_leak(caplog: pytest.LogCaptureFixture) -> None:
    """The search above can fail: a record carrying a code in ``extra`` is found."""
    caplog.set_level(logging.DEBUG)
    logging.getLogger("openrd.test").info("sms", extra={"detail": "验证码483920"})
    assert re.search(r"(?<![0-9])483920(?![0-9])", "\n".join(record_text(r) for r in caplog.records))


def test_the_served_process_logs_no_query_string(tmp_path: Path) -> None:
    """``openrd serve`` as deployed (its own logging, uvicorn's loggers under it): an OpenAPI call's parameters ride in
    the query string, so uvicorn's access line would print a code and a phone. The call is logged by openrd alone."""
    env = {"OPENRD_DATA_DIR": str(tmp_path / "data"), "OPENRD_SECRET_KEY": "served-logs", "HOME": str(tmp_path)}
    server = ServerProcess(env, tmp_path / "serve.log").start()
    try:
        query = {"Action": "BindSecureMobilePhone", "SecureMobilePhone": "86-13912345678", "VerificationCode": "654321"}
        answer = httpx.get(f"http://{server.endpoint}/", params=query | {"Format": "JSON"}, timeout=30)
        assert answer.json()["Code"] == "MissingParameter"  # unsigned: refused, and logged as a call
    finally:
        server.stop()  # its handler writes what it holds on the way out
    lines = [json.loads(line) for line in server.log_text().splitlines() if line.startswith("{")]

    assert any(line.get("status") == 400 and line.get("code") == "MissingParameter" for line in lines), lines
    assert not [line for line in lines if line["logger"] == "uvicorn.access"]
    assert "654321" not in server.log_text()
    assert "13912345678" not in server.log_text()


def test_the_served_process_logs_no_webhook_credentials(tmp_path: Path) -> None:
    """The webhook URL may carry credentials (user info, an api_key in the query). ``openrd serve`` as deployed
    used to write them in httpx's own request line (``HTTP Request: POST http://user:pass@…?api_key=…``)."""
    user, password, key = "hookuser", "pa55w0rd-in-url", "k3y-in-query"
    with Receiver() as receiver:
        url = f"http://{user}:{password}@127.0.0.1:{receiver.port}/sms?api_key={key}"
        env = store_env(tmp_path, OPENRD_SMS_SENDER="webhook", OPENRD_SMS_WEBHOOK_URL=url)
        env |= {"OPENRD_SMS_WEBHOOK_SECRET": "s3cret", "OPENRD_LOG_LEVEL": "DEBUG"}
        server = ServerProcess(env, tmp_path / "serve.log").start()
        try:
            api = Api(server.endpoint)
            api.send_enable(api.account(site="cn"), PHONES[0])
            wait_for(lambda: api.latest(PHONES[0])["status"] == "sent")
        finally:
            server.stop()  # its handler writes what it holds on the way out
        requests = receiver.snapshot()
    assert len(requests) == 1
    assert ("api_key", key) in requests[0].query  # the URL's credentials were used, so they were there to leak
    assert requests[0].headers["authorization"].startswith("Basic ")
    text = server.log_text()
    lines = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
    assert any(line["logger"] == "openrd.sms" and line["message"] == "sms sent" for line in lines), text
    for secret in (password, key, f"{user}:", "api_key"):
        assert secret not in text, f"{secret!r} is in the served log"
    assert not [line for line in lines if line["logger"].startswith(CLIENT_LIBRARIES)]


def test_the_served_process_prints_no_database_password(tmp_path: Path, postgres_url: str) -> None:
    """The start-up line names the store; a PostgreSQL URL's password (user info or query) is not in it."""
    scheme, rest = postgres_url.split("://", 1)
    url = f"{scheme}://postgres:db-pa55word@{rest.split('@', 1)[-1]}?application_name=openrd&password=db-pa55word"
    env = store_env(tmp_path, OPENRD_DATABASE_URL=url)
    server = ServerProcess(env, tmp_path / "serve.log").start()
    server.stop()
    text = server.log_text()
    assert "openrd listening on" in text
    assert rest.split("@", 1)[-1].split("?")[0] in text  # the host and database are still named
    assert "db-pa55word" not in text
