"""The outbox: every accepted registration gets its email, exactly once in the normal case.

The registration is committed first, holding an email lease. The request then
sends and records the result. If SES fails, or the request dies, the outbox job
finds the email through the sparse outbox index when it is due, claims it with a
conditional write (so two jobs never both send), and tries again with backoff.
A crash between SES accepting a message and us recording it means one more
send after the lease: we err on the side of a duplicate over a lost confirmation.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Protocol, TypedDict

from . import email_history
from .email_history import EmailHistoryStore, HistoryKind, Result, SentEmail
from .events import Event
from .mail import RECEIPTS, Mailer, SendFailed, still_owed
from .registrations import EMAIL_LEASE, EmailState, Registration

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
# After attempt n fails, wait RETRY_DELAYS[n-1] (the last one repeats until MAX_ATTEMPTS).
RETRY_DELAYS = (
    timedelta(minutes=5),
    timedelta(minutes=15),
    timedelta(hours=1),
    timedelta(hours=3),
    timedelta(hours=12),
)

# Why an email was given up without sending: the registration moved on (see mail.still_owed).
NOT_OWED = "not_owed"


class DeliveryRecord(EmailHistoryStore, Protocol):
    """Where `send_now` checks the suppression list and records what happened to one email (on the
    registration, and a line in the person's email history)."""

    def is_suppressed(self, email_key: str) -> bool: ...

    # `line`: the person's email history line, written in the same call (one round trip, not two).
    def email_sent(self, registration: Registration, message_id: str, line: SentEmail | None = None) -> None: ...

    def email_failed(
        self, registration: Registration, error: str, retry_at: datetime | None, line: SentEmail | None = None
    ) -> None: ...

    def email_suppressed(self, registration: Registration, line: SentEmail | None = None) -> None: ...


class OutboxStore(DeliveryRecord, Protocol):
    def get_event(self, event_id: str) -> Event | None: ...

    def due_emails(self, now: datetime) -> Iterator[Registration]: ...

    def claim_email(self, registration: Registration, now: datetime, lease: datetime) -> Registration | None: ...


BuildMessage = Callable[[Event, Registration], EmailMessage]


class SendOptions(TypedDict, total=False):
    """send_now's own choices, for a caller that passes them through as it got them (see send_now)."""

    suppression_checked: bool
    history_kind: HistoryKind | None


@dataclass(frozen=True)
class Delivery:
    state: EmailState
    error: str = ""


def retry_at(attempts: int, now: datetime) -> datetime | None:
    """When to try again after `attempts` failed tries, or None to give up."""
    if attempts >= MAX_ATTEMPTS:
        return None
    return now + RETRY_DELAYS[min(attempts, len(RETRY_DELAYS)) - 1]


def send_now(
    registration: Registration,
    event: Event,
    *,
    store: DeliveryRecord,
    mailer: Mailer,
    build: BuildMessage,
    now: datetime,
    suppression_checked: bool = False,
    history_kind: HistoryKind | None = None,
) -> Delivery:
    """Send an email whose lease this caller holds, and record what happened.

    Every email goes through here, so the rules hold for all of them: an address that bounced
    or complained is not written to, and an email that no longer fits the registration (a
    confirmation for a released seat) is given up, not built. Never raises for SES trouble: the
    registration stands, the outbox retries. `suppression_checked`: the caller's own transaction
    has just checked the list (a sign-up does, as a condition), so reading it again costs a call
    on the hot path and proves nothing new. `history_kind` names the email in the person's history
    when its kind alone would not say it (a confirmation sent again from the console: RESEND).
    """
    kind = history_kind or registration.email.kind
    if not still_owed(registration):
        log.warning("email no longer owed", extra={"event_id": event.id, "kind": registration.email.kind})
        store.email_failed(registration, NOT_OWED, None)
        return Delivery(EmailState.GAVE_UP, NOT_OWED)
    if not suppression_checked and store.is_suppressed(registration.answers.email_key):
        store.email_suppressed(registration, email_history.line_for(registration, kind, Result.SUPPRESSED, now=now))
        return Delivery(EmailState.SUPPRESSED)
    try:
        message_id = mailer.send(build(event, registration))
    except SendFailed as failure:
        log.warning("email not sent", extra={"event_id": event.id, "error": failure.code})
        line = email_history.line_for(registration, kind, Result.FAILED, now=now, error=failure.code)
        store.email_failed(registration, failure.code, retry_at(registration.email.attempts, now), line)
        return Delivery(EmailState.FAILED, failure.code)
    store.email_sent(
        registration,
        message_id,
        email_history.line_for(registration, kind, Result.SENT, now=now, message_id=message_id),
    )
    return Delivery(EmailState.SENT)


def retry_due_emails(
    *,
    store: OutboxStore,
    mailer: Mailer,
    build: BuildMessage,
    now: datetime,
    limit: int = 200,
) -> Counter[str]:
    """The outbox job: claim each due email and send it; returns counts by outcome."""
    counts: Counter[str] = Counter()
    events: dict[str, Event | None] = {}
    for registration in store.due_emails(now):
        if sum(counts.values()) >= limit:
            counts["left_for_next_run"] += 1
            continue
        claimed = store.claim_email(registration, now, now + EMAIL_LEASE)
        if claimed is None:
            counts["claimed_elsewhere"] += 1
            continue
        if claimed.event_id not in events:
            events[claimed.event_id] = store.get_event(claimed.event_id)
        event = events[claimed.event_id]
        if event is None:
            store.email_failed(claimed, "event_missing", None)
            counts[EmailState.GAVE_UP] += 1
            continue
        if event.is_cancelled and claimed.email.kind not in RECEIPTS:
            # The meeting was called off: a seat's (or a place in line's) email is no news any more.
            store.email_failed(claimed, "event_cancelled", None)
            counts["event_cancelled"] += 1
            continue
        if now >= event.starts_at:
            # By the event's current time: a seat (or a confirmation) for a meeting under way is no use.
            store.email_failed(claimed, "event_started", None)
            counts["event_started"] += 1
            continue
        delivery = send_now(claimed, event, store=store, mailer=mailer, build=build, now=now)
        counts[delivery.error if delivery.error == NOT_OWED else delivery.state] += 1
    if counts:
        log.info("outbox run", extra={"counts": dict(counts)})
    return counts
