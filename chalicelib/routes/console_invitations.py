"""The console's invitations: when a meeting of a network's series opens, invite the series'
members who have not signed up. A GET shows how many it reaches (and how many are left out, and
why: counts only) and the email as a member reads it; the button posts, and the outbox sends."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Response

from .. import invitations
from ..bootstrap import wiring
from ..console.access import ConsoleUser
from ..events import Event
from .console import FORM_POSTS, audit, check_csrf, console_page, form_fields, guarded, signed_in, visible_event
from .console_events import _language, _see_other

console_invitations = Blueprint(__name__)


def _invite_page(user: ConsoleUser, event: Event, language: str, status: int = 200, **context: Any) -> Response:
    """The preview: who gets it (or why nobody can), and the email itself."""
    parts = wiring()
    now = parts.clock()
    refused = ""
    invitees = None
    try:
        invitees = parts.signup.invitees(event, now)
    except invitations.InvitationRefused as refusal:
        refused = refusal.text(language)
    preview = parts.signup.invitation_preview(event, language, now) if event.series else ""
    return console_page(
        "console/event_invite.html",
        user,
        status,
        language=language,
        event=event,
        invitees=invitees,
        refused=context.pop("refused", "") or refused,
        preview=preview,
        **context,
    )


@console_invitations.route("/console/events/{event_id}/invite", methods=["GET"])
@guarded
def invitation_form(event_id: str) -> Response:
    user = signed_in()
    event = visible_event(user, event_id)
    return _invite_page(user, event, _language())


@console_invitations.route("/console/events/{event_id}/invite", methods=["POST"], content_types=FORM_POSTS)
@guarded
def send_invitations(event_id: str) -> Response:
    """Store the invitation for the outbox; refused with the reason when the meeting is closed,
    cancelled, full or in no series, or nobody is left to invite."""
    fields = form_fields()
    user = signed_in()
    language = _language(fields)
    check_csrf(user, fields)
    event = visible_event(user, event_id)
    parts = wiring()
    try:
        _, invitees = parts.signup.invite(event, author=user.email_key, now=parts.clock())
    except invitations.InvitationRefused as refusal:
        return _invite_page(user, event, language, 409, refused=refusal.text(language))
    audit(event, user, "invitations_sent", str(len(invitees.invite)))
    return _see_other(f"/console/events/{event_id}", language, done="invitations_sent")
