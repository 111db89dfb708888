"""The emulator's sender: the message is already stored; delivering means it is readable in the inbox."""

from __future__ import annotations

from openrd.domain.sms import OutboundSms


class InboxSender:
    name = "inbox"
    keeps_text = True

    def deliver(self, message: OutboundSms) -> None:
        return None
