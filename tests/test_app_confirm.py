"""confirm_address through the app: the held seat, the emailed link, GET shows, POST confirms."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from tests.helpers import EVENT, answers, open_event, post_form, post_json
from tests.mailbox import link_path, sent_mail, text_of


def has_calendar(message):
    return any(part.get_content_type() == "text/calendar" for part in message.walk())


def confirm_path(message):
    """The email's link to the confirm page."""
    return link_path(message, r"/registrations/\S+/confirm")


def test_a_held_seat_is_confirmed_by_a_press_on_the_page_behind_the_emailed_link(client, app_store, moto_endpoint):
    app_store.put_event(open_event(capacity=5, confirm_address=True, confirm_within_hours=12), datetime.now(UTC))
    response = post_json(client, answers())
    assert response.status_code == 201 and json.loads(response.body)["status"] == "pending"
    (held,) = sent_mail(moto_endpoint)
    assert held["Subject"] == "Bekräfta din plats: Nätverk för social hållbarhet – andra träffen"
    assert not has_calendar(held), "no calendar entry for a seat that is not yet certain"
    assert "Bekräfta senast" in text_of(held) and "annars går platsen" in text_of(held).lower()
    path = confirm_path(held)

    page = client.http.get(path)
    assert page.status_code == 200 and "Bekräfta min plats" in page.body.decode()
    assert '<form method="post"' in page.body.decode()
    (registration,) = app_store.registrations(EVENT)
    assert registration.status == "pending", "a GET (a mail scanner) confirms nothing"

    pressed = client.http.post(path)
    assert pressed.status_code == 200 and "Din plats är bekräftad" in pressed.body.decode()
    assert pressed.headers["Cache-Control"] == "no-store"
    (registration,) = app_store.registrations(EVENT)
    assert registration.status == "confirmed" and app_store.get_event(EVENT).pending_count == 0
    held_mail, confirmed = sent_mail(moto_endpoint)
    assert confirmed["Subject"].startswith("Anmälan bekräftad") and has_calendar(confirmed)

    again = client.http.post(path)
    assert "Platsen var redan bekräftad" in again.body.decode() and len(sent_mail(moto_endpoint)) == 2


def test_the_thank_you_page_asks_to_confirm_a_held_seat(client, app_store):
    app_store.put_event(open_event(capacity=5, confirm_address=True), datetime.now(UTC))
    response = post_form(client, answers())
    assert response.status_code == 303 and "status=pending" in response.headers["Location"]
    page = client.http.get(f"/events/{EVENT}/{response.headers['Location']}").body.decode()
    assert "Vi håller en plats åt dig" in page


def test_a_forged_confirm_link_changes_nothing(client, app_store):
    app_store.put_event(open_event(capacity=5, confirm_address=True), datetime.now(UTC))
    post_json(client, answers())
    for method in ("get", "post"):
        assert getattr(client.http, method)("/registrations/not-a-token/confirm").status_code == 403
    (registration,) = app_store.registrations(EVENT)
    assert registration.status == "pending"
