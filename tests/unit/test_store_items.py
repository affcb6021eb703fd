"""Item conversion: our fast reader agrees with boto3's TypeDeserializer on every stored shape, and
what is written is what stored items already hold."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from boto3.dynamodb.types import TypeDeserializer

from chalicelib.forms import parse_answers
from chalicelib.registrations import EmailDelivery, EmailKind, Registration
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


def pending_registration(now):
    event = example_event()
    return Registration(
        event.id,
        "r1",
        parse_answers(answers(name="Åsa Öberg", meal="yes", diet="Glutenfri"), event),
        "pending",
        now,
        now,
        EmailDelivery(
            state="failed", kind=EmailKind.PROMOTION, attempts=2, due_at=now.replace(microsecond=0), error="x"
        ),
        expires_at=now + timedelta(days=90),
        hold_until=now + timedelta(hours=5),
    )


def test_a_registration_is_written_exactly_as_items_already_stored_are():
    """The item format is what existing tables hold: a changed byte here strands stored data."""
    item = registration_item(pending_registration(at("2027-05-01T12:00:00.250000+02:00")))
    assert item == {
        "PK": {"S": "EVENT#natverk-social-hallbarhet"},
        "SK": {"S": "REG#asa.oberg@example.se"},
        "GSI1PK": {"S": "OUTBOX"},
        "GSI1SK": {"S": "2027-05-01T10:00:00.000000Z"},
        "type": {"S": "registration"},
        "event_id": {"S": "natverk-social-hallbarhet"},
        "registration_id": {"S": "r1"},
        "status": {"S": "pending"},
        "created_at": {"S": "2027-05-01T10:00:00.250000+00:00"},
        "updated_at": {"S": "2027-05-01T10:00:00.250000+00:00"},
        "hold_until": {"S": "2027-05-01T15:00:00.250000+00:00"},
        "expires_at": {"N": "1816941600"},
        "email": {"S": "asa.oberg@example.se"},
        "email_state": {"S": "failed"},
        "email_kind": {"S": "promotion"},
        "email_attempts": {"N": "2"},
        "email_due_at": {"S": "2027-05-01T10:00:00+00:00"},
        "email_error": {"S": "x"},
        "name": {"S": "Åsa Öberg"},
        "organisation": {"S": "Röda Korset Hudiksvall"},
        "sector": {"S": "association"},
        "language": {"S": "sv"},
        "meal": {"BOOL": True},
        "diet": {"S": "Glutenfri"},
        "access_needs": {"S": ""},
        "attended_before": {"BOOL": False},
        "interests": {"L": [{"S": "barn-och-unga"}]},
        "message": {"S": ""},
    }


def test_every_moment_is_written_in_one_form_whatever_zone_it_came_in():
    stockholm = datetime(2027, 5, 1, 12, 0, 0, 250000, tzinfo=ZoneInfo("Europe/Stockholm"))
    in_utc = stockholm.astimezone(UTC)
    assert registration_item(pending_registration(stockholm)) == registration_item(pending_registration(in_utc))
