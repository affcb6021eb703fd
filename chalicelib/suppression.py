"""SES bounce and complaint notifications (via SNS) → addresses we never email again."""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta
from typing import Any, Protocol

from .email_history import EmailHistoryStore, HistoryKind, Result, SentEmail
from .forms import email_key

log = logging.getLogger(__name__)


class SuppressionStore(EmailHistoryStore, Protocol):
    def suppress(self, email_key: str, reason: str, now: datetime) -> None: ...


def addresses_to_suppress(message: str) -> list[tuple[str, str]]:
    """(address, reason) pairs from one SES notification; transient bounces are ignored.

    Handles both SES notification formats: identity notifications
    (`notificationType`) and configuration-set event publishing (`eventType`).
    """
    try:
        data: dict[str, Any] = json.loads(message)
    except ValueError:
        log.warning("SES notification is not JSON; ignored")
        return []
    kind = data.get("notificationType") or data.get("eventType")
    if kind == "Bounce":
        bounce = data.get("bounce") or {}
        if bounce.get("bounceType") != "Permanent":
            return []
        return [(r["emailAddress"], "bounce") for r in bounce.get("bouncedRecipients", []) if r.get("emailAddress")]
    if kind == "Complaint":
        complaint = data.get("complaint") or {}
        return [
            (r["emailAddress"], "complaint") for r in complaint.get("complainedRecipients", []) if r.get("emailAddress")
        ]
    return []


def message_id(message: str) -> str:
    """The SES message id a notification is about ("" if it names none)."""
    try:
        data = json.loads(message)
    except ValueError:
        return ""
    mail = data.get("mail") if isinstance(data, dict) else None
    return str(mail.get("messageId", "")) if isinstance(mail, dict) else ""


def record_notification(message: str, *, store: SuppressionStore, now: datetime, keep_for: timedelta) -> int:
    """Suppress each address, and add the bounce or complaint to its email history (about the
    address, not one event: kept `keep_for`, the retention of an event's data)."""
    suppressed = addresses_to_suppress(message)
    about = message_id(message)
    for address, reason in suppressed:
        key = email_key(address)
        store.suppress(key, reason, now)
        result = Result.BOUNCED if reason == "bounce" else Result.COMPLAINED
        store.add_email_history(SentEmail(key, "", HistoryKind.SES_NOTICE, result, now, about), now + keep_for)
    if suppressed:
        log.info("addresses suppressed", extra={"count": len(suppressed)})
    return len(suppressed)
