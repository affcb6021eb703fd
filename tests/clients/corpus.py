"""Every kind of email Signup sends, built as the service builds it, for the parsers to read."""

from __future__ import annotations

import email.policy
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from chalicelib.digest import attendee_csv, summarize
from chalicelib.events import Event
from chalicelib.forms import parse_answers
from chalicelib.mail import WrittenEmail, registration_email
from chalicelib.registrations import EmailKind, Registration, Status
from tests.helpers import EMAIL_LINKS, answers, at, example_event, writing_at, written_digest

NOW = at("2027-05-10T07:00:00+02:00")
SENDER = "Hudiksvalls kommun – Signup <anmalan@signup.local>"
ORGANISERS = ["social.hallbarhet@hudiksvall.example", "asa.oberg@hudiksvall.example"]
CATERER = "kok@example.se"

# (kind, status): what the person's emails are built from.
PERSON_EMAILS = [
    (EmailKind.CONFIRMATION, Status.CONFIRMED),
    (EmailKind.CONFIRMATION, Status.WAITLISTED),
    (EmailKind.PROMOTION, Status.CONFIRMED),
    (EmailKind.REMINDER, Status.CONFIRMED),
    (EmailKind.ALREADY_REGISTERED, Status.CONFIRMED),
    (EmailKind.ALREADY_REGISTERED, Status.WAITLISTED),
    (EmailKind.CONFIRMATION, Status.PENDING),
    (EmailKind.PROMOTION, Status.PENDING),
    (EmailKind.CANCELLATION, Status.CANCELLED),
    (EmailKind.CANCELLED_HOLD, Status.CANCELLED),
    (EmailKind.LEFT_WAITLIST, Status.CANCELLED),
]
ORGANISER_EMAILS = ["digest", "final", "caterer"]


@dataclass(frozen=True)
class Sent:
    """One message as we built it, and the bytes on the wire."""

    label: str
    message: WrittenEmail
    language: str
    to_organisers: bool

    @property
    def raw(self) -> bytes:
        return self.message.as_bytes(policy=email.policy.SMTP)

    def write(self, folder: Path, index: int) -> Path:
        path = folder / f"{index:04d}-{self.label}.eml"
        path.write_bytes(self.raw)
        return path


def event_titled(sv: str, en: str, **overrides: Any) -> Event:
    return example_event(title={"sv": sv, "en": en}, organisers=ORGANISERS, caterer=CATERER, **overrides)


def registration(
    event: Event, language: str, status: Status, registration_id: str = "r1", **fields: Any
) -> Registration:
    return Registration(
        event_id=event.id,
        registration_id=registration_id,
        answers=parse_answers(answers(language=language, **fields), event),
        status=status,
        created_at=NOW - timedelta(days=3),
        updated_at=NOW - timedelta(days=3),
    )


def person_email(
    kind: EmailKind, event: Event, one: Registration, *, sender: str = SENDER, now: datetime = NOW
) -> WrittenEmail:
    return registration_email(kind, event, one, links=EMAIL_LINKS, writing=writing_at(now, sender))


def organiser_email(kind: str, event: Event, people: list[Registration], *, sender: str = SENDER) -> WrittenEmail:
    caterer = kind == "caterer"
    return written_digest(
        event,
        summarize(event, people, now=NOW, since=None),
        now=NOW,
        final=kind != "digest",
        caterer=caterer,
        csv_bytes=b"" if caterer else attendee_csv(event, people),
        live_link="" if caterer else "https://signup.example/console/events/natverk-social-hallbarhet",
        sender=sender,
    )


def every_email(event: Event, *, sender: str = SENDER) -> list[Sent]:
    """Each kind of email, to a Swedish and an English registrant, and the organisers' three."""
    people = [registration(event, "sv", Status.CONFIRMED, "r1"), registration(event, "en", Status.CONFIRMED, "r2")]
    sent = [
        Sent(
            f"{kind}-{status}-{one.answers.language}",
            person_email(kind, event, replace(one, status=status), sender=sender),
            one.answers.language,
            False,
        )
        for kind, status in PERSON_EMAILS
        for one in people
    ]
    sent += [
        Sent(kind, organiser_email(kind, event, people, sender=sender), event.organiser_language, True)
        for kind in ORGANISER_EMAILS
    ]
    return sent
