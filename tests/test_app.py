"""The HTTP contract, through chalice.test.Client, on moto's server as `make run` uses it."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import app as signup_app
from chalicelib.store import PublicStore
from tests.helpers import (
    EVENT,
    FORM,
    URL,
    answers,
    error_of,
    event_today,
    open_event,
    post_form,
    post_json,
    run_schedule,
    tomorrow_at_digest_hour,
)
from tests.mailbox import first_manage_path


def stored(store):
    return list(store.registrations(EVENT))


# -- JSON clients --------------------------------------------------------------


def test_json_registration_is_created(client, app_store):
    response = post_json(client, answers())
    assert response.status_code == 201
    body = json.loads(response.body)
    assert body["status"] == "confirmed" and body["registration_id"]
    (registration,) = stored(app_store)
    assert registration.registration_id == body["registration_id"]
    assert app_store.get_event(EVENT).confirmed_count == 1


def test_swedish_names_round_trip_unchanged(client, app_store):
    post_json(client, answers(name="Åsa Öberg-Ängström", organisation="Föreningen Gävleborgs Väl"))
    (registration,) = stored(app_store)
    assert registration.answers.name == "Åsa Öberg-Ängström"
    assert registration.answers.organisation == "Föreningen Gävleborgs Väl"


def test_the_same_email_again_changes_nothing_and_takes_no_second_seat(client, app_store):
    first = json.loads(post_json(client, answers(email="asa@example.se")).body)
    again = post_json(client, answers(email=" ASA@example.se ", meal="no"))
    assert again.status_code == 201
    assert json.loads(again.body)["registration_id"] != first["registration_id"]
    (registration,) = stored(app_store)
    assert registration.answers.meal is True
    assert app_store.get_event(EVENT).confirmed_count == 1


def test_a_full_event_waitlists(client, app_store):
    app_store.put_event(open_event(capacity=1), datetime.now(UTC))
    post_json(client, answers(email="a@example.se"))
    response = post_json(client, answers(email="b@example.se"))
    assert response.status_code == 201 and json.loads(response.body)["status"] == "waitlisted"


def test_a_full_waiting_list_is_409_in_the_forms_language_and_stores_nothing(client, app_store):
    app_store.put_event(open_event(capacity=1, waitlist_limit=1), datetime.now(UTC))
    post_json(client, answers(email="a@example.se"))
    post_json(client, answers(email="b@example.se"))
    response = post_json(client, answers(email="c@example.se"))
    assert response.status_code == 409 and error_of(response)["code"] == "waitlist_full"
    assert error_of(response)["message"].startswith("Väntelistan är full.")
    english = post_json(client, answers(email="d@example.se", language="en"))
    assert english.status_code == 409 and error_of(english)["message"].startswith("The waiting list is full.")
    form = post_form(client, answers(email="e@example.se"))
    assert form.status_code == 409 and "Väntelistan är full" in form.body.decode()
    assert len(stored(app_store)) == 2
    assert app_store.get_event(EVENT).waitlist_count == 1
    page = client.http.get(f"/events/{EVENT}/form").body.decode()
    assert "<h1>Väntelistan är full</h1>" in page and 'name="email"' not in page, "no form to fill in for nothing"


def test_invalid_input_lists_every_field_in_the_requests_language(client, app_store):
    response = post_json(client, {"email": "nope", "language": "en"})
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "invalid_input"
    assert set(error["fields"]) == {"name", "email", "organisation", "sector", "meal"}
    assert error["fields"]["email"].startswith("Please enter a valid email")
    assert stored(app_store) == []


def test_closed_registration_is_409_with_the_last_day_in_swedish(client, app_store):
    yesterday = event_today() - timedelta(days=1)
    app_store.put_event(open_event(deadline=yesterday), datetime.now(UTC))
    response = post_json(client, answers())
    assert response.status_code == 409
    error = error_of(response)
    assert error["code"] == "registration_closed"
    assert error["message"].startswith("Anmälan är stängd.")
    assert str(yesterday.day) in error["message"]
    assert stored(app_store) == []


def test_closed_message_in_english(client, app_store):
    app_store.put_event(open_event(deadline=event_today() - timedelta(days=1)), datetime.now(UTC))
    assert error_of(post_json(client, answers(language="en")))["message"].startswith("Registration is closed.")


def test_unknown_event_is_404(client):
    response = post_json(client, answers(), path="/events/no-such-meeting/registrations")
    assert response.status_code == 404 and error_of(response)["code"] == "event_not_found"


@pytest.mark.parametrize("body", ["{not json", "[1, 2]", '"text"', b"\xff\xfe"])
def test_malformed_bodies_are_400(client, app_store, body):
    response = post_json(client, body)
    assert response.status_code == 400
    assert error_of(response)["code"] == "malformed_request"
    assert stored(app_store) == []


def test_a_body_that_cannot_be_read_is_explained_in_one_language(client):
    """The detail of what could not be read is translated with the sentence around it."""
    swedish = error_of(post_json(client, "{not json"))["message"]
    assert swedish == "Anmälan gick inte att läsa: ogiltig JSON."
    response = post_json(client, "{not json", path=URL + "?lang=en")
    assert error_of(response)["message"] == "The registration could not be read: invalid JSON."


@pytest.mark.parametrize("depth", [5_000, 8_000])
def test_json_nested_thousands_deep_is_400_not_a_crash(client, app_store, depth):
    response = post_json(client, '{"name": ' + "[" * depth + "]" * depth + "}")
    assert response.status_code == 400
    assert error_of(response)["code"] == "malformed_request"
    assert stored(app_store) == []


def test_json_nested_less_deep_is_an_ordinary_field_error(client, app_store):
    response = post_json(client, {**answers(), "name": [[[[["Åsa"]]]]], "extra": [[[[[[[[{}]]]]]]]]})
    assert response.status_code == 422
    assert set(error_of(response)["fields"]) == {"name"}


@pytest.mark.parametrize("content_type", ["text/plain", "multipart/form-data; boundary=x", "application/xml"])
def test_other_content_types_are_415_in_our_format(client, content_type):
    response = post_json(client, answers(), headers={"Content-Type": content_type})
    assert response.status_code == 415
    assert error_of(response)["code"] == "unsupported_media_type"


def test_bodies_over_16_kb_are_413(client, app_store):
    response = post_json(client, answers(message="x" * 17_000))
    assert response.status_code == 413 and error_of(response)["code"] == "payload_too_large"
    assert stored(app_store) == []


def test_dynamodb_trouble_is_503_and_stores_nothing(client, app_store, monkeypatch):
    from botocore.exceptions import EndpointConnectionError

    def unreachable(*args, **kwargs):
        raise EndpointConnectionError(endpoint_url="http://dynamodb")

    monkeypatch.setattr(PublicStore, "insert_registration", unreachable)  # the store a registration uses
    response = post_json(client, answers())
    assert response.status_code == 503 and error_of(response)["code"] == "unavailable"
    assert "Inget har sparats" in error_of(response)["message"]


class _Body:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def stream(self, **_):
        yield self.data


def throttle_every_transaction(monkeypatch) -> list[str]:
    """DynamoDB throttles every transaction of the app's own client (reads still reach moto's
    server); the list grows by one for each transaction sent."""
    from botocore.awsrequest import AWSResponse
    from botocore.retries.standard import ExponentialBackoff

    from chalicelib import aws

    # botocore's own backoff sleeps up to seconds between its tries: count them, don't wait for them.
    monkeypatch.setattr(ExponentialBackoff, "delay_amount", lambda self, context: 0)
    transactions: list[str] = []

    def throttle(request, **_):
        transactions.append(request.url)
        body = {"__type": "com.amazonaws.dynamodb.v20120810#ThrottlingException", "message": "Rate exceeded"}
        headers = {"Content-Type": "application/x-amz-json-1.0"}
        return AWSResponse(request.url, 400, headers, _Body(json.dumps(body).encode()))

    aws.dynamodb().meta.events.register("before-send.dynamodb.TransactWriteItems", throttle)
    return transactions


# A throttled transaction is tried once and retried 3 times by botocore (its `max_attempts` counts
# retries), then 503 busy. When the rules retried it too (11 tries of conflicts.MAX_ATTEMPTS),
# one request made 11 x 4 = 44 writes inside API Gateway's 29 s.
ONE_THROTTLED_TRANSACTION = 1 + 3


def test_throttled_writes_are_retried_by_botocore_alone_then_503_busy(client, app_store, monkeypatch):
    transactions = throttle_every_transaction(monkeypatch)
    response = post_json(client, answers())
    assert response.status_code == 503 and error_of(response)["code"] == "busy"
    assert len(transactions) == ONE_THROTTLED_TRANSACTION
    assert stored(app_store) == []


def test_a_throttled_cancellation_is_retried_by_botocore_alone_then_503_and_keeps_the_seat(
    client, app_store, moto_endpoint, monkeypatch
):
    post_json(client, answers())
    path = first_manage_path(moto_endpoint)
    transactions = throttle_every_transaction(monkeypatch)
    response = client.http.post(path, headers=FORM, body="action=cancel")
    assert response.status_code == 503
    assert len(transactions) == ONE_THROTTLED_TRANSACTION
    [registration] = stored(app_store)
    assert registration.status == "confirmed" and app_store.get_event(EVENT).confirmed_count == 1


# -- the plain HTML form --------------------------------------------------------


def test_form_post_redirects_to_the_thank_you_page(client, app_store):
    fields = answers(interests=["barn-och-unga", "trygghet-och-tillit"])
    response = post_form(client, fields)
    assert response.status_code == 303
    assert response.headers["Location"] == "thanks?status=confirmed&lang=sv"
    (registration,) = stored(app_store)
    assert registration.answers.interests == ("barn-och-unga", "trygghet-och-tillit")
    thanks = client.http.get(f"/events/{EVENT}/thanks?status=confirmed&lang=sv")
    assert "Tack för din anmälan!" in thanks.body.decode()


def test_invalid_form_post_re_renders_with_messages_and_keeps_what_was_typed(client, app_store):
    response = post_form(client, answers(email="inte-en-adress", name="Åsa <Öberg>"))
    assert response.status_code == 422
    page = response.body.decode()
    assert response.headers["Content-Type"].startswith("text/html")
    assert 'id="email-error"' in page and "Skriv en giltig e-postadress" in page
    assert 'value="inte-en-adress"' in page
    assert 'value="Åsa &lt;Öberg&gt;"' in page  # kept, and escaped
    assert stored(app_store) == []


def test_form_post_after_the_deadline_shows_the_closed_page(client, app_store):
    app_store.put_event(open_event(deadline=event_today() - timedelta(days=1)), datetime.now(UTC))
    response = post_form(client, answers())
    assert response.status_code == 409
    assert "Anmälan är stängd" in response.body.decode()


def test_form_page_shows_the_meeting_in_swedish(client):
    response = client.http.get(f"/events/{EVENT}/form")
    page = response.body.decode()
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/html")
    assert '<html lang="sv">' in page
    assert "Enklare måltid från 17.00" in page and "Mötet börjar 18.00" in page
    assert "Rådhussalen, Kulturhuset" in page and "Anmäl dig senast" in page
    assert 'action="registrations"' in page and 'method="post"' in page
    assert "Hudiksvalls kommun ansvarar för uppgifterna" in page
    assert "Specialkost och behov raderas 7 dagar efter träffen, hela anmälan efter 90 dagar." in page
    for field in ("name", "email", "organisation", "sector", "meal", "diet", "interests"):
        assert f'name="{field}"' in page


def test_form_page_in_english(client):
    page = client.http.get(f"/events/{EVENT}/form?lang=en").body.decode()
    assert '<html lang="en">' in page and "Simple meal from 17:00" in page


def test_form_page_of_unknown_event_is_404_html(client):
    response = client.http.get("/events/nope/form")
    assert response.status_code == 404 and "Träffen hittades inte" in response.body.decode()


# -- public event JSON -----------------------------------------------------------


def test_public_event_json(client, app_store):
    app_store.put_event(open_event(capacity=40), datetime.now(UTC))
    post_json(client, answers())
    body = json.loads(client.http.get(f"/events/{EVENT}").body)
    assert body["open"] is True and body["seats_left"] == 39
    assert body["starts_at"].endswith(("+02:00", "+01:00")) and "T18:00:00" in body["starts_at"]
    assert body["venue"] == "Rådhussalen, Kulturhuset"
    assert "confirmed_count" not in body and "organisers" not in body


def test_unknown_event_json_is_404(client):
    response = client.http.get("/events/nope")
    assert response.status_code == 404 and error_of(response)["code"] == "event_not_found"


# -- operations ---------------------------------------------------------------------


def test_logs_are_json_lines_without_personal_data(client, app_store, capsys, clock):
    capsys.readouterr()
    post_json(
        client,
        answers(name="Åsa Hemligsson", email="hemlig@example.se", diet="Celiaki", organisation="Hemliga Föreningen"),
    )
    post_form(client, answers(name="Åsa Hemligsson", email="bad"))
    event = app_store.get_event(EVENT)
    clock.set(tomorrow_at_digest_hour(event))
    run_schedule(client, "hourly")
    captured = capsys.readouterr()  # stdout in Lambda; stderr once a CLI test has configured logging
    lines = [line for line in (captured.out + captured.err).splitlines() if line.startswith("{")]
    entries = [json.loads(line) for line in lines]
    messages = {entry["message"] for entry in entries}
    assert {"registration stored", "hourly run"} <= messages, "the test sees the logs it checks"
    assert all("request_id" in entry for entry in entries)
    for secret in ("Hemligsson", "hemlig@example.se", "Celiaki", "Hemliga"):
        assert secret not in "\n".join(lines)


def test_templates_ship_inside_the_deployed_package():
    templates = Path(signup_app.__file__).parent / "chalicelib" / "templates"
    assert (templates / "form.html").is_file()
    assert not (Path(signup_app.__file__).parent / "templates").exists()


def test_the_privacy_notice_says_who_why_on_what_basis_with_whom_how_long_and_rights(client):
    page = client.http.get("/privacy").body.decode()
    for words in (
        "Hudiksvalls kommun är personuppgiftsansvarig",
        "Allmänt intresse",
        "uttryckliga samtycke",
        "Den som lagar maten",
        "raderas 7 dagar efter",
        "raderas 90 dagar efter",
        "Integritetsskyddsmyndigheten",
    ):
        assert words in page
    assert "Public interest" in client.http.get("/privacy?lang=en").body.decode()
    form = client.http.get(f"/events/{EVENT}/form").body.decode()
    assert 'href="http://127.0.0.1:8000/privacy?lang=sv"' in form
