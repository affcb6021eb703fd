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
    expires = int((event_end + VALID_AFTER_EVENT).timestamp())
    # Only ids: an email address in a URL ends up in logs and browser history.
    return str(URLSafeSerializer(secret, salt=SALT).dumps([event_id, registration_id, expires]))


def read_token(secret: str, token: str, now: datetime) -> ManageToken:
    try:
        event_id, registration_id, expires = URLSafeSerializer(secret, salt=SALT).loads(token)
    except (BadSignature, ValueError, TypeError) as error:
        raise TokenInvalid() from error
    if not (isinstance(event_id, str) and isinstance(registration_id, str) and isinstance(expires, int)):
        raise TokenInvalid()
    if now.timestamp() >= expires:
        raise TokenExpired()
    return ManageToken(event_id, registration_id, expires)


ORGANISER_SALT = "signup.organiser-page.v1"


def make_organiser_token(secret: str, event_id: str, event_end: datetime) -> str:
    """A link to the live attendee page: for organisers without AWS access, expiring after the event."""
    expires = int((event_end + VALID_AFTER_EVENT).timestamp())
    return str(URLSafeSerializer(secret, salt=ORGANISER_SALT).dumps([event_id, expires]))


def read_organiser_token(secret: str, token: str, now: datetime) -> str:
    try:
        event_id, expires = URLSafeSerializer(secret, salt=ORGANISER_SALT).loads(token)
    except (BadSignature, ValueError, TypeError) as error:
        raise TokenInvalid() from error
    if not (isinstance(event_id, str) and isinstance(expires, int)):
        raise TokenInvalid()
    if now.timestamp() >= expires:
        raise TokenExpired()
    return event_id
