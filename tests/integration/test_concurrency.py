"""Races against Amazon's DynamoDB Local: moto's in-process mock is not thread-safe."""

from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import pytest

from chalicelib.errors import WaitlistFull
from chalicelib.forms import parse_answers
from chalicelib.registrations import Registration, Status
from chalicelib.store import registration_item
from chalicelib.store.schema import event_partition
from tests.helpers import answers, at, example_event, sign_up

NOW = at("2027-05-01T12:00:00+02:00")


def race(count, work, threads=50):
    with ThreadPoolExecutor(max_workers=threads) as pool:
        return list(pool.map(work, range(count)))


def test_200_people_racing_for_50_seats_and_50_waiting_places_get_exactly_those(dynamodb_local_store):
    store = dynamodb_local_store
    event = example_event(capacity=50)  # the waiting list defaults to as many places as seats
    store.put_event(event, NOW)

    def sign_up_unless_full(index):
        try:
            return sign_up(store, now=NOW, event_id=event.id, email=f"person{index}@example.se")
        except WaitlistFull:
            return None

    outcomes = race(200, sign_up_unless_full)
    statuses = [outcome.registration.status if outcome else "refused" for outcome in outcomes]
    assert (statuses.count(Status.CONFIRMED), statuses.count(Status.WAITLISTED), statuses.count("refused")) == (
        50,
        50,
        100,
    )
    stored = list(store.registrations(event.id))
    assert len(stored) == 100, "a refused person leaves nothing behind"
    assert sum(r.status == Status.CONFIRMED for r in stored) == 50
    counters = store.get_event(event.id)
    assert (counters.confirmed_count, counters.waitlist_count) == (50, 50)


def test_the_same_person_submitting_twenty_times_at_once_gets_one_registration(dynamodb_local_store):
    store = dynamodb_local_store
    event = example_event(capacity=50)
    store.put_event(event, NOW)

    def sign_up_as_asa(_):
        return sign_up(store, now=NOW, event_id=event.id, email="Asa.Oberg@example.se")

    outcomes = race(20, sign_up_as_asa, threads=20)
    assert sum(outcome.created for outcome in outcomes) == 1
    (kept,) = store.registrations(event.id)
    assert {(outcome.existing or outcome.registration).registration_id for outcome in outcomes} == {
        kept.registration_id
    }
    assert len(list(store.registrations(event.id))) == 1
    assert store.get_event(event.id).confirmed_count == 1


def test_reading_registrations_follows_every_page(dynamodb_local_store):
    """DynamoDB returns at most 1 MB a page: 600 registrations of ~2 kB need several."""
    store = dynamodb_local_store
    event = example_event()
    store.put_event(event, NOW)
    template = Registration(
        event_id=event.id,
        registration_id="r",
        answers=parse_answers(answers(message="å" * 1000), event),
        status=Status.CONFIRMED,
        created_at=NOW,
        updated_at=NOW,
    )
    items = [
        registration_item(
            replace(template, registration_id=f"r{i}", answers=replace(template.answers, email=f"p{i}@example.se"))
        )
        for i in range(600)
    ]
    for start in range(0, len(items), 25):
        store.client.batch_write_item(
            RequestItems={store.table: [{"PutRequest": {"Item": item}} for item in items[start : start + 25]]}
        )
    pages = store.client.query(
        TableName=store.table,
        KeyConditionExpression="PK = :pk",
        ExpressionAttributeValues={":pk": event_partition(event.id)},
    )
    assert "LastEvaluatedKey" in pages, "the first page should be short of the whole"
    assert len(list(store.registrations(event.id))) == 600


pytestmark = pytest.mark.dynamodb_local
