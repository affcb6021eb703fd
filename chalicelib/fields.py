"""The registration's fields in one table.

Each field is described once here (name, kind, limits, choices, when it is
asked and required, its label's key) and everything that needs to know about
it reads this table: the validator (`forms`), the form template's limits and
`required` marks, the OpenAPI schema (`openapi`) and the tests' fuzzer. A new
limit or question changes this file, not four copies of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from .events import LANGUAGES, QuestionType
from .sectors import Sector

if TYPE_CHECKING:
    from .events import Event, Question

SINGLE_LINE_MAX = 200
FREE_TEXT_MAX = 2000
# RFC 5321's limit on a forward path, which is what a mail server will accept.
EMAIL_MAX = 254
# Refused in one-line fields, as a regular-expression class (Python's and JSON Schema's
# syntax alike): C0 and C1 controls (CR, LF, NUL, ESC, ...) and Unicode's line and
# paragraph separators, so nothing typed can start a new line in an email header.
SINGLE_LINE_FORBIDDEN = r"\x00-\x1f\x7f-\x9f\u2028\u2029"
# Free text keeps line breaks (a CR becomes LF) and tabs; every other control is refused.
FREE_TEXT_FORBIDDEN = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"


class YesNo(StrEnum):
    """A yes/no question's two answers as the form offers them (and a ticked box's value)."""

    YES = "yes"
    NO = "no"

    @classmethod
    def of(cls, answer: bool) -> YesNo:
        return cls.YES if answer else cls.NO


# What a yes/no question accepts besides JSON's true and false (case and surrounding
# spaces do not matter): the form's own two words first, then the ones people and tools write.
YES = (YesNo.YES.value, "true", "ja", "1", "on")
NO = (YesNo.NO.value, "false", "nej", "0")


def read_yes_no(value: object) -> bool | None:
    """A yes/no answer as read: JSON's true or false, or a word of `YES` or `NO`; None for anything else.

    The validator reads answers with it, and the form with it shows a box as ticked.
    """
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        word = value.strip().lower()
        if word in YES:
            return True
        if word in NO:
            return False
    return None


class Kind(StrEnum):
    """How a field's value is written and read."""

    TEXT = "text"  # one line of plain text: no control or invisible characters, encoded words or web addresses
    FREE_TEXT = "free_text"  # several lines
    EMAIL = "email"
    CHOICE = "choice"  # one of `choices`
    YES_NO = "yes_no"
    AREAS = "areas"  # any of the event's interest areas
    SEVERAL = "several"  # any of `choices` (an organiser's several-choices question)
    NUMBER = "number"  # a whole number


@dataclass(frozen=True)
class Field:
    """One question on the form.

    `question` names the event's optional question that turns the field on
    (`Event.asks`); without one the field is on every form. `required` applies
    whenever the field is asked, so the meal answer is required exactly when the
    event serves a meal.
    """

    name: str
    kind: Kind
    required: bool = False
    question: str | None = None
    max_length: int | None = None
    choices: tuple[str, ...] = ()
    autocomplete: str = ""
    # An organiser's own question (its labels, limits and condition), or the consent it needs.
    custom: Question | None = None
    minimum: int | None = None
    maximum: int | None = None
    max_choices: int | None = None

    @property
    def is_consent(self) -> bool:
        return self.custom is not None and self.name == self.custom.consent_name

    @property
    def multiline(self) -> bool:
        return self.kind is Kind.FREE_TEXT

    @property
    def forbidden(self) -> str:
        """The characters this field refuses, as a regular-expression class."""
        return FREE_TEXT_FORBIDDEN if self.multiline else SINGLE_LINE_FORBIDDEN

    @property
    def min_length(self) -> int:
        """A required text must have at least one character that is not a space."""
        return 1 if self.required and self.kind in (Kind.TEXT, Kind.EMAIL, Kind.FREE_TEXT) else 0

    @property
    def pattern(self) -> str:
        """The whole value as a regular expression: no forbidden character and, when the
        field is required, at least one that is not a space (values are trimmed)."""
        allowed = f"[^{self.forbidden}]"
        if self.min_length:
            return f"^{allowed}*[^\\s{self.forbidden}]{allowed}*$"
        return f"^{allowed}*$"

    def asked_by(self, event: Event) -> bool:
        return self.question is None or event.asks(self.question)

    def required_by(self, event: Event) -> bool:
        return self.required and self.asked_by(event)


FIELDS: tuple[Field, ...] = (
    Field("name", Kind.TEXT, required=True, max_length=SINGLE_LINE_MAX, autocomplete="name"),
    Field("email", Kind.EMAIL, required=True, max_length=EMAIL_MAX, autocomplete="email"),
    Field("organisation", Kind.TEXT, required=True, max_length=SINGLE_LINE_MAX, autocomplete="organization"),
    Field("sector", Kind.CHOICE, required=True, choices=tuple(Sector)),
    Field("language", Kind.CHOICE, choices=LANGUAGES),
    Field("meal", Kind.YES_NO, required=True, question="meal"),
    Field("diet", Kind.FREE_TEXT, question="diet", max_length=FREE_TEXT_MAX),
    # Diet can reveal health or belief (GDPR art. 9): a diet is kept only with this consent.
    Field("diet_consent", Kind.YES_NO, question="diet"),
    Field("access_needs", Kind.FREE_TEXT, question="access_needs", max_length=FREE_TEXT_MAX),
    Field("attended_before", Kind.YES_NO, question="attended_before"),
    Field("interests", Kind.AREAS, question="interests"),
    # A separate, unticked choice beside the working-group areas: only with it are the person's name,
    # organisation and address listed in the email that tells their working group who is in it.
    Field("share_with_group", Kind.YES_NO, question="interests"),
    Field("message", Kind.FREE_TEXT, question="message", max_length=FREE_TEXT_MAX),
    # A separate, unticked choice on a meeting of a series: only then is the person kept as a member.
    Field("network_consent", Kind.YES_NO, question="network"),
)
BY_NAME: dict[str, Field] = {field.name: field for field in FIELDS}

_KINDS = {
    QuestionType.SHORT_TEXT: Kind.TEXT,
    QuestionType.LONG_TEXT: Kind.FREE_TEXT,
    QuestionType.ONE_CHOICE: Kind.CHOICE,
    QuestionType.SEVERAL_CHOICES: Kind.SEVERAL,
    QuestionType.YES_NO: Kind.YES_NO,
    QuestionType.NUMBER: Kind.NUMBER,
}


def custom_fields(question: Question) -> tuple[Field, ...]:
    """An organiser's question as the table's fields: its answer, and for a sensitive one its consent."""
    answer = Field(
        question.field_name,
        _KINDS[question.type],
        required=question.required,
        max_length=question.max_length,
        choices=tuple(choice.id for choice in question.choices),
        custom=question,
        minimum=question.min,
        maximum=question.max,
        max_choices=question.max_choices,
    )
    if not question.sensitive:
        return (answer,)
    return answer, Field(question.consent_name, Kind.YES_NO, custom=question)


def for_event(event: Event) -> tuple[Field, ...]:
    """Every field the event's form may have: the fixed ones, then the organisers' own."""
    return FIELDS + tuple(field for question in event.custom_questions for field in custom_fields(question))
