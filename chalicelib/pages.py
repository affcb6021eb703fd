"""The pages a person sees, rendered from the Jinja2 templates with the settings they show."""

from __future__ import annotations

import functools
import html
from datetime import datetime
from typing import Any

from jinja2 import Environment, PackageLoader, pass_context, select_autoescape
from jinja2.runtime import Context

from . import fields as field_table
from . import i18n
from .config import Settings
from .errors import SignupError, ValidationFailed
from .events import OPTIONAL_QUESTIONS, Event
from .fields import SECTORS
from .meeting_times import local_date_and_clock, meeting_times
from .registrations import EmailKind, HoldState, Status
from .security import origin_of
from .web import error_message


@functools.cache
def templates() -> Environment:
    """The one Jinja2 environment, for pages and emails alike (built once per container)."""
    environment = Environment(
        loader=PackageLoader("chalicelib", "templates"),
        autoescape=select_autoescape(["html", "xml"]),
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    # `{{ _("…") }}`, `{% trans %}…{% pluralize %}…{% endtrans %}` in the template's `lang` (babel.cfg reads
    # the templates with the same settings). Newstyle: `_("Hi %(name)s", name=n)` fills in and escapes `name`.
    environment.policies["ext.i18n.trimmed"] = True
    environment.install_gettext_callables(  # type: ignore[attr-defined]
        _template_gettext, _template_ngettext, newstyle=True, pgettext=_template_pgettext
    )
    # Templates compare with the states by name (`status == Status.WAITLISTED`), not by a copy of their value.
    environment.globals.update(Status=Status, EmailKind=EmailKind)
    return environment


@pass_context
def _template_gettext(context: Context, message: str) -> str:
    return i18n.translator(context["lang"]).gettext(message)


@pass_context
def _template_pgettext(context: Context, message_context: str, message: str) -> str:
    return i18n.translator(context["lang"]).pgettext(message_context, message)


@pass_context
def _template_ngettext(context: Context, singular: str, plural: str, count: int) -> str:
    return i18n.translator(context["lang"]).ngettext(singular, plural, count)


class Pages:
    """Renders every page; given its settings instead of reading the environment itself."""

    def __init__(self, settings: Settings, environment: Environment | None = None) -> None:
        self.settings = settings
        self.templates = environment or templates()

    def _context(self, event: Event | None, language: str) -> dict[str, Any]:
        labels = i18n.labels(language)
        context: dict[str, Any] = {
            "lang": language,
            "t": labels,
            "event": event,
            "controller": self.settings.controller(),
            "sensitive_days": self.settings.sensitive_days(),
            "retention_days": self.settings.retention_days(),
            # Relative by default, so it works under any API Gateway stage prefix.
            "privacy_url": f"{self.settings.base_url() or '../..'}/privacy?lang={language}",
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
                other_lang="en" if language == "sv" else "sv",
            )
        return context

    def form_page(
        self,
        event: Event,
        language: str,
        now: datetime,
        values: dict[str, Any] | None = None,
        error: ValidationFailed | None = None,
        form_token: str = "",
    ) -> str:
        """The registration form; the closed page once the deadline has passed or every seat and
        the waiting list are taken."""
        context = self._context(event, language)
        if not event.is_open(now):
            return self.templates.get_template("closed.html").render(context)
        if event.waitlist_is_full:
            context.update(heading=context["t"]["waitlist_full_heading"], text=i18n.message("waitlist_full", language))
            return self.templates.get_template("closed.html").render(context)
        context.update(
            values=_form_values(values),
            form_token=form_token,
            errors=_field_errors(error, language),
            seats_left=event.seats_left,
            **_question_context(event, language),
        )
        return self.templates.get_template("form.html").render(context)

    def embed_snippets(self, event: Event, language: str, base_url: str, redirect: str = "") -> tuple[str, str]:
        """(an auto-resizing <iframe>, a plain <form>) for the municipality to paste into its page."""
        form_url = f"{base_url}/events/{event.id}/form" + ("?lang=en" if language == "en" else "")
        frame_id = f"signup-{event.id}"
        origin = origin_of(base_url)
        title = event.text("title", language)
        iframe = (
            f'<iframe id="{frame_id}" src="{form_url}" title="{i18n.labels(language)["submit"]}: {html.escape(title)}" '
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
            values={"interests": []},
            errors={},
            **_question_context(event, language),
            action=f"{base_url}/events/{event.id}/registrations",
            privacy_url=f"{base_url}/privacy?lang={language}",
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
        values: dict[str, Any] | None = None,
        error: ValidationFailed | None = None,
    ) -> dict[str, Any]:
        """What `_form.html` needs to ask an event's questions, for a form outside the public page
        (the console's add-by-hand page): the same fields, limits, messages and privacy notice."""
        context = self._context(event, language)
        return {
            "controller": context["controller"],
            "sensitive_days": context["sensitive_days"],
            "retention_days": context["retention_days"],
            "privacy_url": privacy_url,
            "values": _form_values(values),
            "errors": _field_errors(error, language),
            **_question_context(event, language),
        }

    def embed_script(self) -> str:
        return self.script("embed.js")

    def script(self, name: str) -> str:
        """A script from the templates folder as it is, not rendered (served by its own route)."""
        loader = self.templates.loader
        assert loader is not None  # noqa: S101 - built with a PackageLoader above
        source, _, _ = loader.get_source(self.templates, name)
        return source

    def thanks_page(self, event: Event, language: str, status: str, email_note: str = "") -> str:
        context = self._context(event, language)
        labels = context["t"]
        # `status` comes from the query string: anything else reads as confirmed.
        by_status: dict[str, str] = {
            Status.WAITLISTED: labels["thanks_waitlisted"],
            Status.PENDING: labels["thanks_pending"],
        }
        context["status_text"] = by_status.get(status, labels["thanks_confirmed"])
        context["email_note"] = {
            "delayed": labels["thanks_email_delayed"],
            "limited": labels["thanks_email_limited"],
        }.get(email_note, labels["thanks_email_note"])
        return self.templates.get_template("thanks.html").render(context)

    def message_page(self, event: Event | None, language: str, heading: str, text: str) -> str:
        context = self._context(event, language)
        context.update(heading=heading, text=text)
        return self.templates.get_template("message.html").render(context)

    def event_not_found_page(self, language: str) -> str:
        return self.message_page(
            None, language, i18n.labels(language)["not_found_heading"], i18n.message("event_not_found", language)
        )

    def refusal_page(self, event: Event | None, language: str, error: SignupError) -> str:
        """A refused post, said in the error's own words under "something went wrong"."""
        heading = i18n.labels(language)["errors_heading"]
        return self.message_page(event, language, heading, error_message(error, language))

    def nothing_changed_page(self, language: str, error: SignupError) -> str:
        """A post behind a person's own link that could not be carried out: the registration is as it was."""
        heading = i18n.labels(language)["nothing_changed_heading"]
        return self.message_page(None, language, heading, error_message(error, language))

    def manage_page(
        self,
        event: Event,
        registration: Any,
        now: datetime,
        action: str,
        heading_key: str = "manage_heading",
        text_key: str = "",
        values: dict[str, Any] | None = None,
        error: ValidationFailed | None = None,
    ) -> str:
        """One's own registration: what is stored, an edit form while registration is open,
        and cancelling until the meeting starts. Both forms post to `action` (the link itself)."""
        language = registration.answers.language
        context = self._context(event, language)
        labels = context["t"]
        live = registration.is_live
        context.update(
            registration=registration,
            action=action,
            heading=labels[heading_key],
            text=labels[text_key] if text_key else "",
            editable=live and event.is_open(now),
            cancellable=live and not event.has_started(now),
            started=live and event.has_started(now),
            errors=_field_errors(error, language),
            values=_form_values(values) if values is not None else answer_values(registration.answers),
            **_question_context(event, language),
        )
        return self.templates.get_template("manage.html").render(context)

    def confirm_page(self, event: Event, registration: Any, outcome: HoldState) -> str:
        """Confirming a held seat: "held" shows the button (a GET never confirms: mail scanners follow
        links), the others say what a press did."""
        language = registration.answers.language
        context = self._context(event, language)
        labels = context["t"]
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
            heading=labels[heading],
            text=labels[text] if text else "",
            ask=outcome == HoldState.HELD,
            hold_text=labels["confirm_text"].format(until=until) if until else "",
        )
        return self.templates.get_template("confirm.html").render(context)

    def link_problem_page(self, language: str, expired: bool) -> str:
        labels = i18n.labels(language)
        prefix = "link_expired" if expired else "link_invalid"
        return self.message_page(None, language, labels[f"{prefix}_heading"], labels[f"{prefix}_text"])

    def privacy_page(self, language: str) -> str:
        context = self._context(None, language)
        context["other_lang"] = "en" if language == "sv" else "sv"
        return self.templates.get_template("privacy.html").render(context)


def _question_context(event: Event, language: str) -> dict[str, Any]:
    """What the form template needs to know about the event's questions (hosted form and pasted form)."""
    return {
        "fields": field_table.BY_NAME,
        "sectors": SECTORS,
        "asks": {question: event.asks(question) for question in OPTIONAL_QUESTIONS},
        "interests": [(area.id, area.label(language)) for area in event.interests],
    }


def _field_errors(error: ValidationFailed | None, language: str) -> dict[str, str]:
    if error is None:
        return {}
    return {name: i18n.field_message(code, language, **params) for name, (code, params) in error.fields.items()}


def _form_values(values: dict[str, Any] | None) -> dict[str, Any]:
    values = dict(values or {})
    interests = values.get("interests") or []
    values["interests"] = [interests] if isinstance(interests, str) else list(interests)
    return values


def answer_values(answers: Any) -> dict[str, Any]:
    """Stored answers as the form's fields, so the edit form starts from what is stored."""

    def yes_no(value: bool | None) -> str:
        return {True: "yes", False: "no", None: ""}[value]

    return {
        "name": answers.name,
        "organisation": answers.organisation,
        "sector": answers.sector,
        "meal": yes_no(answers.meal),
        "diet": answers.diet,
        # A stored diet was stored with its owner's consent; unticking it and saving withdraws it.
        "diet_consent": "yes" if answers.diet else "",
        "access_needs": answers.access_needs,
        "attended_before": yes_no(answers.attended_before),
        "interests": list(answers.interests),
        "message": answers.message,
    }
