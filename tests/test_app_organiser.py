"""The organisers' way to their attendees: the digest links to the event in the console (signing in
needed); the old bearer links to an attendee page lead to a page saying where to sign in instead."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import pytest
from itsdangerous import URLSafeSerializer

from tests.helpers import EVENT, FORM, answers, post_json, run_hourly_at_digest_hour, run_schedule
from tests.mailbox import link_path, sent_mail, text_of

ORGANISER = "social.hallbarhet@hudiksvall.example"


def old_bearer_link():
    """A link as the digests carried before the console (signed with the local stage's secret)."""
    expires = int((datetime.now(UTC) + timedelta(days=3)).timestamp())
    token = URLSafeSerializer("local-only-not-a-secret", salt="signup.organiser-page.v2").dumps([EVENT, 0, expires])
    return f"/organiser/{token}"


def test_the_digest_links_to_the_event_in_the_console_which_shows_it_after_signing_in(
    client, app_store, moto_endpoint, clock
):
    post_json(client, answers())
    event = app_store.get_event(EVENT)
    assert run_hourly_at_digest_hour(client, clock, event)["digest_sent"] == 1
    clock.set(None)
    digest = sent_mail(moto_endpoint)[-1]
    assert "Du loggar in med den e-postadress som står som arrangör" in text_of(digest)
    link = link_path(digest, r"/console/events/\S+")
    anonymous = client.http.get(link)
    assert anonymous.status_code == 303 and anonymous.headers["Location"] == "/console?" + urlencode({"next": link})

    # Signing in from there comes back to the event.
    client.http.post("/console/sign-in", headers=FORM, body=urlencode({"email": ORGANISER, "next": link}))
    run_schedule(client, "email_outbox")
    pressed = client.http.post(link_path(sent_mail(moto_endpoint)[-1], r"/console/sign-in/\S+"), headers=FORM)
    assert pressed.headers["Location"] == link
    session = {"Cookie": pressed.headers["Set-Cookie"].split(";")[0]}
    page = client.http.get(link, headers=session)
    assert page.status_code == 200 and "Nätverk för social hållbarhet" in page.body.decode()


@pytest.mark.parametrize(
    ("lang", "says", "sign_in"),
    [
        ("sv", "Deltagarlistan finns nu i Signup för arrangörer", "Logga in på Signup"),
        ("en", "The attendee list is now in Signup for organisers", "Sign in to Signup"),
    ],
)
def test_an_old_attendee_link_shows_no_one_and_says_where_to_sign_in(client, app_store, lang, says, sign_in):
    post_json(client, answers())
    for link in (old_bearer_link(), "/organiser/not-a-link", f"/organiser/{'x' * 5000}"):
        response = client.http.get(f"{link}?lang={lang}")
        body = response.body.decode()
        assert response.status_code == 410 and says in body, body
        assert f'<a href="/console{"?lang=en" if lang == "en" else ""}">{sign_in}</a>' in body
        assert "Åsa Öberg" not in body
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert response.headers["Cache-Control"] == "no-store"
