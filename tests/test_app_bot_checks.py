"""Bot checks that cannot be stepped round: a hosted form's token serves one registration and
expires, and a caught bot is told exactly what a person would be."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import pytest

from chalicelib import security
from chalicelib.errors import FormTokenUsed
from chalicelib.registrations import SignUp
from chalicelib.store.schema import form_token_key
from tests.helpers import EVENT, FORM, JSON, URL, answers, open_event


def hosted_token(client):
    page = client.http.get(f"/events/{EVENT}/form").body.decode()
    return page.split('name="form_token" value="')[1].split('"')[0]


def post(client, body, *, form=True):
    raw = urlencode(body, doseq=True) if form else json.dumps(body)
    return client.http.post(URL, headers=FORM if form else JSON, body=raw)


def emails(app_store):
    return sorted(r.answers.email for r in app_store.registrations(EVENT))


def a_person_later(clock, now=None):
    """Move the clock on as a person filling in the form would (past the 3 s bot threshold)."""
    later = (now or datetime.now(UTC)) + timedelta(seconds=security.MIN_FILL_SECONDS + 1)
    clock.set(later)
    return later


def test_a_hosted_form_token_serves_one_registration(client, app_store, clock):
    token = hosted_token(client)
    later = a_person_later(clock)
    assert post(client, answers(email="first@example.se", form_token=token)).status_code == 303
    again = post(client, answers(email="second@example.se", form_token=token))
    assert again.status_code == 422, "the second use is refused, plainly"
    page = again.body.decode()
    assert "redan skickats en gång" in page and 'value="second@example.se"' in page
    fresh = page.split('name="form_token" value="')[1].split('"')[0]
    assert fresh != token, "the form comes back with a fresh token"
    api = post(client, answers(email="third@example.se", form_token=token), form=False)
    assert api.status_code == 422 and "form_token" in json.loads(api.body)["error"]["fields"]
    assert emails(app_store) == ["first@example.se"]
    # The person sends the form that came back: it goes through.
    a_person_later(clock, later)
    assert post(client, answers(email="second@example.se", form_token=fresh)).status_code == 303
    assert emails(app_store) == ["first@example.se", "second@example.se"]


def test_a_token_spent_on_a_repeated_sign_up_is_spent_too(client, app_store, clock):
    post(client, answers(email="asa@example.se"), form=False)
    token = hosted_token(client)
    a_person_later(clock)
    assert post(client, answers(email="ASA@example.se", form_token=token)).status_code == 303
    assert post(client, answers(email="bo@example.se", form_token=token)).status_code == 422
    assert emails(app_store) == ["asa@example.se"]


def test_a_hosted_form_token_expires(client, app_store, clock):
    token = hosted_token(client)
    expired = datetime.now(UTC) + security.FORM_TOKEN_LIFETIME + timedelta(seconds=1)
    clock.set(expired)
    response = post(client, answers(form_token=token))
    assert response.status_code == 422 and "varit öppet länge" in response.body.decode()
    assert 'value="asa.oberg@example.se"' in response.body.decode(), "what was typed is kept"
    assert emails(app_store) == []


def shape(response):
    body = json.loads(response.body)
    return response.status_code, sorted(body), body["status"], body["email"], sorted(response.headers)


def test_a_caught_bot_is_answered_exactly_like_a_person(client, app_store):
    app_store.put_event(open_event(capacity=1, waitlist_limit=5), datetime.now(UTC))
    post(client, answers(email="first@example.se"), form=False)
    person = post(client, answers(email="person@example.se"), form=False)
    bot = post(client, answers(email="bot@example.se", website="http://spam.example"), form=False)
    assert shape(bot) == shape(person) and shape(bot)[:4] == (
        201,
        ["email", "registration_id", "status"],
        "waitlisted",
        "sent",
    )
    assert app_store.find_registration(EVENT, json.loads(bot.body)["registration_id"]) is None
    # Mistakes are refused for a bot as for anyone: the honeypot is not a way to skip validation.
    invalid = post(client, answers(email="nope", website="x"), form=False)
    assert invalid.status_code == 422 and "email" in json.loads(invalid.body)["error"]["fields"]
    assert emails(app_store) == ["first@example.se", "person@example.se"]


def test_a_caught_bot_counts_against_the_sender_limit(client, app_store, monkeypatch, clock):
    from chalicelib.store import limits as store_limits
    from tests.helpers import early_in_a_sender_window

    clock.set(early_in_a_sender_window())
    monkeypatch.setattr(store_limits, "REGISTRATIONS_PER_CLIENT_WINDOW", 2)
    codes = [post(client, answers(email=f"b{i}@example.se", website="x"), form=False).status_code for i in range(3)]
    assert codes == [201, 201, 429]
    assert emails(app_store) == []


def test_the_token_marker_is_written_in_the_registration_transaction(store):
    from tests.helpers import example_event
    from tests.integration.test_store import NOW, new_registration

    event = example_event()
    store.put_event(event, NOW)
    use = security.FormTokenUse("nonce-1", NOW + timedelta(hours=24))
    store.insert_registration(SignUp(new_registration(event, email="a@example.se"), NOW, form_token=use))
    with pytest.raises(FormTokenUsed):
        store.insert_registration(SignUp(new_registration(event, email="b@example.se"), NOW, form_token=use))
    assert [r.answers.email for r in store.registrations(event.id)] == ["a@example.se"]
    assert store.get_event(event.id).confirmed_count == 1
    marker = store.client.get_item(TableName=store.table, Key=form_token_key("nonce-1"))
    assert int(marker["Item"]["expires_at"]["N"]) == int(use.expires_at.timestamp()), "DynamoDB's TTL removes it"
