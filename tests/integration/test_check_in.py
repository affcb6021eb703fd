"""Check-in at the door: one conditional write per tap, on moto and on DynamoDB Local alike."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import timedelta

import pytest

from chalicelib.console.people import check_in
from chalicelib.errors import NotCheckedIn, RegisteredBefore, RegistrationClosed, RegistrationNotFound, WaitlistFull
from chalicelib.registrations import Status, cancel, register
from tests.helpers import answers, at, example_event, fill

NOW = at("2027-05-01T12:00:00+02:00")
DOOR = at("2027-05-24T17:45:00+02:00")
EVENT = "natverk-social-hallbarhet"


def stored(store, registration):
    return store.get_registration(EVENT, registration.answers.email_key)


def writes(store):
    """Counts the UpdateItem calls the store's client makes from now on."""
    made = []
    store.client.meta.events.register("before-call.dynamodb.UpdateItem", lambda **_: made.append(1))
    return made


def test_a_tap_marks_present_a_second_tap_keeps_the_first_time_and_undo_clears(store):
    asa, *_ = fill(store, capacity=2, people=2, now=NOW)
    updates = writes(store)
    # By the key of the registration in hand: the id index is eventually consistent, so a walk-in
    # checked in just after being added might not be in it yet.
    queries = []
    store.client.meta.events.register("before-call.dynamodb.Query", lambda **_: queries.append(1))
    first = check_in(asa, present=True, store=store, now=DOOR)
    assert first.changed and first.registration.checked_in_at == DOOR
    second = check_in(asa, present=True, store=store, now=DOOR + timedelta(minutes=3))
    assert not second.changed and second.registration.checked_in_at == DOOR, "one state, the first tap's time"
    assert stored(store, asa).checked_in_at == DOOR
    undone = check_in(asa, present=False, store=store, now=DOOR)
    assert undone.changed and stored(store, asa).checked_in_at is None
    assert not check_in(asa, present=False, store=store, now=DOOR).changed
    assert len(updates) == 4, "each tap is one conditional write, also when it changes nothing"
    assert queries == [], "no read of the index before the write"
    # Nothing else about the registration moved.
    after = stored(store, asa)
    assert (after.status, after.answers, after.email) == (asa.status, asa.answers, asa.email)


def test_the_waiting_list_and_the_cancelled_cannot_be_checked_in(store):
    _, waiting, leaving = fill(store, capacity=1, people=3, now=NOW)
    assert (waiting.status, leaving.status) == (Status.WAITLISTED, Status.WAITLISTED)
    with pytest.raises(NotCheckedIn):
        check_in(waiting, present=True, store=store, now=DOOR)
    assert stored(store, waiting).checked_in_at is None and stored(store, waiting).status == Status.WAITLISTED
    cancel(EVENT, leaving.registration_id, store=store, now=NOW + timedelta(days=1))
    with pytest.raises(NotCheckedIn):
        check_in(leaving, present=True, store=store, now=DOOR)


def test_a_replaced_or_other_events_registration_is_not_found_and_nothing_is_created(store):
    (asa,) = fill(store, capacity=2, people=1, now=NOW)
    for gone in (replace(asa, event_id="another-event"), replace(asa, registration_id="replaced-since")):
        with pytest.raises(RegistrationNotFound):
            check_in(gone, present=True, store=store, now=DOOR)
    assert [r.registration_id for r in store.registrations(EVENT)] == [asa.registration_id]
    assert list(store.registrations("another-event")) == []


def test_a_held_seat_can_be_checked_in(store):
    store.put_event(example_event(capacity=2, waitlist_limit=2, confirm_address=True), NOW)
    held = register(EVENT, answers(), store=store, now=NOW).registration
    assert held.status == Status.PENDING
    assert check_in(held, present=True, store=store, now=DOOR).changed


def test_two_phones_tapping_the_same_person_at_once_make_one_check_in(dynamodb_local_store):
    store = dynamodb_local_store
    (asa,) = fill(store, capacity=2, people=1, now=NOW)
    moments = [DOOR + timedelta(seconds=index) for index in range(8)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda moment: check_in(asa, present=True, store=store, now=moment), moments))
    assert sum(result.changed for result in results) == 1
    (winner,) = [result for result in results if result.changed]
    assert {result.registration.checked_in_at for result in results} == {winner.registration.checked_in_at}
    assert stored(store, asa).checked_in_at == winner.registration.checked_in_at


def test_an_organiser_adds_someone_by_hand_after_the_deadline_and_the_seats_still_count(store):
    store.put_event(example_event(capacity=1, waitlist_limit=1, status="closed"), NOW)
    late = at("2027-05-24T17:50:00+02:00")  # at the door, after the deadline and the start
    walk_in = register(EVENT, answers(email="walk@example.se"), store=store, now=late, by_hand=True).registration
    assert walk_in.status == Status.CONFIRMED
    second = register(EVENT, answers(email="second@example.se"), store=store, now=late, by_hand=True)
    assert second.registration.status == Status.WAITLISTED
    event = store.get_event(EVENT)
    assert (event.confirmed_count, event.waitlist_count) == (1, 1)
    with pytest.raises(RegisteredBefore):
        register(EVENT, answers(email="Walk@example.se"), store=store, now=late, by_hand=True)
    with pytest.raises(WaitlistFull):
        register(EVENT, answers(email="third@example.se"), store=store, now=late, by_hand=True)
    with pytest.raises(RegistrationClosed):
        register(EVENT, answers(email="public@example.se"), store=store, now=late)
