"""Events as the organiser console edits them: the form, the TOML file, capacity and the deadline.

One validator for every way an event is described: the console's form is mapped onto the same
TOML-shaped mapping that `./signup event put FILE` reads, and `events.event_from_mapping` judges both.
A value the form cannot turn into its TOML type (a date that is no date) is passed on as the text it
was, so the validator names the problem in its own words, and this module only says which form field
the problem belongs to. Plain functions: no AWS, no HTTP.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from typing import Any

import tomli_w

from ..events import (
    DEFAULT_TIMEZONE,
    KNOWN_KEYS,
    LANGUAGES,
    OPTIONAL_QUESTIONS,
    DigestMode,
    Event,
    EventFileError,
    EventProblem,
    EventStatus,
    Question,
    event_from_mapping,
    parse_event_toml,
)
from ..i18n import event_problem
from .posted import EventFormInvalid, ticked, value_text

# The form's fields, in the order the page shows them.
TEXT_FIELDS = (
    "id",
    "title_sv",
    "title_en",
    "description_sv",
    "description_en",
    "starts_at",
    "ends_at",
    "meal_at",
    "venue",
    "address",
    "timezone",
    "deadline_date",
    "deadline_time",
    "capacity",
    "waitlist_limit",
    "confirm_within_hours",
    "organisers",
    "interests",
    "reminder_days",
    "reminder_at",
    "digest_hour",
    "digest_send",
    "digest_language",
    "caterer",
    "series",
)
QUESTION_FIELD = "question_"  # one checkbox per optional question: question_meal, question_diet, ...
# The longest text a form field takes: an event description, not a book.
MAX_FIELD = 5_000
MAX_TOML = 50_000

# Which form field a validator problem belongs to, by the problem's TOML key (its first part).
_FIELD_FOR_KEY = {
    "title": "title_sv",
    "description": "description_sv",
    "deadline": "deadline_date",
    "reminders": "reminder_days",
    "reminders.days_before": "reminder_days",
    "reminders.at": "reminder_at",
    "digest": "digest_send",
    "digest.hour": "digest_hour",
    "digest.send": "digest_send",
    "digest.language": "digest_language",
}
# A key not renamed above names its own form field, but for the old spelling of the questions (no field).
_FORM_KEYS = KNOWN_KEYS - {"standard_questions"}
GENERAL = "form"  # where a problem no field owns is shown (only the summary)


# -- the event as the TOML mapping (what the file holds and what the form fills in) ---------------


def event_mapping(event: Event) -> dict[str, Any]:
    """The TOML-shaped mapping the validator reads back as this same event (its counters aside)."""
    zone = event.zone

    def local(moment: datetime) -> datetime:
        return moment.astimezone(zone).replace(tzinfo=None)

    optional: dict[str, Any] = {
        "id": event.id,
        "title": dict(event.title),
        "description": dict(event.description),
        "timezone": event.timezone,
        "starts_at": local(event.starts_at),
        "ends_at": local(event.ends_at) if event.ends_at else None,
        "meal_at": local(event.meal_at) if event.meal_at else None,
        "venue": event.venue,
        "address": event.address,
        "deadline": deadline_value(event),
        "capacity": event.capacity,
        # Written out even when it is the default, so a later change of capacity does not move it.
        "waitlist_limit": event.waitlist_limit if event.capacity is not None else None,
        "confirm_address": True if event.confirm_address else None,
        "confirm_within_hours": event.confirm_within_hours if event.confirm_address else None,
        "organisers": list(event.organisers),
        "caterer": event.caterer,
        "series": event.series,
        "status": event.status,
    }
    data = {key: value for key, value in optional.items() if value not in (None, "", {})}
    data.update(questions_mapping(event, {question: question in event.questions for question in OPTIONAL_QUESTIONS}))
    data["reminders"] = {"days_before": list(event.reminder_days), "at": f"{event.reminder_time:%H:%M}"}
    data["digest"] = {"hour": event.digest_hour, "send": event.digest, "language": event.organiser_language}
    if event.interests:
        data["interests"] = [{"id": area.id, **area.title} for area in event.interests]
    return data


def questions_mapping(event: Event | None, switched: dict[str, bool]) -> dict[str, Any]:
    """The fixed questions switched on and off, and the organisers' own questions: `[questions]` alone
    while there are none of those, else `[standard_questions]` and `[[questions]]`."""
    if event is None or not event.custom_questions:
        return {"questions": switched}
    return {
        "standard_questions": switched,
        "questions": [question_mapping(question) for question in event.custom_questions],
    }


def question_mapping(question: Question) -> dict[str, Any]:
    """One `[[questions]]` table, as the validator reads it back."""
    optional: dict[str, Any] = {
        "id": question.id,
        "type": question.type,
        "label": dict(question.label),
        "help": dict(question.help) or None,
        "required": question.required or None,
        "sensitive": question.sensitive or None,
        "max_length": question.max_length,
        "min": question.min,
        "max": question.max,
        "max_choices": question.max_choices,
        "choices": [
            {"id": choice.id, **choice.title, **({"limit": choice.limit} if choice.limit is not None else {})}
            for choice in question.choices
        ]
        or None,
    }
    if question.show_when is not None:
        values = question.show_when.values
        optional["show_when"] = {
            "question": question.show_when.question,
            "equals": values[0] if len(values) == 1 else list(values),
        }
    return {key: value for key, value in optional.items() if value is not None}


def deadline_value(event: Event) -> date | datetime:
    """The deadline as the organiser wrote it: a last day when it closes at local midnight, else the moment."""
    local = event.deadline_at.astimezone(event.zone)
    if local.time() == time(0):
        return event.last_day
    return local.replace(tzinfo=None)


def event_toml(event: Event) -> str:
    """The event as a TOML file that `./signup event put` and the console's import read back unchanged."""
    title = event.text("title", "sv")
    header = (
        f"# {title}\n"
        f"# Times are local ({event.timezone}); a deadline date means through 23:59 that day.\n"
        f"# Load it with: ./signup event put {event.id}.toml --stage STAGE\n\n"
    )
    return header + tomli_w.dumps(event_mapping(event))


def same_description(one: Event, other: Event) -> bool:
    """True when two events say the same (their counters and link versions aside)."""
    return _uncounted(one) == _uncounted(other)


def _uncounted(event: Event) -> Event:
    return replace(
        event, confirmed_count=0, waitlist_count=0, pending_count=0, organiser_link_version=0, choice_counts={}
    )


# -- the form ------------------------------------------------------------------------------------


def form_values(event: Event) -> dict[str, Any]:
    """The edit form filled in from a stored event."""
    zone = event.zone

    def local(moment: datetime | None) -> str:
        return f"{moment.astimezone(zone):%Y-%m-%d %H:%M}" if moment else ""

    deadline = deadline_value(event)
    values: dict[str, Any] = {
        "id": event.id,
        "title_sv": event.title.get("sv", ""),
        "title_en": event.title.get("en", ""),
        "description_sv": event.description.get("sv", ""),
        "description_en": event.description.get("en", ""),
        "starts_at": local(event.starts_at),
        "ends_at": local(event.ends_at),
        "meal_at": local(event.meal_at),
        "venue": event.venue,
        "address": event.address,
        "timezone": event.timezone,
        "deadline_date": f"{deadline:%Y-%m-%d}",
        "deadline_time": f"{deadline:%H:%M}" if isinstance(deadline, datetime) else "",
        "capacity": str(event.capacity) if event.capacity is not None else "",
        "waitlist_limit": str(event.waitlist_limit) if event.capacity is not None else "",
        "confirm_address": event.confirm_address,
        "confirm_within_hours": str(event.confirm_within_hours) if event.confirm_address else "",
        "organisers": "\n".join(event.organisers),
        "interests": "\n".join(
            " | ".join(area.title[lang] for lang in LANGUAGES if lang in area.title) for area in event.interests
        ),
        "reminder_days": ", ".join(str(days) for days in event.reminder_days),
        "reminder_at": f"{event.reminder_time:%H:%M}",
        "digest_hour": str(event.digest_hour),
        "digest_send": event.digest,
        "digest_language": event.organiser_language,
        "caterer": event.caterer,
        "series": event.series,
    }
    for question in OPTIONAL_QUESTIONS:
        values[QUESTION_FIELD + question] = question in event.questions
    return values


def blank_form() -> dict[str, Any]:
    """A new event's form: the defaults the TOML file has when a key is left out."""
    values: dict[str, Any] = dict.fromkeys(TEXT_FIELDS, "")
    values.update(
        timezone=DEFAULT_TIMEZONE,
        reminder_days="2",
        reminder_at="09:00",
        digest_hour="7",
        digest_send=DigestMode.CHANGES,
        digest_language="sv",
        confirm_address=False,
    )
    for question in OPTIONAL_QUESTIONS:
        values[QUESTION_FIELD + question] = True
    return values


def posted_values(fields: Mapping[str, Any]) -> dict[str, Any]:
    """What the form posted, as the form shows it again: texts (cut to size) and ticked boxes."""
    values: dict[str, Any] = {name: value_text(fields.get(name))[:MAX_FIELD] for name in TEXT_FIELDS}
    values["confirm_address"] = ticked(fields.get("confirm_address"))
    for question in OPTIONAL_QUESTIONS:
        values[QUESTION_FIELD + question] = ticked(fields.get(QUESTION_FIELD + question))
    return values


def mapping_from_form(values: Mapping[str, Any], existing: Event | None = None) -> dict[str, Any]:
    """The TOML-shaped mapping the form describes (for the validator). An empty optional field is a
    key left out, as in the file. With `existing`, the interest areas keep their ids by their Swedish
    name (answers already given refer to them)."""
    data: dict[str, Any] = {}

    def put(key: str, value: Any) -> None:
        if value not in ("", None, [], {}):
            data[key] = value

    put("id", values.get("id", ""))
    put("timezone", values.get("timezone", ""))
    data["title"] = _translated(values, "title")
    description = _translated(values, "description")
    if description:
        data["description"] = description
    for key in ("starts_at", "ends_at", "meal_at"):
        put(key, _local_datetime(values.get(key, "")))
    put("venue", values.get("venue", ""))
    put("address", values.get("address", ""))
    put("deadline", _deadline(values.get("deadline_date", ""), values.get("deadline_time", "")))
    put("capacity", _whole(values.get("capacity", "")))
    put("waitlist_limit", _whole(values.get("waitlist_limit", "")))
    if values.get("confirm_address"):
        data["confirm_address"] = True
    put("confirm_within_hours", _whole(values.get("confirm_within_hours", "")))
    put("organisers", split_addresses(values.get("organisers", "")))
    put("caterer", values.get("caterer", ""))
    put("series", values.get("series", "").strip())
    # The organisers' own questions are edited through the TOML import; the form keeps them as they are.
    data.update(
        questions_mapping(
            existing, {question: bool(values.get(QUESTION_FIELD + question)) for question in OPTIONAL_QUESTIONS}
        )
    )
    put("interests", _interests(values.get("interests", ""), existing))
    data["reminders"] = {
        "days_before": _days(values.get("reminder_days", "")),
        "at": values.get("reminder_at", "") or "09:00",
    }
    data["digest"] = {
        "hour": _whole(values.get("digest_hour", "")) if values.get("digest_hour", "") != "" else 7,
        "send": values.get("digest_send", "") or DigestMode.CHANGES,
        "language": values.get("digest_language", "") or "sv",
    }
    return data


def event_from_form(
    values: Mapping[str, Any], language: str, *, existing: Event | None = None, may_name_organisers: bool = True
) -> Event:
    """The event the form describes, judged by the one validator; EventFormInvalid with a message per
    field in `language` otherwise. Editing keeps what the form does not change: the id, the status
    (closing and reopening are their own buttons) and, unless one may name organisers, the organisers."""
    values = dict(values)
    if existing is not None:
        values["id"] = existing.id
        if not may_name_organisers:
            values["organisers"] = "\n".join(existing.organisers)
    data = mapping_from_form(values, existing)
    data["status"] = existing.status if existing is not None else EventStatus.OPEN
    try:
        event = event_from_mapping(data)
    except EventFileError as error:
        raise EventFormInvalid(form_errors(error.details, language)) from error
    return counted_as(existing, event) if existing is not None else event


def form_errors(problems: list[EventProblem], language: str) -> dict[str, str]:
    """The validator's problems as messages by form field (the first problem of each field)."""
    errors: dict[str, str] = {}
    for problem in problems:
        errors.setdefault(field_for(problem.key), event_problem(problem.code, language, **problem.params))
    return errors


def field_for(key: str) -> str:
    """The form field that holds a TOML key ("interests[2].sv" -> "interests", "digest.hour" -> "digest_hour")."""
    if key in _FIELD_FOR_KEY:
        return _FIELD_FOR_KEY[key]
    base = re.split(r"[.\[]", key, maxsplit=1)[0]
    if base in _FIELD_FOR_KEY:
        return _FIELD_FOR_KEY[base]
    return base if base in _FORM_KEYS else GENERAL


def import_problems(problems: list[EventProblem], language: str) -> list[str]:
    """An imported file's problems in the page's language, each naming its key as the file spells it."""
    return [
        f"{problem.key}: {event_problem(problem.code, language, **problem.params)}"
        if problem.key
        else event_problem(problem.code, language, **problem.params)
        for problem in problems
    ]


def read_import(text: str, language: str) -> Event:
    """A pasted or uploaded TOML file, judged exactly as `./signup event put` judges it."""
    if len(text) > MAX_TOML:
        raise EventFormInvalid({"toml": event_problem("too_long", language, limit=MAX_TOML)})
    if not text.strip():
        raise EventFormInvalid({"toml": event_problem("empty_file", language)})
    try:
        return parse_event_toml(text)
    except EventFileError as error:
        raise EventFormInvalid({"toml": "\n".join(import_problems(error.details, language))}) from error


def _translated(values: Mapping[str, Any], name: str) -> dict[str, str]:
    return {lang: values[f"{name}_{lang}"] for lang in LANGUAGES if values.get(f"{name}_{lang}")}


def _local_datetime(text: str) -> datetime | str:
    """'2027-05-24T18:00' (a datetime-local field) or '2027-05-24 18:00' as a local datetime; anything
    else stays text, for the validator to name."""
    if not text:
        return ""
    try:
        return datetime.fromisoformat(text.replace(" ", "T", 1))
    except ValueError:
        return text


def _deadline(day_text: str, clock_text: str) -> date | datetime | str:
    """The last day (open through 23:59), or with a time the moment it closes."""
    if not day_text:
        return ""
    try:
        day = date.fromisoformat(day_text)
    except ValueError:
        return day_text
    if not clock_text:
        return day
    try:
        return datetime.combine(day, time.fromisoformat(clock_text.replace(".", ":")))
    except ValueError:
        return f"{day_text} {clock_text}"


def _whole(text: str) -> int | str:
    return int(text) if re.fullmatch(r"-?\d{1,9}", text or "") else text


def split_addresses(text: str) -> list[str]:
    """Addresses one a line (or separated by commas or semicolons), as people paste them."""
    return [part.strip() for part in re.split(r"[\n,;]", text) if part.strip()]


def _days(text: str) -> list[Any]:
    """'7, 2' -> [7, 2]; a part that is not a number is kept as text for the validator to name."""
    return [_whole(part) for part in re.split(r"[\s,;]+", text.strip()) if part]


def slug(text: str) -> str:
    """An id from a name: 'Trygghet och tillit' -> 'trygghet-och-tillit' (å, ä, ö as a, a, o)."""
    bare = "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "-", bare).strip("-")[:64]


def _interests(text: str, existing: Event | None) -> list[dict[str, str]]:
    """One area a line, 'Svenskt namn | English name'; an area that was there keeps its id."""
    known = {area.title.get("sv", ""): area.id for area in existing.interests} if existing else {}
    areas = []
    for line in text.splitlines():
        if not line.strip():
            continue
        names = [part.strip() for part in line.split("|")]
        area: dict[str, str] = {"id": known.get(names[0]) or slug(names[0]), "sv": names[0]}
        if len(names) > 1 and names[1]:
            area["en"] = names[1]
        if len(names) > 2:
            area["extra"] = " | ".join(names[2:])  # the validator names the unknown part
        areas.append(area)
    return areas


# -- quick changes: capacity, deadline, open or closed --------------------------------------------


class ChangeRefused(ValueError):
    """A quick change that cannot be made; `code` and `params` say why (i18n event_problem)."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def with_changes(event: Event, **changes: Any) -> Event:
    """The event with some TOML keys changed, judged by the same validator as the whole file."""
    data = event_mapping(event)
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    try:
        changed = event_from_mapping(data)
    except EventFileError as error:
        first = error.details[0]
        raise ChangeRefused(first.code, **first.params) from error
    return counted_as(event, changed)


def counted_as(stored: Event, changed: Event) -> Event:
    """The changed description with the stored event's counters (the store never writes them from here)."""
    return replace(
        changed,
        confirmed_count=stored.confirmed_count,
        waitlist_count=stored.waitlist_count,
        pending_count=stored.pending_count,
        choice_counts=stored.choice_counts,
        organiser_link_version=stored.organiser_link_version,
    )


def new_capacity(event: Event, text: str) -> Event:
    """The event with a new number of seats. Never fewer than the seats already taken: nobody loses a
    seat they were given. The waiting list keeps its length (and makes room for those who move up)."""
    value = _whole(text.strip())
    if not isinstance(value, int):
        raise ChangeRefused("seats")
    if value < event.confirmed_count:
        raise ChangeRefused("below_seats_taken", taken=event.confirmed_count)
    limit = event.waitlist_limit if event.capacity is not None else value
    return with_changes(event, capacity=value, waitlist_limit=limit)


def seats_to_fill(event: Event) -> int:
    """How many on the waiting list move up now: as many as there are free seats and people waiting."""
    if event.capacity is None:
        return event.waitlist_count
    return max(0, min(event.capacity - event.confirmed_count, event.waitlist_count))


def new_deadline(event: Event, day_text: str, clock_text: str = "") -> Event:
    """The event with its deadline moved (a last day, or a day and a time), judged as in the file."""
    value = _deadline(day_text.strip(), clock_text.strip())
    if value == "":
        raise ChangeRefused("missing")
    return with_changes(event, deadline=value)


def closed(event: Event) -> Event:
    return with_changes(event, status=EventStatus.CLOSED)


def reopened(event: Event) -> Event:
    return with_changes(event, status=EventStatus.OPEN)


def changed_keys(before: Event, after: Event) -> list[str]:
    """Which TOML keys an edit changed, for the audit log (the keys, not the values: no personal data)."""
    old, new = event_mapping(before), event_mapping(after)
    return sorted(key for key in set(old) | set(new) if old.get(key) != new.get(key))


# -- warnings: settings that are allowed but probably not meant ----------------------------------


def warnings(event: Event, now: datetime) -> list[tuple[str, dict[str, Any]]]:
    """Settings that are valid but work against each other, as (code, params) for i18n.event_warning."""
    found: list[tuple[str, dict[str, Any]]] = []
    if event.status == EventStatus.OPEN and event.deadline_at <= now:
        found.append(("deadline_passed", {}))
    if event.status == EventStatus.CLOSED and now < event.deadline_at:
        found.append(("closed_before_deadline", {}))
    if event.is_full and event.waitlist_limit == 0:
        found.append(("full_without_waitlist", {}))
    if "meal" in event.questions and event.meal_at is None:
        found.append(("meal_without_time", {}))
    if "interests" in event.questions and not event.interests:
        found.append(("interests_without_areas", {}))
    if event.confirm_address and event.deadline_at + event.hold_period > event.starts_at:
        found.append(("hold_past_start", {"hours": event.confirm_within_hours}))
    if event.meal_at is not None and not (
        event.starts_at - timedelta(hours=12) <= event.meal_at <= event.ends_at_or_default
    ):
        found.append(("meal_far_from_meeting", {}))
    return found
