"""The use cases: each thing a route, a schedule or the command line asks for, in one call.

They are given their store, mailer, settings and templates (`chalicelib.bootstrap` builds the
real ones once) and the time as `now`; they know nothing of HTTP or of the environment.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import TYPE_CHECKING, Any, TypedDict, Unpack

from botocore.exceptions import BotoCoreError, ClientError

from . import email_history, forms, i18n, invitations, jobs, network, notices, outbox, registrations, security, tokens
from .config import Settings
from .digest import Summary, attendee_csv
from .errors import ServiceUnavailable, ValidationFailed
from .events import Event
from .mail import (
    InvitationLinks,
    Links,
    Mailer,
    digest_email,
    invitation_context,
    invitation_email,
    notice_copy_email,
    notice_email,
    registration_email,
    working_group_email,
)
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
from .store import DynamoStore

if TYPE_CHECKING:
    from jinja2 import Environment

    from .working_groups import Group

log = logging.getLogger(__name__)

# Until the account's quota is read: SES's own rate for a new (sandbox) account, one email a second.
DEFAULT_SEND_RATE = 1.0
# The account's rate is read from SES again after this long (a raised quota is used within the hour).
SEND_RATE_MAX_AGE = timedelta(hours=1)


class Signup:
    """The use cases over one store, mailer, set of settings and template environment."""

    def __init__(
        self,
        *,
        store: DynamoStore,
        mailer: Mailer,
        settings: Settings,
        templates: Environment,
        send_rate: Callable[[], float] | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.store = store
        self.mailer = mailer
        self.settings = settings
        self.templates = templates
        # The account's SES send rate (GetSendQuota's MaxSendRate), asked when the stored one is old.
        self.send_rate = send_rate or (lambda: DEFAULT_SEND_RATE)
        self.sleep = sleep

    # -- links and messages ---------------------------------------------------

    def manage_url(self, base_url: str, event: Event, registration_id: str) -> str:
        token = tokens.make_token(self.settings.secret(), event.id, registration_id, event.ends_at_or_default)
        return f"{base_url}/registrations/{token}"

    def leave_network_url(self, base_url: str, event: Event, registration: Registration) -> str:
        """The one-click way out of the network's emails (RFC 8058) for a member, else ""."""
        if not (event.series and registration.answers.network_consent):
            return ""
        ref = network.member_ref(registration.answers.email_key)
        token = tokens.make_leave_token(self.settings.secret(), event.series, ref, registration.answers.language)
        return f"{base_url}/network/leave/{token}"

    def member_leave_url(self, base_url: str, member: network.Member) -> str:
        """A member's one-click way out of the network's emails (RFC 8058)."""
        token = tokens.make_leave_token(self.settings.secret(), member.series, member.ref, member.language)
        return f"{base_url}/network/leave/{token}"

    def invitation_url(self, base_url: str, event: Event, member: network.Member) -> str:
        """The form, to be filled in from the member's record: the URL holds a signed token (the
        meeting and a hash of the address), nothing personal."""
        token = tokens.make_invite_token(self.settings.secret(), event.id, member.ref)
        return (
            f"{base_url}/events/{event.id}/form?"
            + ("lang=en&" if member.language == "en" else "")
            + (f"invitation={token}")
        )

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
        return f"{base_url}/console/events/{event.id}" + ("?lang=en" if event.organiser_language == "en" else "")

    def message_builder(self, base_url: str, now: datetime, kind: EmailKind | None = None) -> outbox.BuildMessage:
        """Builds the email a registration is owed (its email record's kind, or `kind`)."""

        def build(event: Event, registration: Registration) -> EmailMessage:
            manage = self.manage_url(base_url, event, registration.registration_id)
            links = Links(
                manage=manage,
                privacy=f"{base_url}/privacy?lang={registration.answers.language}",
                confirm=f"{manage}/confirm" if registration.status == Status.PENDING else "",
                leave_network=self.leave_network_url(base_url, event, registration),
            )
            return registration_email(
                kind or registration.email.kind,
                event,
                registration,
                sender=self.settings.sender(),
                links=links,
                now=now,
                templates=self.templates,
            )

        return build

    def job_messages(self, base_url: str, now: datetime) -> JobMessages:
        return JobMessages(self, base_url, now)

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

    # -- scheduled work -------------------------------------------------------------

    def run_hourly(self, *, base_url: str, now: datetime) -> Counter[str]:
        return jobs.run_hourly(
            store=self.store,
            mailer=self.mailer,
            messages=self.job_messages(base_url, now),
            now=now,
            sensitive_retention=timedelta(days=self.settings.sensitive_days()),
        )

    def run_outbox(self, *, base_url: str, now: datetime) -> Counter[str]:
        """Emails owed to one person each (retries), then the notices to many, paced."""
        counts = outbox.retry_due_emails(
            store=self.store, mailer=self.mailer, build=self.message_builder(base_url, now), now=now
        )
        # Only the notices are paced: the retries are few, and a person waits for each of them.
        if self.store.active_notices():
            pace = notices.SendPace(self.account_send_rate(now), windows=self.store, now=now, sleep=self.sleep)
            delivered = notices.deliver_notices(
                store=self.store, mailer=self.mailer, messages=NoticeMail(self, base_url, now), pace=pace, now=now
            )
            counts.update({f"notice_{key}": value for key, value in delivered.items()})
        return counts

    def account_send_rate(self, now: datetime) -> float:
        """The account's SES rate (emails a second): as stored within the hour, else asked and stored."""
        rate = self.store.send_quota(now, SEND_RATE_MAX_AGE)
        if rate is None:
            rate = self.send_rate()
            self.store.keep_send_quota(rate, now)
        return rate

    # -- telling registrants ----------------------------------------------------------

    def cancel_event(self, event: Event, *, note: str, author: str, now: datetime) -> notices.Notice:
        """Call the meeting off; everyone still signed up is told by the outbox (EventCancelled when it was)."""
        notice = notices.new_notice(
            event,
            notices.NoticeKind.CANCELLED,
            now=now,
            text=notices.message_text(note) if note.strip() else "",
            author=author,
            expires_at=self.notice_expiry(event),
        )
        self.store.cancel_event(event.id, notice, now)
        log.info("event cancelled", extra={"event_id": event.id})
        return notice

    def send_message(
        self, event: Event, text: str, audience: notices.Audience, *, author: str, now: datetime
    ) -> notices.Notice:
        """A message from the organisers to `audience`; MessageInvalid when empty or too long."""
        notice = notices.new_notice(
            event,
            notices.NoticeKind.MESSAGE,
            now=now,
            audience=audience,
            text=notices.message_text(text),
            author=author,
            expires_at=self.notice_expiry(event),
        )
        self.store.put_notice(notice)
        log.info("message to registrants stored", extra={"event_id": event.id})
        return notice

    def invitees(self, event: Event, now: datetime) -> invitations.Invitees:
        """Whom an invitation to `event` would reach now, and how many members are left out and why
        (InvitationRefused when inviting is not possible now). Reads the members and the meeting's
        registrations once each, its invitation markers once, suppression a hundred at a time."""
        invitations.check_can_invite(event, now)
        members, _ = self.store.network_records(event.series)
        done = self.store.finished_sends(event.id, invitations.MARKER_PREFIX)
        invited = {name.removeprefix(invitations.MARKER_PREFIX) for name in done}
        registered = list(self.store.registrations(event.id))
        first = invitations.who_is_invited(members, registered, event_id=event.id, invited=invited, suppressed=set())
        keys = [forms.email_key(member.email) for member in first.invite]
        suppressed: set[str] = set()
        for start in range(0, len(keys), notices.SUPPRESSION_BATCH):
            suppressed |= self.store.suppressed_among(keys[start : start + notices.SUPPRESSION_BATCH])
        return invitations.who_is_invited(
            members, registered, event_id=event.id, invited=invited, suppressed=suppressed
        )

    def invite(self, event: Event, *, author: str, now: datetime) -> tuple[notices.Notice, invitations.Invitees]:
        """Invite the series' members who have not signed up: an invitation notice the outbox
        delivers, once per member and meeting however often this is asked. InvitationRefused when
        the meeting is closed, cancelled, full or in no series, or when nobody is left to invite."""
        invitees = self.invitees(event, now)
        if not invitees.invite:
            raise invitations.InvitationRefused("nobody")
        notice = notices.new_notice(
            event, notices.NoticeKind.INVITATION, now=now, author=author, expires_at=self.notice_expiry(event)
        )
        self.store.put_notice(notice)
        log.info("invitations stored", extra={"event_id": event.id, "count": len(invitees.invite)})
        return notice, invitees

    def invitation_preview(self, event: Event, language: str, now: datetime) -> str:
        """The invitation's text as a member would read it in `language` (a stand-in name, example
        links), for the console's preview."""
        tr = i18n.translator(language)
        sample = network.Member(
            series=event.series,
            ref="0" * 32,
            email="",
            name=tr.gettext("(the member's name)"),
            organisation="",
            sector="other",
            language=language,
            events=frozenset(),
            joined_at=now,
        )
        base_url = self.settings.base_url()
        links = InvitationLinks(
            form=f"{base_url}/events/{event.id}/form?…",
            leave_network=f"{base_url}/network/leave/…",
            privacy=f"{base_url}/privacy?lang={language}",
        )
        return str(self.templates.get_template("email/invitation.txt").render(invitation_context(event, sample, links)))

    def notice_expiry(self, event: Event) -> datetime:
        """A notice (the organisers' words) is kept as long as the event's registrations are."""
        return event.ends_at_or_default + timedelta(days=self.settings.retention_days())

    def recipients_of(self, event: Event, audience: notices.Audience) -> int:
        """How many a message to `audience` would reach now (for the console's preview)."""
        probe = notices.Notice(event.id, "", notices.NoticeKind.MESSAGE, audience, datetime.now(UTC))
        return sum(notices.receives(probe, registration) for registration in self.store.registrations(event.id))


class _Built(TypedDict):
    sender: str
    now: datetime
    templates: Any


class _Emails:
    """The real emails a job sends: signed links to `base_url`, the configured sender, our templates."""

    def __init__(self, signup: Signup, base_url: str, now: datetime) -> None:
        self.signup = signup
        self.base_url = base_url
        self.now = now

    def _built(self) -> _Built:
        """What every one of these emails is built with: the configured sender, the clock, our templates."""
        return _Built(sender=self.signup.settings.sender(), now=self.now, templates=self.signup.templates)


class NoticeMail(_Emails):
    """The emails of notices, invitations and working groups."""

    def _links(self, event: Event, registration: Registration) -> Links:
        """The person's own links in a notice or a group's email: their registration and the privacy notice."""
        return Links(
            manage=self.signup.manage_url(self.base_url, event, registration.registration_id),
            privacy=f"{self.base_url}/privacy?lang={registration.answers.language}",
        )

    def notice(self, notice: notices.Notice, event: Event, registration: Registration) -> EmailMessage:
        links = self._links(event, registration)
        calendar = notices.with_calendar(notice, registration)
        return notice_email(notice, event, registration, links=links, with_calendar=calendar, **self._built())

    def invitation(self, notice: notices.Notice, event: Event, member: network.Member) -> EmailMessage:
        links = InvitationLinks(
            form=self.signup.invitation_url(self.base_url, event, member),
            leave_network=self.signup.member_leave_url(self.base_url, member),
            privacy=f"{self.base_url}/privacy?lang={member.language}",
        )
        return invitation_email(event, member, links=links, **self._built())

    def working_group(
        self,
        notice: notices.Notice,
        event: Event,
        registration: Registration,
        group: Group,
        members: list[Registration],
    ) -> EmailMessage:
        links = self._links(event, registration)
        return working_group_email(notice, event, registration, group, members, links=links, **self._built())

    def notice_copy(self, notice: notices.Notice, event: Event, recipients: int) -> EmailMessage:
        return notice_copy_email(notice, event, recipients=recipients, **self._built())


class JobMessages(_Emails):
    """The emails of the hourly job: registrations' emails, reminders and digests."""

    def registration(self, event: Event, registration: Registration) -> EmailMessage:
        return self.signup.message_builder(self.base_url, self.now)(event, registration)

    def reminder(self, event: Event, registration: Registration) -> EmailMessage:
        return self.signup.message_builder(self.base_url, self.now, EmailKind.REMINDER)(event, registration)

    def digest(
        self, event: Event, summary: Summary, registrations: list[Registration], *, final: bool, caterer: bool = False
    ) -> EmailMessage:
        return digest_email(
            event,
            summary,
            final=final,
            caterer=caterer,
            csv_bytes=b"" if caterer else attendee_csv(event, registrations),
            live_link="" if caterer else self.signup.console_event_url(self.base_url, event),
            recipients=[event.caterer] if caterer else list(event.organisers),
            network=self._network_section(event) if event.series and not caterer and not final else None,
            **self._built(),
        )

    def _network_section(self, event: Event) -> dict[str, Any]:
        report = network.network_report(event.series, store=self.signup.store, now=self.now)
        return network.digest_section(report, event.id, event.organiser_language)
