"""Cancelling takes the meeting out of the person's calendar: the receipt's .ics withdraws the entry
the confirmation (or promotion) put there, as ical.js, node-ical and vobject read it from the raw
emails SES was given, split out by node mailparser and Python mail-parser."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from tests.clients.conftest import read_with_mail_parser
from tests.helpers import FORM, answers, open_event, post_json
from tests.mailbox import manage_path, sent_mail, sent_raw

PEOPLE = {
    "first": ("forsta@example.se", "sv"),
    "second": ("second@example.org", "en"),
    "third": ("tredje@example.se", "sv"),
}


@pytest.fixture
def mailbox(client, app_store, moto_endpoint, mailboxes):
    """One seat, two waiting; the first and then the second cancel (each freeing the seat), and the
    third leaves the waiting list. Returns each person's emails in order, as the parsers read them."""
    app_store.put_event(open_event(capacity=1, waitlist_limit=5), datetime.now(UTC))
    for address, language in PEOPLE.values():
        assert post_json(client, answers(email=address, language=language)).status_code == 201
    links = {}
    for message in sent_mail(moto_endpoint):
        links[message["To"].addresses[0].addr_spec] = manage_path(message)
    for who in ("first", "second", "third"):
        assert client.http.post(links[PEOPLE[who][0]], headers=FORM, body="").status_code == 200

    return mailboxes(sent_raw(moto_endpoint), PEOPLE)


def test_cancelling_a_seat_sends_a_receipt_that_removes_the_calendar_entry(mailbox):
    confirmation, receipt = mailbox["first"]
    assert confirmation.subject.startswith("Anmälan bekräftad:")
    assert receipt.subject.startswith("Avbokning bekräftad:")
    assert "Din anmälan är avbokad" in receipt.node["text"]
    published, withdrawn = confirmation.entry(), receipt.entry()
    assert (published["method"], published["status"]) == ("PUBLISH", "CONFIRMED")
    assert (withdrawn["method"], withdrawn["status"]) == ("CANCEL", "CANCELLED")
    assert withdrawn["uid"] == published["uid"], "calendars find the entry by its UID"
    assert withdrawn["sequence"] > published["sequence"], "and take the later revision"
    assert withdrawn["start"] == published["start"]


def test_a_promotion_gives_the_entry_that_its_cancellation_then_withdraws_in_english(mailbox):
    waitlisted, promotion, receipt = mailbox["second"]
    assert waitlisted.subject.startswith("You are on the waiting list:") and waitlisted.calendar is None
    assert promotion.subject.startswith("You have a seat:")
    assert receipt.subject.startswith("Cancellation confirmed:")
    assert "Your registration is cancelled" in receipt.node["text"]
    published, withdrawn = promotion.entry(), receipt.entry()
    # The promotion's entry is the meeting the waiting-list email described, at its time.
    event = open_event()
    assert published["start"] == event.starts_at.astimezone(UTC).isoformat().replace("+00:00", ".000Z")
    assert event.venue in waitlisted.node["text"] and event.venue in promotion.node["text"]
    assert (published["method"], withdrawn["method"]) == ("PUBLISH", "CANCEL")
    assert withdrawn["uid"] == published["uid"] and withdrawn["sequence"] > published["sequence"]


def test_leaving_the_waiting_list_sends_a_receipt_without_a_calendar_file(mailbox):
    *earlier, receipt = mailbox["third"]
    assert [one.subject.split(":")[0] for one in earlier] == ["Du står på väntelistan", "Du har fått en plats"]
    # The third was promoted when the second cancelled, so their receipt withdraws that entry.
    assert receipt.subject.startswith("Avbokning bekräftad:") and receipt.entry()["method"] == "CANCEL"


def test_leaving_the_waiting_list_before_any_seat_sends_no_calendar_file(client, app_store, moto_endpoint):
    app_store.put_event(open_event(capacity=1, waitlist_limit=5), datetime.now(UTC))
    post_json(client, answers(email="forsta@example.se"))
    body = json.loads(post_json(client, answers(email="tredje@example.se")).body)
    assert body["status"] == "waitlisted"
    client.http.post(manage_path(sent_mail(moto_endpoint)[1]), headers=FORM, body="")
    receipt = read_with_mail_parser(sent_raw(moto_endpoint)[-1])
    assert receipt.subject.startswith("Avbokning bekräftad:")
    assert "Du har lämnat väntelistan" in receipt.text_plain[0]
    assert receipt.attachments == []
