"""When the meeting is, said once: the same sentences on the form, in the email and in errors."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from chalicelib import config, pages, web
from chalicelib.console import pages as console_pages
from chalicelib.console.access import event_rows
from chalicelib.console.audit import AuditEntry
from chalicelib.console.network_view import network_view
from chalicelib.console.people_pages import door_list_context
from chalicelib.errors import RegistrationClosed
from chalicelib.meeting_times import local_date_and_clock, meeting_times
from chalicelib.network_report import network_report, report_text
from chalicelib.notice_kind import NoticeKind
from chalicelib.notices import Audience, Notice
from tests.fakes import InMemoryStore
from tests.helpers import at, example_event, series_meeting
from tests.mailbox import parts_of
from tests.unit.test_mail import build


def test_the_sentences_in_swedish_and_english():
    event = example_event()
    swedish, english = meeting_times(event, "sv"), meeting_times(event, "en")
    assert (swedish.date, swedish.meeting, swedish.meal_from) == (
        "måndag 24 maj 2027",
        "Mötet börjar 18.00",
        "Enklare måltid från 17.00",
    )
    assert (swedish.last_day, swedish.deadline) == ("15 maj", "Anmäl dig senast 15 maj")
    assert (english.date, english.meeting, english.deadline) == (
        "Monday 24 May 2027",
        "The meeting starts at 18:00",
        "Sign up no later than 15 May",
    )


def test_times_are_said_in_the_meeting_s_own_zone_not_stockholm_s():
    event = example_event(timezone="Australia/Sydney", starts_at=datetime(2027, 5, 24, 9, 30), meal_at=None)
    times = meeting_times(event, "en")
    assert times.meeting == "The meeting starts at 09:30"
    assert times.meal_from == times.meal_chosen == "", "no meal, no sentence"
    moment = at("2027-05-23T23:30:00+00:00")  # 09:30 the next morning in Sydney
    assert local_date_and_clock(event, moment, "en") == "Monday 24 May 2027 at 09:30"
    assert local_date_and_clock(event, None, "en") == ""


def test_the_form_the_email_and_the_closed_message_say_the_same():
    event = example_event()
    times = meeting_times(event, "sv")
    form = pages.Pages(config).form_page(event, "sv", at("2027-05-01T12:00:00+02:00"))
    found = parts_of(build())
    text, html = found["text/plain"].get_content(), found["text/html"].get_content()
    for sentence in (times.date, times.meeting):
        assert sentence in form and sentence in text and sentence in html
    assert times.deadline in form
    assert times.last_day in web.error_message(RegistrationClosed(event=event), "sv")


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_consoles_pages_and_the_network_report_say_the_same(language):
    # In Sydney: each says the meeting's times in its own zone, as the form and the email do.
    event = series_meeting("natverk-1", "natverk", datetime(2027, 5, 24, 9, 30), timezone="Australia/Sydney")
    times = meeting_times(event, language)
    facts = console_pages.event_facts(event, language)
    assert (facts["date_text"], facts["meeting_text"], facts["deadline_text"]) == (
        times.date,
        times.meeting,
        times.last_day,
    )
    [row] = console_pages.event_list_rows(event_rows([event], event.starts_at - timedelta(days=10)), language)
    assert (row["date_text"], row["deadline_text"]) == (times.date, times.last_day)
    door = door_list_context(event, [], language)
    assert (door["date_text"], door["meeting_text"]) == (times.date, times.meeting)
    report = network_report("natverk", store=InMemoryStore(event), now=event.starts_at - timedelta(days=3))
    assert network_view(report, language)["meetings"][0]["date_text"] == times.date
    assert times.date in report_text(report, language)


@pytest.mark.parametrize(
    ("timezone", "swedish", "english"),
    [
        # 22:30 UTC is half past midnight the next day in Stockholm (summer time) ...
        ("Europe/Stockholm", "tisdag 25 maj 2027 kl. 00.30", "Tuesday 25 May 2027 at 00:30"),
        # ... and half past eight the next morning in Sydney.
        ("Australia/Sydney", "tisdag 25 maj 2027 kl. 08.30", "Tuesday 25 May 2027 at 08:30"),
    ],
)
def test_the_console_lists_of_notices_and_audit_say_times_in_the_meeting_s_zone(timezone, swedish, english):
    event = example_event(timezone=timezone)
    moment = at("2027-05-24T22:30:00+00:00")
    notice = Notice(event.id, "n1", NoticeKind.MESSAGE, Audience.EVERYONE, created_at=moment)
    entry = AuditEntry(event.id, moment, "organiser@example.se", "signed_in")
    for language, expected in (("sv", swedish), ("en", english)):
        [notice_row] = console_pages.notice_rows([notice], event, language)
        [audit_row] = console_pages.audit_rows([entry], event, language)
        assert notice_row["when"] == audit_row["when"] == expected
