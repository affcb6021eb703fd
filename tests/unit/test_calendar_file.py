"""The hand-written .ics writer against the icalendar-built file it replaced: for many meetings,
icalendar parses both and finds the same calendar, and the new file keeps RFC 5545's line rules."""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar, Timezone, TimezoneDaylight, TimezoneStandard
from icalendar import Event as CalendarEvent
from icalendar.prop import VPROPERTY

from chalicelib.calendar_file import (
    PRODUCT_ID,
    _offset_changes,
    calendar_file,
    calendar_sequence,
    calendar_uid,
    folded,
    method,
)
from chalicelib.events import Event, EventStatus
from tests.helpers import example_event

NOW = datetime(2027, 5, 1, 10, 15, 30, tzinfo=UTC)


def icalendar_built(
    event: Event, registration_id: str, *, language: str, now: datetime, description: str, cancelled: bool = False
) -> bytes:
    """The builder as it was before the hand-written one (icalendar objects, then `to_ical`)."""
    zone = event.zone
    start, end = event.starts_at.astimezone(zone), event.ends_at_or_default.astimezone(zone)
    entry = CalendarEvent()
    entry.add("uid", calendar_uid(event, registration_id))
    entry.add("dtstamp", now)
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
    timezone = Timezone()
    timezone.add("tzid", event.timezone)
    first = datetime(start.year, 1, 1, tzinfo=zone)
    timezone.add_component(_observance(zone, first.astimezone(UTC), first.utcoffset() or timedelta(0)))
    last = datetime(end.year + 1, 1, 1, tzinfo=zone).astimezone(UTC)
    for instant, before in _offset_changes(zone, first.astimezone(UTC), last):
        timezone.add_component(_observance(zone, instant, before))
    calendar.add_component(timezone)
    calendar.add_component(entry)
    return bytes(calendar.to_ical())


def _observance(zone: ZoneInfo, instant: datetime, before: timedelta) -> TimezoneStandard | TimezoneDaylight:
    local = instant.astimezone(zone)
    observance = TimezoneDaylight() if local.dst() else TimezoneStandard()
    observance.add("dtstart", (instant + before).replace(tzinfo=None))
    observance.add("tzoffsetfrom", before)
    observance.add("tzoffsetto", local.utcoffset())
    observance.add("tzname", local.tzname())
    return observance


def meaning(ics: bytes) -> list[tuple[str, list[tuple[str, Any, dict[str, str]]]]]:
    """What icalendar reads: each component in order, its properties by name with their values
    (text unescaped, times with their wall clock, offset and zone) and parameters."""
    components = []
    for component in Calendar.from_ical(ics).walk():
        assert not component.errors, component.errors
        assert component.name is not None, "a component read from a file has its name"
        properties = []
        for name, value in component.property_items(recursive=False):
            if name in ("BEGIN", "END"):
                continue
            assert isinstance(value, VPROPERTY), (name, value)
            if hasattr(value, "dt"):
                moment = value.dt
                assert isinstance(moment, datetime), (name, moment)  # our files have no all-day dates
                read: Any = (moment.isoformat(), str(moment.tzinfo))
            elif hasattr(value, "td"):
                read = value.td
            else:
                read = (type(value).__name__, str(value))
            properties.append((name, read, dict(value.params)))
        components.append((component.name, sorted(properties)))
    return components


def meeting(zone: str, start: str, end: str, **overrides: Any) -> Event:
    starts_at = datetime.fromisoformat(start)
    return example_event(
        timezone=zone,
        starts_at=starts_at,
        ends_at=datetime.fromisoformat(end),
        meal_at=None,
        deadline=starts_at.date() - timedelta(days=7),
        **overrides,
    )


SWEDISH = "Vi ses i Rådhussalen. Ta med dig förslagen från förra träffen; vi börjar med fika, sedan arbetsgrupper."
TRICKY = "a,b;c\\d\ne\r\nf\rg \\n är inte en radbrytning \\, ;;,, \\\\ slut\\"
# (id, event, keyword arguments of calendar_file)
CASES: list[tuple[str, Event, dict[str, Any]]] = [
    ("swedish", example_event(), {"description": SWEDISH}),
    ("english", example_event(), {"description": "See you there.", "language": "en"}),
    ("long-swedish-folds", example_event(), {"description": SWEDISH * 8}),
    ("long-ascii-folds", example_event(), {"description": "Agenda item number one. " * 30}),
    ("four-octet-characters", example_event(), {"description": "Fika ☕ och 🎉 för alla, 日本語も. " * 12}),
    ("commas-semicolons-backslashes-newlines", example_event(), {"description": TRICKY * 4}),
    (
        "special-title-and-place",
        dataclasses.replace(
            example_event(),
            title={"sv": "Träff; del 1, av 2 \\ med\nradbrytning"},
            venue="Salen; övre, plan",
            address="Storgatan 1\\B",
        ),
        {"description": "Välkommen!"},
    ),
    ("cancelled-by-the-person", example_event(), {"description": SWEDISH, "cancelled": True}),
    (
        "meeting-called-off",
        dataclasses.replace(example_event(), status=EventStatus.CANCELLED, calendar_version=3),
        {"description": SWEDISH, "cancelled": True},
    ),
    ("moved-twice", dataclasses.replace(example_event(), calendar_version=2), {"description": SWEDISH}),
    (
        "no-organiser-no-address",
        dataclasses.replace(example_event(), organisers=(), address=""),
        {"description": SWEDISH},
    ),
    ("tokyo-no-daylight-saving", meeting("Asia/Tokyo", "2027-06-10T09:00:00", "2027-06-10T12:00:00"), {}),
    ("kolkata-half-hour-offset", meeting("Asia/Kolkata", "2027-06-10T09:00:00", "2027-06-10T12:00:00"), {}),
    ("utc", meeting("UTC", "2027-06-10T09:00:00", "2027-06-10T12:00:00"), {}),
    ("sydney-southern-summer", meeting("Australia/Sydney", "2027-10-03T18:00:00", "2027-10-03T20:00:00"), {}),
    ("sydney-across-new-year", meeting("Australia/Sydney", "2027-12-31T20:00:00", "2028-01-01T02:00:00"), {}),
    ("santiago-changes-at-midnight", meeting("America/Santiago", "2027-09-05T09:00:00", "2027-09-05T11:00:00"), {}),
    ("st-johns-negative-half-hour", meeting("America/St_Johns", "2027-07-01T19:00:00", "2027-07-01T21:00:00"), {}),
    ("chatham-quarter-hour", meeting("Pacific/Chatham", "2027-04-04T01:00:00", "2027-04-04T05:00:00"), {}),
    ("stockholm-across-new-year", meeting("Europe/Stockholm", "2027-12-31T22:00:00", "2028-01-01T01:00:00"), {}),
    ("stockholm-over-the-autumn-change", meeting("Europe/Stockholm", "2027-10-31T01:00:00", "2027-10-31T05:00:00"), {}),
    ("stockholm-over-the-spring-change", meeting("Europe/Stockholm", "2027-03-28T01:00:00", "2027-03-28T04:00:00"), {}),
    (
        "stockholm-mean-time-offset-in-seconds",
        meeting("Europe/Stockholm", "1899-06-01T18:00:00", "1899-06-01T20:00:00"),
        {},
    ),
]


def written(event: Event, arguments: dict[str, Any], build: Any = calendar_file) -> bytes:
    options = {"language": "sv", "now": NOW, "description": "Mötet börjar.", **arguments}
    return build(event, "r-1", **options)


@pytest.mark.parametrize(("event", "arguments"), [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_icalendar_reads_the_same_calendar_from_the_written_file_as_from_the_one_it_built(event, arguments):
    new, old = written(event, arguments), written(event, arguments, icalendar_built)
    assert meaning(new) == meaning(old)
    (entry,) = Calendar.from_ical(new).walk("VEVENT")
    assert str(entry["DESCRIPTION"]) == arguments.get("description", "Mötet börjar.").replace("\r\n", "\n").replace(
        "\r", "\n"
    )
    assert entry.decoded("DTSTART") == event.starts_at and entry.decoded("DTEND") == event.ends_at_or_default


@settings(max_examples=150, deadline=None)
@given(
    title=st.text(alphabet=st.characters(exclude_categories=("Cc", "Cs")) | st.sampled_from("\\;,\n"), max_size=120),
    description=st.text(
        alphabet=st.characters(exclude_categories=("Cc", "Cs")) | st.sampled_from("\\;,\n\r"), max_size=400
    ),
    cancelled=st.booleans(),
)
def test_any_title_and_description_read_back_as_icalendar_built_them(title, description, cancelled):
    event = dataclasses.replace(example_event(), title={"sv": title or "Träff"})
    arguments = {"description": description, "cancelled": cancelled}
    new = written(event, arguments)
    (entry,) = Calendar.from_ical(new).walk("VEVENT")
    assert str(entry["SUMMARY"]) == (title or "Träff")
    assert str(entry["DESCRIPTION"]) == description.replace("\r\n", "\n").replace("\r", "\n")
    if "\\N" not in title + description:
        # icalendar itself writes a typed backslash before an N as the escape of a line break
        # (`\N` -> `\n`), so for those texts the old file was the wrong one: compared above only.
        assert meaning(new) == meaning(written(event, arguments, icalendar_built))
    assert_rfc_5545_lines(new)


def assert_rfc_5545_lines(ics: bytes) -> None:
    assert ics.endswith(b"\r\n") and b"\n" not in ics.replace(b"\r\n", b"") and b"\r" not in ics.replace(b"\r\n", b"")
    for line in ics.split(b"\r\n")[:-1]:
        assert len(line) <= 75, line
        line.decode("utf-8")  # a fold never splits a character: each line decodes on its own


@pytest.mark.parametrize(("event", "arguments"), [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_lines_are_crlf_at_most_75_octets_and_whole_characters(event, arguments):
    assert_rfc_5545_lines(written(event, arguments))


@pytest.mark.parametrize("character", ["a", "å", "–", "🎉"])
def test_a_fold_falls_at_75_octets_or_just_before_a_character_that_would_pass_them(character):
    for length in range(60, 160):
        line = "DESCRIPTION:" + character * length
        physical = folded(line).split(b"\r\n")[:-1]
        assert b"".join(piece.removeprefix(b" ") if index else piece for index, piece in enumerate(physical)) == (
            line.encode()
        )
        for index, piece in enumerate(physical[:-1]):
            room = 75 if index == 0 else 74
            content = piece if index == 0 else piece.removeprefix(b" ")
            assert room - len(character.encode()) < len(content) <= room, (length, index)


def test_a_fold_never_separates_a_backslash_from_what_it_escapes():
    """Outlook and Google Calendar misread `\\` at the end of a line with `n` on the next."""
    for padding in range(60, 80):
        for escaped in ("\n", ",", ";", "\\", "\\\n", "\\\\,"):
            ics = calendar_file(example_event(), "r", language="sv", now=NOW, description="x" * padding + escaped * 3)
            pieces = physical_lines(ics, "DESCRIPTION")
            folds = {sum(len(piece) for piece in pieces[:count]) for count in range(1, len(pieces))}
            assert not folds & set(escaped_characters(b"".join(pieces))), (padding, escaped, pieces)


def physical_lines(ics: bytes, name: str) -> list[bytes]:
    """The property's line as written, each continuation without its leading space."""
    lines = ics.split(b"\r\n")
    at = next(index for index, line in enumerate(lines) if line.startswith(name.encode() + b":"))
    pieces = [lines[at]]
    for line in lines[at + 1 :]:
        if not line.startswith(b" "):
            break
        pieces.append(line[1:])
    return pieces


def escaped_characters(line: bytes) -> list[int]:
    """The offset of each character a backslash escapes in a TEXT line (`n`, `,`, `;` or `\\`)."""
    offsets, index = [], line.index(b":") + 1
    while index < len(line):
        if line[index] == ord("\\"):
            offsets.append(index + 1)
            index += 2
        else:
            index += 1
    return offsets


def test_control_characters_other_than_tab_are_left_out_of_text():
    """TEXT may not hold them (RFC 5545 3.3.11); icalendar wrote them raw."""
    ics = calendar_file(example_event(), "r", language="sv", now=NOW, description="a\x00b\x07c\x1bd\te\x7ff")
    (entry,) = Calendar.from_ical(ics).walk("VEVENT")
    assert str(entry["DESCRIPTION"]) == "abcd\tef"
    assert not re.search(rb"[\x00-\x08\x0b-\x0c\x0e-\x1f\x7f]", ics)


def test_the_time_stamp_is_written_in_utc_whatever_zone_the_clock_gives():
    in_stockholm = NOW.astimezone(ZoneInfo("Europe/Stockholm"))
    ics = calendar_file(example_event(), "r", language="sv", now=in_stockholm, description="x")
    assert b"\r\nDTSTAMP:20270501T101530Z\r\n" in ics
