"""The console's use cases with the real parts bound: what its routes call.

Given the store, mailer, settings and templates by `chalicelib.bootstrap`; knows no HTTP. AWS
trouble comes out as ServiceUnavailable (nothing was changed), as in the public use cases.
"""

from __future__ import annotations

import functools
import logging
import time
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from botocore.exceptions import BotoCoreError, ClientError

from .config import Settings
from .console import access, auth, sign_in
from .console.access import ConsoleUser, EventRow
from .console.audit import AuditEntry, record
from .console.auth import Session
from .errors import EventNotFound, ServiceUnavailable
from .events import Event
from .forms import email_key
from .mail import Mailer, Writing, sign_in_email
from .notices import Notice
from .store import DynamoStore

if TYPE_CHECKING:
    from jinja2 import Environment

log = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")


def aws_trouble_is_unavailable(method: Callable[P, R]) -> Callable[P, R]:
    @functools.wraps(method)
    def translated(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(*args, **kwargs)
        except (BotoCoreError, ClientError) as error:
            code = type(error).__name__
            if isinstance(error, ClientError):
                code = error.response.get("Error", {}).get("Code", code)
            log.error("console request failed on AWS", extra={"error": code})
            raise ServiceUnavailable() from error

    return translated


class Console:
    def __init__(
        self,
        *,
        store: DynamoStore,
        mailer: Mailer,
        settings: Settings,
        templates: Environment,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.store = store
        self.mailer = mailer
        self.settings = settings
        self.templates = templates
        self.sleep = sleep  # between the tries of a conflicted write

    @property
    def admins(self) -> frozenset[str]:
        return auth.admin_keys(self.settings.admins())

    @property
    def retention(self) -> timedelta:
        return timedelta(days=self.settings.retention_days())

    # -- signing in ---------------------------------------------------------------------

    @aws_trouble_is_unavailable
    def request_link(
        self, address: str, *, language: str, client: str | None, now: datetime, next_page: str = ""
    ) -> None:
        """Count and queue the request (raises SignInLimited): the same work for every address. The
        outbox job emails a link, returning to `next_page` (see auth.safe_next), if the address may
        sign in."""
        sign_in.request_link(
            address,
            store=self.store,
            client=client,
            per_sender=self.settings.console_sign_ins_per_sender(),
            language=language,
            next_page=next_page,
            now=now,
            sleep=self.sleep,
        )

    def deliver_links(self, *, base_url: str, now: datetime) -> Counter[str]:
        """The outbox job's part: email the links asked for (see sign_in.deliver_links)."""
        minutes = auth.sign_in_minutes()
        writing = Writing(sender=self.settings.sender(), templates=self.templates, now=now)

        def build(to: str, link: str, request: sign_in.LinkRequest) -> Any:
            return sign_in_email(to, link=link, valid_minutes=minutes, language=request.language, writing=writing)

        def link_url(token: str, request: sign_in.LinkRequest) -> str:
            return f"{base_url}/console/sign-in/{token}{auth.link_query(request.next_page, request.language)}"

        return sign_in.deliver_links(
            store=self.store,
            mailer=self.mailer,
            admin_setting=self.settings.admins(),
            link_url=link_url,
            build=build,
            now=now,
        )

    @aws_trouble_is_unavailable
    def check_link(self, token: str, now: datetime) -> auth.LinkState:
        return sign_in.check_link(token, store=self.store, now=now)

    @aws_trouble_is_unavailable
    def use_link(self, token: str, now: datetime) -> Session:
        return sign_in.use_link(token, store=self.store, admins=self.admins, retention=self.retention, now=now)

    @aws_trouble_is_unavailable
    def make_link(self, address: str, now: datetime) -> str:
        """A link's token without email (`./signup console link`); LinkRefused(UNKNOWN) if the
        address may not sign in."""
        if not auth.may_sign_in(email_key(address), self.admins, self.store.list_events()):
            raise auth.LinkRefused(auth.LinkState.UNKNOWN)
        return sign_in.make_link(address, store=self.store, now=now)

    # -- sessions -------------------------------------------------------------------------

    @aws_trouble_is_unavailable
    def current_user(self, cookie_header: str | None, now: datetime) -> ConsoleUser:
        """Raises SessionInvalid without a live session."""
        user, session = sign_in.current_user(
            cookie_header, secret=self.settings.secret(), store=self.store, admins=self.admins, now=now
        )
        return ConsoleUser(user.email_key, user.is_admin, session)

    @aws_trouble_is_unavailable
    def sign_out(self, session: Session, *, everywhere: bool) -> None:
        if everywhere:
            sign_in.sign_out_everywhere(session, store=self.store)
        else:
            sign_in.sign_out(session, store=self.store)

    def cookie(self, session: Session, now: datetime) -> str:
        return auth.session_cookie(auth.encode_session(self.settings.secret(), session), session, now)

    def csrf_token(self, user: ConsoleUser) -> str:
        return auth.csrf_token(self.settings.secret(), user.session) if user.session else ""

    def csrf_ok(self, user: ConsoleUser, given: object) -> bool:
        return user.session is not None and auth.csrf_ok(self.settings.secret(), user.session, given)

    # -- events and the audit log ----------------------------------------------------------

    @aws_trouble_is_unavailable
    def event_rows(self, user: ConsoleUser, now: datetime) -> list[EventRow]:
        return access.event_rows(access.visible_events(user, self.store.list_events()), now)

    @aws_trouble_is_unavailable
    def event_for(self, user: ConsoleUser, event_id: str) -> Event:
        """Raises EventNotFound alike for a missing event and one this person may not see."""
        return access.event_for(user, self.store.get_event(event_id))

    @aws_trouble_is_unavailable
    def series_for(self, user: ConsoleUser, series: str) -> list[Event]:
        """The series' meetings this person may see; EventNotFound alike when they may see none and
        when the series does not exist (nobody sees an event without an id)."""
        events = access.visible_events(user, self.store.series_events(series))
        if not events:
            raise EventNotFound()
        return events

    @aws_trouble_is_unavailable
    def notices(self, event: Event) -> list[Notice]:
        return self.store.notices(event.id)

    @aws_trouble_is_unavailable
    def audit_entries(self, event: Event) -> list[AuditEntry]:
        return self.store.audit_entries(event.id)

    @aws_trouble_is_unavailable
    def audit(self, event: Event | str, user: ConsoleUser, action: str, detail: str, now: datetime) -> None:
        found = self.store.get_event(event) if isinstance(event, str) else event
        if found is not None:
            record(self.store, user, [found], action, detail, retention=self.retention, now=now)
