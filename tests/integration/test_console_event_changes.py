"""The console's event changes on the real store: raising capacity moves people up in order, one
transaction and one email each, and a second run (or two at once) moves nobody twice."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import timedelta

import pytest

from chalicelib.console import event_admin
from chalicelib.console.posted import EventFormInvalid
from chalicelib.errors import EventChanged, EventStarted, SeatsTaken
from chalicelib.notices import EventEdit
from chalicelib.outbox import retry_due_emails, send_now
from chalicelib.registrations import (
    EmailKind,
    EmailState,
    PromotionState,
    ResendState,
    Status,
    promote,
    resend_confirmation,
)
from tests.fakes import RecordingMailer, addressed_email
from tests.helpers import at, example_event, fill

NOW = at("2027-05-01T12:00:00+02:00")
EVENT = "natverk-social-hallbarhet"


def filled_event(store, capacity, people, **event):
    """The meeting as stored after `fill`: its counters count the people who signed up."""
    fill(store, capacity, people, NOW, **event)
    return store.get_event(EVENT)


def sender(store, mailer):
    def send(registration, event):
        return send_now(registration, event, store=store, mailer=mailer, build=addressed_email, now=NOW)

    return send


def test_raising_capacity_moves_up_exactly_the_free_seats_in_order_with_one_email_each(store):
    event = filled_event(store, capacity=2, people=7)
    mailer = RecordingMailer()
    saved = event_admin.change_capacity(event, "5", "sv", event_admin.Writer(store, NOW, sender(store, mailer)))
    assert [r.answers.email for r in saved.promoted] == ["p002@example.se", "p003@example.se", "p004@example.se"]
    assert mailer.recipients() == ["p002@example.se", "p003@example.se", "p004@example.se"]
    assert {str(m["Subject"]) for m in mailer.sent} == {f"{EmailKind.PROMOTION} {EVENT}"}
    stored = store.get_event(EVENT)
    assert (stored.capacity, stored.confirmed_count, stored.waitlist_count) == (5, 5, 2)
    by_address = {r.answers.email: r for r in store.registrations(EVENT)}
    assert by_address["p004@example.se"].status == Status.CONFIRMED
    assert by_address["p004@example.se"].email.state == EmailState.SENT
    assert by_address["p005@example.se"].status == Status.WAITLISTED
    assert saved.changed == ["capacity"]

    # The same change again: nobody else moves up, nobody gets a second email.
    again = event_admin.change_capacity(
        store.get_event(EVENT), "5", "sv", event_admin.Writer(store, NOW, sender(store, mailer))
    )
    assert again.promoted == [] and len(mailer.sent) == 3
    # The outbox sends the sign-ups' own confirmations it still owes, but no promotion a second time.
    retry_due_emails(store=store, mailer=mailer, build=addressed_email, now=NOW + timedelta(hours=1))
    promotions = [str(m["To"]) for m in mailer.sent if str(m["Subject"]).startswith(EmailKind.PROMOTION)]
    assert promotions == ["p002@example.se", "p003@example.se", "p004@example.se"]


def test_two_raises_at_once_fill_each_seat_once(dynamodb_local_store):
    store = dynamodb_local_store
    event = filled_event(store, capacity=1, people=8)
    mailer = RecordingMailer()
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(
            pool.map(
                lambda _: event_admin.change_capacity(
                    event, "4", "sv", event_admin.Writer(store, NOW, sender(store, mailer))
                ),
                range(2),
            )
        )
    moved = sorted(r.answers.email for result in results for r in result.promoted)
    assert moved == ["p001@example.se", "p002@example.se", "p003@example.se"]
    assert sorted(mailer.recipients()) == moved
    stored = store.get_event(EVENT)
    assert (stored.confirmed_count, stored.waitlist_count) == (4, 4)


def test_in_an_event_that_confirms_addresses_those_moved_up_hold_their_seat(store):
    event = filled_event(store, capacity=1, people=3, confirm_address=True)
    saved = event_admin.change_capacity(event, "2", "sv", event_admin.Writer(store, NOW, lambda r, e: None))
    (promoted,) = saved.promoted
    assert promoted.status == Status.PENDING and promoted.hold_until == NOW + event.hold_period
    stored = store.get_event(EVENT)
    assert (stored.confirmed_count, stored.pending_count, stored.waitlist_count) == (2, 2, 1)


def test_capacity_below_the_seats_taken_is_refused_and_nothing_changes(store):
    event = filled_event(store, capacity=5, people=4)
    with pytest.raises(EventFormInvalid) as error:
        event_admin.change_capacity(event, "3", "en", event_admin.Writer(store, NOW, lambda r, e: None))
    assert error.value.errors["capacity"].startswith("4 seats are already taken")
    assert store.get_event(EVENT).capacity == 5


def test_the_store_checks_the_seats_taken_in_the_write_itself(store):
    filled_event(store, capacity=5, people=4)
    stale = replace(example_event(capacity=3), confirmed_count=0)  # as if read before the sign-ups
    with pytest.raises(SeatsTaken) as error:
        store.save_event(EventEdit(stale, NOW))
    assert error.value.taken == 4 and store.get_event(EVENT).capacity == 5


def test_an_edit_begun_before_someone_else_saved_is_refused_in_the_write_itself(store):
    filled_event(store, capacity=5, people=0)
    opened = store.get_event(EVENT)
    assert opened.updated_at == NOW
    store.save_event(EventEdit(replace(opened, venue="Stora salen"), NOW + timedelta(minutes=1), opened.updated_at))
    with pytest.raises(EventChanged):
        store.save_event(
            EventEdit(replace(opened, address="Storgatan 1"), NOW + timedelta(minutes=2), opened.updated_at)
        )
    stored = store.get_event(EVENT)
    assert (stored.venue, stored.address) == ("Stora salen", opened.address), "the first save stands"
    assert stored.updated_at == NOW + timedelta(minutes=1)


def test_creating_never_overwrites_an_event(store):
    filled_event(store, capacity=5, people=2)
    values = {
        "id": EVENT,
        "title_sv": "Ny träff",
        "starts_at": "2027-06-01T18:00",
        "deadline_date": "2027-05-25",
        "venue": "Stadshuset",
        "organisers": "a@example.se",
    }
    with pytest.raises(EventFormInvalid) as error:
        event_admin.create(values, "sv", store=store, now=NOW)
    assert error.value.errors == {"id": "Det finns redan en träff med den adressen. Välj en annan."}
    kept = store.get_event(EVENT)
    assert kept.venue == "Rådhussalen, Kulturhuset" and kept.confirmed_count == 2
    created = event_admin.create(values | {"id": "ny-traff"}, "sv", store=store, now=NOW)
    assert store.get_event("ny-traff") == created


def test_closing_early_and_reopening_keep_everyone(store):
    event = filled_event(store, capacity=5, people=2)
    closed = event_admin.set_open(event, False, event_admin.Writer(store, NOW, lambda r, e: None))
    assert store.get_event(EVENT).status == "closed" and closed.changed == ["status"]
    event_admin.set_open(store.get_event(EVENT), True, event_admin.Writer(store, NOW, lambda r, e: None))
    stored = store.get_event(EVENT)
    assert stored.status == "open" and stored.confirmed_count == 2


# -- an organiser moves one person up, or sends their confirmation again ----------------------


def press_twice_at_once(action):
    """Two presses let go together (two tabs, a double click through two requests)."""
    start = threading.Barrier(2)

    def press(argument):
        start.wait()
        return action(argument)

    return press


def promote_and_send(store, mailer, registration_id):
    result = promote(EVENT, registration_id, store=store, now=NOW)
    if result.outcome == PromotionState.PROMOTED:
        sender(store, mailer)(result.registration, store.get_event(EVENT))
    return result


def test_two_presses_at_once_move_one_person_up_once_with_one_email(dynamodb_local_store):
    store = dynamodb_local_store
    filled_event(store, capacity=2, people=6)
    store.put_event(example_event(capacity=3, waitlist_limit=6), NOW)  # one seat free
    last = next(r for r in store.registrations(EVENT) if r.answers.email == "p005@example.se")
    mailer = RecordingMailer()
    press = press_twice_at_once(lambda _: promote_and_send(store, mailer, last.registration_id))
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(press, range(2)))
    assert sorted(r.outcome for r in results) == [PromotionState.NOT_WAITING, PromotionState.PROMOTED]
    assert mailer.recipients() == ["p005@example.se"], "out of line, and one email"
    stored = store.get_event(EVENT)
    assert (stored.confirmed_count, stored.waitlist_count) == (3, 3)
    statuses = {r.answers.email: r.status for r in store.registrations(EVENT)}
    assert statuses["p005@example.se"] == Status.CONFIRMED and statuses["p002@example.se"] == Status.WAITLISTED
    retry_due_emails(store=store, mailer=mailer, build=addressed_email, now=NOW + timedelta(hours=1))
    assert [str(m["To"]) for m in mailer.sent if str(m["Subject"]).startswith(EmailKind.PROMOTION)] == [
        "p005@example.se"
    ]


def test_two_people_pressed_at_once_for_the_last_seat_only_one_gets_it(dynamodb_local_store):
    store = dynamodb_local_store
    filled_event(store, capacity=1, people=4)
    store.put_event(example_event(capacity=2, waitlist_limit=4), NOW)
    waiting = [r.registration_id for r in store.registrations(EVENT) if r.status == Status.WAITLISTED][:2]
    mailer = RecordingMailer()
    press = press_twice_at_once(lambda registration_id: promote_and_send(store, mailer, registration_id))
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(press, waiting))
    assert sorted(r.outcome for r in results) == [PromotionState.NO_SEAT, PromotionState.PROMOTED]
    assert len(mailer.sent) == 1 and store.get_event(EVENT).confirmed_count == 2


def test_two_resend_presses_at_once_send_one_email_under_the_daily_limit(dynamodb_local_store):
    store = dynamodb_local_store
    filled_event(store, capacity=1, people=1)
    (person,) = store.registrations(EVENT)
    store.email_sent(person, "first")  # the sign-up's own confirmation went out
    mailer = RecordingMailer()
    # Both presses are answered before the email goes out (as two requests arriving together are):
    # without this, one thread could send before the other read, and a press after the email has
    # gone rightly sends it again, which made the test fail now and then on a loaded machine.
    both_answered = threading.Barrier(2)

    def resend_and_send(_, together=None):
        result = resend_confirmation(EVENT, person.registration_id, store=store, now=NOW)
        if together is not None:
            together.wait()
        if result.outcome == ResendState.LEASED:
            sender(store, mailer)(result.registration, store.get_event(EVENT))
        return result.outcome

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = sorted(pool.map(press_twice_at_once(lambda i: resend_and_send(i, both_answered)), range(2)))
    assert outcomes == [ResendState.LEASED, ResendState.ON_ITS_WAY]
    assert [str(m["Subject"]) for m in mailer.sent] == [f"{EmailKind.CONFIRMATION} {EVENT}"]
    # Pressed again and again in a day: the address's daily limit stops it like any registration email.
    outcomes = [resend_and_send(None) for _ in range(12)]
    assert ResendState.LIMITED in outcomes and len(mailer.sent) == 1 + outcomes.count(ResendState.LEASED)
    assert store.find_registration(EVENT, person.registration_id).email.state == EmailState.SENT


def test_nobody_is_moved_up_or_sent_a_seat_once_the_meeting_has_started(store):
    event = filled_event(store, capacity=1, people=2)
    store.put_event(example_event(capacity=2, waitlist_limit=2), NOW)
    (waiting,) = [r for r in store.registrations(EVENT) if r.status == Status.WAITLISTED]
    with pytest.raises(EventStarted):
        promote(EVENT, waiting.registration_id, store=store, now=event.starts_at)
    assert store.find_registration(EVENT, waiting.registration_id).status == Status.WAITLISTED
    assert store.get_event(EVENT).confirmed_count == 1


def test_no_confirmation_is_sent_again_once_the_meeting_has_started(store):
    event = filled_event(store, capacity=1, people=1)
    (person,) = store.registrations(EVENT)
    store.email_sent(person, "first")
    result = resend_confirmation(EVENT, person.registration_id, store=store, now=event.starts_at)
    assert result.outcome == ResendState.STARTED
    assert store.find_registration(EVENT, person.registration_id).email.state == EmailState.SENT
