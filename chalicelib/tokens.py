"""Signed links to a person's own registration (itsdangerous, salted, expiring)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from itsdangerous import BadSignature, URLSafeSerializer

SALT = "signup.manage-registration.v1"
# The link keeps working a little after the meeting, then expires.
VALID_AFTER_EVENT = timedelta(days=7)


class TokenInvalid(Exception):
    """Forged or altered: the signature does not match."""


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
    expires = int((event_end + VALID_AFTER_EVENT).timestamp())
    # Only ids: an email address in a URL ends up in logs and browser history.
    return str(URLSafeSerializer(secret, salt=SALT).dumps([event_id, registration_id, expires]))


def read_token(secret: str, token: str) -> ManageToken:
    """The ids in a genuine link; whether it is still alive depends on the event (`check_lifetime`)."""
    try:
        event_id, registration_id, expires = URLSafeSerializer(secret, salt=SALT).loads(token)
    except (BadSignature, ValueError, TypeError) as error:
        raise TokenInvalid() from error
    if not (isinstance(event_id, str) and isinstance(registration_id, str) and isinstance(expires, int)):
        raise TokenInvalid()
    return ManageToken(event_id, registration_id, expires)


def check_lifetime(event_end: datetime, now: datetime) -> None:
    """A link to one's registration works until a week after the event as it stands now."""
    if now >= event_end + VALID_AFTER_EVENT:
        raise TokenExpired()


# v2: the link carries its own expiry and the event's link version (v1 links were the same
# every day until the event was over, and could not be withdrawn).
ORGANISER_SALT = "signup.organiser-page.v2"
# The digest goes out at most daily, each with a fresh link; a forwarded or leaked one soon dies.
ORGANISER_LINK_VALID = timedelta(days=3)


class TokenWithdrawn(Exception):
    """Genuine and unexpired, but `./signup organiser revoke` has withdrawn it."""


@dataclass(frozen=True)
class OrganiserToken:
    event_id: str
    link_version: int
    expires_at: int


def make_organiser_token(secret: str, event_id: str, link_version: int, issued_at: datetime) -> str:
    """A link to the live attendee page, for organisers without AWS access: it expires
    ORGANISER_LINK_VALID after it is made and dies with the event's current link version."""
    expires = int((issued_at + ORGANISER_LINK_VALID).timestamp())
    return str(URLSafeSerializer(secret, salt=ORGANISER_SALT).dumps([event_id, link_version, expires]))


def read_organiser_token(secret: str, token: str, now: datetime) -> OrganiserToken:
    try:
        event_id, link_version, expires = URLSafeSerializer(secret, salt=ORGANISER_SALT).loads(token)
    except (BadSignature, ValueError, TypeError) as error:
        raise TokenInvalid() from error
    if not (isinstance(event_id, str) and _whole(link_version) and _whole(expires)):
        raise TokenInvalid()
    if now.timestamp() >= expires:
        raise TokenExpired()
    return OrganiserToken(event_id, link_version, expires)


def ensure_current(link: OrganiserToken, current_version: int) -> None:
    """Only links made with the event's current version work; revoking bumps the version."""
    if link.link_version != current_version:
        raise TokenWithdrawn()


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
