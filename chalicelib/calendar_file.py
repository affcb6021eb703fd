"""The .ics attachment: a calendar entry people can add with one click."""

from __future__ import annotations

import functools
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from .events import Event

if TYPE_CHECKING:
    from icalendar import Timezone, TimezoneDaylight, TimezoneStandard

PRODUCT_ID = "-//Signup//Hudiksvall//SV"


def calendar_uid(event: Event, registration_id: str) -> str:
    """Stable per event and registration, so an updated file replaces the entry."""
    return f"{event.id}.{registration_id}@signup"


def calendar_sequence(event: Event, *, cancelled: bool) -> int:
    """The entry's revision (SEQUENCE), so calendars take a later file over what they hold.

    Every copy sent while the meeting stands as stored (confirmation, promotion, reminder, a change
    notice) is revision `calendar_version`, which the store raises whenever the time or place changes
    and when the meeting is cancelled. A person's own cancellation withdraws their copy one above the
    revision they hold; the meeting's cancellation is already a revision of its own."""
    return event.calendar_version + (1 if cancelled and not event.is_cancelled else 0)


def calendar_file(
    event: Event,
    registration_id: str,
    *,
    language: str,
    now: datetime,
    description: str,
    cancelled: bool = False,
) -> bytes:
    """The meeting as a calendar entry (METHOD:PUBLISH), or, once the person has cancelled or the
    meeting is called off, the same entry withdrawn (METHOD:CANCEL, STATUS:CANCELLED, a higher
    SEQUENCE): calendars match it by UID and remove it.

    icalendar is imported here, not at the top (it is the heaviest import of the app): only a
    route or job that sends a calendar file pays for it, not every cold start."""
    from icalendar import Calendar
    from icalendar import Event as CalendarEvent

    zone = event.zone
    start, end = event.starts_at.astimezone(zone), event.ends_at_or_default.astimezone(zone)
    entry = CalendarEvent()
    entry.add("uid", calendar_uid(event, registration_id))
    entry.add("dtstamp", now)
    # Local wall-clock times with TZID (plus the VTIMEZONE below), so a calendar
    # shows 18.00 in Hudiksvall whatever the reader's own time zone is.
    entry.add("dtstart", start)
    entry.add("dtend", end)
    entry.add("summary", event.text("title", language))
    entry.add("location", ", ".join(part for part in (event.venue, event.address) if part))
    entry.add("description", description)
    entry.add("sequence", calendar_sequence(event, cancelled=cancelled))
    entry.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    if event.organisers:
        entry.add("organizer", f"mailto:{event.organisers[0]}")
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("method", method(cancelled))
    calendar.add_component(_timezone(event.timezone, start.year, end.year))
    calendar.add_component(entry)
    return bytes(calendar.to_ical())


def method(cancelled: bool) -> str:
    """The iTIP method (RFC 5546), in the file and on the MIME part's Content-Type alike."""
    return "CANCEL" if cancelled else "PUBLISH"


@functools.cache
def _timezone(name: str, first_year: int, last_year: int) -> Timezone:
    """The VTIMEZONE for the meeting's years, from zoneinfo's own transitions.

    Each change is its own STANDARD/DAYLIGHT block whose DTSTART is the local time just before
    it, in the offset it leaves (RFC 5545 3.6.5): Stockholm's March change is 02:00, not the
    03:00 icalendar's `Timezone.from_tzid` writes, which moved it an hour for every reader.
    """
    from icalendar import Timezone

    zone = ZoneInfo(name)
    start = datetime(first_year, 1, 1, tzinfo=zone)
    timezone = Timezone()
    timezone.add("tzid", name)
    # The offset in force when the covered years begin, then every change within them.
    timezone.add_component(_observance(zone, start.astimezone(UTC), start.utcoffset() or timedelta(0)))
    end = datetime(last_year + 1, 1, 1, tzinfo=zone).astimezone(UTC)
    for instant, before in _offset_changes(zone, start.astimezone(UTC), end):
        timezone.add_component(_observance(zone, instant, before))
    return timezone


def _observance(zone: ZoneInfo, instant: datetime, before: timedelta) -> TimezoneStandard | TimezoneDaylight:
    from icalendar import TimezoneDaylight, TimezoneStandard

    local = instant.astimezone(zone)
    observance = TimezoneDaylight() if local.dst() else TimezoneStandard()
    observance.add("dtstart", (instant + before).replace(tzinfo=None))
    observance.add("tzoffsetfrom", before)
    observance.add("tzoffsetto", local.utcoffset())
    observance.add("tzname", local.tzname())
    return observance


def _offset_changes(zone: ZoneInfo, start: datetime, end: datetime) -> list[tuple[datetime, timedelta]]:
    """Each UTC instant in [start, end) where the zone's UTC offset changes, with the offset before it.

    A day at a time (no zone changes twice in a day), then to the second by bisection."""
    changes = []
    at, offset = start, _offset(zone, start)
    while at < end:
        later = min(at + timedelta(days=1), end)
        if _offset(zone, later) != offset:
            low, high = int(at.timestamp()), int(later.timestamp())
            while high - low > 1:
                middle = (low + high) // 2
                low, high = (middle, high) if _offset(zone, _utc(middle)) == offset else (low, middle)
            changes.append((_utc(high), offset))
            offset = _offset(zone, _utc(high))
        at = later
    return changes


def _offset(zone: ZoneInfo, instant: datetime) -> timedelta:
    return instant.astimezone(zone).utcoffset() or timedelta(0)


def _utc(timestamp: int) -> datetime:
    return datetime.fromtimestamp(timestamp, UTC)
