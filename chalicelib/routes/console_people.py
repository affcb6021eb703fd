"""The console's people of one event: the live list, one person, cancelling for them, the CSV, the
door list and check-in at the door.

Each view signs the person in, finds the event they may see (404 otherwise), calls one use case and
renders; every change and every download of personal data goes into the event's audit log.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalice import Blueprint, Response

from .. import i18n, links, web
from ..bootstrap import wiring
from ..errors import EventStarted, NotCheckedIn, RegisteredBefore, ValidationFailed, WaitlistFull
from ..events import Event
from ..fields import read_yes_no
from ..i18n import N_
from ..pages import NOTHING_TYPED, FormInput
from ..registrations import PromotionState, Registration, ResendState
from .console import (
    PRIVATE,
    ConsolePost,
    ConsoleStop,
    ConsoleView,
    _language,
    _message,
    _root,
    audit,
    console_get,
    console_page,
    console_post,
    see_other,
)
from .http import base_url, query

console_people = Blueprint(__name__)


@console_people.route("/console/people.js", methods=["GET"])
def people_script() -> Response:
    """Search as you type and tap without reloading, for the people and check-in pages (both work without it)."""
    return Response(
        body=wiring().pages.script("console/people.js"),
        status_code=200,
        headers={"Content-Type": "text/javascript; charset=utf-8", "Cache-Control": "public, max-age=3600"},
    )


@console_get(console_people, "/console/events/{event_id}/people")
def people_list(request: ConsoleView, event_id: str) -> Response:
    """Everyone registered, found as the organiser types or filters (a plain GET form without script)."""
    from ..console import people, people_pages

    user, event, language = request.user, request.event, request.language
    registrations = wiring().people.registrations(event)
    wanted = people.PeopleFilter.from_query(query(console_people.current_request), event)
    found = people.find_people(registrations, wanted)
    context = people_pages.people_context(event, registrations, found, wanted, language)
    return console_page("console/people.html", user, search_max=people.MAX_SEARCH, **context)


@console_get(console_people, "/console/events/{event_id}/people/{registration_id}")
def person_page(request: ConsoleView, event_id: str, registration_id: str) -> Response:
    """One person: every answer, the status, the check-in and every email sent to them; after a change (a 303
    from its POST) what that change did, named by `done`."""
    user, event, language = request.user, request.event, request.language
    registration = _registration(event, registration_id)
    asked = query(console_people.current_request)
    context = _person_context(registration, event, language, wiring().clock())
    notice = _done_notice(event, registration, asked.get("done") or "", asked.get("promoted") or "", language)
    return console_page("console/person.html", user, notice=notice, **context)


def _person_context(registration: Registration, event: Event, language: str, now: datetime) -> dict[str, Any]:
    from ..console import people_pages

    history = wiring().people.email_history(registration)
    return people_pages.person_context(registration, event, language, now, history)


def _refused(post: ConsolePost, registration: Registration, now: datetime, problem: str) -> Response:
    """The person's page again (409), saying why nothing was done (`problem`, a message id)."""
    context = _person_context(registration, post.event, post.language, now)
    problem_text = i18n.translator(post.language).gettext(problem)
    return console_page("console/person.html", post.user, 409, problem=problem_text, **context)


def _links_to() -> str:
    """Where the emails a change sends link to: this request's own site."""
    return base_url(console_people.current_request, wiring().settings)


@console_post(console_people, "/console/events/{event_id}/people/{registration_id}/cancel")
def cancel_person(post: ConsolePost, event_id: str, registration_id: str) -> Response:
    """Cancel on someone's behalf, telling them or not: the same cancellation as their own, so the
    first on the waiting list gets the seat and its email in the same transaction."""
    fields, user, event, language = post.fields, post.user, post.event, post.language
    registration = _registration(event, registration_id)
    tell = read_yes_no(fields.get("tell")) is not False  # telling unless asked not to
    now = wiring().clock()
    try:
        result = wiring().people.cancel(event, registration.registration_id, tell=tell, base_url=_links_to(), now=now)
    except EventStarted:
        return _refused(
            post, registration, now, N_("The meeting has started, so the registration can no longer be cancelled.")
        )
    if result.already_cancelled:
        return _back_to_person(event, registration_id, "already_cancelled", language)
    audit(event, user, "cancelled_told" if tell else "cancelled_silent", registration.answers.name)
    promoted = result.promoted.registration_id if result.promoted is not None else ""
    return _back_to_person(event, registration_id, "cancelled_told" if tell else "cancelled_silent", language, promoted)


@console_post(console_people, "/console/events/{event_id}/people/{registration_id}/promote")
def promote_person(post: ConsolePost, event_id: str, registration_id: str) -> Response:
    """Move this person up from the waiting list into a free seat, out of line if the organiser
    chooses: the capacity raise's promotion (one transaction with its email). No free seat: say so."""
    user, event, language = post.user, post.event, post.language
    registration = _registration(event, registration_id)
    now = wiring().clock()
    try:
        result = wiring().people.promote(event, registration.registration_id, base_url=_links_to(), now=now)
    except EventStarted:
        return _refused(
            post, registration, now, N_("The meeting has started, so nobody can be moved up from the waiting list.")
        )
    if result.outcome == PromotionState.NO_SEAT:
        return _refused(
            post,
            result.registration,
            now,
            N_(
                "There is no free seat, so nobody was moved up. Raise the meeting's capacity first if more people "
                "should get a seat."
            ),
        )
    if result.outcome == PromotionState.PROMOTED:
        audit(event, user, "promoted", registration.answers.name)
        return _back_to_person(event, registration_id, "promote_done", language)
    return _back_to_person(event, registration_id, "promote_not_waiting", language)


@console_post(console_people, "/console/events/{event_id}/people/{registration_id}/resend")
def resend_to_person(post: ConsolePost, event_id: str, registration_id: str) -> Response:
    """Send the email of where the registration stands now once more, through the outbox's lease (one
    press, at most one email; the suppression list and the daily limit as for every email)."""
    user, event, language = post.user, post.event, post.language
    registration = _registration(event, registration_id)
    result = wiring().people.resend(event, registration.registration_id, base_url=_links_to(), now=wiring().clock())
    if result.outcome == ResendState.LEASED:
        audit(event, user, "resent_confirmation", registration.answers.name)
        return _back_to_person(event, registration_id, "resend_done", language)
    return _back_to_person(event, registration_id, f"resend_{result.outcome}", language)


@console_get(console_people, "/console/events/{event_id}/add-person")
def add_person_form(request: ConsoleView, event_id: str) -> Response:
    """The form to add someone by hand (a phone sign-up; `walk_in=1`: someone at the door)."""
    user, event, language = request.user, request.event, request.language
    walk_in = query(console_people.current_request).get("walk_in") == "1"
    return _add_person_page(user, event, language, walk_in)


@console_post(console_people, "/console/events/{event_id}/add-person")
def add_person(post: ConsolePost, event_id: str) -> Response:
    """Add someone through the same register() as the form, also after the deadline; a walk-in with a
    seat is checked in at once. Then to their page (or, for a walk-in, back to the door)."""
    fields, user, event, language = post.fields, post.user, post.event, post.language
    walk_in = fields.get("walk_in") == "1"
    parts = wiring()
    now = parts.clock()
    try:
        added = parts.people.add_by_hand(event, fields, base_url=_links_to(), now=now, walk_in=walk_in)
    except ValidationFailed as invalid:
        return _add_person_page(user, event, language, walk_in, form_input=FormInput(fields, invalid), status=422)
    except RegisteredBefore as before:
        existing = before.params["registration"].registration_id
        problem = web.error_message(before, language)
        return _add_person_page(
            user, event, language, walk_in, form_input=FormInput(fields), problem=problem, existing=existing, status=409
        )
    except WaitlistFull as full:
        problem = web.error_message(full, language)
        return _add_person_page(
            user, event, language, walk_in, form_input=FormInput(fields), problem=problem, status=409
        )
    person = added.registration
    audit(event, user, "added_by_hand", person.answers.name)
    if added.checked_in:
        audit(event, user, "checked_in", person.answers.name)
        return _back_to_check_in(event, person.answers.name, person.registration_id, language)
    # Added, or (no seat left) on the waiting list: their page says which.
    return see_other(f"/console/events/{event.id}/people/{person.registration_id}", language)


@console_get(console_people, "/console/events/{event_id}/export.csv")
def export_csv(request: ConsoleView, event_id: str) -> Response:
    """The digest's attendee CSV (Swedish Excel), with attendance; the download is logged."""
    from ..digest import attendee_csv

    user, event = request.user, request.event
    body = attendee_csv(event, wiring().people.registrations(event))
    audit(event, user, "downloaded_csv")
    return Response(
        # Text with its BOM: API Gateway passes a str body through as it is, and Excel needs the BOM.
        body=body.decode("utf-8"),
        status_code=200,
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="{event.id}.csv"',
            **PRIVATE,
        },
    )


@console_get(console_people, "/console/events/{event_id}/door-list")
def door_list_page(request: ConsoleView, event_id: str) -> Response:
    """A printable list of everyone with a seat, in Swedish order, with a box to tick; it is logged."""
    from ..console import people_pages

    user, event, language = request.user, request.event, request.language
    registrations = wiring().people.registrations(event)
    audit(event, user, "opened_door_list")
    context = people_pages.door_list_context(event, registrations, language)
    return console_page("console/door_list.html", user, **context)


@console_get(console_people, "/console/events/{event_id}/check-in")
def check_in_page(request: ConsoleView, event_id: str) -> Response:
    """The door page: empty until two letters are typed, then who matches with one button each."""
    from ..console import people, people_pages

    user, event, language = request.user, request.event, request.language
    asked = query(console_people.current_request)
    text = people.PeopleFilter.from_query(asked, event).text
    registrations = wiring().people.registrations(event)
    found = people.check_in_candidates(registrations, text)
    context = people_pages.check_in_context(event, registrations, found, text, asked.get("marked") or "", language)
    return console_page("console/check_in.html", user, search_max=people.MAX_SEARCH, **context)


@console_post(console_people, "/console/events/{event_id}/check-in/{registration_id}")
def check_in_tap(post: ConsolePost, event_id: str, registration_id: str) -> Response:
    """One tap: `present=1` marks the person present, `present=0` undoes it (one conditional write);
    then back to the same search, saying what happened."""
    fields, user, event, language = post.fields, post.user, post.event, post.language
    parts = wiring()
    registration = _registration(event, registration_id)
    try:
        result = parts.people.check_in(registration, present=fields.get("present") != "0", now=parts.clock())
    except NotCheckedIn as refused:
        heading = i18n.translator(language).gettext("Nothing was changed")
        return _message(heading, web.error_message(refused, language), refused.http_status, user)
    if result.changed:
        audit(event, user, "checked_in" if result.present else "check_in_undone", result.registration.answers.name)
    text = fields.get("q")
    return _back_to_check_in(event, text if isinstance(text, str) else "", registration_id, language)


# -- helpers -----------------------------------------------------------------------


def _registration(event: Event, registration_id: str) -> Registration:
    """The registration of this event, or the same 404 as an event one may not see."""
    registration = wiring().people.registration(event, registration_id)
    if registration is None:
        language = _language()
        heading = i18n.translator(language).gettext("Meeting not found")
        raise ConsoleStop(_message(heading, i18n.message("event_not_found", language), 404))
    return registration


# What the person's page says after a POST sent it back there (`done`); `{name}` is the person's,
# or (after a cancellation that freed a seat) the promoted person's in the sentence added after it.
DONE_NOTICES: dict[str, str] = {
    "already_cancelled": N_("The registration was already cancelled. Nothing has changed."),
    "cancelled_told": N_("The registration is cancelled and the person gets a receipt."),
    "cancelled_silent": N_("The registration is cancelled. No email goes to the person."),
    "promote_done": N_("{name} has been moved up from the waiting list and gets an email about it."),
    "promote_not_waiting": N_("The person is no longer on the waiting list. Nothing has changed."),
    "resend_on_its_way": N_("An email to this person is already on its way. Nothing new was sent."),
    "resend_not_live": N_("The registration is cancelled, so there is no confirmation to send."),
    "resend_started": N_("The meeting has started, so no confirmation is sent."),
    "resend_suppressed": N_("The address bounced or reported email as spam, so nothing is sent to it."),
    "resend_limited": N_("The address has had as many emails as allowed today. Try again tomorrow."),
    "resend_done": N_("The confirmation is being sent again."),
}


def _done_notice(event: Event, registration: Registration, done: str, promoted_id: str, language: str) -> str:
    if done not in DONE_NOTICES:
        return ""
    tr = i18n.translator(language)
    notice = tr.gettext(DONE_NOTICES[done]).format(name=registration.answers.name)
    promoted = wiring().people.registration(event, promoted_id) if promoted_id else None
    if promoted is not None:
        notice += " " + tr.gettext("{name} got the seat from the waiting list and gets an email about it.").format(
            name=promoted.answers.name
        )
    return notice


def _back_to_person(event: Event, registration_id: str, done: str, language: str, promoted: str = "") -> Response:
    """303 to the person's page, saying what the POST did."""
    return see_other(f"/console/events/{event.id}/people/{registration_id}", language, done=done, promoted=promoted)


def _add_person_page(
    user: Any,
    event: Event,
    language: str,
    walk_in: bool,
    *,
    form_input: FormInput = NOTHING_TYPED,
    problem: str = "",
    existing: str = "",
    status: int = 200,
) -> Response:
    form = wiring().pages.question_form(
        event, language, privacy_url=links.privacy(_root(), language), form_input=form_input
    )
    return console_page(
        "console/add_person.html",
        user,
        status,
        event=event,
        walk_in=walk_in,
        action=links.in_language(f"{_root()}/console/events/{event.id}/add-person", language),
        problem=problem,
        existing=existing,
        **form,
    )


def _back_to_check_in(event: Event, text: str, registration_id: str, language: str) -> Response:
    """303 to the same search, naming the person the tap was about."""
    return see_other(f"/console/events/{event.id}/check-in", language, q=text, marked=registration_id)
