"""Events: their descriptions and counters, listed by start from the events index (no Scan)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..events import Event
from .items import event_attributes, event_from_item
from .schema import event_key, iso_time
from .table import TableAccess, set_or_remove


class EventRecords(TableAccess):
    def get_event(self, event_id: str) -> Event | None:
        item = self._get(event_key(event_id))
        return event_from_item(item) if item else None

    def put_event(self, event: Event, now: datetime) -> None:
        """Create or update an event's description; its counters are left as they are."""
        self.client.update_item(**self._event_update(event, now))

    def _event_update(self, event: Event, now: datetime, bump_calendar: bool = False) -> dict[str, Any]:
        """The UpdateItem that writes an event's description and starts its counters at zero;
        `bump_calendar` when its time or place changed (every calendar file sent from now on is a
        later revision: its SEQUENCE is derived from the stored version, never from the caller's copy)."""
        version = "calendar_version = if_not_exists(calendar_version, :zero)" + (" + :one" if bump_calendar else "")
        expression, names, values = set_or_remove(
            dict(sorted(event_attributes(event).items())),
            "a",
            also_set=(
                "confirmed_count = if_not_exists(confirmed_count, :zero)",
                "waitlist_count = if_not_exists(waitlist_count, :zero)",
                "pending_count = if_not_exists(pending_count, :zero)",
                "created_at = if_not_exists(created_at, :now)",
                "updated_at = :now",
                version,
            ),
        )
        extra = {":one": {"N": "1"}} if bump_calendar else {}
        return {
            "TableName": self.table,
            "Key": event_key(event.id),
            "UpdateExpression": expression,
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": {**values, ":zero": {"N": "0"}, ":now": {"S": iso_time(now)}, **extra},
        }

    def list_events(self) -> list[Event]:
        """Every event, by start time."""
        return self._events_by_start()

    def upcoming_events(self, now: datetime) -> list[Event]:
        """Events that have not started yet: past events are never read."""
        return self._events_by_start("GSI1SK >= :now", {":now": {"S": iso_time(now.replace(microsecond=0))}})
