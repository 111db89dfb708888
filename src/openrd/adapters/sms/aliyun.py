"""Alibaba Cloud SMS through the official Dysmsapi SDK (``pip install 'openrd[aliyun-sms]'``).

The template must have one variable, ``code``; ``OutId`` carries the message ID so deliveries can be matched
with the provider's receipts.
"""

from __future__ import annotations

import json
from typing import Any

from openrd.config import SmsSettings
from openrd.domain.sms import OutboundSms
from openrd.services.ports import DeliveryError

# Provider answers that another attempt may fix (flow control, transient faults); any other non-OK is final.
RETRYABLE_CODES = frozenset({"isv.BUSINESS_LIMIT_CONTROL", "Throttling.User", "ServiceUnavailable", "InternalError"})


class AliyunSmsSender:
    name = "aliyun"
    keeps_text = False

    def __init__(self, client: Any, *, sign_name: str, template_code: str) -> None:
        self.client = client
        self.sign_name = sign_name
        self.template_code = template_code

    @classmethod
    def from_settings(cls, settings: SmsSettings) -> AliyunSmsSender:
        try:
            from alibabacloud_dysmsapi20170525.client import Client
            from alibabacloud_tea_openapi.utils_models import Config
        except ImportError:  # pragma: no cover - depends on the optional extra
            raise RuntimeError("OPENRD_SMS_SENDER=aliyun needs: pip install 'openrd[aliyun-sms]'") from None
        endpoint = settings.aliyun_endpoint
        protocol = "https"
        if "://" in endpoint:
            protocol, endpoint = endpoint.split("://", 1)
        config = Config(
            access_key_id=settings.aliyun_access_key_id,
            access_key_secret=settings.aliyun_access_key_secret,
            endpoint=endpoint,
            protocol=protocol,
        )
        if not (settings.aliyun_sign_name and settings.aliyun_template_code):
            raise ValueError("the aliyun sender needs a sign name and a template code")
        return cls(Client(config), sign_name=settings.aliyun_sign_name, template_code=settings.aliyun_template_code)

    @staticmethod
    def phone_number(phone: str) -> str:
        """Dysmsapi wants mainland numbers bare and others with their country code, no '+'."""
        country_code, number = phone.split("-", 1)
        return number if country_code == "86" else country_code + number

    def deliver(self, message: OutboundSms) -> None:
        from alibabacloud_dysmsapi20170525 import models

        request = models.SendSmsRequest(
            phone_numbers=self.phone_number(message.phone),
            sign_name=self.sign_name,
            template_code=self.template_code,
            template_param=json.dumps({"code": message.code}),
            out_id=message.message_id,
        )
        try:
            response = self.client.send_sms(request)
        except Exception as exc:
            code = getattr(exc, "code", None)
            status = getattr(exc, "status_code", None) or getattr(exc, "statusCode", None)
            permanent = isinstance(status, int) and 400 <= status < 500 and code not in RETRYABLE_CODES
            raise DeliveryError(f"aliyun sms error {code or type(exc).__name__}", permanent=permanent) from None
        body = response.body
        if body is None or body.code != "OK":
            code = body.code if body is not None else "no body"
            raise DeliveryError(f"aliyun sms refused: {code}", permanent=code not in RETRYABLE_CODES)
