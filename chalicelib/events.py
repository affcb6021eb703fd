"""Events: what an organiser describes, and the rules about time that follow.

An organiser writes local wall-clock times ("24 maj 18.00") and a deadline
date ("senast den 15 maj"). We store instants: the deadline becomes the first
instant at which registration is *closed*, i.e. 00:00 local on the day after
the deadline date, so "senast den 15 maj" means through 23:59:59.999 that day
whatever the daylight-saving offset is.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

LANGUAGES = ("sv", "en")


class EventStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"  # no more sign-ups
    # The meeting is off. Read back from a file (an exported cancelled meeting loads again), but only
    # `./signup event cancel` or the console's button cancel a meeting: they tell everyone.
    CANCELLED = "cancelled"


class DigestMode(StrEnum):
    """When the organisers' digest is sent."""

    CHANGES = "changes"  # on a day something changed
    DAILY = "daily"
    OFF = "off"


DEFAULT_TIMEZONE = "Europe/Stockholm"
OPTIONAL_QUESTIONS = ("meal", "diet", "access_needs", "attended_before", "interests", "message")
EVENT_ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
# An organiser's own question: its id names its answers for good (exports, the API's `q_<id>`).
QUESTION_ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


class QuestionType(StrEnum):
    """What an organiser's own question asks for (its answers' shape)."""

    SHORT_TEXT = "short_text"  # one line
    LONG_TEXT = "long_text"  # several lines
    ONE_CHOICE = "one_choice"
    SEVERAL_CHOICES = "several_choices"
    YES_NO = "yes_no"
    NUMBER = "number"  # a whole number


QUESTION_TYPES = tuple(QuestionType)
CHOICE_TYPES = (QuestionType.ONE_CHOICE, QuestionType.SEVERAL_CHOICES)
# The questions another question can be shown after (`show_when`): their answers are a few known values.
CONDITION_TYPES = (*CHOICE_TYPES, QuestionType.YES_NO)
# What a text question allows at most (the same as the fixed form's one-line and free-text fields).
SHORT_TEXT_MAX = 200
LONG_TEXT_MAX = 2000
MAX_QUESTIONS = 30
MAX_CHOICES = 50
# A question's whole-number limits, in the order the API lists them, and which fit which type (the
# validator's, the console editor's).
QUESTION_LIMITS = ("max_length", "min", "max", "max_choices")
LIMITS_BY_TYPE: dict[QuestionType, tuple[str, ...]] = {
    QuestionType.SHORT_TEXT: ("max_length",),
    QuestionType.LONG_TEXT: ("max_length",),
    QuestionType.ONE_CHOICE: (),
    QuestionType.SEVERAL_CHOICES: ("max_choices",),
    QuestionType.YES_NO: (),
    QuestionType.NUMBER: ("min", "max"),
}
# A question's answer is sent, returned and refused under this prefix and its id (`answer_field`).
ANSWER_PREFIX = "q_"
# The fixed questions a custom question's `show_when` may depend on, with the values they take.
SHOW_WHEN_STANDARD: dict[str, tuple[str | bool, ...]] = {
    "meal": (True, False),
    "attended_before": (True, False),
    "language": LANGUAGES,
}
# How many may wait for a seat when `waitlist_limit` is not given: as many as the room holds.
# A bound, so a script cannot grow the list (and the emails to it) without end.
DEFAULT_WAITLIST_PER_SEAT = 1
# With `confirm_address = true`, how long a seat is held for a click on the emailed link.
DEFAULT_CONFIRM_WITHIN_HOURS = 24


def in_language(texts: dict[str, str], language: str) -> str:
    """A text an organiser gave in Swedish and perhaps English, in `language` if it was given
    ("" when not even the Swedish is there)."""
    return texts.get(language) or texts.get("sv", "")


@dataclass(frozen=True)
class InterestArea:
    """A working-group area people can say they are interested in."""

    id: str
    title: dict[str, str]

    def label(self, language: str) -> str:
        return in_language(self.title, language)


@dataclass(frozen=True)
class Choice:
    """One answer of a choice question; `limit` caps how many may choose it (a workshop's places).
    Its id stays when the wording changes, so earlier answers keep their meaning."""

    id: str
    title: dict[str, str]
    limit: int | None = None

    def label(self, language: str) -> str:
        return in_language(self.title, language)


@dataclass(frozen=True)
class ShowWhen:
    """Ask a question only when another answer (`question`: a custom question's id or `meal`,
    `attended_before`, `language`) is one of `values`."""

    question: str
    values: tuple[str | bool, ...]


@dataclass(frozen=True)
class Question:
    """An organiser's own question on one event's form."""

    id: str
    type: QuestionType
    label: dict[str, str]
    help: dict[str, str] = field(default_factory=dict)
    required: bool = False
    max_length: int | None = None
    min: int | None = None
    max: int | None = None
    max_choices: int | None = None
    choices: tuple[Choice, ...] = ()
    show_when: ShowWhen | None = None
    # May reveal health, belief or the like: asked with its own consent, blanked after the event
    # (like diet) and never in the caterer's email.
    sensitive: bool = False

    @property
    def field_name(self) -> str:
        """The answer's name in a form post and in the JSON API."""
        return answer_field(self.id)

    @property
    def consent_name(self) -> str:
        """The name of the consent a sensitive question asks beside its answer."""
        return consent_field(self.id)

    def text(self, attribute: str, language: str) -> str:
        """A translated attribute (label, help), falling back to Swedish."""
        return in_language(getattr(self, attribute), language)

    def choice(self, choice_id: str) -> Choice | None:
        return next((choice for choice in self.choices if choice.id == choice_id), None)


def answer_field(question_id: str) -> str:
    """An organiser's question's answer's name in a form post, the JSON API and the problems said
    about the answers: `q_<id>`."""
    return f"{ANSWER_PREFIX}{question_id}"


def consent_field(question_id: str) -> str:
    """The name of a sensitive question's consent: its answer's with `_consent` (which is why a
    question's id may not end so)."""
    return f"{answer_field(question_id)}_consent"


def place_key(question_id: str, choice_id: str) -> str:
    """A choice's place count's name: `workshop:robotik`."""
    return f"{question_id}:{choice_id}"


@dataclass(frozen=True)
class Event:
    id: str
    title: dict[str, str]
    timezone: str
    starts_at: datetime
    venue: str
    deadline_at: datetime
    organisers: tuple[str, ...]
    description: dict[str, str] = field(default_factory=dict)
    ends_at: datetime | None = None
    meal_at: datetime | None = None
    address: str = ""
    capacity: int | None = None
    # Places on the waiting list once every seat is taken (0: no waiting list).
    waitlist_limit: int = 0
    # A seat counts only once the person clicks the link in the email (for events that fill up):
    # until then it is held for `confirm_within_hours`, then released to the waiting list.
    confirm_address: bool = False
    confirm_within_hours: int = DEFAULT_CONFIRM_WITHIN_HOURS
    questions: frozenset[str] = frozenset(OPTIONAL_QUESTIONS)
    interests: tuple[InterestArea, ...] = ()
    # The organisers' own questions (`[[questions]]`), in the form's order.
    custom_questions: tuple[Question, ...] = ()
    status: EventStatus = EventStatus.OPEN
    reminder_days: tuple[int, ...] = (2,)
    reminder_time: time = time(9, 0)
    digest_hour: int = 7
    digest: DigestMode = DigestMode.CHANGES
    organiser_language: str = "sv"
    caterer: str = ""
    # Seats taken: confirmed, and held for someone who has not yet confirmed their address.
    confirmed_count: int = 0
    waitlist_count: int = 0
    # Organiser links made with an earlier version no longer work (`./signup organiser revoke`).
    organiser_link_version: int = 0
    # Of the seats taken, how many are held awaiting a click (the hourly job looks only then).
    pending_count: int = 0
    # How many live registrations (seated or waiting) hold each choice of a choice question, by
    # `place_key`: counted with the seat in one transaction, so a choice's `limit` holds under a rush.
    choice_counts: dict[str, int] = field(default_factory=dict)
    # The network's series of meetings this one belongs to ("" for a meeting on its own): people and
    # organisations are recognised across its meetings, and the form asks about staying informed.
    series: str = ""
    # When the stored description was last written (None until stored). The console's edit form
    # sends it back, so two organisers saving at once cannot silently undo each other's changes.
    updated_at: datetime | None = field(default=None, compare=False)
    # Raised by the store whenever the time or the place changes and when the meeting is cancelled:
    # every calendar file's SEQUENCE is derived from it, so a later file always wins (calendar_file).
    calendar_version: int = field(default=0, compare=False)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def text(self, attribute: str, language: str) -> str:
        """A translated attribute (title, description), falling back to Swedish."""
        return in_language(getattr(self, attribute), language)

    def is_open(self, now: datetime) -> bool:
        return self.status == EventStatus.OPEN and now < self.deadline_at

    @property
    def is_cancelled(self) -> bool:
        """The organisers called the meeting off: nobody signs up, nothing more is scheduled."""
        return self.status == EventStatus.CANCELLED

    def has_started(self, now: datetime) -> bool:
        """The meeting is under way (by its current time, which may have moved): from then on nobody
        is cancelled, moved up from the waiting list or sent a seat's email."""
        return now >= self.starts_at

    @property
    def ends_at_or_default(self) -> datetime:
        """When the meeting is over (two hours after the start when no end is given)."""
        return self.ends_at or self.starts_at + timedelta(hours=2)

    @property
    def last_day(self) -> date:
        """The last local day on which one can register ("senast den 15 maj")."""
        return (self.deadline_at - timedelta(microseconds=1)).astimezone(self.zone).date()

    def days_to_deadline(self, now: datetime) -> int:
        """Whole local days from today to the last day of registration (0 on the last day and after)."""
        return max((self.last_day - now.astimezone(self.zone).date()).days, 0)

    @property
    def seats_left(self) -> int | None:
        if self.capacity is None:
            return None
        return max(self.capacity - self.confirmed_count, 0)

    @property
    def is_full(self) -> bool:
        return self.capacity is not None and self.confirmed_count >= self.capacity

    @property
    def hold_period(self) -> timedelta:
        return timedelta(hours=self.confirm_within_hours)

    @property
    def waitlist_is_full(self) -> bool:
        """Every seat and every place on the waiting list is taken: no more sign-ups."""
        return self.is_full and self.waitlist_count >= self.waitlist_limit

    @property
    def place_limits(self) -> dict[str, int]:
        """Each limited choice's places, by `place_key`."""
        return {
            place_key(question.id, choice.id): choice.limit
            for question in self.custom_questions
            for choice in question.choices
            if choice.limit is not None
        }

    @property
    def full_places(self) -> set[str]:
        """The limited choices with no place left, by the counts as read."""
        return {place for place, limit in self.place_limits.items() if self.choice_counts.get(place, 0) >= limit}

    def choice_is_full(self, question: Question, choice: Choice) -> bool:
        return choice.limit is not None and self.choice_counts.get(place_key(question.id, choice.id), 0) >= choice.limit

    def custom_question(self, question_id: str) -> Question | None:
        return next((question for question in self.custom_questions if question.id == question_id), None)

    def asks(self, question: str) -> bool:
        if question == "meal":
            return self.meal_at is not None and "meal" in self.questions
        if question == "diet":
            return self.asks("meal") and "diet" in self.questions
        if question == "interests":
            return bool(self.interests) and "interests" in self.questions
        if question == "network":
            # Not an optional question an organiser switches: it comes with the series.
            return bool(self.series)
        return question in self.questions


class NoticedDetail(StrEnum):
    """What a change notice reports: the meeting's time and place (what a calendar entry shows), each
    named as the Event's attribute that holds it."""

    STARTS_AT = "starts_at"
    ENDS_AT = "ends_at"
    VENUE = "venue"
    ADDRESS = "address"


NOTICED_MOMENTS = (NoticedDetail.STARTS_AT, NoticedDetail.ENDS_AT)  # of those, the moments (the rest are text)


def changed_details(before: Event, after: Event) -> list[tuple[NoticedDetail, Any, Any]]:
    """The time and place details an edit changed, as (detail, old, new): what "Ändrat: …" reports."""
    return [
        (detail, getattr(before, detail), getattr(after, detail))
        for detail in NoticedDetail
        if getattr(before, detail) != getattr(after, detail)
    ]


def reminder_instants(event: Event) -> dict[int, datetime]:
    """When each reminder goes out: N local days before the meeting at the reminder time."""
    local_day = event.starts_at.astimezone(event.zone).date()
    return {
        days: datetime.combine(local_day - timedelta(days=days), event.reminder_time, tzinfo=event.zone).astimezone(UTC)
        for days in event.reminder_days
    }


def deadline_instant(last_day: date, zone: ZoneInfo) -> datetime:
    """The first instant after the local day `last_day` ends, in UTC."""
    # Local midnight exists on every Swedish DST switch day (they happen at 02:00/03:00).
    return datetime.combine(last_day + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)


@dataclass(frozen=True)
class EventProblem:
    """One thing wrong with an event description: where, what (a code the console translates), and
    the English sentence the command line prints after the key."""

    key: str  # the TOML key, dotted ("reminders.at", "interests[1].sv"); "" for the file as a whole
    code: str
    text: str
    params: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.key}: {self.text}" if self.key else self.text


class EventFileError(ValueError):
    """An event description with problems; each names the key and what is wrong."""

    def __init__(self, details: list[EventProblem]) -> None:
        self.details = details
        self.problems = [str(problem) for problem in details]
        super().__init__("\n".join(self.problems))


def parse_event_toml(text: str) -> Event:
    """Read an organiser's TOML description into an Event, or raise EventFileError."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise EventFileError(
            [EventProblem("", "not_toml", f"the file is not valid TOML: {error}", {"error": str(error)})]
        ) from error
    return event_from_mapping(data)


# Every key an event file may hold.
KNOWN_KEYS = {
    "id",
    "title",
    "description",
    "timezone",
    "starts_at",
    "ends_at",
    "meal_at",
    "venue",
    "address",
    "deadline",
    "capacity",
    "waitlist_limit",
    "confirm_address",
    "confirm_within_hours",
    "organisers",
    "questions",
    "standard_questions",
    "interests",
    "status",
    "reminders",
    "digest",
    "caterer",
    "series",
}


def event_from_mapping(data: dict[str, Any]) -> Event:
    """The one validator of an event description: the TOML file, its import in the console and the
    console's form (mapped onto the same keys) all come through here."""
    problems: list[EventProblem] = []
    reader = _Reader(data, problems)
    for key in sorted(set(data) - KNOWN_KEYS):
        reader.problem(key, "unknown_key", f"unknown key (known keys: {', '.join(sorted(KNOWN_KEYS))})")

    event_id = reader.string("id", required=True)
    if event_id and not EVENT_ID_PATTERN.match(event_id):
        reader.problem(
            "id", "id_format", "use 1-64 lower-case letters a-z, digits and '-', starting with a letter or digit"
        )
    title = reader.translated("title", required=True)
    description = reader.translated("description", required=False) or {}
    tz_name = reader.string("timezone") or DEFAULT_TIMEZONE
    try:
        zone = ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError):
        reader.problem(
            "timezone", "unknown_zone", f"unknown time zone {tz_name!r} (for example Europe/Stockholm)", zone=tz_name
        )
        zone = ZoneInfo(DEFAULT_TIMEZONE)
    starts_at = reader.local_datetime("starts_at", zone, required=True)
    ends_at = reader.local_datetime("ends_at", zone)
    meal_at = reader.local_datetime("meal_at", zone)
    if starts_at and ends_at and ends_at <= starts_at:
        reader.problem("ends_at", "ends_before_start", "must be after starts_at")
    venue = reader.string("venue", required=True)
    address = reader.string("address") or ""
    deadline_at = reader.deadline("deadline", zone)
    if deadline_at and starts_at and deadline_at > starts_at:
        reader.problem("deadline", "deadline_after_start", "must not be after starts_at")
    capacity = reader.positive_int("capacity")
    waitlist_limit = reader.whole_number("waitlist_limit", "places on the waiting list")
    if waitlist_limit is not None and capacity is None:
        reader.problem(
            "waitlist_limit", "waitlist_needs_capacity", "needs capacity (without a seat limit nobody waits)"
        )
    if waitlist_limit is None:
        waitlist_limit = (capacity or 0) * DEFAULT_WAITLIST_PER_SEAT
    confirm_address = reader.boolean("confirm_address")
    confirm_within_hours = reader.whole_number("confirm_within_hours", "hours", at_least=1, at_most=168)
    if confirm_within_hours is not None and not confirm_address:
        reader.problem("confirm_within_hours", "hours_without_confirm", "only used with confirm_address = true")
    organisers = reader.emails("organisers")
    questions, custom_questions = reader.all_questions()
    interests = reader.interests("interests")
    try:
        status = EventStatus(reader.string("status") or EventStatus.OPEN)
    except ValueError:
        reader.problem("status", "status_value", "must be 'open' or 'closed'")
        status = EventStatus.OPEN
    reminder_days, reminder_time = reader.reminders("reminders")
    digest_hour, digest, organiser_language = reader.digest("digest")
    caterer = reader.caterer("caterer")
    series = reader.string("series") or ""
    if series and not EVENT_ID_PATTERN.match(series):
        reader.problem(
            "series", "id_format", "use 1-64 lower-case letters a-z, digits and '-', starting with a letter or digit"
        )

    if problems:
        raise EventFileError(problems)
    assert event_id and title and starts_at and venue and deadline_at
    return Event(
        id=event_id,
        title=title,
        description=description,
        timezone=tz_name,
        starts_at=starts_at,
        ends_at=ends_at,
        meal_at=meal_at,
        venue=venue,
        address=address,
        deadline_at=deadline_at,
        capacity=capacity,
        waitlist_limit=waitlist_limit,
        confirm_address=confirm_address,
        confirm_within_hours=confirm_within_hours or DEFAULT_CONFIRM_WITHIN_HOURS,
        organisers=organisers,
        questions=questions,
        interests=interests,
        custom_questions=custom_questions,
        status=status,
        reminder_days=reminder_days,
        reminder_time=reminder_time,
        digest_hour=digest_hour,
        digest=digest,
        organiser_language=organiser_language,
        caterer=caterer,
        series=series,
    )


def read_translated(value: Any, problem: Callable[..., None]) -> dict[str, str] | None:
    """A text in Swedish and perhaps English: plain text (Swedish) or a table `{ sv = "…", en = "…" }`.
    The texts by known language, blanks dropped; None when its shape is wrong. Problems go to
    `problem(code, text, **params)`; the Swedish is required."""
    if isinstance(value, str):
        value = {"sv": value}
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        problem("translated_shape", 'expected text or a table like { sv = "…", en = "…" }')
        return None
    unknown = sorted(set(value) - set(LANGUAGES))
    if unknown:
        problem("unknown_language", f"unknown language {', '.join(unknown)} (use sv, en)", languages=unknown)
    if not value.get("sv", "").strip():
        problem("swedish_required", "the Swedish text (sv) is required")
    return {lang: text.strip() for lang, text in value.items() if lang in LANGUAGES and text.strip()}


class _Reader:
    """Reads typed values out of the TOML mapping, collecting problems by key. `where` names a
    table inside the file (`questions[1]`): its problems then carry the dotted key
    (`questions[1].max_length`)."""

    def __init__(self, data: dict[str, Any], problems: list[EventProblem], where: str = "") -> None:
        self.data = data
        self.problems = problems
        self.where = where

    def problem(self, key: str, code: str, text: str, **params: Any) -> None:
        self.problems.append(EventProblem(f"{self.where}.{key}" if self.where else key, code, text, params))

    def _missing(self, key: str, required: bool) -> bool:
        if key in self.data:
            return False
        if required:
            self.problem(key, "missing", "missing (required)")
        return True

    def string(self, key: str, required: bool = False) -> str | None:
        if self._missing(key, required):
            return None
        value = self.data[key]
        if not isinstance(value, str) or not value.strip():
            self.problem(key, "not_text", f"expected non-empty text, got {value!r}")
            return None
        return value.strip()

    def translated(self, key: str, required: bool) -> dict[str, str] | None:
        if self._missing(key, required):
            return None
        return read_translated(self.data[key], lambda *problem, **params: self.problem(key, *problem, **params))

    def local_datetime(self, key: str, zone: ZoneInfo, required: bool = False) -> datetime | None:
        if self._missing(key, required):
            return None
        value = self.data[key]
        if not isinstance(value, datetime) or value.tzinfo is not None:
            self.problem(
                key,
                "local_datetime",
                f"expected a local date and time without offset, like 2027-05-24T18:00:00, got {value!r}",
            )
            return None
        return self._localise(key, value, zone)

    def _localise(self, key: str, value: datetime, zone: ZoneInfo) -> datetime | None:
        aware = value.replace(tzinfo=zone)
        # A wall-clock time inside the spring-forward gap does not exist; say so
        # rather than silently shifting the meeting by an hour.
        if aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != value:
            when = f"{value:%Y-%m-%d %H:%M}"
            self.problem(key, "no_such_time", f"{when} does not exist in {zone.key} (clocks change)", when=when)
            return None
        return aware.astimezone(UTC)

    def deadline(self, key: str, zone: ZoneInfo) -> datetime | None:
        if self._missing(key, True):
            return None
        value = self.data[key]
        if isinstance(value, datetime):
            if value.tzinfo is not None:
                self.problem(key, "deadline_offset", "write a local time without offset, like 2027-05-15T12:00:00")
                return None
            return self._localise(key, value, zone)
        if isinstance(value, date):
            return deadline_instant(value, zone)
        self.problem(
            key,
            "deadline_format",
            f"expected a date like 2027-05-15 (open through 23:59 that day) or a local date-time, got {value!r}",
        )
        return None

    def positive_int(self, key: str) -> int | None:
        if self._missing(key, False):
            return None
        value = self.data[key]
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            self.problem(key, "seats", f"expected a whole number of seats of at least 1, got {value!r}")
            return None
        return value

    def boolean(self, key: str) -> bool:
        if self._missing(key, False):
            return False
        value = self.data[key]
        if not isinstance(value, bool):
            self.problem(key, "boolean", f"expected true or false, got {value!r}")
            return False
        return value

    def whole_number(self, key: str, what: str = "", at_least: int = 0, at_most: int = 100_000) -> int | None:
        """`what` names the unit in the message ("hours"); a question's limits say none."""
        if self._missing(key, False):
            return None
        value = self.data[key]
        if isinstance(value, bool) or not isinstance(value, int) or not at_least <= value <= at_most:
            unit = f" of {what}" if what else ""
            self.problem(
                key,
                "whole_number",
                f"expected a whole number{unit} from {at_least} to {at_most}, got {value!r}",
                at_least=at_least,
                at_most=at_most,
            )
            return None
        return value

    def emails(self, key: str, required: bool = True) -> tuple[str, ...]:
        if self._missing(key, required):
            return ()
        value = self.data[key]
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not value:
            self.problem(key, "email_list", "expected a list of email addresses")
            return ()
        # Here, not at the top: its tables cost a cold start ~20 ms, and reading an event needs none.
        from email_validator import EmailNotValidError, validate_email

        addresses = []
        for item in value:
            try:
                addresses.append(validate_email(str(item), check_deliverability=False).normalized)
            except EmailNotValidError as error:
                self.problem(key, "not_email", f"{item!r} is not an email address ({error})", address=str(item))
        return tuple(addresses)

    def caterer(self, key: str) -> str:
        """One address, written alone or as a one-item list; "" when there is none. More than one is a
        problem: the caterer gets one email, and a second address would be dropped without a word."""
        addresses = self.emails(key, required=False)
        if len(addresses) > 1:
            self.problem(key, "one_caterer", f"expected one email address, got {len(addresses)}")
            return ""
        return addresses[0] if addresses else ""

    def reminders(self, key: str) -> tuple[tuple[int, ...], time]:
        """`[reminders]` days_before = [2], at = "09:00" (local time)."""
        default = ((2,), time(9, 0))
        if self._missing(key, False):
            return default
        value = self.data[key]
        if not isinstance(value, dict) or set(value) - {"days_before", "at"}:
            self.problem(key, "reminders_shape", 'expected a table like { days_before = [2], at = "09:00" }')
            return default
        days = value.get("days_before", [2])
        if not isinstance(days, list) or not all(
            isinstance(d, int) and not isinstance(d, bool) and 0 <= d <= 60 for d in days
        ):
            self.problem(f"{key}.days_before", "reminder_days", "expected a list of whole days from 0 to 60, like [2]")
            days = [2]
        at = self._clock(f"{key}.at", value.get("at", "09:00"))
        return tuple(sorted(set(days), reverse=True)), at or time(9, 0)

    def digest(self, key: str) -> tuple[int, DigestMode, str]:
        """`[digest]` hour = 7, send = "changes" | "daily" | "off", language = "sv"."""
        default = (7, DigestMode.CHANGES, "sv")
        if self._missing(key, False):
            return default
        value = self.data[key]
        if not isinstance(value, dict) or set(value) - {"hour", "send", "language"}:
            self.problem(key, "digest_shape", 'expected a table like { hour = 7, send = "changes", language = "sv" }')
            return default
        hour = value.get("hour", 7)
        if isinstance(hour, bool) or not isinstance(hour, int) or not 0 <= hour <= 23:
            self.problem(f"{key}.hour", "hour", f"expected an hour from 0 to 23, got {hour!r}")
            hour = 7
        sent = value.get("send", DigestMode.CHANGES)
        try:
            mode = DigestMode(sent)
        except ValueError:
            self.problem(f"{key}.send", "digest_mode", f"expected one of {', '.join(DigestMode)}, got {sent!r}")
            mode = DigestMode.CHANGES
        language = value.get("language", "sv")
        if language not in LANGUAGES:
            self.problem(f"{key}.language", "language", f"expected sv or en, got {language!r}")
            language = "sv"
        return hour, mode, language

    def _clock(self, key: str, value: Any) -> time | None:
        if isinstance(value, time):
            return value
        if isinstance(value, str) and re.fullmatch(r"([01]\d|2[0-3])[:.][0-5]\d", value.strip()):
            return time(int(value[:2]), int(value[3:5]))
        self.problem(key, "clock", f'expected a local time like "09:00", got {value!r}')
        return None

    def questions(self, key: str) -> frozenset[str]:
        if self._missing(key, False):
            return frozenset(OPTIONAL_QUESTIONS)
        value = self.data[key]
        if not isinstance(value, dict):
            self.problem(key, "questions_shape", "expected a table like { diet = true, message = false }")
            return frozenset(OPTIONAL_QUESTIONS)
        enabled = set(OPTIONAL_QUESTIONS)
        for name, on in value.items():
            if name not in OPTIONAL_QUESTIONS:
                self.problem(
                    f"{key}.{name}", "unknown_question", f"unknown question (known: {', '.join(OPTIONAL_QUESTIONS)})"
                )
            elif not isinstance(on, bool):
                self.problem(f"{key}.{name}", "boolean", f"expected true or false, got {on!r}")
            elif not on:
                enabled.discard(name)
        return frozenset(enabled)

    def all_questions(self) -> tuple[frozenset[str], tuple[Question, ...]]:
        """The fixed questions switched on and the organisers' own ones.

        `[questions]` as a table switches fixed questions (as before custom questions existed);
        `[[questions]]` lists custom ones, and then `[standard_questions]` does the switching."""
        if isinstance(self.data.get("questions"), list):
            return self.questions("standard_questions"), self.custom_questions("questions")
        if "standard_questions" in self.data and "questions" in self.data:
            self.problem(
                "standard_questions",
                "questions_twice",
                "switch the fixed questions either here or in [questions], not both",
            )
        key = "standard_questions" if "standard_questions" in self.data else "questions"
        return self.questions(key), ()

    def custom_questions(self, key: str) -> tuple[Question, ...]:
        value = self.data[key]
        if len(value) > MAX_QUESTIONS:
            self.problem(key, "too_many_questions", f"at most {MAX_QUESTIONS} questions", max=MAX_QUESTIONS)
            return ()
        questions: list[Question] = []
        shape = "expected a [[questions]] table with id, type and label"
        for where, item in self.tables(key, value, code="question_shape", text=shape):
            question = _QuestionReader(_Reader(item, self.problems, where), questions).read()
            if question is not None:
                questions.append(question)
        return tuple(questions)

    def tables(self, key: str, items: list[Any], *, code: str, text: str) -> Iterator[tuple[str, dict[str, Any]]]:
        """The entries of the list `items` under `key` that are tables, each with its dotted name
        (`key[1]`); any other entry is the problem `code` with `text`, at that entry."""
        for index, item in enumerate(items):
            where = f"{key}[{index}]"
            if isinstance(item, dict):
                yield where, item
            else:
                self.problem(where, code, text)

    def interests(self, key: str) -> tuple[InterestArea, ...]:
        if self._missing(key, False):
            return ()
        value = self.data[key]
        if not isinstance(value, list):
            self.problem(key, "interests_shape", "expected [[interests]] tables with id, sv and optional en")
            return ()
        areas = []
        seen = set()
        for index, item in enumerate(value):
            where = f"{key}[{index}]"
            line = index + 1
            if not isinstance(item, dict):
                self.problem(where, "interests_shape", "expected a table with id, sv and optional en", line=line)
                continue
            area_id = item.get("id")
            if not isinstance(area_id, str) or not EVENT_ID_PATTERN.match(area_id):
                self.problem(f"{where}.id", "interest_id", "use lower-case letters, digits and '-'", line=line)
                continue
            if area_id in seen:
                self.problem(f"{where}.id", "interest_twice", f"{area_id!r} appears twice", line=line, id=area_id)
            seen.add(area_id)
            titles = {lang: item[lang].strip() for lang in LANGUAGES if isinstance(item.get(lang), str)}
            if not titles.get("sv"):
                self.problem(f"{where}.sv", "interest_name", "the Swedish name is required", line=line)
                continue
            extra = sorted(set(item) - {"id", *LANGUAGES})
            if extra:
                self.problem(where, "interest_key", f"unknown key {', '.join(extra)}", line=line)
            areas.append(InterestArea(id=area_id, title=titles))
        return tuple(areas)


_QUESTION_KEYS = {
    "id",
    "type",
    "label",
    "help",
    "required",
    "max_length",
    "min",
    "max",
    "max_choices",
    "choices",
    "show_when",
    "sensitive",
}
# The keys that fit only some types of question: which fit which (a choice question's choices too).
_TYPE_KEYS = {
    kind: set(limits) | ({"choices"} if kind in CHOICE_TYPES else set()) for kind, limits in LIMITS_BY_TYPE.items()
}
_NUMBER_BOUND = 1_000_000_000


class _QuestionReader:
    """One `[[questions]]` table, read by `table` (a _Reader of that table): every problem named by
    its dotted key (`questions[1].choices[0].sv`)."""

    def __init__(self, table: _Reader, earlier: list[Question]) -> None:
        self.table = table
        self.item = table.data
        self.problem = table.problem
        self.earlier = earlier

    def read(self) -> Question | None:
        item = self.item
        for extra in sorted(set(item) - _QUESTION_KEYS):
            self.problem(extra, "unknown_key", f"unknown key (known keys: {', '.join(sorted(_QUESTION_KEYS))})")
        question_id = item.get("id")
        problems_before = len(self.table.problems)
        if not isinstance(question_id, str) or not QUESTION_ID_PATTERN.match(question_id):
            self.problem("id", "question_id", "use 1-40 lower-case letters a-z, digits and '_', starting with a letter")
            question_id = None
        elif question_id.endswith("_consent"):
            self.problem("id", "question_id_consent", "must not end in _consent (that names its consent)")
        elif any(question.id == question_id for question in self.earlier):
            self.problem("id", "question_twice", f"{question_id!r} appears twice", id=question_id)
        written = item.get("type")
        if written not in QUESTION_TYPES:
            self.problem("type", "question_type", f"expected one of {', '.join(QUESTION_TYPES)}, got {written!r}")
            return None
        kind = QuestionType(written)
        for extra in sorted(set(item) & {*QUESTION_LIMITS, "choices"} - _TYPE_KEYS[kind]):
            self.problem(extra, "question_key_for_type", f"not used by a {kind} question", type=kind)
        # A label or help without its Swedish text is a problem counted below: no question then.
        label = self.table.translated("label", required=True)
        help_text = self.table.translated("help", required=False) or {}
        required = self.table.boolean("required")
        sensitive = self.table.boolean("sensitive")
        max_length = self._max_length(kind)
        low = self._bound("min")
        high = self._bound("max")
        if low is not None and high is not None and low > high:
            self.problem("max", "min_above_max", "must not be below min")
        choices = self._choices(kind) if kind in CHOICE_TYPES else ()
        max_choices = self._max_choices(choices)
        show_when = self._show_when()
        if question_id is None or label is None or len(self.table.problems) > problems_before:
            return None
        return Question(
            id=question_id,
            type=kind,
            label=label,
            help=help_text,
            required=required,
            max_length=max_length,
            min=low,
            max=high,
            max_choices=max_choices,
            choices=choices,
            show_when=show_when,
            sensitive=sensitive,
        )

    def _max_length(self, kind: QuestionType) -> int | None:
        if kind not in (QuestionType.SHORT_TEXT, QuestionType.LONG_TEXT):
            return None
        most = SHORT_TEXT_MAX if kind == QuestionType.SHORT_TEXT else LONG_TEXT_MAX
        return self.table.whole_number("max_length", at_least=1, at_most=most) or most

    def _bound(self, key: str) -> int | None:
        return self.table.whole_number(key, at_least=-_NUMBER_BOUND, at_most=_NUMBER_BOUND)

    def _max_choices(self, choices: tuple[Choice, ...]) -> int | None:
        return self.table.whole_number("max_choices", at_least=1, at_most=max(len(choices), 1))

    def _choices(self, kind: str) -> tuple[Choice, ...]:
        value = self.item.get("choices")
        if not isinstance(value, list) or not value:
            self.problem("choices", "choices_shape", 'expected a list like [{ id = "a", sv = "…", en = "…" }]')
            return ()
        if len(value) > MAX_CHOICES:
            self.problem("choices", "too_many_question_choices", f"at most {MAX_CHOICES} choices", max=MAX_CHOICES)
            return ()
        choices: list[Choice] = []
        shape = "expected a table with id, sv and optional en and limit"
        for where, entry in self.table.tables("choices", value, code="choices_shape", text=shape):
            for extra in sorted(set(entry) - {"id", "limit", *LANGUAGES}):
                self.problem(f"{where}.{extra}", "unknown_key", "unknown key (known keys: id, sv, en, limit)")
            choice_id = entry.get("id")
            if not isinstance(choice_id, str) or not EVENT_ID_PATTERN.match(choice_id):
                self.problem(f"{where}.id", "choice_id", "use lower-case letters, digits and '-'")
                continue
            if any(choice.id == choice_id for choice in choices):
                self.problem(f"{where}.id", "choice_twice", f"{choice_id!r} appears twice", id=choice_id)
                continue
            titles = {lang: entry[lang].strip() for lang in LANGUAGES if isinstance(entry.get(lang), str)}
            if not titles.get("sv"):
                self.problem(f"{where}.sv", "choice_name", "the Swedish name is required")
                continue
            limit = entry.get("limit")
            if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
                self.problem(
                    f"{where}.limit", "seats", f"expected a whole number of places of at least 1, got {limit!r}"
                )
                continue
            choices.append(Choice(id=choice_id, title={k: v for k, v in titles.items() if v}, limit=limit))
        return tuple(choices)

    def _show_when(self) -> ShowWhen | None:
        value = self.item.get("show_when")
        if value is None:
            return None
        if not isinstance(value, dict) or set(value) != {"question", "equals"}:
            self.problem(
                "show_when", "show_when_shape", 'expected a table like { question = "workshop", equals = "robotik" }'
            )
            return None
        other = value["question"]
        wanted = value["equals"] if isinstance(value["equals"], list) else [value["equals"]]
        allowed: tuple[str | bool, ...]
        if other in SHOW_WHEN_STANDARD:
            allowed = SHOW_WHEN_STANDARD[other]
        else:
            earlier = next((question for question in self.earlier if question.id == other), None)
            if earlier is None or earlier.type not in CONDITION_TYPES:
                known = ", ".join([*SHOW_WHEN_STANDARD, *(q.id for q in self.earlier if q.type in CONDITION_TYPES)])
                self.problem(
                    "show_when.question",
                    "show_when_question",
                    f"expected a yes/no or choice question above this one ({known})",
                    known=known,
                )
                return None
            allowed = (
                (True, False) if earlier.type == QuestionType.YES_NO else tuple(choice.id for choice in earlier.choices)
            )
        if not wanted or any(isinstance(v, bool) != isinstance(allowed[0], bool) or v not in allowed for v in wanted):
            shown = ", ".join(str(v).lower() if isinstance(v, bool) else repr(v) for v in allowed)
            self.problem(
                "show_when.equals", "show_when_value", f"expected one of {shown}, or a list of them", allowed=shown
            )
            return None
        return ShowWhen(question=str(other), values=tuple(wanted))
