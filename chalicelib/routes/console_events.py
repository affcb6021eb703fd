"""The console's event pages: create and edit (with a preview of the public form), quick changes
(close early / reopen, the deadline, the number of seats, the organisers), TOML export and import.

Each view parses the request, calls chalicelib/console/event_admin.py and writes the audit log.
Administrators create events and name organisers; an organiser edits only the events that name them
(anything else is the same 404 as a missing event). Every change is a POST with the session's CSRF token.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from chalice import Blueprint, Response

from .. import i18n
from ..bootstrap import wiring
from ..console import posted
from ..console.access import ConsoleUser
from ..console.posted import EventFormInvalid
from ..errors import EventChanged, EventNotFound
from ..events import OPTIONAL_QUESTIONS, Event
from ..i18n import N_
from ..meeting_times import meeting_times
from ..registrations import Registration
from .console import ConsolePost, ConsoleView, audit, console_get, console_page, console_post, see_other, visible_event
from .http import base_url, query

if TYPE_CHECKING:
    from ..console import event_admin

console_events = Blueprint(__name__)


# -- wiring ----------------------------------------------------------------------------------------


def _now() -> datetime:
    return wiring().clock()


def _writer() -> event_admin.Writer:
    """The store and the clock, and the sender of the promotion email each person moved up is owed
    (the outbox retries what fails)."""
    from ..console import event_admin

    parts = wiring()
    links_to = base_url(console_events.current_request, parts.settings)
    now = parts.clock()

    def send(registration: Registration, event: Event) -> Any:
        return parts.signup.send_leased_email(registration, event, base_url=links_to, now=now)

    return event_admin.Writer(parts.store, now, send)


def _admin_only(user: ConsoleUser) -> None:
    """Creating events is for administrators: anyone else gets the not-found page, no hint."""
    if not user.is_admin:
        visible_event(user, "")  # nobody sees an event without an id: the console's own 404


def _labels(language: str) -> dict[str, str]:
    tr = i18n.translator(language)
    return {name: tr.gettext(text) for name, text in i18n.EVENT_FIELD_LABELS.items()}


def _warnings(event: Event, language: str) -> list[str]:
    from ..console import events as rules

    return [i18n.event_warning(code, language, **params) for code, params in rules.warnings(event, _now())]


def _form_page(
    user: ConsoleUser,
    language: str,
    *,
    values: dict[str, Any],
    event: Event | None,
    status: int = 200,
    errors: dict[str, str] | None = None,
    preview: Event | None = None,
    notice: str = "",
) -> Response:
    from ..console import event_admin

    creating = event is None
    shown = preview or event
    return console_page(
        "console/event_form.html",
        user,
        status,
        language=language,
        creating=creating,
        event=event,
        edited_from=event_admin.version_shown(event) if event else "",
        values=values,
        errors=errors or {},
        field_labels=_labels(language),
        warnings=_warnings(shown, language) if shown else [],
        preview_html=wiring().pages.form_page(preview, language, _now()) if preview else "",
        action="/console/events" if event is None else f"/console/events/{event.id}/edit",
        back_path="/console" if event is None else f"/console/events/{event.id}",
        may_name_organisers=user.is_admin,
        questions=OPTIONAL_QUESTIONS,
        notice=notice,
    )


def _changes_page(
    user: ConsoleUser,
    event: Event,
    language: str,
    *,
    status: int = 200,
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
    notice: str = "",
) -> Response:
    from ..console import events as rules

    deadline = rules.deadline_value(event)
    shown = {
        "new_deadline_date": f"{deadline:%Y-%m-%d}",
        "new_deadline_time": f"{deadline:%H:%M}" if isinstance(deadline, datetime) else "",
        "new_capacity": str(event.capacity) if event.capacity is not None else "",
        "new_organisers": "\n".join(event.organisers),
        **(values or {}),
    }
    return console_page(
        "console/event_changes.html",
        user,
        status,
        language=language,
        event=event,
        values=shown,
        errors=errors or {},
        field_labels=_labels(language),
        warnings=_warnings(event, language),
        deadline_text=meeting_times(event, language).last_day,
        may_name_organisers=user.is_admin,
        import_action=f"/console/events/{event.id}/import",
        import_hint=i18n.translator(language).gettext(
            "The file replaces the meeting's description (same id). Registrations stay."
        ),
        import_notify=True,
        notice=notice,
    )


# What the page says after a change redirected to it (`done`).
DONE_NOTICES = {"created": N_("The meeting is created."), "saved": N_("The changes are saved.")}
# The edit form's refusal when someone saved the meeting after it was opened (event_admin.stale).
STALE = N_(
    "Someone else saved changes to the meeting while you were writing, so your changes are not saved. The "
    "form shows what you wrote: compare it with the meeting's page and save again if it should apply."
)


def _notice(language: str) -> str:
    """What the last change did (after its redirect): saved, and how many moved up."""
    params = query(console_events.current_request)
    tr = i18n.translator(language)
    parts = []
    if params.get("done") in DONE_NOTICES:
        parts.append(tr.gettext(DONE_NOTICES[params["done"]]))
    if params.get("told") == "1":
        parts.append(tr.gettext("Those signed up get an email about the change."))
    promoted = params.get("promoted", "")
    if promoted.isdigit() and int(promoted) > 0:
        parts.append(
            tr.ngettext(
                "Moved up from the waiting list: {count}. The person has been emailed about their seat.",
                "Moved up from the waiting list: {count}. They have been emailed about their seat.",
                int(promoted),
            ).format(count=int(promoted))
        )
    return " ".join(parts)


def _done(event: Event, saved: event_admin.Saved, user: ConsoleUser, action: str, page: str, language: str) -> Response:
    """Write the audit entry (what changed, and how many moved up), then show the page again."""
    detail = ", ".join(saved.changed)
    if saved.promoted:
        detail += f"; promoted {len(saved.promoted)}"
    audit(event, user, action, detail)
    params = {"done": "saved"}
    if saved.notice is not None:
        detail += "; registrants told"
        params["told"] = "1"
    if saved.promoted:
        params["promoted"] = str(len(saved.promoted))
    return see_other(page, language, **params)


# -- create -----------------------------------------------------------------------------------------


@console_get(console_events, "/console/events/new")
def new_event_form(request: ConsoleView) -> Response:
    from ..console import events as rules

    user, language = request.user, request.language
    _admin_only(user)
    return _form_page(user, language, values=rules.blank_form(), event=None)


@console_post(console_events, "/console/events", read=posted.read_form)
def create_event(post: ConsolePost) -> Response:
    from ..console import event_admin
    from ..console import events as rules

    fields, user, language = post.fields, post.user, post.language
    _admin_only(user)
    values = rules.posted_values(fields)
    try:
        if fields.get("do") == "preview":
            preview = rules.event_from_form(values, language)
            return _form_page(user, language, values=values, event=None, preview=preview)
        event = event_admin.create(values, language, store=wiring().store, now=_now())
    except EventFormInvalid as invalid:
        return _form_page(user, language, values=values, event=None, status=400, errors=invalid.errors)
    audit(event, user, "event_created", "")
    return see_other(f"/console/events/{event.id}/edit", language, done="created")


@console_get(console_events, "/console/events/import")
def import_form(request: ConsoleView) -> Response:
    user, language = request.user, request.language
    _admin_only(user)
    return _import_page(user, language)


def _import_page(user: ConsoleUser, language: str, status: int = 200, **context: Any) -> Response:
    return console_page(
        "console/event_import.html",
        user,
        status,
        language=language,
        values=context.pop("values", {}),
        errors=context.pop("errors", {}),
        field_labels=_labels(language),
        import_action="/console/events/import",
        import_hint=i18n.translator(language).gettext(
            "The same format as ./signup event put. The file is judged by the same rules as the form."
        ),
    )


def _toml_text(fields: dict[str, Any]) -> str:
    """The uploaded file if one was chosen, else the pasted text."""
    return fields.get("toml_file") or fields.get("toml") or ""


@console_post(console_events, "/console/events/import", read=posted.read_form)
def import_new_event(post: ConsolePost) -> Response:
    from ..console import event_admin
    from ..console import events as rules

    fields, user, language = post.fields, post.user, post.language
    _admin_only(user)
    text = _toml_text(fields)
    try:
        saved = event_admin.import_file(text, language, _writer(), existing=None, may_name_organisers=True)
    except EventFormInvalid as invalid:
        return _import_page(user, language, 400, values={"toml": text[: rules.MAX_TOML]}, errors=invalid.errors)
    audit(saved.event, user, "event_imported", "")
    return see_other(f"/console/events/{saved.event.id}/edit", language, done="created")


# -- edit -------------------------------------------------------------------------------------------


@console_get(console_events, "/console/events/{event_id}/edit")
def edit_event_form(request: ConsoleView, event_id: str) -> Response:
    from ..console import events as rules

    user, event, language = request.user, request.event, request.language
    return _form_page(user, language, values=rules.form_values(event), event=event, notice=_notice(language))


@console_post(console_events, "/console/events/{event_id}/edit", read=posted.read_form)
def edit_event(post: ConsolePost, event_id: str) -> Response:
    from ..console import event_admin
    from ..console import events as rules

    fields, user, event, language = post.fields, post.user, post.event, post.language
    values = rules.posted_values(fields)
    values["notify"] = fields.get("notify") == "on"
    if event_admin.stale(event, fields.get("edited_from")):
        notice = i18n.translator(language).gettext(STALE)
        return _form_page(user, language, values=values, event=event, status=409, notice=notice)
    try:
        if fields.get("do") == "preview":
            preview = rules.event_from_form(values, language, existing=event, may_name_organisers=user.is_admin)
            return _form_page(user, language, values=values, event=event, preview=preview)
        saved = event_admin.edit(
            event, values, language, _writer(), may_name_organisers=user.is_admin, notify=_notify(fields, user, event)
        )
    except EventFormInvalid as invalid:
        return _form_page(user, language, values=values, event=event, status=400, errors=invalid.errors)
    except EventChanged:
        fresh = visible_event(user, event_id)
        notice = i18n.translator(language).gettext(STALE)
        return _form_page(user, language, values=values, event=fresh, status=409, notice=notice)
    except EventNotFound:
        visible_event(user, "")
        raise
    return _done(event, saved, user, "event_edited", f"/console/events/{event_id}/edit", language)


def _notify(fields: dict[str, Any], user: ConsoleUser, event: Event) -> event_admin.Notify:
    """Whether the organiser ticked "tell those signed up" (a change of time or place only)."""
    from ..console import event_admin

    return event_admin.Notify(fields.get("notify") == "on", user.email_key, wiring().outreach.notice_expiry(event))


# -- quick changes ----------------------------------------------------------------------------------


@console_get(console_events, "/console/events/{event_id}/changes")
def changes_page(request: ConsoleView, event_id: str) -> Response:
    user, event, language = request.user, request.event, request.language
    return _changes_page(user, event, language, notice=_notice(language))


def _quick_change(
    post: ConsolePost, action: str | Callable[[dict[str, Any]], str], change: Any, *, admin: bool = False
) -> Response:
    """Apply one quick change; a refusal shows the page again (400) with nothing changed."""
    fields, user, event, language = post.fields, post.user, post.event, post.language
    if admin and not user.is_admin:
        tr = i18n.translator(language)
        return _changes_page(
            user,
            event,
            language,
            status=403,
            errors={"new_organisers": tr.gettext("Only an administrator can change the organisers.")},
        )
    try:
        saved = change(event, fields, language, _writer())
    except EventFormInvalid as invalid:
        errors = {_quick_field(name): text for name, text in invalid.errors.items()}
        kept = {name: str(value) for name, value in fields.items() if name.startswith("new_") or name == "toml"}
        return _changes_page(user, event, language, status=400, errors=errors, values=kept)
    except EventNotFound:
        visible_event(user, "")
        raise
    named = action(fields) if callable(action) else action
    return _done(event, saved, user, named, f"/console/events/{event.id}/changes", language)


def _quick_field(name: str) -> str:
    return {"capacity": "new_capacity", "deadline_date": "new_deadline_date", "organisers": "new_organisers"}.get(
        name, name
    )


@console_post(console_events, "/console/events/{event_id}/capacity", read=posted.read_form)
def change_capacity(post: ConsolePost, event_id: str) -> Response:
    from ..console import event_admin

    def change(event: Event, fields: dict[str, Any], language: str, writer: event_admin.Writer) -> Any:
        text = str(fields.get("new_capacity", ""))
        return event_admin.change_capacity(event, text, language, writer)

    return _quick_change(post, "capacity_changed", change)


@console_post(console_events, "/console/events/{event_id}/deadline", read=posted.read_form)
def move_deadline(post: ConsolePost, event_id: str) -> Response:
    from ..console import event_admin

    def change(event: Event, fields: dict[str, Any], language: str, writer: event_admin.Writer) -> Any:
        day, clock = str(fields.get("new_deadline_date", "")), str(fields.get("new_deadline_time", ""))
        return event_admin.move_deadline(event, day, clock, language, writer)

    return _quick_change(post, "deadline_moved", change)


@console_post(console_events, "/console/events/{event_id}/status", read=posted.read_form)
def set_status(post: ConsolePost, event_id: str) -> Response:
    """Close registration early, or reopen it; the audit log says which."""
    from ..console import event_admin

    def change(event: Event, fields: dict[str, Any], language: str, writer: event_admin.Writer) -> Any:
        return event_admin.set_open(event, fields.get("open") == "1", writer)

    def action(fields: dict[str, Any]) -> str:
        return "registration_reopened" if fields.get("open") == "1" else "registration_closed"

    return _quick_change(post, action, change)


@console_post(console_events, "/console/events/{event_id}/organisers", read=posted.read_form)
def name_organisers(post: ConsolePost, event_id: str) -> Response:
    from ..console import event_admin

    def change(event: Event, fields: dict[str, Any], language: str, writer: event_admin.Writer) -> Any:
        text = str(fields.get("new_organisers", ""))
        return event_admin.name_organisers(event, text, language, writer)

    return _quick_change(post, "organisers_named", change, admin=True)


# -- export and import ------------------------------------------------------------------------------


@console_get(console_events, "/console/events/{event_id}/event.toml")
def export_event(request: ConsoleView, event_id: str) -> Response:
    from ..console import events as rules

    user, event = request.user, request.event
    audit(event, user, "event_exported", "")
    return Response(
        body=rules.event_toml(event),
        status_code=200,
        headers={
            "Content-Type": "application/toml; charset=utf-8",
            "Content-Disposition": f'attachment; filename="{event.id}.toml"',
            "Cache-Control": "no-store",
        },
    )


@console_post(console_events, "/console/events/{event_id}/import", read=posted.read_form)
def import_over_event(post: ConsolePost, event_id: str) -> Response:
    from ..console import event_admin

    def change(event: Event, fields: dict[str, Any], language: str, writer: event_admin.Writer) -> Any:
        return event_admin.import_file(
            _toml_text(fields),
            language,
            writer,
            existing=event,
            may_name_organisers=post.user.is_admin,
            notify=_notify(fields, post.user, event),
        )

    return _quick_change(post, "event_imported", change)
