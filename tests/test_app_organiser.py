"""The organisers' live attendee page: a link that expires within days and can be withdrawn."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib import tokens
from tests.helpers import EVENT, answers, post_json, sent_mail
from tests.test_app_email import run_hourly_at, text_of

LOCAL_SECRET = "local-only-not-a-secret"  # the local stage's signing secret


def organiser_link(version=0, issued_at=None, lang=""):
    token = tokens.make_organiser_token(LOCAL_SECRET, EVENT, version, issued_at or datetime.now(UTC))
    return f"/organiser/{token}" + (f"?lang={lang}" if lang else "")


def assert_refused(response, status, says):
    body = response.body.decode()
    assert response.status_code == status and says in body, body
    assert "Åsa Öberg" not in body
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cache-Control"] == "no-store"


def test_the_digest_link_works_and_says_how_long(client, app_store, moto_endpoint, clock):
    post_json(client, answers())
    event = app_store.get_event(EVENT)
    seven = (datetime.now(event.zone) + timedelta(days=1)).replace(hour=7, minute=5).astimezone(UTC)
    assert run_hourly_at(client, clock, seven)["digest_sent"] == 1
    text = text_of(sent_mail(moto_endpoint)[-1])
    assert "Länken gäller i 3 dagar" in text
    link = re.search(r"https?://\S+(/organiser/\S+)", text).group(1)
    assert "Åsa Öberg" in client.http.get(link).body.decode()
    clock.set(seven + tokens.ORGANISER_LINK_VALID)
    assert_refused(client.http.get(link), 410, "Länken har gått ut")


@pytest.mark.parametrize(("lang", "says"), [("sv", "gäller i 3 dagar"), ("en", "works for 3 days")])
def test_an_expired_link_is_gone_with_a_clear_page(client, app_store, lang, says):
    post_json(client, answers())
    sent = datetime.now(UTC) - tokens.ORGANISER_LINK_VALID - timedelta(minutes=1)
    assert_refused(client.http.get(organiser_link(issued_at=sent, lang=lang)), 410, says)


def test_revoking_withdraws_every_earlier_link_and_later_ones_work(client, app_store):
    post_json(client, answers())
    earlier = organiser_link(version=0)
    assert client.http.get(earlier).status_code == 200
    assert app_store.withdraw_organiser_links(EVENT) == 1
    assert_refused(client.http.get(earlier), 410, "Länken har dragits tillbaka")
    assert_refused(client.http.get(earlier + "?lang=en"), 410, "The link has been withdrawn")
    response = client.http.get(organiser_link(version=1))
    assert response.status_code == 200 and "Åsa Öberg" in response.body.decode()


@pytest.mark.parametrize(("lang", "says"), [("sv", "Länken fungerar inte"), ("en", "The link does not work")])
def test_a_forged_link_is_refused_in_the_page_language(client, app_store, lang, says):
    post_json(client, answers())
    forged = tokens.make_organiser_token("not-our-secret", EVENT, 0, datetime.now(UTC))
    assert_refused(client.http.get(f"/organiser/{forged}?lang={lang}"), 403, says)
    assert_refused(client.http.get(f"/organiser/{'x' * 5000}"), 403, "Länken fungerar inte")
