"""Every email sent to a person about an event, one line each: what it was, when, and how it went.

The registration keeps only where its latest email stands; this keeps the whole story, for the
organiser console's person page. Each line is kept exactly as long as the registration it is about
(the event's data), lives under the person's address so erasing the person takes it too, and never
holds the mail's body. Every send writes here with one call: `note(...)`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from .registrations import EmailKind, Registration

log = logging.getLogger(__name__)


class Result(StrEnum):
    SENT = "sent"  # SES accepted it (its message id is kept)
    FAILED = "failed"  # SES refused or failed; the outbox may try again (another line then)
    SUPPRESSED = "suppressed"  # not sent: the address bounced or complained before
    LIMITED = "limited"  # not sent: the address had its emails for today
    BOUNCED = "bounced"  # SES told us later that the mailbox does not exist (no event: the address)
    COMPLAINED = "complained"  # the recipient reported an email as spam (no event: the address)


class HistoryKind(StrEnum):
    """What a line is about when it is not one of a registration's own emails (`EmailKind`)."""

    RESEND = "resend"  # a confirmation an organiser sent again from the console
    SES_NOTICE = "ses_notice"  # written from an SES notification: which email it was about is not known
    # The organisers' notices (notices.HISTORY_KIND names which is which).
    NOTICE_CANCELLED = "notice_cancelled"
    NOTICE_CHANGED = "notice_changed"
    NOTICE_MESSAGE = "notice_message"
    INVITATION = "invitation"
    WORKING_GROUP = "working_group"


# Every kind a line can have: the closed set the console's person page has words for (i18n.EMAIL_KINDS).
LineKind = EmailKind | HistoryKind


@dataclass(frozen=True)
class SentEmail:
    """One line of a person's email history. `event_id` is empty for what concerns the address
    itself (a bounce or complaint SES reported), shown with every event of that person."""

    email_key: str
    event_id: str
    kind: str  # a LineKind's value (read back as written)
    result: Result
    at: datetime
    message_id: str = ""
    error: str = ""


@dataclass(frozen=True)
class Recipient:
    """Whose history a line goes into, about which event, and until when it is kept."""

    email_key: str
    event_id: str
    expires_at: datetime | None

    @classmethod
    def of(cls, registration: Registration) -> Recipient:
        return cls(registration.answers.email_key, registration.event_id, registration.expires_at)

    def line(
        self, kind: LineKind, result: Result, *, now: datetime, message_id: str = "", error: str = ""
    ) -> SentEmail:
        """The history line for an email of `kind` to this recipient, and how it went."""
        return SentEmail(self.email_key, self.event_id, str(kind), result, now, message_id, error)


class EmailHistoryStore(Protocol):
    def add_email_history(self, line: SentEmail, expires_at: datetime | None) -> None: ...

    def email_history(self, email_key: str, event_id: str) -> list[SentEmail]:
        """The lines about this event and about the address itself, newest first."""


def line_for(
    registration: Registration, kind: LineKind, result: Result, *, now: datetime, message_id: str = "", error: str = ""
) -> SentEmail:
    """The line for an email to `registration`'s person; the outbox writes it in the same call that
    records the email on the registration, so the history costs a sign-up no extra round trip."""
    return Recipient.of(registration).line(kind, result, now=now, message_id=message_id, error=error)


def note(
    store: EmailHistoryStore,
    to: Registration | Recipient,
    kind: LineKind,
    result: Result,
    *,
    now: datetime,
    message_id: str = "",
    error: str = "",
) -> None:
    """Write one line for an email to `to`: a registration's person (kept as long as the registration),
    or any recipient, registered or not (an invitation goes to a network's member who has no
    registration for the event yet).

    Never raises: the email has gone (or not) whatever the history says, and a send or a job must
    not fail, nor send twice, because its line could not be written. The failure is logged.
    """
    recipient = Recipient.of(to) if isinstance(to, Registration) else to
    line = recipient.line(kind, result, now=now, message_id=message_id, error=error)
    try:
        store.add_email_history(line, recipient.expires_at)
    except Exception as error:  # noqa: BLE001 - see above; the code tells operators what went wrong
        log.error(
            "email history not written",
            extra={"event_id": line.event_id, "kind": line.kind, "error": type(error).__name__},
        )
