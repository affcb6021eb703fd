"""The console's question editor: an event's own questions listed, added, edited, moved and removed.

Each view parses the request, calls chalicelib/console/questions.py (the one event validator judges
every change) and saves through chalicelib/console/event_admin.py only if nobody saved the event since
the page was opened; every change is audited. Lowering a choice's place limit below the places
already taken is shown first and saved only once confirmed.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from chalice import Blueprint, Response

from .. import i18n
from ..bootstrap import wiring
from ..console import posted
from ..console.access import ConsoleUser
from ..console.posted import EventFormInvalid
from ..errors import EventChanged
from ..events import CHOICE_TYPES, LIMITS_BY_TYPE, QUESTION_TYPES, Event, Question, QuestionType
from ..i18n import N_
from .console import (
    ConsolePost,
    ConsoleView,
    audit,
    console_get,
    console_page,
    console_post,
    see_other,
    visible_event,
)
from .console_events import _writer
from .http import query

if TYPE_CHECKING:
    from ..console import event_admin
    from ..console import questions as editor

console_questions = Blueprint(__name__)

# What the list says after a change redirected to it (`done`).
DONE = {
    "added": N_("The question is added."),
    "saved": N_("The question is saved."),
    "moved": N_("The question is moved."),
    "removed": N_("The question is removed. Answers already given stay in the attendee list (CSV)."),
}
# The question types as the editor offers them, with what each asks.
TYPE_NAMES = {
    QuestionType.SHORT_TEXT: N_("Short text (one line)"),
    QuestionType.LONG_TEXT: N_("Long text (several lines)"),
    QuestionType.ONE_CHOICE: N_("One choice"),
    QuestionType.SEVERAL_CHOICES: N_("Several choices"),
    QuestionType.YES_NO: N_("Yes or no"),
    QuestionType.NUMBER: N_("A whole number"),
}
STALE = N_(
    "Someone else changed the meeting while you were writing, so nothing was saved. The form shows what you "
    "wrote: check the questions and save again."
)


def _list_path(event: Event) -> str:
    return f"/console/events/{event.id}/questions"


def _question(user: ConsoleUser, event: Event, question_id: str) -> Question:
    """The event's question, or the console's not-found page (as for an event one may not see)."""
    question = event.custom_question(question_id)
    if question is None:
        visible_event(user, "")
    assert question is not None
    return question


def _answered(event: Event) -> set[str]:
    """The question ids answers were given to (a removed question's included): a new id avoids them."""
    return {key for registration in wiring().people.registrations(event) for key in registration.answers.custom}


def _save(post: ConsolePost, changed: Event) -> event_admin.Saved:
    from ..console import event_admin

    return event_admin.save(post.event, changed, post.language, _writer(), edited_from=post.event.updated_at)


# -- the list -----------------------------------------------------------------------------------------


def _list_page(
    user: ConsoleUser, event: Event, language: str, *, status: int = 200, errors: dict[str, str] | None = None
) -> Response:
    from ..console import event_admin
    from ..console.events import GENERAL

    tr = i18n.translator(language)
    done = query(console_questions.current_request).get("done", "")
    return console_page(
        "console/questions.html",
        user,
        status,
        language=language,
        event=event,
        edited_from=event_admin.version_shown(event),
        rows=_rows(event, language),
        errors=errors or {},
        field_labels={GENERAL: tr.gettext("The questions")},
        notice=tr.gettext(DONE[done]) if done in DONE else "",
        type_names=TYPE_NAMES,
    )


def _rows(event: Event, language: str) -> list[dict[str, Any]]:
    tr = i18n.translator(language)
    rows = []
    for number, question in enumerate(event.custom_questions):
        rules = [tr.gettext(TYPE_NAMES[question.type])]
        if question.required:
            rules.append(tr.gettext("required"))
        if question.sensitive:
            rules.append(tr.gettext("sensitive, with its own consent"))
        if question.show_when is not None:
            rules.append(tr.gettext("asked only sometimes"))
        rows.append(
            {
                "id": question.id,
                "label": question.text("label", language),
                "rules": ", ".join(rules),
                "first": number == 0,
                "last": number == len(event.custom_questions) - 1,
            }
        )
    return rows


@console_get(console_questions, "/console/events/{event_id}/questions")
def questions_page(request: ConsoleView, event_id: str) -> Response:
    user, event, language = request.user, request.event, request.language
    return _list_page(user, event, language)


@console_post(console_questions, "/console/events/{event_id}/questions/{question_id}/move", read=posted.read_form)
def move_question(post: ConsolePost, event_id: str, question_id: str) -> Response:
    """One place up or down; a condition on a question above is checked by the validator."""
    from ..console import questions as editor

    question = _question(post.user, post.event, question_id)
    step = -1 if post.fields.get("direction") == "up" else 1
    moved = partial(editor.moved, post.event, question, step, post.language)
    return _change_list(post, moved, "question_moved", f"{question.id} {'up' if step < 0 else 'down'}", done="moved")


@console_post(console_questions, "/console/events/{event_id}/questions/{question_id}/remove", read=posted.read_form)
def remove_question(post: ConsolePost, event_id: str, question_id: str) -> Response:
    """Off the form; the answers already given stay on the registrations and in the CSV."""
    from ..console import questions as editor

    question = _question(post.user, post.event, question_id)
    removed = partial(editor.without_question, post.event, question, post.language)
    return _change_list(post, removed, "question_removed", question.id, done="removed")


def _change_list(post: ConsolePost, changed: Callable[[], Event], action: str, detail: str, *, done: str) -> Response:
    """Save the list as `changed` makes it (unless someone saved the event since the page was shown),
    write the audit entry, then back to the list saying what was `done`; a refusal shows the list again."""
    from ..console import event_admin
    from ..console.events import GENERAL

    try:
        if event_admin.stale(post.event, post.fields.get("edited_from")):
            raise EventChanged()
        _save(post, changed())
    except EventFormInvalid as invalid:
        return _list_page(post.user, post.event, post.language, status=400, errors=invalid.errors)
    except EventChanged:
        fresh = visible_event(post.user, post.event.id)
        text = i18n.translator(post.language).gettext(STALE)
        return _list_page(post.user, fresh, post.language, status=409, errors={GENERAL: text})
    audit(post.event, post.user, action, detail)
    return see_other(_list_path(post.event), post.language, done=done)


# -- add and edit -------------------------------------------------------------------------------------


def _form_page(
    user: ConsoleUser,
    event: Event,
    language: str,
    values: dict[str, Any],
    *,
    question: Question | None = None,
    status: int = 200,
    errors: dict[str, str] | None = None,
    lowered: list[editor.Lowered] | None = None,
    notice: str = "",
) -> Response:
    from ..console import event_admin
    from ..console import questions as editor

    tr = i18n.translator(language)
    kind = values["type"]
    before = event.custom_questions.index(question) if question is not None else len(event.custom_questions)
    return console_page(
        "console/question_form.html",
        user,
        status,
        language=language,
        event=event,
        edited_from=event_admin.version_shown(event),
        question=question,
        values=values,
        kind=kind,
        type_name=tr.gettext(TYPE_NAMES[kind]) if kind in TYPE_NAMES else kind,
        has_choices=kind in CHOICE_TYPES,
        limits=LIMITS_BY_TYPE.get(kind, ()),
        longest_text=editor.TEXT_LONGEST.get(kind),
        conditions=editor.condition_options(event, before, values.get("show_when", ""), language),
        errors=errors or {},
        field_labels=editor.field_labels(values, language),
        lowered=[editor.lowered_text(event, item, language) for item in lowered or []],
        action=_list_path(event) + (f"/{question.id}" if question else ""),
        taken=_taken(event, question),
        notice=notice,
    )


def _taken(event: Event, question: Question | None) -> dict[str, int]:
    """Places already held per choice of the question (shown beside each choice's limit)."""
    if question is None:
        return {}
    return {choice.id: event.choice_counts.get(f"{question.id}:{choice.id}", 0) for choice in question.choices}


@console_get(console_questions, "/console/events/{event_id}/questions/new")
def new_question_form(request: ConsoleView, event_id: str) -> Response:
    """First the type (a plain GET form), then the form for a question of that type."""
    from ..console import questions as editor

    user, event, language = request.user, request.event, request.language
    kind = query(console_questions.current_request).get("type", "")
    if kind not in QUESTION_TYPES:
        return console_page("console/question_type.html", user, language=language, event=event, type_names=TYPE_NAMES)
    return _form_page(user, event, language, editor.blank_values(kind))


@console_get(console_questions, "/console/events/{event_id}/questions/{question_id}")
def edit_question_form(request: ConsoleView, event_id: str, question_id: str) -> Response:
    from ..console import questions as editor

    user, event, language = request.user, request.event, request.language
    question = _question(user, event, question_id)
    return _form_page(user, event, language, editor.question_values(question), question=question)


@console_post(console_questions, "/console/events/{event_id}/questions", read=posted.read_form)
def add_question(post: ConsolePost, event_id: str) -> Response:
    return _save_question(post, None)


@console_post(console_questions, "/console/events/{event_id}/questions/{question_id}", read=posted.read_form)
def edit_question(post: ConsolePost, event_id: str, question_id: str) -> Response:
    return _save_question(post, _question(post.user, post.event, question_id))


def _save_question(post: ConsolePost, question: Question | None) -> Response:
    """Judge the question (the one validator), warn before a place limit goes below the places taken,
    then save only if nobody saved the event since the form was opened."""
    from ..console import event_admin
    from ..console import questions as editor

    event = post.event
    values = editor.posted_values(post.fields)
    if question is not None:
        values["type"] = question.type  # a question's answers keep their type: it never changes
    if values["type"] not in QUESTION_TYPES:
        visible_event(post.user, "")
    if post.fields.get("do") == "more_rows":
        return _form_page(post.user, event, post.language, editor.with_blank_rows(values, more=True), question=question)
    tr = i18n.translator(post.language)
    if event_admin.stale(event, post.fields.get("edited_from")):
        return _form_page(
            post.user, event, post.language, values, question=question, status=409, notice=tr.gettext(STALE)
        )
    try:
        edited = editor.with_question(
            event, values, post.language, editing=question, answered=_answered(event) if question is None else ()
        )
        lowered = edited.lowered_limits()
        if lowered and not values["confirm_lower"]:
            return _form_page(post.user, event, post.language, values, question=question, lowered=lowered)
        _save(post, edited.after)
    except EventFormInvalid as invalid:
        return _form_page(post.user, event, post.language, values, question=question, status=400, errors=invalid.errors)
    except EventChanged:
        fresh = visible_event(post.user, event.id)
        return _form_page(
            post.user,
            fresh,
            post.language,
            values,
            question=fresh.custom_question(question.id) if question else None,
            status=409,
            notice=tr.gettext(STALE),
        )
    detail = edited.question_id + ("; places below those taken, confirmed" if lowered else "")
    audit(event, post.user, "question_added" if question is None else "question_edited", detail)
    return see_other(_list_path(event), post.language, done="added" if question is None else "saved")
