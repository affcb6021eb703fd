"""Reading registrations (by address, by id, an event's all, the next in line) and changing a
registration's answers."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

from ..errors import ChoiceFull, RegistrationClosed, RegistrationNotFound
from ..events import EventStatus
from ..registrations import AnswerChange, Registration, Status
from .items import answer_attributes, event_from_item, is_expired, registration_from_item
from .places import full_place, place_changes
from .schema import (
    REGISTRATION_ID_INDEX,
    REGISTRATION_PREFIX,
    epoch_number,
    event_key,
    event_partition,
    iso_time,
    registration_key,
)
from .table import TableAccess, TaggedWrite, set_or_remove


class RegistrationRecords(TableAccess):
    def get_registration(self, event_id: str, email_key: str) -> Registration | None:
        item = self._get(registration_key(event_id, email_key))
        if not item or is_expired(item):
            return None
        return registration_from_item(item)

    def registrations(self, event_id: str) -> Iterator[Registration]:
        """All registrations of an event, following every page; expired ones are skipped
        (DynamoDB's TTL deletes them only within days)."""
        for item in self._live_items(event_partition(event_id), REGISTRATION_PREFIX):
            yield registration_from_item(item)

    def find_registration(self, event_id: str, registration_id: str) -> Registration | None:
        """A registration by its id (from a signed link): index for the key, then a consistent read."""
        for key in self._keys_by_id(event_id, registration_id):
            item = self._get(key)
            if item and item["registration_id"] == registration_id and not is_expired(item):
                return registration_from_item(item)
        return None

    def _keys_by_id(self, event_id: str, registration_id: str) -> Iterator[dict[str, Any]]:
        """The table keys the id index holds for this id in this event (keys only: the index
        is eventually consistent, so the item itself is read or written by key)."""
        response = self.client.query(
            TableName=self.table,
            IndexName=REGISTRATION_ID_INDEX,
            KeyConditionExpression="registration_id = :id",
            ExpressionAttributeValues={":id": {"S": registration_id}},
        )
        for found in response.get("Items", []):
            if found["PK"] == event_partition(event_id):
                yield {"PK": found["PK"], "SK": found["SK"]}

    def first_waitlisted(self, event_id: str) -> Registration | None:
        """Who is next in line: the earliest waitlisted registration."""
        waiting = [r for r in self.registrations(event_id) if r.status == Status.WAITLISTED]
        return min(waiting, key=lambda r: (r.created_at, r.registration_id), default=None)

    def update_answers(self, change: AnswerChange) -> Registration:
        """Replace a live registration's answers (the email, its identity, stays), in one
        transaction with a check that registration is still open; a changed choice gives its place
        back and takes the new one's, while it has room (ChoiceFull otherwise)."""
        registration, answers, now, place_limits = change.registration, change.answers, change.now, change.place_limits
        expression, names, values = set_or_remove(answer_attributes(answers), "f", also_set=("updated_at = :now",))
        taken = [place for place in answers.places if place not in registration.answers.places]
        freed = [place for place in registration.answers.places if place not in answers.places]
        items: list[TaggedWrite] = [
            (
                "registration",
                {
                    "Update": {
                        "TableName": self.table,
                        "Key": registration_key(registration.event_id, registration.answers.email_key),
                        "UpdateExpression": expression,
                        "ConditionExpression": "registration_id = :id AND #status <> :cancelled",
                        "ExpressionAttributeNames": {**names, "#status": "status"},
                        "ExpressionAttributeValues": {
                            **values,
                            ":now": {"S": iso_time(now)},
                            ":id": {"S": registration.registration_id},
                            ":cancelled": {"S": Status.CANCELLED},
                        },
                    }
                },
            ),
            ("event", self._open_check(registration.event_id, now, taken, freed, place_limits)),
        ]
        failed = self._transact(items)
        if "event" in failed:
            item = self._get(event_key(registration.event_id))
            event = event_from_item(item) if item else None
            if event is not None and event.is_open(now):
                full = full_place(tuple(taken), event.choice_counts, place_limits)
                if full is not None:
                    raise ChoiceFull(full)
            raise RegistrationClosed()
        if "registration" in failed:
            raise RegistrationNotFound()
        return replace(registration, answers=replace(answers, email=registration.answers.email), updated_at=now)

    def _open_check(
        self, event_id: str, now: datetime, taken: list[str], freed: list[str], limits: Mapping[str, int]
    ) -> dict[str, Any]:
        """Registration is still open; with changed choices, their place counts move in the same write."""
        condition: dict[str, Any] = {
            "TableName": self.table,
            "Key": event_key(event_id),
            "ConditionExpression": "#status = :open AND deadline_ts > :now",
            "ExpressionAttributeNames": {"#status": "status"},
            "ExpressionAttributeValues": {":open": {"S": EventStatus.OPEN}, ":now": {"N": epoch_number(now)}},
        }
        if not taken and not freed:
            return {"ConditionCheck": condition}
        sets, places_condition, names, values = place_changes(taken, freed, limits)
        condition["UpdateExpression"] = "SET " + sets.removeprefix(", ")
        condition["ConditionExpression"] += places_condition
        condition["ExpressionAttributeNames"].update(names)
        condition["ExpressionAttributeValues"].update(values)
        return {"Update": condition}
