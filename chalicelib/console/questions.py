"""The console's question editor: the organisers' own questions added, edited, moved and removed.

Each change is made on the event's TOML-shaped mapping (`events.event_mapping`) and judged by the one
validator (`events.event_from_mapping`), exactly as an imported file is; this module only turns the
editor's form into one `[[questions]]` table and says which form field each problem belongs to.

Answers keep their meaning: a question's id and type never change once it exists (its answers are
stored under the id); a choice keeps its id when renamed; a new id, made from the Swedish label, is
never one that answers or place counts already use. Plain functions: no AWS, no HTTP.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from .. import i18n
from ..events import (
    CHOICE_TYPES,
    LANGUAGES,
    LONG_TEXT_MAX,
    MAX_CHOICES,
    OPTIONAL_QUESTIONS,
    QUESTION_LIMITS,
    SHORT_TEXT_MAX,
    Choice,
    Event,
    EventFileError,
    EventProblem,
    Question,
    QuestionType,
    event_from_mapping,
    in_language,
    place_key,
)
from ..fields import YesNo
from ..i18n import N_, event_problem
from .events import GENERAL, counted_as, event_mapping, question_mapping, slug
from .posted import EventFormInvalid, ticked, value_text

# Empty rows under a choice question's choices, for new ones ("More rows" adds as many again).
BLANK_CHOICE_ROWS = 3
MAX_CHOICE_ROWS = MAX_CHOICES + BLANK_CHOICE_ROWS
MAX_TEXT = 2_000
TEXT_LONGEST = {QuestionType.SHORT_TEXT: SHORT_TEXT_MAX, QuestionType.LONG_TEXT: LONG_TEXT_MAX}
# The fixed questions a condition may name, and their words on the editor.
_STANDARD_CONDITIONS = {
    "meal": i18n.EVENT_QUESTIONS["meal"],
    "attended_before": i18n.EVENT_QUESTIONS["attended_before"],
}
# The editor's fields, as its labels and error summary name them.
FIELD_LABELS = {
    GENERAL: N_("The questions"),
    "type": N_("Type of question"),
    "label_sv": N_("The question in Swedish"),
    "label_en": N_("The question in English"),
    "help_sv": N_("Help text in Swedish"),
    "help_en": N_("Help text in English"),
    "required": N_("An answer is required"),
    "sensitive": N_("Sensitive"),
    "max_length": N_("Longest answer (characters)"),
    "min": N_("Smallest number"),
    "max": N_("Largest number"),
    "max_choices": N_("Most choices a person may tick"),
    "choices": N_("Choices"),
    "show_when": N_("Ask only when"),
}
CHOICE_FIELD_LABELS = {
    "sv": N_("Choice {number}, Swedish name"),
    "en": N_("Choice {number}, English name"),
    "limit": N_("Choice {number}, places"),
}
CONDITION_WORDS = {
    "language": N_("Language"),
    "sv": N_("Swedish"),
    "en": N_("English"),
}


# -- the form ---------------------------------------------------------------------------------------


def blank_values(kind: str) -> dict[str, Any]:
    """A new question's form: its type, nothing else filled in, empty rows for choices."""
    values: dict[str, Any] = {name: "" for name in ("label_sv", "label_en", "help_sv", "help_en", *QUESTION_LIMITS)}
    values.update(type=kind, required=False, sensitive=False, show_when="", choices=[], confirm_lower=False)
    return with_blank_rows(values)


def question_values(question: Question) -> dict[str, Any]:
    """The edit form filled in from a stored question (a text limit left at its default shows empty)."""
    values: dict[str, Any] = {
        "type": question.type,
        "label_sv": question.label.get("sv", ""),
        "label_en": question.label.get("en", ""),
        "help_sv": question.help.get("sv", ""),
        "help_en": question.help.get("en", ""),
        "required": question.required,
        "sensitive": question.sensitive,
        "max_length": ""
        if question.max_length in (None, TEXT_LONGEST.get(question.type))
        else str(question.max_length),
        "min": "" if question.min is None else str(question.min),
        "max": "" if question.max is None else str(question.max),
        "max_choices": "" if question.max_choices is None else str(question.max_choices),
        "show_when": condition_value(question),
        "choices": [
            {
                "id": choice.id,
                "sv": choice.title.get("sv", ""),
                "en": choice.title.get("en", ""),
                "limit": "" if choice.limit is None else str(choice.limit),
                "remove": False,
            }
            for choice in question.choices
        ],
        "confirm_lower": False,
    }
    return with_blank_rows(values)


def with_blank_rows(values: dict[str, Any], more: bool = False) -> dict[str, Any]:
    """The choices with empty rows after them (a choice question only); `more` adds another set."""
    if values.get("type") not in CHOICE_TYPES:
        return values
    rows = [row for row in values["choices"] if row["id"] or _filled(row)]
    wanted = len(rows) + BLANK_CHOICE_ROWS * (2 if more else 1)
    blank = {"id": "", "sv": "", "en": "", "limit": "", "remove": False}
    rows += [dict(blank) for _ in range(max(0, min(wanted, MAX_CHOICE_ROWS) - len(rows)))]
    return {**values, "choices": rows}


def posted_values(fields: Mapping[str, Any]) -> dict[str, Any]:
    """What the editor posted, as it shows again: texts cut to size, ticked boxes, the choice rows."""
    values: dict[str, Any] = {
        name: value_text(fields.get(name))[:MAX_TEXT]
        for name in ("type", "label_sv", "label_en", "help_sv", "help_en", "show_when", *QUESTION_LIMITS)
    }
    for name in ("required", "sensitive", "confirm_lower"):
        values[name] = ticked(fields.get(name))
    rows = []
    count = value_text(fields.get("choice_rows"))
    for index in range(min(int(count) if count.isdigit() else 0, MAX_CHOICE_ROWS)):
        rows.append(
            {
                "id": value_text(fields.get(f"choice_{index}_id"))[:64],
                "sv": value_text(fields.get(f"choice_{index}_sv"))[:MAX_TEXT],
                "en": value_text(fields.get(f"choice_{index}_en"))[:MAX_TEXT],
                "limit": value_text(fields.get(f"choice_{index}_limit"))[:12],
                "remove": ticked(fields.get(f"choice_{index}_remove")),
            }
        )
    values["choices"] = rows
    return values


def _filled(row: Mapping[str, Any]) -> bool:
    return bool(row["sv"] or row["en"] or row["limit"])


def field_labels(values: Mapping[str, Any], language: str) -> dict[str, str]:
    """Every field's label in `language`, the choice rows numbered from 1 (for the error summary)."""
    tr = i18n.translator(language)
    labels = {name: tr.gettext(text) for name, text in FIELD_LABELS.items()}
    for number in range(len(values.get("choices", []))):
        for part, text in CHOICE_FIELD_LABELS.items():
            labels[f"choice_{number}_{part}"] = tr.gettext(text).format(number=number + 1)
    return labels


# -- ids that keep answers' meaning --------------------------------------------------------------


def used_ids(event: Event, answered: Collection[str]) -> set[str]:
    """Question ids a new question must not take: the event's, those answers were given to (a removed
    question's answers stay in the export under its id), and those with place counts."""
    return (
        {question.id for question in event.custom_questions}
        | set(answered)
        | {key.partition(":")[0] for key in event.choice_counts}
    )


def new_question_id(label: str, taken: Collection[str]) -> str:
    """An id from the Swedish label ('Vilken workshop väljer du?' -> 'vilken_workshop_valjer_du'),
    unique among `taken`."""
    base = slug(label).replace("-", "_")
    if len(base) > 36:  # room for a number after it; cut between words
        base = base[:37].rsplit("_", 1)[0]
    base = base.strip("_")
    if not base or not base[0].isalpha():
        base = f"fraga_{base}".strip("_")
    if base.endswith("_consent"):
        base += "_q"
    return _unique(base, taken, "_")


def new_choice_id(label: str, taken: Collection[str]) -> str:
    """A choice's id from its Swedish name ('Robotik i vården' -> 'robotik-i-varden'), unique among `taken`."""
    return _unique(slug(label)[:56] or "val", taken, "-")


def _unique(base: str, taken: Collection[str], joiner: str) -> str:
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}{joiner}{number}", number + 1
    return candidate


# -- show_when as one choice on the form ----------------------------------------------------------


def condition_value(question: Question) -> str:
    """The question's condition as the editor's select holds it: `meal=true`, `workshop=natur|robotik`."""
    if question.show_when is None:
        return ""
    values = "|".join(_word(value) for value in question.show_when.values)
    return f"{question.show_when.question}={values}"


def _word(value: str | bool) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def condition_options(event: Event, before: int, current: str, language: str) -> list[tuple[str, str]]:
    """What a question at position `before` may depend on, as (value, words): the meal and whether the
    person came before (when the form asks them), the language, and each yes/no or choice question
    above it. The stored condition is always among them, so showing the form never changes it."""
    tr = i18n.translator(language)
    yes, no = tr.gettext(i18n.CHOICE_NAMES[YesNo.YES]), tr.gettext(i18n.CHOICE_NAMES[YesNo.NO])
    options: list[tuple[str, str]] = []

    def add(question_id: str, name: str, answers: list[tuple[str, str]]) -> None:
        for value, words in answers:
            options.append(
                (f"{question_id}={value}", tr.gettext("“{question}” is “{answer}”").format(question=name, answer=words))
            )

    for question_id, context_and_text in _STANDARD_CONDITIONS.items():
        if event.asks(question_id):
            add(question_id, tr.pgettext(*context_and_text), [("true", yes), ("false", no)])
    add(
        "language",
        tr.gettext(CONDITION_WORDS["language"]),
        [(code, tr.gettext(CONDITION_WORDS[code])) for code in LANGUAGES],
    )
    for question in event.custom_questions[:before]:
        name = question.text("label", language)
        if question.type == QuestionType.YES_NO:
            add(question.id, name, [("true", yes), ("false", no)])
        elif question.type in CHOICE_TYPES:
            add(question.id, name, [(choice.id, choice.label(language)) for choice in question.choices])
    if current and current not in {value for value, _ in options}:
        question_id, _, values = current.partition("=")
        options.append(
            (
                current,
                tr.gettext("“{question}” is “{answer}”").format(
                    question=question_id, answer=tr.gettext(" or ").join(values.split("|"))
                ),
            )
        )
    return options


def _condition(text: str, event: Event) -> dict[str, Any] | None:
    """The select's value as the TOML's `show_when` table (yes/no answers as true and false)."""
    if not text:
        return None
    question_id, _, joined = text.partition("=")
    other = event.custom_question(question_id)
    boolean = question_id in _STANDARD_CONDITIONS or (other is not None and other.type == QuestionType.YES_NO)
    values: list[Any] = [
        {"true": True, "false": False}.get(value, value) if boolean else value for value in joined.split("|")
    ]
    return {"question": question_id, "equals": values[0] if len(values) == 1 else values}


# -- the change, judged by the one validator ------------------------------------------------------


@dataclass(frozen=True)
class Lowered:
    """A choice whose new place limit is below the places already taken (shown before saving)."""

    question: str
    choice: str
    limit: int
    taken: int


@dataclass(frozen=True)
class Edited:
    """One question added to an event or changed in it: the event before and after, and that question's id."""

    before: Event
    after: Event
    question_id: str

    def lowered_limits(self) -> list[Lowered]:
        """The question's choices whose place limit the change lowered below the places already taken."""
        old, new = self.before.custom_question(self.question_id), self.after.custom_question(self.question_id)
        if new is None:
            return []
        found = []
        for choice in new.choices:
            earlier = old.choice(choice.id) if old is not None else None
            taken = self.before.choice_counts.get(place_key(self.question_id, choice.id), 0)
            if choice.limit is not None and choice.limit < taken and (earlier is None or earlier.limit != choice.limit):
                found.append(Lowered(self.question_id, choice.id, choice.limit, taken))
        return found


def with_question(
    event: Event,
    values: Mapping[str, Any],
    language: str,
    *,
    editing: Question | None = None,
    answered: Collection[str] = (),
) -> Edited:
    """The event with the editor's question added (`editing` None: at the end) or put in place of
    `editing`; EventFormInvalid with a message per form field in `language` otherwise."""
    questions = list(event.custom_questions)
    if editing is None:
        index = len(questions)
        question_id = new_question_id(values.get("label_sv", ""), used_ids(event, answered))
        kind = values.get("type", "")
        old_choices: tuple[Choice, ...] = ()
    else:
        index = questions.index(editing)
        question_id, kind, old_choices = editing.id, editing.type, editing.choices
    table, rows = _question_table(event, values, question_id, kind, old_choices, answered)
    tables = [question_mapping(question) for question in questions]
    if editing is None:
        tables.append(table)
    else:
        tables[index] = table
    changed = _judged(event, tables, language, index=index, rows=rows)
    return Edited(event, changed, question_id)


def without_question(event: Event, question: Question, language: str) -> Event:
    """The event without the question (its answers stay on the registrations and in the export)."""
    tables = [question_mapping(other) for other in event.custom_questions if other.id != question.id]
    return _judged(event, tables, language)


def moved(event: Event, question: Question, step: int, language: str) -> Event:
    """The event with the question one place up (`step` -1) or down (+1); at either end, as it was."""
    questions = list(event.custom_questions)
    index = questions.index(question)
    target = index + step
    if not 0 <= target < len(questions):
        return event
    questions[index], questions[target] = questions[target], questions[index]
    return _judged(event, [question_mapping(other) for other in questions], language)


def lowered_text(event: Event, item: Lowered, language: str) -> str:
    """What the organiser is told about a lowered limit before saving it, in `language`."""
    question = event.custom_question(item.question)
    choice = question.choice(item.choice) if question else None
    name = choice.label(language) if choice else item.choice
    text = i18n.translator(language).ngettext(
        "“{choice}”: {places}, but {taken} already holds it. Nobody loses their place; nobody new can choose it "
        "until fewer than {limit} hold it.",
        "“{choice}”: {places}, but {taken} already hold it. Nobody loses their place; nobody new can choose it "
        "until fewer than {limit} hold it.",
        item.taken,
    )
    places = i18n.plural(language, i18n.COUNTED.places, item.limit)
    return text.format(choice=name, places=places, taken=item.taken, limit=item.limit)


def _question_table(
    event: Event,
    values: Mapping[str, Any],
    question_id: str,
    kind: str,
    old_choices: tuple[Choice, ...],
    answered: Collection[str],
) -> tuple[dict[str, Any], list[int]]:
    """One `[[questions]]` table from the form, and for each of its choices the form's row. A limit the
    type does not use is left out when empty; when filled it goes in, for the validator to name."""
    table: dict[str, Any] = {"id": question_id, "type": kind}
    table["label"] = {lang: values.get(f"label_{lang}", "") for lang in LANGUAGES if values.get(f"label_{lang}")}
    helps = {lang: values[f"help_{lang}"] for lang in LANGUAGES if values.get(f"help_{lang}")}
    if helps:
        table["help"] = helps
    for flag in ("required", "sensitive"):
        if values.get(flag):
            table[flag] = True
    for name in QUESTION_LIMITS:
        text = str(values.get(name, ""))
        if text:
            table[name] = _whole(text)
    condition = _condition(str(values.get("show_when", "")), event)
    if condition is not None:
        table["show_when"] = condition
    rows: list[int] = []
    if kind in CHOICE_TYPES:
        kept = {choice.id for choice in old_choices}
        # A new choice never takes an id that answers or place counts still hold (a removed choice's).
        taken = kept | {key.partition(":")[2] for key in event.choice_counts if key.partition(":")[0] == question_id}
        choices = []
        for number, row in enumerate(values.get("choices", [])):
            if row["remove"] or not (row["id"] in kept or _filled(row)):
                continue
            choice_id = row["id"] if row["id"] in kept else new_choice_id(row["sv"], taken)
            taken.add(choice_id)
            entry: dict[str, Any] = {"id": choice_id}
            entry.update({lang: row[lang] for lang in LANGUAGES if row[lang]})
            if row["limit"]:
                entry["limit"] = _whole(row["limit"])
            choices.append(entry)
            rows.append(number)
        table["choices"] = choices
    return table, rows


def _whole(text: str) -> int | str:
    return int(text) if re.fullmatch(r"-?\d{1,10}", text) else text


def _judged(event: Event, tables: list[dict[str, Any]], language: str, **where: Any) -> Event:
    """The event with these question tables, judged as a whole file; the stored counters kept."""
    data = event_mapping(event)
    switched = {question: question in event.questions for question in OPTIONAL_QUESTIONS}
    data.pop("standard_questions", None)
    if tables:
        data["standard_questions"] = switched
        data["questions"] = tables
    else:
        data["questions"] = switched
    try:
        changed = event_from_mapping(data)
    except EventFileError as error:
        raise EventFormInvalid(question_errors(error.details, event, tables, language, **where)) from error
    return counted_as(event, changed)


_QUESTION_KEY = re.compile(r"^questions\[(\d+)\](?:\.(.*))?$")
_CHOICE_KEY = re.compile(r"^choices\[(\d+)\](?:\.(\w+))?$")
_FIELD_FOR_PART = {
    "id": "label_sv",
    "label": "label_sv",
    "help": "help_sv",
    "type": "type",
    "required": "required",
    "sensitive": "sensitive",
    "max_length": "max_length",
    "min": "min",
    "max": "max",
    "max_choices": "max_choices",
    "choices": "choices",
    "show_when": "show_when",
}


def question_errors(
    problems: list[EventProblem],
    event: Event,
    tables: list[dict[str, Any]],
    language: str,
    *,
    index: int | None = None,
    rows: list[int] | None = None,
) -> dict[str, str]:
    """The validator's problems as messages by the editor's form field (the first of each field). A
    problem with another question (a condition on the one being moved or removed) is said at the top,
    naming that question."""
    tr = i18n.translator(language)
    errors: dict[str, str] = {}
    for problem in problems:
        text = event_problem(problem.code, language, **problem.params)
        found = _QUESTION_KEY.match(problem.key)
        if found is None:
            errors.setdefault(GENERAL, text)
            continue
        number, part = int(found.group(1)), found.group(2) or ""
        if number != index:
            label = tables[number].get("label", {}) if number < len(tables) else {}
            # A question with no label yet is still named, by its id, so the message says which one.
            name = in_language(label, language) or tables[number].get("id", "")
            errors.setdefault(
                GENERAL, tr.gettext("The question “{question}”: {problem}").format(question=name, problem=text)
            )
            continue
        choice = _CHOICE_KEY.match(part)
        if choice is not None and rows is not None and int(choice.group(1)) < len(rows):
            row = rows[int(choice.group(1))]
            which = choice.group(2) or "sv"
            errors.setdefault(f"choice_{row}_{which if which in ('en', 'limit') else 'sv'}", text)
            continue
        base = re.split(r"[.\[]", part, maxsplit=1)[0]
        errors.setdefault(_FIELD_FOR_PART.get(base, GENERAL), text)
    return errors
