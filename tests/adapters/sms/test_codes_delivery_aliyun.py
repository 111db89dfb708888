"""The aliyun sender: the real alibabacloud_dysmsapi20170525 SDK pointed at a local endpoint that records the signed
SendSms request and answers like Dysmsapi (docs/behaviour.md#sms-delivery)."""

from __future__ import annotations

import hashlib
import json
import time
from typing import Any

import pytest

from openrd.api import signing
from support.codes import Api, Receiver, Recorded, Servers, wait_for

AK_ID, AK_SECRET = "LTAI5tOpenrdSmsTest", "openrd-sms-test-secret"
SIGN_NAME, TEMPLATE = "阿里云短信测试", "SMS_154950909"
OK = json.dumps({"Code": "OK", "Message": "OK", "BizId": "1", "RequestId": "x"}).encode()


def answer(code: str) -> bytes:
    return json.dumps({"Code": code, "Message": code, "RequestId": "x"}).encode()


def aliyun_env(servers: Servers, receiver: Receiver) -> dict[str, str]:
    return dict(
        servers.env(
            OPENRD_SMS_SENDER="aliyun",
            OPENRD_SMS_ALIYUN_ACCESS_KEY_ID=AK_ID,
            OPENRD_SMS_ALIYUN_ACCESS_KEY_SECRET=AK_SECRET,
            OPENRD_SMS_ALIYUN_ENDPOINT=f"http://127.0.0.1:{receiver.port}",
            OPENRD_SMS_ALIYUN_SIGN_NAME=SIGN_NAME,
            OPENRD_SMS_ALIYUN_TEMPLATE_CODE=TEMPLATE,
            OPENRD_SMS_BACKOFF_BASE_SECONDS="0.05",
            OPENRD_SMS_BACKOFF_MAX_SECONDS="0.2",
            OPENRD_SMS_MAX_ATTEMPTS="4",
        )
    )


def check_v3_signature(request: Recorded) -> None:
    auth = signing.parse_v3_authorization(request.headers["authorization"])
    assert auth is not None, request.headers["authorization"]
    assert auth.algorithm == "ACS3-HMAC-SHA256"
    assert auth.access_key_id == AK_ID
    assert "host" in auth.signed_headers
    assert "x-acs-action" in auth.signed_headers
    assert request.headers["x-acs-content-sha256"] == hashlib.sha256(request.body).hexdigest()
    canonical = signing.v3_canonical_request(
        request.method,
        request.path,
        request.query,
        request.headers,
        auth.signed_headers,
        request.headers["x-acs-content-sha256"],
    )
    expected = signing.v3_signature(auth.algorithm, AK_SECRET, signing.v3_string_to_sign(auth.algorithm, canonical))
    assert signing.signatures_equal(expected, auth.signature)


def send_sms_params(request: Recorded) -> dict[str, str]:
    assert request.method == "POST"
    assert request.path == "/"
    assert request.headers["x-acs-action"] == "SendSms"
    assert request.headers["x-acs-version"] == "2017-05-25"
    check_v3_signature(request)
    return dict(request.query)


def settled(api: Api, phone: str, status: str) -> dict[str, Any]:
    return dict(wait_for(lambda: (m := api.latest(phone))["status"] == status and m))


@pytest.mark.parametrize(
    ("site", "phone", "expected"),
    [
        ("cn", "86-13900000001", "13900000001"),  # mainland numbers go bare
        ("intl", "1-2015550123", "12015550123"),  # others with their country code, no "+"
        ("intl", "44-7400123456", "447400123456"),
    ],
)
def test_send_sms_request_is_signed_and_complete(servers: Servers, site: str, phone: str, expected: str) -> None:
    with Receiver(lambda _n: (200, OK)) as receiver:
        _live, api = servers.start(aliyun_env(servers, receiver))
        api.send_enable(api.account(site=site), phone)
        message = settled(api, phone, "sent")
        requests = receiver.snapshot()
    assert len(requests) == 1
    params = send_sms_params(requests[0])
    assert params["PhoneNumbers"] == expected
    assert params["SignName"] == SIGN_NAME
    assert params["TemplateCode"] == TEMPLATE
    assert params["OutId"] == message["id"]
    template = json.loads(params["TemplateParam"])
    assert set(template) == {"code"}
    assert len(template["code"]) == 6, f"the SMS would carry the code {template['code']!r}"
    assert template["code"].isdigit()
    assert message["attempts"] == 1
    assert message["text"] is None
    assert message["code"] is None


def test_tampered_request_does_not_verify(servers: Servers) -> None:
    """The signature check above can fail."""
    with Receiver(lambda _n: (200, OK)) as receiver:
        _live, api = servers.start(aliyun_env(servers, receiver))
        api.send_enable(api.account(site="cn"), "86-13900000001")
        request = wait_for(receiver.snapshot)[0]
    query = [(k, "13900000002" if k == "PhoneNumbers" else v) for k, v in request.query]
    with pytest.raises(AssertionError):
        check_v3_signature(Recorded(**{**request.__dict__, "query": query}))


def test_illegal_number_is_dead_at_once(servers: Servers) -> None:
    with Receiver(lambda _n: (200, answer("isv.MOBILE_NUMBER_ILLEGAL"))) as receiver:
        _live, api = servers.start(aliyun_env(servers, receiver))
        api.send_enable(api.account(site="cn"), "86-13900000001")
        message = settled(api, "86-13900000001", "dead")
        time.sleep(0.8)
        assert len(receiver.snapshot()) == 1
    assert message["attempts"] == 1
    assert "isv.MOBILE_NUMBER_ILLEGAL" in message["last_error"]


def test_flow_control_is_retried(servers: Servers) -> None:
    with Receiver(lambda n: (200, answer("isv.BUSINESS_LIMIT_CONTROL") if n < 2 else OK)) as receiver:
        _live, api = servers.start(aliyun_env(servers, receiver))
        api.send_enable(api.account(site="cn"), "86-13900000001")
        message = settled(api, "86-13900000001", "sent")
        requests = receiver.snapshot()
    assert message["attempts"] == 3
    assert len(requests) == 3
    assert {send_sms_params(r)["OutId"] for r in requests} == {message["id"]}


def test_server_error_is_retried(servers: Servers) -> None:
    with Receiver(lambda n: (500, answer("InternalError")) if n == 0 else (200, OK)) as receiver:
        _live, api = servers.start(aliyun_env(servers, receiver))
        api.send_enable(api.account(site="cn"), "86-13900000001")
        assert settled(api, "86-13900000001", "sent")["attempts"] == 2
        assert len(receiver.snapshot()) == 2  # the SDK itself does not retry behind the dispatcher's back


def test_client_error_is_final(servers: Servers) -> None:
    with Receiver(lambda _n: (400, answer("InvalidAccessKeyId.NotFound"))) as receiver:
        _live, api = servers.start(aliyun_env(servers, receiver))
        api.send_enable(api.account(site="cn"), "86-13900000002")
        message = settled(api, "86-13900000002", "dead")
        assert len(receiver.snapshot()) == 1
    assert message["attempts"] == 1
    assert "InvalidAccessKeyId.NotFound" in message["last_error"]
