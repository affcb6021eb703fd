"""The console's sign-in, session and audit steps, over a store and a mailer passed in.

The routes parse and call these; the rules themselves are the plain functions of `auth` and
`access`. Nothing here says whether an address may sign in: asking for a link is answered alike
for every address, and only an administrator or an organiser is sent one.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Protocol

from ..conflicts import retry_conflicts
from ..events import Event
from ..forms import email_key
from ..mail import Mailer, SendFailed
from . import auth
from .access import ConsoleUser, visible_events
from .audit import SIGNED_IN, AuditStore, expiry, record
from .auth import LinkState, Session, SessionInvalid

log = logging.getLogger(__name__)


class ConsoleStore(AuditStore, Protocol):
    def list_events(self) -> list[Event]: ...

    def count_sign_in_request(self, email_key: str, client: str | None, now: datetime, per_sender: int) -> None: ...

    def save_sign_in_link(self, link: auth.SignInLink, now: datetime) -> None: ...

    def sign_in_link(self, token_hash: str) -> dict[str, object] | None: ...

    def use_sign_in_link(self, token_hash: str, now: datetime) -> tuple[str, int] | None: ...

    def session_state(self, email_key: str) -> tuple[int, frozenset[str]]: ...

    def end_session(self, email_key: str, session_id: str, issued_at: datetime) -> None: ...

    def end_all_sessions(self, email_key: str) -> int: ...


class SignInLimited(Exception):
    """Too many sign-in links asked for this hour; `which` is "address" or "sender"."""

    def __init__(self, which: str) -> None:
        super().__init__(which)
        self.which = which


class LinkRefused(Exception):
    """A sign-in link that signs nobody in; `state` says why (auth.LinkState)."""

    def __init__(self, state: str) -> None:
        super().__init__(state)
        self.state = state


# Builds the email for (address, link url).
BuildSignInEmail = Callable[[str, str], EmailMessage]


def request_link(
    address: str,
    *,
    store: ConsoleStore,
    mailer: Mailer,
    admin_setting: str,
    client: str | None,
    per_sender: int,
    link_url: Callable[[str], str],
    build: BuildSignInEmail,
    now: datetime,
) -> bool:
    """Count the request (the store raises SignInLimited), then send a link if the address may sign in.

    Returns whether a link was sent, for tests and the CLI only: the page says the same either way.
    """
    person = email_key(address)
    # Two requests counted at the same moment conflict in their transaction: count again.
    retry_conflicts(lambda: store.count_sign_in_request(person, client, now, per_sender), sleep=time.sleep)
    recipient = auth.address_on_record(person, admin_setting, store.list_events())
    if recipient is None:
        return False
    link = make_link(recipient, store=store, now=now)
    try:
        mailer.send(build(recipient, link_url(link)))
    except SendFailed as error:
        # The page must not differ for this address; the person asks again. No address in the log.
        log.error("sign-in email failed", extra={"error": str(error)})
        return False
    return True


def make_link(address: str, *, store: ConsoleStore, now: datetime) -> str:
    """A link's token without email, for an operator with AWS credentials (`./signup console link`)."""
    version, _ = store.session_state(email_key(address))
    link = auth.new_sign_in_link(address, now, version)
    store.save_sign_in_link(link, now)
    return link.token


def check_link(token: str, *, store: ConsoleStore, now: datetime) -> str:
    """What opening the link shows (LinkState): GET only reads, it never spends the link."""
    if not auth.plausible_token(token):
        return LinkState.UNKNOWN
    return auth.link_state(store.sign_in_link(auth.hash_token(token)), now)


def use_link(
    token: str, *, store: ConsoleStore, admins: frozenset[str], retention: timedelta, now: datetime
) -> Session:
    """The button on the link's page: spend the link (one conditional write) and start a session.

    Raises LinkRefused: unknown, used (by this press's twin, too) or expired; and unknown when
    the person may no longer sign in (no longer an organiser of anything since the link was sent).
    """
    if not auth.plausible_token(token):
        raise LinkRefused(LinkState.UNKNOWN)
    token_hash = auth.hash_token(token)
    spent = store.use_sign_in_link(token_hash, now)
    if spent is None:
        state = auth.link_state(store.sign_in_link(token_hash), now)
        raise LinkRefused(LinkState.USED if state == LinkState.VALID else state)
    person, made_under = spent
    events = store.list_events()
    if not auth.may_sign_in(person, admins, events):
        raise LinkRefused(LinkState.UNKNOWN)
    version, _ = store.session_state(person)
    if made_under != version:
        raise LinkRefused(LinkState.EXPIRED)  # signed out everywhere since the link was sent
    session = auth.new_session(person, version, now)
    user = ConsoleUser(person, person in admins)
    # Each event this person can now see records the sign-in, for as long as it keeps its data.
    kept = [event for event in visible_events(user, events) if now < expiry(event, retention)]
    record(store, user, kept, SIGNED_IN, retention=retention, now=now)
    return session


def current_user(
    cookie_header: str | None, *, secret: str, store: ConsoleStore, admins: frozenset[str], now: datetime
) -> tuple[ConsoleUser, Session]:
    """The person behind a request's cookie (raises SessionInvalid: none, forged, expired, signed out)."""
    session = auth.decode_session(secret, auth.cookie_value(cookie_header), now)
    version, ended = store.session_state(session.email_key)
    if not auth.still_current(session, version, ended):
        raise SessionInvalid("signed out")
    return ConsoleUser(session.email_key, session.email_key in admins), session


def sign_out(session: Session, *, store: ConsoleStore) -> None:
    store.end_session(session.email_key, session.session_id, session.issued_at)


def sign_out_everywhere(session: Session, *, store: ConsoleStore) -> None:
    store.end_all_sessions(session.email_key)
