"""The console's pages as HTML: what each template needs, in the person's language.

Every console page shares `console/base.html` (a skip link, who is signed in, the sign-out forms,
the language switch) through `render`; the routes add Cache-Control and the cookie.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from .. import i18n, links
from ..events import Event, QuestionType
from ..i18n import N_
from ..meeting_times import local_date_and_clock, meeting_times
from ..notice_kind import NoticeKind
from ..notices import KIND_NAMES, Notice, audience_name
from .access import ConsoleUser, EventRow
from .audit import AuditEntry

if TYPE_CHECKING:
    from jinja2 import Environment


def render(
    templates: Environment,
    template: str,
    language: str,
    *,
    root: str,
    here: str,
    user: ConsoleUser | None = None,
    csrf: str = "",
    **context: Any,
) -> str:
    """`root`: the path the service is served under ("" or "/api"); `here`: this page's path, for
    the language switch (the other language's version of the same page)."""
    other = i18n.other_language(language)
    return templates.get_template(template).render(
        lang=language,
        root=root,
        q=links.in_language("", language),
        other_lang=other,
        other_lang_url=links.in_language(f"{root}{here}", other),
        user=user,
        csrf=csrf,
        **context,
    )


def event_facts(event: Event, language: str) -> dict[str, Any]:
    times = meeting_times(event, language)
    return {
        "title": event.text("title", language),
        "date_text": times.date,
        "meeting_text": times.meeting,
        "venue": event.venue,
        "deadline_text": times.last_day,
    }


def event_list_rows(rows: Iterable[EventRow], language: str) -> list[dict[str, Any]]:
    tr = i18n.translator(language)
    shown = []
    for row in rows:
        capacity = row.event.capacity
        times = meeting_times(row.event, language)
        shown.append(
            {
                "id": row.event.id,
                "upcoming": row.upcoming,
                "title": row.event.text("title", language),
                "date_text": times.date,
                "seats_text": (
                    tr.gettext("{taken} of {capacity}").format(taken=row.seats_taken, capacity=capacity)
                    if capacity is not None
                    else str(row.seats_taken)
                ),
                "waiting": row.waiting,
                "deadline_text": times.last_day,
                "days_left_text": str(row.days_left) if row.days_left is not None else tr.gettext("Closed"),
            }
        )
    return shown


# The question types as the event page names them.
QUESTION_TYPES = {
    QuestionType.SHORT_TEXT: N_("short text"),
    QuestionType.LONG_TEXT: N_("long text"),
    QuestionType.ONE_CHOICE: N_("one choice"),
    QuestionType.SEVERAL_CHOICES: N_("several choices"),
    QuestionType.YES_NO: N_("yes/no"),
    QuestionType.NUMBER: N_("number"),
}


def question_rows(event: Event, language: str) -> list[dict[str, Any]]:
    """The organisers' own questions as the event page lists them: the label, the type and rules in
    words, and each choice with how many hold it (of its places, when limited)."""
    tr = i18n.translator(language)
    rows = []
    for question in event.custom_questions:
        rules = [tr.gettext(QUESTION_TYPES[question.type])]
        if question.required:
            rules.append(tr.gettext("required"))
        if question.sensitive:
            rules.append(tr.gettext("sensitive, with its own consent"))
        choices = []
        for choice in question.choices:
            held = event.choice_counts.get(f"{question.id}:{choice.id}", 0)
            choices.append(
                f"{choice.label(language)}: "
                + (
                    tr.gettext("{taken} of {capacity}").format(taken=held, capacity=choice.limit)
                    if choice.limit is not None
                    else str(held)
                )
            )
        rows.append(
            {
                "id": question.id,
                "label": question.text("label", language),
                "rules": ", ".join(rules),
                "choices": choices,
            }
        )
    return rows


def audit_rows(entries: Iterable[AuditEntry], event: Event, language: str) -> list[dict[str, str]]:
    """Each entry with its time in the event's zone and its action in words (unknown codes as they are)."""
    tr = i18n.translator(language)
    return [
        {
            "at": entry.at.astimezone(event.zone).isoformat(timespec="seconds"),
            "when": local_date_and_clock(event, entry.at, language),
            "who": entry.actor,
            "what": tr.pgettext(*i18n.AUDIT_ACTIONS[entry.action])
            if entry.action in i18n.AUDIT_ACTIONS
            else entry.action,
            "detail": entry.detail,
        }
        for entry in entries
    ]


def notice_rows(notices: Iterable[Notice], event: Event, language: str) -> list[dict[str, str]]:
    """What the event's registrants have been told, newest first: when (in the event's zone), what,
    to whom, and whether the outbox is still sending it."""
    tr = i18n.translator(language)
    return [
        {
            "when": local_date_and_clock(event, notice.created_at, language),
            "what": tr.gettext(KIND_NAMES[notice.kind]),
            "to": tr.gettext("the network's members not signed up")
            if notice.kind == NoticeKind.INVITATION
            else audience_name(notice.audience, language),
            "state": tr.gettext("sent") if notice.finished else tr.gettext("being sent"),
        }
        for notice in sorted(notices, key=lambda n: n.created_at, reverse=True)
    ]
