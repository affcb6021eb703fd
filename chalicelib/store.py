"""DynamoDB repository: the only module that knows keys and expressions.

One table. An event is `EVENT#{id}`/`META`; a registration sits beside it as
`EVENT#{id}`/`REG#{email}`, so one Query reads an event's registrations.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import ClientError

from .errors import AlreadyRegistered, Contention, EventFull, EventNotFound, RegistrationClosed
from .events import Event, InterestArea
from .forms import Answers
from .registrations import CANCELLED, CONFIRMED, Registration

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

EVENTS_INDEX = "events-by-start"
_serializer = TypeSerializer()
_deserializer = TypeDeserializer()

# Cancellation reasons that mean "someone else was writing the same item" or
# "slow down": nothing was written, so the whole transaction may be retried.
_RETRYABLE_REASONS = {"TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded"}
_RETRYABLE_ERRORS = {
    "TransactionConflictException",
    "TransactionInProgressException",
    "ThrottlingException",
    "ProvisionedThroughputExceededException",
    "RequestLimitExceeded",
    "InternalServerError",
}


def event_key(event_id: str) -> dict[str, Any]:
    return {"PK": {"S": f"EVENT#{event_id}"}, "SK": {"S": "META"}}


def registration_key(event_id: str, email_key: str) -> dict[str, Any]:
    return {"PK": {"S": f"EVENT#{event_id}"}, "SK": {"S": f"REG#{email_key}"}}


class DynamoStore:
    """Events and registrations in one DynamoDB table."""

    def __init__(self, client: DynamoDBClient, table_name: str) -> None:
        self.client = client
        self.table = table_name

    # -- events ---------------------------------------------------------------

    def get_event(self, event_id: str) -> Event | None:
        item = self.client.get_item(TableName=self.table, Key=event_key(event_id), ConsistentRead=True).get("Item")
        return event_from_item(_plain(item)) if item else None

    def put_event(self, event: Event, now: datetime) -> None:
        """Create or update an event's description; its counters are left as they are."""
        values = event_attributes(event)
        sets, removes = [], []
        names: dict[str, str] = {}
        expression_values: dict[str, Any] = {":zero": {"N": "0"}, ":now": {"S": now.isoformat()}}
        for index, (name, value) in enumerate(sorted(values.items())):
            names[f"#a{index}"] = name
            if value is None:
                removes.append(f"#a{index}")
            else:
                sets.append(f"#a{index} = :v{index}")
                expression_values[f":v{index}"] = _serializer.serialize(value)
        sets += [
            "confirmed_count = if_not_exists(confirmed_count, :zero)",
            "waitlist_count = if_not_exists(waitlist_count, :zero)",
            "created_at = if_not_exists(created_at, :now)",
            "updated_at = :now",
        ]
        expression = "SET " + ", ".join(sets) + (" REMOVE " + ", ".join(removes) if removes else "")
        self.client.update_item(
            TableName=self.table,
            Key=event_key(event.id),
            UpdateExpression=expression,
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=expression_values,
        )

    def list_events(self) -> list[Event]:
        """Every event, by start time, from the events index (no Scan)."""
        events = []
        for item in self._query(
            IndexName=EVENTS_INDEX,
            KeyConditionExpression="GSI1PK = :events",
            ExpressionAttributeValues={":events": {"S": "EVENTS"}},
        ):
            events.append(event_from_item(item))
        return events

    # -- registrations -----------------------------------------------------

    def insert_registration(self, registration: Registration, now: datetime) -> None:
        """One transaction: the registration and the event's counter, or neither."""
        counter = "confirmed_count" if registration.status == CONFIRMED else "waitlist_count"
        if registration.status == CONFIRMED:
            seats = "(attribute_not_exists(#capacity) OR confirmed_count < #capacity)"
        else:
            # Waitlist only while still full: a seat freed meanwhile should go to this person.
            seats = "confirmed_count >= #capacity"
        try:
            self.client.transact_write_items(
                TransactItems=[
                    {
                        "Put": {
                            "TableName": self.table,
                            "Item": registration_item(registration),
                            # A cancelled registration may be replaced by a new sign-up.
                            "ConditionExpression": "attribute_not_exists(PK) OR #status = :cancelled",
                            "ExpressionAttributeNames": {"#status": "status"},
                            "ExpressionAttributeValues": {":cancelled": {"S": CANCELLED}},
                            "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
                        }
                    },
                    {
                        "Update": {
                            "TableName": self.table,
                            "Key": event_key(registration.event_id),
                            "UpdateExpression": f"SET {counter} = {counter} + :one",
                            "ConditionExpression": f"#status = :open AND deadline_ts > :now AND {seats}",
                            "ExpressionAttributeNames": {"#status": "status", "#capacity": "capacity"},
                            "ExpressionAttributeValues": {
                                ":one": {"N": "1"},
                                ":open": {"S": "open"},
                                ":now": {"N": _epoch(now)},
                            },
                            "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
                        }
                    },
                ]
            )
        except ClientError as error:
            raise self._explain_refusal(error, registration, now) from error

    def _explain_refusal(self, error: ClientError, registration: Registration, now: datetime) -> Exception:
        code = error.response.get("Error", {}).get("Code", "")
        if code in _RETRYABLE_ERRORS:
            return Contention(code)
        if code != "TransactionCanceledException":
            return error
        # Reasons come in the order of TransactItems: [registration, event].
        reasons = error.response.get("CancellationReasons") or []
        codes = [reason.get("Code") for reason in reasons]
        if len(codes) != 2:
            return Contention("unexplained cancellation")
        if codes[0] == "ConditionalCheckFailed":
            old = reasons[0].get("Item")
            existing = (
                registration_from_item(_plain(old))
                if old
                else self.get_registration(registration.event_id, registration.answers.email_key)
            )
            if existing is None or not existing.is_live:
                return Contention("registration changed meanwhile")
            return AlreadyRegistered(existing)
        if codes[1] == "ConditionalCheckFailed":
            old = reasons[1].get("Item")
            event = event_from_item(_plain(old)) if old else self.get_event(registration.event_id)
            if event is None:
                return EventNotFound()
            if not event.is_open(now):
                return RegistrationClosed()
            if registration.status == CONFIRMED and event.is_full:
                return EventFull()
            return Contention("event changed meanwhile")
        if any(code in _RETRYABLE_REASONS for code in codes):
            return Contention(",".join(str(code) for code in codes))
        return error

    def get_registration(self, event_id: str, email_key: str) -> Registration | None:
        item = self.client.get_item(
            TableName=self.table, Key=registration_key(event_id, email_key), ConsistentRead=True
        ).get("Item")
        return registration_from_item(_plain(item)) if item else None

    def update_answers(self, registration: Registration, answers: Answers, now: datetime) -> Registration:
        """Replace a live registration's answers (the email, its identity, stays)."""
        data = answer_attributes(answers)
        names = {f"#f{index}": name for index, name in enumerate(data)}
        values = {f":v{index}": _serializer.serialize(value) for index, value in enumerate(data.values())}
        sets = ", ".join(f"#f{index} = :v{index}" for index in range(len(data)))
        try:
            self.client.update_item(
                TableName=self.table,
                Key=registration_key(registration.event_id, registration.answers.email_key),
                UpdateExpression=f"SET {sets}, updated_at = :now",
                ConditionExpression="registration_id = :id AND #status <> :cancelled",
                ExpressionAttributeNames={**names, "#status": "status"},
                ExpressionAttributeValues={
                    **values,
                    ":now": {"S": now.isoformat()},
                    ":id": {"S": registration.registration_id},
                    ":cancelled": {"S": CANCELLED},
                },
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                raise Contention("registration changed meanwhile") from error
            raise
        return replace(registration, answers=replace(answers, email=registration.answers.email), updated_at=now)

    def registrations(self, event_id: str) -> Iterator[Registration]:
        """All registrations of an event, oldest first, following every page."""
        for item in self._query(
            KeyConditionExpression="PK = :pk AND begins_with(SK, :reg)",
            ExpressionAttributeValues={":pk": {"S": f"EVENT#{event_id}"}, ":reg": {"S": "REG#"}},
            ConsistentRead=True,
        ):
            yield registration_from_item(item)

    def _query(self, **params: Any) -> Iterator[dict[str, Any]]:
        # A page can be short (1 MB limit, filters) and still not be the last:
        # only a missing LastEvaluatedKey ends the read.
        paginator = self.client.get_paginator("query")
        for page in paginator.paginate(TableName=self.table, **params):
            for item in page.get("Items", []):
                yield _plain(item)


# -- item <-> domain -------------------------------------------------------------


def _epoch(moment: datetime) -> str:
    return format(Decimal(str(moment.timestamp())), "f")


def _plain(item: dict[str, Any]) -> dict[str, Any]:
    return {key: _deserializer.deserialize(value) for key, value in item.items()}


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _moment(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def event_attributes(event: Event) -> dict[str, Any]:
    """The descriptive attributes of an event (counters are the store's business)."""
    return {
        "type": "event",
        "event_id": event.id,
        "title": event.title,
        "description": event.description,
        "timezone": event.timezone,
        "starts_at": _iso(event.starts_at),
        "ends_at": _iso(event.ends_at),
        "meal_at": _iso(event.meal_at),
        "venue": event.venue,
        "address": event.address,
        "deadline_at": _iso(event.deadline_at),
        "deadline_ts": Decimal(_epoch(event.deadline_at)),
        "capacity": event.capacity,
        "organisers": list(event.organisers),
        "questions": sorted(event.questions),
        "interests": [{"id": area.id, "title": area.title} for area in event.interests],
        "status": event.status,
        "GSI1PK": "EVENTS",
        "GSI1SK": _iso(event.starts_at),
    }


def event_from_item(item: dict[str, Any]) -> Event:
    capacity = item.get("capacity")
    return Event(
        id=item["event_id"],
        title=dict(item["title"]),
        description=dict(item.get("description") or {}),
        timezone=item["timezone"],
        starts_at=_moment(item["starts_at"]),  # type: ignore[arg-type]
        ends_at=_moment(item.get("ends_at")),
        meal_at=_moment(item.get("meal_at")),
        venue=item["venue"],
        address=item.get("address", ""),
        deadline_at=_moment(item["deadline_at"]),  # type: ignore[arg-type]
        capacity=int(capacity) if capacity is not None else None,
        organisers=tuple(item.get("organisers") or ()),
        questions=frozenset(item.get("questions") or ()),
        interests=tuple(InterestArea(id=area["id"], title=dict(area["title"])) for area in item.get("interests") or ()),
        status=item.get("status", "open"),
        confirmed_count=int(item.get("confirmed_count", 0)),
        waitlist_count=int(item.get("waitlist_count", 0)),
    )


def answer_attributes(answers: Answers) -> dict[str, Any]:
    data = answers.as_dict()
    data.pop("email")
    return data


def registration_item(registration: Registration) -> dict[str, Any]:
    answers = registration.answers
    attributes = {
        **answer_attributes(answers),
        "type": "registration",
        "email": answers.email,
        "event_id": registration.event_id,
        "registration_id": registration.registration_id,
        "status": registration.status,
        "created_at": registration.created_at.isoformat(),
        "updated_at": registration.updated_at.isoformat(),
    }
    item = {key: _serializer.serialize(value) for key, value in attributes.items()}
    item.update(registration_key(registration.event_id, answers.email_key))
    return item


def registration_from_item(item: dict[str, Any]) -> Registration:
    return Registration(
        event_id=item["event_id"],
        registration_id=item["registration_id"],
        answers=Answers(
            name=item["name"],
            email=item["email"],
            organisation=item["organisation"],
            sector=item["sector"],
            language=item.get("language", "sv"),
            meal=item.get("meal"),
            diet=item.get("diet", ""),
            access_needs=item.get("access_needs", ""),
            attended_before=item.get("attended_before"),
            interests=tuple(item.get("interests") or ()),
            message=item.get("message", ""),
        ),
        status=item["status"],
        created_at=datetime.fromisoformat(item["created_at"]),
        updated_at=datetime.fromisoformat(item["updated_at"]),
    )


def create_table(client: DynamoDBClient, table_name: str) -> None:
    """Create the table and its index (local stand-ins and tests; AWS uses infra/)."""
    try:
        client.create_table(
            TableName=table_name,
            BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[
                {"AttributeName": name, "AttributeType": "S"} for name in ("PK", "SK", "GSI1PK", "GSI1SK")
            ],
            KeySchema=[{"AttributeName": "PK", "KeyType": "HASH"}, {"AttributeName": "SK", "KeyType": "RANGE"}],
            GlobalSecondaryIndexes=[
                {
                    "IndexName": EVENTS_INDEX,
                    "KeySchema": [
                        {"AttributeName": "GSI1PK", "KeyType": "HASH"},
                        {"AttributeName": "GSI1SK", "KeyType": "RANGE"},
                    ],
                    "Projection": {"ProjectionType": "ALL"},
                }
            ],
        )
    except ClientError as error:
        if error.response["Error"]["Code"] != "ResourceInUseException":
            raise
        return
    client.get_waiter("table_exists").wait(TableName=table_name, WaiterConfig={"Delay": 0.2, "MaxAttempts": 50})
