"""A sign-up goes by the event as read a few seconds ago (`recent_event`), and an organiser's edit
since is never missed: the registration's own transaction checks the description it was decided on.
On moto and DynamoDB Local; the contract cases on the in-memory fake too."""

from dataclasses import replace
from datetime import timedelta

import pytest

from chalicelib.errors import EventEdited, RegistrationClosed, ValidationFailed
from chalicelib.registrations import SignUp, Status, register
from chalicelib.store import DynamoStore
from chalicelib.store.events import RECENT_EVENT_AGE
from tests.conftest import ALSO_ON_THE_FAKE
from tests.helpers import answers, example_event, question_event
from tests.integration.test_store import NOW, new_registration

EVENT_ID = example_event().id


def elsewhere(store):
    """The same table as another Lambda container (or the console's) sees it: no shared copies."""
    return DynamoStore(store.client, store.table)


class CountingCalls:
    def __init__(self, client):
        self.calls = []
        client.meta.events.register("before-call", self._count)

    def _count(self, model, **_):
        self.calls.append(model.name)


@ALSO_ON_THE_FAKE
def test_a_registration_decided_on_an_event_edited_since_is_refused_and_writes_nothing(store):
    event = example_event(capacity=10)
    store.put_event(event, NOW)
    read = store.get_event(event.id)
    store.put_event(replace(event, venue="Stora salen"), NOW + timedelta(seconds=1))
    with pytest.raises(EventEdited) as edited:
        store.insert_registration(SignUp(new_registration(event, email="a@example.se"), NOW, read=read))
    assert edited.value.event.venue == "Stora salen"
    assert store.get_event(event.id).confirmed_count == 0
    assert list(store.registrations(event.id)) == []
    store.insert_registration(SignUp(new_registration(event, email="a@example.se"), NOW, read=edited.value.event))
    assert store.get_event(event.id).confirmed_count == 1


def test_a_recent_event_is_read_once_until_it_is_old(store):
    store.put_event(example_event(), NOW)
    counting = CountingCalls(store.client)
    first = store.recent_event(EVENT_ID, NOW)
    assert store.recent_event(EVENT_ID, NOW + RECENT_EVENT_AGE - timedelta(seconds=1)) is first
    assert counting.calls == ["GetItem"]
    store.recent_event(EVENT_ID, NOW + RECENT_EVENT_AGE)
    assert counting.calls == ["GetItem", "GetItem"]


def test_an_event_saved_in_this_process_is_read_again(store):
    event = example_event()
    store.put_event(event, NOW)
    store.recent_event(event.id, NOW)
    store.put_event(replace(event, venue="Stora salen"), NOW)
    assert store.recent_event(event.id, NOW).venue == "Stora salen"


def test_an_edit_elsewhere_is_seen_by_the_next_sign_up_and_its_email(store):
    event = example_event(capacity=10)
    store.put_event(event, NOW)
    register(event.id, answers(email="a@example.se"), store=store, now=NOW)  # the copy is now kept
    elsewhere(store).put_event(replace(event, venue="Stora salen"), NOW + timedelta(seconds=1))
    counting = CountingCalls(store.client)
    outcome = register(event.id, answers(email="b@example.se"), store=store, now=NOW + timedelta(seconds=2))
    assert outcome.event.venue == "Stora salen", "the outcome (and so the email) describes the event as stored"
    assert outcome.registration.status == Status.CONFIRMED
    # The refused write returned the stored event: no extra read to find it.
    assert counting.calls == ["TransactWriteItems", "TransactWriteItems"]
    # And it is kept: the next sign-up goes by it in one write.
    register(event.id, answers(email="c@example.se"), store=store, now=NOW + timedelta(seconds=3))
    assert counting.calls[2:] == ["TransactWriteItems"]
    assert store.get_event(event.id).confirmed_count == 3


def test_a_refusal_is_never_decided_on_an_old_copy(store):
    """Closed, then reopened elsewhere: the copy says closed, the stored event says open."""
    event = example_event()
    store.put_event(replace(event, status="closed"), NOW)
    with pytest.raises(RegistrationClosed):
        register(event.id, answers(email="a@example.se"), store=store, now=NOW)
    elsewhere(store).put_event(event, NOW + timedelta(seconds=1))
    outcome = register(event.id, answers(email="a@example.se"), store=store, now=NOW + timedelta(seconds=2))
    assert outcome.created and store.get_event(event.id).confirmed_count == 1


def test_answers_are_judged_by_the_questions_as_stored(store):
    """The required workshop question removed elsewhere: the copy would still ask for it."""
    store.put_event(question_event(), NOW)
    with pytest.raises(ValidationFailed):
        register(EVENT_ID, answers(email="a@example.se"), store=store, now=NOW)
    elsewhere(store).put_event(example_event(), NOW + timedelta(seconds=1))
    assert register(EVENT_ID, answers(email="a@example.se"), store=store, now=NOW + timedelta(seconds=2)).created
