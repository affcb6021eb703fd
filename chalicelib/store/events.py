"""Events: their descriptions and counters, listed by start from the events index (no Scan)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from ..events import Event
from .items import event_attributes, event_from_item
from .schema import event_key, iso_time
from .table import TableAccess, set_or_remove

# How long a sign-up may go by an event read earlier in this process (`recent_event`): a warm
# container reads each event about twice a minute, not once a registration.
RECENT_EVENT_AGE = timedelta(seconds=30)
# Enough for every event open at once; past that the copies are dropped and read again.
RECENT_EVENTS_KEPT = 256


class EventRecords(TableAccess):
    # event id -> (when read, the event as read): see `recent_event`.
    _recent: dict[str, tuple[datetime, Event]] | None = None

    def get_event(self, event_id: str) -> Event | None:
        item = self._get(event_key(event_id))
        return event_from_item(item) if item else None

    def recent_event(self, event_id: str, now: datetime) -> Event | None:
        """The event as this process read it less than RECENT_EVENT_AGE ago, else read now.

        For the sign-up path: its transaction checks that the event's `updated_at` is still the
        one read (insert_registration's `read`), so an organiser's edit since never lets a copy
        decide anything: the write is refused with the stored event and the rule decides again.
        Its counters are only a first guess either way (the write checks the seats)."""
        kept = (self._recent or {}).get(event_id)
        if kept is not None and timedelta(0) <= now - kept[0] < RECENT_EVENT_AGE:
            return kept[1]
        event = self.get_event(event_id)
        if event is None:
            self.forget_event(event_id)
        else:
            self.remember_event(event, now)
        return event

    def remember_event(self, event: Event, now: datetime) -> None:
        """Keep `event`, read at `now`, for `recent_event` (a refused write returns it newer)."""
        if self._recent is None or len(self._recent) >= RECENT_EVENTS_KEPT:
            self._recent = {}
        self._recent[event.id] = (now, event)

    def forget_event(self, event_id: str) -> None:
        """This process saved the event: its next sign-up reads it again."""
        if self._recent is not None:
            self._recent.pop(event_id, None)

    def put_event(self, event: Event, now: datetime) -> None:
        """Create or update an event's description; its counters are left as they are."""
        self.client.update_item(**self._event_update(event, now))

    def _event_update(self, event: Event, now: datetime, bump_calendar: bool = False) -> dict[str, Any]:
        """The UpdateItem that writes an event's description and starts its counters at zero;
        `bump_calendar` when its time or place changed (every calendar file sent from now on is a
        later revision: its SEQUENCE is derived from the stored version, never from the caller's copy)."""
        self.forget_event(event.id)
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
