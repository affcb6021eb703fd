"""A person's rights: see everything stored about an address, and have it erased."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol

from .errors import EventStarted
from .forms import email_key
from .registrations import CancellationStore, Registration, Status, cancel

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PersonRecords:
    """Everything stored under one address, as the store read it."""

    registration_items: tuple[dict[str, Any], ...]  # its registration in each event, every attribute
    address_items: tuple[dict[str, Any], ...]  # the rest: its daily email counts, its suppression record
    registrations: tuple[Registration, ...]  # the registration items, read as the domain's

    @property
    def count(self) -> int:
        return len(self.registration_items) + len(self.address_items)


class PersonStore(CancellationStore, Protocol):
    def person_records(self, email_key: str, *, with_suppression: bool = True) -> PersonRecords: ...

    def delete_person_records(self, records: PersonRecords) -> None: ...


def _json_ready(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {key: _json_ready(inner) for key, inner in value.items()}
    if isinstance(value, list | set | tuple):
        return [_json_ready(inner) for inner in value]
    return value


def export_person(email: str, *, store: PersonStore) -> dict[str, Any]:
    """Everything stored about this address, across events, as plain JSON-ready data."""
    records = store.person_records(email_key(email))
    return {
        "email": email_key(email),
        "registrations": [_json_ready(item) for item in records.registration_items],
        "address_records": [_json_ready(item) for item in records.address_items],
    }


def erase_person(email: str, *, store: PersonStore, now: datetime) -> dict[str, int]:
    """Remove the address from every event. A held seat is freed through the normal cancellation,
    so counters stay right and the waiting list moves up; then every item is deleted.

    A suppression record stays: it holds only a hash of the mailbox, and without it an address
    that bounced or complained would be emailed again the next time someone types it in."""
    records = store.person_records(email_key(email), with_suppression=False)
    cancelled = 0
    for registration in records.registrations:
        if registration.status != Status.CANCELLED:
            try:
                # No receipt: the items are deleted next, and the person asked us to forget them.
                cancel(registration.event_id, registration.registration_id, store=store, now=now, send_receipt=False)
            except EventStarted:
                continue  # the meeting is under way or over: no seat to free, nobody to promote
            cancelled += 1
    store.delete_person_records(records)
    # Only that an erasure happened, and how much: never whose.
    log.info("person erased", extra={"items": records.count, "seats_freed": cancelled})
    return {"items_deleted": records.count, "registrations_cancelled": cancelled}
