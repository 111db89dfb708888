"""Alibaba Cloud accounts as openrd knows them: site, secure phone, enterprise identity
(docs/behaviour.md#sites-and-phones)."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Login names are e-mail-like; display names follow domain/names.py.
LOGIN_NAME = re.compile(r"^[A-Za-z0-9_.@-]{1,100}$", re.ASCII)


@dataclass(frozen=True)
class Account:
    account_id: str
    name: str  # login name; MasterAccountName when this account manages a directory (docs/behaviour.md#directories)
    display_name: str
    site: str
    secure_mobile_phone: str | None
    enterprise_name: str | None
    enterprise_verified: bool
    created_ms: int
