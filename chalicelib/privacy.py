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
    # The rest under the address: daily email counts, sign-in requests, email history, suppression record.
    address_items: tuple[dict[str, Any], ...]
    registrations: tuple[Registration, ...]  # the registration items, read as the domain's
    # Its console sessions (the version, devices signed out), if it ever signed in to the console.
    console_items: tuple[dict[str, Any], ...] = ()

    @property
    def count(self) -> int:
        return len(self.registration_items) + len(self.address_items) + len(self.console_items)


class PersonStore(CancellationStore, Protocol):
    def person_records(self, email_key: str, *, with_suppression: bool = True) -> PersonRecords: ...

    def delete_person_records(self, records: PersonRecords, now: datetime) -> None:
        """Delete the registration and address items; end the console sessions (see forget_console_person)."""


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
        "console_records": [_json_ready(item) for item in records.console_items],
    }


def erase_person(email: str, *, store: PersonStore, now: datetime) -> dict[str, int]:
    """Remove the address from every event. A held seat is freed through the normal cancellation,
    so counters stay right and the waiting list moves up; then every item is deleted.

    A suppression record stays: it holds only a hash of the mailbox, and without it an address
    that bounced or complained would be emailed again the next time someone types it in. Console
    sessions and sign-in links of the address stop working at once; the one record that makes them
    stop goes by itself a day later, once no session made before could still be alive."""
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
    store.delete_person_records(records, now)
    # Only that an erasure happened, and how much: never whose.
    log.info("person erased", extra={"items": records.count, "seats_freed": cancelled})
    return {"items_deleted": records.count, "registrations_cancelled": cancelled}
