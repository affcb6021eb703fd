"""What the console's people templates show, in the organiser's language: rows, answers, choices.

Plain functions over an event and its registrations; the rules (who matches, in which order, who
has a seat) are in `people.py`, the page chrome in `pages.py`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from .. import i18n
from ..email_history import SentEmail
from ..events import Event
from ..fields import SECTORS
from ..registrations import SEATED, Registration, Status
from .people import EVERYONE, LIVE, PeopleFilter, count_people, door_list


def _yes_no(value: bool | None, labels: dict[str, str]) -> str:
    return {True: labels["yes"], False: labels["no"], None: ""}[value]


def _when(moment: datetime | None, event: Event, language: str) -> str:
    return i18n.date_and_clock(moment.astimezone(event.zone), language) if moment else ""


def _clock(moment: datetime | None, event: Event, language: str) -> str:
    return i18n.clock(moment.astimezone(event.zone), language) if moment else ""


def person_row(registration: Registration, event: Event, language: str, labels: dict[str, str]) -> dict[str, Any]:
    """One line of the people list or of the check-in page."""
    answers = registration.answers
    return {
        "id": registration.registration_id,
        "name": answers.name,
        "organisation": answers.organisation,
        "email": answers.email,
        "status": registration.status,
        "status_text": labels[f"people.status.{registration.status}"],
        "meal": _yes_no(answers.meal, labels),
        "seated": registration.status in SEATED,
        "checked_in": registration.checked_in_at is not None,
        "checked_in_at": _clock(registration.checked_in_at, event, language),
    }


def filter_choices(event: Event, language: str) -> dict[str, list[tuple[str, str]]]:
    """The options of each filter on the people page: (value, what it says)."""
    labels = i18n.labels(language)
    statuses = [LIVE, Status.CONFIRMED, Status.PENDING, Status.WAITLISTED, Status.CANCELLED, EVERYONE]
    return {
        "status": [(value, labels[f"people.filter_status.{value or 'live'}"]) for value in statuses],
        "meal": [("", labels["people.any"]), ("yes", labels["people.meal_yes"]), ("no", labels["people.meal_no"])]
        if event.asks("meal")
        else [],
        "sector": [("", labels["people.any"])] + [(sector, labels[f"sector.{sector}"]) for sector in SECTORS],
        "interest": [("", labels["people.any"])] + [(area.id, area.label(language)) for area in event.interests]
        if event.asks("interests")
        else [],
    }


def people_context(
    event: Event,
    registrations: Sequence[Registration],
    found: Sequence[Registration],
    wanted: PeopleFilter,
    language: str,
) -> dict[str, Any]:
    labels = i18n.labels(language)
    return {
        "event": event,
        "title": event.text("title", language),
        "counts": count_people(registrations),
        "wanted": wanted,
        "choices": filter_choices(event, language),
        "rows": [person_row(r, event, language, labels) for r in found],
        "showing": labels["people.showing"].format(shown=len(found), total=len(registrations)),
    }


def history_rows(history: Sequence[SentEmail], event: Event, language: str) -> list[dict[str, str]]:
    """The person's email history as the page lists it (newest first, as read): when, which, how it went."""
    labels = i18n.labels(language)
    return [
        {
            "when": _when(line.at, event, language),
            # A kind another part of Signup sends that has no words here yet still shows, as its code.
            "kind": labels.get(f"people.email_kind.{line.kind}", line.kind),
            "result": labels[f"people.email_result.{line.result}"],
            "error": line.error,
        }
        for line in history
    ]


def person_context(
    registration: Registration,
    event: Event,
    language: str,
    now: datetime,
    history: Sequence[SentEmail] = (),
) -> dict[str, Any]:
    """One person's page: every answer, the status, the check-in and every email sent to them."""
    labels = i18n.labels(language)
    answers = registration.answers
    areas = {area.id: area.label(language) for area in event.interests}
    shown: list[tuple[str, str]] = [
        (labels["csv.name"], answers.name),
        (labels["email"], answers.email),
        (labels["organisation"], answers.organisation),
        (labels["sector"], labels[f"sector.{answers.sector}"]),
    ]
    if event.asks("meal"):
        shown.append((labels["csv.meal"], _yes_no(answers.meal, labels)))
    if event.asks("diet"):
        shown.append((labels["diet"], answers.diet))
    if event.asks("access_needs"):
        shown.append((labels["csv.access"], answers.access_needs))
    if event.asks("attended_before"):
        shown.append((labels["csv.attended"], _yes_no(answers.attended_before, labels)))
    if event.asks("interests"):
        shown.append((labels["csv.interests"], ", ".join(areas.get(a, a) for a in answers.interests)))
    if event.asks("message"):
        shown.append((labels["csv.message"], answers.message))
    shown.append((labels["people.language"], labels[f"people.language.{answers.language}"]))
    email = registration.email
    return {
        "event": event,
        "title": event.text("title", language),
        "person": person_row(registration, event, language, labels),
        "answers": shown,
        "registered": _when(registration.created_at, event, language),
        "updated": _when(registration.updated_at, event, language),
        "checked_in_when": _when(registration.checked_in_at, event, language),
        "hold_until": _when(registration.hold_until, event, language) if registration.status == Status.PENDING else "",
        "email_kind": labels[f"people.email_kind.{email.kind}"],
        "email_state": labels[f"people.email_state.{email.state}"],
        "email_attempts": email.attempts,
        "email_due": _when(email.due_at, event, language) if email.waiting else "",
        "history": history_rows(history, event, language),
        "cancellable": registration.is_live and not event.has_started(now),
        "started": registration.is_live and event.has_started(now),
        "promotable": registration.status == Status.WAITLISTED and not event.has_started(now),
        "seat_free": not event.is_full,
        "resendable": registration.is_live and not event.has_started(now),
    }


def door_list_context(event: Event, registrations: Sequence[Registration], language: str) -> dict[str, Any]:
    labels = i18n.labels(language)
    rows = door_list(registrations)
    starts = event.starts_at.astimezone(event.zone)
    return {
        "event": event,
        "title": event.text("title", language),
        "date_text": i18n.long_date(starts, language),
        "meeting_text": labels["meeting_at"].format(time=i18n.clock(starts, language)),
        "rows": [
            {
                "name": row.name,
                "organisation": row.organisation,
                "meal": _yes_no(row.meal, labels),
                "diet": row.diet,
                "held": row.held,
                "checked_in": row.checked_in,
            }
            for row in rows
        ],
        "asks_meal": event.asks("meal"),
        "total": len(rows),
        "meals": sum(1 for row in rows if row.meal),
    }


def check_in_context(
    event: Event,
    registrations: Sequence[Registration],
    found: Sequence[Registration],
    text: str,
    marked: str,
    language: str,
) -> dict[str, Any]:
    """The door page: the counts, the search and (once something is typed) who matches. `marked` is
    the registration the last tap was about, so the page can say what it did."""
    labels = i18n.labels(language)
    counts = count_people(registrations)
    rows = [person_row(r, event, language, labels) for r in found]
    said = ""
    for row in rows:
        if row["id"] == marked:
            said = labels["people.checked_in_now" if row["checked_in"] else "people.check_in_undone"].format(
                name=row["name"]
            )
    if not said and text:
        said = labels["people.showing_found"].format(shown=len(rows)) if rows else labels["people.none"]
    return {
        "event": event,
        "title": event.text("title", language),
        "counts": counts,
        "arrived": labels["people.arrived"].format(arrived=counts.checked_in, seated=counts.seated),
        "text": text,
        "rows": rows,
        "said": said,
    }
