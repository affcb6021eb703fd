"""Item conversion: our fast reader agrees with boto3's TypeDeserializer on every stored shape."""

from boto3.dynamodb.types import TypeDeserializer

from chalicelib.forms import parse_answers
from chalicelib.registrations import EmailDelivery, Registration
from chalicelib.store.items import plain_item, registration_from_item, registration_item
from tests.helpers import answers, at, example_event


def test_fast_reading_matches_boto3_and_round_trips():
    event = example_event()
    now = at("2027-05-01T12:00:00+02:00")
    registration = Registration(
        event.id,
        "r1",
        parse_answers(answers(name="Åsa Öberg", meal="yes", attended_before=None), event),
        "confirmed",
        now,
        now,
        EmailDelivery(state="failed", attempts=2, due_at=now, error="Throttling"),
    )
    item = registration_item(registration)
    item["odd"] = {"SS": ["a", "b"]}
    item["nothing"] = {"NULL": True}
    assert plain_item(item) == {key: TypeDeserializer().deserialize(value) for key, value in item.items()}
    assert registration_from_item(plain_item(item)) == registration
