"""Validation of a registration: from what a form or JSON client sent to Answers.

Pure functions over plain data. Every problem is reported per field with a
message code (translated in `i18n`), so a person sees all of them at once.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from email_validator import EmailNotValidError, validate_email

from .errors import ValidationFailed
from .events import LANGUAGES, Event

SECTORS = ("company", "association", "public", "other")
SINGLE_LINE_MAX = 200
FREE_TEXT_MAX = 2000
EMAIL_MAX = 254
MAX_BODY_BYTES = 16 * 1024

_TRUE = {"yes", "true", "ja", "1", "on"}
_FALSE = {"no", "false", "nej", "0"}
# Allowed inside free text; every other control character is refused.
_MULTILINE_CONTROLS = {"\n", "\t"}


@dataclass(frozen=True)
class Answers:
    """One person's validated answers for one event."""

    name: str
    email: str
    organisation: str
    sector: str
    language: str
    meal: bool | None = None
    diet: str = ""
    access_needs: str = ""
    attended_before: bool | None = None
    interests: tuple[str, ...] = ()
    message: str = ""

    @property
    def email_key(self) -> str:
        return email_key(self.email)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["interests"] = list(self.interests)
        return data


def email_key(email: str) -> str:
    """The identity of an address for de-duplication: trimmed, case-insensitive."""
    return unicodedata.normalize("NFC", email).strip().lower()


def pick_language(*candidates: Any) -> str:
    """The first supported language among the candidates, else Swedish."""
    for candidate in candidates:
        if isinstance(candidate, str) and candidate.strip().lower()[:2] in LANGUAGES:
            return candidate.strip().lower()[:2]
    return "sv"


FieldProblems = dict[str, tuple[str, dict[str, Any]]]


def parse_answers(raw: Mapping[str, Any], event: Event) -> Answers:
    """Validate raw input against the event's questions; raise ValidationFailed."""
    problems: FieldProblems = {}
    read = _FieldReader(raw, problems)

    name = read.text("name", required=True, max_length=SINGLE_LINE_MAX)
    email = read.email("email")
    organisation = read.text("organisation", required=True, max_length=SINGLE_LINE_MAX)
    sector = read.choice("sector", SECTORS, required=True)
    language = read.choice("language", LANGUAGES, required=False) or "sv"

    meal = read.yes_no("meal", required=True) if event.asks("meal") else None
    diet = read.text("diet", max_length=FREE_TEXT_MAX, multiline=True) if event.asks("diet") else ""
    if not meal:
        diet = ""  # a diet only matters to someone who eats; don't keep what we don't need
    if diet and not read.yes_no("diet_consent", required=False):
        # Diet can reveal health or belief (GDPR art. 9): stored only with explicit consent.
        problems.setdefault("diet_consent", ("consent_needed", {}))
    access_needs = (
        read.text("access_needs", max_length=FREE_TEXT_MAX, multiline=True) if event.asks("access_needs") else ""
    )
    attended_before = read.yes_no("attended_before", required=False) if event.asks("attended_before") else None
    interests = read.many("interests", [area.id for area in event.interests]) if event.asks("interests") else ()
    message = read.text("message", max_length=FREE_TEXT_MAX, multiline=True) if event.asks("message") else ""

    if problems:
        raise ValidationFailed(problems)
    return Answers(
        name=name or "",
        email=email or "",
        organisation=organisation or "",
        sector=sector or "",
        language=language,
        meal=meal,
        diet=diet or "",
        access_needs=access_needs or "",
        attended_before=attended_before,
        interests=interests,
        message=message or "",
    )


class _FieldReader:
    def __init__(self, raw: Mapping[str, Any], problems: FieldProblems) -> None:
        self.raw = raw
        self.problems = problems

    def _fail(self, key: str, code: str, **params: Any) -> None:
        self.problems.setdefault(key, (code, params))

    def _present(self, key: str, required: bool, missing_code: str = "required") -> Any:
        value = self.raw.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self._fail(key, missing_code)
            return None
        return value

    def text(self, key: str, *, required: bool = False, max_length: int, multiline: bool = False) -> str | None:
        value = self._present(key, required)
        if value is None:
            return None
        if not isinstance(value, str):
            self._fail(key, "not_text")
            return None
        value = unicodedata.normalize("NFC", value).strip()
        if multiline:
            value = value.replace("\r\n", "\n").replace("\r", "\n")
        if _has_forbidden_characters(value, multiline):
            self._fail(key, "control_characters")
            return None
        if len(value) > max_length:
            self._fail(key, "too_long", max=max_length)
            return None
        return value

    def email(self, key: str) -> str | None:
        value = self.text(key, required=True, max_length=EMAIL_MAX)
        if value is None:
            return None
        try:
            # No DNS: a registration must not depend on the network or leak lookups.
            return validate_email(value, check_deliverability=False).normalized
        except EmailNotValidError:
            self._fail(key, "invalid_email")
            return None

    def choice(self, key: str, allowed: tuple[str, ...], *, required: bool) -> str | None:
        value = self._present(key, required, "choose_one")
        if value is None:
            return None
        if not isinstance(value, str) or value.strip().lower() not in allowed:
            self._fail(key, "invalid_choice")
            return None
        return value.strip().lower()

    def yes_no(self, key: str, *, required: bool) -> bool | None:
        value = self._present(key, required, "choose_one")
        if value is None or isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in _TRUE:
            return True
        if isinstance(value, str) and value.strip().lower() in _FALSE:
            return False
        self._fail(key, "invalid_choice")
        return None

    def many(self, key: str, allowed: list[str]) -> tuple[str, ...]:
        value = self._present(key, False)
        if value is None:
            return ()
        values = [value] if isinstance(value, str) else value
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            self._fail(key, "invalid_choice")
            return ()
        chosen = []
        for item in values:
            item = item.strip()
            if item not in allowed:
                self._fail(key, "invalid_choice")
                return ()
            if item not in chosen:
                chosen.append(item)
        # Keep the event's order, so lists and digests read the same everywhere.
        return tuple(area for area in allowed if area in chosen)


def _has_forbidden_characters(value: str, multiline: bool) -> bool:
    for char in value:
        category = unicodedata.category(char)
        if category == "Cc" and not (multiline and char in _MULTILINE_CONTROLS):
            return True
        if category in ("Zl", "Zp") and not multiline:
            return True
    return False
