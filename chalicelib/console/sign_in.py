"""The console's sign-in, session and audit steps, over a store and a mailer passed in.

The routes parse and call these; the rules themselves are the plain functions of `auth` and
`access`. Nothing here says whether an address may sign in: asking for a link is answered alike
for every address, and only an administrator or an organiser is sent one.

Asking does the same work for every address, so not even the answer's timing tells who organises
something: one transaction counts the request and queues it. The outbox job (every minute; every
second under `make run`) decides whether the address may sign in, makes the link and emails it.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
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
from .auth import LinkRefused, LinkState, Session, SessionInvalid

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LinkRequest:
    """A sign-in link asked for, waiting in the outbox: whose address, and how the link should open."""

    email_key: str
    language: str
    next_page: str  # a console page to land on once signed in (auth.safe_next), or ""
    asked_at: datetime
    attempts: int = 0
    request_id: str = ""  # the store's name for it


class ConsoleStore(AuditStore, Protocol):
    def list_events(self) -> list[Event]: ...

    def queue_sign_in_request(self, request: LinkRequest, client: str | None, per_sender: int) -> None:
        """Count the request against the address and the sender and queue it, in one transaction
        (raises SignInLimited, and writes nothing, when either has had its share this hour)."""

    def due_sign_in_requests(self, now: datetime) -> Iterator[LinkRequest]: ...

    def claim_sign_in_request(self, request: LinkRequest, now: datetime, lease: datetime) -> LinkRequest | None:
        """Take it for this run (None: another run has it, or it is done); one more attempt counted."""

    def retry_sign_in_request(self, request: LinkRequest, at: datetime) -> None: ...

    def finish_sign_in_request(self, request: LinkRequest) -> None:
        """Out of the outbox (sent, given up, or nobody to send to); the record expires within the hour."""

    def save_sign_in_link(self, link: auth.SignInLink, now: datetime) -> None: ...

    def sign_in_link(self, token_hash: str) -> auth.StoredSignInLink | None: ...

    def use_sign_in_link(self, token_hash: str, now: datetime) -> tuple[str, int] | None: ...

    def session_state(self, email_key: str) -> tuple[int, frozenset[str]]: ...

    def end_session(self, email_key: str, session_id: str, issued_at: datetime) -> None: ...

    def end_all_sessions(self, email_key: str) -> int: ...


# Builds the email for (address, link url, the request: its language).
BuildSignInEmail = Callable[[str, str, LinkRequest], EmailMessage]

# A run that took a request and died leaves it to the next run after this long.
SIGN_IN_LEASE = timedelta(minutes=2)
# SES trouble: try again a minute later, at most this many times in all.
SIGN_IN_ATTEMPTS = 3
SIGN_IN_RETRY = timedelta(minutes=1)
# A link emailed later than this after asking is no use: the person has asked again or given up.
SIGN_IN_STALE = auth.SIGN_IN_VALID


def request_link(
    address: str,
    *,
    store: ConsoleStore,
    client: str | None,
    per_sender: int,
    language: str,
    next_page: str,
    now: datetime,
    sleep: Callable[[float], None],
) -> None:
    """Count and queue the request (the store raises SignInLimited): one transaction, the same for
    every address. Whether a link is sent is decided later, by `deliver_links`. `sleep` waits
    between the tries of a conflicted count."""
    request = LinkRequest(email_key(address), language, next_page, now)
    # Two requests counted at the same moment conflict in their transaction: count again.
    retry_conflicts(lambda: store.queue_sign_in_request(request, client, per_sender), sleep=sleep)


def deliver_links(
    *,
    store: ConsoleStore,
    mailer: Mailer,
    admin_setting: str,
    link_url: Callable[[str, LinkRequest], str],
    build: BuildSignInEmail,
    now: datetime,
) -> Counter[str]:
    """The outbox job's part for sign-in links: each due request is claimed (so two runs never both
    send), and an administrator or organiser gets a fresh link; anyone else nothing. SES trouble is
    tried again a minute later, a few times; a request older than a link's lifetime is dropped."""
    counts: Counter[str] = Counter()
    events: list[Event] | None = None
    for request in store.due_sign_in_requests(now):
        claimed = store.claim_sign_in_request(request, now, now + SIGN_IN_LEASE)
        if claimed is None:
            counts["links_claimed_elsewhere"] += 1
            continue
        if now - claimed.asked_at > SIGN_IN_STALE:
            store.finish_sign_in_request(claimed)
            counts["links_too_late"] += 1
            continue
        if events is None:
            events = store.list_events()
        recipient = auth.address_on_record(claimed.email_key, admin_setting, events)
        if recipient is None:
            store.finish_sign_in_request(claimed)
            counts["links_not_sent"] += 1
            continue
        link = make_link(recipient, store=store, now=now)
        try:
            mailer.send(build(recipient, link_url(link, claimed), claimed))
        except SendFailed as error:
            # No address in the log.
            log.error("sign-in email failed", extra={"error": str(error)})
            if claimed.attempts >= SIGN_IN_ATTEMPTS:
                store.finish_sign_in_request(claimed)
                counts["links_gave_up"] += 1
            else:
                store.retry_sign_in_request(claimed, now + SIGN_IN_RETRY)
                counts["links_failed"] += 1
            continue
        store.finish_sign_in_request(claimed)
        counts["links_sent"] += 1
    if counts:
        log.info("sign-in links", extra={"counts": dict(counts)})
    return counts


def make_link(address: str, *, store: ConsoleStore, now: datetime) -> str:
    """A link's token without email, for an operator with AWS credentials (`./signup console link`)."""
    version, _ = store.session_state(email_key(address))
    link = auth.new_sign_in_link(address, now, version)
    store.save_sign_in_link(link, now)
    return link.token


def check_link(token: str, *, store: ConsoleStore, now: datetime) -> LinkState:
    """What opening the link shows: GET only reads, it never spends the link."""
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
