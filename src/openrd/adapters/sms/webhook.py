"""A sender that POSTs JSON to an SMS gateway of the operator's, signed so the receiver can verify it.

Headers: ``X-Openrd-Timestamp`` (Unix seconds), ``X-Openrd-Signature: sha256=<hex HMAC-SHA256 of
"<timestamp>.<body>" keyed with OPENRD_SMS_WEBHOOK_SECRET>``, and ``Idempotency-Key: <message id>`` — the same
message may arrive twice (at-least-once); receivers de-duplicate on it. Only a 2xx answer is a delivery.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time

import httpx

from openrd.domain.sms import OutboundSms
from openrd.services.ports import DeliveryError


def sign(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


class WebhookSender:
    name = "webhook"
    keeps_text = False

    def __init__(self, url: str, secret: str, *, timeout: float = 5.0) -> None:
        self.url = url
        self.secret = secret
        self.timeout = timeout

    def deliver(self, message: OutboundSms) -> None:
        body = json.dumps(
            {
                "id": message.message_id,
                "phone": message.phone,
                "text": message.text,
                "code": message.code,
                "purpose": message.purpose,
                "language": message.language,
            },
            ensure_ascii=False,
            separators=(",", ":"),
        ).encode()
        timestamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/json",
            "X-Openrd-Timestamp": timestamp,
            "X-Openrd-Signature": sign(self.secret, timestamp, body),
            "Idempotency-Key": message.message_id,
        }
        try:
            # A redirect is not followed: it would hand the code to whatever host the receiver names.
            response = httpx.post(self.url, content=body, headers=headers, timeout=self.timeout, follow_redirects=False)
        except (httpx.HTTPError, httpx.InvalidURL) as exc:  # the name only: an exception's text may hold the URL
            raise DeliveryError(f"webhook unreachable: {type(exc).__name__}") from None
        status = response.status_code
        if status >= 500 or status in (408, 429):
            raise DeliveryError(f"webhook answered {status}")
        if status >= 400:
            raise DeliveryError(f"webhook refused the message: {status}", permanent=True)
        if status >= 300:
            # Final, as a refusal: the same URL would answer the same; the operator fixes it, then retries the message.
            raise DeliveryError(f"webhook redirected ({status}); redirects are not followed", permanent=True)
