"""The registration rule: one seat per person, never more seats than capacity.

`register` is a plain function: the store, the clock and the sleep are passed
in, so the rules are tested without AWS and without waiting.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol

from .conflicts import retry_conflicts
from .errors import (
    AddressSuppressed,
    AlreadyRegistered,
    ChoiceFull,
    Contention,
    EmailLimitReached,
    EventCancelled,
    EventEdited,
    EventFull,
    EventNotFound,
    EventStarted,
    FormTokenUsed,
    NoticeNotNeeded,
    RegisteredBefore,
    RegistrationClosed,
    RegistrationNotFound,
    ServiceBusy,
    SignupError,
    ValidationFailed,
    WaitlistFull,
)
from .events import Event
from .forms import Answers, parse_answers

log = logging.getLogger(__name__)


class Status(StrEnum):
    """Where a registration stands; stored, answered and shown as its value."""

    CONFIRMED = "confirmed"
    # A seat held until the person clicks the link in the email (events with confirm_address).
    PENDING = "pending"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"


# Statuses that take one of the event's seats (counted in its confirmed_count).
SEATED = (Status.CONFIRMED, Status.PENDING)


class EmailState(StrEnum):
    """Where a registration's email stands: the outbox retries "sending" (lease expired) and
    "failed" (backoff due)."""

    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    GAVE_UP = "gave_up"
    SUPPRESSED = "suppressed"
    LIMITED = "limited"


class EmailKind(StrEnum):
    """Which email a registration is owed (stored with its state), or the hourly job sends."""

    CONFIRMATION = "confirmation"
    PROMOTION = "promotion"
    # The receipt after cancelling: with a seat (its .ics withdraws the calendar entry), or off the waiting list.
    CANCELLATION = "cancellation"
    LEFT_WAITLIST = "left_waitlist"
    # A held seat given up before it was confirmed: the receipt, but no calendar entry was ever sent.
    CANCELLED_HOLD = "cancelled_hold"
    # To the owner of an address someone signed up again: "you are already registered", with the link.
    ALREADY_REGISTERED = "already_registered"
    # Sent by the hourly job the day before; never stored on a registration.
    REMINDER = "reminder"


# How long the request that stored a registration owns its email before the outbox may retry.
EMAIL_LEASE = timedelta(minutes=5)


@dataclass(frozen=True)
class EmailDelivery:
    """Where one registration's email stands; lives on the registration item."""

    state: EmailState = EmailState.SENDING
    kind: EmailKind = EmailKind.CONFIRMATION
    attempts: int = 0
    due_at: datetime | None = None
    message_id: str = ""
    error: str = ""

    @property
    def waiting(self) -> bool:
        return self.state in (EmailState.SENDING, EmailState.FAILED)


@dataclass(frozen=True)
class Registration:
    event_id: str
    registration_id: str
    answers: Answers
    status: Status
    created_at: datetime
    updated_at: datetime
    email: EmailDelivery = EmailDelivery()
    # When DynamoDB's TTL may delete it (the retention after the event); reads hide it from then on.
    expires_at: datetime | None = None
    # A pending seat is held until then; kept after a release, so the link can say what happened.
    hold_until: datetime | None = None
    # When the person was marked present at the door (the console's check-in); None: not (or undone).
    checked_in_at: datetime | None = None

    @property
    def is_live(self) -> bool:
        return self.status != Status.CANCELLED


@dataclass(frozen=True)
class Outcome:
    """What a sign-up did. For a duplicate, `registration` is what a new sign-up would have
    looked like now (a fresh id, never stored) and `existing` is the live one, untouched but
    for the email state of its "already registered" notice. `notice_leased` says this request
    took the lease on that notice and so is the one to send it; without it, whatever email the
    live registration owes is in the hands that leased it, and sending it here too would be a
    second copy."""

    registration: Registration
    created: bool
    event: Event
    existing: Registration | None = None
    notice_leased: bool = False


@dataclass(frozen=True, slots=True)
class SignUp:
    """What storing one sign-up needs, as the rules decided it (RegistrationStore.insert_registration)."""

    registration: Registration
    now: datetime
    client: str | None = None  # the sender, counted against its rate
    form_token: Any = None  # the form's one-use token, spent in the same write
    by_hand: bool = False  # an organiser adds someone: the deadline and an early close do not apply
    place_limits: Mapping[str, int] = field(default_factory=dict)  # the limited choices' places
    network: str = ""  # the series whose member record this sign-up writes (the person consented)
    read: Event | None = None  # the event the rules went by: EventEdited when it changed since


@dataclass(frozen=True, slots=True)
class RepeatedSignUp:
    """A sign-up of an address already registered (RegistrationStore.note_duplicate): it counts against
    `client` and spends `form_token` like any sign-up and, with `notice`, takes the `existing`
    registration's email lease (an organiser's "send again" is one too, with no sender to count)."""

    existing: Registration
    now: datetime
    notice: EmailDelivery | None
    client: str | None = None
    form_token: Any = None


class RegistrationStore(Protocol):
    """What the registration rule needs from storage (DynamoDB or a fake)."""

    def get_event(self, event_id: str) -> Event | None: ...

    def recent_event(self, event_id: str, now: datetime) -> Event | None:
        """The event, possibly as read a few seconds ago (insert_registration's `read` makes that safe)."""
        ...

    def insert_registration(self, signup: SignUp) -> None:
        """Store a new registration and count it, atomically, with the choice places its answers hold
        (and, with `network`, the person's member record of that series).

        Raises AlreadyRegistered (with the live one), EventFull (only for a
        confirmed insert), ChoiceFull (a limited choice in `place_limits` has no place left),
        RegistrationClosed (never `by_hand`), EventNotFound or Contention; EventEdited (with the
        stored event) when `read`, the event the rules went by, has been edited since.
        """

    def note_duplicate(self, repeated: RepeatedSignUp) -> None:
        """Count a repeated sign-up against the sender, and (with `notice`) hold an email lease on the
        existing registration for the "already registered" email, in one transaction.

        Raises TooManyRequests, AddressSuppressed, EmailLimitReached, NoticeNotNeeded (its
        email is still on its way, or it changed meanwhile) or Contention.
        """

    def registrations(self, event_id: str) -> Iterator[Registration]: ...


def register(
    event_id: str,
    raw_answers: Mapping[str, Any],
    *,
    store: RegistrationStore,
    now: datetime,
    sleep: Callable[[float], None] = time.sleep,
    new_id: Callable[[], str] = lambda: secrets.token_urlsafe(16),
    client: str | None = None,
    retention: timedelta = timedelta(days=90),
    form_token: Any = None,
    by_hand: bool = False,
) -> Outcome:
    """Validate and store one registration: confirmed while seats last, then waitlisted.

    A second registration with the same email changes nothing and takes no second
    seat: it is answered like a new one (so nobody learns who is signed up), counts
    against the sender, and the address's owner is emailed the link to their own.

    `by_hand`: an organiser adds someone (a phone sign-up, a walk-in at the door). The same
    answers, seats and emails, but the deadline and an early close do not apply, and a
    second registration of the same address is refused plainly (RegisteredBefore, with the
    live one): the organiser may know who is signed up, and the owner gets no email.
    """
    # The event as read a few seconds ago will do (a warm container reads it twice a minute, not
    # once a sign-up): the transaction refuses a decision on a description edited since (EventEdited),
    # and a refusal decided here is only given on the stored event.
    event = store.recent_event(event_id, now)
    for _ in range(3):
        answers, event = _admitted(event_id, raw_answers, event, store=store, now=now, by_hand=by_hand)
        try:
            return _insert(
                event,
                answers,
                store=store,
                now=now,
                sleep=sleep,
                new_id=new_id,
                client=client,
                retention=retention,
                form_token=form_token,
                by_hand=by_hand,
            )
        except EventEdited as edited:
            event = edited.event
    raise ServiceBusy()  # edited three times during one sign-up: "busy, try again" is the truth


def _admitted(
    event_id: str,
    raw_answers: Mapping[str, Any],
    event: Event | None,
    *,
    store: RegistrationStore,
    now: datetime,
    by_hand: bool,
) -> tuple[Answers, Event]:
    """The answers as `event` judges them, and the event. A refusal (invalid answers, closed, no such
    event) is never decided on a copy that an organiser's edit may have overtaken: the stored event
    is read first, and judges instead when it has changed."""
    if event is not None:
        try:
            return _judged(raw_answers, event, now, by_hand), event
        except SignupError:
            stored = store.get_event(event_id)
            if stored is not None and stored.updated_at == event.updated_at:
                raise
            event = stored
    else:
        event = store.get_event(event_id)
    if event is None:
        raise EventNotFound()
    return _judged(raw_answers, event, now, by_hand), event


def _judged(raw_answers: Mapping[str, Any], event: Event, now: datetime, by_hand: bool) -> Answers:
    answers = parse_answers(raw_answers, event)
    if event.is_cancelled or (not by_hand and not event.is_open(now)):
        raise closed_refusal(event)
    return answers


def _insert(
    event: Event,
    answers: Answers,
    *,
    store: RegistrationStore,
    now: datetime,
    sleep: Callable[[float], None],
    new_id: Callable[[], str],
    client: str | None,
    retention: timedelta,
    form_token: Any,
    by_hand: bool,
) -> Outcome:
    """Store the registration `answers` make, on `event` as read (see `register`)."""
    seat = _seat_status(event)
    # The request that stores the registration owns its email for a lease; if it
    # dies before sending, the outbox job picks the email up when the lease ends.
    email = EmailDelivery(state=EmailState.SENDING, attempts=1, due_at=now + EMAIL_LEASE)
    # The first try goes by the event as read.
    first_status = _status_now(event)

    def one_try() -> Outcome:
        nonlocal email, first_status
        # After a conflict, try for a seat again: one may have been freed meanwhile.
        status, first_status = first_status, seat
        # A full event flips us to the waiting list, a suppressed or limited address to no email:
        # at most three passes; a seat freed while waitlisting is a conflict (read again).
        for _ in range(3):
            registration = Registration(
                event_id=event.id,
                registration_id=new_id(),
                answers=answers,
                status=status,
                created_at=now,
                updated_at=now,
                email=email,
                expires_at=event.ends_at_or_default + retention,
                hold_until=now + event.hold_period if status == Status.PENDING else None,
            )
            signup = SignUp(
                registration,
                now,
                client,
                form_token,
                by_hand,
                event.place_limits,
                network=event.series if answers.network_consent else "",
                read=event,
            )
            try:
                store.insert_registration(signup)
                log.info("registration stored", extra={"event_id": event.id, "status": status, "by_hand": by_hand})
                return Outcome(registration, created=True, event=event)
            except AlreadyRegistered as already:
                if by_hand:
                    raise RegisteredBefore(registration=already.args[0]) from already
                return _answer_duplicate(already.args[0], signup, event, store=store, sleep=sleep)
            except FormTokenUsed as used:
                # Sent twice (a double click, the back button): said plainly, with a fresh form.
                raise ValidationFailed({"form_token": ("form_used", {})}) from used
            except EventFull:
                status = Status.WAITLISTED
            except AddressSuppressed:
                email = EmailDelivery(state=EmailState.SUPPRESSED, attempts=0)
            except EmailLimitReached:
                email = EmailDelivery(state=EmailState.LIMITED, attempts=0)
            except RegistrationClosed as closed:
                raise type(closed)(event=event) from closed
        raise Contention("the event kept changing")

    return retry_conflicts(one_try, sleep=sleep)


class SenderCounter(Protocol):
    def get_event(self, event_id: str) -> Event | None: ...

    def count_sender(self, client: str | None, now: datetime) -> None: ...


def answer_a_bot(
    event_id: str,
    raw_answers: Mapping[str, Any],
    *,
    store: SenderCounter,
    now: datetime,
    client: str | None = None,
    new_id: Callable[[], str] = lambda: secrets.token_urlsafe(16),
) -> Outcome:
    """What a caught bot is told: exactly what a person would hear (the same checks, the same
    refusals, the sender's limit, the status a new sign-up gets now), with nothing stored."""
    event = store.get_event(event_id)
    if event is None:
        raise EventNotFound()
    answers = parse_answers(raw_answers, event)
    if not event.is_open(now):
        raise closed_refusal(event)
    if event.waitlist_is_full:
        raise WaitlistFull()
    full = next((place for place in answers.places if place in event.full_places), None)
    if full is not None:
        raise ChoiceFull(full)
    store.count_sender(client, now)
    status = _status_now(event)
    decoy = Registration(
        event.id, new_id(), answers, status, now, now, EmailDelivery(state=EmailState.SENT, attempts=0)
    )
    return Outcome(decoy, created=False, event=event)


def _seat_status(event: Event) -> Status:
    """How a seat is taken: with confirm_address it is only held until the person clicks the link
    in the email."""
    return Status.PENDING if event.confirm_address else Status.CONFIRMED


def _status_now(event: Event) -> Status:
    """The status a new sign-up gets, by the event as read."""
    return Status.WAITLISTED if event.is_full else _seat_status(event)


def _answer_duplicate(
    existing: Registration, signup: SignUp, event: Event, *, store: RegistrationStore, sleep: Callable[[float], None]
) -> Outcome:
    """Tell the owner, not the sender: the answer looks like a new sign-up's (`signup`, the one refused
    as a repeat, would have stored)."""
    would_be, now = signup.registration, signup.now
    if would_be.status == Status.WAITLISTED and event.waitlist_is_full:
        raise WaitlistFull()  # what a new sign-up hears now, and like it, nothing is written
    # A confirmation still on its way carries the same link: no second email then.
    notice: EmailDelivery | None = (
        None
        if existing.email.waiting
        else EmailDelivery(EmailState.SENDING, EmailKind.ALREADY_REGISTERED, 1, now + EMAIL_LEASE)
    )
    shown = EmailState.SENT

    def one_try() -> Outcome:
        nonlocal notice, shown
        # A refused email leaves the answer as it is, with no email: at most two passes.
        for _ in range(2):
            try:
                store.note_duplicate(RepeatedSignUp(existing, now, notice, signup.client, signup.form_token))
            except FormTokenUsed as used:
                raise ValidationFailed({"form_token": ("form_used", {})}) from used
            except AddressSuppressed:
                notice, shown = None, EmailState.SUPPRESSED
            except EmailLimitReached:
                notice, shown = None, EmailState.LIMITED
            except NoticeNotNeeded:
                notice, shown = None, EmailState.SENT
            else:
                log.info("repeated sign-up answered", extra={"event_id": event.id, "notice": notice is not None})
                answer = replace(would_be, email=notice or EmailDelivery(state=shown, attempts=0))
                return Outcome(
                    answer,
                    created=False,
                    event=event,
                    existing=replace(existing, email=notice or existing.email),
                    notice_leased=notice is not None,
                )
        raise Contention("the registration kept changing")

    return retry_conflicts(one_try, sleep=sleep)


@dataclass(frozen=True)
class Cancellation:
    registration: Registration
    promoted: Registration | None
    already_cancelled: bool = False


@dataclass(frozen=True, slots=True)
class SeatRelease:
    """What a cancellation writes in one transaction (CancellationStore.cancel): `registration` as read,
    cancelled with its `receipt` email, and `promoted` (as `_promoted` built it from the first on the
    waiting list) in the seat it frees."""

    registration: Registration
    promoted: Registration | None
    now: datetime
    receipt: EmailDelivery | None = None


class CancellationStore(Protocol):
    def get_event(self, event_id: str) -> Event | None: ...

    def find_registration(self, event_id: str, registration_id: str) -> Registration | None: ...

    def first_waitlisted(self, event_id: str) -> Registration | None: ...

    def cancel(self, release: SeatRelease) -> None:
        """Write the whole `release` in one transaction; Contention when either registration changed."""


def cancel(
    event_id: str,
    registration_id: str,
    *,
    store: CancellationStore,
    now: datetime,
    sleep: Callable[[float], None] = time.sleep,
    send_receipt: bool = True,
) -> Cancellation:
    """Cancel a registration; a freed seat goes to the first on the waiting list, atomically.

    The person is owed a receipt (through the outbox, like a confirmation), written in the same
    transaction; a confirmation still waiting to go out is replaced by it. Not when the address
    bounces, and not for an erasure (`send_receipt=False`: the person asked to be forgotten).
    Cancelling twice is harmless: the second time reports it was already done.
    Once the meeting has started (by the event's current time, which may have
    moved) nothing is cancelled, so nobody is promoted to a meeting under way.
    """
    result = _free_seat(
        event_id, registration_id, store=store, now=now, sleep=sleep, only_expired_hold=False, send_receipt=send_receipt
    )
    assert result is not None  # noqa: S101 - only a hold release may decline
    return result


def release_hold(
    event_id: str,
    registration_id: str,
    *,
    store: CancellationStore,
    now: datetime,
    sleep: Callable[[float], None] = time.sleep,
) -> Cancellation | None:
    """Release a seat held for an unconfirmed address once its time is up: the registration is
    cancelled and the seat goes to the first on the waiting list, in one transaction.

    None when there is nothing to release (confirmed, cancelled or released meanwhile, or the
    hold has time left), so a job that runs twice, or twice at once, releases each hold once.
    No receipt: nobody has shown the address is theirs, so it gets no more mail.
    """
    return _free_seat(
        event_id, registration_id, store=store, now=now, sleep=sleep, only_expired_hold=True, send_receipt=False
    )


def _free_seat(
    event_id: str,
    registration_id: str,
    *,
    store: CancellationStore,
    now: datetime,
    sleep: Callable[[float], None],
    only_expired_hold: bool,
    send_receipt: bool,
) -> Cancellation | None:

    def one_try() -> Cancellation | None:
        registration = store.find_registration(event_id, registration_id)
        if registration is None:
            raise RegistrationNotFound()
        if only_expired_hold and not _hold_expired(registration, now):
            return None
        if registration.status == Status.CANCELLED:
            return Cancellation(registration, None, already_cancelled=True)
        event = store.get_event(event_id)
        if event is None:
            raise RegistrationNotFound()
        if event.has_started(now):
            raise EventStarted(event=event)
        if event.is_cancelled:
            raise EventCancelled(event=event)  # nobody is moved up into a meeting that is off
        first_in_line = store.first_waitlisted(event_id) if registration.status in SEATED else None
        promoted = _promoted(first_in_line, event, now) if first_in_line is not None else None
        receipt = _receipt(registration, now) if send_receipt else None
        email = receipt or _closed(registration.email)
        store.cancel(SeatRelease(registration, promoted, now, email))
        log.info(
            "hold released" if only_expired_hold else "registration cancelled",
            extra={"event_id": event_id, "promoted": promoted is not None},
        )
        cancelled = replace(registration, status=Status.CANCELLED, updated_at=now, email=email or registration.email)
        return Cancellation(cancelled, promoted)

    return retry_conflicts(one_try, sleep=sleep)


def closed_refusal(event: Event) -> RegistrationClosed:
    """Why a form is closed: the meeting is cancelled, or registration has closed."""
    return EventCancelled(event=event) if event.is_cancelled else RegistrationClosed(event=event)


class PromotionStore(Protocol):
    def get_event(self, event_id: str) -> Event | None: ...

    def first_waitlisted(self, event_id: str) -> Registration | None: ...

    def promote(self, promoted: Registration, now: datetime) -> None:
        """Write `promoted` (as `_promoted` built it) and the event's counters in one transaction, if a
        seat is still free and they are still waiting; Contention otherwise."""


def fill_free_seats(
    event_id: str, *, store: PromotionStore, now: datetime, sleep: Callable[[float], None] = time.sleep
) -> list[Registration]:
    """Move people up from the waiting list, first in line first, while seats are free (after the
    capacity was raised): each move is one transaction with the promotion email it owes, leased to
    the caller as a cancellation's is. The free seat is checked by the write itself, so two runs at
    once never fill a seat twice, and a second run finds nothing to do. Nobody moves up once the
    meeting has started."""
    moved: list[Registration] = []

    def one_try() -> Registration | None:
        event = store.get_event(event_id)
        if event is None:
            raise EventNotFound()
        if event.has_started(now) or event.is_full or event.is_cancelled:
            return None
        first_in_line = store.first_waitlisted(event_id)
        if first_in_line is None:
            return None
        promoted = _promoted(first_in_line, event, now)
        store.promote(promoted, now)
        return promoted

    while (promoted := retry_conflicts(one_try, sleep=sleep)) is not None:
        log.info("moved up from the waiting list", extra={"event_id": event_id})
        moved.append(promoted)
    return moved


class PromotionState(StrEnum):
    """What pressing "move up" did for one person on the waiting list."""

    PROMOTED = "promoted"  # this press: the seat and its email
    NOT_WAITING = "not_waiting"  # moved up (or cancelled) already, e.g. by an earlier press
    NO_SEAT = "no_seat"  # every seat is taken: raise the capacity first


@dataclass(frozen=True)
class Promotion:
    outcome: PromotionState
    registration: Registration


class PersonPromotionStore(PromotionStore, Protocol):
    def find_registration(self, event_id: str, registration_id: str) -> Registration | None: ...


def promote(
    event_id: str,
    registration_id: str,
    *,
    store: PersonPromotionStore,
    now: datetime,
    sleep: Callable[[float], None] = time.sleep,
) -> Promotion:
    """An organiser moves this person up from the waiting list, out of line if they choose, into a
    free seat: the same transaction and promotion email as `fill_free_seats`, so the write itself
    checks that the seat is still free and the person still waiting (two presses at once move them
    up once). Refused once the meeting has started (EventStarted)."""

    def one_try() -> Promotion:
        # The event first: a press that finds it full after another press's write then reads the person
        # as moved up (not as "no seat"), since both reads are consistent.
        event = store.get_event(event_id)
        registration = store.find_registration(event_id, registration_id)
        if registration is None or event is None:
            raise RegistrationNotFound()
        if registration.status != Status.WAITLISTED:
            return Promotion(PromotionState.NOT_WAITING, registration)
        if event.has_started(now):
            raise EventStarted(event=event)
        if event.is_cancelled:
            raise EventCancelled(event=event)
        if event.is_full:
            return Promotion(PromotionState.NO_SEAT, registration)
        promoted = _promoted(registration, event, now)
        store.promote(promoted, now)
        log.info("moved up from the waiting list by hand", extra={"event_id": event_id})
        return Promotion(PromotionState.PROMOTED, promoted)

    return retry_conflicts(one_try, sleep=sleep)


class ResendStore(Protocol):
    def get_event(self, event_id: str) -> Event | None: ...

    def find_registration(self, event_id: str, registration_id: str) -> Registration | None: ...

    def note_duplicate(self, repeated: RepeatedSignUp) -> None: ...


class ResendState(StrEnum):
    """What pressing "send the confirmation again" did."""

    LEASED = "leased"  # this press owns the email: send it
    ON_ITS_WAY = "on_its_way"  # an email is still being sent or retried (maybe an earlier press's)
    NOT_LIVE = "not_live"  # cancelled: there is no confirmation to send
    STARTED = "started"  # the meeting is under way: the outbox would not send it either
    SUPPRESSED = "suppressed"  # the address bounced or complained
    LIMITED = "limited"  # the address had its emails for today


@dataclass(frozen=True)
class Resend:
    outcome: ResendState
    registration: Registration


def resend_confirmation(event_id: str, registration_id: str, *, store: ResendStore, now: datetime) -> Resend:
    """Lease the email of where the registration stands now (confirmed, held or waiting) to the
    caller, as a repeated sign-up leases its notice: one conditional write that refuses while an
    email is still on its way, so each press sends at most once, under the suppression list and the
    daily email limit of every registration email."""
    registration = store.find_registration(event_id, registration_id)
    if registration is None:
        raise RegistrationNotFound()
    if not registration.is_live:
        return Resend(ResendState.NOT_LIVE, registration)
    event = store.get_event(event_id)
    if event is None or event.has_started(now):
        return Resend(ResendState.STARTED, registration)
    email = EmailDelivery(state=EmailState.SENDING, kind=EmailKind.CONFIRMATION, attempts=1, due_at=now + EMAIL_LEASE)
    try:
        store.note_duplicate(RepeatedSignUp(registration, now, email))
    except NoticeNotNeeded:
        return Resend(ResendState.ON_ITS_WAY, registration)
    except AddressSuppressed:
        return Resend(ResendState.SUPPRESSED, registration)
    except EmailLimitReached:
        return Resend(ResendState.LIMITED, registration)
    log.info("confirmation sent again", extra={"event_id": event_id})
    return Resend(ResendState.LEASED, replace(registration, email=email))


def _receipt(registration: Registration, now: datetime) -> EmailDelivery | None:
    """The cancellation receipt the person is owed, or None when their address bounces."""
    if registration.email.state == EmailState.SUPPRESSED:
        return None
    kind = {Status.WAITLISTED: EmailKind.LEFT_WAITLIST, Status.PENDING: EmailKind.CANCELLED_HOLD}.get(
        registration.status, EmailKind.CANCELLATION
    )
    return EmailDelivery(state=EmailState.SENDING, kind=kind, attempts=1, due_at=now + EMAIL_LEASE)


def _closed(email: EmailDelivery) -> EmailDelivery | None:
    """The email of a registration cancelled without a receipt: one still waiting (a confirmation
    the outbox retries for up to a day, longer than a hold) is given up with the cancellation,
    never sent for a seat that is gone. None: the email stands as it is."""
    if not email.waiting:
        return None
    return replace(email, state=EmailState.GAVE_UP, due_at=None, error="cancelled")


def _promoted(first_in_line: Registration, event: Event, now: datetime) -> Registration:
    """The first on the waiting list with the freed seat (held for a click when the event wants
    confirmed addresses), owed the promotion email, leased to this caller."""
    # Held for a click in an event that wants confirmed addresses: nobody on the waiting list has
    # proved their address yet.
    hold_until = now + event.hold_period if event.confirm_address else None
    return replace(
        first_in_line,
        status=Status.PENDING if hold_until else Status.CONFIRMED,
        hold_until=hold_until,
        updated_at=now,
        email=EmailDelivery(state=EmailState.SENDING, kind=EmailKind.PROMOTION, attempts=1, due_at=now + EMAIL_LEASE),
    )


def _hold_expired(registration: Registration, now: datetime) -> bool:
    return (
        registration.status == Status.PENDING and registration.hold_until is not None and registration.hold_until <= now
    )


class ThanksNote(StrEnum):
    """What the thank-you page adds about a confirmation that did not go at once (its `email` query
    parameter), from the registration's email state."""

    DELAYED = "delayed"  # SES failed: the outbox tries again
    LIMITED = "limited"  # the address had its emails for today

    @classmethod
    def of(cls, state: EmailState) -> ThanksNote | None:
        return {EmailState.FAILED: cls.DELAYED, EmailState.LIMITED: cls.LIMITED}.get(state)


class HoldState(StrEnum):
    """Where a registration stands for the confirm link, and what pressing its button did."""

    HELD = "held"  # waiting for the click
    CONFIRMED = "confirmed"  # this click
    ALREADY = "already"  # an earlier click
    RELEASED = "released"  # the hold ran out and the seat went on
    NOT_HELD = "not_held"  # waiting list or cancelled: nothing to confirm


@dataclass(frozen=True)
class Confirmation:
    registration: Registration
    outcome: HoldState


def hold_state(registration: Registration) -> HoldState:
    """Where a registration stands for the confirm link (never CONFIRMED: only a press confirms)."""
    if registration.status == Status.PENDING:
        return HoldState.HELD
    if registration.status == Status.CONFIRMED:
        return HoldState.ALREADY
    # Released by the job after the hold ran out, not cancelled by the person in time.
    if (
        registration.status == Status.CANCELLED
        and registration.hold_until is not None
        and registration.updated_at >= registration.hold_until
    ):
        return HoldState.RELEASED
    return HoldState.NOT_HELD


class ConfirmationStore(Protocol):
    def find_registration(self, event_id: str, registration_id: str) -> Registration | None: ...

    def confirm_seat(self, confirmed: Registration, now: datetime) -> None:
        """Write `confirmed` (as `confirm_seat` built it) over its held seat; Contention when the
        seat was released or changed meanwhile."""


def confirm_seat(
    event_id: str,
    registration_id: str,
    *,
    store: ConfirmationStore,
    now: datetime,
    sleep: Callable[[float], None] = time.sleep,
) -> Confirmation:
    """The person clicked the link in the email: a held seat becomes theirs.

    A click after the stated time still counts until the hourly job has released the hold
    (the seat is still there); clicking twice is harmless.
    """

    def one_try() -> Confirmation:
        registration = store.find_registration(event_id, registration_id)
        if registration is None:
            raise RegistrationNotFound()
        state = hold_state(registration)
        if state != HoldState.HELD:
            return Confirmation(registration, state)
        # The caller sends the confirmation with the calendar file (the outbox retries it).
        email = EmailDelivery(
            state=EmailState.SENDING, kind=EmailKind.CONFIRMATION, attempts=1, due_at=now + EMAIL_LEASE
        )
        confirmed = replace(registration, status=Status.CONFIRMED, updated_at=now, email=email)
        store.confirm_seat(confirmed, now)
        log.info("seat confirmed", extra={"event_id": event_id})
        return Confirmation(confirmed, HoldState.CONFIRMED)

    return retry_conflicts(one_try, sleep=sleep)


@dataclass(frozen=True, slots=True)
class AnswerChange:
    """The owner's new `answers` for `registration` as read (AnswerStore.update_answers); the places
    its limited choices hold are counted against `place_limits`."""

    registration: Registration
    answers: Answers
    now: datetime
    place_limits: Mapping[str, int] = field(default_factory=dict)


class AnswerStore(Protocol):
    def get_event(self, event_id: str) -> Event | None: ...

    def find_registration(self, event_id: str, registration_id: str) -> Registration | None: ...

    def update_answers(self, change: AnswerChange) -> Registration:
        """Replace the answers while the event is open, moving changed choice places; raises
        RegistrationClosed, RegistrationNotFound (cancelled meanwhile), ChoiceFull or Contention."""
        ...


def change_answers(
    event_id: str,
    registration_id: str,
    raw_answers: Mapping[str, Any],
    *,
    store: AnswerStore,
    now: datetime,
    sleep: Callable[[float], None] = time.sleep,
) -> Registration:
    """The owner changes their answers behind the signed link: the same validation as
    signing up (diet consent given here, by the owner), only while registration is open.
    The address, the seat and the status stay as they are."""

    def one_try() -> Registration:
        event = store.get_event(event_id)
        registration = store.find_registration(event_id, registration_id)
        if event is None or registration is None or not registration.is_live:
            raise RegistrationNotFound()
        if not event.is_open(now):
            raise closed_refusal(event)
        answers = keep_removed_answers(
            parse_answers({**raw_answers, "email": registration.answers.email}, event), registration.answers, event
        )
        # The network choice belongs to the sign-up (it wrote the member record); one leaves by the
        # link in the network's emails, so the edit form does not ask it again.
        answers = replace(answers, network_consent=registration.answers.network_consent)
        updated = store.update_answers(AnswerChange(registration, answers, now, event.place_limits))
        log.info("answers changed by their owner", extra={"event_id": event_id})
        return updated

    return retry_conflicts(one_try, sleep=sleep)


def keep_removed_answers(answers: Answers, stored: Answers, event: Event) -> Answers:
    """Answers to questions the event no longer asks stay as they were (and with them the places
    they hold): the form cannot show them, so saving it must not erase them."""
    kept = {key: value for key, value in stored.custom.items() if event.custom_question(key) is None}
    if not kept:
        return answers
    kept_places = tuple(place for place in stored.places if place.split(":", 1)[0] in kept)
    return replace(
        answers,
        custom={**kept, **answers.custom},
        sensitive=answers.sensitive | (stored.sensitive & set(kept)),
        places=answers.places + kept_places,
    )
