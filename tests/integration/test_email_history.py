"""Every email to a person, one line each: written by every send, read newest first per event, kept
as long as the registration, exported and erased with the person."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from chalicelib import email_history
from chalicelib.email_history import HistoryKind, Result, SentEmail
from chalicelib.forms import email_key
from chalicelib.jobs import run_hourly
from chalicelib.outbox import retry_due_emails, send_now
from chalicelib.privacy import erase_person, export_person
from chalicelib.registrations import EmailKind, register
from chalicelib.store import DynamoStore
from chalicelib.store.schema import EMAIL_HISTORY_PREFIX
from chalicelib.suppression import record_notification
from tests.fakes import RecordingMailer, addressed_email
from tests.helpers import answers, at, example_event
from tests.integration.test_jobs import FakeMessages

EVENT = "natverk-social-hallbarhet"
NOW = at("2027-05-01T12:00:00+02:00")
ASA = email_key("asa.oberg@example.se")


def lines(store, event_id=EVENT, key=ASA):
    return [(line.kind, line.result, line.message_id, line.error) for line in store.email_history(key, event_id)]


def test_each_send_writes_a_line_and_the_history_reads_newest_first(store):
    event = example_event()
    store.put_event(event, NOW)
    registration = register(EVENT, answers(), store=store, now=NOW).registration
    mailer = RecordingMailer(failures=1)
    send_now(registration, event, store=store, mailer=mailer, build=addressed_email, now=NOW)
    retry_due_emails(store=store, mailer=mailer, build=addressed_email, now=NOW + timedelta(minutes=6))
    assert lines(store) == [
        ("confirmation", Result.SENT, "message-1", ""),
        ("confirmation", Result.FAILED, "", "TooManyRequestsException"),
    ]
    (newest, _) = store.email_history(ASA, EVENT)
    assert newest.at == NOW + timedelta(minutes=6) and newest.event_id == EVENT


def test_a_suppressed_address_gets_a_line_saying_it_was_not_sent(store):
    event = example_event()
    store.put_event(event, NOW)
    registration = register(EVENT, answers(), store=store, now=NOW).registration
    store.suppress(ASA, "bounce", NOW)
    send_now(
        registration,
        event,
        store=store,
        mailer=RecordingMailer(),
        build=addressed_email,
        now=NOW,
        history_kind=HistoryKind.RESEND,
    )
    assert lines(store) == [("resend", Result.SUPPRESSED, "", "")]


def test_lines_are_per_event_but_the_address_s_bounces_show_with_every_event(store):
    other = example_event(id="annan-traff")
    for event in (example_event(), other):
        store.put_event(event, NOW)
        register(event.id, answers(), store=store, now=NOW)
    for event_id in (EVENT, "annan-traff"):
        registration = store.get_registration(event_id, ASA)
        email_history.note(store, registration, "confirmation", Result.SENT, now=NOW, message_id=f"id-{event_id}")
    notification = {
        "notificationType": "Bounce",
        "bounce": {"bounceType": "Permanent", "bouncedRecipients": [{"emailAddress": "Asa.Oberg@example.se"}]},
        "mail": {"messageId": "id-annan-traff"},
    }
    later = NOW + timedelta(hours=1)
    assert record_notification(json.dumps(notification), store=store, now=later, keep_for=timedelta(days=90)) == 1
    assert lines(store) == [
        ("ses_notice", Result.BOUNCED, "id-annan-traff", ""),
        ("confirmation", Result.SENT, f"id-{EVENT}", ""),
    ]
    assert lines(store, "annan-traff")[1:] == [("confirmation", Result.SENT, "id-annan-traff", "")]
    assert store.is_suppressed(ASA)


def test_a_reminder_writes_a_line_once_however_often_the_job_runs(store):
    store.put_event(example_event(deadline=date(2027, 5, 23)), NOW)
    register(EVENT, answers(), store=store, now=NOW)
    mailer = RecordingMailer()
    for _ in range(2):
        run_hourly(store=store, mailer=mailer, messages=FakeMessages(), now=at("2027-05-22T09:00:00+02:00"))
    assert [line[:2] for line in lines(store)] == [("reminder", Result.SENT)], "the digest went first"


def test_a_line_is_kept_as_long_as_the_registration_and_hidden_once_past_it(store):
    event = example_event()
    store.put_event(event, NOW)
    registration = register(EVENT, answers(), store=store, now=NOW).registration
    email_history.note(store, registration, "confirmation", Result.SENT, now=NOW)
    item = next(
        i
        for i in export_person("asa.oberg@example.se", store=store)["address_records"]
        if i["SK"].startswith(EMAIL_HISTORY_PREFIX)
    )
    assert int(item["expires_at"]) == int(registration.expires_at.timestamp())
    assert registration.expires_at == event.ends_at + timedelta(days=90)
    gone = replace(registration, expires_at=datetime.now(UTC) - timedelta(seconds=1))
    email_history.note(store, gone, "reminder", Result.SENT, now=NOW + timedelta(days=1))
    assert lines(store) == [("confirmation", Result.SENT, "", "")], "a line past its time is not shown"


def test_the_history_is_exported_and_erased_with_the_person_and_holds_no_mail_body(store):
    event = example_event()
    store.put_event(event, NOW)
    registration = register(EVENT, answers(), store=store, now=NOW).registration
    send_now(registration, event, store=store, mailer=RecordingMailer(), build=addressed_email, now=NOW)
    exported = export_person("asa.oberg@example.se", store=store)
    (line,) = [item for item in exported["address_records"] if item["SK"].startswith(EMAIL_HISTORY_PREFIX)]
    assert set(line) == {"PK", "SK", "type", "event_id", "kind", "result", "at", "message_id", "error", "expires_at"}
    erase_person("asa.oberg@example.se", store=store, now=NOW)
    assert store.email_history(ASA, EVENT) == []


class BrokenHistory:
    """An email history store whose table is away."""

    def add_email_history(self, line: SentEmail, expires_at: datetime | None) -> None:
        raise RuntimeError("the table is away")

    def email_history(self, email_key: str, event_id: str) -> list[SentEmail]:
        raise RuntimeError("the table is away")


def test_a_line_that_cannot_be_written_never_fails_the_send(
    store: DynamoStore, caplog: pytest.LogCaptureFixture
) -> None:
    store.put_event(example_event(), NOW)
    registration = register(EVENT, answers(), store=store, now=NOW).registration
    email_history.note(BrokenHistory(), registration, EmailKind.CONFIRMATION, Result.SENT, now=NOW)
    assert "email history not written" in caplog.text and "asa" not in caplog.text.lower()
