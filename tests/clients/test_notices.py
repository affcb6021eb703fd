"""A change and then the meeting's cancellation, as calendars and mail programs read them: the change's
.ics updates the entry the confirmation put there (same UID, higher SEQUENCE, the new place and
time) and the cancellation withdraws it (METHOD:CANCEL, higher again), as ical.js, node-ical and
vobject read them from the raw emails SES was given, split out by node mailparser and Python
mail-parser. The waiting list hears both without a calendar file."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib import bootstrap
from chalicelib.console import event_admin
from tests.helpers import EVENT, answers, open_event, post_json, run_schedule
from tests.mailbox import sent_raw

PEOPLE = {
    "seated": ("plats@example.se", "sv"),
    "english": ("seat@example.org", "en"),
    "waiting": ("vantar@example.se", "sv"),
}


@pytest.fixture
def mailbox(client, app_store, moto_endpoint, mailboxes):
    """Two seats and one waiting; the organisers move the meeting an hour later to another venue and
    tell everyone, then cancel it. Each person's emails in order, as the parsers read them."""
    app_store.put_event(open_event(capacity=2, waitlist_limit=5), datetime.now(UTC))
    for address, language in PEOPLE.values():
        assert post_json(client, answers(email=address, language=language)).status_code == 201
    parts = bootstrap.wiring()
    parts.sleep = lambda _: None  # moto's one-a-second rate: the waits are tested elsewhere
    now = datetime.now(UTC)
    existing = app_store.get_event(EVENT)
    moved = replace(existing, starts_at=existing.starts_at + timedelta(hours=1), venue="Folkets hus, Hudiksvall")
    event_admin.save(
        existing, moved, "sv", event_admin.Writer(app_store, now, lambda *_: None), notify=event_admin.Notify(True)
    )
    run_schedule(client, "email_outbox")
    parts.outreach.cancel_event(app_store.get_event(EVENT), note="", author="", now=now)
    run_schedule(client, "email_outbox")

    return mailboxes(sent_raw(moto_endpoint), PEOPLE)


def test_the_change_updates_the_entry_in_place_and_the_cancellation_withdraws_it(mailbox):
    confirmation, change, cancellation = mailbox["seated"]
    assert change.subject.startswith("Ändrat: ") and cancellation.subject.startswith("Inställt: ")
    assert "Plats: Folkets hus, Hudiksvall (tidigare: " in change.node["text"]
    published, updated, withdrawn = confirmation.entry(), change.entry(), cancellation.entry()
    assert published["uid"] == updated["uid"] == withdrawn["uid"], "one entry, found by its UID"
    assert published["sequence"] < updated["sequence"] < withdrawn["sequence"]
    assert (updated["method"], updated["status"]) == ("PUBLISH", "CONFIRMED")
    assert (withdrawn["method"], withdrawn["status"]) == ("CANCEL", "CANCELLED")
    later = open_event().starts_at + timedelta(hours=1)
    assert updated["start"] == later.astimezone(UTC).isoformat().replace("+00:00", ".000Z")
    (icaljs,) = change.calendar["calendar"]["icaljs"]["events"]
    assert icaljs["location"].startswith("Folkets hus, Hudiksvall")


def test_an_english_reader_gets_both_in_english(mailbox):
    _, change, cancellation = mailbox["english"]
    assert change.subject.startswith("Changed: ") and "Venue: Folkets hus, Hudiksvall (before: " in change.node["text"]
    assert cancellation.subject.startswith("Cancelled: ")
    assert "The organisers have cancelled the meeting" in cancellation.node["text"]
    assert cancellation.entry()["method"] == "CANCEL"


def test_the_waiting_list_hears_the_news_without_a_calendar_file(mailbox):
    waitlisted, change, cancellation = mailbox["waiting"]
    assert waitlisted.subject.startswith("Du står på väntelistan")
    assert change.subject.startswith("Ändrat: ") and change.calendar is None and change.python.attachments == []
    assert "Du står kvar på väntelistan" in change.node["text"]
    assert cancellation.subject.startswith("Inställt: ") and cancellation.calendar is None
