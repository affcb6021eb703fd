from dataclasses import replace
from datetime import timedelta

import pytest

from chalicelib import conflicts, registrations
from chalicelib.errors import (
    EventNotFound,
    RegisteredBefore,
    RegistrationClosed,
    ServiceBusy,
    ValidationFailed,
    WaitlistFull,
)
from chalicelib.registrations import register
from tests.fakes import InMemoryStore
from tests.helpers import answers, at, example_event, sign_up

OPEN = at("2027-05-01T12:00:00+02:00")
LAST_SECOND = at("2027-05-15T23:59:59+02:00")
FIRST_CLOSED_SECOND = at("2027-05-16T00:00:00+02:00")


def test_a_registration_is_confirmed_and_counted():
    store = InMemoryStore(example_event())
    outcome = sign_up(store, now=OPEN)
    assert outcome.created and outcome.registration.status == "confirmed"
    assert store.events["natverk-social-hallbarhet"].confirmed_count == 1
    assert len(outcome.registration.registration_id) >= 20


def test_registration_on_the_last_second_of_the_deadline_day_is_accepted():
    store = InMemoryStore(example_event())
    assert sign_up(store, now=LAST_SECOND).registration.status == "confirmed"


def test_registration_after_the_deadline_is_refused_and_nothing_is_stored():
    store = InMemoryStore(example_event())
    with pytest.raises(RegistrationClosed):
        sign_up(store, now=FIRST_CLOSED_SECOND)
    assert store.items == {} and store.insert_calls == 0


def test_a_closed_event_refuses_even_before_its_deadline():
    store = InMemoryStore(example_event(status="closed"))
    with pytest.raises(RegistrationClosed):
        sign_up(store, now=OPEN)


def test_unknown_event_is_not_found():
    with pytest.raises(EventNotFound):
        sign_up(InMemoryStore(), now=OPEN)


def test_invalid_answers_store_nothing():
    store = InMemoryStore(example_event())
    with pytest.raises(ValidationFailed):
        sign_up(store, now=OPEN, email="not-an-email")
    assert store.items == {}


def test_when_seats_run_out_people_are_waitlisted():
    store = InMemoryStore(example_event(capacity=2))
    statuses = [sign_up(store, now=OPEN, email=f"p{i}@example.se").registration.status for i in range(4)]
    assert statuses == ["confirmed", "confirmed", "waitlisted", "waitlisted"]
    event = store.events["natverk-social-hallbarhet"]
    assert (event.confirmed_count, event.waitlist_count) == (2, 2)


def test_when_the_waiting_list_is_full_nobody_more_is_stored():
    store = InMemoryStore(example_event(capacity=1, waitlist_limit=1))
    sign_up(store, now=OPEN, email="p0@example.se")
    sign_up(store, now=OPEN, email="p1@example.se")
    with pytest.raises(WaitlistFull):
        sign_up(store, now=OPEN, email="p2@example.se")
    assert len(store.items) == 2
    assert store.events["natverk-social-hallbarhet"].waitlist_count == 1


def test_the_same_email_twice_takes_one_seat_and_never_hands_out_the_first_registration():
    store = InMemoryStore(example_event())
    first = sign_up(store, now=OPEN, email="Asa.Oberg@example.se")
    store.items[next(iter(store.items))] = replace(first.registration, email=registrations.EmailDelivery(state="sent"))
    second = sign_up(store, now=OPEN, email="  asa.oberg@EXAMPLE.se ")
    assert not second.created and second.existing.registration_id == first.registration.registration_id
    # What the sender is told: a fresh id nobody stored, and the status a new sign-up gets now.
    assert second.registration.registration_id != first.registration.registration_id
    assert second.registration.status == "confirmed"
    assert store.events["natverk-social-hallbarhet"].confirmed_count == 1
    assert len(store.items) == 1


def test_a_second_registration_changes_no_answer_and_emails_the_owner():
    store = InMemoryStore(example_event())
    first = sign_up(store, now=OPEN, meal="yes", diet="Vegetarisk")
    store.items[next(iter(store.items))] = replace(first.registration, email=registrations.EmailDelivery(state="sent"))
    later = OPEN + timedelta(days=1)
    outcome = sign_up(store, now=later, meal="no", organisation="Någon annans förening", diet="", name="Mallory")
    (stored,) = store.items.values()
    assert stored.answers == first.registration.answers and stored.updated_at == OPEN
    ((client, notice),) = store.duplicates
    assert notice.kind == registrations.EmailKind.ALREADY_REGISTERED and notice.state == "sending"
    assert stored.email == notice and outcome.existing.email == notice


def test_a_second_registration_while_the_confirmation_is_on_its_way_sends_nothing_more():
    store = InMemoryStore(example_event())
    # Its confirmation is still "sending" in the fake: the outbox will deliver it, link and all.
    sign_up(store, now=OPEN)
    outcome = sign_up(store, now=OPEN, name="Mallory")
    assert store.duplicates == [(None, None)]
    assert outcome.registration.email.state == "sent"
    # Nothing for the caller to send: the confirmation's lease is someone else's.
    assert not outcome.notice_leased and outcome.existing.email.kind == "confirmation"


def test_a_registered_person_resubmitting_after_the_deadline_keeps_their_answers():
    store = InMemoryStore(example_event())
    sign_up(store, now=LAST_SECOND, meal="yes")
    with pytest.raises(RegistrationClosed):
        sign_up(store, now=FIRST_CLOSED_SECOND, meal="no")
    (stored,) = store.items.values()
    assert stored.answers.meal is True


def test_conflicts_are_retried_with_jittered_backoff() -> None:
    store = InMemoryStore(example_event())
    store.conflicts_to_raise = 3
    sleeps: list[float] = []
    assert sign_up(store, now=OPEN, sleep=sleeps.append).registration.status == "confirmed"
    assert len(sleeps) == 3
    assert all(0 <= pause <= conflicts.BACKOFF_CAP_SECONDS for pause in sleeps)


def test_endless_conflicts_give_up_with_busy_and_store_nothing() -> None:
    store = InMemoryStore(example_event())
    store.conflicts_to_raise = 10_000
    sleeps: list[float] = []
    with pytest.raises(ServiceBusy):
        sign_up(store, now=OPEN, sleep=sleeps.append)
    assert len(sleeps) == conflicts.MAX_ATTEMPTS - 1
    assert store.items == {}


def test_a_seat_freed_while_waitlisting_goes_to_the_person():
    store = InMemoryStore(example_event(capacity=1))
    # The person read the event while it was full; a seat was freed before their write.
    stale_full_event = replace(example_event(capacity=1), confirmed_count=1)
    store.get_event = lambda event_id: stale_full_event
    outcome = sign_up(store, now=OPEN, email="second@example.se")
    assert outcome.registration.status == "confirmed"
    assert store.events["natverk-social-hallbarhet"].waitlist_count == 0


# -- an organiser adds someone by hand ----------------------------------------------------


def by_hand(store, now, **overrides):
    return register("natverk-social-hallbarhet", answers(**overrides), store=store, now=now, by_hand=True)


def test_an_organiser_adds_someone_after_the_deadline_and_after_an_early_close():
    store = InMemoryStore(example_event(status="closed"))
    outcome = by_hand(store, FIRST_CLOSED_SECOND)
    assert outcome.created and outcome.registration.status == "confirmed"
    assert store.events["natverk-social-hallbarhet"].confirmed_count == 1


def test_by_hand_the_same_answers_are_checked_and_the_seats_still_count():
    store = InMemoryStore(example_event(capacity=1, waitlist_limit=1))
    with pytest.raises(ValidationFailed):
        by_hand(store, OPEN, name="")
    assert by_hand(store, FIRST_CLOSED_SECOND, email="a@example.se").registration.status == "confirmed"
    assert by_hand(store, FIRST_CLOSED_SECOND, email="b@example.se").registration.status == "waitlisted"


def test_by_hand_an_address_already_registered_is_refused_plainly_and_nobody_is_emailed():
    store = InMemoryStore(example_event())
    first = sign_up(store, now=OPEN)
    with pytest.raises(RegisteredBefore) as refused:
        by_hand(store, OPEN)
    assert refused.value.params["registration"].registration_id == first.registration.registration_id
    assert store.duplicates == [], "no 'already registered' email is leased"
