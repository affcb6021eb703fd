"""Seats changing hands: a cancellation (or a released hold) with the promotion of the first on
the waiting list, and a held seat confirmed; each one transaction with the event's counters."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..registrations import EmailDelivery, Registration, SeatRelease, Status
from .items import email_attributes
from .places import place_changes
from .schema import event_key, iso_time, registration_key
from .table import TableAccess, set_or_remove


class Seats(TableAccess):
    def cancel(self, release: SeatRelease) -> None:
        """Cancel one registration (or release its held seat); a freed seat goes to the first on the
        waiting list in the same transaction, written as `promoted` (its status, hold and email as
        the domain built them); the cancelled item holds its `receipt` email (in the outbox index,
        like any waiting email).

        Raises Contention when anything changed since it was read (someone else
        cancelled, confirmed, promoted or joined the waiting list): read again and retry.
        """
        registration, promoted, now = release.registration, release.promoted, release.now
        was = registration.status
        items: list[dict[str, Any]] = [
            self._status_change(registration, was, Status.CANCELLED, now, email=release.receipt),
        ]
        # How the held (unconfirmed) seats change: one fewer if this was one, one more if the
        # seat passes to someone who must confirm in turn.
        pending_change = (1 if promoted is not None and promoted.status == Status.PENDING else 0) - (
            1 if was == Status.PENDING else 0
        )
        if was == Status.WAITLISTED:
            sets, condition = ["waitlist_count = waitlist_count - :one"], "waitlist_count > :zero"
        elif promoted is not None:
            items.append(
                self._status_change(
                    promoted,
                    Status.WAITLISTED,
                    promoted.status,
                    now,
                    email=promoted.email,
                    hold_until=promoted.hold_until,
                )
            )
            sets, condition = ["waitlist_count = waitlist_count - :one"], "waitlist_count > :zero"
        else:
            # Only free the seat if nobody is waiting: else one of them must get it.
            sets, condition = ["confirmed_count = confirmed_count - :one"], "waitlist_count = :zero"
        values = {":one": {"N": "1"}, ":zero": {"N": "0"}}
        if pending_change:
            sets.append("pending_count = if_not_exists(pending_count, :zero) + :pending")
            values[":pending"] = {"N": str(pending_change)}
        # The choices the cancelled registration held are free for someone else.
        place_sets, _, place_names, _ = place_changes((), registration.answers.places, {})
        update: dict[str, Any] = {
            "TableName": self.table,
            "Key": event_key(registration.event_id),
            "UpdateExpression": "SET " + ", ".join(sets) + place_sets,
            "ConditionExpression": condition,
            "ExpressionAttributeValues": values,
        }
        if place_names:
            update["ExpressionAttributeNames"] = place_names
        items.append({"Update": update})
        self._transact_or_contention(items)

    def confirm_seat(self, confirmed: Registration, now: datetime) -> None:
        """A held seat becomes `confirmed`, with the confirmation email (and calendar file) the domain
        leased to its caller; Contention when it was released or changed meanwhile."""
        items: list[Any] = [
            self._status_change(confirmed, Status.PENDING, confirmed.status, now, email=confirmed.email),
            {
                "Update": {
                    "TableName": self.table,
                    "Key": event_key(confirmed.event_id),
                    "UpdateExpression": "SET pending_count = pending_count - :one",
                    "ConditionExpression": "pending_count > :zero",
                    "ExpressionAttributeValues": {":one": {"N": "1"}, ":zero": {"N": "0"}},
                }
            },
        ]
        self._transact_or_contention(items)

    def _status_change(
        self,
        registration: Registration,
        was: str,
        becomes: str,
        now: datetime,
        email: EmailDelivery | None = None,
        hold_until: datetime | None = None,
    ) -> dict[str, Any]:
        names = {"#status": "status"}
        values: dict[str, Any] = {
            ":was": {"S": was},
            ":becomes": {"S": becomes},
            ":id": {"S": registration.registration_id},
            ":now": {"S": iso_time(now)},
        }
        attributes = email_attributes(email) if email is not None else {}
        if hold_until is not None:
            attributes["hold_until"] = iso_time(hold_until)
        expression, email_names, email_values = set_or_remove(
            attributes, "e", also_set=("#status = :becomes", "updated_at = :now")
        )
        names.update(email_names)
        values.update(email_values)
        return {
            "Update": {
                "TableName": self.table,
                "Key": registration_key(registration.event_id, registration.answers.email_key),
                "UpdateExpression": expression,
                "ConditionExpression": "#status = :was AND registration_id = :id",
                "ExpressionAttributeNames": names,
                "ExpressionAttributeValues": values,
            }
        }
