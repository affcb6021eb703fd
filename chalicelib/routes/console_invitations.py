"""The console's invitations: when a meeting of a network's series opens, invite the series'
members who have not signed up. A GET shows how many it reaches (and how many are left out, and
why: counts only) and the email as a member reads it; the button posts, and the outbox sends."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Response

from ..bootstrap import wiring
from ..console import posted
from ..console.access import ConsoleUser
from ..events import Event
from .console import ConsolePost, ConsoleView, audit, console_get, console_page, console_post, see_other

console_invitations = Blueprint(__name__)


def _invite_page(user: ConsoleUser, event: Event, language: str, status: int = 200, **context: Any) -> Response:
    """The preview: who gets it (or why nobody can), and the email itself."""
    from .. import invitations

    parts = wiring()
    now = parts.clock()
    refused = ""
    invitees = None
    try:
        invitees = parts.outreach.invitees(event, now)
    except invitations.InvitationRefused as refusal:
        refused = refusal.text(language)
    preview = parts.outreach.invitation_preview(event, language, now) if event.series else ""
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


@console_get(console_invitations, "/console/events/{event_id}/invite")
def invitation_form(request: ConsoleView, event_id: str) -> Response:
    return _invite_page(request.user, request.event, request.language)


@console_post(console_invitations, "/console/events/{event_id}/invite", read=posted.read_form)
def send_invitations(post: ConsolePost, event_id: str) -> Response:
    """Store the invitation for the outbox; refused with the reason when the meeting is closed,
    cancelled, full or in no series, or nobody is left to invite."""
    from .. import invitations

    user, event, language = post.user, post.event, post.language
    parts = wiring()
    try:
        _, invitees = parts.outreach.invite(event, author=user.email_key, now=parts.clock())
    except invitations.InvitationRefused as refusal:
        return _invite_page(user, event, language, 409, refused=refusal.text(language))
    audit(event, user, "invitations_sent", str(len(invitees.invite)))
    return see_other(f"/console/events/{event.id}", language, done="invitations_sent")
