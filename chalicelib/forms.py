"""Validation of a registration: from what a form or JSON client sent to Answers.

Pure functions over plain data. Every problem is reported per field with a
message code (translated in `i18n`), so a person sees all of them at once.
"""

from __future__ import annotations

import functools
import re
import sys
import unicodedata
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from dataclasses import field as dataclass_field
from typing import Any

from . import fields
from .errors import ValidationFailed
from .events import CHOICE_TYPES, LANGUAGES, SHOW_WHEN_STANDARD, Event, Question, place_key
from .fields import Field, Kind

MAX_BODY_BYTES = 16 * 1024

_FORBIDDEN = {
    False: re.compile(f"[{fields.SINGLE_LINE_FORBIDDEN}]"),
    True: re.compile(f"[{fields.FREE_TEXT_FORBIDDEN}]"),
}
# An RFC 2047 encoded word, as Python's header parser finds one. Harmless as text, but a
# mail program (or an unpatched Python writing a header) decodes it into anything,
# line breaks and new headers included.
ENCODED_WORD = re.compile(r"=\?[^?]*\?[bq]\?.*?\?=", re.IGNORECASE | re.DOTALL)
# What a mail program turns into a link: a scheme, `www.`, or a name under a common
# top-level domain (`evil.se`, `login.example.com/x`). Names and organisations are
# echoed in mail the municipality signs; a link there would be ours to a reader.
WEB_ADDRESS = re.compile(
    r"[a-z][a-z0-9+.-]*://|\bwww\d*\.|"
    r"\b[\w-]+\.(?:se|nu|com|net|org|info|biz|eu|io|co|me|app|dev|xyz|top|site|online|shop|link|click|"
    r"ru|cn|uk|de|dk|no|fi|is|ly|gl|to|tk|ml|ga|cf|gq|pw|cc|tv|ws|in|us|ai)\b",
    re.IGNORECASE,
)
# Invisible letters some scripts define (Hangul fillers): they pass as text but show nothing.
# Dots that browsers read as "." in a host name, NFKC or not.
_DOTS = str.maketrans({"\u3002": ".", "\uff61": "."})
_BLANK_LETTERS = {"\u115f", "\u1160", "\u3164", "\uffa0"}
_JOINERS = {"\u200c", "\u200d"}  # ZWNJ, ZWJ: part of correct spelling in Persian and Indic scripts


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
    # Answers to the organisers' own questions, by question id: text, True/False, a whole number,
    # a choice's id or a tuple of them. Kept when a question is later removed or reworded.
    custom: Mapping[str, Any] = dataclass_field(default_factory=dict)
    # Which of `custom` were given with their sensitive question's consent (blanked after the event).
    sensitive: frozenset[str] = frozenset()
    # The choice places these answers hold (`place_key`), counted on the event with the seat.
    places: tuple[str, ...] = ()
    # Keep me informed about the network's meetings (asked only on a meeting of a series).
    network_consent: bool | None = None
    # Share my contact details with my working group (asked beside the working-group areas).
    share_with_group: bool | None = None

    @property
    def email_key(self) -> str:
        return email_key(self.email)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["interests"] = list(self.interests)
        data["custom"] = {key: list(value) if isinstance(value, tuple) else value for key, value in self.custom.items()}
        data["sensitive"] = sorted(self.sensitive)
        data["places"] = list(self.places)
        return data


def email_key(email: str) -> str:
    """The one identity of a mailbox: for duplicates, suppression, the per-address email cap,
    export and erasure.

    Trimmed and case-insensitive; without a `+tag` (`victim+1@…` lands in `victim@…`'s inbox, so
    it must not count as another person); the domain as punycode (`u@exämple.se` and
    `u@xn--exmple-cua.se` are one mailbox, whichever form a form post or an SES bounce uses).
    Never raises: a bounce may carry an address our validator would refuse.
    """
    text = unicodedata.normalize("NFC", email).strip().lower()
    local, at, domain = text.rpartition("@")
    if not at:
        return text
    local = local.split("+", 1)[0] or local
    return f"{local}@{_ascii_domain(domain)}"


# A report reads thousands of addresses at a handful of domains: each domain is made punycode once.
@functools.lru_cache(maxsize=1024)
def _ascii_domain(domain: str) -> str:
    import idna  # here, like email_validator (see email below): only a request with an address needs it

    try:
        return idna.encode(domain, uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError):
        return domain


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
    values: dict[str, Any] = {}
    for field in fields.FIELDS:
        if not field.asked_by(event):
            continue
        values[field.name] = read.field(field, event)
        if field.name == "diet_consent":
            # A diet only matters to someone who eats; and it can reveal health or
            # belief (GDPR art. 9), so it is stored only with explicit consent.
            if not values.get("meal"):
                values["diet"] = ""
            elif values.get("diet") and not values["diet_consent"]:
                problems.setdefault("diet_consent", ("consent_needed", {}))

    custom, sensitive, places = _custom_answers(read, event, values, problems)

    if problems:
        raise ValidationFailed(problems)
    return Answers(
        name=values["name"] or "",
        email=values["email"] or "",
        organisation=values["organisation"] or "",
        sector=values["sector"] or "",
        language=values["language"] or "sv",
        meal=values.get("meal"),
        diet=values.get("diet") or "",
        access_needs=values.get("access_needs") or "",
        attended_before=values.get("attended_before"),
        interests=values.get("interests") or (),
        message=values.get("message") or "",
        custom=custom,
        sensitive=frozenset(sensitive),
        places=tuple(places),
        network_consent=values.get("network_consent"),
        share_with_group=values.get("share_with_group"),
    )


def _custom_answers(
    read: _FieldReader, event: Event, values: dict[str, Any], problems: FieldProblems
) -> tuple[dict[str, Any], set[str], list[str]]:
    """The organisers' own questions, in order: one asked only when its `show_when` holds (else its
    answer is dropped and it is not required); a sensitive answer only with its consent."""
    custom: dict[str, Any] = {}
    sensitive: set[str] = set()
    places: list[str] = []
    for question in event.custom_questions:
        if not is_shown(question, values, custom):
            continue
        answer, *_ = fields.custom_fields(question)
        value = read.field(answer, event)
        if value is None or value == () or value == "":
            continue
        if question.sensitive:
            if not read.yes_no(question.consent_name, required=False):
                problems.setdefault(question.consent_name, ("question_consent_needed", {}))
                continue
            sensitive.add(question.id)
        custom[question.id] = value
        if question.type in CHOICE_TYPES:
            places.extend(
                place_key(question.id, choice) for choice in (value if isinstance(value, tuple) else (value,))
            )
    return custom, sensitive, places


def is_shown(question: Question, fixed: Mapping[str, Any], custom: Mapping[str, Any]) -> bool:
    """Whether the question is asked, given the answers before it (fixed ones and custom ones)."""
    condition = question.show_when
    if condition is None:
        return True
    if condition.question in SHOW_WHEN_STANDARD:
        answer = fixed.get(condition.question)
        if condition.question == "language":
            answer = answer or "sv"
    else:
        answer = custom.get(condition.question)
    if isinstance(answer, tuple):
        return any(choice in condition.values for choice in answer)
    return answer is not None and any(answer == wanted and type(answer) is type(wanted) for wanted in condition.values)


def parse_email(raw: Mapping[str, Any]) -> str:
    """The `email` field alone, by the sign-up form's rules (the console's sign-in form)."""
    problems: FieldProblems = {}
    value = _FieldReader(raw, problems).email("email")
    if problems or value is None:
        raise ValidationFailed(problems or {"email": ("required", {})})
    return value


class _FieldReader:
    def __init__(self, raw: Mapping[str, Any], problems: FieldProblems) -> None:
        self.raw = raw
        self.problems = problems

    def field(self, field: Field, event: Event) -> Any:
        """The field's value as the table describes it, or None (a problem is noted)."""
        if field.kind is Kind.TEXT:
            return self.line(field.name, required=field.required, max_length=field.max_length)
        if field.kind is Kind.FREE_TEXT:
            return self.text(field.name, required=field.required, max_length=field.max_length, multiline=True)
        if field.kind is Kind.EMAIL:
            return self.email(field.name)
        if field.kind is Kind.CHOICE:
            return self.choice(field.name, field.choices, required=field.required)
        if field.kind is Kind.YES_NO:
            return self.yes_no(field.name, required=field.required)
        if field.kind is Kind.NUMBER:
            return self.number(field.name, required=field.required, minimum=field.minimum, maximum=field.maximum)
        if field.kind is Kind.SEVERAL:
            chosen = self.many(field.name, list(field.choices))
            if field.required and not chosen and field.name not in self.problems:
                self._fail(field.name, "choose_at_least_one")
            if field.max_choices is not None and len(chosen) > field.max_choices:
                self._fail(field.name, "too_many_choices", max=field.max_choices)
                return ()
            return chosen
        return self.many(field.name, [area.id for area in event.interests])

    def number(self, key: str, *, required: bool, minimum: int | None, maximum: int | None) -> int | None:
        """A whole number, as JSON's number or a form's text (`12`, ` -3 `)."""
        value = self._present(key, required)
        if value is None:
            return None
        number: int | None = None
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        elif isinstance(value, float) and value.is_integer():
            number = int(value)
        elif isinstance(value, str) and re.fullmatch(r"[+-]?[0-9]{1,10}", value.strip()):
            number = int(value.strip())
        if number is None or abs(number) > 10**10:
            self._fail(key, "not_whole_number")
            return None
        if minimum is not None and number < minimum:
            self._fail(key, "number_too_small", min=minimum)
            return None
        if maximum is not None and number > maximum:
            self._fail(key, "number_too_large", max=maximum)
            return None
        return number

    def _fail(self, key: str, code: str, **params: Any) -> None:
        self.problems.setdefault(key, (code, params))

    def _present(self, key: str, required: bool, missing_code: str = "required") -> Any:
        value = self.raw.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self._fail(key, missing_code)
            return None
        return value

    def text(self, key: str, *, required: bool = False, max_length: int | None, multiline: bool = False) -> str | None:
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
        if max_length is not None and len(value) > max_length:
            self._fail(key, "too_long", max=max_length)
            return None
        return value

    def line(self, key: str, *, required: bool, max_length: int | None) -> str | None:
        """One line a person reads as plain text (a name, an organisation): what it shows is all it is.

        Besides control characters: no invisible characters (bidi controls turn
        `gpj.exe` into `exe.jpg`; zero-width ones hide inside words), no RFC 2047
        encoded words, and no web addresses.
        """
        value = self.text(key, required=required, max_length=max_length)
        if not value:
            return value
        if _has_invisible_characters(value):
            self._fail(key, "invisible_characters")
            return None
        if ENCODED_WORD.search(value):
            self._fail(key, "encoded_word")
            return None
        if WEB_ADDRESS.search(unicodedata.normalize("NFKC", value).translate(_DOTS)):
            self._fail(key, "web_address")
            return None
        return value

    def email(self, key: str) -> str | None:
        value = self.text(key, required=True, max_length=fields.BY_NAME[key].max_length)
        if value is None:
            return None
        from email_validator import EmailNotValidError, validate_email  # see _Reader.emails in events.py

        try:
            # No DNS: a registration must not depend on the network or leak lookups.
            checked = validate_email(value, check_deliverability=False)
        except EmailNotValidError:
            self._fail(key, "invalid_email")
            return None
        if checked.ascii_email is None:
            # `åsa@example.se`: valid by RFC 6531, but SES does not deliver to a
            # non-ASCII local part, so the seat would be taken with no confirmation.
            self._fail(key, "email_not_ascii")
            return None
        return checked.normalized

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
        if value is None:
            return None
        answer = fields.read_yes_no(value)
        if answer is None:
            self._fail(key, "invalid_choice")
        return answer

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
            if not item:
                continue  # `interests=` in a form post chooses nothing, like leaving every box unticked
            if item not in allowed:
                self._fail(key, "invalid_choice")
                return ()
            if item not in chosen:
                chosen.append(item)
        # Keep the event's order, so lists and digests read the same everywhere.
        return tuple(area for area in allowed if area in chosen)


def _has_forbidden_characters(value: str, multiline: bool) -> bool:
    return _FORBIDDEN[multiline].search(value) is not None


def _has_invisible_characters(value: str) -> bool:
    """Format characters (bidi controls, zero-width spaces, soft hyphens, tags) and blank letters.

    A zero-width (non-)joiner between two non-ASCII letters is spelling (Persian
    `می‌خواهم`, Indic conjuncts) and stays; anywhere else it only hides something.
    """
    for index, char in enumerate(value):
        if char in _BLANK_LETTERS:
            return True
        if unicodedata.category(char) != "Cf":
            continue
        if (
            char in _JOINERS
            and _is_script_letter(value[index - 1 : index])
            and _is_script_letter(value[index + 1 : index + 2])
        ):
            continue
        return True
    return False


@functools.cache
def invisible_ranges() -> tuple[tuple[int, int], ...]:
    """The code points `_has_invisible_characters` refuses (joiners included), as ranges: for
    the OpenAPI schema, whose patterns cannot name a Unicode category."""
    points = sorted(
        {ord(char) for char in _BLANK_LETTERS}
        | {code for code in range(sys.maxunicode + 1) if unicodedata.category(chr(code)) == "Cf"}
    )
    ranges: list[tuple[int, int]] = []
    for code in points:
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1] = (ranges[-1][0], code)
        else:
            ranges.append((code, code))
    return tuple(ranges)


def _is_script_letter(char: str) -> bool:
    return bool(char) and not char.isascii() and unicodedata.category(char)[0] in "LM"
