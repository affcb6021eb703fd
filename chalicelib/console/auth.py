"""Passwordless sign-in to the console: one-time email links, the session cookie and CSRF tokens.

Plain functions over plain data with the clock passed in; the store keeps the sign-in tokens (hashed)
and each person's session version, the routes only parse and call these.

- A sign-in link carries 32 random bytes. Only their SHA-256 is stored, so a read of the table
  cannot be turned into a working link; the link works once, for SIGN_IN_VALID (slow mail included).
- The session is a signed cookie holding the person's mailbox key, a random session id, when it was
  issued, when it was last used and the person's session version. It ends SESSION_IDLE after its last
  use or SESSION_ABSOLUTE after sign-in, whichever comes first; "sign out everywhere" bumps the
  stored version, which ends every cookie issued before.
- The CSRF token is an HMAC of the session id under the signing secret: bound to one session, the
  same on every form of it, and compared in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from .. import links
from ..events import Event
from ..forms import email_key
from ..tokens import TokenInvalid, read_fields, sign_fields

SIGN_IN_VALID = timedelta(minutes=15)
SESSION_IDLE = timedelta(hours=8)
SESSION_ABSOLUTE = timedelta(hours=24)
# `__Host-`: the browser accepts it only with Secure, Path=/ and no Domain, so no other host (a
# sibling subdomain) can set or overwrite it.
COOKIE_NAME = "__Host-signup-session"
CSRF_FIELD = "csrf_token"  # noqa: S105 (a field name)
SESSION_SALT = "signup.console-session.v1"
CSRF_PURPOSE = b"signup.console-csrf.v1:"
# Writing a fresh cookie on every page is needless churn: the idle clock moves when it is older than this.
TOUCH_AFTER = timedelta(minutes=5)


def sign_in_minutes() -> int:
    """SIGN_IN_VALID as the pages, the email and the local runner say it."""
    return int(SIGN_IN_VALID.total_seconds() // 60)


class SessionInvalid(Exception):
    """No cookie, a forged or damaged one, or one that has expired or been signed out."""


# Raised by sign_in.py; here, so the route modules catch them without importing sign-in (and mail).
# eq=False and __post_init__, as mail.SendFailed: an exception equals only itself and keeps its value in `args`.
@dataclass(eq=False)
class SignInLimited(Exception):
    """Too many sign-in links asked for this hour; `which` is "address" or "sender"."""

    which: str

    def __post_init__(self) -> None:
        super().__init__(self.which)


@dataclass(eq=False)
class LinkRefused(Exception):
    """A sign-in link that signs nobody in; `state` says why."""

    state: LinkState

    def __post_init__(self) -> None:
        super().__init__(self.state)


# -- sign-in links ----------------------------------------------------------------


@dataclass(frozen=True)
class SignInLink:
    """A fresh link: the token goes into the email, only its hash into the table."""

    token: str
    token_hash: str
    email_key: str
    expires_at: datetime
    # The person's session version when the link was made: signing out everywhere ends the links
    # still in the mailbox too, not only the cookies.
    session_version: int = 0


@dataclass(frozen=True)
class StoredSignInLink:
    """A link as the table keeps it (by its token's hash): whose it is, when it stops working, and
    when it was used (None: not yet)."""

    email_key: str
    expires_at: datetime
    used_at: datetime | None = None


def new_sign_in_link(address: str, now: datetime, session_version: int = 0) -> SignInLink:
    token = secrets.token_urlsafe(32)
    return SignInLink(token, hash_token(token), email_key(address), now + SIGN_IN_VALID, session_version)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogateescape")).hexdigest()


def plausible_token(token: str) -> bool:
    """A token we could have made (43 URL-safe characters): anything else is not worth a read."""
    return len(token) == 43 and all(char.isalnum() or char in "-_" for char in token) and token.isascii()


class LinkState(StrEnum):
    """What a sign-in link is, as the person is told."""

    VALID = "valid"
    USED = "used"
    EXPIRED = "expired"
    UNKNOWN = "unknown"  # never made, altered, or removed by DynamoDB's TTL


def link_state(stored: StoredSignInLink | None, now: datetime) -> LinkState:
    """`stored`: the store's record of the link, or None (never made, or gone)."""
    if stored is None:
        return LinkState.UNKNOWN
    if stored.used_at:
        return LinkState.USED
    if now >= stored.expires_at:
        return LinkState.EXPIRED
    return LinkState.VALID


# Where a person goes after signing in: a console page they were sent to (the digest's link to an event).
_NEXT_PAGE = re.compile(r"/console/[A-Za-z0-9_.\-]+(/[A-Za-z0-9_.\-]+)*")


def safe_next(value: object) -> str:
    """A console path to return to after signing in, or "" (never another site: no scheme, no `//`,
    only the characters a console path has, so it cannot become an open redirect or a header break)."""
    if not isinstance(value, str) or len(value) > 200 or not _NEXT_PAGE.fullmatch(value) or "/." in value:
        return ""
    return value


def link_query(next_page: str, language: str) -> str:
    """The query a sign-in link (and its button's form) carries: where to go afterwards, the language."""
    return links.in_language("", language, next=next_page)


# -- who may sign in --------------------------------------------------------------


def admin_keys(setting: str) -> frozenset[str]:
    """The stage's administrators (`SIGNUP_ADMINS`, comma-separated addresses) as mailbox keys."""
    return frozenset(email_key(address) for address in setting.split(",") if address.strip())


def organises(event: Event, person: str) -> bool:
    """Whether the event names this mailbox key among its organisers."""
    return any(email_key(organiser) == person for organiser in event.organisers)


def address_on_record(person: str, admin_setting: str, events: Iterable[Event]) -> str | None:
    """The administrator's or organiser's address, as written in the settings or the event, whose
    mailbox key is `person` (None when there is none). A link goes to this address, never to the one
    typed: `admin+anything@` has `admin@`'s key, and a `+` is not a subaddress on every mail system."""
    written = [address.strip() for address in admin_setting.split(",") if address.strip()]
    written += [organiser for event in events for organiser in event.organisers]
    return next((address for address in written if email_key(address) == person), None)


def may_sign_in(person: str, admins: frozenset[str], events: Iterable[Event]) -> bool:
    """An administrator of the stage, or an organiser of any event."""
    return person in admins or any(organises(event, person) for event in events)


# -- the session cookie ---------------------------------------------------------------


@dataclass(frozen=True)
class Session:
    email_key: str
    session_id: str
    issued_at: datetime
    last_seen: datetime
    version: int

    @property
    def ends_at(self) -> datetime:
        """When it ends if not used again: idle or absolute, whichever is first."""
        return min(self.last_seen + SESSION_IDLE, self.issued_at + SESSION_ABSOLUTE)


def new_session(person: str, version: int, now: datetime) -> Session:
    return Session(person, secrets.token_urlsafe(16), now, now, version)


def encode_session(secret: str, session: Session) -> str:
    return sign_fields(
        secret,
        SESSION_SALT,
        session.email_key,
        session.session_id,
        int(session.issued_at.timestamp()),
        int(session.last_seen.timestamp()),
        session.version,
    )


def decode_session(secret: str, value: str | None, now: datetime) -> Session:
    """The session in a cookie value, if it is ours and still alive (raises SessionInvalid).

    Whether it has been signed out is the store's part: see `still_current`.
    """
    if not value:
        raise SessionInvalid("no session")
    try:
        person, session_id, issued, seen, version = read_fields(secret, SESSION_SALT, value, (str, str, int, int, int))
    except TokenInvalid as error:
        raise SessionInvalid("not ours") from error
    session = Session(
        person, session_id, datetime.fromtimestamp(issued, UTC), datetime.fromtimestamp(seen, UTC), version
    )
    if not session.issued_at <= session.last_seen <= now or now >= session.ends_at:
        raise SessionInvalid("expired")
    return session


def still_current(session: Session, version: int, ended: Iterable[str]) -> bool:
    """Not signed out: made with the person's current version, and not ended on its own device."""
    return session.version == version and session.session_id not in set(ended)


def touched(session: Session, now: datetime) -> Session | None:
    """The session with its idle clock moved to now, or None when it was moved a moment ago."""
    if now - session.last_seen < TOUCH_AFTER:
        return None
    return replace(session, last_seen=now)


def session_cookie(value: str, session: Session, now: datetime) -> str:
    """The Set-Cookie value: the browser drops it when the session would end anyway."""
    max_age = max(int((session.ends_at - now).total_seconds()), 0)
    return f"{COOKIE_NAME}={value}; Max-Age={max_age}; Path=/; Secure; HttpOnly; SameSite=Strict"


def clearing_cookie() -> str:
    return f"{COOKIE_NAME}=; Max-Age=0; Path=/; Secure; HttpOnly; SameSite=Strict"


def cookie_value(header: str | None) -> str | None:
    """Our cookie's value from a request's Cookie header (None when absent).

    Read by hand rather than with http.cookies, which stops at the first cookie it cannot parse:
    another application's odd cookie on the same host must not sign the person out.
    """
    for part in (header or "").split(";"):
        name, _, value = part.strip().partition("=")
        if name == COOKIE_NAME and value:
            return value
    return None


# -- CSRF ---------------------------------------------------------------------------


def csrf_token(secret: str, session: Session) -> str:
    return hmac.new(secret.encode(), CSRF_PURPOSE + session.session_id.encode(), hashlib.sha256).hexdigest()


def csrf_ok(secret: str, session: Session, given: object) -> bool:
    if not isinstance(given, str) or not given:
        return False
    return hmac.compare_digest(csrf_token(secret, session).encode(), given.encode("utf-8", "surrogateescape"))
