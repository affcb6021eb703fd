"""Cancelling and the waiting list: every freed seat filled once, never over capacity."""

from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from chalicelib.errors import RegistrationNotFound
from chalicelib.forms import email_key
from chalicelib.outbox import retry_due_emails, send_now
from chalicelib.registrations import EMAIL_LEASE, EmailKind, EmailState, Status, cancel, register
from tests.fakes import RecordingMailer, addressed_email
from tests.helpers import answers, at, example_event, fill

NOW = at("2027-05-01T12:00:00+02:00")
EVENT = "natverk-social-hallbarhet"


def statuses(store):
    return {r.answers.email: r.status for r in store.registrations(EVENT)}


def test_cancelling_a_seat_gives_it_to_the_first_on_the_waiting_list(store):
    people = fill(store, capacity=2, people=4, now=NOW)
    result = cancel(EVENT, people[0].registration_id, store=store, now=NOW + timedelta(hours=1))
    assert result.registration.status == Status.CANCELLED
    assert result.promoted.answers.email == "p002@example.se"
    assert result.promoted.email.kind == EmailKind.PROMOTION
    assert statuses(store) == {
        "p000@example.se": Status.CANCELLED,
        "p001@example.se": Status.CONFIRMED,
        "p002@example.se": Status.CONFIRMED,
        "p003@example.se": Status.WAITLISTED,
    }
    event = store.get_event(EVENT)
    assert (event.confirmed_count, event.waitlist_count) == (2, 1)


def test_cancelling_twice_is_harmless(store):
    people = fill(store, capacity=2, people=3, now=NOW)
    cancel(EVENT, people[0].registration_id, store=store, now=NOW)
    again = cancel(EVENT, people[0].registration_id, store=store, now=NOW)
    assert again.already_cancelled and again.promoted is None
    event = store.get_event(EVENT)
    assert (event.confirmed_count, event.waitlist_count) == (2, 0)


def test_cancelling_without_a_waiting_list_frees_the_seat(store):
    people = fill(store, capacity=5, people=2, now=NOW)
    assert cancel(EVENT, people[1].registration_id, store=store, now=NOW).promoted is None
    assert store.get_event(EVENT).confirmed_count == 1


def test_leaving_the_waiting_list_shortens_it(store):
    people = fill(store, capacity=1, people=3, now=NOW)
    cancel(EVENT, people[2].registration_id, store=store, now=NOW)
    event = store.get_event(EVENT)
    assert (event.confirmed_count, event.waitlist_count) == (1, 1)


def test_a_cancelled_person_may_sign_up_again(store):
    people = fill(store, capacity=5, people=1, now=NOW)
    cancel(EVENT, people[0].registration_id, store=store, now=NOW)
    again = register(EVENT, answers(email="p000@example.se"), store=store, now=NOW + timedelta(minutes=1))
    assert again.created and again.registration.status == Status.CONFIRMED
    assert store.get_event(EVENT).confirmed_count == 1


def test_an_unknown_registration_is_not_found(store):
    fill(store, capacity=1, people=1, now=NOW)
    with pytest.raises(RegistrationNotFound):
        cancel(EVENT, "no-such-id", store=store, now=NOW)


def test_twenty_concurrent_cancels_fill_every_freed_seat_once(dynamodb_local_store):
    store = dynamodb_local_store
    people = fill(store, capacity=20, people=50, now=NOW)  # 20 seats, 30 waiting
    leaving = random.sample(people[:20], 15) + random.sample(people[20:], 5)

    def leave(registration):
        return cancel(EVENT, registration.registration_id, store=store, now=NOW + timedelta(hours=1))

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(leave, leaving))

    promoted = [r.promoted.answers.email for r in results if r.promoted]
    assert len(promoted) == len(set(promoted)), "nobody is promoted twice"
    now_statuses = statuses(store)
    confirmed = {email for email, status in now_statuses.items() if status == Status.CONFIRMED}
    waitlisted = {email for email, status in now_statuses.items() if status == Status.WAITLISTED}
    event = store.get_event(EVENT)
    assert event.confirmed_count == len(confirmed) == 20, "every freed seat was filled, none twice"
    assert event.waitlist_count == len(waitlisted) == 30 - 15 - 5
    # The seats went to the earliest still waiting: the queue kept its order.
    stayed = [r.answers.email for r in people if r not in leaving]
    original_seats = [email for email in stayed if email <= "p019@example.se"]
    assert confirmed == set(original_seats) | set(sorted(email for email in stayed if email > "p019@example.se")[:15])


# -- the receipt: owed in the same transaction, sent through the outbox exactly once -----------


def test_cancelling_owes_a_receipt_that_the_outbox_sends_once_even_when_run_twice(store):
    people = fill(store, capacity=1, people=2, now=NOW)
    result = cancel(EVENT, people[0].registration_id, store=store, now=NOW)
    assert (result.registration.email.kind, result.registration.email.state) == (
        EmailKind.CANCELLATION,
        EmailState.SENDING,
    )
    stored = store.get_registration(EVENT, "p000@example.se").email
    assert (stored.kind, stored.state) == (EmailKind.CANCELLATION, EmailState.SENDING), (
        "written with the cancellation itself"
    )
    mailer = RecordingMailer()
    later = NOW + EMAIL_LEASE + timedelta(seconds=1)
    for _ in range(2):  # the request that cancelled died before sending; the job runs twice
        retry_due_emails(store=store, mailer=mailer, build=addressed_email, now=later)
    subjects = sorted(str(message["Subject"]) for message in mailer.sent)
    assert subjects == [f"{EmailKind.CANCELLATION} {EVENT}", f"{EmailKind.PROMOTION} {EVENT}"]
    assert store.get_registration(EVENT, "p000@example.se").email.state == EmailState.SENT


def test_a_receipt_ses_refused_is_retried_by_the_outbox(store):
    people = fill(store, capacity=5, people=1, now=NOW)
    event = store.get_event(EVENT)
    result = cancel(EVENT, people[0].registration_id, store=store, now=NOW)
    send_now(
        result.registration, event, store=store, mailer=RecordingMailer(failures=1), build=addressed_email, now=NOW
    )
    assert store.get_registration(EVENT, "p000@example.se").email.state == EmailState.FAILED
    mailer = RecordingMailer()
    retry_due_emails(store=store, mailer=mailer, build=addressed_email, now=NOW + timedelta(minutes=6))
    retry_due_emails(store=store, mailer=mailer, build=addressed_email, now=NOW + timedelta(minutes=7))
    assert [str(message["Subject"]) for message in mailer.sent] == [f"{EmailKind.CANCELLATION} {EVENT}"]


def test_leaving_the_waiting_list_owes_its_own_receipt(store):
    people = fill(store, capacity=1, people=2, now=NOW)
    result = cancel(EVENT, people[1].registration_id, store=store, now=NOW)
    assert result.registration.email.kind == EmailKind.LEFT_WAITLIST


def test_no_receipt_to_an_address_that_bounced_or_for_an_erasure(store):
    store.put_event(example_event(capacity=5), NOW)
    store.suppress(email_key("gone@example.se"), "bounce", NOW)
    gone = register(EVENT, answers(email="gone@example.se"), store=store, now=NOW).registration
    assert cancel(EVENT, gone.registration_id, store=store, now=NOW).registration.email.state == EmailState.SUPPRESSED
    kept = register(EVENT, answers(email="kept@example.se"), store=store, now=NOW).registration
    result = cancel(EVENT, kept.registration_id, store=store, now=NOW, send_receipt=False)
    assert result.registration.email.kind != EmailKind.CANCELLATION
    assert store.get_registration(EVENT, "kept@example.se").email.kind != EmailKind.CANCELLATION


def test_giving_up_a_held_seat_owes_a_receipt_without_a_calendar_entry(store):
    store.put_event(example_event(capacity=5, confirm_address=True), NOW)
    held = register(EVENT, answers(email="held@example.se"), store=store, now=NOW).registration
    assert held.status == Status.PENDING
    assert cancel(EVENT, held.registration_id, store=store, now=NOW).registration.email.kind == EmailKind.CANCELLED_HOLD
