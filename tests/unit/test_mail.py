"""The confirmation email as a person (and their mail program) receives it."""

from __future__ import annotations

import email
import email.policy
import pickle
from dataclasses import replace
from datetime import datetime
from typing import Any

import pytest
from icalendar import Calendar

from chalicelib.console.auth import LinkRefused, LinkState, SignInLimited
from chalicelib.forms import parse_answers
from chalicelib.mail import Links, SendFailed, WrittenEmail, registration_email, still_owed, written
from chalicelib.registrations import EmailDelivery, EmailKind, Registration, Status
from tests.helpers import answers, at, example_event, writing_at
from tests.mailbox import parts_of, read_back

NOW = at("2027-05-01T12:00:00+02:00")
SENDER = "Hudiksvalls kommun – Signup <anmalan@signup.local>"


def unsent(
    kind: EmailKind = EmailKind.CONFIRMATION,
    status: Status = Status.CONFIRMED,
    name: str | None = None,
    **overrides: Any,
) -> WrittenEmail:
    """The email as built, before it is sent. `name` is put in past the form's own refusal, as if
    a future change let it through."""
    event = example_event()
    registration = Registration(
        event_id=event.id,
        registration_id="abc123",
        answers=parse_answers(answers(**overrides), event),
        status=status,
        created_at=NOW,
        updated_at=NOW,
    )
    if name is not None:
        registration = replace(registration, answers=replace(registration.answers, name=name))
    return registration_email(
        kind,
        event,
        registration,
        links=Links(manage="https://signup.example/registrations/TOKEN"),
        writing=writing_at(NOW, SENDER),
    )


def build(kind="confirmation", status=Status.CONFIRMED, **overrides):
    """What the receiving side sees: the bytes SES would send, parsed."""
    message = unsent(kind, status, **overrides)
    return read_back(message)


def test_structure_is_alternative_text_and_html_plus_a_calendar_file():
    message = build()
    assert message.get_content_type() == "multipart/mixed"
    alternative = message.get_payload()[0]
    assert alternative.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in alternative.get_payload()] == ["text/plain", "text/html"]
    calendar = parts_of(message)["text/calendar"]
    assert calendar.get_filename() == "traff.ics"
    assert calendar.get_param("method") == "PUBLISH"


def test_swedish_headers_round_trip():
    message = build(name="Åsa Öberg")
    assert message["Subject"] == "Anmälan bekräftad: Nätverk för social hållbarhet – andra träffen"
    assert str(message["To"]) == "asa.oberg@example.se", "no display name: nothing typed goes into a header"
    assert message["From"].addresses[0].display_name == "Hudiksvalls kommun – Signup"
    assert message["Reply-To"].addresses[0].addr_spec == "social.hallbarhet@hudiksvall.example"
    assert message["Date"].datetime == NOW and message["Content-Language"] == "sv"
    raw = build(name="Åsa Öberg").as_bytes()
    assert raw.isascii(), "headers RFC 2047-encoded, bodies quoted-printable: 7-bit on the wire"


def test_the_text_says_what_a_participant_needs():
    text = parts_of(build(meal="yes", diet="Laktosfri")).get("text/plain").get_content()
    assert "Hej Åsa Öberg!" in text
    assert "måndag 24 maj 2027" in text
    assert "Måltid från 17.00" in text and "Mötet börjar 18.00" in text
    assert "Rådhussalen, Kulturhuset, Hudiksvall" in text
    assert "Laktosfri" not in text, "free text is not echoed: it is behind the link"
    assert "https://signup.example/registrations/TOKEN" in text
    assert "social.hallbarhet@hudiksvall.example" in text


def test_the_email_echoes_structured_answers_and_no_free_text():
    message = build(
        meal="yes",
        diet="Laktosfri, se https://evil.example/diet",
        access_needs="Hörslinga. Ring 070-000 00 00",
        message="Logga in på evil.example för att behålla platsen",
        attended_before="yes",
        interests=["barn-och-unga"],
    )
    contents = [part.get_content() for part in message.walk() if not part.is_multipart()]
    for text in contents:
        for typed in ("Laktosfri", "evil.example", "Hörslinga", "070-000", "Logga in"):
            assert typed not in text
    text, html = parts_of(message)["text/plain"].get_content(), parts_of(message)["text/html"].get_content()
    for body in (text, html):
        assert "Röda Korset Hudiksvall" in body and "Vill du äta den enklare måltiden? Ja" in body
        assert "Var du med på den första träffen? Ja" in body
        assert "Arbetsgrupper: Barn och unga" in body
        assert "står inte i mejlet. Du ser det via länken nedan." in body


def test_without_free_text_the_email_does_not_mention_it():
    text = parts_of(build(meal="no", diet=None)).get("text/plain").get_content()
    assert "står inte i mejlet" not in text


def test_no_meal_line_for_someone_who_does_not_eat():
    text = parts_of(build(meal="no")).get("text/plain").get_content()
    assert "Måltid från" not in text and "Mötet börjar 18.00" in text


def test_english_registrants_get_english():
    message = build(language="en")
    assert message["Subject"].startswith("Registration confirmed:")
    text = parts_of(message)["text/plain"].get_content()
    assert "Monday 24 May 2027" in text and "Meal from 17:00" in text
    assert parts_of(message)["text/calendar"].get_filename() == "meeting.ics"


def test_markup_in_a_name_is_escaped_in_the_html_part():
    html = parts_of(build(name="<img src=x onerror=alert(1)>")).get("text/html").get_content()
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_the_name_never_reaches_a_header():
    # The To header is the validated address alone: what a person typed stays in the body.
    message = unsent(name="Åsa\r\nBcc: victim@example.se")
    assert str(message["To"]) == "asa.oberg@example.se"
    headers = message.as_bytes().split(b"\n\n", 1)[0]
    assert b"Bcc" not in headers and b"victim" not in headers


def test_the_calendar_entry_has_local_times_and_a_stable_uid():
    calendar = Calendar.from_ical(parts_of(build()).get("text/calendar").get_content())
    (entry,) = calendar.walk("VEVENT")
    start = entry.decoded("dtstart")
    assert start.replace(tzinfo=None) == datetime(2027, 5, 24, 18, 0)
    assert str(start.tzinfo) == "Europe/Stockholm" or getattr(start.tzinfo, "key", "") == "Europe/Stockholm"
    assert entry["dtstart"].params["TZID"] == "Europe/Stockholm"
    assert calendar.walk("VTIMEZONE"), "a VTIMEZONE travels with the TZID"
    assert str(entry["uid"]) == "natverk-social-hallbarhet.abc123@signup"
    assert str(entry["location"]) == "Rådhussalen, Kulturhuset, Hudiksvall"
    assert entry.decoded("sequence") == 0
    assert str(entry["summary"]) == "Nätverk för social hållbarhet – andra träffen"


def test_waitlisted_people_get_no_calendar_entry_until_promoted():
    waitlisted = build(status=Status.WAITLISTED)
    assert "text/calendar" not in parts_of(waitlisted)
    assert waitlisted["Subject"].startswith("Du står på väntelistan:")
    promoted = build(kind=EmailKind.PROMOTION, status=Status.CONFIRMED)
    assert promoted["Subject"].startswith("Du har fått en plats:")
    assert "text/calendar" in parts_of(promoted)


def test_a_seat_freed_in_an_event_that_holds_seats_asks_for_the_click_in_its_subject():
    held = build(kind=EmailKind.PROMOTION, status=Status.PENDING)
    assert held["Subject"] == "En plats har blivit ledig – bekräfta den: Nätverk för social hållbarhet – andra träffen"
    english = build(kind=EmailKind.PROMOTION, status=Status.PENDING, language="en")
    assert english["Subject"].startswith("A seat has opened up – confirm it:")
    assert build(kind=EmailKind.ALREADY_REGISTERED)["Subject"].startswith("Du är redan anmäld")


def test_a_reminder_repeats_what_matters_with_the_calendar_file():
    from chalicelib.registrations import EmailKind

    message = build(kind=EmailKind.REMINDER, meal="yes")
    assert message["Subject"] == "Påminnelse: Nätverk för social hållbarhet – andra träffen, måndag 24 maj 2027"
    text = parts_of(message)["text/plain"].get_content()
    assert "Här är en påminnelse" in text and "Måltid från 17.00" in text
    assert "https://signup.example/registrations/TOKEN" in text
    assert "text/calendar" in parts_of(message)


def test_the_cancellation_receipt_withdraws_the_entry_the_confirmation_gave():
    from chalicelib.registrations import EmailKind, Status

    (published,) = Calendar.from_ical(parts_of(build()).get("text/calendar").get_content()).walk("VEVENT")
    receipt = build(kind=EmailKind.CANCELLATION, status=Status.CANCELLED)
    assert receipt["Subject"] == "Avbokning bekräftad: Nätverk för social hållbarhet – andra träffen"
    calendar_part = parts_of(receipt)["text/calendar"]
    assert calendar_part.get_param("method") == "CANCEL"
    calendar = Calendar.from_ical(calendar_part.get_content())
    (withdrawn,) = calendar.walk("VEVENT")
    assert str(calendar["method"]) == "CANCEL" and str(withdrawn["status"]) == "CANCELLED"
    assert str(withdrawn["uid"]) == str(published["uid"])
    assert withdrawn.decoded("sequence") > published.decoded("sequence")
    assert "Din anmälan är avbokad" in parts_of(receipt)["text/plain"].get_content()
    assert build(kind=EmailKind.CANCELLATION, status=Status.CANCELLED, language="en")["Subject"].startswith(
        "Cancellation confirmed:"
    )


def test_leaving_the_waiting_list_gets_a_receipt_without_a_calendar_file():
    from chalicelib.registrations import EmailKind, Status

    receipt = build(kind=EmailKind.LEFT_WAITLIST, status=Status.CANCELLED)
    assert receipt["Subject"].startswith("Avbokning bekräftad:")
    assert "text/calendar" not in parts_of(receipt)
    assert "Du har lämnat väntelistan" in parts_of(receipt)["text/plain"].get_content()


def test_giving_up_a_held_seat_gets_the_receipt_but_no_calendar_file_it_never_had():
    from chalicelib.registrations import EmailKind, Status

    receipt = build(kind=EmailKind.CANCELLED_HOLD, status=Status.CANCELLED)
    assert receipt["Subject"].startswith("Avbokning bekräftad:")
    assert "text/calendar" not in parts_of(receipt)
    assert "Din anmälan är avbokad" in parts_of(receipt)["text/plain"].get_content()


def test_every_email_still_owed_can_be_built_and_a_cancelled_seat_is_owed_only_its_receipt():
    """The outbox sends only what `still_owed` allows: each of those has a subject and a body."""
    stored_kinds = [kind for kind in EmailKind if kind != EmailKind.REMINDER]  # reminders are never stored
    for kind in stored_kinds:
        for status in Status:
            if still_owed(_with(kind, status)):
                assert build(kind, status)["Subject"], (kind, status)
    owed_when_cancelled = {kind for kind in stored_kinds if still_owed(_with(kind, Status.CANCELLED))}
    assert owed_when_cancelled == {EmailKind.CANCELLATION, EmailKind.CANCELLED_HOLD, EmailKind.LEFT_WAITLIST}
    assert not still_owed(_with(EmailKind.CANCELLATION, Status.CONFIRMED)), "no receipt for a live seat"


def _with(kind, status):
    return Registration(
        event_id="e",
        registration_id="abc123",
        answers=parse_answers(answers(), example_event()),
        status=status,
        created_at=NOW,
        updated_at=NOW,
        email=EmailDelivery(kind=kind),
    )


def test_an_organiser_with_an_internationalised_address_gets_punycode_or_is_left_out_of_reply_to():
    """SES and mail headers speak ASCII: a domain with å/ä/ö goes out as punycode; an address whose
    own part is not ASCII cannot be written in any header, so it is left out rather than stopping
    the person's email."""
    event = example_event(organisers=["anmalan@kök.se", "kök@example.se", "asa@example.se"])
    registration = Registration(event.id, "r1", parse_answers(answers(), event), Status.CONFIRMED, NOW, NOW)
    links = Links(manage="https://signup.example/registrations/TOKEN")
    sent = registration_email("confirmation", event, registration, links=links, writing=writing_at(NOW, SENDER))
    read = email.message_from_bytes(sent.wire, policy=email.policy.default)
    assert [one.addr_spec for one in read["Reply-To"].addresses] == ["anmalan@xn--kk-fka.se"]
    event = replace(event, organisers=("kök@example.se", "asa@example.se"))
    sent = registration_email("confirmation", event, registration, links=links, writing=writing_at(NOW, SENDER))
    assert b"\r\nReply-To:" not in sent.wire and sent.wire.isascii()


@pytest.mark.parametrize(
    "line",
    [
        "x" * 74 + " ",
        "x" * 75 + " ",
        "x" * 72 + "å ",
        "x" * 73 + "= ",
        "x" * 74 + "\t",
        "ä" * 30 + " ",
        "x" * 200 + " ",
    ],
)
def test_quoted_printable_lines_stay_within_76_characters_and_decode_to_the_text(line):
    """binascii's encoder lets a line grow to 78 when it encodes the whitespace at its end (RFC 2045
    allows 76): the writer breaks it once more."""
    from tests.clients.stdlib_mail import draft

    text = f"{line}\nnästa rad\n"
    raw = written(draft(text=text))
    assert all(len(one) <= 76 for one in raw.split(b"\r\n\r\n", 1)[1].split(b"\r\n"))
    read = email.message_from_bytes(raw.replace(b"\r\n", b"\n"), policy=email.policy.default)
    assert read.get_body(("plain",)).get_content() == text


@pytest.mark.parametrize(
    ("error", "field", "value"),
    [
        (SendFailed("TooManyRequestsException"), "code", "TooManyRequestsException"),
        (SignInLimited("sender"), "which", "sender"),
        (LinkRefused(LinkState.USED), "state", LinkState.USED),
        # Built by keyword, the value still reaches `args` (BaseException keeps only positional ones).
        (SendFailed(code="Throttling"), "code", "Throttling"),
        (SignInLimited(which="address"), "which", "address"),
        (LinkRefused(state=LinkState.USED), "state", LinkState.USED),
    ],
)
def test_an_error_that_carries_one_value_says_it_keeps_it_through_pickling_and_equals_only_itself(error, field, value):
    """What logs print (str), what a caller reads (the field), what crosses a process (pickle), and an
    exception's identity: equal only to itself, hashable, as any exception is."""
    assert (str(error), error.args, getattr(error, field)) == (str(value), (value,), value)
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 (the bytes it just wrote)
    assert (type(copy), copy.args, getattr(copy, field)) == (type(error), (value,), value)
    assert error != type(error)(value) and error == error and {error: 1}[error] == 1
