"""What organisers read: counts, what changed, the meal and diet lists, the attendee CSV.

Pure functions over an event and its registrations; the jobs decide when to send.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from gettext import NullTranslations
from typing import Any

from . import i18n
from .events import CHOICE_TYPES, Event, Question
from .registrations import EmailKind, EmailState, Registration, Status
from .sectors import Phrase, phrase

EMAIL_PROBLEMS = (EmailState.FAILED, EmailState.GAVE_UP, EmailState.SUPPRESSED, EmailState.LIMITED)
# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Summary:
    event: Event
    now: datetime
    since: datetime | None
    confirmed: tuple[Registration, ...]
    waitlisted: tuple[Registration, ...]
    cancelled: tuple[Registration, ...]
    new: tuple[Registration, ...]
    cancelled_since: tuple[Registration, ...]
    promoted_since: tuple[Registration, ...]
    meals: int
    diets: tuple[tuple[str, int], ...]
    access_needs: tuple[tuple[str, str], ...]
    organisations: tuple[tuple[str, int], ...]
    sectors: tuple[tuple[str, int], ...]
    interests: tuple[tuple[str, int], ...]
    email_problems: tuple[Registration, ...]
    # Seats held for people who have not yet confirmed their address (confirm_address events).
    pending: tuple[Registration, ...] = ()
    # Each choice question of the organisers' own: its label and how many live registrations chose
    # each choice (never to the caterer).
    choices: tuple[tuple[str, tuple[tuple[str, int], ...]], ...] = ()

    @property
    def changed(self) -> bool:
        return bool(self.new or self.cancelled_since or self.promoted_since)

    @property
    def seats_left(self) -> int | None:
        if self.event.capacity is None:
            return None
        return max(self.event.capacity - len(self.confirmed) - len(self.pending), 0)

    @property
    def days_to_deadline(self) -> int:
        return self.event.days_to_deadline(self.now)


def _after(moment: datetime, since: datetime | None) -> bool:
    return since is None or moment > since


def _tally(values: list[str]) -> tuple[tuple[str, int], ...]:
    """Count texts case- and space-insensitively; show the first spelling seen."""
    shown: dict[str, str] = {}
    counts: Counter[str] = Counter()
    for value in values:
        key = " ".join(value.split()).casefold()
        if key:
            spelled = " ".join(value.split())
            shown.setdefault(key, spelled[0].upper() + spelled[1:])
            counts[key] += 1
    return tuple((shown[key], count) for key, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def summarize(event: Event, registrations: list[Registration], *, now: datetime, since: datetime | None) -> Summary:
    language = event.organiser_language
    tr = i18n.translator(language)
    by_status: dict[str, list[Registration]] = {
        Status.CONFIRMED: [],
        Status.PENDING: [],
        Status.WAITLISTED: [],
        Status.CANCELLED: [],
    }
    for registration in sorted(registrations, key=lambda r: (r.created_at, r.registration_id)):
        by_status.setdefault(registration.status, []).append(registration)
    confirmed = by_status[Status.CONFIRMED]
    live = confirmed + by_status[Status.PENDING] + by_status[Status.WAITLISTED]
    eating = [r for r in confirmed if r.answers.meal]
    interest_counts = Counter(area for r in live for area in r.answers.interests)
    return Summary(
        event=event,
        now=now,
        since=since,
        confirmed=tuple(confirmed),
        waitlisted=tuple(by_status[Status.WAITLISTED]),
        cancelled=tuple(by_status[Status.CANCELLED]),
        new=tuple(r for r in live if _after(r.created_at, since)),
        cancelled_since=tuple(r for r in by_status[Status.CANCELLED] if _after(r.updated_at, since)),
        promoted_since=tuple(
            r for r in confirmed if r.email.kind == EmailKind.PROMOTION and _after(r.updated_at, since)
        ),
        meals=len(eating),
        diets=_tally([r.answers.diet for r in eating if r.answers.diet]),
        access_needs=tuple((r.answers.name, r.answers.access_needs) for r in confirmed if r.answers.access_needs),
        organisations=_tally([r.answers.organisation for r in live]),
        sectors=tuple(
            (phrase(tr, sector, Phrase.NAME), count)
            for sector, count in Counter(r.answers.sector for r in live).most_common()
        ),
        interests=tuple((area.label(language), interest_counts[area.id]) for area in event.interests),
        email_problems=tuple(r for r in live if r.email.state in EMAIL_PROBLEMS),
        pending=tuple(by_status[Status.PENDING]),
        choices=choice_counts(event, live, language),
    )


def choice_counts(
    event: Event, live: list[Registration], language: str
) -> tuple[tuple[str, tuple[tuple[str, int], ...]], ...]:
    """How many chose each choice of each choice question, in the event's order (a limited choice
    shows its places too: "Robotik: 15 av 15")."""
    counted = []
    for question in event.custom_questions:
        if question.type not in CHOICE_TYPES:
            continue
        tally: Counter[str] = Counter()
        for registration in live:
            answer = registration.answers.custom.get(question.id)
            tally.update(answer if isinstance(answer, tuple) else (answer,) if answer else ())
        rows = []
        for choice in question.choices:
            name = choice.label(language)
            if choice.limit is not None:
                name += " " + i18n.translator(language).ngettext(
                    "(of {limit} place)", "(of {limit} places)", choice.limit
                ).format(limit=choice.limit)
            rows.append((name, tally[choice.id]))
        counted.append((question.text("label", language), tuple(rows)))
    return tuple(counted)


def safe_cell(value: object) -> str:
    """A CSV cell a spreadsheet shows as text: a leading formula sign gets a quote first."""
    text = "" if value is None else str(value)
    # NFKC folds the full-width and small forms (＝＋－＠, ﹦﹢﹣﹫) that spreadsheets with an
    # East Asian input method also read as a formula's start.
    return "'" + text if unicodedata.normalize("NFKC", text[:1]).startswith(_FORMULA_STARTS) else text


def attendee_csv(event: Event, registrations: list[Registration]) -> bytes:
    """The attendee list as Swedish Excel opens it: UTF-8 with BOM, semicolons, no formulas."""
    tr = i18n.translator(event.organiser_language)
    area_names = {area.id: area.label(event.organiser_language) for area in event.interests}
    live = [r for r in registrations if r.status != Status.CANCELLED]
    columns = question_columns(event, live, event.organiser_language)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(
        [
            tr.gettext("Name"),
            tr.gettext("Email address"),
            tr.pgettext(*i18n.FIELD_LABELS["organisation"]),
            tr.gettext("Type of organisation"),
            tr.gettext("Status"),
            tr.gettext("Meal"),
            tr.gettext("Dietary requirements or allergies"),
            tr.gettext("Access needs"),
            tr.gettext("Attended before"),
            tr.gettext("Working groups"),
            tr.pgettext(*i18n.FIELD_LABELS["share_with_group"]),
            tr.gettext("Message"),
            tr.gettext("Registered"),
            tr.gettext("Checked in"),
        ]
        + [header for header, _ in columns]
    )
    for r in sorted(live, key=lambda r: (r.status != Status.CONFIRMED, r.answers.name.casefold())):
        answers = r.answers
        writer.writerow(
            [
                safe_cell(value)
                for value in (
                    answers.name,
                    answers.email,
                    answers.organisation,
                    phrase(tr, answers.sector, Phrase.NAME),
                    tr.gettext(i18n.STATUS_NAMES[r.status]),
                    i18n.yes_or_no(tr, answers.meal),
                    answers.diet,
                    answers.access_needs,
                    i18n.yes_or_no(tr, answers.attended_before),
                    ", ".join(area_names.get(a, a) for a in answers.interests),
                    i18n.yes_or_no(tr, answers.share_with_group),
                    answers.message,
                    _local(event, r.created_at),
                    # Attendance from the console's check-in: when they were marked present at the door.
                    _local(event, r.checked_in_at),
                    *(show(r.answers) for _, show in columns),
                )
            ]
        )
    return buffer.getvalue().encode("utf-8-sig")


def question_columns(
    event: Event, registrations: list[Registration], language: str
) -> list[tuple[str, Callable[[Any], str]]]:
    """One column per question of the organisers' own: the event's questions in order, then any a
    registration answered that the event no longer asks (by id, marked removed), so no answer given
    is lost from the list. Choices by their current name, found by id."""
    tr = i18n.translator(language)
    columns: list[tuple[str, Callable[[Any], str]]] = []
    for question in event.custom_questions:
        columns.append((question.text("label", language), _answer_reader(question.id, question, tr, language)))
    asked = {question.id for question in event.custom_questions}
    removed = tr.gettext("removed question")
    for question_id in sorted({key for r in registrations for key in r.answers.custom} - asked):
        columns.append((f"{question_id} ({removed})", _answer_reader(question_id, None, tr, language)))
    return columns


def _answer_reader(
    question_id: str, question: Question | None, tr: NullTranslations, language: str
) -> Callable[[Any], str]:
    def show(answers: Any) -> str:
        return answer_text(answers.custom.get(question_id), question, tr, language)

    return show


def answer_text(value: Any, question: Question | None, tr: NullTranslations, language: str) -> str:
    """One answer as a person reads it: yes/no in words, a choice by its name (its id once removed)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return i18n.yes_or_no(tr, value)
    if isinstance(value, tuple | list):
        return ", ".join(answer_text(item, question, tr, language) for item in value)
    if question is not None and question.choices:
        choice = question.choice(str(value))
        return choice.label(language) if choice else str(value)
    return str(value)


def _local(event: Event, moment: datetime | None) -> str:
    return moment.astimezone(event.zone).strftime("%Y-%m-%d %H:%M") if moment else ""
