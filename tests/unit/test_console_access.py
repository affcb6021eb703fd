"""Who sees which event, and the events list's order and numbers."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from chalicelib.console.access import ConsoleUser, event_for, event_row, event_rows, visible_events
from chalicelib.errors import EventNotFound
from tests.helpers import at, example_event

ADMIN = ConsoleUser("chef@hudiksvall.se", is_admin=True)
ANNA = ConsoleUser("anna@hudiksvall.se", is_admin=False)


def event(event_id, organisers=("anna@hudiksvall.se",), **overrides):
    return replace(example_event(ends_at=None, **overrides), id=event_id, organisers=tuple(organisers))


def test_an_organiser_sees_the_events_that_name_them_an_administrator_sees_all():
    hers = event("a", organisers=["Anna@Hudiksvall.se", "bo@example.se"])
    others = event("b", organisers=["bo@example.se"])
    assert visible_events(ANNA, [hers, others]) == [hers]
    assert visible_events(ADMIN, [hers, others]) == [hers, others]


def test_an_event_she_may_not_see_is_answered_like_a_missing_one():
    others = event("b", organisers=["bo@example.se"])
    assert event_for(ADMIN, others) is others
    with pytest.raises(EventNotFound) as hidden:
        event_for(ANNA, others)
    with pytest.raises(EventNotFound) as missing:
        event_for(ANNA, None)
    assert (hidden.value.code, hidden.value.http_status) == (missing.value.code, missing.value.http_status)


def test_upcoming_meetings_come_first_soonest_first_then_past_ones_latest_first():
    now = at("2027-05-01T12:00+02:00")
    soon = event("soon", starts_at=datetime(2027, 5, 24, 18), deadline=datetime(2027, 5, 15).date())
    later = event("later", starts_at=datetime(2027, 9, 1, 18), deadline=datetime(2027, 8, 20).date())
    last_year = event("last-year", starts_at=datetime(2026, 5, 24, 18), deadline=datetime(2026, 5, 15).date())
    long_ago = event("long-ago", starts_at=datetime(2025, 5, 24, 18), deadline=datetime(2025, 5, 15).date())
    rows = event_rows([long_ago, later, last_year, soon], now)
    assert [row.event.id for row in rows] == ["soon", "later", "last-year", "long-ago"]
    assert [row.upcoming for row in rows] == [True, True, False, False]


def test_a_row_counts_seats_waiting_and_days_left_to_the_local_last_day():
    meeting = replace(
        event("m", starts_at=datetime(2027, 5, 24, 18), deadline=datetime(2027, 5, 15).date(), capacity=60),
        confirmed_count=58,
        waitlist_count=4,
    )
    (row,) = event_rows([meeting], at("2027-05-10T23:30+02:00"))
    assert (row.seats_taken, row.waiting, row.last_day.isoformat(), row.days_left) == (58, 4, "2027-05-15", 5)
    (last_day,) = event_rows([meeting], at("2027-05-15T23:59+02:00"))
    assert last_day.days_left == 0 and last_day.open
    (closed,) = event_rows([meeting], at("2027-05-16T00:00+02:00"))
    assert closed.days_left is None and not closed.open and closed.upcoming
    (over,) = event_rows([meeting], meeting.ends_at_or_default + timedelta(seconds=1))
    assert not over.upcoming


def test_the_event_page_says_the_numbers_of_the_events_row_and_its_own():
    """The page of one meeting reads open, seats taken, waiting and days left from the row the events
    list shows, and the seats held and left from the event."""
    from chalicelib import pages
    from chalicelib.console.pages import event_facts, render

    meeting = replace(
        event("m", starts_at=datetime(2027, 5, 24, 18), deadline=datetime(2027, 5, 15).date(), capacity=60),
        confirmed_count=50,
        pending_count=3,
        waitlist_count=4,
    )
    now = at("2027-05-10T23:30+02:00")
    page = render(
        pages.templates(),
        "console/event.html",
        "en",
        root="",
        here="/console/events/m",
        user=ANNA,
        event=meeting,
        facts=event_facts(meeting, "en"),
        row=event_row(meeting, now),
        questions=[],
        tools=[],
    )
    counts = page.split('<dl class="counts"', 1)[1].split("</dl>", 1)[0]
    said = dict(re.findall(r"<dt>(.*?)</dt>\s*<dd>(.*?)</dd>", counts))
    assert said == {
        "Registration": "Open",
        "Have a seat": "50 of 60",
        "Of those, seats held until the person confirms": "3",
        "On the waiting list": "4",
        "Seats left": "10",
        "Last day to sign up": event_facts(meeting, "en")["deadline_text"],
        "Days left": "5",
    }
