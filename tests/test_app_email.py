"""Emails and one's own registration, through the app, with moto's SES receiving the mail."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib import forms, tokens
from chalicelib.mail import SendFailed, SesMailer
from tests.helpers import (
    ENCODED_WORDS,
    EVENT,
    FORM,
    answers,
    open_event,
    post_form,
    post_json,
    run_hourly_at_digest_hour,
    run_schedule,
)
from tests.mailbox import first_manage_path, link_path, manage_path, sent_mail, sent_with_destinations, text_of

LOCAL_SECRET = "local-only-not-a-secret"  # the local stage's, from .chalice/config.json


def test_a_registration_sends_one_confirmation(client, app_store, moto_endpoint):
    response = post_json(client, answers(name="Åsa Öberg"))
    assert json.loads(response.body)["email"] == "sent"
    (message,) = sent_mail(moto_endpoint)
    assert message["To"].addresses[0].addr_spec == "asa.oberg@example.se"
    assert message["Subject"] == "Anmälan bekräftad: Nätverk för social hållbarhet – andra träffen"
    assert any(part.get_content_type() == "text/calendar" for part in message.walk())
    (registration,) = app_store.registrations(EVENT)
    assert registration.email.state == "sent" and registration.email.message_id
    assert "http://127.0.0.1:8000/privacy?lang=sv" in text_of(message)


def test_ses_delivers_to_the_registered_address_alone(client, moto_endpoint):
    post_json(client, answers(name="Åsa Öberg", email="Asa.Oberg@Exämple.se"))
    ((destinations, message),) = sent_with_destinations(moto_endpoint)
    assert set(destinations) == {"Asa.Oberg@xn--exmple-cua.se"}
    assert str(message["To"]) == "Asa.Oberg@xn--exmple-cua.se", "a bare address: no display name from the form"


def test_a_duplicate_sends_no_second_confirmation(client, moto_endpoint):
    post_json(client, answers())
    post_json(client, answers(meal="no"))
    subjects = [message["Subject"] for message in sent_mail(moto_endpoint)]
    assert [subject.split(":")[0] for subject in subjects] == ["Anmälan bekräftad", "Du är redan anmäld"]


def test_ses_failing_still_stores_and_says_the_email_is_delayed(client, app_store, moto_endpoint, monkeypatch, clock):
    def throttled(self, message):
        raise SendFailed("TooManyRequestsException")

    # Only SES is patched, and only while SES is down (undo() would also take back the fixtures' environment).
    with monkeypatch.context() as ses_down:
        ses_down.setattr(SesMailer, "send", throttled)
        response = post_form(client, answers())
        assert response.status_code == 303
        assert response.headers["Location"].endswith("&email=delayed")
        thanks = client.http.get(f"/events/{EVENT}/{response.headers['Location']}").body.decode()
        assert "Bekräftelsemejlet är försenat" in thanks
        (registration,) = app_store.registrations(EVENT)
        assert registration.email.state == "failed"

    later = datetime.now(UTC) + timedelta(minutes=6)
    clock.set(later)
    assert run_schedule(client, "email_outbox") == {"sent": 1}
    assert len(sent_mail(moto_endpoint)) == 1


def test_the_link_in_the_email_shows_and_cancels_the_registration(client, app_store, moto_endpoint):
    post_json(client, answers(name="Åsa Öberg"))
    path = first_manage_path(moto_endpoint)
    for _ in range(2):  # a mail scanner following the link changes nothing
        page = client.http.get(path)
        assert page.status_code == 200
        assert "Åsa Öberg" in page.body.decode() and "Avboka min anmälan" in page.body.decode()
    assert app_store.get_event(EVENT).confirmed_count == 1

    cancelled = client.http.post(path, headers=FORM, body="")
    assert cancelled.status_code == 200 and "Din anmälan är avbokad" in cancelled.body.decode()
    assert app_store.get_event(EVENT).confirmed_count == 0
    again = client.http.post(path, headers=FORM, body="")
    assert "redan avbokad" in again.body.decode()
    assert app_store.get_event(EVENT).confirmed_count == 0


def test_free_text_is_shown_behind_the_link_and_never_in_the_email(client, moto_endpoint):
    typed = {"diet": "Laktosfri", "access_needs": "Hörslinga, tack", "message": "Rad ett\nRad två"}
    post_json(client, answers(**typed))
    (message,) = sent_mail(moto_endpoint)
    bodies = [part.get_content() for part in message.walk() if not part.is_multipart()]
    assert not any(text in body for body in bodies for text in typed.values())
    page = client.http.get(manage_path(message)).body.decode()
    assert "Laktosfri" in page and "Hörslinga, tack" in page and "Rad ett\nRad två" in page


def test_a_freed_seat_goes_to_the_waiting_list_with_an_email(client, app_store, moto_endpoint):
    app_store.put_event(open_event(capacity=1), datetime.now(UTC))
    post_json(client, answers(email="first@example.se"))
    assert json.loads(post_json(client, answers(email="second@example.se")).body)["status"] == "waitlisted"
    first_mail, waitlist_mail = sent_mail(moto_endpoint)
    assert waitlist_mail["Subject"].startswith("Du står på väntelistan")
    client.http.post(manage_path(first_mail), headers=FORM, body="")
    promotion = sent_mail(moto_endpoint)[-1]
    assert promotion["To"].addresses[0].addr_spec == "second@example.se"
    assert promotion["Subject"].startswith("Du har fått en plats")
    assert any(part.get_content_type() == "text/calendar" for part in promotion.walk())
    event = app_store.get_event(EVENT)
    assert (event.confirmed_count, event.waitlist_count) == (1, 0)


@pytest.mark.parametrize(
    "tamper", [lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"), lambda t: "x" + t, lambda t: "not-a-token"]
)
def test_a_forged_or_altered_link_is_refused_and_changes_nothing(client, app_store, moto_endpoint, tamper):
    post_json(client, answers())
    token = first_manage_path(moto_endpoint).rsplit("/", 1)[1]
    for method in ("get", "post"):
        response = getattr(client.http, method)(f"/registrations/{tamper(token)}")
        assert response.status_code == 403 and "Länken fungerar inte" in response.body.decode()
    assert app_store.get_event(EVENT).confirmed_count == 1


def test_a_link_for_a_meeting_long_past_has_expired(client, app_store, moto_endpoint, clock):
    post_json(client, answers())
    path = first_manage_path(moto_endpoint)
    event = app_store.get_event(EVENT)
    clock.set(event.ends_at_or_default + tokens.VALID_AFTER_EVENT)
    for method in ("get", "post"):
        response = getattr(client.http, method)(path)
        assert response.status_code == 410 and "Länken har gått ut" in response.body.decode()
    assert app_store.get_event(EVENT).confirmed_count == 1


def test_a_permanent_bounce_stops_all_further_email(client, app_store, moto_endpoint):
    bounce = {
        "notificationType": "Bounce",
        "bounce": {"bounceType": "Permanent", "bouncedRecipients": [{"emailAddress": "Gone@Example.se"}]},
    }
    client.lambda_.invoke("ses_notification", client.events.generate_sns_event(message=json.dumps(bounce)))
    response = post_json(client, answers(email="gone@example.se"))
    assert response.status_code == 201 and json.loads(response.body)["email"] == "suppressed"
    assert sent_mail(moto_endpoint) == []


def test_transient_bounces_and_other_notifications_suppress_nothing(client, app_store, moto_endpoint):
    for message in (
        {
            "notificationType": "Bounce",
            "bounce": {"bounceType": "Transient", "bouncedRecipients": [{"emailAddress": "a@example.se"}]},
        },
        {"notificationType": "Delivery", "delivery": {"recipients": ["a@example.se"]}},
    ):
        client.lambda_.invoke("ses_notification", client.events.generate_sns_event(message=json.dumps(message)))
    client.lambda_.invoke("ses_notification", client.events.generate_sns_event(message="not json"))
    assert json.loads(post_json(client, answers(email="a@example.se")).body)["email"] == "sent"


def test_a_complaint_suppresses_the_address(client, app_store):
    complaint = {
        "eventType": "Complaint",
        "complaint": {"complainedRecipients": [{"emailAddress": "angry@example.se"}]},
    }
    client.lambda_.invoke("ses_notification", client.events.generate_sns_event(message=json.dumps(complaint)))
    assert app_store.is_suppressed("angry@example.se")


def test_the_thank_you_page_says_when_no_email_is_sent_because_of_the_daily_limit(client, app_store, monkeypatch):
    from chalicelib.store import limits as store_limits

    monkeypatch.setattr(store_limits, "DAILY_EMAILS_PER_ADDRESS", 1)
    app_store.put_event(open_event(id="andra-traffen"), datetime.now(UTC))
    post_json(client, answers(), path="/events/andra-traffen/registrations")
    response = post_form(client, answers())
    assert response.headers["Location"].endswith("&email=limited")
    page = client.http.get(f"/events/{EVENT}/{response.headers['Location']}").body.decode()
    assert "ingen bekräftelse skickas" in page
    (registration,) = app_store.registrations(EVENT)
    assert registration.email.state == "limited" and registration.status == "confirmed"


def test_the_hourly_job_sends_the_organisers_a_digest_linking_to_the_event_in_the_console(
    client, app_store, moto_endpoint, clock
):
    post_json(client, answers(name="Åsa Öberg", organisation="Röda Korset"))
    event = app_store.get_event(EVENT)
    counts = run_hourly_at_digest_hour(client, clock, event)
    assert counts["digest_sent"] == 1
    digest = sent_mail(moto_endpoint)[-1]
    assert digest["To"].addresses[0].addr_spec == "social.hallbarhet@hudiksvall.example"
    assert digest["Subject"].startswith("Anmälningar till Nätverk för social hållbarhet")
    text = text_of(digest)
    assert "Åsa Öberg, Röda Korset" in text
    (attachment,) = list(digest.iter_attachments())
    assert attachment.get_payload(decode=True).decode("utf-8-sig").splitlines()[1].startswith("Åsa Öberg;")
    link = link_path(digest, r"/console/events/\S+")
    assert link == f"/console/events/{EVENT}"
    page = client.http.get(link)  # no data without signing in
    assert page.status_code == 303 and page.headers["Location"].startswith("/console?next=")
    assert "Åsa" not in page.body.decode()
    assert run_hourly_at_digest_hour(client, clock, event).get("digest_sent") is None


@pytest.mark.parametrize("name", ENCODED_WORDS.values(), ids=ENCODED_WORDS.keys())
def test_an_encoded_word_in_the_name_is_refused_with_a_message(client, app_store, moto_endpoint, name):
    response = post_json(client, answers(name=name))
    assert response.status_code == 422
    assert json.loads(response.body)["error"]["fields"]["name"].startswith("Skriv texten som den ska läsas")
    assert list(app_store.registrations(EVENT)) == [] and sent_mail(moto_endpoint) == []


@pytest.mark.parametrize("name", ENCODED_WORDS.values(), ids=ENCODED_WORDS.keys())
def test_past_the_form_an_encoded_word_still_reaches_one_recipient_with_the_intended_headers(
    client, moto_endpoint, monkeypatch, name
):
    # Defence in depth: with the form's refusal switched off, SES still delivers to the
    # registered address alone and every header is one we wrote.
    post_json(client, answers(email="intended@example.se"))
    monkeypatch.setattr(forms, "ENCODED_WORD", re.compile(r"(?!)"))
    response = post_json(client, answers(name=name, email="victim@example.se"))
    assert response.status_code == 201
    (_, intended), (destinations, message) = sent_with_destinations(moto_endpoint)
    assert set(destinations) == {"victim@example.se"}
    assert sorted(message.keys()) == sorted(intended.keys())
    assert [address.addr_spec for address in message["To"].addresses] == ["victim@example.se"]
    assert "attacker" not in str(message["To"]) + str(message["From"])


def test_an_event_edited_elsewhere_is_in_the_next_confirmation(client, app_store, moto_endpoint):
    """The app keeps the event it read for a few seconds; an edit saved by another container (here
    the test's own store) still reaches the very next confirmation and its calendar file."""
    post_json(client, answers(email="forst@example.se"))
    app_store.put_event(open_event(venue="Stora salen, Kulturhuset"), datetime.now(UTC))
    post_json(client, answers(email="sedan@example.se"))
    first, then = sent_mail(moto_endpoint)
    assert "Stora salen, Kulturhuset" not in text_of(first)
    assert "Stora salen, Kulturhuset" in text_of(then)
    (calendar,) = [part for part in then.walk() if part.get_content_type() == "text/calendar"]
    assert "Stora salen" in calendar.get_content()
