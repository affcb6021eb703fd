"""The console's changes to an event: created without overwriting another, saved without dropping
below the seats taken, and people moved up from the waiting list one transaction each."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from botocore.exceptions import ClientError

from ..errors import EventChanged, EventExists, EventNotFound, SeatsTaken
from ..events import Event
from ..registrations import Registration, Status
from .events import EventRecords
from .schema import event_key, iso_time
from .seats import Seats
from .table import condition_failed


class EventChanges(Seats, EventRecords):
    def create_event(self, event: Event, now: datetime) -> None:
        """Store a new event; EventExists when its id is taken (nothing is overwritten)."""
        update = self._event_update(event, now)
        try:
            self.client.update_item(**update, ConditionExpression="attribute_not_exists(PK)")
        except ClientError as error:
            if condition_failed(error):
                raise EventExists() from error
            raise

    def save_event(self, event: Event, now: datetime, edited_from: datetime | None = None) -> None:
        """Store an edited event: EventNotFound when it is gone, SeatsTaken when it would have fewer
        seats than are taken by now (checked in the write itself, not from an earlier read), and
        EventChanged when `edited_from` is given and someone else has saved it since."""
        update = self._event_update(event, now)
        condition = "attribute_exists(PK)"
        if edited_from is not None:
            condition += " AND updated_at = :edited_from"
            update["ExpressionAttributeValues"][":edited_from"] = {"S": iso_time(edited_from)}
        if event.capacity is not None:
            condition += " AND confirmed_count <= :capacity"
            update["ExpressionAttributeValues"][":capacity"] = {"N": str(event.capacity)}
        try:
            self.client.update_item(**update, ConditionExpression=condition)
        except ClientError as error:
            if not condition_failed(error):
                raise
            stored = self.get_event(event.id)
            if stored is None:
                raise EventNotFound() from error
            if edited_from is not None and stored.updated_at != edited_from:
                raise EventChanged() from error
            raise SeatsTaken(stored.confirmed_count) from error

    def promote(self, promoted: Registration, now: datetime) -> None:
        """Move one person up from the waiting list into a free seat, as the domain built them (status,
        hold, the leased promotion email), with the event's counters, in one transaction. The seat must
        still be free and the person still waiting: else Contention (read again; maybe no seat is left)."""
        pending = promoted.status == Status.PENDING
        sets = ["confirmed_count = confirmed_count + :one", "waitlist_count = waitlist_count - :one"]
        if pending:
            sets.append("pending_count = if_not_exists(pending_count, :zero) + :one")
        items: list[dict[str, Any]] = [
            self._status_change(
                promoted, Status.WAITLISTED, promoted.status, now, email=promoted.email, hold_until=promoted.hold_until
            ),
            {
                "Update": {
                    "TableName": self.table,
                    "Key": event_key(promoted.event_id),
                    "UpdateExpression": "SET " + ", ".join(sets),
                    "ConditionExpression": "waitlist_count > :zero AND "
                    "(attribute_not_exists(#capacity) OR confirmed_count < #capacity)",
                    # "capacity" is one of DynamoDB's reserved words.
                    "ExpressionAttributeNames": {"#capacity": "capacity"},
                    "ExpressionAttributeValues": {":one": {"N": "1"}, ":zero": {"N": "0"}},
                }
            },
        ]
        self._transact_or_contention(items)
