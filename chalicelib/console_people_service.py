"""The console's people use cases with the real parts bound: what the people routes call.

Given the store and the sign-up use cases by `chalicelib.bootstrap`; knows no HTTP. AWS trouble comes
out as ServiceUnavailable (nothing was changed), as in the other console use cases.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from .console.people import CheckIn, check_in
from .console_service import aws_trouble_is_unavailable
from .email_history import HistoryKind, Result, SentEmail, note
from .events import Event
from .registrations import (
    SEATED,
    Cancellation,
    EmailState,
    Promotion,
    PromotionState,
    Registration,
    Resend,
    ResendState,
    promote,
    register,
    resend_confirmation,
)
from .service import Signup
from .store import DynamoStore


@dataclass(frozen=True)
class AddedByHand:
    registration: Registration
    checked_in: bool = False  # a walk-in with a seat, marked present at once


class ConsolePeople:
    def __init__(self, *, store: DynamoStore, signup: Signup) -> None:
        self.store = store
        self.signup = signup

    @aws_trouble_is_unavailable
    def registrations(self, event: Event) -> list[Registration]:
        """Everyone registered for the event: one Query, every page of it."""
        return list(self.store.registrations(event.id))

    @aws_trouble_is_unavailable
    def registration(self, event: Event, registration_id: str) -> Registration | None:
        return self.store.find_registration(event.id, registration_id)

    @aws_trouble_is_unavailable
    def email_history(self, registration: Registration) -> list[SentEmail]:
        """Every email sent to this person about its event (and the bounces of the address), newest first."""
        return self.store.email_history(registration.answers.email_key, registration.event_id)

    @aws_trouble_is_unavailable
    def cancel(self, event: Event, registration_id: str, *, tell: bool, base_url: str, now: datetime) -> Cancellation:
        """The same cancellation as the person's own; the receipt only if `tell`."""
        return self.signup.cancel_for_person(event, registration_id, tell=tell, base_url=base_url, now=now)

    @aws_trouble_is_unavailable
    def promote(self, event: Event, registration_id: str, *, base_url: str, now: datetime) -> Promotion:
        """Move this person up into a free seat (the capacity raise's promotion), then send its email."""
        result = promote(event.id, registration_id, store=self.store, now=now)
        if result.outcome == PromotionState.PROMOTED:
            self.signup.send_leased_email(result.registration, event, base_url=base_url, now=now)
        return result

    @aws_trouble_is_unavailable
    def resend(self, event: Event, registration_id: str, *, base_url: str, now: datetime) -> Resend:
        """The registration's current email again, leased first so a press sends it at most once."""
        result = resend_confirmation(event.id, registration_id, store=self.store, now=now)
        if result.outcome in (ResendState.SUPPRESSED, ResendState.LIMITED):
            note(self.store, result.registration, HistoryKind.RESEND, Result(result.outcome.value), now=now)
        if result.outcome == ResendState.LEASED:
            # The lease's own transaction has just checked the suppression list.
            self.signup.send_leased_email(
                result.registration,
                event,
                base_url=base_url,
                now=now,
                suppression_checked=True,
                history_kind=HistoryKind.RESEND,
            )
        return result

    @aws_trouble_is_unavailable
    def check_in(self, registration: Registration, *, present: bool, now: datetime) -> CheckIn:
        """One conditional write: present, or (undo) not."""
        return check_in(registration, present=present, store=self.store, now=now)

    @aws_trouble_is_unavailable
    def add_by_hand(
        self, event: Event, fields: dict[str, Any], *, base_url: str, now: datetime, walk_in: bool = False
    ) -> AddedByHand:
        """Someone added by an organiser (a phone sign-up, a walk-in): the same register() as the form,
        without the deadline; the person gets the usual email. A walk-in (someone at the door) who got
        a seat is checked in at once; one on the waiting list is not."""
        outcome = register(
            event.id,
            fields,
            store=self.store,
            now=now,
            retention=timedelta(days=self.signup.settings.retention_days()),
            by_hand=True,
        )
        if outcome.registration.email.state == EmailState.SENDING:
            self.signup.send_leased_email(outcome.registration, outcome.event, base_url=base_url, now=now)
        if walk_in and outcome.registration.status in SEATED:
            checked_in = self.check_in(outcome.registration, present=True, now=now)
            return AddedByHand(checked_in.registration, checked_in=True)
        return AddedByHand(outcome.registration)
