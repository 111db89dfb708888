"""Jinja2 rendering for the console: the whole page, and the fragments the live stream pushes.

One renderer for both: the page embeds the same fragments the stream sends, so a live update and a reload
look identical. Keys (``data-key``) and content signatures (``data-sig``) let the page swap only the rows
that changed, which keeps screen-reader announcements (``aria-live``) to the news.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from openrd import __version__
from openrd.domain.directory import AuditEvent
from openrd.domain.times import rfc3339_ms
from openrd.services.console import ConsoleSnapshot


@dataclass(frozen=True)
class AuditFilters:
    """Applied in the browser as you type; the server applies the same rule to the first render (no-JS too)."""

    account: str = ""
    action: str = ""
    result: str = ""

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> AuditFilters:
        result = query.get("result", "").strip()
        return cls(
            account=query.get("account", "").strip()[:64],
            action=query.get("action", "").strip()[:64],
            result=result if result in ("success", "failure") else "",
        )

    def matches(self, event: AuditEvent) -> bool:
        # Mirror of matches() in static/console.js.
        return (
            (not self.account or self.account in event.account_id)
            and (not self.action or self.action.lower() in event.action.lower())
            and (not self.result or self.result == event.result)
        )


def age_text(moment_ms: int, now_ms: int) -> str:
    """Mirror of ageText() in static/console.js."""
    seconds = max(0, (now_ms - moment_ms) // 1000)
    if seconds < 60:
        return f"{seconds} s ago"
    minutes = seconds // 60
    if minutes < 60:
        return f"{minutes} min ago"
    hours = minutes // 60
    if hours < 48:
        return f"{hours} h ago"
    return f"{hours // 24} d ago"


def offset_text(seconds: int) -> str:
    """``+1 d 2 h 3 min 4 s``; mirror of offsetText() in static/console.js."""
    if seconds == 0:
        return "0 s (real time)"
    sign = "+" if seconds > 0 else "−"
    rest = abs(seconds)
    parts = []
    for size, unit in ((86400, "d"), (3600, "h"), (60, "min"), (1, "s")):
        if rest >= size:
            parts.append(f"{rest // size} {unit}")
            rest %= size
    return sign + " ".join(parts)


@dataclass(frozen=True)
class ArnParts:
    account: str
    identity: str  # "root", "user/<name>", "assumed-role/<role>/<session>"


def arn_parts(arn: str) -> ArnParts:
    """``acs:ram::<account>:<identity>`` in two parts, so the log can show them on two short lines."""
    parts = arn.split(":", 4)
    if len(parts) == 5 and parts[0] == "acs":
        return ArnParts(parts[3], parts[4])
    return ArnParts(arn, "")


def word_breaks(name: str) -> Markup:
    """Line-break opportunities inside CamelCase action names, so a phone wraps them between words."""
    return Markup("<wbr>").join(escape(word) for word in re.split(r"(?<=[a-z])(?=[A-Z])", name))


def signature(value: object) -> str:
    return hashlib.sha256(repr(value).encode()).hexdigest()[:12]


def counts_text(snap: ConsoleSnapshot) -> str:
    total = sum(count for _, count in snap.inbox_counts)
    if not total:
        return "No messages"
    detail = ", ".join(f"{count} {status}" for status, count in snap.inbox_counts)
    shown = f"Newest {len(snap.inbox)} of " if total > len(snap.inbox) else ""
    return f"{shown}{total} message{'s' if total != 1 else ''} ({detail})"


class ConsoleRenderer:
    def __init__(self) -> None:
        self.env = Environment(
            loader=PackageLoader("openrd.console", "templates"),
            autoescape=True,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.filters.update(
            ms_time=rfc3339_ms, sig=signature, offset_text=offset_text, arn_parts=arn_parts, word_breaks=word_breaks
        )
        self.env.globals.update(age_text=age_text, counts_text=counts_text, version=__version__)

    def _fragment(self, name: str, snap: ConsoleSnapshot, filters: AuditFilters) -> str:
        return self.env.get_template(name).render(snap=snap, filters=filters)

    def page(self, snap: ConsoleSnapshot, *, filters: AuditFilters, urls: Mapping[str, str]) -> str:
        fragments = {
            "inbox_html": self._fragment("_inbox_rows.html", snap, filters),
            "directory_html": self._fragment("_directories.html", snap, filters),
            "audit_html": self._fragment("_audit_rows.html", snap, filters),
        }
        return self.env.get_template("console.html").render(snap=snap, filters=filters, urls=urls, **fragments)

    def denied(self, *, status: int, message: str) -> str:
        return self.env.get_template("denied.html").render(status=status, message=message)

    def payload(self, snap: ConsoleSnapshot) -> dict[str, Any]:
        """The JSON the stream pushes: fragments for the page, plus the inbox as data (phones masked)."""
        unfiltered = AuditFilters()  # the browser filters; one payload serves every open page
        return {
            "fingerprint": snap.fingerprint,
            "now": rfc3339_ms(snap.now_ms),
            "now_ms": snap.now_ms,
            "offset_seconds": snap.offset_seconds,
            "offset_text": offset_text(snap.offset_seconds),
            "inbox_counts_text": counts_text(snap),
            "messages": [
                {
                    "id": row.message_id,
                    "phone": row.phone_masked,
                    "code": row.code,
                    "purpose": row.purpose,
                    "status": row.status,
                    "account_id": row.account_id,
                    "created_at": rfc3339_ms(row.created_ms),
                }
                for row in snap.inbox
            ],
            "inbox_html": self._fragment("_inbox_rows.html", snap, unfiltered),
            "directory_html": self._fragment("_directories.html", snap, unfiltered),
            "audit_html": self._fragment("_audit_rows.html", snap, unfiltered),
        }
