"""The hourly job: reminders to attendees, digests to organisers, the deadline hand-off.

EventBridge runs it in UTC; every decision here is made in the event's own
time zone, so "07:00" stays 07:00 across daylight saving. Each send is
claimed with a conditional write before it goes out, so a job invoked twice,
or twice at once, sends once; a run that crashed between claim and send
leaves a claim whose lease runs out, and a later run sends it (we err towards
one duplicate over a lost reminder).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from email.message import EmailMessage
from enum import StrEnum
from typing import Any, Protocol

from . import email_history, outbox
from .digest import Summary, summarize
from .errors import EventStarted, RegistrationNotFound, ServiceBusy
from .events import DigestMode, Event, reminder_instants
from .mail import Mailer, SendFailed
from .registrations import CancellationStore, EmailKind, EmailState, Registration, Status, release_hold

log = logging.getLogger(__name__)

CLAIM_LEASE = timedelta(minutes=15)


class SendState(StrEnum):
    """Where one scheduled send (a digest, a reminder to one person) stands, on its marker."""

    CLAIMED = "claimed"  # a run is sending it; free again once the lease runs out
    SENT = "sent"
    SKIPPED = "skipped"  # a "changes" digest with nothing new
    FAILED = "failed"  # free to claim again now


FINAL = (SendState.SENT, SendState.SKIPPED)


@dataclass(frozen=True)
class SendMarker:
    """Where one scheduled send stands, as its marker records it."""

    state: SendState
    finished_at: datetime | None = None  # when it was last sent, skipped or failed

    @property
    def done(self) -> bool:
        return self.state in FINAL


class SensitiveAnswerStore(Protocol):
    def events_with_sensitive_answers(self, start: datetime, end: datetime) -> list[Event]:
        """Events that started in [start, end] whose diets and access needs are not yet forgotten."""

    def registrations(self, event_id: str) -> Iterator[Registration]: ...

    def blank_sensitive_answers(self, registration: Registration) -> None: ...

    def mark_sensitive_forgotten(self, event_id: str, now: datetime) -> None: ...


class JobStore(CancellationStore, SensitiveAnswerStore, email_history.EmailHistoryStore, Protocol):
    def upcoming_events(self, now: datetime) -> list[Event]: ...

    def sent_markers(self, event_id: str) -> dict[str, SendMarker]: ...

    def claim_send(self, event_id: str, name: str, now: datetime, lease: datetime) -> bool: ...

    def finish_send(self, event_id: str, name: str, state: SendState, now: datetime, message_id: str = "") -> None: ...

    def is_suppressed(self, email_key: str) -> bool: ...

    # Releasing held seats goes through the cancellation transaction (CancellationStore); these
    # record the promotion email (outbox.send_now checks the suppression list first).
    # `line`: the person's email history line, written in the same call (one round trip, not two).
    def email_sent(
        self, registration: Registration, message_id: str, line: email_history.SentEmail | None = None
    ) -> None: ...

    def email_failed(
        self,
        registration: Registration,
        error: str,
        retry_at: datetime | None,
        line: email_history.SentEmail | None = None,
    ) -> None: ...

    def email_suppressed(self, registration: Registration, line: email_history.SentEmail | None = None) -> None: ...


class Messages(Protocol):
    """Builds the emails the job sends (service.py wires the real one)."""

    def registration(self, event: Event, registration: Registration) -> EmailMessage:
        """The promotion email of someone a released seat went to."""

    def reminder(self, event: Event, registration: Registration) -> EmailMessage: ...

    def digest(
        self, event: Event, summary: Summary, registrations: list[Registration], *, final: bool, caterer: bool = False
    ) -> EmailMessage: ...


class _EventRun:
    """One event's part of one run: reads registrations at most once."""

    def __init__(self, event: Event, store: JobStore, mailer: Mailer, messages: Messages, now: datetime) -> None:
        self.event = event
        self.store = store
        self.mailer = mailer
        self.messages = messages
        self.now = now
        self._markers: dict[str, SendMarker] | None = None
        self._registrations: list[Registration] | None = None
        self.counts: Counter[str] = Counter()

    @property
    def registrations(self) -> list[Registration]:
        if self._registrations is None:
            self._registrations = list(self.store.registrations(self.event.id))
        return self._registrations

    @property
    def markers(self) -> dict[str, SendMarker]:
        # Read only when something is due: most hourly runs touch an event not at all.
        if self._markers is None:
            self._markers = self.store.sent_markers(self.event.id)
        return self._markers

    def done(self, name: str) -> bool:
        marker = self.markers.get(name)
        return marker is not None and marker.done

    def send_once(self, name: str, kind: str, build: Any, to: Registration | None = None) -> bool:
        """Claim, send, record (and, for an email `to` a registered person, a line in their email
        history: such an email is one of the registration's own kinds, the reminder). True when this
        run sent it."""
        if not self.store.claim_send(self.event.id, name, self.now, self.now + CLAIM_LEASE):
            self.counts[f"{kind}_claimed_elsewhere"] += 1
            return False
        try:
            message_id = self.mailer.send(build())
        except SendFailed as failure:
            log.warning(
                "scheduled email not sent", extra={"event_id": self.event.id, "kind": kind, "error": failure.code}
            )
            self.store.finish_send(self.event.id, name, SendState.FAILED, self.now)
            if to is not None:
                email_history.note(
                    self.store, to, EmailKind(kind), email_history.Result.FAILED, now=self.now, error=failure.code
                )
            self.counts[f"{kind}_failed"] += 1
            return False
        self.store.finish_send(self.event.id, name, SendState.SENT, self.now, message_id)
        if to is not None:
            email_history.note(
                self.store, to, EmailKind(kind), email_history.Result.SENT, now=self.now, message_id=message_id
            )
        self.counts[f"{kind}_sent"] += 1
        return True

    def release_holds(self) -> None:
        """Seats held for addresses nobody confirmed in time go to the waiting list, the oldest
        hold first; one transaction per release, and the person who gets the seat is emailed."""
        if not self.event.pending_count:
            return  # nothing held: the registrations are not read
        expired = sorted(
            (r for r in self.registrations if r.status == Status.PENDING and r.hold_until and r.hold_until <= self.now),
            key=lambda r: (r.hold_until, r.registration_id),
        )
        for registration in expired:
            try:
                result = release_hold(self.event.id, registration.registration_id, store=self.store, now=self.now)
            except (RegistrationNotFound, ServiceBusy):
                self.counts["hold_release_retry_later"] += 1
                continue
            except EventStarted:
                return  # the meeting began meanwhile: no seat is passed on into it
            if result is None:  # confirmed or released meanwhile (a click, or a second run)
                continue
            self.counts["holds_released"] += 1
            if result.promoted is not None:
                self.counts["promotions"] += 1
                # send_now skips (and marks) an address that bounced, like every other email.
                outbox.send_now(
                    result.promoted,
                    self.event,
                    store=self.store,
                    mailer=self.mailer,
                    build=self.messages.registration,
                    now=self.now,
                )
        if expired:
            self._registrations = None  # the digest and reminders below read the new state

    def reminders(self) -> None:
        for days, due in reminder_instants(self.event).items():
            batch = f"reminder-{days}d"
            if not (due <= self.now < self.event.starts_at) or self.done(batch):
                continue
            complete = True
            for registration in self.registrations:
                name = f"{batch}#{registration.registration_id}"
                # Only confirmed people who signed up before the reminder time: no stale reminders.
                if registration.status != Status.CONFIRMED or registration.created_at >= due or self.done(name):
                    continue
                if registration.email.state == EmailState.SUPPRESSED or self.store.is_suppressed(
                    registration.answers.email_key
                ):
                    continue
                sent = self.send_once(
                    name,
                    EmailKind.REMINDER,
                    lambda r=registration: self.messages.reminder(self.event, r),
                    to=registration,
                )
                complete = complete and sent
            if complete:
                # The whole batch went out: later runs skip it without reading every marker.
                self.store.finish_send(self.event.id, batch, SendState.SENT, self.now)

    def digest(self) -> None:
        event = self.event
        if event.digest == DigestMode.OFF or self.now >= event.starts_at:
            return
        local_now = self.now.astimezone(event.zone)
        due = datetime.combine(local_now.date(), time(event.digest_hour), tzinfo=event.zone)
        name = f"digest#{local_now.date().isoformat()}"
        if self.now < due or self.done(name):
            return
        summary = summarize(event, self.registrations, now=self.now, since=self.last_digest())
        if event.digest == DigestMode.CHANGES and not summary.changed:
            self.store.finish_send(event.id, name, SendState.SKIPPED, self.now)
            self.counts["digest_skipped"] += 1
            return
        self.send_once(name, "digest", lambda: self.messages.digest(event, summary, self.registrations, final=False))

    def last_digest(self) -> datetime | None:
        times = [
            marker.finished_at
            for name, marker in self.markers.items()
            if name.startswith("digest#") and marker.state == SendState.SENT and marker.finished_at
        ]
        return max(times, default=None)

    def handoff(self) -> None:
        """Once registration closes: the final list to organisers, the headcount to the caterer."""
        event = self.event
        if self.now < event.deadline_at:
            return
        wanted = [("handoff", False)] + ([("handoff-caterer", True)] if event.caterer else [])
        pending = [(name, caterer) for name, caterer in wanted if not self.done(name)]
        if not pending:
            return
        summary = summarize(event, self.registrations, now=self.now, since=None)
        for name, caterer in pending:
            self.send_once(
                name,
                name.replace("-", "_"),
                lambda c=caterer: self.messages.digest(event, summary, self.registrations, final=True, caterer=c),
            )


def forget_sensitive_answers(store: SensitiveAnswerStore, now: datetime, after: timedelta) -> int:
    """Blank diet, access needs and sensitive custom answers of events that ended more than `after` ago; once per event.

    Looks back a bounded window (60 days past `after`), so old events are not re-read each hour.
    """
    blanked = 0
    # Already-forgotten events are filtered out in the index query itself: a quiet hour costs one Query.
    for event in store.events_with_sensitive_answers(now - after - timedelta(days=60), now - after):
        if event.ends_at_or_default + after > now:
            continue
        for registration in store.registrations(event.id):
            if registration.answers.diet or registration.answers.access_needs or registration.answers.sensitive:
                store.blank_sensitive_answers(registration)
                blanked += 1
        store.mark_sensitive_forgotten(event.id, now)
    if blanked:
        log.info("sensitive answers blanked", extra={"count": blanked})
    return blanked


def run_hourly(
    *,
    store: JobStore,
    mailer: Mailer,
    messages: Messages,
    now: datetime,
    sensitive_retention: timedelta = timedelta(days=7),
) -> Counter[str]:
    """Everything due now, for every event that has not started (past events are not read),
    and the privacy clean-up of events that ended a week ago."""
    counts: Counter[str] = Counter()
    counts["sensitive_answers_blanked"] = forget_sensitive_answers(store, now, sensitive_retention)
    events = store.upcoming_events(now)
    for event in events:
        if event.is_cancelled:
            # Called off: no reminders, digests, hand-off or seats passed on (everyone has been told).
            counts["cancelled_events_skipped"] += 1
            continue
        run = _EventRun(event, store, mailer, messages, now)
        run.release_holds()
        run.handoff()
        run.digest()
        run.reminders()
        counts.update(run.counts)
    counts["events_checked"] = len(events)
    log.info("hourly run", extra={"counts": dict(counts)})
    return counts
