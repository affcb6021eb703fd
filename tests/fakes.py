"""An in-memory RegistrationStore with DynamoDB's all-or-nothing semantics.

Where it stands in for DynamoStore it is held to the same contract tests
(tests/integration/test_store.py, the cases marked `ALSO_ON_THE_FAKE`)."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from dataclasses import replace
from datetime import datetime
from email.message import EmailMessage
from typing import TYPE_CHECKING

from chalicelib.console.events import counted_as
from chalicelib.errors import (
    AlreadyRegistered,
    ChoiceFull,
    Contention,
    EventEdited,
    EventFull,
    EventNotFound,
    NoticeNotNeeded,
    RegistrationClosed,
    RegistrationNotFound,
    WaitlistFull,
)
from chalicelib.events import Event
from chalicelib.mail import Mailer, SendFailed
from chalicelib.network import Member, NetworkStore, OrganisationAlias, member_ref
from chalicelib.registrations import (
    SEATED,
    AnswerChange,
    AnswerStore,
    EmailDelivery,
    EmailState,
    Registration,
    RegistrationStore,
    RepeatedSignUp,
    SignUp,
    Status,
)

if TYPE_CHECKING:
    from chalicelib.notice_delivery import NoticeMessages
    from chalicelib.notices import Notice
    from chalicelib.working_groups import Group


class InMemoryStore:
    def __init__(self, *events: Event) -> None:
        self.events = {event.id: event for event in events}
        self.items: dict[tuple[str, str], Registration] = {}
        self.lock = threading.Lock()
        self.conflicts_to_raise = 0
        self.insert_calls = 0
        self.duplicates: list[tuple[str | None, EmailDelivery | None]] = []
        self.members: dict[tuple[str, str], Member] = {}
        self.aliases: dict[tuple[str, str], OrganisationAlias] = {}

    def get_event(self, event_id: str) -> Event | None:
        return self.events.get(event_id)

    def recent_event(self, event_id: str, now: datetime) -> Event | None:
        """No copies here: the event as stored (the store's own are tested against DynamoDB Local)."""
        return self.events.get(event_id)

    def put_event(self, event: Event, now: datetime) -> None:
        """Like the store: the description is replaced (and dated), the counters stay."""
        event = replace(event, updated_at=now)
        with self.lock:
            old = self.events.get(event.id)
            if old is not None:
                event = counted_as(old, event)
            self.events[event.id] = event

    def insert_registration(self, signup: SignUp) -> None:
        registration, now, read = signup.registration, signup.now, signup.read
        with self.lock:
            self.insert_calls += 1
            if self.conflicts_to_raise:
                self.conflicts_to_raise -= 1
                raise Contention("TransactionConflict")
            event = self.events.get(registration.event_id)
            if read is not None and (event is None or event.updated_at != read.updated_at):
                raise EventEdited(event)
            key = (registration.event_id, registration.answers.email_key)
            existing = self.items.get(key)
            if existing is not None and existing.is_live:
                raise AlreadyRegistered(existing)
            if event is None:
                raise EventNotFound()
            if not signup.by_hand and not event.is_open(now):
                raise RegistrationClosed()
            if registration.status in SEATED:
                if event.is_full:
                    raise EventFull()
                held = registration.status == Status.PENDING
                event = replace(
                    event,
                    confirmed_count=event.confirmed_count + 1,
                    pending_count=event.pending_count + held,
                )
            else:
                if not event.is_full:
                    raise Contention("seat freed meanwhile")
                if event.waitlist_is_full:
                    raise WaitlistFull()
                event = replace(event, waitlist_count=event.waitlist_count + 1)
            event = _move_places(event, registration.answers.places, (), signup.place_limits)
            self.events[event.id] = event
            self.items[key] = registration
            if signup.network:
                self._join(signup.network, registration, now)

    def _join(self, series: str, registration: Registration, now: datetime) -> None:
        answers = registration.answers
        ref = member_ref(answers.email_key)
        old = self.members.get((series, ref))
        self.members[(series, ref)] = Member(
            series=series,
            ref=ref,
            email=answers.email,
            name=answers.name,
            organisation=answers.organisation,
            sector=answers.sector,
            language=answers.language,
            events=(old.events if old else frozenset()) | {registration.event_id},
            joined_at=old.joined_at if old else now,
        )

    def series_events(self, series: str) -> list[Event]:
        return sorted((e for e in self.events.values() if e.series == series), key=lambda e: e.starts_at)

    def network_records(self, series: str) -> tuple[list[Member], list[OrganisationAlias]]:
        return (
            [m for (s, _), m in sorted(self.members.items()) if s == series],
            [a for (s, _), a in sorted(self.aliases.items()) if s == series],
        )

    def put_alias(self, series: str, alias: OrganisationAlias, now: datetime) -> None:
        self.aliases[(series, alias.alias)] = alias

    def get_member(self, series: str, ref: str) -> Member | None:
        return self.members.get((series, ref))

    def remove_member(self, series: str, ref: str) -> bool:
        return self.members.pop((series, ref), None) is not None

    def update_answers(self, change: AnswerChange) -> Registration:
        registration, answers, now = change.registration, change.answers, change.now
        with self.lock:
            event = self.events[registration.event_id]
            if not event.is_open(now):
                raise RegistrationClosed()
            key = (registration.event_id, registration.answers.email_key)
            stored = self.items.get(key)
            if stored is None or stored.registration_id != registration.registration_id or not stored.is_live:
                raise RegistrationNotFound()
            taken = tuple(place for place in answers.places if place not in stored.answers.places)
            freed = tuple(place for place in stored.answers.places if place not in answers.places)
            self.events[event.id] = _move_places(event, taken, freed, change.place_limits)
            updated = replace(registration, answers=replace(answers, email=registration.answers.email), updated_at=now)
            self.items[key] = updated
            return updated

    def note_duplicate(self, repeated: RepeatedSignUp) -> None:
        existing, notice = repeated.existing, repeated.notice
        with self.lock:
            if notice is not None:
                key = (existing.event_id, existing.answers.email_key)
                stored = self.items.get(key)
                # Like the store: never take over an email still on its way.
                if (
                    stored is None
                    or stored.registration_id != existing.registration_id
                    or not stored.is_live
                    or stored.email.state in (EmailState.SENDING, EmailState.FAILED)
                ):
                    raise NoticeNotNeeded()
                self.items[key] = replace(stored, email=notice)
            self.duplicates.append((repeated.client, notice))

    def find_registration(self, event_id: str, registration_id: str) -> Registration | None:
        return next(
            (r for (eid, _), r in self.items.items() if eid == event_id and r.registration_id == registration_id), None
        )

    def registrations(self, event_id: str) -> Iterator[Registration]:
        return iter([r for (eid, _), r in sorted(self.items.items()) if eid == event_id])


def plain_email(to: str, subject: str) -> EmailMessage:
    """An email with only what the store and job tests read of it: whom it goes to and what it is (what
    an email says is tested with the real templates elsewhere)."""
    message = EmailMessage()
    message["To"] = to
    message["Subject"] = subject
    return message


def addressed_email(event: Event, registration: Registration) -> EmailMessage:
    """The outbox's `build` in tests: to the person, its subject the email's kind and the meeting."""
    return plain_email(registration.answers.email, f"{registration.email.kind} {event.id}")


class UnexpectedNoticeMessages:
    """The notice outbox's email builder (NoticeMessages) for a test that overrides the kinds of email it
    expects: any other kind the outbox builds fails the test where it is built."""

    def notice(self, notice: Notice, event: Event, registration: Registration) -> EmailMessage:
        raise AssertionError(f"a {notice.kind} notice to a registrant was not expected here")

    def notice_copy(self, notice: Notice, event: Event, recipients: int) -> EmailMessage:
        raise AssertionError(f"an organisers' copy of a {notice.kind} notice was not expected here")

    def invitation(self, notice: Notice, event: Event, member: Member) -> EmailMessage:
        raise AssertionError("an invitation was not expected here")

    def working_group(
        self, notice: Notice, event: Event, registration: Registration, group: Group, members: list[Registration]
    ) -> EmailMessage:
        raise AssertionError("a working group's email was not expected here")


class RecordingMailer:
    """Records what would be sent; can fail a number of times first, like a throttled SES."""

    def __init__(self, failures: int = 0, code: str = "TooManyRequestsException") -> None:
        self.sent: list[EmailMessage] = []
        self.failures = failures
        self.code = code
        self.lock = threading.Lock()

    def send(self, message: EmailMessage) -> str:
        with self.lock:
            if self.failures:
                self.failures -= 1
                raise SendFailed(self.code)
            self.sent.append(message)
            return f"message-{len(self.sent)}"

    def recipients(self) -> list[str]:
        return [str(message["To"]) for message in self.sent]


def _move_places(event: Event, taken: tuple[str, ...], freed: tuple[str, ...], limits: Mapping[str, int]) -> Event:
    """Like the store's event update: each limited choice taken must have room, or nothing changes."""
    counts = dict(event.choice_counts)
    for place in taken:
        if place in limits and counts.get(place, 0) >= limits[place]:
            raise ChoiceFull(place)
        counts[place] = counts.get(place, 0) + 1
    for place in freed:
        counts[place] = max(counts.get(place, 1) - 1, 0)
    return replace(event, choice_counts=counts)


if TYPE_CHECKING:
    # mypy (make lint) holds each fake to the Protocols of the rules it stands in for; the contract
    # tests (ALSO_ON_THE_FAKE) hold InMemoryStore to the store's behaviour.
    def _stands_in_for(
        store: InMemoryStore, mailer: RecordingMailer, messages: UnexpectedNoticeMessages
    ) -> tuple[RegistrationStore, AnswerStore, NetworkStore, Mailer, NoticeMessages]:
        return store, store, store, mailer, messages
