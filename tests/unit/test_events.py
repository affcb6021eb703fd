from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from chalicelib.events import DigestMode, EventFileError, EventStatus, deadline_instant, parse_event_toml
from tests.helpers import EXAMPLE, at, event_today, example_event, open_event

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def test_the_example_event_reads_as_the_municipality_wrote_it():
    event = parse_event_toml(EXAMPLE.read_text(encoding="utf-8"))
    assert event.title["sv"] == "Nätverk för social hållbarhet – andra träffen"
    assert event.starts_at.astimezone(STOCKHOLM) == datetime(2027, 5, 24, 18, 0, tzinfo=STOCKHOLM)
    assert event.meal_at.astimezone(STOCKHOLM).hour == 17
    assert event.venue == "Rådhussalen, Kulturhuset"
    assert event.last_day == date(2027, 5, 15)
    assert [area.id for area in event.interests][0] == "barn-och-unga"


def test_deadline_date_means_through_the_end_of_that_local_day():
    event = example_event(deadline=date(2027, 5, 15))
    assert event.deadline_at == at("2027-05-16T00:00:00+02:00")
    assert event.is_open(at("2027-05-15T23:59:59+02:00"))
    assert not event.is_open(at("2027-05-16T00:00:00+02:00"))


@pytest.mark.parametrize(
    ("last_day", "offset"),
    [
        # The night before summer time starts (last Sunday of March) and the 23-hour day itself.
        (date(2027, 3, 27), "+01:00"),
        (date(2027, 3, 28), "+02:00"),
        # The night before winter time (last Sunday of October) and the 25-hour day itself.
        (date(2027, 10, 30), "+02:00"),
        (date(2027, 10, 31), "+01:00"),
    ],
)
def test_deadline_on_daylight_saving_switch_days(last_day, offset):
    event = example_event(deadline=last_day, starts_at=datetime(2027, 12, 1, 18, 0), meal_at=None, ends_at=None)
    next_day = date.fromordinal(last_day.toordinal() + 1)
    assert event.is_open(at(f"{last_day}T23:59:59.999{offset}"))
    assert not event.is_open(at(f"{next_day}T00:00:00{offset}"))
    assert event.last_day == last_day


def test_deadline_instant_is_utc_midnight_local():
    assert deadline_instant(date(2027, 3, 28), STOCKHOLM) == datetime(2027, 3, 28, 22, 0, tzinfo=UTC)
    assert deadline_instant(date(2027, 10, 31), STOCKHOLM) == datetime(2027, 10, 31, 23, 0, tzinfo=UTC)


def test_a_deadline_with_a_time_closes_at_that_moment():
    event = example_event(deadline=datetime(2027, 5, 15, 12, 0))
    assert event.is_open(at("2027-05-15T11:59:59+02:00"))
    assert not event.is_open(at("2027-05-15T12:00:00+02:00"))


def test_a_meeting_time_inside_the_spring_forward_gap_is_refused():
    with pytest.raises(EventFileError) as error:
        example_event(starts_at=datetime(2027, 3, 28, 2, 30), meal_at=None, ends_at=None, deadline=date(2027, 3, 20))
    assert any(problem.startswith("starts_at:") and "does not exist" in problem for problem in error.value.problems)


def test_every_problem_names_its_key():
    text = """
id = "Bad Id!"
title = { sv = "" , de = "x" }
starts_at = "tomorrow"
deadline = "soon"
capacity = 0
organisers = ["not-an-email"]
capcity = 10
[questions]
diet = "yes"
"""
    with pytest.raises(EventFileError) as error:
        parse_event_toml(text)
    keys = {problem.split(":")[0].split(".")[0] for problem in error.value.problems}
    assert {"id", "title", "starts_at", "venue", "deadline", "capacity", "organisers", "capcity", "questions"} <= keys


def test_invalid_toml_is_reported_not_raised_as_a_crash():
    with pytest.raises(EventFileError, match="not valid TOML"):
        parse_event_toml("id = ")


def test_deadline_after_the_meeting_is_refused():
    with pytest.raises(EventFileError, match="deadline: must not be after starts_at"):
        example_event(deadline=date(2027, 6, 1))


def test_questions_can_be_switched_off():
    event = example_event(standard_questions={"diet": False, "message": False})
    assert event.asks("meal") and not event.asks("diet") and not event.asks("message")


def test_without_a_meal_time_there_is_no_meal_or_diet_question():
    event = example_event(meal_at=None)
    assert not event.asks("meal") and not event.asks("diet")


def test_the_waiting_list_is_as_long_as_the_room_unless_the_file_says_otherwise():
    assert example_event(capacity=30).waitlist_limit == 30
    assert example_event(capacity=30, waitlist_limit=5).waitlist_limit == 5
    assert example_event(capacity=30, waitlist_limit=0).waitlist_limit == 0, "0: no waiting list"
    assert example_event(capacity=None).waitlist_limit == 0


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (-1, "waitlist_limit: expected a whole number of places on the waiting list from 0 to 100000, got -1"),
        ("ten", "waitlist_limit: expected a whole number of places on the waiting list from 0 to 100000, got 'ten'"),
        (True, "waitlist_limit: expected a whole number of places on the waiting list from 0 to 100000, got True"),
    ],
)
def test_a_wrong_waitlist_limit_is_named(value, problem):
    with pytest.raises(EventFileError) as error:
        example_event(capacity=30, waitlist_limit=value)
    assert problem in error.value.problems


def test_a_waitlist_limit_without_capacity_is_refused():
    with pytest.raises(EventFileError, match="waitlist_limit: needs capacity"):
        example_event(capacity=None, waitlist_limit=10)


def test_the_waiting_list_is_full_only_when_every_seat_and_place_is_taken():
    event = example_event(capacity=2, waitlist_limit=1)
    assert not replace(event, confirmed_count=2).waitlist_is_full
    assert replace(event, confirmed_count=2, waitlist_count=1).waitlist_is_full
    assert replace(example_event(capacity=2, waitlist_limit=0), confirmed_count=2).waitlist_is_full


def test_confirm_address_is_off_unless_asked_for_and_holds_a_day_by_default():
    assert not example_event().confirm_address
    event = example_event(confirm_address=True)
    assert event.confirm_address and event.confirm_within_hours == 24
    assert example_event(confirm_address=True, confirm_within_hours=6).hold_period.total_seconds() == 6 * 3600


@pytest.mark.parametrize(
    ("overrides", "problem"),
    [
        ({"confirm_address": "yes"}, "confirm_address: expected true or false, got 'yes'"),
        (
            {"confirm_address": True, "confirm_within_hours": 0},
            "confirm_within_hours: expected a whole number of hours from 1 to 168, got 0",
        ),
        ({"confirm_within_hours": 12}, "confirm_within_hours: only used with confirm_address = true"),
    ],
)
def test_confirm_address_mistakes_are_named(overrides, problem):
    with pytest.raises(EventFileError) as error:
        example_event(**overrides)
    assert problem in error.value.problems


def test_status_and_digest_mode_read_as_their_states():
    assert example_event().status is EventStatus.OPEN
    assert example_event(status="closed").status is EventStatus.CLOSED
    # An exported cancelled meeting loads again, cancelled.
    cancelled = example_event(status="cancelled")
    assert cancelled.status is EventStatus.CANCELLED and cancelled.is_cancelled
    assert example_event().digest is DigestMode.CHANGES
    assert example_event(digest={"send": "daily"}).digest is DigestMode.DAILY


@pytest.mark.parametrize(
    ("overrides", "problem"),
    [
        ({"status": "paused"}, "status: must be 'open' or 'closed'"),
        ({"status": "Open"}, "status: must be 'open' or 'closed'"),
        ({"digest": {"send": "weekly"}}, "digest.send: expected one of changes, daily, off, got 'weekly'"),
    ],
)
def test_an_unknown_status_or_digest_mode_is_named(overrides, problem):
    with pytest.raises(EventFileError) as error:
        example_event(**overrides)
    assert problem in error.value.problems


def test_seats_left_and_full():
    event = example_event(capacity=2)
    assert event.seats_left == 2 and not event.is_full
    assert example_event(capacity=None).seats_left is None


def test_the_test_meeting_counts_its_days_in_stockholm_not_on_this_machine():
    # 23:30 UTC on 15 May is already 01:30 on 16 May in Stockholm, where deadlines are dates.
    late = at("2027-05-15T23:30:00+00:00")
    assert event_today(late) == date(2027, 5, 16)
    event = open_event(late)
    assert event.is_open(late) and event.last_day == date(2027, 6, 15)
    closed_yesterday = open_event(late, deadline=event_today(late) - timedelta(days=1))
    assert closed_yesterday.last_day == date(2027, 5, 15) and not closed_yesterday.is_open(late)
    # Early morning in Stockholm while the UTC date is still the day before.
    early = at("2027-05-16T00:30:00+02:00")
    assert event_today(early) == date(2027, 5, 16) and open_event(early).last_day == date(2027, 6, 15)


def test_the_meeting_has_started_from_its_start_time_on():
    """One rule for cancelling, moving up and the pages that offer them (registrations.py and the
    console's person page both ask the event)."""
    event = example_event()
    assert not event.has_started(event.starts_at - timedelta(seconds=1))
    assert event.has_started(event.starts_at) and event.has_started(event.starts_at + timedelta(days=1))


@pytest.mark.parametrize("caterer", ["kok@hudiksvall.example", ["kok@hudiksvall.example"]])
def test_the_caterer_is_one_address_written_alone_or_in_a_list(caterer):
    assert example_event(caterer=caterer).caterer == "kok@hudiksvall.example"


def test_a_second_caterer_is_refused_not_dropped():
    with pytest.raises(EventFileError) as error:
        example_event(caterer=["kok@hudiksvall.example", "kok@annan.example"])
    assert error.value.problems == ["caterer: expected one email address, got 2"]
