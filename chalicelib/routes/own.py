"""One's own registration behind the signed link in each email: see it, change it, cancel it,
confirm a held seat. A GET never changes anything: mail scanners follow links."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Response

from .. import web
from ..bootstrap import wiring
from ..errors import (
    EventCancelled,
    EventNotFound,
    EventStarted,
    RegistrationClosed,
    RegistrationNotFound,
    SignupError,
    ValidationFailed,
)
from ..pages import FormInput
from ..registrations import hold_state
from ..tokens import TokenExpired, TokenInvalid
from .http import base_url, html, link_problem, private, query_language, raw_body

own = Blueprint(__name__)

# A link that opens nothing; a link to nothing (gone since) reads as one that never worked.
_LINK_PROBLEMS = (TokenInvalid, TokenExpired)
_GONE = (RegistrationNotFound, EventNotFound)


@own.route("/registrations/{token}", methods=["GET"])
def get_own_registration(token: str) -> Response:
    """Show one's registration and the edit form."""
    parts = wiring()
    now = parts.clock()
    try:
        event, registration = parts.signup.open_manage_link(token, now)
    except _LINK_PROBLEMS as problem:
        return _link_problem(problem)
    return private(html(parts.pages.manage_page(event, registration, now, token)))


@own.route("/registrations/{token}", methods=["POST"], content_types=["*/*"])
def change_own_registration(token: str) -> Response:
    """The manage page's two forms: `action=update` saves edited answers, anything else cancels."""
    request = own.current_request
    try:
        # The cancel button needs no fields; a body that is there must be read, because an edit too
        # large or garbled to read must never fall through to cancelling the seat.
        fields = web.parse_body(request.headers.get("content-type"), raw_body(request)) if request.raw_body else {}
    except SignupError as error:
        return _nothing_changed(error)
    if fields.get("action") == "update":
        return private(_change_answers(token, fields))
    return private(_cancel(token))


@own.route("/registrations/{token}/confirm", methods=["GET"])
def show_seat_confirmation(token: str) -> Response:
    """The link in the email of a held seat: a button to confirm. GET never confirms: the point is
    that the person behind the address does."""
    parts = wiring()
    try:
        event, registration = parts.signup.open_manage_link(token, parts.clock())
    except _LINK_PROBLEMS as problem:
        return _link_problem(problem)
    return private(html(parts.pages.confirm_page(event, registration, hold_state(registration))))


@own.route("/registrations/{token}/confirm", methods=["POST"], content_types=["*/*"])
def confirm_own_seat(token: str) -> Response:
    parts = wiring()
    try:
        event, result = parts.signup.confirm_registration(
            token, base_url=base_url(own.current_request, parts.settings), now=parts.clock()
        )
    except _LINK_PROBLEMS as problem:
        return _link_problem(problem)
    except _GONE:
        return _link_problem(TokenInvalid())
    except SignupError as error:
        return _nothing_changed(error)
    return private(html(parts.pages.confirm_page(event, result.registration, result.outcome)))


def _change_answers(token: str, fields: dict[str, Any]) -> Response:
    parts = wiring()
    now = parts.clock()
    try:
        event, registration = parts.signup.change_answers(token, fields, now=now)
    except _LINK_PROBLEMS as problem:
        return _link_problem(problem)
    except RegistrationNotFound:
        return _link_problem(TokenInvalid())
    except (ValidationFailed, RegistrationClosed) as error:
        event, registration = parts.signup.open_manage_link(token, now)
        # Refused answers are shown again beside their errors; a form closed since the link was opened
        # shows the stored answers, no longer editable.
        typed = FormInput(fields, error) if isinstance(error, ValidationFailed) else None
        page = parts.pages.manage_page(event, registration, now, token, form_input=typed)
        return html(page, error.http_status)
    except SignupError as error:
        return _nothing_changed(error)
    return html(parts.pages.manage_page(event, registration, now, token, "saved_heading", "saved_text"))


def _cancel(token: str) -> Response:
    parts = wiring()
    now = parts.clock()
    try:
        event, result = parts.signup.cancel_registration(
            token, base_url=base_url(own.current_request, parts.settings), now=now
        )
    except _LINK_PROBLEMS as problem:
        return _link_problem(problem)
    except (EventStarted, EventCancelled):
        # The page says why (under way, or called off) and offers nothing to press.
        event, registration = parts.signup.open_manage_link(token, now)
        return html(parts.pages.manage_page(event, registration, now, token), 409)
    except _GONE:
        return _link_problem(TokenInvalid())
    except SignupError as error:
        return _nothing_changed(error)
    text = "already_cancelled_text" if result.already_cancelled else "cancelled_text"
    return html(parts.pages.manage_page(event, result.registration, now, token, "cancelled_heading", text))


def _link_problem(problem: Exception) -> Response:
    return link_problem(wiring().pages, query_language(own.current_request), problem)


def _nothing_changed(error: SignupError) -> Response:
    """A post behind a person's own link that could not be carried out (unreadable, too large, AWS
    busy): said with the error's own status and message; the registration is as it was."""
    page = wiring().pages.nothing_changed_page(query_language(own.current_request), error)
    return private(html(page, error.http_status))
