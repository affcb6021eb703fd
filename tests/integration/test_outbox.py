"""Nothing lost, nothing twice: the outbox on moto and DynamoDB Local, with a failing mailer."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import timedelta

from chalicelib.forms import email_key
from chalicelib.outbox import MAX_ATTEMPTS, retry_due_emails, send_now
from chalicelib.registrations import EMAIL_LEASE, EmailState, register
from tests.fakes import RecordingMailer, addressed_email
from tests.helpers import answers, at, example_event, sign_up

NOW = at("2027-05-01T12:00:00+02:00")


def stored_email(store, address="asa.oberg@example.se"):
    return store.get_registration("natverk-social-hallbarhet", email_key(address)).email


def run_outbox(store, mailer, now):
    return retry_due_emails(store=store, mailer=mailer, build=addressed_email, now=now)


def test_ses_throttled_on_the_registration_then_the_job_sends_exactly_one(store):
    event = example_event()
    store.put_event(event, NOW)
    mailer = RecordingMailer(failures=1)
    registration = sign_up(store, now=NOW).registration
    delivery = send_now(registration, event, store=store, mailer=mailer, build=addressed_email, now=NOW)
    assert delivery.state == EmailState.FAILED and delivery.error == "TooManyRequestsException"
    assert stored_email(store).state == EmailState.FAILED
    assert store.get_event(event.id).confirmed_count == 1, "the registration stands"

    assert run_outbox(store, mailer, NOW + timedelta(minutes=1)) == {}, "not due yet"
    assert run_outbox(store, mailer, NOW + timedelta(minutes=6))[EmailState.SENT] == 1
    assert run_outbox(store, mailer, NOW + timedelta(days=1)) == {}
    assert mailer.recipients() == ["asa.oberg@example.se"]
    assert stored_email(store).state == EmailState.SENT and stored_email(store).message_id == "message-1"


def test_ses_down_for_three_runs_then_back_sends_one_email(store):
    event = example_event()
    store.put_event(event, NOW)
    mailer = RecordingMailer(failures=4)  # the request, then three outbox runs
    registration = sign_up(store, now=NOW).registration
    send_now(registration, event, store=store, mailer=mailer, build=addressed_email, now=NOW)
    now = NOW
    for _ in range(4):
        now = stored_email(store).due_at + timedelta(seconds=1)
        run_outbox(store, mailer, now)
    assert len(mailer.sent) == 1
    assert stored_email(store).state == EmailState.SENT and stored_email(store).attempts == 5
    assert run_outbox(store, mailer, now + timedelta(days=3)) == {}


def test_a_request_that_died_before_sending_is_picked_up_after_its_lease(store):
    store.put_event(example_event(), NOW)
    sign_up(store, now=NOW)  # stored with the lease, never sent
    mailer = RecordingMailer()
    assert run_outbox(store, mailer, NOW + EMAIL_LEASE - timedelta(seconds=1)) == {}
    assert run_outbox(store, mailer, NOW + EMAIL_LEASE + timedelta(seconds=1))[EmailState.SENT] == 1
    assert len(mailer.sent) == 1


def test_the_outbox_gives_up_after_its_attempts_and_says_so(store):
    event = example_event()
    store.put_event(event, NOW)
    mailer = RecordingMailer(failures=1_000, code="MessageRejected")
    send_now(sign_up(store, now=NOW).registration, event, store=store, mailer=mailer, build=addressed_email, now=NOW)
    for _ in range(MAX_ATTEMPTS + 2):
        due = stored_email(store).due_at
        if due is None:
            break
        run_outbox(store, mailer, due + timedelta(seconds=1))
    email = stored_email(store)
    assert email.state == EmailState.GAVE_UP and email.attempts == MAX_ATTEMPTS and email.error == "MessageRejected"
    assert list(store.due_emails(NOW + timedelta(days=30))) == []


def test_a_suppressed_address_is_registered_but_never_emailed(store):
    store.put_event(example_event(), NOW)
    store.suppress(email_key("Asa.Oberg@example.se"), "bounce", NOW)
    registration = sign_up(store, now=NOW).registration
    assert registration.email.state == EmailState.SUPPRESSED
    assert store.get_event("natverk-social-hallbarhet").confirmed_count == 1
    mailer = RecordingMailer()
    run_outbox(store, mailer, NOW + timedelta(days=1))
    assert mailer.sent == [] and stored_email(store).state == EmailState.SUPPRESSED


def test_a_bounce_for_the_punycode_domain_suppresses_the_unicode_spelling(store):
    store.put_event(example_event(), NOW)
    store.suppress(email_key("u@xn--exmple-cua.se"), "bounce", NOW)  # how SES reports it
    assert sign_up(store, now=NOW, email="U@exämple.se").registration.email.state == EmailState.SUPPRESSED


def test_plus_addressing_shares_one_daily_email_cap_across_events(store):
    from chalicelib.registrations import EmailState
    from chalicelib.store.limits import DAILY_EMAILS_PER_ADDRESS

    states = []
    for number in range(DAILY_EMAILS_PER_ADDRESS + 2):
        event_id = f"traff-{number}"
        store.put_event(example_event(id=event_id), NOW)
        outcome = register(event_id, answers(email=f"victim+{number}@example.se"), store=store, now=NOW)
        states.append(outcome.registration.email.state)
    assert states == [EmailState.SENDING] * DAILY_EMAILS_PER_ADDRESS + [EmailState.LIMITED] * 2


def test_an_address_that_bounced_after_registering_is_not_retried(store):
    event = example_event()
    store.put_event(event, NOW)
    send_now(
        sign_up(store, now=NOW).registration,
        event,
        store=store,
        mailer=RecordingMailer(failures=1),
        build=addressed_email,
        now=NOW,
    )
    store.suppress(email_key("asa.oberg@example.se"), "complaint", NOW)
    mailer = RecordingMailer()
    counts = run_outbox(store, mailer, NOW + timedelta(hours=1))
    assert counts == {"suppressed": 1} and mailer.sent == []


def test_two_outbox_jobs_at_once_send_each_email_once(dynamodb_local_store):
    store = dynamodb_local_store
    store.put_event(example_event(), NOW)
    for index in range(30):
        sign_up(store, now=NOW, email=f"p{index}@example.se")  # 30 emails whose requests died
    mailer = RecordingMailer()
    later = NOW + EMAIL_LEASE + timedelta(seconds=1)
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _: run_outbox(store, mailer, later), range(4)))
    assert sorted(mailer.recipients()) == sorted(f"p{index}@example.se" for index in range(30))
    assert sum(result[EmailState.SENT] for result in results) == 30
    assert all(r.email.state == EmailState.SENT for r in store.registrations("natverk-social-hallbarhet"))


def test_promotion_waits_in_the_outbox_with_its_own_kind(store):
    from chalicelib.registrations import cancel

    store.put_event(example_event(capacity=1), NOW)
    first = sign_up(store, now=NOW, email="first@example.se").registration
    sign_up(store, now=NOW + timedelta(seconds=1), email="second@example.se")
    cancel(first.event_id, first.registration_id, store=store, now=NOW + timedelta(hours=1))
    mailer = RecordingMailer()
    run_outbox(store, mailer, NOW + timedelta(hours=2))
    subjects = {str(m["To"]): str(m["Subject"]) for m in mailer.sent}
    assert subjects["second@example.se"] == "promotion natverk-social-hallbarhet"
    assert stored_email(store, "second@example.se").state == EmailState.SENT
    assert EmailState.SENDING not in {r.email.state for r in store.registrations("natverk-social-hallbarhet")}


def test_one_address_gets_at_most_five_registration_emails_a_day(store):
    from chalicelib.registrations import EmailState
    from chalicelib.store.limits import DAILY_EMAILS_PER_ADDRESS

    states = []
    for index in range(DAILY_EMAILS_PER_ADDRESS + 2):
        event = example_event(id=f"traff-{index}")
        store.put_event(event, NOW)
        outcome = register(event.id, answers(email="target@example.se"), store=store, now=NOW)
        states.append(outcome.registration.email.state)
    assert states == [EmailState.SENDING] * DAILY_EMAILS_PER_ADDRESS + [EmailState.LIMITED, EmailState.LIMITED]
    assert all(store.get_event(f"traff-{index}").confirmed_count == 1 for index in range(len(states)))
    store.put_event(example_event(id="next-day"), NOW)
    tomorrow = register("next-day", answers(email="target@example.se"), store=store, now=NOW + timedelta(days=1))
    assert tomorrow.registration.email.state == EmailState.SENDING
    mailer = RecordingMailer()
    run_outbox(store, mailer, NOW + timedelta(days=2))
    assert len(mailer.sent) == DAILY_EMAILS_PER_ADDRESS + 1, "limited registrations are not retried either"


def test_no_registration_email_goes_out_once_the_meeting_has_started(store):
    event = example_event()
    store.put_event(event, NOW)
    mailer = RecordingMailer(failures=1)
    send_now(sign_up(store, now=NOW).registration, event, store=store, mailer=mailer, build=addressed_email, now=NOW)
    # The meeting is moved earlier: it starts before the retry is due.
    store.put_event(replace(event, starts_at=NOW + timedelta(minutes=2), meal_at=None), NOW)
    assert run_outbox(store, mailer, NOW + timedelta(minutes=6)) == {"event_started": 1}
    assert mailer.sent == [] and stored_email(store).state == EmailState.GAVE_UP
    assert run_outbox(store, mailer, NOW + timedelta(days=1)) == {}
