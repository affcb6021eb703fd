"""A person's rights: see everything stored about an address, and have it erased."""

from __future__ import annotations

import logging
from datetime import datetime
from decimal import Decimal
from typing import Any

from .errors import EventStarted
from .forms import email_key
from .registrations import Status, cancel
from .store import DynamoStore, registration_from_item

log = logging.getLogger(__name__)


def _json_ready(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {key: _json_ready(inner) for key, inner in value.items()}
    if isinstance(value, list | set | tuple):
        return [_json_ready(inner) for inner in value]
    return value


def export_person(email: str, *, store: DynamoStore) -> dict[str, Any]:
    """Everything stored about this address, across events, as plain JSON-ready data."""
    items = store.person_items(email_key(email))
    return {
        "email": email_key(email),
        "registrations": [_json_ready(item) for item in items if item["SK"].startswith("REG#")],
        "address_records": [_json_ready(item) for item in items if not item["SK"].startswith("REG#")],
    }


def erase_person(email: str, *, store: DynamoStore, now: datetime) -> dict[str, int]:
    """Remove the address from every event. A held seat is freed through the normal cancellation,
    so counters stay right and the waiting list moves up; then every item is deleted.

    A suppression record stays: it holds only a hash of the mailbox, and without it an address
    that bounced or complained would be emailed again the next time someone types it in."""
    items = store.person_items(email_key(email), with_suppression=False)
    cancelled = 0
    for item in items:
        if not item["SK"].startswith("REG#"):
            continue
        registration = registration_from_item(item)
        if registration.status != Status.CANCELLED:
            try:
                # No receipt: the items are deleted next, and the person asked us to forget them.
                cancel(registration.event_id, registration.registration_id, store=store, now=now, send_receipt=False)
            except EventStarted:
                continue  # the meeting is under way or over: no seat to free, nobody to promote
            cancelled += 1
    store.delete_items(items)
    # Only that an erasure happened, and how much: never whose.
    log.info("person erased", extra={"items": len(items), "seats_freed": cancelled})
    return {"items_deleted": len(items), "registrations_cancelled": cancelled}
