"""Invitations: when a new meeting of a series opens, the organisers invite the network's members
who have not signed up for it yet, once each.

Plain rules over plain data: who is invited (`who_is_invited`) and when inviting is refused
(`check_can_invite`). The outbox delivers an invitation as a notice of its own kind
(`notices.NoticeKind.INVITATION`); each member's send has a marker named by the member alone, not
by the notice, so an organiser who presses twice, or a job run twice or twice at once, still
invites each member once per meeting.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from . import i18n
from .events import Event
from .forms import email_key
from .i18n import N_
from .network import Member, member_ref
from .registrations import Registration

# A member's invitation marker in the meeting's partition: `invite#{member ref}`.
MARKER_PREFIX = "invite#"

# Why inviting is refused, in English (translated where shown).
REFUSALS = {
    "no_series": N_("This meeting belongs to no network series, so there is nobody to invite."),
    "cancelled": N_("The meeting is cancelled: invitations are not sent."),
    "closed": N_("Registration for this meeting has closed: invitations can no longer be sent."),
    "full": N_("The meeting and its waiting list are full: invitations are not sent."),
    "nobody": N_("Nobody to invite: every member has signed up, has been invited already or cannot be emailed."),
}


def marker(ref: str) -> str:
    """The send marker that makes one meeting's invitation go to one member once."""
    return f"{MARKER_PREFIX}{ref}"


class InvitationRefused(ValueError):
    """Inviting is not possible now; `code` names why (see REFUSALS)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code

    def text(self, language: str) -> str:
        return i18n.translator(language).gettext(REFUSALS[self.code])


def check_can_invite(event: Event, now: datetime) -> None:
    """InvitationRefused unless the meeting is in a series and open for sign-ups now: an
    invitation to a form that is closed, cancelled or full would only disappoint."""
    if not event.series:
        raise InvitationRefused("no_series")
    if event.is_cancelled:
        raise InvitationRefused("cancelled")
    if not event.is_open(now):
        raise InvitationRefused("closed")
    if event.waitlist_is_full:
        raise InvitationRefused("full")


@dataclass(frozen=True)
class Invitees:
    """The series' members sorted for one meeting: whom to invite, and how many are left out and why
    (counts only, so a preview or a dry run names nobody)."""

    invite: tuple[Member, ...]
    registered: int  # signed up for the meeting already (a cancelled registration counts: they know of it)
    already_invited: int
    suppressed: int  # their address bounced or complained

    @property
    def members(self) -> int:
        return len(self.invite) + self.registered + self.already_invited + self.suppressed


def who_is_invited(
    members: Iterable[Member],
    registrations: Iterable[Registration],
    *,
    event_id: str,
    invited: set[str],
    suppressed: set[str],
) -> Invitees:
    """Members (they gave the network's consent and have not left; an erased person's record is
    gone) who have no registration for the meeting, have not been invited to it (`invited`: member
    refs), and whose address is not on the suppression list (`suppressed`: email keys)."""
    registered_refs = {member_ref(registration.answers.email_key) for registration in registrations}
    invite: list[Member] = []
    registered = already = blocked = 0
    for member in sorted(members, key=lambda member: member.ref):
        if member.ref in registered_refs or event_id in member.events:
            registered += 1
        elif member.ref in invited:
            already += 1
        elif email_key(member.email) in suppressed:
            blocked += 1
        else:
            invite.append(member)
    return Invitees(tuple(invite), registered, already, blocked)
