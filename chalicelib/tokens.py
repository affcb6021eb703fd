"""Signed links (itsdangerous, salted) to a person's own registration, out of a network, to an
invitation. A kind of link names its salt and shape; one pair of functions signs and reads them all,
and the console's session cookie too (`sign_fields`, `read_fields`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from itsdangerous import BadData, URLSafeSerializer

from .events import LANGUAGES

SALT = "signup.manage-registration.v1"
# The link keeps working a little after the meeting, then expires.
VALID_AFTER_EVENT = timedelta(days=7)


class TokenInvalid(Exception):
    """Forged or altered: the signature does not match, or what is signed is not this kind of link."""


class TokenExpired(Exception):
    """Genuine, but the event it belongs to is over."""


@dataclass(frozen=True)
class ManageToken:
    event_id: str
    registration_id: str
    expires_at: int


def make_token(secret: str, event_id: str, registration_id: str, event_end: datetime) -> str:
    # The expiry inside is what it was when the link was made; `check_lifetime` judges a link by
    # the event's current end instead, so a meeting moved earlier takes its links with it.
    # Only ids: an email address in a URL ends up in logs and browser history.
    return sign_fields(secret, SALT, event_id, registration_id, _instant(event_end + VALID_AFTER_EVENT))


def read_token(secret: str, token: str) -> ManageToken:
    """The ids in a genuine link; whether it is still alive depends on the event (`check_lifetime`)."""
    event_id, registration_id, expires = read_fields(secret, SALT, token, (str, str, int))
    return ManageToken(event_id, registration_id, expires)


LEAVE_SALT = "signup.network-leave.v1"


@dataclass(frozen=True)
class LeaveToken:
    """The one-click way out of a network's emails: the series, the member's ref (a hash of the
    address, never the address) and the language to answer in. It does not expire: membership
    lasts until the person leaves, so the way out must keep working as long."""

    series: str
    ref: str
    language: str


def make_leave_token(secret: str, series: str, ref: str, language: str) -> str:
    return sign_fields(secret, LEAVE_SALT, series, ref, language)


def read_leave_token(secret: str, token: str) -> LeaveToken:
    series, ref, language = read_fields(secret, LEAVE_SALT, token, (str, str, str))
    return LeaveToken(series, ref, language if language in LANGUAGES else "sv")


INVITE_SALT = "signup.network-invitation.v1"


@dataclass(frozen=True)
class InviteToken:
    """The link in an invitation: the meeting and the member's ref (a hash of the address). The
    form looks the member up by it to fill in their name, organisation and sector; the link itself
    carries nothing personal. It works until the meeting's sign-up deadline as it stands then
    (`check_invitation_lifetime`), so a deadline moved later keeps the links alive."""

    event_id: str
    ref: str


def make_invite_token(secret: str, event_id: str, ref: str) -> str:
    return sign_fields(secret, INVITE_SALT, event_id, ref)


def read_invite_token(secret: str, token: str) -> InviteToken:
    event_id, ref = read_fields(secret, INVITE_SALT, token, (str, str))
    return InviteToken(event_id, ref)


def check_invitation_lifetime(deadline_at: datetime, now: datetime) -> None:
    """An invitation's link fills in the form until the meeting's sign-up deadline."""
    if now >= deadline_at:
        raise TokenExpired()


def check_lifetime(event_end: datetime, now: datetime) -> None:
    """A link to one's registration works until a week after the event as it stands now."""
    if now >= event_end + VALID_AFTER_EVENT:
        raise TokenExpired()


def _instant(moment: datetime) -> int:
    return int(moment.timestamp())


def sign_fields(secret: str, salt: str, *fields: str | int) -> str:
    """A token carrying `fields` (strings and whole numbers), signed for one kind (`salt`): read it with
    `read_fields` and the same salt."""
    return str(URLSafeSerializer(secret, salt=salt).dumps(list(fields)))


def read_fields(secret: str, salt: str, token: str, shape: tuple[type, ...]) -> list[Any]:
    """The fields of a genuine token of this kind, each of the type `shape` names (a whole number
    is never a bool: JSON's `true` would pass as 1); TokenInvalid for anything else."""
    try:
        fields = URLSafeSerializer(secret, salt=salt).loads(token)
    except (BadData, ValueError, TypeError) as error:
        raise TokenInvalid() from error
    if not (isinstance(fields, list) and len(fields) == len(shape)):
        raise TokenInvalid()
    if not all(
        isinstance(value, kind) and not isinstance(value, bool) for value, kind in zip(fields, shape, strict=True)
    ):
        raise TokenInvalid()
    return fields
