"""What the console's event pages do: each change judged by chalicelib/console/events.py's rules,
written through the store, and the emails it owes sent (the store, clock and sender are given, so
these run in tests without AWS). Raising the number of seats moves people up from the waiting list
by the same promotion a cancellation makes (registrations.fill_free_seats)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from .. import notices
from ..errors import EventCancelled, EventExists, SeatsTaken
from ..events import Event
from ..i18n import event_problem
from ..notice_kind import NoticeKind
from ..notices import EventEdit, Notice
from ..registrations import EmailState, PromotionStore, Registration, fill_free_seats
from . import events as rules
from .events import ChangeRefused
from .posted import EventFormInvalid

# Sends the email a registration's record holds the lease for (service.send_leased_email, bound).
SendLeased = Callable[[Registration, Event], Any]


class EventStore(PromotionStore, Protocol):
    def create_event(self, event: Event, now: datetime) -> None: ...

    def save_event(self, edit: EventEdit) -> None: ...


@dataclass(frozen=True)
class Writer:
    """What a change is written through: the store, the request's clock reading, and the sender of
    the emails it owes (the promotions of those a larger capacity moves up)."""

    store: EventStore
    now: datetime
    send: SendLeased


@dataclass(frozen=True)
class Notify:
    """Whether to tell the registrants of a change of time or place, and who asks (for the notice)."""

    tell: bool = False
    author: str = ""
    keep_until: datetime | None = None  # the notice is kept as long as the event's registrations


@dataclass(frozen=True)
class Saved:
    event: Event
    changed: list[str]  # the TOML keys that changed (for the audit log)
    promoted: list[Registration] = field(default_factory=list)
    notice: Notice | None = None  # the change notice the registrants will get, if they are told


def create(values: dict[str, Any], language: str, *, store: EventStore, now: datetime) -> Event:
    """A new event from the form (administrators only, checked by the route)."""
    event = rules.event_from_form(values, language)
    try:
        store.create_event(event, now)
    except EventExists:
        raise EventFormInvalid({"id": event_problem("id_taken", language)}) from None
    return event


def version_shown(event: Event) -> str:
    """What an edit form carries as `edited_from`: when the event it shows was last saved ("" for an
    event stored before save times were kept)."""
    return event.updated_at.isoformat() if event.updated_at else ""


def stale(event: Event, shown: object) -> bool:
    """Whether a form's `edited_from` (`shown`) is not the event as it is now, so saving it would
    overwrite what someone else saved after the form was opened (the store checks the same again in
    its write). Every edit form carries the field, so a post without it came from a page older than
    the field, or was written by hand: it is refused like a stale one, because saving it would undo
    changes nobody saw; the refusal shows what was written, so nothing typed is lost."""
    return not isinstance(shown, str) or shown != version_shown(event)


def save(
    existing: Event,
    event: Event,
    language: str,
    writer: Writer,
    *,
    error_field: str = "capacity",
    edited_from: datetime | None = None,
    notify: Notify = Notify(),
) -> Saved:
    """Store an edited event, then fill the seats a larger capacity freed, first in line first.
    With `edited_from` (when the form was filled in), raises EventChanged if someone saved since.
    When the time or place changed, every calendar file from now on is a later revision, and with
    `notify.tell` the registrants' change notice is stored in the same write. A cancelled meeting
    is not edited (EventCancelled)."""
    if existing.is_cancelled:
        raise EventCancelled(event=existing)
    if event.is_cancelled:
        # Only cancelling tells everyone: a file or form that says "cancelled" does not call it off.
        raise EventFormInvalid({error_field: notices.problem_text("cancel_elsewhere", language)})
    changes = notices.meeting_changes(existing, event)
    notice = (
        notices.new_notice(
            event,
            NoticeKind.CHANGED,
            now=writer.now,
            changes=changes,
            author=notify.author,
            expires_at=notify.keep_until,
        )
        if notify.tell and changes
        else None
    )
    try:
        writer.store.save_event(EventEdit(event, writer.now, edited_from, bump_calendar=bool(changes), notice=notice))
    except SeatsTaken as taken:
        raise EventFormInvalid({error_field: event_problem("below_seats_taken", language, taken=taken.taken)}) from None
    promoted = _fill(event, writer)
    return Saved(event, rules.changed_keys(existing, event), promoted, notice)


def edit(
    existing: Event,
    values: dict[str, Any],
    language: str,
    writer: Writer,
    *,
    may_name_organisers: bool,
    notify: Notify = Notify(),
) -> Saved:
    """The edit form: written only if nobody saved the event since `existing` was read."""
    event = rules.event_from_form(values, language, existing=existing, may_name_organisers=may_name_organisers)
    _keep_seats(existing, event, language, "capacity")
    return save(existing, event, language, writer, edited_from=existing.updated_at, notify=notify)


def import_file(
    text: str,
    language: str,
    writer: Writer,
    *,
    existing: Event | None,
    may_name_organisers: bool,
    notify: Notify = Notify(),
) -> Saved:
    """A pasted or uploaded TOML file: a new event (`existing` None), or the event it replaces (same id)."""
    event = rules.read_import(text, language)
    if existing is None:
        try:
            writer.store.create_event(event, writer.now)
        except EventExists:
            raise EventFormInvalid({"toml": event_problem("id_taken", language)}) from None
        return Saved(event, ["created"])
    if event.id != existing.id:
        raise EventFormInvalid({"toml": f"id: {event_problem('import_other_id', language, id=existing.id)}"})
    if not may_name_organisers and event.organisers != existing.organisers:
        raise EventFormInvalid({"toml": f"organisers: {event_problem('organisers_admin_only', language)}"})
    _keep_seats(existing, event, language, "toml")
    return save(existing, event, language, writer, error_field="toml", notify=notify)


def change_capacity(event: Event, text: str, language: str, writer: Writer) -> Saved:
    changed = _quick(lambda: rules.new_capacity(event, text), "capacity", language)
    return save(event, changed, language, writer)


def move_deadline(event: Event, day: str, clock: str, language: str, writer: Writer) -> Saved:
    changed = _quick(lambda: rules.new_deadline(event, day, clock), "deadline_date", language)
    return save(event, changed, language, writer, error_field="deadline_date")


def set_open(event: Event, open_: bool, writer: Writer) -> Saved:
    """Close registration early, or reopen it (the deadline still applies)."""
    changed = rules.reopened(event) if open_ else rules.closed(event)
    return save(event, changed, "sv", writer)


def name_organisers(event: Event, text: str, language: str, writer: Writer) -> Saved:
    """Who organises the event (administrators only, checked by the route)."""
    changed = _quick(lambda: rules.with_changes(event, organisers=rules.split_addresses(text)), "organisers", language)
    return save(event, changed, language, writer)


def _quick(change: Callable[[], Event], field_name: str, language: str) -> Event:
    try:
        return change()
    except ChangeRefused as refused:
        raise EventFormInvalid({field_name: event_problem(refused.code, language, **refused.params)}) from None


def _keep_seats(existing: Event, event: Event, language: str, field_name: str) -> None:
    """Say so before writing when the new capacity is below the seats taken (the store checks it again)."""
    if event.capacity is not None and event.capacity < existing.confirmed_count:
        taken = existing.confirmed_count
        raise EventFormInvalid({field_name: event_problem("below_seats_taken", language, taken=taken)})


def _fill(event: Event, writer: Writer) -> list[Registration]:
    promoted = fill_free_seats(event.id, store=writer.store, now=writer.now)
    for registration in promoted:
        if registration.email.state == EmailState.SENDING:
            writer.send(registration, event)
    return promoted
