"""Delivering the notices (notices.py) to registrants: the outbox job reads each event's
registrations, claims each person's send with a conditional write (so a job run twice, or twice at
once, sends once), skips addresses that bounced or complained, and sends no faster than the account's
SES rate allows, across runs (what one run may not send, the next run sends). Plain functions over a
store Protocol: no AWS here.
"""

from __future__ import annotations

import functools
import logging
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from . import email_history
from .email_history import EmailHistoryStore, Result
from .events import Event
from .forms import email_key
from .notice_kind import NoticeKind
from .notices import HISTORY_KIND, Notice, group_of, receives
from .registrations import Registration
from .working_groups import Group

if TYPE_CHECKING:
    from .mail import Mailer
    from .network import Member, OrganisationAlias

log = logging.getLogger(__name__)

T = TypeVar("T")

# How long a claimed send is held before another run may take it over (that run crashed).
SEND_LEASE = timedelta(minutes=15)
# How many addresses one suppression lookup reads (DynamoDB's BatchGetItem takes 100 keys).
SUPPRESSION_BATCH = 100
# Each outbox run sends for at most this long at the account's rate (the job runs every 10 minutes).
RUN_SECONDS = 60
# A run reserves this many seconds' worth of sends at a time from the minute all runs share: one write
# per ten seconds of sending, not one per email.
RESERVE_SECONDS = 10

# -- pacing ---------------------------------------------------------------------------------------


class SendWindows(Protocol):
    def reserve_sends(self, window: int, wanted: int, limit: int) -> int:
        """Take up to `wanted` of the `limit` sends one window (a minute) allows, shared by every
        run; returns how many were granted (0 when the window is spent)."""


class SendPace:
    """Keeps the sends of every outbox run under the account's rate: each run reserves its sends from
    a per-minute window all runs share (rate × 60 a minute), ten seconds' worth at a time, and waits
    between sends so none goes faster than the rate; when the window is spent the run stops and leaves
    the rest for the next run. A reservation is made in the minute its sends go out (the run's start
    plus the time it has waited), so a run still sending when the next one starts shares that minute
    with it rather than each taking a whole minute's worth."""

    def __init__(
        self,
        rate: float,
        *,
        windows: SendWindows,
        now: datetime,
        sleep: Callable[[float], None],
        run_seconds: int = RUN_SECONDS,
    ) -> None:
        self.rate = max(rate, 0.0)
        self.windows = windows
        self.started = now.timestamp()
        self.waited = 0.0
        self.sleep = sleep
        self.budget = int(self.rate * run_seconds)
        self.reserved = 0
        self.taken = 0

    def take(self) -> bool:
        """One more send now, or False when this run has sent its share."""
        if self.taken >= self.budget:
            return False
        if self.taken:
            self.sleep(1 / self.rate)
            self.waited += 1 / self.rate
        if self.reserved == 0:
            chunk = min(max(int(self.rate * RESERVE_SECONDS), 1), self.budget - self.taken)
            minute = int(self.started + self.waited) // 60
            self.reserved = self.windows.reserve_sends(minute, chunk, int(self.rate * 60))
            if self.reserved == 0:
                self.budget = self.taken  # the minute's allowance is spent: this run is done
                return False
        self.reserved -= 1
        self.taken += 1
        return True


# -- delivery -------------------------------------------------------------------------------------


class NoticeStore(SendWindows, EmailHistoryStore, Protocol):
    def get_event(self, event_id: str) -> Event | None: ...

    def active_notices(self) -> list[Notice]: ...

    def registrations(self, event_id: str) -> Iterator[Registration]: ...

    def finished_sends(self, event_id: str, prefix: str) -> set[str]:
        """The marker names under `prefix` whose send is over (sent or skipped)."""

    def claim_send(self, event_id: str, name: str, now: datetime, lease: datetime) -> bool: ...

    def finish_send(self, event_id: str, name: str, state: Any, now: datetime, message_id: str = "") -> None: ...

    def suppressed_among(self, email_keys: list[str]) -> set[str]: ...

    def finish_notice(self, notice: Notice, now: datetime) -> None: ...

    def network_records(self, series: str) -> tuple[list[Member], list[OrganisationAlias]]: ...

    def claim_invitation(self, event_id: str, series: str, ref: str, now: datetime, lease: datetime) -> bool:
        """Claim one member's invitation, only while they are still a member (not left, not erased)."""


class NoticeMessages(Protocol):
    def notice(self, notice: Notice, event: Event, registration: Registration) -> EmailMessage: ...

    def notice_copy(self, notice: Notice, event: Event, recipients: int) -> EmailMessage: ...

    def invitation(self, notice: Notice, event: Event, member: Member) -> EmailMessage: ...

    def working_group(
        self, notice: Notice, event: Event, registration: Registration, group: Group, members: list[Registration]
    ) -> EmailMessage:
        """One person's email about their group: `members` are the group's people still seated."""


@dataclass
class _Run:
    store: NoticeStore
    mailer: Mailer
    messages: NoticeMessages
    pace: SendPace
    now: datetime
    counts: Counter[str] = field(default_factory=Counter)
    out_of_share: bool = False
    notice: Notice | None = None  # the one being delivered

    def send_once(
        self,
        event_id: str,
        name: str,
        build: Callable[[], EmailMessage],
        to: email_history.Recipient | None = None,
        claim: Callable[[], bool] | None = None,
    ) -> bool:
        """Claim (with `claim`, else the send marker `name`), send, record (in the person's email
        history too); True when this run sent it."""
        # Imported here: the console's pages import this module, and a cold start need not load the
        # jobs and the mail adapter for them.
        from .jobs import SendState
        from .mail import SendFailed

        if not self.pace.take():
            self.out_of_share = True
            return False
        claimed = claim() if claim else self.store.claim_send(event_id, name, self.now, self.now + SEND_LEASE)
        if not claimed:
            self.counts["claimed_elsewhere"] += 1
            return False
        try:
            message_id = self.mailer.send(build())
        except SendFailed as failure:
            log.warning("notice not sent", extra={"event_id": event_id, "error": failure.code})
            self.store.finish_send(event_id, name, SendState.FAILED, self.now)
            self.history(to, Result.FAILED, error=failure.code)
            self.counts["failed"] += 1
            return False
        self.store.finish_send(event_id, name, SendState.SENT, self.now, message_id)
        self.history(to, Result.SENT, message_id=message_id)
        self.counts["sent"] += 1
        return True

    def history(
        self, to: email_history.Recipient | None, result: Result, message_id: str = "", error: str = ""
    ) -> None:
        if to is not None and self.notice is not None:
            email_history.note(
                self.store, to, HISTORY_KIND[self.notice.kind], result, now=self.now, message_id=message_id, error=error
            )

    def skip(self, event_id: str, name: str, to: Registration) -> None:
        from .jobs import SendState

        if self.store.claim_send(event_id, name, self.now, self.now + SEND_LEASE):
            self.store.finish_send(event_id, name, SendState.SKIPPED, self.now)
            self.history(email_history.Recipient.of(to), Result.SUPPRESSED)
            self.counts["suppressed"] += 1

    def _builder(
        self, notice: Notice, event: Event, registration: Registration, seated: dict[str, Registration]
    ) -> Callable[[], EmailMessage]:
        group = group_of(notice, registration.registration_id) if notice.kind == NoticeKind.WORKING_GROUPS else None
        if group is None:
            return functools.partial(self.messages.notice, notice, event, registration)
        members = _group_members(group, seated)
        return functools.partial(self.messages.working_group, notice, event, registration, group, members)

    def deliver(self, notice: Notice) -> None:
        self.notice = notice
        event = self.store.get_event(notice.event_id)
        if event is None or self.now >= event.ends_at_or_default:
            # The event is gone (deleted with its data), or the meeting is over: news of it is no use.
            self.store.finish_notice(notice, self.now)
            self.counts["notices_expired"] += 1
            return
        if notice.kind == NoticeKind.INVITATION:
            self.invite(notice, event)
            return
        done = self.store.finished_sends(event.id, notice.marker_prefix)
        everyone = list(self.store.registrations(event.id))
        recipients = [
            registration
            for registration in everyone
            if receives(notice, registration) and notice.marker(registration.registration_id) not in done
        ]
        seated = {r.registration_id: r for r in everyone if receives(notice, r)} if notice.groups else {}
        complete = True
        if notice.kind == NoticeKind.MESSAGE and notice.copy_marker not in self.store.finished_sends(
            event.id, notice.copy_marker
        ):
            total = len(recipients) + len(done)
            complete = self.send_once(
                event.id, notice.copy_marker, lambda: self.messages.notice_copy(notice, event, total)
            )

        def send(registration: Registration) -> bool:
            name = notice.marker(registration.registration_id)
            build = self._builder(notice, event, registration, seated)
            return self.send_once(event.id, name, build, email_history.Recipient.of(registration))

        def skip(registration: Registration) -> None:
            self.skip(event.id, notice.marker(registration.registration_id), registration)

        self.send_all(
            notice, recipients, lambda registration: registration.answers.email_key, send, skip, complete=complete
        )

    def invite(self, notice: Notice, event: Event) -> None:
        """An invitation: each member of the series who is not signed up, not yet invited to this
        meeting and not suppressed, as far as this run's share goes. Read afresh on every run, so a
        member who signed up, left or was erased meanwhile is not written to."""
        from .invitations import MARKER_PREFIX, InvitationRefused, check_can_invite, marker, who_is_invited

        try:
            check_can_invite(event, self.now)
        except InvitationRefused as refused:
            # Cancelled, closed or full since it was asked for: an invitation to it would only disappoint.
            self.store.finish_notice(notice, self.now)
            self.counts[f"invitations_refused_{refused.code}"] += 1
            return
        members, _ = self.store.network_records(event.series)
        invited = {name.removeprefix(MARKER_PREFIX) for name in self.store.finished_sends(event.id, MARKER_PREFIX)}
        invitees = who_is_invited(
            members, self.store.registrations(event.id), event_id=event.id, invited=invited, suppressed=set()
        )
        # Kept as long as the event's data (the notice's own expiry); the line shows on the person's
        # page once they sign up.
        expires_at = notice.expires_at

        def send(member: Member) -> bool:
            return self.send_once(
                event.id,
                marker(member.ref),
                functools.partial(self.messages.invitation, notice, event, member),
                email_history.Recipient(email_key(member.email), event.id, expires_at),
                claim=functools.partial(
                    self.store.claim_invitation, event.id, event.series, member.ref, self.now, self.now + SEND_LEASE
                ),
            )

        def skip(member: Member) -> None:
            # Not written to, and no marker: the address may be cleared, and then a later
            # invitation reaches it.
            self.counts["suppressed"] += 1

        self.send_all(notice, invitees.invite, lambda member: email_key(member.email), send, skip)

    def send_all(
        self,
        notice: Notice,
        pending: Sequence[T],
        address_of: Callable[[T], str],
        send: Callable[[T], bool],
        skip: Callable[[T], None],
        *,
        complete: bool = True,
    ) -> None:
        """Each of `pending` in turn, as far as this run's share goes: `skip` whose address (email key)
        is suppressed, looked up a batch at a time, and `send` to the others. The notice is finished
        once all were sent (and `complete`, what came before); else what is left waits for the next run."""
        handled = 0
        for start in range(0, len(pending), SUPPRESSION_BATCH):
            if self.out_of_share:
                break
            batch = pending[start : start + SUPPRESSION_BATCH]
            suppressed = self.store.suppressed_among([address_of(one) for one in batch])
            for one in batch:
                if address_of(one) in suppressed:
                    skip(one)
                    handled += 1
                    continue
                sent = send(one)
                if self.out_of_share:
                    break
                handled += 1
                complete = complete and sent
        if self.out_of_share:
            self.counts["left_for_next_run"] += len(pending) - handled
        elif complete:
            self.store.finish_notice(notice, self.now)
            self.counts["notices_finished"] += 1


def _group_members(group: Group, seated: dict[str, Registration]) -> list[Registration]:
    return [seated[ref] for ref in group.members if ref in seated]


def deliver_notices(
    *, store: NoticeStore, mailer: Mailer, messages: NoticeMessages, pace: SendPace, now: datetime
) -> Counter[str]:
    """The outbox's part for notices: every unfinished notice, oldest first, as far as this run's
    share of the send rate goes."""
    run = _Run(store, mailer, messages, pace, now)
    for notice in sorted(store.active_notices(), key=lambda n: (n.created_at, n.notice_id)):
        if run.out_of_share:
            run.counts["notices_left_for_next_run"] += 1
            continue
        run.deliver(notice)
    if run.counts:
        log.info("notices run", extra={"counts": dict(run.counts)})
    return run.counts
