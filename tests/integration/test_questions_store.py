"""The organisers' own questions in the store: answers kept and read back, choice places counted with
the seat, and a limited choice that holds under a rush (on moto and on DynamoDB Local)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import pytest

from chalicelib.errors import ChoiceFull
from chalicelib.jobs import forget_sensitive_answers
from chalicelib.registrations import Status, cancel, change_answers
from tests.helpers import answers, at, question_event, sign_up

NOW = at("2027-05-01T12:00:00+02:00")


def test_answers_are_stored_and_read_back_with_their_types(store):
    event = question_event()
    store.put_event(event, NOW)
    outcome = sign_up(
        store,
        now=NOW,
        event_id=event.id,
        email="a@example.se",
        q_presentera="ja",
        q_workshop="natur",
        q_skor="42",
        q_kollegor="2",
        q_tro=["morgon"],
        q_tro_consent="yes",
    )
    stored = store.get_registration(event.id, "a@example.se")
    assert stored.answers == outcome.registration.answers
    assert stored.answers.custom == {
        "presentera": True,
        "workshop": "natur",
        "skor": "42",
        "kollegor": 2,
        "tro": ("morgon",),
    }
    assert stored.answers.sensitive == {"tro"}
    # The questions themselves come back as they were put.
    assert store.get_event(event.id).custom_questions == event.custom_questions


def test_a_limited_choice_is_refused_when_full_and_freed_by_a_cancellation(store):
    event = question_event()
    store.put_event(event, NOW)
    first = sign_up(store, now=NOW, event_id=event.id, email="a@example.se", q_workshop="robotik")
    sign_up(store, now=NOW, event_id=event.id, email="b@example.se", q_workshop="robotik")
    with pytest.raises(ChoiceFull):
        sign_up(store, now=NOW, event_id=event.id, email="c@example.se", q_workshop="robotik")
    assert store.get_registration(event.id, "c@example.se") is None
    assert store.get_event(event.id).choice_counts == {"workshop:robotik": 2}

    cancel(event.id, first.registration.registration_id, store=store, now=NOW, send_receipt=False)
    assert store.get_event(event.id).choice_counts == {"workshop:robotik": 1}
    sign_up(store, now=NOW, event_id=event.id, email="c@example.se", q_workshop="robotik")
    assert store.get_event(event.id).full_places == {"workshop:robotik"}


def test_changing_ones_answer_moves_the_place_only_while_the_new_choice_has_room(store):
    event = question_event()
    store.put_event(event, NOW)
    sign_up(store, now=NOW, event_id=event.id, email="a@example.se", q_workshop="robotik")
    sign_up(store, now=NOW, event_id=event.id, email="b@example.se", q_workshop="robotik")
    moving = sign_up(store, now=NOW, event_id=event.id, email="c@example.se", q_workshop="natur")
    with pytest.raises(ChoiceFull):
        change_answers(
            event.id,
            moving.registration.registration_id,
            answers(email="c@example.se", q_workshop="robotik"),
            store=store,
            now=NOW,
        )
    assert store.get_registration(event.id, "c@example.se").answers.custom["workshop"] == "natur"
    first = store.get_registration(event.id, "a@example.se")
    change_answers(event.id, first.registration_id, answers(q_workshop="natur"), store=store, now=NOW)
    assert store.get_event(event.id).choice_counts == {"workshop:robotik": 1, "workshop:natur": 2}


def test_a_waiting_place_holds_its_choice_too(store):
    event = question_event(capacity=1, waitlist_limit=5)
    store.put_event(event, NOW)
    sign_up(store, now=NOW, event_id=event.id, email="a@example.se", q_workshop="robotik")
    waiting = sign_up(store, now=NOW, event_id=event.id, email="b@example.se", q_workshop="robotik")
    assert waiting.registration.status == Status.WAITLISTED
    with pytest.raises(ChoiceFull):
        sign_up(store, now=NOW, event_id=event.id, email="c@example.se", q_workshop="robotik")


def test_sensitive_answers_are_blanked_after_the_event_and_the_rest_kept(store):
    event = question_event()
    store.put_event(event, NOW)
    sign_up(
        store,
        now=NOW,
        event_id=event.id,
        email="a@example.se",
        q_workshop="natur",
        q_tro=["kvall"],
        q_tro_consent="yes",
    )
    later = event.ends_at_or_default + (event.ends_at_or_default - NOW)
    assert forget_sensitive_answers(store, later, after=event.ends_at_or_default - NOW) == 1
    stored = store.get_registration(event.id, "a@example.se")
    assert stored.answers.custom == {"workshop": "natur"}
    assert stored.answers.sensitive == frozenset()


def test_editing_the_event_keeps_the_choice_counts(store):
    event = question_event()
    store.put_event(event, NOW)
    sign_up(store, now=NOW, event_id=event.id, email="a@example.se", q_workshop="robotik")
    renamed = replace(
        event.custom_questions[1],
        choices=(replace(event.custom_questions[1].choices[0], title={"sv": "Robotar"}),)
        + event.custom_questions[1].choices[1:],
    )
    store.put_event(
        replace(event, custom_questions=(event.custom_questions[0], renamed, *event.custom_questions[2:])), NOW
    )
    stored = store.get_event(event.id)
    assert stored.choice_counts == {"workshop:robotik": 1}
    assert stored.custom_question("workshop").choices[0].label("sv") == "Robotar"


def test_many_people_racing_for_the_last_workshop_places_get_exactly_the_limit(dynamodb_local_store):
    store = dynamodb_local_store
    event = question_event()
    limit = event.place_limits["workshop:robotik"]
    store.put_event(event, NOW)

    def try_to_sign_up(index):
        try:
            return sign_up(store, now=NOW, event_id=event.id, email=f"p{index}@example.se", q_workshop="robotik")
        except ChoiceFull:
            return None

    with ThreadPoolExecutor(max_workers=30) as pool:
        outcomes = list(pool.map(try_to_sign_up, range(60)))
    assert sum(outcome is not None for outcome in outcomes) == limit
    stored = list(store.registrations(event.id))
    assert len(stored) == limit, "a refused person leaves nothing behind"
    counted = store.get_event(event.id)
    assert counted.choice_counts == {"workshop:robotik": limit}
    assert counted.confirmed_count == limit
