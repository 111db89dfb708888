"""A sender that writes one structured log line per message: phone masked, code redacted."""

from __future__ import annotations

import logging

from openrd.domain.phone import mask_phone
from openrd.domain.sms import OutboundSms

log = logging.getLogger("openrd.sms.log")


class LogSender:
    name = "log"
    keeps_text = False

    def deliver(self, message: OutboundSms) -> None:
        text = message.text.replace(message.code, "*" * len(message.code)) if message.code else message.text
        log.info(
            "sms",
            extra={
                "message_id": message.message_id,
                "phone": mask_phone(message.phone),
                "purpose": message.purpose,
                "text": text,
            },
        )
