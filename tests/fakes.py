"""An in-memory RegistrationStore with DynamoDB's all-or-nothing semantics."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime

from chalicelib.errors import AlreadyRegistered, Contention, EventFull, EventNotFound, RegistrationClosed
from chalicelib.events import Event
from chalicelib.forms import Answers
from chalicelib.registrations import CONFIRMED, Registration


class InMemoryStore:
    def __init__(self, *events: Event) -> None:
        self.events = {event.id: event for event in events}
        self.items: dict[tuple[str, str], Registration] = {}
        self.lock = threading.Lock()
        self.conflicts_to_raise = 0
        self.insert_calls = 0

    def get_event(self, event_id: str) -> Event | None:
        return self.events.get(event_id)

    def insert_registration(self, registration: Registration, now: datetime) -> None:
        with self.lock:
            self.insert_calls += 1
            if self.conflicts_to_raise:
                self.conflicts_to_raise -= 1
                raise Contention("TransactionConflict")
            key = (registration.event_id, registration.answers.email_key)
            existing = self.items.get(key)
            if existing is not None and existing.is_live:
                raise AlreadyRegistered(existing)
            event = self.events.get(registration.event_id)
            if event is None:
                raise EventNotFound()
            if not event.is_open(now):
                raise RegistrationClosed()
            if registration.status == CONFIRMED:
                if event.is_full:
                    raise EventFull()
                event = replace(event, confirmed_count=event.confirmed_count + 1)
            else:
                if not event.is_full:
                    raise Contention("seat freed meanwhile")
                event = replace(event, waitlist_count=event.waitlist_count + 1)
            self.events[event.id] = event
            self.items[key] = registration

    def update_answers(self, registration: Registration, answers: Answers, now: datetime) -> Registration:
        with self.lock:
            key = (registration.event_id, registration.answers.email_key)
            updated = replace(registration, answers=replace(answers, email=registration.answers.email), updated_at=now)
            self.items[key] = updated
            return updated

    def registrations(self, event_id: str) -> Iterator[Registration]:
        return iter([r for (eid, _), r in sorted(self.items.items()) if eid == event_id])
