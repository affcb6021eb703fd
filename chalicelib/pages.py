"""The pages a person sees, rendered from the Jinja2 templates with the settings they show."""

from __future__ import annotations

import functools
import html
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from gettext import NullTranslations
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from . import fields as field_table
from . import i18n, links
from .config import Settings
from .errors import SignupError, ValidationFailed
from .events import (
    OPTIONAL_QUESTIONS,
    SHOW_WHEN_STANDARD,
    Event,
    EventStatus,
    Question,
    QuestionType,
    answer_field,
    consent_field,
)
from .fields import YesNo
from .i18n import N_
from .meeting_times import local_date_and_clock, meeting_times
from .notice_kind import NoticeKind
from .registrations import EmailKind, HoldState, Status, ThanksNote
from .sectors import Phrase, Sector, phrase
from .security import origin_of
from .web import error_message

if TYPE_CHECKING:
    from jinja2 import Environment
    from jinja2.runtime import Context

# Headings and texts of one's own registration's pages, by the name the routes give them.
PAGE_TEXTS: dict[str, str] = {
    "manage_heading": N_("Your registration"),
    "confirm_heading": N_("Confirm your seat"),
    "confirmed_heading": N_("Your seat is confirmed"),
    "confirmed_text": N_("Welcome! A confirmation with a calendar file follows in our next email."),
    "already_confirmed_text": N_("The seat was already confirmed. Nothing more needs to be done."),
    "released_heading": N_("The time to confirm has run out"),
    "released_text": N_(
        "The seat went to the next person on the waiting list. You can sign up again while registration is open."
    ),
    "not_held_text": N_("There is no seat to confirm for this registration."),
    "link_expired_heading": N_("The link has expired"),
    "link_expired_text": N_("The meeting is over, so the link can no longer be used."),
    "link_invalid_heading": N_("The link does not work"),
    "link_invalid_text": N_(
        "The link is incomplete or has been changed. Use the link in your confirmation email, or contact the organiser."
    ),
    "saved_heading": N_("Your answers are saved"),
    "saved_text": N_("Thank you! The changes are saved."),
    "cancelled_heading": N_("Your registration is cancelled"),
    "cancelled_text": N_(
        "Thank you for letting us know. If you can come after all, sign up again while registration is open."
    ),
    "already_cancelled_text": N_("The registration was already cancelled. Nothing more needs doing."),
}


TEMPLATE_SOURCES = Path(__file__).parent / "templates"
# In the zip only (`make package` writes it, devtools/package.py): every template compiled to a Python
# module, so a cold start neither parses nor compiles the templates it renders. A checkout has none.
COMPILED_TEMPLATES = Path(__file__).parent / "templates_compiled"


@functools.cache
def templates() -> Environment:
    """The one Jinja2 environment, for pages and emails alike (built once per container).

    Jinja2 is imported here, not at the top: a cold start's `import app` then does not pay for
    it, only the first route that renders a page or an email does."""
    from jinja2 import Environment, ModuleLoader, PackageLoader, pass_context, select_autoescape

    environment = Environment(
        loader=ModuleLoader(COMPILED_TEMPLATES)
        if COMPILED_TEMPLATES.is_dir()
        else PackageLoader("chalicelib", "templates"),
        autoescape=select_autoescape(["html", "xml"]),
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
        # Templates never change under a running process (Lambda's code is read-only; `make run`,
        # without autoreload, takes a template's change on restart as it takes a module's): so no
        # stat of the template's file for every page and every email.
        auto_reload=False,
    )
    # `{{ _("…") }}`, `{% trans %}…{% pluralize %}…{% endtrans %}` in the template's `lang` (babel.cfg reads
    # the templates with the same settings). Newstyle: `_("Hi %(name)s", name=n)` fills in and escapes `name`.
    environment.policies["ext.i18n.trimmed"] = True
    environment.install_gettext_callables(  # type: ignore[attr-defined]
        pass_context(_template_gettext),
        pass_context(_template_ngettext),
        newstyle=True,
        pgettext=pass_context(_template_pgettext),
    )
    # Templates compare with the states by name (`status == Status.WAITLISTED`), not by a copy of their value.
    environment.globals.update(
        Status=Status,
        EmailKind=EmailKind,
        EventStatus=EventStatus,
        QuestionType=QuestionType,
        NoticeKind=NoticeKind,
        YesNo=YesNo,
    )
    # `{% if values.get("diet_consent") is ticked %}`: a box shows ticked for what the validator reads as yes.
    environment.tests["ticked"] = _ticked
    environment.globals.update(i18n.TEMPLATE_TABLES)
    # A link with a query string is made by the one link builder, in templates as in code.
    environment.globals.update(in_language=links.in_language)
    environment.globals["counted"] = pass_context(_template_counted)  # `counted(COUNTED.days, n)`: "2 dagar"
    return environment


def _ticked(value: object) -> bool:
    return field_table.read_yes_no(value) is True


def _template_gettext(context: Context, message: str) -> str:
    return i18n.translator(context["lang"]).gettext(message)


def _template_pgettext(context: Context, message_context: str, message: str) -> str:
    return i18n.translator(context["lang"]).pgettext(message_context, message)


def _template_ngettext(context: Context, singular: str, plural: str, count: int) -> str:
    return i18n.translator(context["lang"]).ngettext(singular, plural, count)


def _template_counted(context: Context, forms: tuple[str, str], count: int) -> str:
    return i18n.plural(context["lang"], forms, count)


@dataclass(frozen=True)
class FormInput:
    """What a form is filled in with: the values typed into it (or brought by an invitation's link)
    and, when a post was refused, what was wrong with them. They travel together: a field's message
    stands beside what was typed into that field."""

    values: Mapping[str, Any]
    error: ValidationFailed | None = None

    def context(self, language: str) -> dict[str, Any]:
        """The form templates' `values` (a checkbox group always a list) and `errors` (a message in
        `language` by field)."""
        return {"values": _form_values(self.values), "errors": _field_errors(self.error, language)}


# Shared by every call that shows an empty form, so read-only.
NOTHING_TYPED = FormInput(MappingProxyType({}))


class Pages:
    """Renders every page; given its settings instead of reading the environment itself."""

    def __init__(self, settings: Settings, environment: Environment | None = None) -> None:
        self.settings = settings
        self.templates = environment or templates()

    def _context(self, event: Event | None, language: str) -> dict[str, Any]:
        context: dict[str, Any] = {
            "lang": language,
            "event": event,
            "controller": self.settings.controller(),
            "sensitive_days": self.settings.sensitive_days(),
            "retention_days": self.settings.retention_days(),
            # Relative by default, so it works under any API Gateway stage prefix.
            "privacy_url": links.privacy(self.settings.base_url() or "../..", language),
        }
        if event is not None:
            times = meeting_times(event, language)
            context.update(
                title=event.text("title", language),
                description=event.text("description", language),
                date_text=times.date,
                meeting_text=times.meeting,
                meal_text=times.meal_from,
                deadline_text=times.deadline,
                contact=event.organisers[0] if event.organisers else "",
                other_lang=i18n.other_language(language),
            )
        return context

    def form_page(
        self,
        event: Event,
        language: str,
        now: datetime,
        form_input: FormInput = NOTHING_TYPED,
        form_token: str = "",
    ) -> str:
        """The registration form; the closed page once the deadline has passed or every seat and
        the waiting list are taken."""
        context = self._context(event, language)
        if event.is_cancelled:
            tr = i18n.translator(language)
            context.update(
                heading=tr.gettext("The meeting is cancelled"),
                text=tr.gettext("The organisers have cancelled the meeting. It is no longer possible to sign up."),
            )
            return self.templates.get_template("closed.html").render(context)
        if not event.is_open(now):
            return self.templates.get_template("closed.html").render(context)
        if event.waitlist_is_full:
            context.update(
                heading=i18n.translator(language).gettext("The waiting list is full"),
                text=i18n.message("waitlist_full", language),
            )
            return self.templates.get_template("closed.html").render(context)
        context.update(
            **form_input.context(language),
            form_token=form_token,
            seats_left=event.seats_left,
            **_question_context(event, language),
        )
        return self.templates.get_template("form.html").render(context)

    def embed_snippets(self, event: Event, language: str, base_url: str, redirect: str = "") -> tuple[str, str]:
        """(an auto-resizing <iframe>, a plain <form>) for the municipality to paste into its page."""
        form_url = links.registration_form(base_url, event.id, language)
        frame_id = f"signup-{event.id}"
        origin = origin_of(base_url)
        title = event.text("title", language)
        submit = i18n.translator(language).gettext("Send registration")
        iframe = (
            f'<iframe id="{frame_id}" src="{form_url}" title="{submit}: {html.escape(title)}" '
            'style="width:100%;min-height:70rem;border:0" loading="lazy"></iframe>\n'
            "<script>\n"
            'window.addEventListener("message", function (e) {\n'
            f'  if (e.origin !== "{origin}" || !e.data || e.data.signup !== "height") return;\n'
            f'  document.getElementById("{frame_id}").style.height = e.data.height + "px";\n'
            "});\n"
            "</script>"
        )
        context = self._context(event, language)
        context.update(
            **NOTHING_TYPED.context(language),
            **_question_context(event, language),
            action=f"{base_url}/events/{event.id}/registrations",
            privacy_url=links.privacy(base_url, language),
            redirect=redirect,
            form_token="",
        )
        form = self.templates.get_template("embed_form.html").render(context)
        return iframe, form

    def question_form(
        self,
        event: Event,
        language: str,
        *,
        privacy_url: str,
        form_input: FormInput = NOTHING_TYPED,
    ) -> dict[str, Any]:
        """What `_form.html` needs to ask an event's questions, for a form outside the public page
        (the console's add-by-hand page): the same fields, limits, messages and privacy notice."""
        context = self._context(event, language)
        return {
            "controller": context["controller"],
            "sensitive_days": context["sensitive_days"],
            "retention_days": context["retention_days"],
            "privacy_url": privacy_url,
            **form_input.context(language),
            **_question_context(event, language),
        }

    def embed_script(self) -> str:
        return self.script("embed.js")

    def script(self, name: str) -> str:
        """A script from the templates folder as it is, not rendered (served by its own route)."""
        return (TEMPLATE_SOURCES / name).read_text(encoding="utf-8")

    def thanks_page(self, event: Event, language: str, status: str, email_note: str = "") -> str:
        context = self._context(event, language)
        tr = i18n.translator(language)
        # `status` comes from the query string: anything else reads as confirmed.
        by_status: dict[str, str] = {
            Status.WAITLISTED: tr.gettext(
                "All seats are taken, so you are on the waiting list. We will be in touch if a seat opens up."
            ),
            Status.PENDING: tr.gettext(
                "We are holding a seat for you. Open the email we sent and confirm with the link in it, otherwise "
                "the seat goes to someone else."
            ),
        }
        context["status_text"] = by_status.get(
            status, tr.gettext("You have a seat. A confirmation is on its way to your email.")
        )
        # `email_note` comes from the query string too: anything else reads as an email on its way.
        email_notes: dict[str, str] = {
            ThanksNote.DELAYED: tr.gettext(
                "The confirmation email is delayed. Your registration is saved and the email will be sent as soon as "
                "possible."
            ),
            ThanksNote.LIMITED: tr.gettext(
                "Your registration is saved. We have already sent several emails to that address today, so no "
                "confirmation is sent now. Questions? Contact the organiser."
            ),
        }
        context["email_note"] = email_notes.get(
            email_note,
            tr.gettext("The confirmation may take a few minutes. Check your spam folder if it does not arrive."),
        )
        return self.templates.get_template("thanks.html").render(context)

    def message_page(self, event: Event | None, language: str, heading: str, text: str) -> str:
        context = self._context(event, language)
        context.update(heading=heading, text=text)
        return self.templates.get_template("message.html").render(context)

    def leave_network_page(self, language: str, *, left: bool) -> str:
        """The way out of the network's emails: a button (a GET never acts: mail scanners follow
        links), then what the press did. The same words whether or not the person was a member."""
        tr = i18n.translator(language)
        context = self._context(None, language)
        if left:
            heading = tr.gettext("You have left the network's emails")
            text = tr.gettext(
                "We no longer keep you as a member of the network: what we kept about you as a member is "
                "deleted, and the network sends you no more invitations. A registration you have made stays "
                "until its meeting is over."
            )
        else:
            heading = tr.gettext("Stop the network's emails?")
            text = tr.gettext(
                "You asked to be kept informed about the network's meetings. Press the button and we stop at "
                "once and delete what we keep about you as a member. A registration you have made stays until "
                "its meeting is over."
            )
        context.update(heading=heading, text=text, ask=not left)
        return self.templates.get_template("network_leave.html").render(context)

    def event_not_found_page(self, language: str) -> str:
        return self.message_page(
            None,
            language,
            i18n.translator(language).gettext("Meeting not found"),
            i18n.message("event_not_found", language),
        )

    def refusal_page(self, event: Event | None, language: str, error: SignupError) -> str:
        """A refused post, said in the error's own words under "something went wrong"."""
        heading = i18n.translator(language).gettext("The registration could not be sent")
        return self.message_page(event, language, heading, error_message(error, language))

    def nothing_changed_page(self, language: str, error: SignupError) -> str:
        """A post behind a person's own link that could not be carried out: the registration is as it was."""
        heading = i18n.translator(language).gettext("Nothing was changed")
        return self.message_page(None, language, heading, error_message(error, language))

    def manage_page(
        self,
        event: Event,
        registration: Any,
        now: datetime,
        action: str,
        heading_key: str = "manage_heading",
        text_key: str = "",
        form_input: FormInput | None = None,
    ) -> str:
        """One's own registration: what is stored, an edit form while registration is open (filled in
        with `form_input`, else with the stored answers), and cancelling until the meeting starts. Both
        forms post to `action` (the link itself)."""
        language = registration.answers.language
        context = self._context(event, language)
        tr = i18n.translator(language)
        # Once the meeting is called off there is nothing left to change or cancel: the page says so.
        live = registration.is_live and not event.is_cancelled
        context.update(
            meeting_cancelled=event.is_cancelled,
            registration=registration,
            action=action,
            heading=tr.gettext(PAGE_TEXTS[heading_key]),
            text=tr.gettext(PAGE_TEXTS[text_key]) if text_key else "",
            editable=live and event.is_open(now),
            cancellable=live and not event.has_started(now),
            started=live and event.has_started(now),
            **(form_input or FormInput(answer_values(registration.answers))).context(language),
            **_question_context(event, language),
        )
        return self.templates.get_template("manage.html").render(context)

    def confirm_page(self, event: Event, registration: Any, outcome: HoldState) -> str:
        """Confirming a held seat: "held" shows the button (a GET never confirms: mail scanners follow
        links), the others say what a press did."""
        language = registration.answers.language
        context = self._context(event, language)
        tr = i18n.translator(language)
        until = local_date_and_clock(event, registration.hold_until, language)
        heading, text = {
            HoldState.HELD: ("confirm_heading", ""),
            HoldState.CONFIRMED: ("confirmed_heading", "confirmed_text"),
            HoldState.ALREADY: ("confirmed_heading", "already_confirmed_text"),
            HoldState.RELEASED: ("released_heading", "released_text"),
            HoldState.NOT_HELD: ("manage_heading", "not_held_text"),
        }[outcome]
        context.update(
            registration=registration,
            heading=tr.gettext(PAGE_TEXTS[heading]),
            text=tr.gettext(PAGE_TEXTS[text]) if text else "",
            ask=outcome == HoldState.HELD,
            hold_text=tr.gettext(
                "We are holding the seat for you until {until}. Press the button and it is yours."
            ).format(until=until)
            if until
            else "",
        )
        return self.templates.get_template("confirm.html").render(context)

    def link_problem_page(self, language: str, expired: bool) -> str:
        tr = i18n.translator(language)
        prefix = "link_expired" if expired else "link_invalid"
        return self.message_page(
            None, language, tr.gettext(PAGE_TEXTS[f"{prefix}_heading"]), tr.gettext(PAGE_TEXTS[f"{prefix}_text"])
        )

    def privacy_page(self, language: str) -> str:
        context = self._context(None, language)
        context["other_lang"] = i18n.other_language(language)
        return self.templates.get_template("privacy.html").render(context)


def _question_context(event: Event, language: str) -> dict[str, Any]:
    """What the form template needs to know about the event's questions (hosted form and pasted form)."""
    custom = [custom_question_view(event, question, language) for question in event.custom_questions]
    tr = i18n.translator(language)
    return {
        "fields": {field.name: field for field in field_table.for_event(event)},
        "sectors": [(sector, phrase(tr, sector, Phrase.NAME)) for sector in Sector],
        "asks": {question: event.asks(question) for question in (*OPTIONAL_QUESTIONS, "network")},
        "interests": [(area.id, area.label(language)) for area in event.interests],
        "custom_questions": custom,
        # The error summary names an organiser's question by its own label.
        "question_labels": {
            **{view["name"]: view["label"] for view in custom},
            **{view["consent_name"]: view["label"] for view in custom if view["sensitive"]},
        },
    }


# What a condition on the fixed `language` answer says in words.
STANDARD_QUESTION_NAMES = {"language": N_("Language")}


def custom_question_view(event: Event, question: Question, language: str) -> dict[str, Any]:
    """One of the organisers' questions as the form shows it, in `language`: its texts, its choices
    (a full one marked, and how many places are left of a limited one) and its condition in words."""
    tr = i18n.translator(language)
    choices = []
    for choice in question.choices:
        left = None
        if choice.limit is not None:
            left = max(choice.limit - event.choice_counts.get(f"{question.id}:{choice.id}", 0), 0)
        choices.append({"id": choice.id, "label": choice.label(language), "left": left, "full": left == 0})
    view: dict[str, Any] = {
        "id": question.id,
        "name": question.field_name,
        "consent_name": question.consent_name,
        "type": question.type,
        "label": question.text("label", language),
        "help": question.text("help", language),
        "required": question.required,
        "sensitive": question.sensitive,
        "max_length": question.max_length,
        "min": question.min,
        "max": question.max,
        "choices": choices,
        "condition": "",
        "show_when": "",
        "show_values": "",
    }
    condition = question.show_when
    if condition is not None:
        words = [_answer_words(event, condition.question, value, tr, language) for value in condition.values]
        if condition.question in SHOW_WHEN_STANDARD:
            about = (
                tr.gettext(STANDARD_QUESTION_NAMES[condition.question])
                if condition.question == "language"
                else tr.pgettext(*i18n.FIELD_LABELS[condition.question])
            )
            field_name = condition.question
        else:
            other = event.custom_question(condition.question)
            about = other.text("label", language) if other else condition.question
            field_name = answer_field(condition.question)
        quoted = [f"”{word}”" if language == "sv" else f"“{word}”" for word in words]
        view["condition"] = tr.gettext("Only answer if you answered {answer} to the question “{question}”.").format(
            answer=tr.gettext(" or ").join(quoted), question=about
        )
        view["show_when"] = field_name
        view["show_values"] = " ".join(
            _yes_no(value) if isinstance(value, bool) else str(value) for value in condition.values
        )
    return view


def _answer_words(event: Event, question_id: str, value: str | bool, tr: NullTranslations, language: str) -> str:
    if isinstance(value, bool):
        return i18n.yes_or_no(tr, value)
    if question_id == "language":
        return tr.gettext(i18n.LANGUAGE_NAMES[str(value)])
    other = event.custom_question(question_id)
    choice = other.choice(value) if other else None
    return choice.label(language) if choice else value


def _field_errors(error: ValidationFailed | None, language: str) -> dict[str, str]:
    if error is None:
        return {}
    return {name: i18n.field_message(code, language, **params) for name, (code, params) in error.fields.items()}


def _form_values(typed: Mapping[str, Any]) -> dict[str, Any]:
    values = dict(typed)
    interests = values.get("interests") or []
    values["interests"] = [interests] if isinstance(interests, str) else list(interests)
    return values


def answer_values(answers: Any) -> dict[str, Any]:
    """Stored answers as the form's fields, so the edit form starts from what is stored."""

    return {
        "name": answers.name,
        "organisation": answers.organisation,
        "sector": answers.sector,
        "meal": _yes_no(answers.meal),
        "diet": answers.diet,
        # A stored diet was stored with its owner's consent; unticking it and saving withdraws it.
        "diet_consent": YesNo.YES if answers.diet else "",
        "access_needs": answers.access_needs,
        "attended_before": _yes_no(answers.attended_before),
        "interests": list(answers.interests),
        "share_with_group": YesNo.YES if answers.share_with_group else "",
        "message": answers.message,
        **custom_answer_values(answers),
    }


def _yes_no(value: bool | None) -> str:
    """A stored yes/no answer as the form's choice ("" when none was given)."""
    return "" if value is None else YesNo.of(value)


def custom_answer_values(answers: Any) -> dict[str, Any]:
    """Answers to the organisers' own questions as the form's fields."""
    values: dict[str, Any] = {}
    for question_id, value in answers.custom.items():
        name = answer_field(question_id)
        if isinstance(value, bool):
            values[name] = _yes_no(value)
        elif isinstance(value, tuple | list):
            values[name] = list(value)
        else:
            values[name] = str(value)
        if question_id in answers.sensitive:
            # Stored with its owner's consent; unticking it and saving withdraws the answer.
            values[consent_field(question_id)] = YesNo.YES
    return values
