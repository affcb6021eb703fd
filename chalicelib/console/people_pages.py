"""What the console's people templates show, in the organiser's language: rows, answers, choices.

Plain functions over an event and its registrations; the rules (who matches, in which order, who
has a seat) are in `people.py`, the page chrome in `pages.py`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from .. import i18n
from ..digest import question_columns
from ..email_history import SentEmail
from ..events import Event, QuestionType
from ..fields import YesNo
from ..meeting_times import local_date_and_clock, meeting_times
from ..registrations import SEATED, Registration, Status
from ..sectors import Phrase, Sector, phrase
from .people import MEAL_CHOICES, STATUS_CHOICES, PeopleFilter, count_people, door_list

if TYPE_CHECKING:
    from gettext import NullTranslations


def _clock(moment: datetime | None, event: Event, language: str) -> str:
    return i18n.clock(moment.astimezone(event.zone), language) if moment else ""


def person_row(registration: Registration, event: Event, language: str, tr: NullTranslations) -> dict[str, Any]:
    """One line of the people list or of the check-in page."""
    answers = registration.answers
    return {
        "id": registration.registration_id,
        "name": answers.name,
        "organisation": answers.organisation,
        "email": answers.email,
        "status": registration.status,
        "status_text": tr.gettext(i18n.PERSON_STATUS[registration.status]),
        "meal": i18n.yes_or_no(tr, answers.meal),
        "seated": registration.status in SEATED,
        "checked_in": registration.checked_in_at is not None,
        "checked_in_at": _clock(registration.checked_in_at, event, language),
    }


def filter_choices(event: Event, language: str) -> dict[str, list[tuple[str, str]]]:
    """The options of each filter on the people page: (value, what it says)."""
    tr = i18n.translator(language)
    # Keyed by the filter's own values (people.MEAL_CHOICES): a value without words fails here, not silently.
    meal_words = {"": tr.gettext("Any"), YesNo.YES: tr.gettext("Eating"), YesNo.NO: tr.gettext("Not eating")}
    return {
        "status": [(value, tr.pgettext(*i18n.STATUS_FILTERS[value or "live"])) for value in STATUS_CHOICES],
        "meal": [(value, meal_words[value]) for value in MEAL_CHOICES] if event.asks("meal") else [],
        "sector": [("", tr.gettext("Any"))] + [(sector, phrase(tr, sector, Phrase.NAME)) for sector in Sector],
        "interest": [("", tr.gettext("Any"))] + [(area.id, area.label(language)) for area in event.interests]
        if event.asks("interests")
        else [],
        "answer": answer_choices(event, language, tr),
    }


def answer_choices(event: Event, language: str, tr: NullTranslations) -> list[tuple[str, str]]:
    """The answer filter's options: "Question: choice" for every value `people.answer_filters` allows."""
    options: list[tuple[str, str]] = []
    for question in event.custom_questions:
        label = question.text("label", language)
        if question.type == QuestionType.YES_NO:
            options += [
                (f"{question.id}:yes", f"{label}: {tr.gettext('Yes')}"),
                (f"{question.id}:no", f"{label}: {tr.gettext('No')}"),
            ]
        else:
            options += [
                (f"{question.id}:{choice.id}", f"{label}: {choice.label(language)}") for choice in question.choices
            ]
    return [("", tr.gettext("Any")), *options] if options else []


def people_context(
    event: Event,
    registrations: Sequence[Registration],
    found: Sequence[Registration],
    wanted: PeopleFilter,
    language: str,
) -> dict[str, Any]:
    tr = i18n.translator(language)
    return {
        "event": event,
        "title": event.text("title", language),
        "counts": count_people(registrations),
        "wanted": wanted,
        "choices": filter_choices(event, language),
        "rows": [person_row(r, event, language, tr) for r in found],
        # Swedish says "1 av 1 anmäld", "1 av 3 anmälda": the form follows the total.
        "showing": tr.ngettext(
            "Showing {shown} of {total} registered.", "Showing {shown} of {total} registered.", len(registrations)
        ).format(shown=len(found), total=len(registrations)),
    }


def history_rows(history: Sequence[SentEmail], event: Event, language: str) -> list[dict[str, str]]:
    """The person's email history as the page lists it (newest first, as read): when, which, how it went."""
    tr = i18n.translator(language)
    return [
        {
            "when": local_date_and_clock(event, line.at, language),
            # A kind another part of Signup sends that has no words here yet still shows, as its code.
            "kind": tr.gettext(i18n.EMAIL_KINDS[line.kind]) if line.kind in i18n.EMAIL_KINDS else line.kind,
            "result": tr.gettext(i18n.EMAIL_RESULTS[line.result]),
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
    tr = i18n.translator(language)
    answers = registration.answers
    areas = {area.id: area.label(language) for area in event.interests}
    shown: list[tuple[str, str]] = [
        (tr.gettext("Name"), answers.name),
        (tr.gettext("Email address"), answers.email),
        (tr.pgettext("form field", "Organisation"), answers.organisation),
        (tr.gettext("Type of organisation"), phrase(tr, answers.sector, Phrase.NAME)),
    ]
    if event.asks("meal"):
        shown.append((tr.gettext("Meal"), i18n.yes_or_no(tr, answers.meal)))
    if event.asks("diet"):
        shown.append((tr.gettext("Dietary requirements or allergies"), answers.diet))
    if event.asks("access_needs"):
        shown.append((tr.gettext("Access needs"), answers.access_needs))
    if event.asks("attended_before"):
        shown.append((tr.gettext("Attended before"), i18n.yes_or_no(tr, answers.attended_before)))
    if event.asks("interests"):
        shown.append((tr.gettext("Working groups"), ", ".join(areas.get(a, a) for a in answers.interests)))
        shown.append(
            (tr.pgettext(*i18n.FIELD_LABELS["share_with_group"]), i18n.yes_or_no(tr, answers.share_with_group))
        )
    if event.asks("message"):
        shown.append((tr.gettext("Message"), answers.message))
    # The organisers' own questions, then any answer to one the event no longer asks.
    live = [registration] if registration.answers.custom else []
    for header, show in question_columns(event, live, language):
        shown.append((header, show(answers)))
    shown.append((tr.gettext("Language"), tr.gettext(i18n.LANGUAGE_NAMES[answers.language])))
    email = registration.email
    return {
        "event": event,
        "person": person_row(registration, event, language, tr),
        "answers": shown,
        "registered": local_date_and_clock(event, registration.created_at, language),
        "updated": local_date_and_clock(event, registration.updated_at, language),
        "checked_in_when": local_date_and_clock(event, registration.checked_in_at, language),
        "hold_until": local_date_and_clock(event, registration.hold_until, language)
        if registration.status == Status.PENDING
        else "",
        "email_kind": tr.gettext(i18n.EMAIL_KINDS[email.kind]),
        "email_state": tr.gettext(i18n.EMAIL_STATES[email.state]),
        "email_attempts": email.attempts,
        "email_due": local_date_and_clock(event, email.due_at, language) if email.waiting else "",
        "history": history_rows(history, event, language),
        "cancellable": registration.is_live and not event.has_started(now),
        "started": registration.is_live and event.has_started(now),
        "promotable": registration.status == Status.WAITLISTED and not event.has_started(now),
        "seat_free": not event.is_full,
        "resendable": registration.is_live and not event.has_started(now),
    }


def door_list_context(event: Event, registrations: Sequence[Registration], language: str) -> dict[str, Any]:
    tr = i18n.translator(language)
    rows = door_list(registrations)
    times = meeting_times(event, language)
    return {
        "event": event,
        "title": event.text("title", language),
        "date_text": times.date,
        "meeting_text": times.meeting,
        "rows": [
            {
                "name": row.name,
                "organisation": row.organisation,
                "meal": i18n.yes_or_no(tr, row.meal),
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
    tr = i18n.translator(language)
    counts = count_people(registrations)
    rows = [person_row(r, event, language, tr) for r in found]
    said = ""
    for row in rows:
        if row["id"] == marked:
            said = (
                tr.gettext("{name} is checked in.")
                if row["checked_in"]
                else tr.gettext("The check-in of {name} is undone.")
            ).format(name=row["name"])
    if not said and text:
        said = (
            tr.ngettext("{count} person found.", "{count} people found.", len(rows)).format(count=len(rows))
            if rows
            else tr.gettext("Nobody matches the search.")
        )
    return {
        "event": event,
        "counts": counts,
        "arrived": tr.ngettext(
            "{arrived} of {seated} with a seat has arrived.",
            "{arrived} of {seated} with a seat have arrived.",
            counts.checked_in,
        ).format(arrived=counts.checked_in, seated=counts.seated),
        "text": text,
        "rows": rows,
        "said": said,
    }
