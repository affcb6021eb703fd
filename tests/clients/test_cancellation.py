"""Cancelling takes the meeting out of the person's calendar: the receipt's .ics withdraws the entry
the confirmation (or promotion) put there, as ical.js, node-ical and vobject read it from the raw
emails SES was given, split out by node mailparser and Python mail-parser."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime

import pytest

from tests.clients.conftest import read_with_mail_parser, read_with_vobject
from tests.helpers import FORM, answers, open_event, post_json, sent_mail, sent_raw
from tests.test_app_email import manage_path

PEOPLE = {
    "first": ("forsta@example.se", "sv"),
    "second": ("second@example.org", "en"),
    "third": ("tredje@example.se", "sv"),
}


@pytest.fixture
def mailbox(client, app_store, moto_endpoint, tmp_path, node_parsers):
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

    raws = sent_raw(moto_endpoint)
    paths = []
    for index, raw in enumerate(raws):
        paths.append(tmp_path / f"{index:02d}.eml")
        paths[-1].write_bytes(raw)
    parsed = node_parsers(paths)
    box: dict[str, list] = {who: [] for who in PEOPLE}
    for path, raw in zip(paths, raws, strict=True):
        node = parsed[path]["email"]
        python = read_with_mail_parser(raw)
        (who,) = [who for who, (address, _) in PEOPLE.items() if node["to"] == [{"name": "", "address": address}]]
        assert [address for _, address in python.to] == [PEOPLE[who][0]]
        box[who].append(Received(node, python))
    return box


class Received:
    """One email as node mailparser and Python mail-parser read it, with its calendar file."""

    def __init__(self, node, python):
        self.node = node
        self.python = python
        self.subject = node["subject"]
        assert python.subject == self.subject
        calendars = [part for part in node["attachments"] if part["contentType"] == "text/calendar"]
        python_calendars = [part for part in python.attachments if part["mail_content_type"] == "text/calendar"]
        assert len(calendars) == len(python_calendars) <= 1
        self.calendar = calendars[0] if calendars else None
        self.ics = _payload(python_calendars[0]) if python_calendars else None

    def entry(self):
        """The one VEVENT, as ical.js, node-ical and vobject read it; they must agree."""
        calendar = self.calendar["calendar"]
        (icaljs,) = calendar["icaljs"]["events"]
        (nodeical,) = calendar["nodeIcal"]["events"]
        vcalendar = read_with_vobject(self.ics)
        vevent = vcalendar.vevent
        method = self.calendar["method"]
        assert calendar["icaljs"]["method"] == nodeical["method"] == vcalendar.method.value == method
        uid, sequence, status = icaljs["uid"], icaljs["sequence"], icaljs["status"]
        assert (nodeical["uid"], nodeical["sequence"], nodeical["status"]) == (uid, sequence, status)
        assert (vevent.uid.value, int(vevent.sequence.value), vevent.status.value) == (uid, sequence, status)
        assert nodeical["start"] == icaljs["start"]
        return {"method": method, "uid": uid, "sequence": sequence, "status": status, "start": icaljs["start"]}


def _payload(part) -> str:
    payload = part["payload"]
    if part.get("binary") or part.get("content_transfer_encoding") == "base64":
        return base64.b64decode(payload).decode("utf-8")
    return payload


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
