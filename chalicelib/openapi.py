"""The public contract as OpenAPI 3.1, served at /openapi.json.

The registration's fields come from the field table (`fields`), so the schema
states exactly what the validator accepts. `/events/{id}/openapi.json` is the
same contract for one event: which optional questions it asks (the meal answer is
required exactly when it serves a meal) and its interest areas' ids.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from email_validator import SPECIAL_USE_DOMAIN_NAMES

from . import forms
from .console import people as people_filter
from .events import EVENT_ID_PATTERN, LANGUAGES, QUESTION_LIMITS, QUESTION_TYPES, QuestionType, answer_field
from .fields import BY_NAME, FIELDS, NO, YES, Field, Kind, custom_fields
from .forms import MAX_BODY_BYTES
from .registrations import EmailState, Status, ThanksNote
from .sectors import Sector

if TYPE_CHECKING:
    from .events import Event, Question

JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
HTML = "text/html"
# A sign-up answers the status it gave (never cancelled) and what became of its email by then
# (sent or failed, or never tried: suppressed, limited; never still sending, never given up).
SIGN_UP_STATUSES = [status for status in Status if status is not Status.CANCELLED]
SIGN_UP_EMAIL_STATES = [state for state in EmailState if state not in (EmailState.SENDING, EmailState.GAVE_UP)]

_ERROR_CODES = [
    "invalid_input",
    "registration_closed",
    "event_cancelled",
    "waitlist_full",
    "registration_not_found",
    "event_not_found",
    "malformed_request",
    "forbidden_origin",
    "payload_too_large",
    "unsupported_media_type",
    "too_many_requests",
    "busy",
    "unavailable",
]


def _yes_no(field: Field, form: bool) -> dict[str, Any]:
    words = {"type": "string", "pattern": _words([*YES, *NO], blank=not field.required)}
    if form:
        return {**words, "description": "One of these words (case and surrounding spaces do not matter)"}
    return {
        "description": "JSON true or false, or one of these words (case and surrounding spaces do not matter)",
        "oneOf": [{"type": "boolean"}, words],
    }


def _any_case(words: list[str] | tuple[str, ...]) -> str:
    """Alternatives matching each word in any case (JSON Schema's patterns have no flags)."""
    return "|".join("".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else c for c in word) for word in words)


def _words(words: list[str] | tuple[str, ...], *, blank: bool) -> str:
    """A pattern for one of `words`, in any case, with spaces around; or only spaces when `blank`."""
    return f"^\\s*({_any_case(words)}){'?' if blank else ''}\\s*$"


def _plain_line_pattern(field: Field) -> str:
    """`Field.pattern` and what `forms` refuses in a name or an organisation, as one pattern:
    its own regular expressions (case-insensitive, with the dots NFKC turns into '.') and the
    invisible characters spelled out (JSON Schema's patterns have no Unicode categories)."""
    web = forms.WEB_ADDRESS.pattern.replace("\\.", "[.\\u3002\\uff0e\\uff61]")
    invisible = "".join(_class_range(low, high) for low, high in forms.invisible_ranges())
    allowed = f"[^{field.forbidden}{invisible}]"
    return (
        f"^(?!.*(?i:{forms.ENCODED_WORD.pattern}))(?!.*(?i:{web}))"
        f"{allowed}*[^\\s{field.forbidden}{invisible}]{allowed}*$"
    )


def _class_range(low: int, high: int) -> str:
    def escaped(code: int) -> str:
        return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"

    return escaped(low) if low == high else f"{escaped(low)}-{escaped(high)}"


def field_schema(field: Field, event: Event | None = None, *, form: bool = False) -> dict[str, Any]:
    """One field's JSON Schema, from its row in the table; a form post carries only text."""
    schema: dict[str, Any]
    if field.kind in (Kind.TEXT, Kind.FREE_TEXT, Kind.EMAIL):
        schema = {"type": "string", "pattern": field.pattern}
        if field.max_length:
            schema["maxLength"] = field.max_length
        if field.min_length:
            schema["minLength"] = field.min_length
        if field.kind is Kind.TEXT:
            schema["pattern"] = _plain_line_pattern(field)
            schema["description"] = (
                "Plain text on one line: no control or invisible characters (a zero-width joiner inside a word "
                "of a script that spells with it is kept), no RFC 2047 encoded words, no web addresses (also "
                "after NFKC normalisation)"
            )
        if field.kind is Kind.EMAIL:
            # email-validator refuses special-use domains (.test, .local, ...): say so, from its own list.
            reserved = _any_case(SPECIAL_USE_DOMAIN_NAMES)
            # ... and forms refuses non-ASCII before the @ (SES does not deliver to it).
            schema["pattern"] = f"^(?!.*[.@]({reserved})\\s*$)(?!.*[^\\x00-\\x7f].*@)" + field.pattern[1:]
            schema["format"] = "email"
            schema["description"] = "Checked for syntax only (no DNS); trimmed, compared without regard to case"
    elif field.kind is Kind.CHOICE:
        schema = {"type": "string", "pattern": _words(field.choices, blank=not field.required)}
        schema["description"] = "One of: " + ", ".join(field.choices) + " (case and surrounding spaces do not matter)"
    elif field.kind is Kind.YES_NO:
        schema = _yes_no(field, form)
    elif field.kind is Kind.NUMBER:
        schema = _number(field, form)
    elif field.kind is Kind.SEVERAL:
        ids = "|".join(field.choices)
        one = {"type": "string", "pattern": f"^\\s*({ids})?\\s*$"}
        listed: dict[str, Any] = {"type": "array", "items": one}
        if field.required:
            # At least one id that is not blank.
            listed["contains"] = {"type": "string", "pattern": f"^\\s*({ids})\\s*$"}
            one = {"type": "string", "pattern": f"^\\s*({ids})\\s*$"}
        schema = {
            "description": "Ids of the question's choices (GET /events/{event_id} lists them): one, or a list; "
            "blanks are no choice, a repeated id counts once"
            + (f"; at most {field.max_choices} different ones" if field.max_choices else ""),
            "oneOf": [one, listed],
        }
    else:
        # Area ids are lower-case letters, digits and '-' (EVENT_ID_PATTERN): nothing to escape.
        ids = EVENT_ID_PATTERN.pattern[1:-1] if event is None else "|".join(area.id for area in event.interests)
        schema = {
            "description": (
                "The event's interest area ids (GET /events/{event_id} lists them): one, or a list; blanks are "
                "no choice"
            ),
            "oneOf": [
                {"type": "string", "pattern": f"^\\s*({ids})?\\s*$"},
                {"type": "array", "items": {"type": "string", "pattern": f"^\\s*({ids})?\\s*$"}},
            ],
        }
    if not field.required and not form:
        schema = {"anyOf": [schema, {"type": "null"}], "description": "Optional: null or blank means no answer"}
    return schema


def _number(field: Field, form: bool) -> dict[str, Any]:
    """A whole number: JSON's integer within the question's bounds, or its digits as text (for a
    range of up to a thousand numbers, spelled out in the pattern; a wider one's bounds are said in
    words only)."""
    low = field.minimum if field.minimum is not None else -(10**10)
    high = field.maximum if field.maximum is not None else 10**10
    core = "[+-]?[0-9]{1,10}"
    if high - low <= 1000:
        spelled = sorted({_spelled(number) for number in range(low, high + 1)})
        core = f"(?=[+-]?[0-9]{{1,10}}\\s*$)({'|'.join(spelled)})"
    # Blank is no answer, which only an optional question takes.
    digits = {"type": "string", "pattern": f"^\\s*({core}){'' if field.required else '?'}\\s*$"}
    words = "A whole number"
    if field.minimum is not None or field.maximum is not None:
        words += f" from {low} to {high}"
    if form:
        return {**digits, "description": words + " (digits, with surrounding spaces allowed)"}
    return {
        "description": words + ": a JSON integer or its digits as text",
        "oneOf": [{"type": "integer", "minimum": low, "maximum": high}, digits],
    }


def _spelled(number: int) -> str:
    """`number`'s digits as the validator reads them: leading zeros and a sign allowed."""
    if number == 0:
        return "[+-]?0+"
    sign = "-" if number < 0 else "\\+?"
    return f"{sign}0*{abs(number)}"


def registration_schema(event: Event | None = None, *, form: bool = False) -> dict[str, Any]:
    """The registration body (JSON, or a urlencoded form); for one event, only the questions it asks,
    its organisers' own questions included (`q_<id>`)."""
    asked = [field for field in FIELDS if event is None or field.asked_by(event)]
    required = [field.name for field in asked if field.required and (event is not None or field.question is None)]
    properties = {field.name: field_schema(field, event, form=form) for field in asked}
    if form:
        properties["redirect"] = {
            "type": "string",
            "description": "Answer with a redirect to this page if it is on an allowed origin",
        }
    questions = event.custom_questions if event is not None else ()
    schema: dict[str, Any] = {
        "type": "object",
        "required": required,
        "properties": properties,
        "description": (
            "Unknown fields are ignored, as are the answers to questions the event does not ask. "
            + (
                "`meal` is required when the event serves a meal (its `questions` include `meal`). "
                if event is None
                else ""
            )
            + "A diet is kept only with `diet_consent` yes, and only from someone who eats. "
            + "`network_consent` (asked only on a meeting of a network's series, unticked by default): yes keeps "
            + "the person as a member of the network after the meeting, until they leave. "
            + "`share_with_group` (asked beside the working-group areas, unticked by default): yes lists the "
            + "person's name, organisation and address in the email that tells their working group who is in it."
            + (
                " Questions of the organisers' own are `q_<id>` (GET /events/{event_id} lists them); one with "
                "`show_when` is asked, and required, only when that answer has one of its values, else its "
                "answer is ignored; a sensitive one's answer is kept only with `q_<id>_consent` yes."
                if event is None or questions
                else ""
            )
        ),
    }
    if event is None or event.asks("diet"):
        yes = {"type": "string", "pattern": _words(YES, blank=False)}
        eats = yes if form else {"oneOf": [{"const": True}, yes]}
        schema["if"] = {
            "required": ["meal", "diet"],
            "properties": {"meal": eats, "diet": {"type": "string", "pattern": "\\S"}},
        }
        schema["then"] = {"required": ["diet_consent"], "properties": {"diet_consent": eats}}
    rules = []
    for question in questions:
        answer, *consent = custom_fields(question)
        rule = _question_rule(answer, consent[0] if consent else None, event, form)
        if question.show_when is None:
            properties[answer.name] = rule["properties"][answer.name]
            required.extend(rule.get("required", []))
            if consent:
                properties[consent[0].name] = field_schema(consent[0], event, form=form)
                rules.append(_consent_rule(answer, consent[0], form))
        else:
            # Asked only when another answer has one of the values: otherwise whatever is sent is ignored.
            properties[answer.name] = {"description": answer.custom.text("label", "en") if answer.custom else ""}
            if consent:
                properties[consent[0].name] = {}
            condition = _condition(question, event, form) if event is not None else {}
            then = dict(rule)
            if consent:
                then["allOf"] = [_consent_rule(answer, consent[0], form)]
            rules.append({"if": condition, "then": then})
    if rules:
        schema["allOf"] = rules
    return schema


def _question_rule(answer: Field, consent: Field | None, event: Event | None, form: bool) -> dict[str, Any]:
    rule: dict[str, Any] = {"properties": {answer.name: field_schema(answer, event, form=form)}}
    if consent is not None:
        rule["properties"][consent.name] = field_schema(consent, event, form=form)
    if answer.required:
        rule["required"] = [answer.name]
    return rule


def _condition(question: Question, event: Event, form: bool) -> dict[str, Any]:
    """The answers for which a `show_when` question is asked."""
    assert question.show_when is not None  # noqa: S101 - only conditional questions come here
    other, values = question.show_when.question, question.show_when.values
    if other in ("meal", "attended_before"):
        name = other
        words = [*(YES if values[0] else NO)]
        value: dict[str, Any] = {"type": "string", "pattern": _words(words, blank=False)}
        if not form:
            value = {"oneOf": [{"const": values[0]}, value]}
    elif other == "language":
        name = other
        value = {"type": "string", "pattern": _words([str(v) for v in values], blank=False)}
    else:
        depended = event.custom_question(other)
        name = answer_field(other)
        if depended is not None and depended.type == QuestionType.YES_NO:
            words = [*(YES if values[0] else NO)]
            value = {"type": "string", "pattern": _words(words, blank=False)}
            if not form:
                value = {"oneOf": [{"const": values[0]}, value]}
        else:
            ids = "|".join(str(v) for v in values)
            several = depended is not None and depended.type == QuestionType.SEVERAL_CHOICES
            one = {
                "type": "string",
                "pattern": f"^\\s*({ids})\\s*$" if several else _words([str(v) for v in values], blank=False),
            }
            value = {"anyOf": [one, {"type": "array", "contains": one}]} if several else one
    return {"required": [name], "properties": {name: value}}


def _consent_rule(answer: Field, consent: Field, form: bool) -> dict[str, Any]:
    """A sensitive question answered (not blank) needs its consent yes."""
    yes = {"type": "string", "pattern": _words(YES, blank=False)}
    given: dict[str, Any] = {
        "anyOf": [
            {"type": "string", "pattern": "\\S"},
            {"type": "integer"},
            {"type": "boolean"},
            {"type": "array", "contains": {"type": "string", "pattern": "\\S"}},
        ]
    }
    return {
        "if": {"required": [answer.name], "properties": {answer.name: given}},
        "then": {
            "required": [consent.name],
            "properties": {consent.name: yes if form else {"oneOf": [{"const": True}, yes]}},
        },
    }


def _manage_schema(event: Event | None) -> dict[str, Any]:
    """The manage page's form post: edited answers with `action=update`, else a cancellation."""
    update = registration_schema(event, form=True)
    update["properties"] = {name: value for name, value in update["properties"].items() if name != "email"}
    update["properties"]["action"] = {"const": "update"}
    update["properties"].pop("redirect", None)
    update["required"] = ["action", *[name for name in update["required"] if name != "email"]]
    # Whatever is not an update cancels: an empty body, other fields, even one that is not a form.
    cancel = {"not": {"type": "object", "required": ["action"], "properties": {"action": {"const": "update"}}}}
    return {"oneOf": [update, cancel]}


def _html(description: str) -> dict[str, Any]:
    return {"description": description, "content": {HTML: {"schema": {"type": "string"}}}}


def _error(description: str, *, html: bool = False) -> dict[str, Any]:
    content: dict[str, Any] = {JSON: {"schema": {"$ref": "#/components/schemas/Error"}}}
    if html:
        content[HTML] = {"schema": {"type": "string"}}
    return {"description": description, "content": content}


def _console_signed_in(not_seen: str = "") -> dict[str, Any]:
    """What every signed-in console page may answer before its view (routes/console.py console_get):
    no live session, AWS busy, and (`not_seen`) the 404 for an event this person may not see."""
    return {
        "303": {"description": "No live session: to the sign-in page at /console"},
        **({"404": _html(not_seen)} if not_seen else {}),
        "503": _html("AWS is busy; nothing changed, try again shortly"),
    }


def _console_unreadable(limit: str = "16 kB") -> dict[str, Any]:
    """A console post's body refused before anything else (routes/console.py console_post)."""
    return {
        "400": _html("A body that could not be read; nothing changed"),
        "413": _html(f"A body over {limit}; nothing changed"),
        "415": _html("Not a form post; nothing changed"),
    }


def _console_form(properties: dict[str, Any], media: tuple[str, ...] = (FORM,)) -> dict[str, Any]:
    """A console form post's body: the session's `csrf_token`, the page's `lang` and the form's own fields."""
    fields = {"csrf_token": {"type": "string"}, "lang": {"type": "string"}, **properties}
    return {"required": True, "content": {kind: {"schema": {"type": "object", "properties": fields}} for kind in media}}


def _in_path(name: str, description: str = "") -> dict[str, Any]:
    """A parameter in the path: always there, a string."""
    parameter: dict[str, Any] = {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
    if description:
        parameter["description"] = description
    return parameter


def _in_query(name: str, description: str) -> dict[str, Any]:
    """A parameter in the query string: a string, never required."""
    return {"name": name, "in": "query", "required": False, "schema": {"type": "string"}, "description": description}


def _text(description: str) -> dict[str, Any]:
    """A form field's schema: text, said what it does."""
    return {"type": "string", "description": description}


def _operation(
    summary: str,
    parameters: list[dict[str, Any]] | None,
    responses: dict[str, Any],
    *,
    body: dict[str, Any] | None = None,
    description: str = "",
) -> dict[str, Any]:
    """One method of a path: what it does, what it takes, and its answers by status."""
    operation: dict[str, Any] = {"summary": summary}
    if description:
        operation["description"] = description
    if parameters is not None:
        operation["parameters"] = parameters
    if body is not None:
        operation["requestBody"] = body
    operation["responses"] = responses
    return operation


def _console_paths(event_id: dict[str, Any], lang: dict[str, Any]) -> dict[str, Any]:
    """The organiser console: HTML pages behind the session cookie `__Host-signup-session`.

    Without a live session every signed-in page answers 303 to `/console` (the sign-in page).
    Posts are urlencoded forms; those made while signed in carry the session's `csrf_token`.
    """
    sign_in_link = _in_path("token", "The one-time token from the emailed sign-in link (43 URL-safe characters)")
    series = _in_path("series")
    unreadable = _console_unreadable()
    signed_in = _console_signed_in()
    not_seen = _console_signed_in("No such event, or one this person may not see (the same page)")
    busy = {"503": _html("AWS is busy; try again shortly")}
    sign_in_form = {
        "required": True,
        "content": {
            FORM: {
                "schema": {
                    "type": "object",
                    "required": ["email"],
                    "properties": {
                        "email": field_schema(BY_NAME["email"], form=True),
                        "lang": {"type": "string"},
                    },
                }
            }
        },
    }
    link_refused = {"404": _html("A link we never made"), "410": _html("A link already used, or older than 15 minutes")}
    signed_out = {
        "303": {"description": "Signed out: to /console"},
        "403": _html("The CSRF token is missing or wrong, or the post came from another site: nothing changed"),
        **signed_in,
        **unreadable,
    }
    not_organised = _html("No such series, or one whose meetings this person organises none of")

    def sign_out(summary: str) -> dict[str, Any]:
        return {"post": _operation(summary, [lang], signed_out, body=_console_form({}))}

    def event_page(summary: str, what: str) -> dict[str, Any]:
        return {"get": _operation(summary, [event_id, lang], {"200": _html(what), **not_seen})}

    return {
        "/console": {
            "get": _operation(
                "The organiser console: the sign-in page, or one's events once signed in",
                [lang],
                {"200": _html("The sign-in form, or the events one may see (upcoming first)"), **busy},
            )
        },
        "/console/sign-in": {
            "post": _operation(
                "Ask for a sign-in link: the same answer whether or not the address may sign in",
                [lang],
                {
                    "200": _html("Check your email (an administrator or organiser has been sent a link)"),
                    "403": _html("Posted from another site"),
                    "422": _html("Not an email address: the form again with its message"),
                    "429": _html("Too many links asked for this hour, for this address or from this sender"),
                    **busy,
                    **unreadable,
                },
                body=sign_in_form,
            )
        },
        "/console/sign-in/{token}": {
            "get": _operation(
                "The emailed link: a page with a button (a GET never signs in; mail scanners follow links)",
                [sign_in_link, lang],
                {"200": _html("The sign-in button"), **link_refused, **busy},
            ),
            "post": _operation(
                "The button: spends the link (once) and sets the session cookie",
                [sign_in_link, lang],
                {
                    "303": {"description": "Signed in (Set-Cookie `__Host-signup-session`): to /console"},
                    "403": _html("Posted from another site: the link is kept"),
                    **link_refused,
                    **busy,
                },
            ),
        },
        "/console/sign-out": sign_out("Sign out on this device"),
        "/console/sign-out-everywhere": sign_out("Sign out on every device (every earlier session stops working)"),
        "/console/events/{event_id}": event_page("One event in the console: its counts and tools", "The event's page"),
        "/console/events/{event_id}/audit": event_page(
            "The event's audit log: who did what in the console, and when", "The audit log, newest first"
        ),
        "/console/network/{series}": {
            "get": _operation(
                "A network's series: new and returning, sectors and gaps, whom to remind, the members",
                [series, lang],
                {
                    "200": _html("The network's report: charts with the tables behind them"),
                    "404": not_organised,
                    **signed_in,
                },
            )
        },
        "/console/network/{series}/merge": {
            "post": _operation(
                "Count one organisation's name as another's from now on (in the series' audit logs)",
                [series, lang],
                {
                    "303": {"description": "Merged: back to the network's page, which says so"},
                    "403": _html("Without the session's CSRF token, or posted from another site"),
                    "404": not_organised,
                    "422": _html("A name missing or too long, or the two are one organisation already"),
                    **unreadable,
                    **signed_in,
                },
                body=_console_form({"keep": _text("The name to keep"), "other": _text("The name that counts as it")}),
            )
        },
    }


def _console_people_paths(event_id: dict[str, Any], lang: dict[str, Any]) -> dict[str, Any]:
    """The console's people of one event (behind the session cookie, like every console page)."""
    registration_id = _in_path("registration_id", "A registration of this event (as the people list links it)")
    text = _in_query("q", f"Search (its first {people_filter.MAX_SEARCH} characters)")
    signed_in = _console_signed_in("No such event or registration, or an event this person may not see (the same page)")
    posted = {
        "403": _html("The CSRF token is missing or wrong, or the post came from another site: nothing changed"),
        **_console_unreadable(),
        **signed_in,
    }
    one = [event_id, lang]
    person = [event_id, registration_id, lang]
    csv = {"200": {"description": "The CSV (logged)", "content": {"text/csv": {"schema": {"type": "string"}}}}}

    def choice(name: str, values: list[str], description: str) -> dict[str, Any]:
        # str(): a StrEnum member's repr would name its class.
        return _in_query(name, description + f": {[str(value) for value in values]}")

    def page(summary: str, parameters: list[dict[str, Any]], what: str) -> dict[str, Any]:
        return {"get": _operation(summary, parameters, {"200": _html(what), **signed_in})}

    def post(
        summary: str, done: str, refused: dict[str, Any] | None = None, fields: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """A post about one person: to a page (303) that says what was `done`, or `refused`."""
        responses = {"303": {"description": done}, **(refused or {}), **posted}
        return {"post": _operation(summary, person, responses, body=_console_form(fields or {}))}

    return {
        "/console/people.js": {
            "get": _operation(
                "The console's search-as-you-type script (the pages work without it)",
                None,
                {"200": {"description": "JavaScript", "content": {"text/javascript": {}}}},
            )
        },
        "/console/events/{event_id}/people": page(
            "Everyone registered: counts, search and filters (a plain GET form)",
            [
                *one,
                text,
                choice("status", list(people_filter.STATUS_CHOICES), "Status"),
                choice("meal", list(people_filter.MEAL_CHOICES), "Eating or not"),
                choice("sector", ["", *Sector], "Sector"),
                _in_query("interest", "An area id"),
                _in_query(
                    "answer",
                    "An answer to a question of the organisers' own: `question:choice` "
                    "(`question:yes`, `question:no` for a yes/no question)",
                ),
            ],
            "The people list; an unknown filter value reads as any",
        ),
        "/console/events/{event_id}/people/{registration_id}": page(
            "One person: answers, status, check-in and the latest email",
            [
                *person,
                _in_query("done", "What the POST that led here did, said as a notice; unknown values say nothing"),
                _in_query("promoted", "After a cancellation: the registration that got the freed seat"),
            ],
            "The person's page, with the forms to cancel, move up and resend",
        ),
        "/console/events/{event_id}/people/{registration_id}/cancel": post(
            "Cancel on the person's behalf (the waiting list moves up, with its email)",
            "Cancelled (or already): to the person's page, which says so",
            {"409": _html("The meeting has started: nothing changed")},
            {"tell": _text('"no": cancel without telling them; any other value (or none) tells them')},
        ),
        "/console/events/{event_id}/people/{registration_id}/promote": post(
            "Move the person up from the waiting list into a free seat, out of line if need be",
            "Moved up, with the promotion email (or already moved): to their page",
            {"409": _html("No free seat (raise the capacity first), or the meeting has started")},
        ),
        "/console/events/{event_id}/people/{registration_id}/resend": post(
            "Send the email of where the registration stands now again, once per press",
            "To their page, saying whether it was sent (or was already on its way, "
            "or the address bounced or had its emails for today)",
        ),
        "/console/events/{event_id}/add-person": {
            "get": _operation(
                "The form to add someone by hand (`walk_in=1`: at the door, checked in at once)",
                [
                    *one,
                    _in_query(
                        "walk_in", '"1": a walk-in at the door (checked in at once); anything else: added by hand'
                    ),
                ],
                {"200": _html("The form: the event's questions, as on the public form"), **signed_in},
            ),
            "post": _operation(
                "Add someone through the same registration as the form, also after the deadline",
                one,
                {
                    "303": {"description": "Added: to their page (a walk-in with a seat: to the door, checked in)"},
                    "409": _html("The address is already registered, or every seat and waiting place is taken"),
                    "422": _html("Answers to correct: the form again with its messages"),
                    **posted,
                },
                body=_console_form({"walk_in": _text('"1": a walk-in, checked in at once')}),
            ),
        },
        "/console/events/{event_id}/groups": {
            "get": _operation(
                "The event's working groups with each person's reason, or why there are none yet",
                one,
                {
                    "200": _html("The groups, each person with a select to move them; or that it is too early"),
                    "404": _html("No such event, or one this person may not see (the same page)"),
                    **signed_in,
                },
            ),
            "post": _operation(
                "Propose the groups (after the last day to sign up), save moves, or email each group once",
                one,
                {
                    "303": {"description": "Done: back to the groups page, which says what happened"},
                    "400": _html("A person or group that is not there, or the box to send not ticked: nothing saved"),
                    "409": _html(
                        "Too early, no groups yet, or changed (or sent) since the page was read: nothing saved"
                    ),
                    **posted,
                },
                body={
                    "required": True,
                    "content": {
                        FORM: {
                            "schema": {
                                "type": "object",
                                "properties": {
                                    "csrf_token": {"type": "string"},
                                    "lang": {"type": "string"},
                                    "do": _text(
                                        "`propose`, `save` or `send`; anything else: 400 once signed in "
                                        "(the session is checked first: without one, 303)"
                                    ),
                                    "version": _text("The version of the groups the page showed (empty: none)"),
                                    "confirm": _text("`yes` to send"),
                                },
                                "additionalProperties": _text("`group-{registration id}`: the group to place them in"),
                            }
                        }
                    },
                },
            ),
        },
        "/console/events/{event_id}/groups.csv": {
            "get": _operation(
                "The working groups as CSV for Swedish Excel (UTF-8 with BOM, `;`), with each reason",
                one,
                {**csv, "404": _html("No groups yet, no such event, or one this person may not see"), **signed_in},
            )
        },
        "/console/events/{event_id}/export.csv": {
            "get": _operation(
                "The list of people as CSV for Swedish Excel (UTF-8 with BOM, `;`), with attendance",
                one,
                {**csv, **signed_in},
            )
        },
        "/console/events/{event_id}/door-list": page(
            "A printable door list: name, organisation, meal, diet and a box (Swedish order)",
            one,
            "The door list (logged)",
        ),
        "/console/events/{event_id}/check-in": page(
            "The door page: empty until two letters are typed, then who matches",
            [*one, text, _in_query("marked", "The last tap's")],
            "The check-in page",
        ),
        "/console/events/{event_id}/check-in/{registration_id}": post(
            "One tap: mark present (`present=1`) or undo (`present=0`); one conditional write",
            "To the check-in page with the same search, naming the person",
            {"409": _html("No seat (waiting list or cancelled): nobody was checked in")},
            {"present": _text('"0" undoes the check-in; anything else checks in'), "q": {"type": "string"}},
        ),
    }


def _console_event_paths(event_id: dict[str, Any], lang: dict[str, Any]) -> dict[str, Any]:
    """The console's event pages (chalicelib/routes/console_events.py): create and edit with the TOML
    file's validator, preview, quick changes, TOML export and import. Posts are urlencoded forms (the
    import may be multipart/form-data) carrying the session's `csrf_token`, up to 256 kB."""
    form = _console_form({}, (FORM, "multipart/form-data"))
    signed_in = _console_signed_in(
        "No such event, or one this person may not see (the same page); creating: not an administrator"
    )
    changed = {
        **signed_in,
        **_console_unreadable("256 kB"),
        "303": {"description": "Saved (or no live session: to /console): to the page again, saying what was done"},
        "400": _html("The validator's messages at their fields, or a body that could not be read; nothing saved"),
        "403": _html("The CSRF token is missing or wrong, or an organiser named organisers: nothing changed"),
    }

    def page(summary: str, parameters: list[dict[str, Any]]) -> dict[str, Any]:
        return {"get": _operation(summary, parameters, {"200": _html(summary), **signed_in})}

    def post(summary: str, parameters: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
        return _operation(summary, parameters, {**changed, **extra}, body=form)

    one = [event_id, lang]
    return {
        "/console/events/new": page("The form for a new event (administrators)", [lang]),
        "/console/events": {
            "post": post(
                "Create an event (administrators); `do=preview` renders the public form for it, saving nothing",
                [lang],
                **{"200": _html("The preview: the form page again with the public form in a sandboxed frame")},
            )
        },
        "/console/events/import": {
            **page("Import an event from a TOML file, pasted or uploaded (administrators)", [lang]),
            "post": post("Create an event from a TOML file (`toml` or the upload `toml_file`)", [lang]),
        },
        "/console/events/{event_id}/edit": {
            **page("The edit form, filled in from the stored event, with warnings", one),
            "post": post(
                "Save the edited event; `do=preview` renders the public form for it, saving nothing",
                one,
                **{
                    "200": _html("The preview"),
                    "409": _html("Someone saved the event since the form was opened (`edited_from`); nothing changed"),
                },
            ),
        },
        "/console/events/{event_id}/changes": page("Quick changes: open or closed, last day, seats, organisers", one),
        "/console/events/{event_id}/status": {"post": post("Close registration early (`open=0`) or reopen it", one)},
        "/console/events/{event_id}/deadline": {"post": post("Move the last day to sign up", one)},
        "/console/events/{event_id}/capacity": {
            "post": post("Change the number of seats; more seats move people up from the waiting list", one)
        },
        "/console/events/{event_id}/organisers": {"post": post("Name the organisers (administrators)", one)},
        "/console/events/{event_id}/cancel": {
            **page("What cancelling the meeting does, and the box and button that do it", one),
            "post": post(
                "Cancel the meeting (`confirm=yes`, an optional `note`): everyone signed up is told by the outbox",
                one,
                **{"400": _html("The box was not ticked, or the note is too long; nothing changed")},
            ),
        },
        "/console/events/{event_id}/message": {
            **page("Write a message to those signed up", one),
            "post": post(
                "A message (`audience`, `text`); `do=preview` shows it and how many it reaches, `do=send` sends it",
                one,
                **{
                    "200": _html("The preview"),
                    "400": _html("No audience, or the message is empty or too long; nothing sent"),
                },
            ),
        },
        "/console/events/{event_id}/invite": {
            **page(
                "Invite the network's members who have not signed up: how many it reaches (counts only) and the email",
                one,
            ),
            "post": post(
                "Store the invitation for the outbox (each member once per meeting)",
                one,
                **{"409": _html("Closed, cancelled, full, in no series, or nobody left to invite; nothing stored")},
            ),
        },
        "/console/events/{event_id}/import": {"post": post("Replace the event's description from a TOML file", one)},
        **_console_question_paths(one, page, post),
        "/console/events/{event_id}/event.toml": {
            "get": _operation(
                "The event as a TOML file (`./signup event put` reads it back as the same event)",
                one,
                {
                    "200": {
                        "description": "The file, as an attachment",
                        "content": {"application/toml": {"schema": {"type": "string"}}},
                    },
                    **signed_in,
                },
            )
        },
    }


def _console_question_paths(one: list[dict[str, Any]], page: Any, post: Any) -> dict[str, Any]:
    """The console's question editor (chalicelib/routes/console_questions.py): each change judged by the
    event's validator, saved only if the event is as it was when the page was opened (`edited_from`)."""
    question = [*one, _in_path("question_id", "One of the event's own questions (404 for any other)")]
    stale = _html("Someone saved the event since the page was opened (`edited_from`); nothing changed")
    kind = _in_query("type", "The new question's type; without a known one, the page asks for it")
    return {
        "/console/events/{event_id}/questions": {
            **page("The event's own questions, in the form's order", one),
            "post": post(
                "Add a question (`type`, `label_sv`, … `choice_<n>_sv`); `do=more_rows` shows more rows for choices",
                one,
                **{"200": _html("More rows, or the warning before fewer places than are taken"), "409": stale},
            ),
        },
        "/console/events/{event_id}/questions/new": page("Choose a new question's type, then its form", [*one, kind]),
        "/console/events/{event_id}/questions/{question_id}": {
            **page("A question's form, filled in", question),
            "post": post(
                "Save the question; lowering a choice's places below those taken needs `confirm_lower=on`",
                question,
                **{"200": _html("More rows, or the warning before fewer places than are taken"), "409": stale},
            ),
        },
        "/console/events/{event_id}/questions/{question_id}/move": {
            "post": post("Move the question one place `direction=up` or down", question, **{"409": stale})
        },
        "/console/events/{event_id}/questions/{question_id}/remove": {
            "post": post("Remove the question (its answers stay in the CSV)", question, **{"409": stale})
        },
    }


def document(event: Event | None = None) -> dict[str, Any]:
    """The whole contract; with an event, its registration body says exactly what that event asks."""
    event_id = _in_path("event_id", "An event's id")
    any_event_id = dict(event_id)
    if event is not None:
        event_id["schema"] = {"type": "string", "enum": [event.id]}
    token = _in_path("token", "The signed link from an email (forged: 403, expired: 410)")
    lang = _in_query(
        "lang",
        f"The page's language: {' or '.join(LANGUAGES)} (its first two letters, any case, so `en-GB` is "
        "English). Any other value falls back to Swedish: a link with an unknown language still opens.",
    )
    forged = {"403": _html("A forged or altered link")}
    link_pages = {**forged, "410": _html("An expired link")}
    busy = {"503": _html("AWS is busy; nothing changed, try again shortly")}
    no_event = {"404": _html("No such event")}
    openapi = {"description": "OpenAPI 3.1", "content": {JSON: {"schema": {}}}}
    registration = {
        "required": True,
        "content": {
            JSON: {"schema": registration_schema(event)},
            FORM: {"schema": registration_schema(event, form=True)},
        },
    }

    def json_body(description: str, schema: str) -> dict[str, Any]:
        return {"description": description, "content": {JSON: {"schema": {"$ref": f"#/components/schemas/{schema}"}}}}

    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Signup",
            "version": "1",
            "description": (
                "Registrations for municipal network meetings. Every answer is in the request's language "
                "(`lang`, or the body's `language`). Nothing is stored on any refusal."
            ),
        },
        "paths": {
            "/events/{event_id}": {
                "get": _operation(
                    "Public facts about an event",
                    [event_id, lang],
                    {"200": json_body("The event", "Event"), "404": _error("No such event")},
                )
            },
            "/events/{event_id}/form": {
                "get": _operation(
                    "The hosted, embeddable registration form (after the deadline: the closed page)",
                    [
                        event_id,
                        lang,
                        _in_query(
                            "invitation",
                            "An invitation's signed token: the form comes filled in with the member's "
                            "name, organisation and sector (a token that does not work: the empty form)",
                        ),
                    ],
                    {"200": _html("The form, or the closed page"), **no_event},
                )
            },
            "/events/{event_id}/thanks": {
                "get": _operation(
                    "The thank-you page a form post is redirected to",
                    [
                        event_id,
                        lang,
                        _in_query(
                            "status",
                            f"`{Status.WAITLISTED}` or `{Status.PENDING}` (a held seat) say so; else thanks for a seat",
                        ),
                        _in_query(
                            "email",
                            f"`{ThanksNote.DELAYED}` or `{ThanksNote.LIMITED}` explain a late email; "
                            "anything else is ignored",
                        ),
                    ],
                    {"200": _html("The thank-you page"), **no_event},
                )
            },
            "/events/{event_id}/registrations": {
                "post": _operation(
                    "Register for an event, as JSON or as a plain HTML form post",
                    [event_id, lang],
                    {
                        "201": json_body("Registered", "Registered"),
                        "303": {
                            "description": "Form posts: on to the thank-you page",
                            "headers": {"Location": {"schema": {"type": "string"}, "required": True}},
                        },
                        "400": _error("A body that is not UTF-8, JSON or a form", html=True),
                        "403": _error("Posted from a site that may not", html=True),
                        "404": _error("No such event", html=True),
                        "409": _error(
                            "Registration is closed, or every seat and the waiting list are taken", html=True
                        ),
                        "413": _error(f"Body over {MAX_BODY_BYTES // 1024} kB", html=True),
                        "415": _error("Neither JSON nor a form", html=True),
                        "422": _error("Invalid answers; `fields` (or the form) says which and why", html=True),
                        "429": _error("Too many registrations from one sender", html=True),
                        "503": _error("Try again shortly; nothing was stored", html=True),
                    },
                    body=registration,
                    description=(
                        "JSON clients get JSON; a form post gets `303 See Other` to the thank-you page, or the "
                        "form again with its errors (HTML, 422). The same mailbox again changes nothing and is "
                        "answered exactly like a first sign-up (201, a fresh id); the owner is emailed their "
                        "link. The hosted form also sends a signed `form_token` (good from 3 s to 24 h after "
                        "the form was shown, for one registration; otherwise 422 on `form_token`) and a hidden "
                        "trap field; bots are answered exactly as a person would be and nothing is stored. "
                        f"Bodies over {MAX_BODY_BYTES // 1024} kB are refused."
                    ),
                ),
                "options": _operation(
                    "CORS preflight: allowed origins get the CORS headers",
                    [any_event_id],
                    {"204": {"description": "No content"}},
                    description="Answered from the headers alone, for any event id (no lookup per preflight).",
                ),
            },
            "/registrations/{token}": {
                "get": _operation(
                    "One's own registration, from the link in the email (never changes anything)",
                    [token],
                    {
                        "200": _html("The registration, a form to change the answers while open, a cancel button"),
                        **link_pages,
                    },
                ),
                "post": _operation(
                    "Change one's answers (`action=update`) or cancel one's registration",
                    [token],
                    {
                        "200": _html("Saved, or cancelled"),
                        "400": _html("The body could not be read; nothing changed"),
                        "409": _html("Closed for changes, or the meeting has started"),
                        "413": _html("The body is over 16 kB; nothing changed"),
                        "415": _html("Not a form post; nothing changed"),
                        "422": _html("The edit form again with its messages"),
                        **busy,
                        **link_pages,
                    },
                    body={"required": False, "content": {FORM: {"schema": _manage_schema(event)}}},
                    description=(
                        "`action=update` with the form's fields saves them (the same validation as signing up; "
                        "422 with the messages; 409 once registration has closed). Anything else cancels, "
                        "until the meeting starts (409 after). Cancelling twice is harmless. A body that cannot "
                        "be read (400, 413, 415) or AWS trouble (503) changes nothing and cancels nothing."
                    ),
                ),
            },
            "/registrations/{token}/confirm": {
                "get": _operation(
                    "A held seat's link from the email: a button to confirm it (never confirms by itself)",
                    [token],
                    {"200": _html("The seat and its button, or its state"), **link_pages},
                ),
                "post": _operation(
                    "Confirm a held seat; then the confirmation email with the calendar file follows",
                    [token],
                    {"200": _html("Confirmed, or why not (released, cancelled)"), **busy, **link_pages},
                    description="The body is ignored. Confirming twice is harmless.",
                ),
            },
            "/network/leave/{token}": {
                "get": _operation(
                    "The way out of a network's emails, from their List-Unsubscribe link: a button",
                    [token, lang],
                    {"200": _html("The button"), **forged},
                    description="Changes nothing (mail scanners follow links).",
                ),
                "post": _operation(
                    "Leave the network at once (RFC 8058 one-click: List-Unsubscribe=One-Click)",
                    [token, lang],
                    {"200": _html("Left"), **forged},
                    description="Any body or none; no Origin needed, since mail programs post from their "
                    "servers. The member record is deleted at once; a second post answers the same.",
                ),
            },
            "/organiser/{token}": {
                "get": _operation(
                    "Where the digests' old attendee links lead: a page pointing to the organiser console",
                    [{**token, "description": "Any token: the bearer links are gone, none shows data"}, lang],
                    {"410": _html("Gone: sign in at /console instead")},
                )
            },
            # The console's event paths take any event id, also in one event's document: which events
            # exist is not for an anonymous caller to learn, so a signed-out request is 303 for every id.
            **_console_paths(any_event_id, lang),
            **_console_people_paths(any_event_id, lang),
            **_console_event_paths(any_event_id, lang),
            "/privacy": {
                "get": _operation(
                    "The privacy notice",
                    [lang],
                    {"200": _html("Who holds the data, why, with whom, how long, one's rights")},
                )
            },
            "/openapi.json": {"get": _operation("This document", None, {"200": openapi})},
            "/events/{event_id}/openapi.json": {
                "get": _operation(
                    "This document for one event: its questions and interest areas",
                    [event_id],
                    {"200": openapi, "404": _error("No such event")},
                )
            },
            "/embed.js": {
                "get": _operation(
                    "The hosted form's script that tells an embedding page its height",
                    None,
                    {"200": {"description": "JavaScript", "content": {"text/javascript": {"schema": {}}}}},
                )
            },
        },
        "components": {"schemas": _components()},
    }


def _components() -> dict[str, Any]:
    text_by_language = {"type": "object", "additionalProperties": {"type": "string"}}
    moment = {"type": ["string", "null"], "format": "date-time"}
    return {
        "Registered": {
            "type": "object",
            "required": ["registration_id", "status"],
            "properties": {
                "registration_id": {"type": "string"},
                "status": {"type": "string", "enum": [status.value for status in SIGN_UP_STATUSES]},
                "email": {"type": "string", "enum": [state.value for state in SIGN_UP_EMAIL_STATES]},
            },
        },
        "Event": {
            "type": "object",
            "required": ["id", "title", "timezone", "starts_at", "venue", "last_day", "open", "questions"],
            "properties": {
                "id": {"type": "string", "pattern": EVENT_ID_PATTERN.pattern},
                "title": text_by_language,
                "description": text_by_language,
                "timezone": {"type": "string"},
                "starts_at": {"type": "string", "format": "date-time"},
                "ends_at": moment,
                "meal_at": moment,
                "venue": {"type": "string"},
                "address": {"type": "string"},
                "last_day": {"type": "string", "format": "date"},
                "deadline_at": {"type": "string", "format": "date-time"},
                "open": {"type": "boolean"},
                "capacity": {"type": ["integer", "null"]},
                "seats_left": {"type": ["integer", "null"]},
                "waitlist": {"type": "boolean"},
                "questions": {"type": "array", "items": {"type": "string"}},
                "custom_questions": {
                    "type": "array",
                    "description": "The organisers' own questions: send the answer as `field`",
                    "items": {
                        "type": "object",
                        "required": ["id", "field", "type", "label", "required", "sensitive"],
                        "properties": {
                            "id": {"type": "string"},
                            "field": {"type": "string"},
                            "consent_field": {"type": "string"},
                            "type": {"type": "string", "enum": [kind.value for kind in QUESTION_TYPES]},
                            "label": text_by_language,
                            "help": text_by_language,
                            "required": {"type": "boolean"},
                            "sensitive": {"type": "boolean"},
                            **{limit: {"type": "integer"} for limit in QUESTION_LIMITS},
                            "choices": {
                                "type": "array",
                                "items": {
                                    "type": "object",
                                    "required": ["id", "title", "limited", "full"],
                                    "properties": {
                                        "id": {"type": "string"},
                                        "title": text_by_language,
                                        "limited": {"type": "boolean"},
                                        "full": {"type": "boolean"},
                                    },
                                },
                            },
                            "show_when": {
                                "type": "object",
                                "properties": {"question": {"type": "string"}, "equals": {"type": "array"}},
                            },
                        },
                    },
                },
                "series": {
                    "type": ["string", "null"],
                    "description": "The network's series this meeting belongs to; then `network_consent` is asked",
                },
                "interests": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["id", "title"],
                        "properties": {"id": {"type": "string"}, "title": text_by_language},
                    },
                },
            },
        },
        "Error": {
            "type": "object",
            "required": ["error"],
            "properties": {
                "error": {
                    "type": "object",
                    "required": ["code", "message", "fields"],
                    "properties": {
                        "code": {"type": "string", "enum": _ERROR_CODES},
                        "message": {"type": "string"},
                        "fields": {"type": "object", "additionalProperties": {"type": "string"}},
                    },
                }
            },
        },
    }
