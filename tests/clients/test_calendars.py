"""The .ics files as calendar programs read them: ical.js, node-ical, vobject and icalendar, none of
which wrote them (Signup writes its .ics by hand, chalicelib/calendar_file.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from chalicelib.calendar_file import calendar_file
from tests.clients.conftest import read_with_icalendar, read_with_vobject, utc_text
from tests.helpers import example_event

NOW = datetime(2027, 5, 1, 10, tzinfo=UTC)
# Meetings in Hudiksvall and south of the equator (Sydney's summer time spans New Year), one across
# New Year so that two years are covered; Santiago changes at local midnight.
ZONED_MEETINGS = [
    ("Europe/Stockholm", "2027-05-24T18:00:00", "2027-05-24T20:30:00"),
    ("Europe/Stockholm", "2027-12-31T22:00:00", "2028-01-01T01:00:00"),
    ("Australia/Sydney", "2027-10-03T18:00:00", "2027-10-03T20:00:00"),
    ("Australia/Sydney", "2027-12-31T20:00:00", "2028-01-01T02:00:00"),
    ("America/Santiago", "2027-09-05T09:00:00", "2027-09-05T11:00:00"),
]


def zoneinfo_changes(zone: ZoneInfo, first_year: int, last_year: int) -> list[tuple[datetime, int, int]]:
    """The reference: each change of UTC offset (instant, seconds before, seconds after), by zoneinfo,
    scanned an hour at a time and then found to the minute."""

    def offset(instant: datetime) -> int:
        local = instant.astimezone(zone).utcoffset()
        assert local is not None, "a time in a zone has its offset"
        return int(local.total_seconds())

    changes = []
    at = datetime(first_year, 1, 1, tzinfo=zone).astimezone(UTC)
    end = datetime(last_year + 1, 1, 1, tzinfo=zone).astimezone(UTC)
    while at < end:
        later = at + timedelta(hours=1)
        if offset(later) != offset(at):
            minute = next(
                at + timedelta(minutes=m) for m in range(1, 61) if offset(at + timedelta(minutes=m)) != offset(at)
            )
            changes.append((minute, offset(at), offset(minute)))
        at = later
    return changes


@pytest.fixture(scope="module")
def meetings(tmp_path_factory, node_parsers):
    folder = tmp_path_factory.mktemp("calendars")
    files = {}
    for index, (zone, start, end) in enumerate(ZONED_MEETINGS):
        event = example_event(
            timezone=zone,
            starts_at=datetime.fromisoformat(start),
            ends_at=datetime.fromisoformat(end),
            meal_at=None,
            deadline=datetime.fromisoformat(start).date() - timedelta(days=7),
        )
        path = folder / f"{index}-{zone.replace('/', '-')}.ics"
        path.write_bytes(calendar_file(event, f"r{index}", language="sv", now=NOW, description="Mötet börjar."))
        files[path] = event
    parsed = node_parsers(files)
    return [(event, path.read_text(encoding="utf-8"), parsed[path]["calendar"]) for path, event in files.items()]


def test_the_meeting_starts_and_ends_at_the_same_instant_in_every_reader(meetings):
    for event, ics, node in meetings:
        start, end = utc_text(event.starts_at), utc_text(event.ends_at)
        (entry,) = node["icaljs"]["events"]
        assert (entry["tzid"], entry["start"], entry["end"]) == (event.timezone, start, end)
        (entry,) = node["nodeIcal"]["events"]
        assert (entry["start"], entry["end"]) == (start, end)
        vevent = read_with_vobject(ics).vevent
        assert vevent.dtstart.value.astimezone(UTC) == event.starts_at.astimezone(UTC)
        assert vevent.dtend.value.astimezone(UTC) == event.ends_at.astimezone(UTC)
        (entry,) = read_with_icalendar(ics).walk("VEVENT")
        assert (utc_text(entry.decoded("DTSTART")), utc_text(entry.decoded("DTEND"))) == (start, end)
        assert entry["DTSTART"].params["TZID"] == entry["DTEND"].params["TZID"] == event.timezone


def test_vtimezone_changes_agree_with_zoneinfo_in_ical_js(meetings):
    for event, _, node in meetings:
        years = (event.starts_at.astimezone(event.zone).year, event.ends_at.astimezone(event.zone).year)
        expected = [
            (at.isoformat().replace("+00:00", ".000Z"), before, after)
            for at, before, after in zoneinfo_changes(event.zone, *years)
        ]
        found = [(change["at"], change["from"], change["to"]) for change in node["icaljs"]["timezones"][event.timezone]]
        assert found == expected, event.timezone
        assert len(expected) == 2 * (years[1] - years[0] + 1) or event.timezone == "America/Santiago"


def test_vtimezone_changes_agree_with_zoneinfo_in_vobject(meetings):
    for event, ics, _ in meetings:
        years = (event.starts_at.astimezone(event.zone).year, event.ends_at.astimezone(event.zone).year)
        vtimezone = read_with_vobject(ics).vtimezone
        written = sorted(
            (
                (observance.dtstart.value - _offset(observance.tzoffsetfrom.value)).replace(tzinfo=UTC),
                int(_offset(observance.tzoffsetfrom.value).total_seconds()),
                int(_offset(observance.tzoffsetto.value).total_seconds()),
            )
            for observance in vtimezone.getChildren()
            if observance.name in ("STANDARD", "DAYLIGHT")
            and observance.tzoffsetfrom.value != observance.tzoffsetto.value
        )
        assert written == zoneinfo_changes(event.zone, *years), event.timezone


def test_vtimezone_changes_agree_with_zoneinfo_in_icalendar(meetings):
    """icalendar's own reading of the VTIMEZONE blocks (not the zone it would look up by TZID)."""
    for event, ics, _ in meetings:
        years = (event.starts_at.astimezone(event.zone).year, event.ends_at.astimezone(event.zone).year)
        (vtimezone,) = read_with_icalendar(ics).walk("VTIMEZONE")
        instants, offsets = vtimezone.get_transitions()
        # The first block is the offset in force as the years begin; each later one is a change.
        found = [
            (at.replace(tzinfo=UTC), int(before[0].total_seconds()), int(after[0].total_seconds()))
            for at, before, after in zip(instants[1:], offsets, offsets[1:], strict=False)
        ]
        assert found == zoneinfo_changes(event.zone, *years), event.timezone


def test_vobject_gives_zoneinfo_offsets_through_the_meetings_years(meetings):
    for event, ics, _ in meetings:
        tzinfo = read_with_vobject(ics).vtimezone.gettzinfo()
        years = (event.starts_at.astimezone(event.zone).year, event.ends_at.astimezone(event.zone).year)
        # Every third hour from the second day (before the first onset dateutil falls back to the first
        # STANDARD block), and a minute and half an hour either side of each change.
        first = datetime(years[0], 1, 2, tzinfo=event.zone).astimezone(UTC)
        end = datetime(years[1] + 1, 1, 1, tzinfo=event.zone).astimezone(UTC)
        probes = [first + timedelta(hours=hours) for hours in range(0, int((end - first).total_seconds()) // 3600, 3)]
        for change, _, _ in zoneinfo_changes(event.zone, *years):
            probes += [change + timedelta(minutes=minutes) for minutes in (-30, -1, 0, 1, 30)]
        checked = 0
        for at in probes:
            local = at.astimezone(event.zone)
            # dateutil's tzical cannot tell the two copies of a repeated local hour apart: skip those.
            if local.replace(fold=1 - local.fold).utcoffset() == local.utcoffset():
                assert at.astimezone(tzinfo).utcoffset() == local.utcoffset(), (event.timezone, at)
                checked += 1
        assert checked > 2_500


def _offset(value: object) -> timedelta:
    """vobject reads TZOFFSETFROM/TO as a timedelta (or, in some versions, as '+0100' text)."""
    if isinstance(value, timedelta):
        return value
    text = str(value)
    sign = -1 if text.startswith("-") else 1
    return sign * timedelta(hours=int(text[1:3]), minutes=int(text[3:5]), seconds=int(text[5:7] or 0))
