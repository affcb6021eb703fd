"""The registration rule: one seat per person, never more seats than capacity.

`register` is a plain function: the store, the clock and the sleep are passed
in, so the rules are tested without AWS and without waiting.
"""

from __future__ import annotations

import logging
import random
import secrets
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from .errors import (
    AlreadyRegistered,
    Contention,
    EventFull,
    EventNotFound,
    RegistrationClosed,
    ServiceBusy,
)
from .events import Event
from .forms import Answers, parse_answers

log = logging.getLogger(__name__)

CONFIRMED = "confirmed"
WAITLISTED = "waitlisted"
CANCELLED = "cancelled"

MAX_CONTENTION_RETRIES = 10
BACKOFF_BASE_SECONDS = 0.02
BACKOFF_CAP_SECONDS = 1.0


@dataclass(frozen=True)
class Registration:
    event_id: str
    registration_id: str
    answers: Answers
    status: str
    created_at: datetime
    updated_at: datetime

    @property
    def is_live(self) -> bool:
        return self.status != CANCELLED


@dataclass(frozen=True)
class Outcome:
    registration: Registration
    created: bool


class RegistrationStore(Protocol):
    """What the registration rule needs from storage (DynamoDB or a fake)."""

    def get_event(self, event_id: str) -> Event | None: ...

    def insert_registration(self, registration: Registration, now: datetime) -> None:
        """Store a new registration and count it, atomically.

        Raises AlreadyRegistered (with the live one), EventFull (only for a
        confirmed insert), RegistrationClosed, EventNotFound or Contention.
        """

    def update_answers(self, registration: Registration, answers: Answers, now: datetime) -> Registration: ...

    def registrations(self, event_id: str) -> Iterator[Registration]: ...


def register(
    event_id: str,
    raw_answers: Mapping[str, Any],
    *,
    store: RegistrationStore,
    now: datetime,
    sleep: Callable[[float], None] = time.sleep,
    new_id: Callable[[], str] = lambda: secrets.token_urlsafe(16),
) -> Outcome:
    """Validate and store one registration: confirmed while seats last, then waitlisted.

    A second registration with the same email returns the first one (answers
    updated while registration is open) and takes no second seat.
    """
    event = store.get_event(event_id)
    if event is None:
        raise EventNotFound()
    answers = parse_answers(raw_answers, event)
    if not event.is_open(now):
        raise RegistrationClosed(event=event)

    status = WAITLISTED if event.is_full else CONFIRMED
    contention_retries = 0
    # Each pass is one transaction; a full event flips us to the waiting list
    # and a seat freed meanwhile flips us back, so bound the passes too.
    for _ in range(2 * MAX_CONTENTION_RETRIES + 2):
        registration = Registration(
            event_id=event.id,
            registration_id=new_id(),
            answers=answers,
            status=status,
            created_at=now,
            updated_at=now,
        )
        try:
            store.insert_registration(registration, now)
            log.info("registration stored", extra={"event_id": event.id, "status": status})
            return Outcome(registration, created=True)
        except AlreadyRegistered as existing:
            return _answer_with_existing(existing.args[0], answers, event, store=store, now=now)
        except EventFull:
            status = WAITLISTED
        except Contention:
            contention_retries += 1
            if contention_retries > MAX_CONTENTION_RETRIES:
                break
            status = CONFIRMED
            sleep(_backoff(contention_retries))
        except RegistrationClosed as closed:
            raise RegistrationClosed(event=event) from closed
    log.warning("registration gave up after contention", extra={"event_id": event.id})
    raise ServiceBusy()


def _answer_with_existing(
    existing: Registration, answers: Answers, event: Event, *, store: RegistrationStore, now: datetime
) -> Outcome:
    if existing.answers != answers and event.is_open(now):
        existing = store.update_answers(existing, answers, now)
    return Outcome(existing, created=False)


def _backoff(attempt: int) -> float:
    """Full jitter (AWS Architecture Blog): spreads racing retries apart."""
    return random.uniform(0, min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2**attempt))
