"""Who sees which event in the console.

Administrators (the stage's `SIGNUP_ADMINS`) see every event; an organiser sees the events that name
them. An event someone may not see is answered exactly like one that does not exist, so the console
never tells a stranger which events there are.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from ..errors import EventNotFound
from ..events import Event
from .auth import Session, organises


@dataclass(frozen=True)
class ConsoleUser:
    email_key: str
    is_admin: bool
    # The signed-in session (its id binds the CSRF token); None only in tests of the rules.
    session: Session | None = field(default=None, compare=False, repr=False)


def may_see(user: ConsoleUser, event: Event) -> bool:
    return user.is_admin or organises(event, user.email_key)


def visible_events(user: ConsoleUser, events: Iterable[Event]) -> list[Event]:
    return [event for event in events if may_see(user, event)]


def event_for(user: ConsoleUser, event: Event | None) -> Event:
    """The event, if it exists and this user may see it; otherwise the same EventNotFound either way."""
    if event is None or not may_see(user, event):
        raise EventNotFound()
    return event


@dataclass(frozen=True)
class EventRow:
    """One line of the events list: what an organiser checks first."""

    event: Event
    upcoming: bool
    open: bool
    seats_taken: int
    waiting: int
    last_day: date
    days_left: int | None  # days until the deadline, counting today; None once it has passed


def event_rows(events: Iterable[Event], now: datetime) -> list[EventRow]:
    """Upcoming meetings first, soonest first; then past ones, latest first."""
    rows = [event_row(event, now) for event in events]
    upcoming = sorted((row for row in rows if row.upcoming), key=lambda row: row.event.starts_at)
    past = sorted((row for row in rows if not row.upcoming), key=lambda row: row.event.starts_at, reverse=True)
    return upcoming + past


def event_row(event: Event, now: datetime) -> EventRow:
    """The event as the events list shows it (its own page shows the same row)."""
    days_left = event.days_to_deadline(now) if now < event.deadline_at else None
    return EventRow(
        event=event,
        upcoming=now < event.ends_at_or_default,
        open=event.is_open(now),
        seats_taken=event.confirmed_count,
        waiting=event.waitlist_count,
        last_day=event.last_day,
        days_left=days_left,
    )
