"""A count said with its noun agrees with it, in Swedish and in English: "1 dag" / "2 dagar",
"1 day" / "2 days", for every sentence that says one (a configured number of days or minutes, people,
organisations, places)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from chalicelib import config, pages
from chalicelib.console import pages as console_pages
from chalicelib.console import people_pages
from chalicelib.console.network_view import network_view
from chalicelib.console.people import PeopleFilter
from chalicelib.console.questions import Lowered, lowered_text
from chalicelib.network_report import network_report, report_text, totals_text
from tests.fakes import InMemoryStore
from tests.helpers import CUSTOM_QUESTIONS, at, open_event, series_meeting
from tests.unit.test_console_people import EVENT as PEOPLE_EVENT
from tests.unit.test_console_people import NOW as DOOR_TIME
from tests.unit.test_console_people import person

ONE_AND_TWO = [
    # (count, language, what a person reads)
    (1, "sv", "1 dag"),
    (2, "sv", "2 dagar"),
    (1, "en", "1 day"),
    (2, "en", "2 days"),
]


@pytest.mark.parametrize(("days", "language", "said"), ONE_AND_TWO)
def test_the_form_and_the_privacy_page_say_the_configured_days_in_the_right_form(monkeypatch, days, language, said):
    monkeypatch.setenv(config.SENSITIVE_DAYS, str(days))
    monkeypatch.setenv(config.RETENTION_DAYS, str(days))
    rendered = pages.Pages(config)
    now = at("2027-05-01T12:00:00+02:00")
    form = " ".join(rendered.form_page(open_event(now), language, now).split())
    privacy = " ".join(rendered.privacy_page(language).split())
    if language == "sv":
        assert f"Specialkost och behov raderas {said} efter träffen, hela anmälan efter {said}." in form
        assert f"Specialkost och behov för att delta raderas {said} efter träffen." in privacy
        assert f"Hela anmälan raderas {said} efter träffen." in privacy
    else:
        assert (
            f"Diets and access needs are deleted {said} after the meeting, the whole registration after {said}." in form
        )
        assert f"Diets and access needs are deleted {said} after the meeting." in privacy
        assert f"The whole registration is deleted {said} after the meeting." in privacy


@pytest.mark.parametrize(("days", "language", "said"), ONE_AND_TWO)
def test_the_audit_page_says_how_long_the_log_is_kept_in_the_right_form(days, language, said):
    event = open_event()
    html = console_pages.render(
        pages.templates(),
        "console/audit.html",
        language,
        root="",
        here=f"/console/events/{event.id}/audit",
        event=event,
        facts=console_pages.event_facts(event, language),
        entries=[],
        retention_days=days,
    )
    expected = {
        "sv": f"Loggen sparas lika länge som träffens uppgifter: till {said} efter träffen.",
        "en": f"The log is kept as long as the meeting's data: until {said} after the meeting.",
    }[language]
    assert expected in " ".join(html.split())


@pytest.mark.parametrize(
    ("people", "organisations", "language", "said"),
    [
        (1, 1, "sv", "Sammanlagt 1 person och 1 organisation."),
        (2, 2, "sv", "Sammanlagt 2 personer och 2 organisationer."),
        (1, 2, "en", "In all 1 person and 2 organisations."),
        (2, 1, "en", "In all 2 people and 1 organisation."),
    ],
)
def test_the_network_report_s_totals_are_one_sentence_for_the_text_and_the_console(
    people, organisations, language, said
):
    event = series_meeting("natverk-1", "natverk", datetime(2027, 5, 24, 18, 0))
    found = network_report("natverk", store=InMemoryStore(event), now=event.starts_at - timedelta(days=3))
    report = replace(found, people_counted=people, organisations_counted=organisations)
    assert totals_text(report, language) == said
    assert said in report_text(report, language).splitlines()
    assert network_view(report, language)["totals_text"] == said


@pytest.mark.parametrize(
    ("limit", "taken", "language", "said"),
    [
        (1, 2, "sv", "”Robotik i vården”: 1 plats, men 2 har redan valt det."),
        (2, 3, "sv", "”Robotik i vården”: 2 platser, men 3 har redan valt det."),
        (0, 1, "en", "“Robotics in care”: 0 places, but 1 already holds it."),
        (1, 2, "en", "“Robotics in care”: 1 place, but 2 already hold it."),
        (2, 3, "en", "“Robotics in care”: 2 places, but 3 already hold it."),
    ],
)
def test_a_lowered_place_limit_is_said_with_places_and_holders_agreeing(limit, taken, language, said):
    event = open_event(questions=[CUSTOM_QUESTIONS[1]])
    assert lowered_text(event, Lowered("workshop", "robotik", limit, taken), language).startswith(said)


# -- counts on the console's pages and in the digest -------------------------------------------------


@pytest.mark.parametrize(
    ("count", "language", "showing", "found", "arrived"),
    [
        (1, "sv", "Visar 1 av 1 anmäld.", "1 person hittades.", "1 av 1 med plats har kommit."),
        (2, "sv", "Visar 2 av 2 anmälda.", "2 personer hittades.", "2 av 2 med plats har kommit."),
        (1, "en", "Showing 1 of 1 registered.", "1 person found.", "1 of 1 with a seat has arrived."),
        (2, "en", "Showing 2 of 2 registered.", "2 people found.", "2 of 2 with a seat have arrived."),
    ],
)
def test_the_people_pages_say_how_many_they_show_found_and_arrived_in_the_right_form(
    count, language, showing, found, arrived
):
    registered = [person(f"Anna {number}", number=number, checked_in_at=DOOR_TIME) for number in range(count)]
    listed = people_pages.people_context(PEOPLE_EVENT, registered, registered, PeopleFilter(), language)
    assert listed["showing"] == showing
    door = people_pages.check_in_context(PEOPLE_EVENT, registered, registered, "Anna", "", language)
    assert (door["said"], door["arrived"]) == (found, arrived)


@pytest.mark.parametrize(
    ("new", "language", "said", "row"),
    [
        (1, "sv", "Personer: 1 ny, 0 återkommande.", "personer 1 ny, 0 återkommande; organisationer 1 ny,"),
        (2, "sv", "Personer: 2 nya, 0 återkommande.", "personer 2 nya, 0 återkommande; organisationer 2 nya,"),
        (1, "en", "People: 1 new, 0 returning.", "people 1 new, 0 returning; organisations 1 new,"),
        (2, "en", "People: 2 new, 0 returning.", "people 2 new, 0 returning; organisations 2 new,"),
    ],
)
def test_the_network_s_newcomers_agree_with_their_count_in_the_report_and_the_digest(new, language, said, row):
    from chalicelib.digest import summarize
    from chalicelib.outreach import Outreach
    from chalicelib.service import Signup
    from tests.fakes import RecordingMailer
    from tests.helpers import sign_up

    event = series_meeting("natverk-1", "natverk", datetime(2027, 5, 24, 18, 0), digest={"language": language})
    store = InMemoryStore(event)
    signed_up = event.starts_at - timedelta(days=20)
    for number in range(new):
        sign_up(
            store, now=signed_up, event_id=event.id, email=f"p{number}@example.se", organisation=f"Förening {number}"
        )
    now = event.starts_at - timedelta(days=3)
    report = network_report("natverk", store=store, now=now)
    assert f"  {said}" in report_text(report, language).splitlines()
    signup = Signup(store=store, mailer=RecordingMailer(), settings=config, templates=pages.templates())
    registrations = list(store.registrations(event.id))
    summary = summarize(event, registrations, now=now, since=None)
    digest = Outreach(signup=signup, store=store).job_messages("https://signup.example", now)
    sent = digest.digest(event, summary, registrations, final=False)
    assert row in sent.get_body(("plain",)).get_content()
    assert said in " ".join(sent.get_body(("html",)).get_content().split())
