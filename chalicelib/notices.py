"""Telling registrants: the meeting is cancelled, its time or place changed, or a message from the
organisers.

Each is a notice stored on the event (in the same write that cancels or changes the meeting, so a
change is never made without its notice, nor a notice kept for a change that failed): what it is,
its words, and who receives it. The outbox job delivers it (notice_delivery.py).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from . import i18n
from .email_history import HistoryKind
from .events import Event, NoticedDetail, changed_details
from .i18n import N_
from .notice_kind import NoticeKind
from .registrations import SEATED, EmailState, Registration, Status
from .working_groups import Group

if TYPE_CHECKING:
    pass


# The longest message an organiser may send: a letter, not a book.
MAX_TEXT = 10_000


class Audience(StrEnum):
    """Who a message from the organisers is for."""

    EVERYONE = "everyone"  # everyone still signed up: seated and waiting
    CONFIRMED = "confirmed"  # those with a seat
    WAITING = "waiting"  # the waiting list
    EATING = "eating"  # those with a seat who said yes to the meal


# What each kind, audience, detail and problem is called, in English; translated where shown.
SUBJECTS = {
    NoticeKind.CANCELLED: N_("Cancelled: {title}"),
    NoticeKind.CHANGED: N_("Changed: {title}"),
    NoticeKind.MESSAGE: N_("A message about {title}"),
    NoticeKind.INVITATION: N_("Invitation: {title}"),
    NoticeKind.WORKING_GROUPS: N_("Your working group: {title}"),
}
KIND_NAMES = {
    NoticeKind.CANCELLED: N_("Meeting cancelled"),
    NoticeKind.CHANGED: N_("Time or place changed"),
    NoticeKind.MESSAGE: N_("Message from the organisers"),
    NoticeKind.INVITATION: N_("Invitation"),
    NoticeKind.WORKING_GROUPS: N_("Working groups"),
}
AUDIENCE_NAMES = {
    Audience.EVERYONE: N_("everyone signed up"),
    Audience.CONFIRMED: N_("everyone with a seat"),
    Audience.WAITING: N_("the waiting list"),
    Audience.EATING: N_("everyone with a seat who eats"),
}
DETAIL_NAMES = {
    NoticedDetail.STARTS_AT: N_("Start time"),
    NoticedDetail.ENDS_AT: N_("End time"),
    NoticedDetail.VENUE: N_("Venue"),
    NoticedDetail.ADDRESS: N_("Street address"),
}
PROBLEMS = {
    "message_empty": N_("Write a message."),
    "message_too_long": N_("The message is too long (at most {limit} characters)."),
    "cancel_elsewhere": N_(
        "A meeting is cancelled with the “Cancel the meeting” button (or ./signup event cancel), so that everyone "
        "signed up is told."
    ),
}


# How each notice is named in a person's email history (the console's person page).
HISTORY_KIND: dict[NoticeKind, HistoryKind] = {
    NoticeKind.CANCELLED: HistoryKind.NOTICE_CANCELLED,
    NoticeKind.CHANGED: HistoryKind.NOTICE_CHANGED,
    NoticeKind.MESSAGE: HistoryKind.NOTICE_MESSAGE,
    NoticeKind.INVITATION: HistoryKind.INVITATION,
    NoticeKind.WORKING_GROUPS: HistoryKind.WORKING_GROUP,
}


def problem_text(code: str, language: str, **params: Any) -> str:
    """A notice's problem (MessageInvalid's code, or cancel_elsewhere) in the reader's language."""
    return i18n.translator(language).gettext(PROBLEMS[code]).format(**params)


def audience_name(audience: Audience, language: str) -> str:
    return i18n.translator(language).gettext(AUDIENCE_NAMES[audience])


@dataclass(frozen=True)
class Change:
    """One detail of the meeting that changed: which (its `name`) and its values before and after: a
    moment for the times (None for none), text for the place."""

    name: NoticedDetail
    old: datetime | str | None
    new: datetime | str | None


@dataclass(frozen=True)
class Notice:
    event_id: str
    notice_id: str
    kind: NoticeKind
    audience: Audience
    created_at: datetime
    author: str = ""  # the mailbox key of the organiser who sent it ("" from the command line)
    changes: tuple[Change, ...] = ()
    text: str = ""  # the organisers' own words (a message, or a note with a cancellation)
    finished_at: datetime | None = None
    expires_at: datetime | None = field(default=None, compare=False)
    # The working groups as they were when the organisers sent them (later moves do not change a
    # delivery half done): registration ids only.
    groups: tuple[Group, ...] = ()

    @property
    def finished(self) -> bool:
        return self.finished_at is not None

    def marker(self, registration_id: str) -> str:
        """The send marker that makes this notice go to this person once."""
        return f"{self.marker_prefix}{registration_id}"

    @property
    def marker_prefix(self) -> str:
        return f"notice#{self.notice_id}#"

    @property
    def copy_marker(self) -> str:
        """The marker of the organisers' copy of a message."""
        return f"notice#{self.notice_id}"


@dataclass(frozen=True, slots=True)
class EventEdit:
    """An edited event to store (the console's EventStore.save_event): `edited_from`, when the form
    was filled in (EventChanged if someone saved since); `bump_calendar` when its time or place
    changed; the change `notice` for the registrants, stored in the same write."""

    event: Event
    now: datetime
    edited_from: datetime | None = None
    bump_calendar: bool = False
    notice: Notice | None = None


class MessageInvalid(ValueError):
    """A message the organisers cannot send as written; `code` names the problem (i18n)."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def new_notice(
    event: Event,
    kind: NoticeKind,
    *,
    now: datetime,
    audience: Audience = Audience.EVERYONE,
    changes: Iterable[Change] = (),
    text: str = "",
    author: str = "",
    expires_at: datetime | None = None,
    groups: tuple[Group, ...] = (),
) -> Notice:
    """A notice to store; its id sorts by time, and a random part keeps two of one second apart."""
    notice_id = f"{now:%Y%m%dT%H%M%S}-{secrets.token_hex(4)}"
    return Notice(
        event.id,
        notice_id,
        kind,
        audience,
        now,
        author=author,
        changes=tuple(changes),
        text=text,
        expires_at=expires_at,
        groups=groups,
    )


def message_text(text: str) -> str:
    """An organiser's message as it will be sent: line endings made plain, trailing space gone;
    MessageInvalid when it is empty or too long."""
    cleaned = "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")).strip()
    if not cleaned:
        raise MessageInvalid("message_empty")
    if len(cleaned) > MAX_TEXT:
        raise MessageInvalid("message_too_long", limit=MAX_TEXT)
    return cleaned


def meeting_changes(before: Event, after: Event) -> tuple[Change, ...]:
    """What an edit changed of the meeting's time and place, as a change notice reports it."""
    return tuple(Change(detail, old, new) for detail, old, new in changed_details(before, after))


def receives(notice: Notice, registration: Registration) -> bool:
    """Whether this person is one the notice is for. A cancellation and a change go to everyone still
    signed up (a change's calendar file only to those with a confirmed seat); a message to its audience."""
    if notice.kind == NoticeKind.INVITATION:
        return False  # for the series' members who are not signed up (invitations.who_is_invited)
    if not registration.is_live or registration.email.state == EmailState.SUPPRESSED:
        return False
    if notice.kind == NoticeKind.WORKING_GROUPS:
        # Those in a group who still have their seat (someone who cancelled since is in no group).
        return registration.status == Status.CONFIRMED and group_of(notice, registration.registration_id) is not None
    if notice.kind != NoticeKind.MESSAGE:
        return True
    seated = registration.status in SEATED
    return {
        Audience.EVERYONE: True,
        Audience.CONFIRMED: seated,
        Audience.WAITING: registration.status == Status.WAITLISTED,
        Audience.EATING: seated and registration.answers.meal is True,
    }[notice.audience]


def group_of(notice: Notice, ref: str) -> Group | None:
    return next((group for group in notice.groups if ref in group.members), None)


def with_calendar(notice: Notice, registration: Registration) -> bool:
    """A calendar file goes to those who were sent one: a confirmed seat (the waiting list hears the
    news without one)."""
    return notice.kind in (NoticeKind.CANCELLED, NoticeKind.CHANGED) and registration.status == Status.CONFIRMED
