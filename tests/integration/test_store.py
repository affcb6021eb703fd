"""The store's DynamoDB semantics, checked on moto and on Amazon's DynamoDB Local; the cases marked
ALSO_ON_THE_FAKE hold the unit tests' in-memory fake (tests/fakes.py) to the same contract."""

from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from chalicelib.errors import (
    AlreadyRegistered,
    EventFull,
    EventNotFound,
    RegistrationClosed,
    RegistrationNotFound,
    WaitlistFull,
)
from chalicelib.forms import parse_answers
from chalicelib.registrations import (
    AnswerChange,
    EmailDelivery,
    EmailKind,
    EmailState,
    Registration,
    RepeatedSignUp,
    SeatRelease,
    SignUp,
    Status,
    register,
)
from chalicelib.store import registration_key
from tests.conftest import ALSO_ON_THE_FAKE
from tests.helpers import answers, at, example_event

NOW = at("2027-05-01T12:00:00+02:00")


def new_registration(event, status=Status.CONFIRMED, **overrides):
    return Registration(
        event_id=event.id,
        registration_id=f"id-{overrides.get('email', 'default')}",
        answers=parse_answers(answers(**overrides), event),
        status=status,
        created_at=NOW,
        updated_at=NOW,
    )


def stored_with_one(store):
    """The example meeting stored with one confirmed registration, a@example.se's: both."""
    event = example_event()
    store.put_event(event, NOW)
    registration = new_registration(event, email="a@example.se")
    store.insert_registration(SignUp(registration, NOW))
    return event, registration


@ALSO_ON_THE_FAKE
def test_an_event_round_trips(store):
    event = example_event()
    store.put_event(event, NOW)
    assert store.get_event(event.id) == event
    assert store.get_event("no-such-event") is None


def test_a_registration_round_trips_with_its_states_as_the_enums(store):
    event = example_event(capacity=1)
    store.put_event(event, NOW)
    written = new_registration(event, email="a@example.se")
    store.insert_registration(SignUp(written, NOW))
    store.insert_registration(SignUp(new_registration(event, status=Status.WAITLISTED, email="b@example.se"), NOW))
    item = store.client.get_item(TableName=store.table, Key=registration_key(event.id, "a@example.se"))["Item"]
    assert (item["status"], item["email_state"], item["email_kind"]) == (
        {"S": "confirmed"},
        {"S": "sending"},
        {"S": "confirmation"},
    ), "stored as the plain value"
    seated, waiting = (store.get_registration(event.id, key) for key in ("a@example.se", "b@example.se"))
    assert seated.status is Status.CONFIRMED and waiting.status is Status.WAITLISTED
    assert seated.email.state is EmailState.SENDING and seated.email.kind is EmailKind.CONFIRMATION
    assert [type(one.status) for one in store.registrations(event.id)] == [Status, Status], "read back as the enum"


def test_the_store_writes_the_promotion_and_the_confirmation_as_the_domain_built_them(store):
    event = example_event(capacity=1)
    store.put_event(event, NOW)
    seated = new_registration(event, email="a@example.se")
    waiting = new_registration(event, status=Status.WAITLISTED, email="b@example.se")
    store.insert_registration(SignUp(seated, NOW))
    store.insert_registration(SignUp(waiting, NOW))
    later = NOW + timedelta(hours=1)
    # Odd on purpose (attempts, due time): the store must write what it is given, not its own idea.
    promoted = replace(
        waiting,
        status=Status.PENDING,
        hold_until=later + timedelta(hours=5),
        updated_at=later,
        email=EmailDelivery(EmailState.SENDING, EmailKind.PROMOTION, attempts=3, due_at=later + timedelta(minutes=7)),
    )
    store.cancel(SeatRelease(seated, promoted, later, None))
    stored = store.get_registration(event.id, "b@example.se")
    assert (stored.status, stored.hold_until, stored.email) == (promoted.status, promoted.hold_until, promoted.email)
    confirmed = replace(
        stored,
        status=Status.CONFIRMED,
        updated_at=later,
        email=EmailDelivery(
            EmailState.SENDING, EmailKind.CONFIRMATION, attempts=2, due_at=later + timedelta(minutes=9)
        ),
    )
    store.confirm_seat(confirmed, later)
    stored = store.get_registration(event.id, "b@example.se")
    assert (stored.status, stored.email) == (Status.CONFIRMED, confirmed.email)
    counts = store.get_event(event.id)
    assert (counts.confirmed_count, counts.pending_count, counts.waitlist_count) == (1, 0, 0)


@ALSO_ON_THE_FAKE
def test_re_putting_an_event_keeps_its_counters_and_drops_removed_keys(store):
    event = example_event(capacity=10)
    store.put_event(event, NOW)
    store.insert_registration(SignUp(new_registration(event, email="a@example.se"), NOW))
    store.put_event(replace(example_event(capacity=None), venue="Stora salen"), NOW)
    stored = store.get_event(event.id)
    assert stored.confirmed_count == 1
    assert stored.capacity is None and stored.venue == "Stora salen"


def test_insert_counts_the_seat_in_the_same_write(store):
    event = example_event(capacity=5)
    store.put_event(event, NOW)
    store.insert_registration(SignUp(new_registration(event, email="a@example.se"), NOW))
    assert store.get_event(event.id).confirmed_count == 1
    (stored,) = store.registrations(event.id)
    assert stored.answers.name == "Åsa Öberg" and stored.status == Status.CONFIRMED


@ALSO_ON_THE_FAKE
def test_a_live_duplicate_is_refused_with_the_existing_registration(store):
    event, first = stored_with_one(store)
    with pytest.raises(AlreadyRegistered) as error:
        store.insert_registration(
            SignUp(replace(new_registration(event, email="A@example.se"), registration_id="x"), NOW)
        )
    assert error.value.args[0].registration_id == first.registration_id
    assert store.get_event(event.id).confirmed_count == 1


def test_a_cancelled_registration_may_be_replaced(store):
    event, cancelled = stored_with_one(store)
    store.client.update_item(
        TableName=store.table,
        Key=registration_key(event.id, "a@example.se"),
        UpdateExpression="SET #s = :c",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":c": {"S": Status.CANCELLED}},
    )
    store.insert_registration(SignUp(replace(cancelled, registration_id="again"), NOW))
    (stored,) = store.registrations(event.id)
    assert stored.registration_id == "again" and stored.status == Status.CONFIRMED


@ALSO_ON_THE_FAKE
def test_a_full_event_refuses_a_confirmed_seat_and_takes_a_waitlisted_one(store):
    event = example_event(capacity=1)
    store.put_event(event, NOW)
    store.insert_registration(SignUp(new_registration(event, email="a@example.se"), NOW))
    with pytest.raises(EventFull):
        store.insert_registration(SignUp(new_registration(event, email="b@example.se"), NOW))
    store.insert_registration(SignUp(new_registration(event, status=Status.WAITLISTED, email="b@example.se"), NOW))
    stored = store.get_event(event.id)
    assert (stored.confirmed_count, stored.waitlist_count) == (1, 1)


@ALSO_ON_THE_FAKE
def test_a_full_waiting_list_refuses_in_the_transaction_and_writes_nothing(store):
    event = example_event(capacity=1, waitlist_limit=1)
    store.put_event(event, NOW)
    store.insert_registration(SignUp(new_registration(event, email="a@example.se"), NOW))
    store.insert_registration(SignUp(new_registration(event, status=Status.WAITLISTED, email="b@example.se"), NOW))
    with pytest.raises(WaitlistFull):
        store.insert_registration(SignUp(new_registration(event, status=Status.WAITLISTED, email="c@example.se"), NOW))
    stored = store.get_event(event.id)
    assert (stored.confirmed_count, stored.waitlist_count, stored.waitlist_limit) == (1, 1, 1)
    assert "c@example.se" not in {r.answers.email for r in store.registrations(event.id)}


@ALSO_ON_THE_FAKE
def test_after_the_deadline_the_transaction_itself_refuses(store):
    event = example_event()
    store.put_event(event, NOW)
    with pytest.raises(RegistrationClosed):
        store.insert_registration(SignUp(new_registration(event, email="a@example.se"), event.deadline_at))
    assert list(store.registrations(event.id)) == []
    store.insert_registration(
        SignUp(new_registration(event, email="a@example.se"), event.deadline_at - timedelta(milliseconds=1))
    )


@ALSO_ON_THE_FAKE
def test_an_unknown_event_writes_nothing(store):
    event = example_event()
    with pytest.raises(EventNotFound):
        store.insert_registration(SignUp(new_registration(event, email="a@example.se"), NOW))
    assert list(store.registrations(event.id)) == []


@ALSO_ON_THE_FAKE
def test_updating_answers_keeps_identity_and_status(store):
    event, original = stored_with_one(store)
    changed = parse_answers(answers(email="a@example.se", meal="no", organisation="Kommunen"), event)
    store.update_answers(AnswerChange(original, changed, NOW + timedelta(hours=1)))
    (stored,) = store.registrations(event.id)
    assert stored.answers.organisation == "Kommunen" and stored.answers.meal is False
    assert stored.registration_id == original.registration_id and stored.created_at == NOW


@ALSO_ON_THE_FAKE
def test_answers_change_only_while_registration_is_open(store):
    event, original = stored_with_one(store)
    changed = parse_answers(answers(email="a@example.se", organisation="Kommunen"), event)
    with pytest.raises(RegistrationClosed):
        store.update_answers(AnswerChange(original, changed, event.deadline_at))
    (stored,) = store.registrations(event.id)
    assert stored.answers == original.answers


@ALSO_ON_THE_FAKE
def test_answers_of_a_registration_replaced_meanwhile_are_left_alone(store):
    event, current = stored_with_one(store)
    read_earlier = replace(current, registration_id="replaced-since")
    changed = parse_answers(answers(email="a@example.se", organisation="Kommunen"), event)
    with pytest.raises(RegistrationNotFound):
        store.update_answers(AnswerChange(read_earlier, changed, NOW))
    assert store.find_registration(event.id, current.registration_id).answers == current.answers


@ALSO_ON_THE_FAKE
def test_a_registration_is_found_by_its_id_only_in_its_own_event(store):
    event, other = example_event(), example_event(id="andra-traffen")
    store.put_event(event, NOW)
    store.put_event(other, NOW)
    written = new_registration(event, email="a@example.se")
    store.insert_registration(SignUp(written, NOW))
    assert store.find_registration(event.id, written.registration_id) == written
    assert store.find_registration(other.id, written.registration_id) is None
    assert store.find_registration(event.id, "no-such-id") is None


@ALSO_ON_THE_FAKE
def test_the_domain_rule_end_to_end_on_the_store(store):
    event = example_event(capacity=1, waitlist_limit=5)
    store.put_event(event, NOW)
    first = register(event.id, answers(email="a@example.se"), store=store, now=NOW, client="sender")
    second = register(event.id, answers(email="b@example.se"), store=store, now=NOW, client="sender")
    again = register(
        event.id, answers(email="A@EXAMPLE.SE", name="Mallory", diet=""), store=store, now=NOW, client="sender"
    )
    assert [first.registration.status, second.registration.status] == [Status.CONFIRMED, Status.WAITLISTED]
    assert not again.created and again.existing.registration_id == first.registration.registration_id
    # Told like a new sign-up on a full event; the stored registration is as it was.
    assert again.registration.status == Status.WAITLISTED
    assert again.registration.registration_id not in {r.registration_id for r in store.registrations(event.id)}
    assert store.find_registration(event.id, first.registration.registration_id).answers == first.registration.answers


def test_a_repeated_sign_up_counts_against_the_sender_and_takes_the_email_lease(store, monkeypatch):
    from chalicelib.errors import TooManyRequests
    from chalicelib.registrations import EmailDelivery
    from chalicelib.store import limits as store_limits

    monkeypatch.setattr(store_limits, "REGISTRATIONS_PER_CLIENT_WINDOW", 2)
    event = example_event()
    store.put_event(event, NOW)
    original = replace(new_registration(event, email="a@example.se"), email=EmailDelivery(state="sent"))
    store.insert_registration(SignUp(original, NOW, client="sender"))
    notice = EmailDelivery(EmailState.SENDING, EmailKind.ALREADY_REGISTERED, 1, NOW + timedelta(minutes=5))
    store.note_duplicate(RepeatedSignUp(original, NOW, notice, client="sender"))
    stored = store.get_registration(event.id, "a@example.se")
    assert stored.email == notice and stored.answers == original.answers
    assert [r.registration_id for r in store.due_emails(NOW + timedelta(minutes=6))] == [original.registration_id]
    with pytest.raises(TooManyRequests):
        store.note_duplicate(RepeatedSignUp(original, NOW, None, client="sender"))


@ALSO_ON_THE_FAKE
def test_a_repeated_sign_up_never_takes_over_an_email_still_on_its_way(store):
    from chalicelib.errors import NoticeNotNeeded
    from chalicelib.registrations import EmailDelivery

    event = example_event()
    store.put_event(event, NOW)
    original = new_registration(event, email="a@example.se")  # its confirmation is "sending"
    store.insert_registration(SignUp(original, NOW))
    with pytest.raises(NoticeNotNeeded):
        store.note_duplicate(
            RepeatedSignUp(original, NOW, EmailDelivery(EmailState.SENDING, EmailKind.ALREADY_REGISTERED, 1, NOW))
        )
    assert store.find_registration(event.id, original.registration_id).email == original.email


def test_events_are_listed_from_the_index_by_start(store):
    later = example_event(id="later", starts_at=datetime(2027, 6, 24, 18, 0), meal_at=None, ends_at=None)
    store.put_event(later, NOW)
    store.put_event(example_event(), NOW)
    assert [event.id for event in store.list_events()] == ["natverk-social-hallbarhet", "later"]
