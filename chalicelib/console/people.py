"""The people of one event as the organiser console shows them: found, counted, sorted, checked in.

Plain functions over an event's registrations (read with one paged Query by the store): no AWS
here, so the rules are tested without it. The store only carries out the check-in write.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from ..events import Event, QuestionType
from ..fields import YesNo
from ..registrations import SEATED, Registration, Status
from ..sectors import Sector

# The status filter's own values besides the statuses: everyone not cancelled (the default), everyone.
LIVE = ""
EVERYONE = "all"
STATUS_CHOICES = (LIVE, Status.CONFIRMED, Status.PENDING, Status.WAITLISTED, Status.CANCELLED, EVERYONE)
MEAL_CHOICES = ("", *YesNo)
# A search shorter than this on the check-in page lists nobody: the page starts empty, so a phone in
# a pocket cannot check in whoever happens to be first on a full list.
CHECK_IN_MIN_SEARCH = 2
# The longest search text kept: a name, not an essay.
MAX_SEARCH = 100


def fold(text: str) -> str:
    """Text as search compares it: case- and diacritic-insensitive, spaces collapsed.

    "Åsa Öberg" is found by "asa oberg", "ÅSA" and "Öberg"; "Müller" by "muller".
    """
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.casefold().split())


# Swedish alphabetical order: ... x y z å ä ö, then everything after z in Unicode. Other letters with
# marks sort with their base letter (é as e), ü as y, æ as ä and ø as ö, as Swedish dictionaries do.
_AFTER_Z = {"å": 1, "ä": 2, "æ": 2, "ö": 3, "ø": 3}
_AS_LETTER = {"ü": "y"}
_Z = ord("z")


def swedish_key(text: str) -> tuple[tuple[int, ...], str, str]:
    """A sort key in Swedish alphabetical order, case-insensitive: Å, Ä and Ö come after Z.

    Ties are broken by the marks (Eklöf before Éklöf), then by case, then by the text itself, so the
    order is total and the same on every run.
    """
    folded = unicodedata.normalize("NFC", text).casefold()
    weights: list[int] = []
    for char in folded:
        after_z = _AFTER_Z.get(char)
        if after_z is not None:
            weights.append(_Z + after_z)
            continue
        base = _AS_LETTER.get(char) or "".join(
            part for part in unicodedata.normalize("NFD", char) if not unicodedata.combining(part)
        )
        for part in base or char:
            code = ord(part)
            # Everything beyond z moves up past the three Swedish letters.
            weights.append(code if code <= _Z else code + len(set(_AFTER_Z.values())))
    return tuple(weights), folded, text


@dataclass(frozen=True)
class PeopleFilter:
    """What the organiser asked the people list for; every value is one the page offers."""

    text: str = ""
    status: str = LIVE
    meal: str = ""
    sector: str = ""
    interest: str = ""
    # `question:choice` of the organisers' own questions (`question:yes`/`no` for a yes/no one).
    answer: str = ""

    @classmethod
    def from_query(cls, query: Mapping[str, Any] | None, event: Event) -> PeopleFilter:
        """From the page's GET form. A value the page does not offer (an old bookmark, a typo in the
        address) is read as "any", never refused: the list still shows."""
        query = query or {}

        def pick(name: str, allowed: Iterable[str]) -> str:
            value = query.get(name)
            return value if isinstance(value, str) and value in allowed else ""

        text = query.get("q")
        return cls(
            text=" ".join(text.split())[:MAX_SEARCH] if isinstance(text, str) else "",
            status=pick("status", STATUS_CHOICES),
            meal=pick("meal", MEAL_CHOICES),
            sector=pick("sector", tuple(Sector)),
            interest=pick("interest", [area.id for area in event.interests]),
            answer=pick("answer", answer_filters(event)),
        )

    @property
    def narrowed(self) -> bool:
        """Whether anything but the default (everyone not cancelled) was asked for."""
        return self != PeopleFilter()

    def matches(self, registration: Registration) -> bool:
        answers = registration.answers
        if self.status == LIVE and not registration.is_live:
            return False
        if self.status not in (LIVE, EVERYONE) and registration.status != self.status:
            return False
        if self.meal and answers.meal is not (self.meal == YesNo.YES):
            return False
        if self.sector and answers.sector != self.sector:
            return False
        if self.interest and self.interest not in answers.interests:
            return False
        if self.answer and not has_answer(registration, self.answer):
            return False
        return not self.text or matches_text(registration, self.text)


def answer_filters(event: Event) -> list[str]:
    """The answers the people list can be narrowed to: each choice of each choice question, and yes
    and no of each yes/no question, as `question:value`."""
    values: list[str] = []
    for question in event.custom_questions:
        if question.type == QuestionType.YES_NO:
            values += [f"{question.id}:{choice}" for choice in YesNo]
        else:
            values += [f"{question.id}:{choice.id}" for choice in question.choices]
    return values


def has_answer(registration: Registration, wanted: str) -> bool:
    question_id, _, value = wanted.partition(":")
    answer = registration.answers.custom.get(question_id)
    if isinstance(answer, bool):
        return YesNo.of(answer) == value
    if isinstance(answer, tuple | list):
        return value in answer
    return answer == value


def matches_text(registration: Registration, text: str) -> bool:
    """Every word of `text` is in the name, the organisation or the address (folded)."""
    answers = registration.answers
    haystack = fold(f"{answers.name} {answers.organisation} {answers.email}")
    return all(word in haystack for word in fold(text).split())


def find_people(registrations: Iterable[Registration], wanted: PeopleFilter) -> list[Registration]:
    """The registrations the filter asks for, in Swedish alphabetical order of name."""
    return sorted((r for r in registrations if wanted.matches(r)), key=_by_name)


def _by_name(registration: Registration) -> tuple[Any, ...]:
    return swedish_key(registration.answers.name), registration.registration_id


@dataclass(frozen=True)
class PeopleCounts:
    """The numbers above the list: by status, meals and arrivals among those with a seat."""

    confirmed: int = 0
    pending: int = 0
    waitlisted: int = 0
    cancelled: int = 0
    meals: int = 0
    checked_in: int = 0

    @property
    def seated(self) -> int:
        return self.confirmed + self.pending

    @property
    def live(self) -> int:
        return self.seated + self.waitlisted


def count_people(registrations: Iterable[Registration]) -> PeopleCounts:
    by_status = dict.fromkeys(Status, 0)
    meals = checked_in = 0
    for registration in registrations:
        by_status[registration.status] += 1
        if registration.status in SEATED:
            meals += bool(registration.answers.meal)
            checked_in += registration.checked_in_at is not None
    return PeopleCounts(
        confirmed=by_status[Status.CONFIRMED],
        pending=by_status[Status.PENDING],
        waitlisted=by_status[Status.WAITLISTED],
        cancelled=by_status[Status.CANCELLED],
        meals=meals,
        checked_in=checked_in,
    )


@dataclass(frozen=True)
class DoorRow:
    """One line of the printed door list."""

    name: str
    organisation: str
    meal: bool | None
    diet: str
    # A seat held for an address not yet confirmed: they may still come, so they are on the list.
    held: bool
    checked_in: bool


def door_list(registrations: Iterable[Registration]) -> list[DoorRow]:
    """Everyone with a seat, in Swedish alphabetical order of name (Å, Ä, Ö after Z)."""
    seated = sorted((r for r in registrations if r.status in SEATED), key=_by_name)
    return [
        DoorRow(
            name=r.answers.name,
            organisation=r.answers.organisation,
            meal=r.answers.meal,
            # A diet is asked only of those who eat; one kept from before a change of mind is not served.
            diet=r.answers.diet if r.answers.meal else "",
            held=r.status == Status.PENDING,
            checked_in=r.checked_in_at is not None,
        )
        for r in seated
    ]


def check_in_candidates(registrations: Iterable[Registration], text: str) -> list[Registration]:
    """Who the check-in page lists for a search: nobody until at least two letters are typed, then
    everyone live whose name, organisation or address matches (the waiting list too, so the person
    at the door sees why someone has no seat)."""
    if len(fold(text).replace(" ", "")) < CHECK_IN_MIN_SEARCH:
        return []
    return find_people(registrations, PeopleFilter(text=text))


# -- check-in ------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckIn:
    """What a tap did: the registration as it stands now, and whether this tap changed it."""

    registration: Registration
    changed: bool

    @property
    def present(self) -> bool:
        return self.registration.checked_in_at is not None


class CheckInStore(Protocol):
    def set_checked_in(
        self, registration: Registration, at: datetime | None, *, statuses: tuple[Status, ...]
    ) -> tuple[Registration, bool]:
        """One conditional write: mark present at `at` (only while absent and in one of `statuses`),
        or absent (`at` None). Returns the registration as it stands and whether this write changed
        it; a repeated tap changes nothing and keeps the first time. Raises RegistrationNotFound and
        NotCheckedIn (present asked of someone not in `statuses`)."""
        ...


def check_in(registration: Registration, *, present: bool, store: CheckInStore, now: datetime) -> CheckIn:
    """Mark someone present at the door, or undo it. Only a seat can be checked in (confirmed, or
    held for an address not yet confirmed: the person at the door is proof enough); someone on the
    waiting list or cancelled is refused, so the count of who came stays a count of seats. Tapping
    twice is one state: the first tap's time stays."""
    stands, changed = store.set_checked_in(registration, now if present else None, statuses=SEATED)
    return CheckIn(stands, changed)
