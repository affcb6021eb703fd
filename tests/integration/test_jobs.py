"""The hourly job, driven by the clock, on moto and on DynamoDB Local."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta
from email.message import EmailMessage

from chalicelib.digest import Summary
from chalicelib.events import Event
from chalicelib.forms import email_key
from chalicelib.jobs import CLAIM_LEASE, SendState, run_hourly
from chalicelib.mail import SendFailed
from chalicelib.registrations import Registration, cancel
from chalicelib.store import DynamoStore
from tests.fakes import RecordingMailer, plain_email
from tests.helpers import at, example_event, sign_up

EVENT = "natverk-social-hallbarhet"


class FakeMessages:
    def registration(self, event: Event, registration: Registration) -> EmailMessage:
        return plain_email(registration.answers.email, f"{registration.email.kind} {registration.answers.email}")

    def reminder(self, event: Event, registration: Registration) -> EmailMessage:
        return plain_email(registration.answers.email, f"reminder {registration.answers.email}")

    def digest(
        self, event: Event, summary: Summary, registrations: list[Registration], *, final: bool, caterer: bool = False
    ) -> EmailMessage:
        kind = "caterer" if caterer else ("final" if final else "digest")
        message = plain_email("org@example.se", f"{kind} {len(summary.confirmed)} new={len(summary.new)}")
        message["X-Summary-New"] = ",".join(r.answers.email for r in summary.new)
        return message


def run(store: DynamoStore, mailer: RecordingMailer, now: datetime) -> Counter[str]:
    return run_hourly(store=store, mailer=mailer, messages=FakeMessages(), now=now)


def subjects(mailer):
    return [str(message["Subject"]) for message in mailer.sent]


def meeting(**overrides):
    """The example meeting on 24 May 2027, deadline 15 May, digest at 07:00, reminder 2 days before at 09:00."""
    return example_event(**overrides)


def test_the_digest_goes_out_at_seven_local_time_once_a_day(store):
    store.put_event(meeting(), at("2027-05-01T00:00:00+02:00"))
    sign_up(store, now=at("2027-05-01T12:00:00+02:00"), email="a@example.se")
    mailer = RecordingMailer()
    assert "digest_sent" not in run(store, mailer, at("2027-05-02T06:59:59+02:00"))
    assert run(store, mailer, at("2027-05-02T07:00:00+02:00"))["digest_sent"] == 1
    run(store, mailer, at("2027-05-02T07:00:00+02:00"))  # invoked twice in a row
    run(store, mailer, at("2027-05-02T08:00:00+02:00"))
    assert subjects(mailer) == ["digest 1 new=1"]


def test_a_missed_run_is_caught_up_later_the_same_day(store):
    store.put_event(meeting(), at("2027-05-01T00:00:00+02:00"))
    sign_up(store, now=at("2027-05-01T12:00:00+02:00"), email="a@example.se")
    mailer = RecordingMailer()
    run(store, mailer, at("2027-05-02T10:17:00+02:00"))  # the 07:00 and 08:00 runs never happened
    assert subjects(mailer) == ["digest 1 new=1"]


def test_digest_only_when_something_changed_and_then_only_the_changes(store):
    store.put_event(meeting(), at("2027-05-01T00:00:00+02:00"))
    sign_up(store, now=at("2027-05-01T12:00:00+02:00"), email="a@example.se")
    mailer = RecordingMailer()
    run(store, mailer, at("2027-05-02T07:00:00+02:00"))
    run(store, mailer, at("2027-05-03T07:00:00+02:00"))  # nothing new: no digest
    sign_up(store, now=at("2027-05-03T15:00:00+02:00"), email="b@example.se")
    run(store, mailer, at("2027-05-04T07:00:00+02:00"))
    assert subjects(mailer) == ["digest 1 new=1", "digest 2 new=1"]
    assert mailer.sent[-1]["X-Summary-New"] == "b@example.se"
    states = {name: marker.state for name, marker in store.sent_markers(EVENT).items()}
    assert states == {
        "digest#2027-05-02": SendState.SENT,
        "digest#2027-05-03": SendState.SKIPPED,
        "digest#2027-05-04": SendState.SENT,
    }


def test_a_daily_digest_setting_sends_even_without_changes(store):
    store.put_event(meeting(digest={"send": "daily"}), at("2027-05-01T00:00:00+02:00"))
    mailer = RecordingMailer()
    for day in (2, 3, 4):
        run(store, mailer, at(f"2027-05-0{day}T07:30:00+02:00"))
    assert len(subjects(mailer)) == 3


def test_digest_at_seven_local_on_both_daylight_saving_switch_days(store):
    event = meeting(
        starts_at=datetime(2027, 11, 20, 18, 0),
        meal_at=None,
        ends_at=None,
        deadline=date(2027, 11, 10),
        digest={"send": "daily"},
    )
    store.put_event(event, at("2027-03-01T00:00:00+01:00"))
    mailer = RecordingMailer()
    # 28 March 2027: clocks go forward at 02:00, so 07:00 local is 05:00 UTC.
    run(store, mailer, at("2027-03-28T04:59:59+00:00"))
    assert subjects(mailer) == []
    run(store, mailer, at("2027-03-28T05:00:00+00:00"))
    assert len(mailer.sent) == 1
    # 31 October 2027: clocks go back at 03:00, so 07:00 local is 06:00 UTC.
    run(store, mailer, at("2027-10-31T05:59:59+00:00"))
    assert len(mailer.sent) == 1
    run(store, mailer, at("2027-10-31T06:00:00+00:00"))
    assert len(mailer.sent) == 2


def test_reminders_reach_confirmed_people_once_and_not_latecomers(store):
    store.put_event(meeting(capacity=2, deadline=date(2027, 5, 23)), at("2027-05-01T00:00:00+02:00"))
    sign_up(store, now=at("2027-05-01T12:00:00+02:00"), email="a@example.se")
    sign_up(store, now=at("2027-05-01T12:01:00+02:00"), email="b@example.se")
    sign_up(store, now=at("2027-05-01T12:02:00+02:00"), email="waiting@example.se")  # waitlisted: no reminder
    mailer = RecordingMailer()
    run(store, mailer, at("2027-05-22T08:59:59+02:00"))  # reminder is 2 days before at 09:00
    assert not [s for s in subjects(mailer) if s.startswith("reminder")]
    run(store, mailer, at("2027-05-22T09:00:00+02:00"))
    store.put_event(meeting(capacity=3, deadline=date(2027, 5, 23)), at("2027-05-22T09:30:00+02:00"))
    sign_up(store, now=at("2027-05-22T10:00:00+02:00"), email="late@example.se")  # after the reminder time
    run(store, mailer, at("2027-05-22T11:00:00+02:00"))
    run(store, mailer, at("2027-05-23T11:00:00+02:00"))
    reminders = sorted(s for s in subjects(mailer) if s.startswith("reminder"))
    assert reminders == ["reminder a@example.se", "reminder b@example.se"]


def test_ses_throttling_mid_batch_resumes_with_the_rest_and_no_duplicates(store):
    store.put_event(meeting(deadline=date(2027, 5, 20), digest={"send": "off"}), at("2027-05-01T00:00:00+02:00"))
    for index in range(5):
        sign_up(store, now=at("2027-05-01T12:00:00+02:00") + timedelta(minutes=index), email=f"p{index}@example.se")
    mailer = RecordingMailer()
    run(store, mailer, at("2027-05-21T06:00:00+02:00"))  # the hand-off goes out first

    class ThrottleAfterTwo(RecordingMailer):
        def send(self, message):
            if len(self.sent) >= 2:
                raise SendFailed("TooManyRequestsException")
            return super().send(message)

    first = ThrottleAfterTwo()
    counts = run(store, first, at("2027-05-22T09:00:00+02:00"))
    sent_before_throttle = first.recipients()
    assert counts["reminder_sent"] == 2 and counts["reminder_failed"] == 3
    second = RecordingMailer()
    run(store, second, at("2027-05-22T10:00:00+02:00"))
    everyone = sorted(sent_before_throttle + second.recipients())
    assert everyone == [f"p{index}@example.se" for index in range(5)]
    third = RecordingMailer()
    run(store, third, at("2027-05-22T11:00:00+02:00"))
    assert third.sent == []


def test_a_crash_between_claim_and_send_is_sent_by_a_later_run(store):
    store.put_event(meeting(), at("2027-05-01T00:00:00+02:00"))
    sign_up(store, now=at("2027-05-01T12:00:00+02:00"), email="a@example.se")
    crashed_at = at("2027-05-02T07:00:00+02:00")
    assert store.claim_send(EVENT, "digest#2027-05-02", crashed_at, crashed_at + CLAIM_LEASE)  # then the run died
    assert store.sent_markers(EVENT)["digest#2027-05-02"].state == SendState.CLAIMED
    mailer = RecordingMailer()
    run(store, mailer, crashed_at + timedelta(minutes=5))
    assert mailer.sent == [], "the claim's lease still holds"
    run(store, mailer, crashed_at + CLAIM_LEASE + timedelta(minutes=1))
    assert subjects(mailer) == ["digest 1 new=1"]


def test_the_deadline_hand_off_goes_out_once_on_the_next_run(store):
    store.put_event(meeting(caterer="kok@example.se"), at("2027-05-01T00:00:00+02:00"))
    sign_up(store, now=at("2027-05-15T23:59:59+02:00"), email="a@example.se")
    mailer = RecordingMailer()
    run(store, mailer, at("2027-05-15T23:30:00+02:00"))
    assert not any(s.startswith(("final", "caterer")) for s in subjects(mailer))
    run(store, mailer, at("2027-05-16T00:00:00+02:00"))
    run(store, mailer, at("2027-05-16T01:00:00+02:00"))
    finals = [s for s in subjects(mailer) if s.startswith(("final", "caterer"))]
    assert finals == ["final 1 new=1", "caterer 1 new=1"]


def test_past_events_are_not_read(store):
    store.put_event(
        meeting(id="last-year", starts_at=datetime(2026, 5, 24, 18, 0), deadline=date(2026, 5, 15)),
        at("2026-05-01T00:00:00+02:00"),
    )
    store.put_event(meeting(), at("2027-05-01T00:00:00+02:00"))
    counts = run(store, RecordingMailer(), at("2027-05-02T07:00:00+02:00"))
    assert counts["events_checked"] == 1


def test_suppressed_addresses_get_no_reminder(store):
    store.put_event(meeting(deadline=date(2027, 5, 20)), at("2027-05-01T00:00:00+02:00"))
    sign_up(store, now=at("2027-05-01T12:00:00+02:00"), email="a@example.se")
    store.suppress(email_key("a@example.se"), "bounce", at("2027-05-02T12:00:00+02:00"))
    mailer = RecordingMailer()
    run(store, mailer, at("2027-05-22T09:00:00+02:00"))
    assert not any(s.startswith("reminder") for s in subjects(mailer))


def test_cancelled_and_promoted_show_in_the_next_digest(store):
    store.put_event(meeting(capacity=1), at("2027-05-01T00:00:00+02:00"))
    first = sign_up(store, now=at("2027-05-01T12:00:00+02:00"), email="a@example.se").registration
    sign_up(store, now=at("2027-05-01T12:05:00+02:00"), email="b@example.se")
    mailer = RecordingMailer()
    run(store, mailer, at("2027-05-02T07:00:00+02:00"))
    cancel(EVENT, first.registration_id, store=store, now=at("2027-05-02T12:00:00+02:00"))
    counts = run(store, mailer, at("2027-05-03T07:00:00+02:00"))
    assert counts["digest_sent"] == 1, "a cancellation and a promotion are changes"


def test_two_jobs_at_once_send_one_digest_and_one_reminder_each(dynamodb_local_store):
    store = dynamodb_local_store
    store.put_event(meeting(deadline=date(2027, 5, 20)), at("2027-05-01T00:00:00+02:00"))
    for index in range(20):
        sign_up(store, now=at("2027-05-01T12:00:00+02:00"), email=f"p{index}@example.se")
    mailer = RecordingMailer()
    now = at("2027-05-22T09:00:00+02:00")
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(lambda _: run(store, mailer, now), range(4)))
    sent = subjects(mailer)
    assert sorted(s for s in sent if s.startswith("reminder")) == sorted(f"reminder p{i}@example.se" for i in range(20))
    assert len([s for s in sent if s.startswith("digest")]) == 1
    assert len([s for s in sent if s.startswith("final")]) == 1
