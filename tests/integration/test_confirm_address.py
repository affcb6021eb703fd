"""confirm_address: a seat is held until the person clicks the emailed link, then released to the
waiting list by the hourly job. On moto and on DynamoDB Local; the race on DynamoDB Local."""

from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import timedelta

from chalicelib.forms import email_key
from chalicelib.jobs import run_hourly
from chalicelib.mail import Links, registration_email
from chalicelib.outbox import retry_due_emails, send_now
from chalicelib.registrations import EmailKind, EmailState, Status, cancel, confirm_seat
from tests.fakes import RecordingMailer
from tests.helpers import at, example_event, sign_up, writing_at
from tests.integration.test_jobs import FakeMessages as Messages

EVENT = "natverk-social-hallbarhet"
NOW = at("2027-05-01T12:00:00+02:00")
HOLD = timedelta(hours=24)


def confirm_event(capacity=2, **overrides):
    # No digest: the emails the job sends here are the promotions alone.
    defaults = {"capacity": capacity, "confirm_address": True, "waitlist_limit": 10, "digest": {"send": "off"}}
    return example_event(**{**defaults, **overrides})


def by_email(store):
    return {r.answers.email: r for r in store.registrations(EVENT)}


def assert_counters_match_items(store):
    """confirmed_count counts every seat taken (confirmed or held), pending_count the held ones."""
    event = store.get_event(EVENT)
    statuses = [r.status for r in store.registrations(EVENT)]
    held = statuses.count(Status.PENDING)
    assert (event.confirmed_count, event.pending_count, event.waitlist_count) == (
        statuses.count(Status.CONFIRMED) + held,
        held,
        statuses.count(Status.WAITLISTED),
    )
    assert event.confirmed_count <= event.capacity


def test_a_seat_is_held_until_the_click_and_then_counts_as_confirmed(store):
    store.put_event(confirm_event(), NOW)
    held = sign_up(store, now=NOW, email="a@example.se").registration
    assert held.status == Status.PENDING and held.hold_until == NOW + HOLD
    event = store.get_event(EVENT)
    assert (event.confirmed_count, event.pending_count, event.seats_left) == (1, 1, 1), "a held seat is taken"

    result = confirm_seat(EVENT, held.registration_id, store=store, now=NOW + timedelta(hours=2))
    assert result.outcome == "confirmed" and result.registration.status == Status.CONFIRMED
    stored = by_email(store)["a@example.se"]
    assert stored.status == Status.CONFIRMED
    assert (stored.email.state, stored.email.kind) == (EmailState.SENDING, EmailKind.CONFIRMATION), (
        "the calendar email is due"
    )
    assert_counters_match_items(store)
    again = confirm_seat(EVENT, held.registration_id, store=store, now=NOW + timedelta(hours=3))
    assert again.outcome == "already"
    assert_counters_match_items(store)


def test_the_hold_period_is_the_events(store):
    store.put_event(confirm_event(confirm_within_hours=2), NOW)
    assert sign_up(store, now=NOW, email="a@example.se").registration.hold_until == NOW + timedelta(hours=2)


def test_events_without_confirm_address_confirm_at_once(store):
    store.put_event(example_event(capacity=2), NOW)
    registration = sign_up(store, now=NOW, email="a@example.se").registration
    assert registration.status == Status.CONFIRMED and registration.hold_until is None
    assert store.get_event(EVENT).pending_count == 0


def test_expired_holds_go_to_the_waiting_list_in_order_once_however_often_the_job_runs(store):
    store.put_event(confirm_event(capacity=2), NOW)
    first = sign_up(store, now=NOW, email="a@example.se").registration
    sign_up(store, now=NOW + timedelta(minutes=1), email="b@example.se")
    sign_up(store, now=NOW + timedelta(minutes=2), email="c@example.se")  # waiting, first in line
    sign_up(store, now=NOW + timedelta(minutes=3), email="d@example.se")
    sign_up(store, now=NOW + timedelta(minutes=4), email="e@example.se")
    mailer = RecordingMailer()
    messages = Messages()

    counts = run_hourly(store=store, mailer=mailer, messages=messages, now=NOW + HOLD - timedelta(seconds=1))
    assert "holds_released" not in counts and mailer.sent == [], "nothing is released before its time"

    # a's hold has run out, b's has not (it started a minute later).
    release_time = NOW + HOLD + timedelta(seconds=30)
    counts = run_hourly(store=store, mailer=mailer, messages=messages, now=release_time)
    assert counts["holds_released"] == 1 and counts["promotions"] == 1
    people = by_email(store)
    assert people["a@example.se"].status == Status.CANCELLED
    promoted = people["c@example.se"]
    assert promoted.status == Status.PENDING and promoted.hold_until == release_time + HOLD, "c must confirm in turn"
    assert promoted.email.kind == EmailKind.PROMOTION
    assert [r.status for r in (people["d@example.se"], people["e@example.se"])] == [
        Status.WAITLISTED,
        Status.WAITLISTED,
    ]
    assert [str(m["Subject"]) for m in mailer.sent] == ["promotion c@example.se"]
    assert_counters_match_items(store)

    counts = run_hourly(store=store, mailer=mailer, messages=messages, now=release_time)  # invoked twice
    assert "holds_released" not in counts and len(mailer.sent) == 1

    later = NOW + HOLD + timedelta(minutes=2)
    run_hourly(store=store, mailer=mailer, messages=messages, now=later)
    assert by_email(store)["b@example.se"].status == Status.CANCELLED
    assert by_email(store)["d@example.se"].status == Status.PENDING, "then the next in line"
    assert [str(m["Subject"]) for m in mailer.sent] == ["promotion c@example.se", "promotion d@example.se"]
    assert_counters_match_items(store)

    too_late = confirm_seat(EVENT, first.registration_id, store=store, now=later)
    assert too_late.outcome == "released" and by_email(store)["a@example.se"].status == Status.CANCELLED
    assert_counters_match_items(store)


def test_a_click_after_the_stated_time_counts_while_the_seat_is_still_held(store):
    store.put_event(confirm_event(capacity=1), NOW)
    held = sign_up(store, now=NOW, email="a@example.se").registration
    sign_up(store, now=NOW, email="b@example.se")
    late = NOW + HOLD + timedelta(minutes=20)
    assert confirm_seat(EVENT, held.registration_id, store=store, now=late).outcome == "confirmed"
    counts = run_hourly(store=store, mailer=RecordingMailer(), messages=Messages(), now=late + timedelta(minutes=5))
    assert "holds_released" not in counts
    assert by_email(store)["b@example.se"].status == Status.WAITLISTED
    assert_counters_match_items(store)


def test_a_held_seat_without_anyone_waiting_is_simply_freed(store):
    store.put_event(confirm_event(capacity=2), NOW)
    sign_up(store, now=NOW, email="a@example.se")
    run_hourly(store=store, mailer=RecordingMailer(), messages=Messages(), now=NOW + HOLD)
    event = store.get_event(EVENT)
    assert (event.confirmed_count, event.pending_count) == (0, 0)
    assert_counters_match_items(store)


def test_cancelling_a_held_seat_passes_it_on_held_again(store):
    store.put_event(confirm_event(capacity=1), NOW)
    held = sign_up(store, now=NOW, email="a@example.se").registration
    sign_up(store, now=NOW, email="b@example.se")
    result = cancel(EVENT, held.registration_id, store=store, now=NOW + timedelta(hours=1))
    assert result.promoted is not None and result.promoted.status == Status.PENDING
    assert by_email(store)["b@example.se"].status == Status.PENDING
    assert confirm_seat(EVENT, held.registration_id, store=store, now=NOW + timedelta(hours=2)).outcome == "not_held"
    assert_counters_match_items(store)


def test_holds_confirms_cancels_and_two_jobs_racing_keep_counters_equal_to_items(dynamodb_local_store):
    store = dynamodb_local_store
    store.put_event(confirm_event(capacity=10, waitlist_limit=30), NOW)
    people = [
        sign_up(store, now=NOW + timedelta(seconds=index), email=f"p{index:02d}@example.se").registration
        for index in range(40)
    ]
    held, waiting = people[:10], people[10:]
    assert [p.status for p in held] == [Status.PENDING] * 10 and [p.status for p in waiting] == [Status.WAITLISTED] * 30
    release_time = NOW + HOLD + timedelta(minutes=1)
    mailer = RecordingMailer()
    rng = random.Random(7)
    clicking = rng.sample(held, 4)
    leaving = rng.sample(waiting, 5)
    work = (
        [lambda p=p: confirm_seat(EVENT, p.registration_id, store=store, now=release_time) for p in clicking]
        + [lambda p=p: cancel(EVENT, p.registration_id, store=store, now=release_time) for p in leaving]
        + [lambda: run_hourly(store=store, mailer=mailer, messages=Messages(), now=release_time) for _ in range(2)]
    )
    rng.shuffle(work)
    with ThreadPoolExecutor(max_workers=len(work)) as pool:
        outcomes = list(pool.map(lambda job: job(), work))

    assert_counters_match_items(store)
    confirmed_by_click = sum(1 for o in outcomes if getattr(o, "outcome", None) == "confirmed")
    released = sum(o.get("holds_released", 0) for o in outcomes if isinstance(o, dict))
    assert confirmed_by_click + released == 10, "each hold either confirmed or released, never both"
    people_now = by_email(store)
    promoted = [r for r in people_now.values() if r.email.kind == EmailKind.PROMOTION]
    assert len(promoted) == released, "every released seat went to one person on the waiting list"
    assert sorted(str(m["To"]) for m in mailer.sent) == sorted(r.answers.email for r in promoted), "emailed once"
    assert all(r.status == Status.PENDING for r in promoted)


def real_build(event, registration):
    """The emails as the outbox builds them in production (subjects, templates, calendar file)."""
    links = Links(manage="https://signup.example/registrations/t", confirm="https://signup.example/confirm")
    return registration_email(
        registration.email.kind, event, registration, links=links, writing=writing_at(NOW, "kansliet@example.se")
    )


def test_a_released_hold_whose_confirmation_failed_is_never_sent_and_blocks_no_one(store):
    event = confirm_event(capacity=1)
    store.put_event(event, NOW)
    held = sign_up(store, now=NOW, email="a@example.se").registration
    # SES refused a's confirmation: the outbox retries it for longer than the hold lasts.
    send_now(held, event, store=store, mailer=RecordingMailer(failures=1), build=real_build, now=NOW)
    assert by_email(store)["a@example.se"].email.state == EmailState.FAILED
    sign_up(store, now=NOW, email="b@example.se")  # waiting; its email is owed (the request died before sending)

    release_time = NOW + HOLD + timedelta(seconds=30)
    run_hourly(store=store, mailer=RecordingMailer(failures=1), messages=Messages(), now=release_time)
    people = by_email(store)
    assert people["a@example.se"].status == Status.CANCELLED
    assert (people["a@example.se"].email.state, people["a@example.se"].email.due_at) == (EmailState.GAVE_UP, None)
    assert people["b@example.se"].email.state == EmailState.FAILED, "b's promotion is owed (SES refused it)"

    mailer = RecordingMailer()
    later = release_time + timedelta(minutes=10)
    retry_due_emails(store=store, mailer=mailer, build=real_build, now=later)
    assert mailer.recipients() == ["b@example.se"], "b's owed email goes out, a gets nothing"
    assert retry_due_emails(store=store, mailer=mailer, build=real_build, now=later + timedelta(days=2)) == {}
    assert by_email(store)["a@example.se"].email.state == EmailState.GAVE_UP


def test_the_outbox_gives_up_an_email_the_registration_no_longer_fits_and_sends_the_rest(store):
    """An item left behind (by an older release, or any path that forgets it) is marked, not raised."""
    event = confirm_event(capacity=2)
    store.put_event(event, NOW)
    gone = sign_up(store, now=NOW, email="a@example.se").registration
    sign_up(store, now=NOW, email="b@example.se")
    stale = replace(gone, status=Status.CANCELLED)  # a cancelled registration still owed its confirmation
    mailer = RecordingMailer()
    delivery = send_now(stale, event, store=store, mailer=mailer, build=real_build, now=NOW)
    assert (delivery.state, delivery.error) == (EmailState.GAVE_UP, "not_owed") and mailer.sent == []
    assert by_email(store)["a@example.se"].email.state == EmailState.GAVE_UP

    counts = retry_due_emails(store=store, mailer=mailer, build=real_build, now=NOW + timedelta(minutes=6))
    assert counts == {EmailState.SENT: 1} and mailer.recipients() == ["b@example.se"]


def test_a_promoted_person_whose_address_bounced_gets_no_email_from_the_hourly_release(store):
    store.put_event(confirm_event(capacity=1), NOW)
    sign_up(store, now=NOW, email="a@example.se")
    sign_up(store, now=NOW, email="b@example.se")
    store.suppress(email_key("b@example.se"), "bounce", NOW + timedelta(hours=1))
    mailer = RecordingMailer()
    counts = run_hourly(store=store, mailer=mailer, messages=Messages(), now=NOW + HOLD)
    assert counts["promotions"] == 1, "the seat still passes on"
    promoted = by_email(store)["b@example.se"]
    assert promoted.status == Status.PENDING and promoted.email.state == EmailState.SUPPRESSED
    assert mailer.sent == []
