"""Keeping personal data no longer than needed: sensitive answers blanked, registrations expiring."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from chalicelib.jobs import forget_sensitive_answers
from chalicelib.registrations import EmailState, register
from chalicelib.store import registration_item
from tests.helpers import answers, at, example_event

EVENT = "natverk-social-hallbarhet"


def test_a_registration_expires_ninety_days_after_the_event(store):
    event = example_event()
    store.put_event(event, at("2027-05-01T00:00:00+02:00"))
    outcome = register(EVENT, answers(), store=store, now=at("2027-05-01T12:00:00+02:00"))
    assert outcome.registration.expires_at == event.ends_at + timedelta(days=90)
    (stored,) = store.registrations(EVENT)
    assert stored.expires_at == event.ends_at + timedelta(days=90)


def test_expired_registrations_are_hidden_before_dynamodb_deletes_them(store):
    event = example_event()
    store.put_event(event, at("2027-05-01T00:00:00+02:00"))
    kept = register(EVENT, answers(email="kept@example.se"), store=store, now=at("2027-05-01T12:00:00+02:00"))
    gone = replace(
        kept.registration,
        registration_id="gone",
        expires_at=datetime.now(UTC) - timedelta(seconds=1),
        answers=replace(kept.registration.answers, email="gone@example.se"),
    )
    store.client.put_item(TableName=store.table, Item=registration_item(gone))
    assert [r.answers.email for r in store.registrations(EVENT)] == ["kept@example.se"]
    assert store.get_registration(EVENT, "gone@example.se") is None
    assert store.find_registration(EVENT, "gone") is None


def test_diet_and_access_needs_are_blanked_a_week_after_the_event_once(store):
    # Two evening meetings, on 1 and 6 April.
    ended_long_ago, ended_recently = (
        example_event(
            id=event_id,
            starts_at=datetime(2027, 4, day, 18, 0),
            meal_at=None,
            ends_at=datetime(2027, 4, day, 20, 0),
            deadline=date(2027, 3, 25),
        )
        for event_id, day in (("forra-traffen", 1), ("nyss", 6))
    )
    for event in (ended_long_ago, ended_recently):
        store.put_event(replace(event, meal_at=datetime(2027, 4, 1, 17, tzinfo=UTC)), at("2027-03-01T00:00:00+01:00"))
        register(
            event.id,
            answers(diet="Glutenfri", access_needs="Rullstol"),
            store=store,
            now=at("2027-03-10T12:00:00+01:00"),
        )
    now = at("2027-04-10T03:00:00+02:00")  # 8 days after the first, 3 after the second
    assert forget_sensitive_answers(store, now, timedelta(days=7)) == 1
    (old,) = store.registrations("forra-traffen")
    (recent,) = store.registrations("nyss")
    assert (old.answers.diet, old.answers.access_needs) == ("", "")
    assert old.answers.name == "Åsa Öberg", "only the sensitive answers go"
    assert recent.answers.diet == "Glutenfri"
    assert forget_sensitive_answers(store, now + timedelta(hours=1), timedelta(days=7)) == 0


def test_erasing_a_bounced_address_keeps_it_suppressed_by_a_hash_only(store):
    from chalicelib.forms import email_key
    from chalicelib.privacy import erase_person, export_person

    now = at("2027-05-01T12:00:00+02:00")
    store.put_event(example_event(), now)
    register(EVENT, answers(email="gone@example.se"), store=store, now=now)
    store.suppress(email_key("gone@example.se"), "bounce", now)
    exported = export_person("gone@example.se", store=store)
    assert [record["reason"] for record in exported["address_records"] if record["SK"] == "SUPPRESSED"] == ["bounce"]

    erase_person("Gone@Example.se", store=store, now=now)
    assert store.is_suppressed(email_key("gone@example.se")), "a bounced address stays suppressed after erasure"
    left = export_person("gone@example.se", store=store)
    assert left["registrations"] == []
    assert "gone" not in str(left["address_records"]), "what is kept does not name the address"
    again = register(EVENT, answers(email="gone@example.se"), store=store, now=now).registration
    assert again.email.state == EmailState.SUPPRESSED


def test_erasing_a_person_ends_their_console_sessions_and_links_and_the_record_that_ends_them_expires(store):
    """Erasure must end access too: a cookie or sign-in link made before it stops working at once."""
    from chalicelib.console import auth, sign_in
    from chalicelib.forms import email_key
    from chalicelib.privacy import erase_person, export_person
    from chalicelib.store.schema import epoch_seconds, sessions_key

    now = at("2027-05-01T12:00:00+02:00")
    person = email_key("Organiser@Example.se")
    store.end_all_sessions(person)  # signed out everywhere once: version 1
    cookie = auth.new_session(person, 1, now)
    store.end_session(person, "another-device", now)
    link = auth.new_sign_in_link(person, now, 1)
    store.save_sign_in_link(link, now)
    assert len(export_person("organiser@example.se", store=store)["console_records"]) == 2

    erase_person("organiser@example.se", store=store, now=now)
    version, ended = store.session_state(person)
    assert not auth.still_current(cookie, version, ended), "the cookie from before no longer signs in"
    assert ended == frozenset(), "the signed-out device's record is deleted"
    with pytest.raises(auth.LinkRefused) as refused:
        sign_in.use_link(link.token, store=store, admins=frozenset({person}), retention=timedelta(days=90), now=now)
    assert refused.value.state == auth.LinkState.EXPIRED
    kept = store.client.get_item(TableName=store.table, Key=sessions_key(person))["Item"]
    assert int(kept["expires_at"]["N"]) == epoch_seconds(now + auth.SESSION_ABSOLUTE) + 1, "gone by itself a day later"
    assert export_person("organiser@example.se", store=store)["address_records"] == []


def test_erasing_someone_who_never_used_the_console_writes_nothing_for_it(store):
    from chalicelib.privacy import erase_person, export_person

    now = at("2027-05-01T12:00:00+02:00")
    store.put_event(example_event(), now)
    register(EVENT, answers(email="plain@example.se"), store=store, now=now)
    erase_person("plain@example.se", store=store, now=now)
    assert export_person("plain@example.se", store=store) == {
        "email": "plain@example.se",
        "registrations": [],
        "address_records": [],
        "console_records": [],
    }
