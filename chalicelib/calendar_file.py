"""The .ics attachment: a calendar entry people can add with one click."""

from __future__ import annotations

import functools
from datetime import date, datetime, timedelta

from icalendar import Calendar, Timezone
from icalendar import Event as CalendarEvent

from .events import Event

PRODUCT_ID = "-//Signup//Hudiksvall//SV"
DEFAULT_LENGTH = timedelta(hours=2)


def calendar_uid(event: Event, registration_id: str) -> str:
    """Stable per event and registration, so an updated file replaces the entry."""
    return f"{event.id}.{registration_id}@signup"


def calendar_file(
    event: Event, registration_id: str, *, language: str, now: datetime, description: str, sequence: int = 0
) -> bytes:
    zone = event.zone
    entry = CalendarEvent()
    entry.add("uid", calendar_uid(event, registration_id))
    entry.add("dtstamp", now)
    # Local wall-clock times with TZID (plus the VTIMEZONE below), so a calendar
    # shows 18.00 in Hudiksvall whatever the reader's own time zone is.
    entry.add("dtstart", event.starts_at.astimezone(zone))
    entry.add("dtend", (event.ends_at or event.starts_at + DEFAULT_LENGTH).astimezone(zone))
    entry.add("summary", event.text("title", language))
    entry.add("location", ", ".join(part for part in (event.venue, event.address) if part))
    entry.add("description", description)
    entry.add("sequence", sequence)
    entry.add("status", "CONFIRMED")
    if event.organisers:
        entry.add("organizer", f"mailto:{event.organisers[0]}")
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add_component(_timezone(event.timezone, event.starts_at.year))
    calendar.add_component(entry)
    return bytes(calendar.to_ical())


@functools.cache
def _timezone(name: str, year: int) -> Timezone:
    """The VTIMEZONE for the meeting's year only: icalendar's default spans 1970-2038
    (a hundred transitions, most of the file and of the time it takes to build)."""
    return Timezone.from_tzid(name, first_date=date(year - 1, 1, 1), last_date=date(year + 1, 12, 31))
