"""Telling registrants through the store, on moto and DynamoDB Local: a cancellation or change is
written with its notice in one transaction, and the outbox sends each notice once per person, also
when runs repeat or race, paced by the account's rate, skipping bounced and erased addresses."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import datetime, timedelta
from email.message import EmailMessage

import pytest

from chalicelib import privacy
from chalicelib.console import event_admin
from chalicelib.console.posted import EventFormInvalid
from chalicelib.errors import EventCancelled
from chalicelib.events import Event
from chalicelib.forms import email_key
from chalicelib.notice_delivery import SendPace
from chalicelib.notice_kind import NoticeKind
from chalicelib.notices import Audience, EventEdit, Notice, meeting_changes, new_notice
from chalicelib.registrations import Registration, Status, cancel, register
from chalicelib.store import DynamoStore
from tests.fakes import RecordingMailer, UnexpectedNoticeMessages, plain_email
from tests.helpers import answers, assert_racing_runs_send_once, at, deliver_notices_unpaced, example_event

NOW = at("2027-05-01T12:00:00+02:00")
EVENT = "natverk-social-hallbarhet"


class Messages(UnexpectedNoticeMessages):
    """A plain notice per person and the organisers' copy; invitations and group emails are tested in
    tests/integration/test_invitations.py and test_working_groups_store.py."""

    def notice(self, notice: Notice, event: Event, registration: Registration) -> EmailMessage:
        return plain_email(registration.answers.email, f"{notice.kind} {event.status} v{event.calendar_version}")

    def notice_copy(self, notice: Notice, event: Event, recipients: int) -> EmailMessage:
        return plain_email(", ".join(event.organisers), f"copy to {recipients}")


def run(store: DynamoStore, mailer: RecordingMailer, now: datetime = NOW, pace: SendPace | None = None) -> Counter[str]:
    return deliver_notices_unpaced(store, mailer, Messages(), now, pace)


def signed_up(store, count, capacity=None, **event_overrides):
    event = example_event(**({"capacity": capacity} if capacity else {}), **event_overrides)
    store.put_event(event, NOW)
    for number in range(count):
        register(
            EVENT,
            answers(
                email=f"person{number}@example.se",
                meal="yes" if number % 2 else "no",
                **({} if number % 2 else {"diet": None, "diet_consent": None}),
            ),
            store=store,
            now=NOW,
        )
    return store.get_event(EVENT)


def cancelled_notice(store, event):
    notice = new_notice(event, NoticeKind.CANCELLED, now=NOW)
    store.cancel_event(event.id, notice, NOW)
    return notice


def test_cancelling_stores_the_status_a_later_calendar_version_and_the_notice_at_once(store):
    event = signed_up(store, 2)
    notice = cancelled_notice(store, event)
    stored = store.get_event(EVENT)
    assert stored.is_cancelled and stored.calendar_version == event.calendar_version + 1
    assert [n.notice_id for n in store.active_notices()] == [notice.notice_id]
    with pytest.raises(EventCancelled):
        store.cancel_event(EVENT, new_notice(stored, NoticeKind.CANCELLED, now=NOW), NOW)
    assert len(store.notices(EVENT)) == 1, "a second cancel stores no second notice"


def test_nobody_signs_up_or_moves_up_once_the_meeting_is_cancelled(store):
    event = signed_up(store, 2, capacity=1)  # one seated, one waiting
    cancelled_notice(store, event)
    with pytest.raises(EventCancelled):
        register(EVENT, answers(email="late@example.se"), store=store, now=NOW)
    with pytest.raises(EventCancelled):
        register(EVENT, answers(email="door@example.se"), store=store, now=NOW, by_hand=True)
    seated = store.get_registration(EVENT, email_key("person0@example.se"))
    with pytest.raises(EventCancelled):
        cancel(EVENT, seated.registration_id, store=store, now=NOW)
    waiting = store.get_registration(EVENT, email_key("person1@example.se"))
    assert waiting.status == Status.WAITLISTED, "nobody was moved up into a meeting that is off"


def test_everyone_still_signed_up_gets_the_cancellation_once_and_a_second_run_sends_nothing(store):
    event = signed_up(store, 4, capacity=2)  # two seated, two waiting
    left = store.get_registration(EVENT, email_key("person3@example.se"))
    cancel(EVENT, left.registration_id, store=store, now=NOW)
    cancelled_notice(store, store.get_event(EVENT))
    mailer = RecordingMailer()
    counts = run(store, mailer)
    assert sorted(mailer.recipients()) == ["person0@example.se", "person1@example.se", "person2@example.se"]
    assert {m["Subject"] for m in mailer.sent} == {f"cancelled cancelled v{event.calendar_version + 1}"}
    assert counts["sent"] == 3 and counts["notices_finished"] == 1
    assert store.active_notices() == []
    assert run(store, mailer, NOW + timedelta(minutes=10)) == {}
    assert len(mailer.sent) == 3


def test_bounced_and_erased_people_are_skipped(store):
    signed_up(store, 3)
    store.suppress(email_key("person1@example.se"), "bounce", NOW)
    privacy.erase_person("person2@example.se", store=store, now=NOW)
    store.put_notice(new_notice(store.get_event(EVENT), NoticeKind.MESSAGE, now=NOW, text="Hej"))
    mailer = RecordingMailer()
    counts = run(store, mailer)
    assert mailer.recipients()[1:] == ["person0@example.se"] and counts["suppressed"] == 1
    assert mailer.sent[0]["Subject"] == "copy to 2", "the organisers' copy counts who it is for"


def test_a_message_reaches_its_audience_and_the_organisers_once(store):
    signed_up(store, 4, capacity=3)  # person0..2 seated (1 eats), person3 waiting (eats)
    store.put_notice(
        new_notice(store.get_event(EVENT), NoticeKind.MESSAGE, now=NOW, audience=Audience.EATING, text="Mat")
    )
    mailer = RecordingMailer()
    run(store, mailer)
    assert mailer.recipients() == [", ".join(example_event().organisers), "person1@example.se"]


def test_a_failed_send_is_tried_again_by_the_next_run_and_the_rest_are_not_repeated(store):
    signed_up(store, 3)
    store.put_notice(new_notice(store.get_event(EVENT), NoticeKind.MESSAGE, now=NOW, text="Hej"))
    mailer = RecordingMailer(failures=2)  # the copy and the first person
    first = run(store, mailer)
    assert first["failed"] == 2 and first["sent"] == 2 and store.active_notices() != []
    second = run(store, mailer, NOW + timedelta(minutes=10))
    assert second["sent"] == 2 and second["notices_finished"] == 1
    organisers = ", ".join(example_event().organisers)
    assert sorted(mailer.recipients()) == sorted(
        [organisers, "person0@example.se", "person1@example.se", "person2@example.se"]
    )
    assert len(mailer.sent) == 4, "three people and the copy, each once"


def test_a_run_that_has_sent_its_share_leaves_the_rest_for_the_next_run(store):
    signed_up(store, 7)
    cancelled_notice(store, store.get_event(EVENT))
    mailer, waits = RecordingMailer(), []
    first = run(store, mailer, pace=SendPace(1.0, windows=store, now=NOW, sleep=waits.append, run_seconds=3))
    assert first["sent"] == 3 and first["left_for_next_run"] == 4 and waits == [1.0, 1.0]
    later = NOW + timedelta(minutes=10)
    second = run(store, mailer, later, pace=SendPace(1.0, windows=store, now=later, sleep=waits.append, run_seconds=3))
    assert second["sent"] == 3
    last = later + timedelta(minutes=10)
    third = run(store, mailer, last, pace=SendPace(1.0, windows=store, now=last, sleep=lambda _: None, run_seconds=3))
    assert third["sent"] == 1 and third["notices_finished"] == 1
    assert sorted(mailer.recipients()) == sorted(f"person{n}@example.se" for n in range(7))


def test_a_change_is_saved_with_its_notice_or_not_at_all(store):
    signed_up(store, 3, capacity=5)
    existing = store.get_event(EVENT)
    moved = replace(existing, starts_at=existing.starts_at + timedelta(hours=1), venue="Folkets hus")
    saved = event_admin.save(
        existing, moved, "sv", event_admin.Writer(store, NOW, lambda *_: None), notify=event_admin.Notify(True, "x")
    )
    assert saved.notice is not None and saved.notice.changes == meeting_changes(existing, moved)
    stored = store.get_event(EVENT)
    assert stored.venue == "Folkets hus" and stored.calendar_version == existing.calendar_version + 1
    assert [n.kind for n in store.active_notices()] == [NoticeKind.CHANGED]
    too_small = replace(stored, capacity=2, address="Storgatan 1")
    with pytest.raises(EventFormInvalid):
        event_admin.save(
            stored,
            too_small,
            "sv",
            event_admin.Writer(store, NOW, lambda *_: None),
            notify=event_admin.Notify(True, "x"),
        )
    assert store.get_event(EVENT).address == stored.address and len(store.notices(EVENT)) == 1
    quiet = replace(stored, ends_at=stored.starts_at + timedelta(hours=3))
    event_admin.save(stored, quiet, "sv", event_admin.Writer(store, NOW, lambda *_: None))
    assert len(store.notices(EVENT)) == 1, "not told unless the organiser chose to"
    assert store.get_event(EVENT).calendar_version == stored.calendar_version + 1, "yet a later revision"


def test_a_cancelled_meeting_is_not_edited(store):
    event = signed_up(store, 1)
    cancelled_notice(store, event)
    stored = store.get_event(EVENT)
    with pytest.raises(EventCancelled):
        store.save_event(EventEdit(replace(stored, status="open"), NOW))
    assert store.get_event(EVENT).is_cancelled


def test_concurrent_outbox_runs_send_each_notice_once_per_person(dynamodb_local_store):
    store = dynamodb_local_store
    signed_up(store, 30)
    cancelled_notice(store, store.get_event(EVENT))
    assert_racing_runs_send_once(run, store, [f"person{n}@example.se" for n in range(30)], NOW + timedelta(minutes=10))


def test_each_notice_sent_or_skipped_is_a_line_in_the_persons_email_history(store):
    signed_up(store, 2)
    store.suppress(email_key("person1@example.se"), "bounce", NOW)
    cancelled_notice(store, store.get_event(EVENT))
    run(store, RecordingMailer())
    sent = store.email_history(email_key("person0@example.se"), EVENT)
    skipped = store.email_history(email_key("person1@example.se"), EVENT)
    assert [(line.kind, line.result, line.message_id) for line in sent] == [("notice_cancelled", "sent", "message-1")]
    assert [(line.kind, line.result) for line in skipped] == [("notice_cancelled", "suppressed")]
