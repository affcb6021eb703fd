"""The audit log of each event: who did what in the console, and when.

Entries sit beside the event's registrations and are kept exactly as long as they are (the event's
end plus the retention period), so the log never outlives the data it is about.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from ..events import Event
from .access import ConsoleUser

SIGNED_IN = "signed_in"


@dataclass(frozen=True)
class AuditEntry:
    event_id: str
    at: datetime
    actor: str  # the mailbox key of the person who acted
    action: str  # a stable code ("signed_in", "downloaded_csv", …); the audit page translates it
    detail: str = ""  # what it was about, in words an organiser reads (never a diet or an access need)


class AuditStore(Protocol):
    def add_audit_entries(self, entries: Iterable[tuple[AuditEntry, datetime]]) -> None: ...


def expiry(event: Event, retention: timedelta) -> datetime:
    """When an event's data goes, and its audit log with it."""
    return event.ends_at_or_default + retention


def record(
    store: AuditStore,
    user: ConsoleUser,
    events: Iterable[Event],
    action: str,
    detail: str = "",
    *,
    retention: timedelta,
    now: datetime,
) -> None:
    """One entry per event, each kept as long as that event's data."""
    store.add_audit_entries(
        (AuditEntry(event.id, now, user.email_key, action, detail), expiry(event, retention)) for event in events
    )
