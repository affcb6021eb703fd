"""The use cases the organisers and the schedule ask for beyond one person's own: the hourly job,
the outbox, a message to the registrants, calling a meeting off, invitations to a series' members.

Apart from `service.Signup` (a person's form, registration and emailed links, which this builds
on for the links and the registration emails) because these need the rules of notices,
invitations, jobs, digests and working groups, and the whole store: a cold start that serves a
person imports none of them (`chalicelib.bootstrap` builds this on first use).
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import TYPE_CHECKING, Any

from . import forms, i18n, invitations, jobs, links, network, network_report, notice_delivery, notices, outbox
from .digest import Summary, attendee_csv
from .events import Event
from .mail import (
    InvitationLinks,
    Links,
    digest_email,
    invitation_context,
    invitation_email,
    notice_copy_email,
    notice_email,
    working_group_email,
)
from .notice_kind import NoticeKind
from .registrations import EmailKind, Registration
from .service import Signup

if TYPE_CHECKING:
    from .store import DynamoStore
    from .working_groups import Group

log = logging.getLogger(__name__)

# Until the account's quota is read: SES's own rate for a new (sandbox) account, one email a second.
DEFAULT_SEND_RATE = 1.0
# The account's rate is read from SES again after this long (a raised quota is used within the hour).
SEND_RATE_MAX_AGE = timedelta(hours=1)


class Outreach:
    """The organisers' and the schedule's use cases over the whole store, with a person's `signup`
    (its mailer, settings, templates and links)."""

    def __init__(
        self,
        *,
        signup: Signup,
        store: DynamoStore,
        send_rate: Callable[[], float] | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.signup = signup
        self.store = store
        # The account's SES send rate (GetSendQuota's MaxSendRate), asked when the stored one is old.
        self.send_rate = send_rate or (lambda: DEFAULT_SEND_RATE)
        self.sleep = sleep

    # -- scheduled work -------------------------------------------------------------

    def job_messages(self, base_url: str, now: datetime) -> JobMessages:
        """The emails the hourly job sends, with links to `base_url`."""
        return JobMessages(self.signup, base_url, now, store=self.store)

    def run_hourly(self, *, base_url: str, now: datetime) -> Counter[str]:
        return jobs.run_hourly(
            store=self.store,
            mailer=self.signup.mailer,
            messages=self.job_messages(base_url, now),
            now=now,
            sensitive_retention=timedelta(days=self.signup.settings.sensitive_days()),
        )

    def run_outbox(self, *, base_url: str, now: datetime) -> Counter[str]:
        """Emails owed to one person each (retries), then the notices to many, paced."""
        counts = outbox.retry_due_emails(
            store=self.store, mailer=self.signup.mailer, build=self.signup.message_builder(base_url, now), now=now
        )
        # Only the notices are paced: the retries are few, and a person waits for each of them.
        if self.store.active_notices():
            pace = notice_delivery.SendPace(self.account_send_rate(now), windows=self.store, now=now, sleep=self.sleep)
            delivered = notice_delivery.deliver_notices(
                store=self.store,
                mailer=self.signup.mailer,
                messages=NoticeMail(self.signup, base_url, now),
                pace=pace,
                now=now,
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
            NoticeKind.CANCELLED,
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
            NoticeKind.MESSAGE,
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
        for start in range(0, len(keys), notice_delivery.SUPPRESSION_BATCH):
            suppressed |= self.store.suppressed_among(keys[start : start + notice_delivery.SUPPRESSION_BATCH])
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
            event, NoticeKind.INVITATION, now=now, author=author, expires_at=self.notice_expiry(event)
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
        base_url = self.signup.settings.base_url()
        shown = InvitationLinks(
            form=f"{links.registration_form(base_url, event.id, '')}?…",
            leave_network=links.leave_network(base_url, "…"),
            privacy=links.privacy(base_url, language),
        )
        return str(
            self.signup.templates.get_template("email/invitation.txt").render(invitation_context(event, sample, shown))
        )

    def notice_expiry(self, event: Event) -> datetime:
        """A notice (the organisers' words) is kept as long as the event's registrations are."""
        return event.ends_at_or_default + timedelta(days=self.signup.settings.retention_days())

    def recipients_of(self, event: Event, audience: notices.Audience, now: datetime) -> int:
        """How many a message to `audience` would reach `now` (for the console's preview)."""
        probe = notices.Notice(event.id, "", NoticeKind.MESSAGE, audience, now)
        return sum(notices.receives(probe, registration) for registration in self.store.registrations(event.id))


class _Emails:
    """The real emails a job sends: signed links to `base_url`, the configured sender, our templates."""

    def __init__(self, signup: Signup, base_url: str, now: datetime) -> None:
        self.signup = signup
        self.base_url = base_url
        self.now = now
        self.writing = signup.writing(now)


class NoticeMail(_Emails):
    """The emails of notices, invitations and working groups."""

    def _links(self, event: Event, registration: Registration) -> Links:
        """The person's own links in a notice or a group's email: their registration and the privacy notice."""
        return Links(
            manage=self.signup.manage_url(self.base_url, event, registration.registration_id),
            privacy=links.privacy(self.base_url, registration.answers.language),
        )

    def notice(self, notice: notices.Notice, event: Event, registration: Registration) -> EmailMessage:
        links = self._links(event, registration)
        calendar = notices.with_calendar(notice, registration)
        return notice_email(notice, event, registration, links=links, writing=self.writing, with_calendar=calendar)

    def invitation(self, notice: notices.Notice, event: Event, member: network.Member) -> EmailMessage:
        own = InvitationLinks(
            form=self.signup.invitation_url(self.base_url, event, member),
            leave_network=self.signup.member_leave_url(self.base_url, member),
            privacy=links.privacy(self.base_url, member.language),
        )
        return invitation_email(event, member, links=own, writing=self.writing)

    def working_group(
        self,
        notice: notices.Notice,
        event: Event,
        registration: Registration,
        group: Group,
        members: list[Registration],
    ) -> EmailMessage:
        links = self._links(event, registration)
        return working_group_email(notice, event, registration, group, members, links=links, writing=self.writing)

    def notice_copy(self, notice: notices.Notice, event: Event, recipients: int) -> EmailMessage:
        return notice_copy_email(notice, event, recipients=recipients, writing=self.writing)


class JobMessages(_Emails):
    """The emails of the hourly job: registrations' emails, reminders and digests. The digest's network
    section is read through the organisers' `store` (the whole store), not a person's `signup.store`."""

    def __init__(self, signup: Signup, base_url: str, now: datetime, *, store: network.NetworkStore) -> None:
        super().__init__(signup, base_url, now)
        self.store = store

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
            writing=self.writing,
        )

    def _network_section(self, event: Event) -> dict[str, Any]:
        report = network_report.network_report(event.series, store=self.store, now=self.now)
        return network_report.digest_section(report, event.id, event.organiser_language)
