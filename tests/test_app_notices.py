"""Telling registrants through the app (moto): the console's cancel page (asks first, CSRF), the form
and the API once the meeting is off (sv and en), the message page (preview, then send), an edit
that notifies, and what the outbox schedule sends, read back as raw MIME."""

from __future__ import annotations

import email
import email.policy
import re

import pytest
from icalendar import Calendar

from chalicelib.forms import email_key
from tests.helpers import EVENT, answers, csrf_of, matched, post_form, post_json, run_schedule, tomorrow_at_digest_hour
from tests.mailbox import manage_path, parts_of, sent_mail, sent_raw
from tests.test_app_console import ORGANISER, get, post, with_csrf
from tests.test_app_console_events import audit_actions, path_of


def signed_up(client, count=3):
    for number in range(count):
        language = "en" if number == 1 else "sv"
        body = answers(email=f"person{number}@example.se", language=language)
        assert post_json(client, body).status_code == 201


def delivered(moto_endpoint, before):
    """The emails sent since `before` were counted, as the receiving side parses them."""
    return [email.message_from_bytes(raw, policy=email.policy.default) for raw in sent_raw(moto_endpoint)[before:]]


def cancel_form_fields(client, cookie, **fields):
    return with_csrf(client, cookie, f"/console/events/{EVENT}/cancel", fields)


# -- cancelling -----------------------------------------------------------------------------------


def test_the_cancel_page_asks_first_and_a_post_without_the_box_changes_nothing(client, organiser, app_store):
    page = get(client, f"/console/events/{EVENT}/cancel", organiser)
    assert page.status_code == 200 and "Det går inte att ångra" in page.body.decode()
    response = post(client, f"/console/events/{EVENT}/cancel", organiser, cancel_form_fields(client, organiser))
    assert response.status_code == 400
    assert "<h2>Ändringen kunde inte göras</h2>" in response.body.decode()
    assert "Kryssa i rutan för att bekräfta" in response.body.decode()
    assert not app_store.get_event(EVENT).is_cancelled


@pytest.mark.parametrize(
    ("people", "language", "said"),
    [
        (1, "sv", "stängs formuläret och den enda som är anmäld (med plats eller på väntelistan) får ett mejl"),
        (2, "sv", "stängs formuläret och alla 2 som är anmälda (med plats och på väntelistan) får ett mejl"),
        (1, "en", "closes the form, and the one person signed up (with a seat or on the waiting list) gets an email"),
        (2, "en", "closes the form, and all 2 signed up (with a seat and on the waiting list) get an email"),
    ],
)
def test_the_cancel_page_says_who_gets_the_email_in_the_right_form(client, organiser, people, language, said):
    signed_up(client, people)
    query = "?lang=en" if language == "en" else ""
    page = get(client, f"/console/events/{EVENT}/cancel{query}", organiser)
    assert page.status_code == 200 and said in " ".join(page.body.decode().split())


def test_cancelling_without_the_csrf_token_is_refused(client, organiser, app_store):
    response = post(client, f"/console/events/{EVENT}/cancel", organiser, {"confirm": "yes"})
    assert response.status_code == 403
    assert not app_store.get_event(EVENT).is_cancelled and app_store.notices(EVENT) == []


def test_a_cancelled_meeting_closes_its_form_and_api_and_everyone_gets_a_cancel_calendar_file(
    client, organiser, app_store, moto_endpoint, unpaced
):
    signed_up(client)
    before = len(sent_raw(moto_endpoint))
    fields = cancel_form_fields(client, organiser, confirm="yes", note="Lokalen är inte tillgänglig.")
    response = post(client, f"/console/events/{EVENT}/cancel", organiser, fields)
    assert response.status_code == 303 and response.headers["Location"].endswith("done=cancelled")
    event = app_store.get_event(EVENT)
    assert event.is_cancelled and "event_cancelled" in audit_actions(app_store, EVENT)
    overview = get(client, path_of(response), organiser).body.decode()
    assert "Träffen är inställd. Alla anmälda får ett mejl om det." in overview
    assert f"/console/events/{EVENT}/cancel" not in overview and f"/console/events/{EVENT}/edit" not in overview

    assert "Träffen är inställd" in get(client, f"/events/{EVENT}/form").body.decode()
    assert "The meeting is cancelled" in get(client, f"/events/{EVENT}/form?lang=en").body.decode()
    for language, words in (("sv", "Träffen är inställd"), ("en", "The meeting is cancelled")):
        refused = post_json(client, answers(email="late@example.se", language=language))
        assert refused.status_code == 409
        error = refused.json_body["error"]
        assert error["code"] == "event_cancelled" and error["message"].startswith(words)
    page = post_form(client, answers(email="late@example.se"))
    assert page.status_code == 409 and "Träffen är inställd" in page.body.decode()
    assert app_store.get_registration(EVENT, email_key("late@example.se")) is None

    assert len(sent_raw(moto_endpoint)) == before, "the outbox sends, not the request"
    run_schedule(client, "email_outbox")
    mails = delivered(moto_endpoint, before)
    assert sorted(str(m["To"]) for m in mails) == [f"person{n}@example.se" for n in range(3)]
    assert unpaced == [1.0, 1.0], "moto's SES allows one a second: the outbox waited between sends"
    for message in mails:
        english = str(message["To"]) == "person1@example.se"
        title = event.title["en" if english else "sv"]
        assert message["Subject"] == (f"Cancelled: {title}" if english else f"Inställt: {title}")
        assert "Lokalen är inte tillgänglig." in parts_of(message)["text/plain"].get_content()
        calendar_part = parts_of(message)["text/calendar"]
        assert calendar_part.get_param("method") == "CANCEL"
        entry = Calendar.from_ical(calendar_part.get_content()).walk("VEVENT")[0]
        registration = app_store.get_registration(EVENT, email_key(str(message["To"])))
        assert str(entry["UID"]) == f"{EVENT}.{registration.registration_id}@signup"
        assert int(entry["SEQUENCE"]) == 1, "the invitation was SEQUENCE 0"
    run_schedule(client, "email_outbox")
    assert len(sent_raw(moto_endpoint)) == before + 3, "a second run sends nothing"


def test_after_cancelling_the_own_page_says_so_and_offers_nothing_to_press(client, organiser, app_store, moto_endpoint):
    signed_up(client, 1)
    link = manage_path(sent_mail(moto_endpoint)[-1])
    fields = cancel_form_fields(client, organiser, confirm="yes")
    assert post(client, f"/console/events/{EVENT}/cancel", organiser, fields).status_code == 303
    page = get(client, link).body.decode()
    assert "Träffen är inställd" in page and "Avboka min anmälan" not in page
    refused = client.http.post(
        link, headers={"Content-Type": "application/x-www-form-urlencoded"}, body="action=cancel"
    )
    assert refused.status_code == 409 and "Träffen är inställd" in refused.body.decode()


# -- a message --------------------------------------------------------------------------------------


def message_fields(client, cookie, **fields):
    return with_csrf(client, cookie, f"/console/events/{EVENT}/message", fields)


def test_a_message_is_previewed_escaped_then_sent_once_to_its_audience_with_a_copy(
    client, organiser, app_store, moto_endpoint, unpaced
):
    signed_up(client)
    text = "Välkomna! <b>Programmet</b>: https://hudiksvall.se/program"
    fields = message_fields(client, organiser, audience="confirmed", text=text, do="preview")
    preview = post(client, f"/console/events/{EVENT}/message", organiser, fields)
    body = preview.body.decode()
    assert preview.status_code == 200 and "Går till 3 personer" in body
    assert "&lt;b&gt;Programmet&lt;/b&gt;" in body and '<a href="https://hudiksvall.se/program">' in body
    assert app_store.notices(EVENT) == [], "a preview sends nothing"

    before = len(sent_raw(moto_endpoint))
    fields = message_fields(client, organiser, audience="confirmed", text=text, do="send")
    sent = post(client, f"/console/events/{EVENT}/message", organiser, fields)
    assert sent.status_code == 303 and "message_sent" in audit_actions(app_store, EVENT)
    run_schedule(client, "email_outbox")
    run_schedule(client, "email_outbox")
    mails = delivered(moto_endpoint, before)
    assert sorted(str(m["To"]) for m in mails) == sorted([ORGANISER] + [f"person{n}@example.se" for n in range(3)])
    copy = next(m for m in mails if str(m["To"]) == ORGANISER)
    assert copy["Subject"].startswith("Kopia: Meddelande om")
    person = next(m for m in mails if str(m["To"]) == "person0@example.se")
    html = parts_of(person)["text/html"].get_content()
    assert "&lt;b&gt;Programmet&lt;/b&gt;" in html and '<a href="https://hudiksvall.se/program">' in html


@pytest.mark.parametrize(
    ("people", "language", "said"),
    [
        (1, "sv", "Går till 1 person, och en kopia till arrangörerna."),
        (2, "sv", "Går till 2 personer, och en kopia till arrangörerna."),
        (1, "en", "Goes to 1 person, and a copy to the organisers."),
        (2, "en", "Goes to 2 people, and a copy to the organisers."),
    ],
)
def test_the_preview_says_how_many_people_get_the_message_in_the_right_form(
    client, organiser, app_store, people, language, said
):
    signed_up(client, people)
    fields = message_fields(client, organiser, audience="everyone", text="Välkomna!", do="preview", lang=language)
    preview = post(client, f"/console/events/{EVENT}/message", organiser, fields)
    assert preview.status_code == 200 and said in preview.body.decode()


def test_an_empty_message_or_no_audience_is_a_400_in_the_pages_language(client, organiser, app_store):
    empty = post(
        client,
        f"/console/events/{EVENT}/message",
        organiser,
        message_fields(client, organiser, audience="everyone", text=" ", do="send"),
    )
    assert empty.status_code == 400 and "Skriv ett meddelande." in empty.body.decode()
    assert "<h2>Meddelandet kunde inte skickas</h2>" in empty.body.decode()
    english = post(
        client,
        f"/console/events/{EVENT}/message?lang=en",
        organiser,
        message_fields(client, organiser, audience="nobody", text="Hi", do="send", lang="en"),
    )
    assert english.status_code == 400 and "Choose who gets the message." in english.body.decode()
    assert "<h2>The message could not be sent</h2>" in english.body.decode()
    assert app_store.notices(EVENT) == []


# -- a change ---------------------------------------------------------------------------------------


def test_an_edit_that_notifies_tells_each_person_what_changed_with_an_updated_calendar_entry(
    client, organiser, app_store, moto_endpoint, unpaced
):
    signed_up(client, 2)
    page = get(client, f"/console/events/{EVENT}/edit", organiser)
    values = dict(re.findall(r'<input type="text" id="[^"]+" name="([^"]+)" value="([^"]*)"', page.body.decode()))
    values.update(
        venue="Folkets hus, Hudiksvall",
        csrf_token=csrf_of(page),
        edited_from=matched(r'name="edited_from" value="([^"]+)"', page.body.decode()).group(1),
        notify="on",
        organisers=ORGANISER,
    )
    saved = post(client, f"/console/events/{EVENT}/edit", organiser, values)
    assert saved.status_code == 303, saved.body.decode()[:2000]
    before = len(sent_raw(moto_endpoint))
    run_schedule(client, "email_outbox")
    mails = delivered(moto_endpoint, before)
    assert len(mails) == 2
    swedish = next(m for m in mails if str(m["To"]) == "person0@example.se")
    assert swedish["Subject"].startswith("Ändrat: ")
    assert "Plats: Folkets hus, Hudiksvall (tidigare: " in parts_of(swedish)["text/plain"].get_content()
    entry = Calendar.from_ical(parts_of(swedish)["text/calendar"].get_content()).walk("VEVENT")[0]
    assert int(entry["SEQUENCE"]) == 1 and str(entry["LOCATION"]).startswith("Folkets hus, Hudiksvall")


def test_after_cancelling_no_reminder_digest_or_hand_off_goes_out(client, organiser, app_store, moto_endpoint, clock):
    from datetime import UTC, timedelta

    from tests.helpers import run_hourly_at

    signed_up(client, 2)
    event = app_store.get_event(EVENT)
    fields = cancel_form_fields(client, organiser, confirm="yes")
    assert post(client, f"/console/events/{EVENT}/cancel", organiser, fields).status_code == 303
    before = len(sent_raw(moto_endpoint))
    digest_time = tomorrow_at_digest_hour(event)
    reminder_time = (event.starts_at.astimezone(event.zone) - timedelta(days=2)).replace(hour=9, minute=5)
    for moment in (digest_time, reminder_time):
        counts = run_hourly_at(client, clock, moment.astimezone(UTC))
        assert counts["cancelled_events_skipped"] == 1
        assert not any(key.endswith("_sent") for key in counts), counts
    assert len(sent_raw(moto_endpoint)) == before
