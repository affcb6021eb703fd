"""SES bounce and complaint notifications (via SNS) → addresses we never email again."""

from __future__ import annotations

import json
import logging
from datetime import datetime
from typing import Any, Protocol

from .forms import email_key

log = logging.getLogger(__name__)


class SuppressionStore(Protocol):
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


def record_notification(message: str, *, store: SuppressionStore, now: datetime) -> int:
    suppressed = addresses_to_suppress(message)
    for address, reason in suppressed:
        store.suppress(email_key(address), reason, now)
    if suppressed:
        log.info("addresses suppressed", extra={"count": len(suppressed)})
    return len(suppressed)
