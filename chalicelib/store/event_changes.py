"""The console's changes to an event: created without overwriting another, saved without dropping
below the seats taken, and people moved up from the waiting list one transaction each."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from botocore.exceptions import ClientError

from ..errors import EventCancelled, EventChanged, EventExists, EventNotFound, SeatsTaken
from ..events import Event, EventStatus
from ..notices import EventEdit, Notice
from ..registrations import Registration, Status
from .events import EventRecords
from .notices import NoticeRecords
from .schema import event_key, iso_time
from .seats import Seats
from .table import condition_failed


class EventChanges(Seats, NoticeRecords, EventRecords):
    def create_event(self, event: Event, now: datetime) -> None:
        """Store a new event; EventExists when its id is taken (nothing is overwritten)."""
        update = self._event_update(event, now)
        try:
            self.client.update_item(**update, ConditionExpression="attribute_not_exists(PK)")
        except ClientError as error:
            if condition_failed(error):
                raise EventExists() from error
            raise

    def save_event(self, edit: EventEdit) -> None:
        """Store an edited event: EventNotFound when it is gone, EventCancelled when the meeting was
        cancelled meanwhile, SeatsTaken when it would have fewer seats than are taken by now (checked
        in the write itself, not from an earlier read), and EventChanged when `edited_from` is given
        and someone else has saved it since. `bump_calendar` when its time or place changed; a
        `notice` (of that change) is stored in the same transaction, so the registrants are told
        exactly when the change is made."""
        event, now, edited_from, notice = edit.event, edit.now, edit.edited_from, edit.notice
        update = self._event_update(event, now, edit.bump_calendar)
        condition = "attribute_exists(PK) AND #status_now <> :cancelled"
        update["ExpressionAttributeNames"]["#status_now"] = "status"
        update["ExpressionAttributeValues"][":cancelled"] = {"S": EventStatus.CANCELLED}
        if edited_from is not None:
            condition += " AND updated_at = :edited_from"
            update["ExpressionAttributeValues"][":edited_from"] = {"S": iso_time(edited_from)}
        if event.capacity is not None:
            condition += " AND confirmed_count <= :capacity"
            update["ExpressionAttributeValues"][":capacity"] = {"N": str(event.capacity)}
        try:
            if notice is None:
                self.client.update_item(**update, ConditionExpression=condition)
            elif self._transact(
                [("event", {"Update": {**update, "ConditionExpression": condition}}), *self._notice_put(notice)]
            ):
                raise self._save_refused(event, edited_from, None)
        except ClientError as error:
            if not condition_failed(error):
                raise
            raise self._save_refused(event, edited_from, error) from error

    def _save_refused(self, event: Event, edited_from: datetime | None, error: Exception | None) -> Exception:
        stored = self.get_event(event.id)
        if stored is None:
            return EventNotFound()
        if stored.is_cancelled:
            return EventCancelled(event=stored)
        if edited_from is not None and stored.updated_at != edited_from:
            return EventChanged()
        return SeatsTaken(stored.confirmed_count)

    def cancel_event(self, event_id: str, notice: Notice, now: datetime) -> None:
        """Call the meeting off and store the notice that tells everyone, in one transaction: the
        status becomes cancelled and the calendar version goes up (the cancellation's calendar file
        outranks every file sent before). EventCancelled when it already was; EventNotFound when gone."""
        update = {
            "Update": {
                "TableName": self.table,
                "Key": event_key(event_id),
                "UpdateExpression": "SET #status = :cancelled, updated_at = :now, "
                "calendar_version = if_not_exists(calendar_version, :zero) + :one",
                "ConditionExpression": "attribute_exists(PK) AND #status <> :cancelled",
                "ExpressionAttributeNames": {"#status": "status"},
                "ExpressionAttributeValues": {
                    ":cancelled": {"S": EventStatus.CANCELLED},
                    ":now": {"S": iso_time(now)},
                    ":zero": {"N": "0"},
                    ":one": {"N": "1"},
                },
            }
        }
        self.forget_event(event_id)
        if self._transact([("event", update), *self._notice_put(notice)]):
            stored = self.get_event(event_id)
            raise EventNotFound() if stored is None else EventCancelled(event=stored)

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
                    "ConditionExpression": "waitlist_count > :zero AND #status <> :cancelled AND "
                    "(attribute_not_exists(#capacity) OR confirmed_count < #capacity)",
                    # "capacity" and "status" are among DynamoDB's reserved words.
                    "ExpressionAttributeNames": {"#capacity": "capacity", "#status": "status"},
                    "ExpressionAttributeValues": {
                        ":one": {"N": "1"},
                        ":zero": {"N": "0"},
                        ":cancelled": {"S": EventStatus.CANCELLED},
                    },
                }
            },
        ]
        self._transact_or_contention(items)
