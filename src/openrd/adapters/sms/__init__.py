"""SMS senders, chosen by name (OPENRD_SMS_SENDER): inbox, log, webhook, aliyun."""

from __future__ import annotations

from openrd.adapters.sms.inbox import InboxSender
from openrd.adapters.sms.log import LogSender
from openrd.adapters.sms.webhook import WebhookSender
from openrd.config import SmsSettings
from openrd.services.ports import SmsSender


def make_sender(settings: SmsSettings) -> SmsSender:
    if settings.sender == "log":
        return LogSender()
    if settings.sender == "webhook":
        if not (settings.webhook_url and settings.webhook_secret):
            raise ValueError("the webhook sender needs a URL and a secret")
        return WebhookSender(settings.webhook_url, settings.webhook_secret, timeout=settings.webhook_timeout_seconds)
    if settings.sender == "aliyun":
        from openrd.adapters.sms.aliyun import AliyunSmsSender

        return AliyunSmsSender.from_settings(settings)
    return InboxSender()
