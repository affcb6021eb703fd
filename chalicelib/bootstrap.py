"""The one wiring place: the store, mailer, clock, settings and page renderer, built once.

Nothing is built or even imported at import (Chalice imports app.py to package it, with no stage
settings and no AWS; a cold start should pay only for what its route needs); each part is
imported and built on first use and kept for the warm container. Tests call `reset()`
between cases (they switch endpoints and stages) and set `wiring().clock` instead of patching.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, TypeVar

from . import aws, config
from .config import Settings

if TYPE_CHECKING:
    from email.message import EmailMessage

    from .console_people_service import ConsolePeople
    from .console_service import Console
    from .mail import Mailer
    from .outreach import Outreach
    from .pages import Pages
    from .service import Signup
    from .store import DynamoStore, PublicStore


AnyStore = TypeVar("AnyStore", bound="PublicStore")


def system_clock() -> datetime:
    return datetime.now(UTC)


class Wiring:
    """The real collaborators; each `cached_property` is built the first time a handler needs it."""

    def __init__(self, settings: Settings = config, clock: Callable[[], datetime] = system_clock) -> None:
        self.settings = settings
        self.clock = clock
        # How the outbox waits between paced sends (tests record the waits instead).
        self.sleep: Callable[[float], None] = time.sleep

    @functools.cached_property
    def store(self) -> DynamoStore:
        """Every concern's records: the console's, the schedule's and the SES notifications' store."""
        from .store import DynamoStore

        return self._over_the_table(DynamoStore)

    @functools.cached_property
    def public_store(self) -> PublicStore:
        """The records a person's requests use: the same table, without importing the other
        concerns' rules (a person's cold start waits for every module it imports)."""
        from .store import PublicStore

        return self._over_the_table(PublicStore)

    def _over_the_table(self, kind: type[AnyStore]) -> AnyStore:
        config.check_local_stage_is_local()
        store = kind(aws.dynamodb(), self.settings.table_name())
        store.registrations_per_sender = self.settings.registrations_per_sender()
        return store

    @functools.cached_property
    def mailer(self) -> Mailer:
        """SES, its client created by the first email sent: a request that sends none (one's own
        page, an edit, leaving the network, a console page) does not pay for creating it."""

        def ses_mailer() -> Mailer:
            from .mail import SesMailer

            config.check_local_stage_is_local()
            return SesMailer(aws.sesv2(), config.ses_configuration_set())

        return MailerOnFirstSend(ses_mailer)

    @functools.cached_property
    def pages(self) -> Pages:
        from .pages import Pages, templates

        return Pages(self.settings, templates())

    @functools.cached_property
    def console(self) -> Console:
        from .console_service import Console
        from .pages import templates

        return Console(
            store=self.store,
            mailer=self.mailer,
            settings=self.settings,
            templates=templates(),
            sleep=lambda seconds: self.sleep(seconds),
        )

    @functools.cached_property
    def people(self) -> ConsolePeople:
        from .console_people_service import ConsolePeople

        return ConsolePeople(store=self.store, signup=self.signup)

    @functools.cached_property
    def signup(self) -> Signup:
        from .pages import templates
        from .service import Signup

        return Signup(store=self.public_store, mailer=self.mailer, settings=self.settings, templates=templates())

    @functools.cached_property
    def outreach(self) -> Outreach:
        from .mail import SesSendQuota
        from .outreach import Outreach

        return Outreach(
            signup=self.signup,
            store=self.store,
            send_rate=SesSendQuota(aws.ses),
            sleep=lambda seconds: self.sleep(seconds),
        )


class MailerOnFirstSend:
    """A mailer built by its first send (see `Wiring.mailer`)."""

    def __init__(self, build: Callable[[], Mailer]) -> None:
        self._build = build

    @functools.cached_property
    def _mailer(self) -> Mailer:
        return self._build()

    def send(self, message: EmailMessage) -> str:
        return self._mailer.send(message)


@functools.cache
def wiring() -> Wiring:
    return Wiring()


def reset() -> None:
    """Forget every built part and the cached AWS clients (tests switch endpoints between cases)."""
    from .pages import templates

    wiring.cache_clear()
    templates.cache_clear()
    aws.clear()
