"""The .ics attachment: a calendar entry people can add with one click.

The file is written here, line by line, not built with a calendar library: it is always the one
VEVENT and the VTIMEZONE its TZID needs, and icalendar cost a cold process tens of milliseconds of
import and each email more CPU than the rest of its calendar work, most of it folding lines it had
first built as objects. Readers we did not write (icalendar itself, ical.js, node-ical, vobject)
parse the files the tests make."""

from __future__ import annotations

import functools
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from .events import Event

PRODUCT_ID = "-//Signup//Hudiksvall//SV"
# RFC 5545 3.1: a content line is at most 75 octets; a longer one goes on after CRLF and a space.
LINE_OCTETS = 75
BACKSLASH = ord("\\")
# The names zoneinfo has for UTC itself.
UTC_NAMES = frozenset({"UTC", "Etc/UTC", "UCT", "Etc/UCT", "Universal", "Etc/Universal", "Zulu", "Etc/Zulu"})
# RFC 5545 3.3.11 TEXT: backslash, semicolon, comma and line breaks are escaped. Other control
# characters (tab apart) have no place in TEXT, so they are left out rather than written raw.
_TEXT_ESCAPES = str.maketrans(
    {
        "\\": "\\\\",
        ";": "\\;",
        ",": "\\,",
        "\n": "\\n",
        **dict.fromkeys((*range(0x09), *range(0x0B, 0x20), 0x7F)),
    }
)


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
    SEQUENCE): calendars match it by UID and remove it."""
    zone = event.zone
    start, end = event.starts_at.astimezone(zone), event.ends_at_or_default.astimezone(zone)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODUCT_ID}",
        f"METHOD:{method(cancelled)}",
    ]
    entry = [
        "BEGIN:VEVENT",
        f"UID:{escaped(calendar_uid(event, registration_id))}",
        f"DTSTAMP:{now.astimezone(UTC):%Y%m%dT%H%M%SZ}",
        f"DTSTART{_zoned(start, event.timezone)}",
        f"DTEND{_zoned(end, event.timezone)}",
        f"SUMMARY:{escaped(event.text('title', language))}",
        f"LOCATION:{escaped(', '.join(part for part in (event.venue, event.address) if part))}",
        f"DESCRIPTION:{escaped(description)}",
        f"SEQUENCE:{calendar_sequence(event, cancelled=cancelled)}",
        f"STATUS:{'CANCELLED' if cancelled else 'CONFIRMED'}",
    ]
    if event.organisers:
        entry.append(f"ORGANIZER:mailto:{event.organisers[0]}")
    entry.append("END:VEVENT")
    return b"".join(
        (
            *map(folded, lines),
            _timezone(event.timezone, start.year, end.year),
            *map(folded, entry),
            folded("END:VCALENDAR"),
        )
    )


def method(cancelled: bool) -> str:
    """The iTIP method (RFC 5546), in the file and on the MIME part's Content-Type alike."""
    return "CANCEL" if cancelled else "PUBLISH"


def escaped(value: str) -> str:
    """A TEXT value (RFC 5545 3.3.11), any line break written as the two characters `\\n`."""
    return value.replace("\r\n", "\n").replace("\r", "\n").translate(_TEXT_ESCAPES)


def folded(line: str) -> bytes:
    """One content line in UTF-8 with its CRLF, folded so no line passes 75 octets (RFC 5545 3.1).

    A fold never falls inside a character (it moves back over UTF-8 continuation bytes, 10xxxxxx),
    so each physical line is valid UTF-8 by itself, as some readers need; nor between a TEXT escape's
    backslash and the character it escapes, which Outlook and Google Calendar have been seen to
    misread (icalendar's issue #1501)."""
    data = line.encode()
    if len(data) <= LINE_OCTETS:
        return data + b"\r\n"
    pieces, start, room = [], 0, LINE_OCTETS
    while len(data) - start > room:
        cut = start + room
        while data[cut] & 0xC0 == 0x80:
            cut -= 1
        if _opens_an_escape(data, cut - 1):
            cut -= 1
        pieces.append(data[start:cut])
        # The continuation's leading space counts towards its 75 octets.
        start, room = cut, LINE_OCTETS - 1
    pieces.append(data[start:])
    return b"\r\n ".join(pieces) + b"\r\n"


def _zoned(moment: datetime, zone_name: str) -> str:
    """A DATE-TIME's parameter and value: local wall-clock time with TZID (plus the VTIMEZONE), so a
    calendar shows 18.00 in Hudiksvall whatever the reader's own time zone is; in UTC itself, the
    UTC form, which takes no TZID (RFC 5545 3.2.19)."""
    if zone_name in UTC_NAMES:
        return f":{moment.astimezone(UTC):%Y%m%dT%H%M%SZ}"
    return f";TZID={zone_name}:{moment:%Y%m%dT%H%M%S}"


def _opens_an_escape(data: bytes, at: int) -> bool:
    """Whether the byte at `at` is a backslash that escapes the byte after it: the backslashes
    before a character pair up from the first, so it does when the run ending here is odd."""
    run = 0
    while at - run >= 0 and data[at - run] == BACKSLASH:
        run += 1
    return run % 2 == 1


@functools.cache
def _timezone(name: str, first_year: int, last_year: int) -> bytes:
    """The VTIMEZONE for the meeting's years, from zoneinfo's own transitions, written once per zone
    and years.

    Each change is its own STANDARD/DAYLIGHT block whose DTSTART is the local time just before
    it, in the offset it leaves (RFC 5545 3.6.5): Stockholm's March change is 02:00, not the
    03:00 icalendar's `Timezone.from_tzid` writes, which moved it an hour for every reader.
    """
    zone = ZoneInfo(name)
    start = datetime(first_year, 1, 1, tzinfo=zone)
    lines = ["BEGIN:VTIMEZONE", f"TZID:{escaped(name)}"]
    # The offset in force when the covered years begin, then every change within them.
    lines += _observance(zone, start.astimezone(UTC), start.utcoffset() or timedelta(0))
    end = datetime(last_year + 1, 1, 1, tzinfo=zone).astimezone(UTC)
    for instant, before in _offset_changes(zone, start.astimezone(UTC), end):
        lines += _observance(zone, instant, before)
    lines.append("END:VTIMEZONE")
    return b"".join(map(folded, lines))


def _observance(zone: ZoneInfo, instant: datetime, before: timedelta) -> list[str]:
    local = instant.astimezone(zone)
    kind = "DAYLIGHT" if local.dst() else "STANDARD"
    return [
        f"BEGIN:{kind}",
        f"DTSTART:{instant + before:%Y%m%dT%H%M%S}",
        f"TZNAME:{escaped(local.tzname() or '')}",
        f"TZOFFSETFROM:{_utc_offset(before)}",
        f"TZOFFSETTO:{_utc_offset(local.utcoffset() or timedelta(0))}",
        f"END:{kind}",
    ]


def _utc_offset(offset: timedelta) -> str:
    """RFC 5545 3.3.14 UTC-OFFSET: +HHMM, with seconds only when there are any (old local mean times)."""
    seconds = int(offset.total_seconds())
    hours, rest = divmod(abs(seconds), 3600)
    minutes, seconds_left = divmod(rest, 60)
    return f"{'-' if seconds < 0 else '+'}{hours:02}{minutes:02}" + (f"{seconds_left:02}" if seconds_left else "")


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
