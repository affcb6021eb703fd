"""A person's use cases: the form, signing up and what the emailed links do, each in one call.

They are given their store, mailer, settings and templates (`chalicelib.bootstrap` builds the
real ones once) and the time as `now`; they know nothing of HTTP or of the environment. What
the organisers and the schedule ask for beyond that is `chalicelib.outreach`: kept out of this
module, so a person's request (a cold start's first) imports none of its rules.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import TYPE_CHECKING, Any, Unpack

from botocore.exceptions import BotoCoreError, ClientError

from . import email_history, links, network, outbox, registrations, security, tokens
from .config import Settings
from .errors import ServiceUnavailable, ValidationFailed
from .events import Event
from .mail import Links, Mailer, Writing, registration_email
from .outbox import Delivery, SendOptions
from .registrations import (
    Cancellation,
    Confirmation,
    EmailKind,
    EmailState,
    HoldState,
    Outcome,
    Registration,
    Status,
    cancel,
    confirm_seat,
    register,
)

if TYPE_CHECKING:
    from jinja2 import Environment

    from .store import PublicStore

log = logging.getLogger(__name__)


class Signup:
    """A person's use cases (the form, signing up, the emailed links) over one store, mailer, set of
    settings and template environment; the organisers' and the schedule's are `outreach.Outreach`."""

    def __init__(self, *, store: PublicStore, mailer: Mailer, settings: Settings, templates: Environment) -> None:
        self.store = store
        self.mailer = mailer
        self.settings = settings
        self.templates = templates

    # -- links and messages ---------------------------------------------------

    def writing(self, now: datetime) -> Writing:
        """What the emails written `now` are written with: the configured sender and our templates."""
        return Writing(sender=self.settings.sender(), templates=self.templates, now=now)

    def manage_url(self, base_url: str, event: Event, registration_id: str) -> str:
        token = tokens.make_token(self.settings.secret(), event.id, registration_id, event.ends_at_or_default)
        return links.own_registration(base_url, token)

    def leave_network_url(self, base_url: str, event: Event, registration: Registration) -> str:
        """The one-click way out of the network's emails (RFC 8058) for a member, else ""."""
        if not (event.series and registration.answers.network_consent):
            return ""
        ref = network.member_ref(registration.answers.email_key)
        token = tokens.make_leave_token(self.settings.secret(), event.series, ref, registration.answers.language)
        return links.leave_network(base_url, token)

    def member_leave_url(self, base_url: str, member: network.Member) -> str:
        """A member's one-click way out of the network's emails (RFC 8058)."""
        token = tokens.make_leave_token(self.settings.secret(), member.series, member.ref, member.language)
        return links.leave_network(base_url, token)

    def invitation_url(self, base_url: str, event: Event, member: network.Member) -> str:
        """The form, to be filled in from the member's record: the URL holds a signed token (the
        meeting and a hash of the address), nothing personal."""
        token = tokens.make_invite_token(self.settings.secret(), event.id, member.ref)
        return links.registration_form(base_url, event.id, member.language, invitation=token)

    def invitation_values(self, event: Event, token: str, now: datetime) -> dict[str, str]:
        """The form's fields an invitation's link fills in: the member's name, organisation and
        sector. Nothing (an empty form, never an error page) for a link that is forged, for another
        meeting, past the sign-up deadline, or of someone who has left the network since."""
        try:
            invite = tokens.read_invite_token(self.settings.secret(), token)
            if invite.event_id != event.id or not event.series:
                return {}
            tokens.check_invitation_lifetime(event.deadline_at, now)
        except (tokens.TokenInvalid, tokens.TokenExpired):
            return {}
        member = self.store.get_member(event.series, invite.ref)
        if member is None:
            return {}
        return {"name": member.name, "organisation": member.organisation, "sector": member.sector}

    def open_leave_link(self, token: str) -> tokens.LeaveToken:
        """What a link to leave names (TokenInvalid for a forged one); a GET changes nothing."""
        return tokens.read_leave_token(self.settings.secret(), token)

    def leave_network(self, token: str) -> tokens.LeaveToken:
        """The press (or a mail program's one-click POST): the member record is gone at once. A
        second press finds nothing and answers the same."""
        leave = tokens.read_leave_token(self.settings.secret(), token)
        left = network.leave_network(leave.series, leave.ref, store=self.store)
        log.info("network member left", extra={"count": int(left)})
        return leave

    def console_event_url(self, base_url: str, event: Event) -> str:
        """The event's page in the organiser console (each digest links to it; signing in is needed),
        in the organisers' language."""
        return links.console_event(base_url, event.id, event.organiser_language)

    def message_builder(self, base_url: str, now: datetime, kind: EmailKind | None = None) -> outbox.BuildMessage:
        """Builds the email a registration is owed (its email record's kind, or `kind`)."""

        writing = self.writing(now)

        def build(event: Event, registration: Registration) -> EmailMessage:
            manage = self.manage_url(base_url, event, registration.registration_id)
            owed = Links(
                manage=manage,
                privacy=links.privacy(base_url, registration.answers.language),
                confirm=f"{manage}/confirm" if registration.status == Status.PENDING else "",
                leave_network=self.leave_network_url(base_url, event, registration),
            )
            return registration_email(kind or registration.email.kind, event, registration, links=owed, writing=writing)

        return build

    def send_leased_email(
        self, registration: Registration, event: Event, *, base_url: str, now: datetime, **options: Unpack[SendOptions]
    ) -> Delivery:
        """Send the email this request holds the lease for; never fail the request over it."""
        try:
            return outbox.send_now(
                registration,
                event,
                store=self.store,
                mailer=self.mailer,
                build=self.message_builder(base_url, now),
                now=now,
                **options,
            )
        except Exception as error:  # noqa: BLE001 - the registration is stored; the outbox retries after the lease
            log.error("email step failed; the outbox will retry", extra={"error": type(error).__name__})
            return Delivery(EmailState.FAILED, type(error).__name__)

    # -- a person ---------------------------------------------------------------

    def sign_up(
        self, event_id: str, fields: dict[str, Any], *, base_url: str, now: datetime, client: str | None = None
    ) -> tuple[Outcome, Delivery]:
        """Register, then confirm by email. A stored registration is never undone by email trouble.

        A post the bot checks catch is answered as a person's would be, and nothing is stored; a
        hosted form's token that has expired is refused with a message; a valid one is spent in
        the registration's own transaction, so it serves one registration. AWS trouble the store
        does not translate itself is ServiceUnavailable: nothing was kept.
        """
        try:
            return self._sign_up(event_id, fields, base_url=base_url, now=now, client=client)
        except (BotoCoreError, ClientError) as error:
            # Operators need the AWS error code; the person needs to know nothing was kept.
            code = (
                error.response.get("Error", {}).get("Code") if isinstance(error, ClientError) else type(error).__name__
            )
            log.error("registration failed on AWS", extra={"error": code})
            raise ServiceUnavailable() from error

    def _sign_up(
        self, event_id: str, fields: dict[str, Any], *, base_url: str, now: datetime, client: str | None
    ) -> tuple[Outcome, Delivery]:
        verdict = security.judge(fields, self.settings.secret(), event_id, now)
        if verdict.bot:
            log.info("bot submission dropped", extra={"event_id": event_id})  # counted in the logs
            answer = registrations.answer_a_bot(event_id, fields, store=self.store, now=now, client=client)
            return answer, Delivery(EmailState.SENT)
        if verdict.problem:
            raise ValidationFailed({security.FORM_TOKEN_FIELD: (verdict.problem, {})})
        outcome = register(
            event_id,
            fields,
            store=self.store,
            now=now,
            client=client,
            retention=timedelta(days=self.settings.retention_days()),
            form_token=verdict.use,
        )
        # A repeated sign-up emails the address's owner, never answers the sender with what is stored.
        if outcome.existing is not None and not outcome.notice_leased:
            return outcome, Delivery(outcome.registration.email.state)
        recipient = outcome.existing or outcome.registration
        if recipient.email.state in (EmailState.SUPPRESSED, EmailState.LIMITED):
            # Decided in the registration's own transaction: not sent, and the history says why.
            result = email_history.Result(recipient.email.state.value)
            email_history.note(self.store, recipient, recipient.email.kind, result, now=now)
        if recipient.email.state != EmailState.SENDING:
            return outcome, Delivery(outcome.registration.email.state)
        # The registration's (or the notice's) own transaction has just checked the suppression list.
        return outcome, self.send_leased_email(
            recipient, outcome.event, base_url=base_url, now=now, suppression_checked=True
        )

    def open_manage_link(self, token: str, now: datetime) -> tuple[Event, Registration]:
        """The event and registration behind a signed link, judged by the event's current time.

        Raises TokenInvalid (forged, or nothing behind it) or TokenExpired.
        """
        link = tokens.read_token(self.settings.secret(), token)
        event = self.store.get_event(link.event_id)
        if event is None:
            raise tokens.TokenInvalid()
        tokens.check_lifetime(event.ends_at_or_default, now)
        registration = self.store.find_registration(link.event_id, link.registration_id)
        if registration is None:
            raise tokens.TokenInvalid()
        return event, registration

    def cancel_registration(self, token: str, *, base_url: str, now: datetime) -> tuple[Event, Cancellation]:
        event, registration = self.open_manage_link(token, now)
        result = cancel(event.id, registration.registration_id, store=self.store, now=now)
        self._send_what_a_cancellation_owes(result, event, base_url=base_url, now=now)
        return event, result

    def cancel_for_person(
        self, event: Event, registration_id: str, *, tell: bool, base_url: str, now: datetime
    ) -> Cancellation:
        """An organiser cancels on someone's behalf: the same cancellation as the person's own (the
        first on the waiting list gets the seat and its email), with the receipt only if `tell`."""
        result = cancel(event.id, registration_id, store=self.store, now=now, send_receipt=tell)
        self._send_what_a_cancellation_owes(result, event, base_url=base_url, now=now)
        return result

    def _send_what_a_cancellation_owes(
        self, result: Cancellation, event: Event, *, base_url: str, now: datetime
    ) -> None:
        """The cancelled person's receipt (when one is owed) and, when a seat was freed, the promoted
        person's email; each was leased to this request in the cancellation's own transaction."""
        if result.already_cancelled:
            return
        owed = [
            one
            for one in (result.registration, result.promoted)
            if one is not None and one.email.state == EmailState.SENDING
        ]
        for owed_one in owed:
            # An address that bounced since it registered is skipped inside (outbox.send_now).
            self.send_leased_email(owed_one, event, base_url=base_url, now=now)

    def change_answers(self, token: str, fields: dict[str, Any], *, now: datetime) -> tuple[Event, Registration]:
        """The owner's edit behind the signed link (the same validation as signing up)."""
        event, registration = self.open_manage_link(token, now)
        updated = registrations.change_answers(
            event.id, registration.registration_id, fields, store=self.store, now=now
        )
        return event, updated

    def confirm_registration(self, token: str, *, base_url: str, now: datetime) -> tuple[Event, Confirmation]:
        """The person pressed "confirm" on the page behind the emailed link: the held seat is theirs,
        and the confirmation with the calendar file goes out (the outbox retries it)."""
        event, registration = self.open_manage_link(token, now)
        result = confirm_seat(event.id, registration.registration_id, store=self.store, now=now)
        if result.outcome == HoldState.CONFIRMED:
            self.send_leased_email(result.registration, event, base_url=base_url, now=now)
        return event, result
