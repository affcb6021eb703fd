"""The console's ways to tell registrants: cancel the meeting (a page that asks first, then the
button), and a message from the organisers (written, previewed, then sent).

Each view parses the request, calls the use case (chalicelib/outreach.py) and writes the audit log;
the outbox sends. Every change is a POST with the session's CSRF token.
"""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Response

from .. import i18n
from ..bootstrap import wiring
from ..console import posted
from ..errors import EventCancelled
from .console import ConsolePost, ConsoleView, audit, console_get, console_post, see_other

console_notices = Blueprint(__name__)

# What was typed into a form, or what is wrong with it: field name → text.
Form = dict[str, str]


def _tr(language: str) -> Any:
    return i18n.translator(language)


def _audiences(language: str) -> list[tuple[str, str]]:
    from .. import notices

    return [(audience.value, notices.audience_name(audience, language)) for audience in notices.Audience]


# -- cancel the meeting -----------------------------------------------------------------------------


def _cancel_page(
    request: ConsoleView, status: int = 200, values: Form | None = None, errors: Form | None = None
) -> Response:
    people = request.event.confirmed_count + request.event.waitlist_count
    return request.page("console/event_cancel.html", status, people=people, values=values or {}, errors=errors or {})


@console_get(console_notices, "/console/events/{event_id}/cancel")
def cancel_form(request: ConsoleView, event_id: str) -> Response:
    """What cancelling does, and the button that does it (a GET never cancels)."""
    return _cancel_page(request)


@console_post(console_notices, "/console/events/{event_id}/cancel", read=posted.read_form)
def cancel_event(post: ConsolePost, event_id: str) -> Response:
    """Cancels the meeting once its box is ticked: the form closes and everyone signed up is emailed
    (the outbox sends). Cancelling a cancelled meeting changes nothing and goes back to its page."""
    from .. import notices

    fields, user, event, language = post.fields, post.user, post.event, post.language
    note = str(fields.get("note", ""))
    if not posted.ticked(fields.get("confirm")):
        # The box saying "yes, cancel it" was not ticked: nothing is done.
        errors = {"confirm": _tr(language).gettext("Tick the box to confirm that the meeting is to be cancelled.")}
        return _cancel_page(post, 400, values={"note": note}, errors=errors)
    parts = wiring()
    try:
        parts.outreach.cancel_event(event, note=note, author=user.email_key, now=parts.clock())
    except notices.MessageInvalid as invalid:
        errors = {"note": notices.problem_text(invalid.code, language, **invalid.params)}
        return _cancel_page(post, 400, values={"note": note}, errors=errors)
    except EventCancelled:
        return see_other(f"/console/events/{event_id}", language)
    audit(event, user, "event_cancelled", "")
    return see_other(f"/console/events/{event_id}", language, done="cancelled")


# -- a message from the organisers --------------------------------------------------------------------


def _message_page(
    request: ConsoleView, status: int = 200, values: Form | None = None, errors: Form | None = None, **shown: Any
) -> Response:
    """The message form; `shown` is the preview and how many get it."""
    from .. import notices

    values = values or {"audience": notices.Audience.EVERYONE.value}
    audiences = _audiences(request.language)
    return request.page(
        "console/event_message.html", status, audiences=audiences, values=values, errors=errors or {}, **shown
    )


@console_get(console_notices, "/console/events/{event_id}/message")
def message_form(request: ConsoleView, event_id: str) -> Response:
    """An empty message to everyone signed up; the audience can be narrowed before the preview."""
    return _message_page(request)


@console_post(console_notices, "/console/events/{event_id}/message", read=posted.read_form)
def send_message(post: ConsolePost, event_id: str) -> Response:
    """`do=preview` shows the message as it will read and how many get it; `do=send` sends it."""
    from .. import notices

    fields, user, event, language = post.fields, post.user, post.event, post.language
    text = str(fields.get("text", ""))
    values = {"text": text, "audience": str(fields.get("audience", ""))}
    try:
        audience = notices.Audience(values["audience"])
    except ValueError:
        errors = {"audience": _tr(language).gettext("Choose who gets the message.")}
        return _message_page(post, 400, values=values, errors=errors)
    parts = wiring()
    try:
        if fields.get("do") != "send":
            from ..plain_text import linked_paragraphs  # only a preview needs it

            preview = linked_paragraphs(notices.message_text(text))
            count = parts.outreach.recipients_of(event, audience, parts.clock())
            return _message_page(post, values=values, preview=preview, count=count)
        parts.outreach.send_message(event, text, audience, author=user.email_key, now=parts.clock())
    except notices.MessageInvalid as invalid:
        errors = {"text": notices.problem_text(invalid.code, language, **invalid.params)}
        return _message_page(post, 400, values=values, errors=errors)
    audit(event, user, "message_sent", notices.audience_name(audience, language))
    return see_other(f"/console/events/{event_id}", language, done="message_sent")
