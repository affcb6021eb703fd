"""What the HTTP layer needs beyond the domain: request bodies and the JSON shapes of answers."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from . import i18n
from .errors import MalformedRequest, SignupError, ValidationFailed
from .events import ANSWER_PREFIX, QUESTION_LIMITS, Event, Question
from .fields import FIELDS, Kind
from .forms import MAX_BODY_BYTES
from .i18n import N_
from .meeting_times import meeting_times
from .request_body import FORM_TYPE, admitted_kind, urlencoded_fields

JSON_TYPE = "application/json"
# Fields that may repeat in a form post (checkbox groups).
_LIST_FIELDS = {field.name for field in FIELDS if field.kind is Kind.AREAS}


def parse_body(content_type: str | None, raw_body: bytes) -> dict[str, Any]:
    """The submitted fields as a dict, from JSON or a urlencoded form."""
    kind = admitted_kind(content_type, raw_body, (FORM_TYPE, JSON_TYPE), MAX_BODY_BYTES)
    try:
        text = raw_body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise MalformedRequest(detail=N_("not UTF-8")) from error
    if kind == JSON_TYPE:
        try:
            data = json.loads(text)
        except ValueError as error:
            raise MalformedRequest(detail=N_("invalid JSON")) from error
        except RecursionError as error:  # `[[[[…]]]]` thousands deep fits in 16 kB
            raise MalformedRequest(detail=N_("JSON nested too deeply")) from error
        if not isinstance(data, dict):
            raise MalformedRequest(detail=N_("expected a JSON object"))
        return data
    return {key: _form_value(key, values) for key, values in urlencoded_fields(text).items()}


def _form_value(key: str, values: list[str]) -> str | list[str]:
    """A checkbox group's values as a list; any other field's last value. An organiser's question
    (`q_…`) is a list only when sent more than once (its several-choices boxes), so a one-choice
    question sent twice is refused as no single choice rather than read as either."""
    if key in _LIST_FIELDS or (key.startswith(ANSWER_PREFIX) and len(values) > 1):
        return values
    return values[-1]


def error_body(error: SignupError, language: str) -> dict[str, Any]:
    """`{"error": {"code", "message", "fields"}}` in the request's language."""
    fields = {}
    if isinstance(error, ValidationFailed):
        fields = {name: i18n.field_message(code, language, **params) for name, (code, params) in error.fields.items()}
    return {"error": {"code": error.code, "message": error_message(error, language), "fields": fields}}


def error_message(error: SignupError, language: str) -> str:
    params = dict(error.params)
    event = params.pop("event", None)
    if isinstance(event, Event):
        params["last_day"] = meeting_times(event, language).last_day
    elif error.code == "registration_closed":
        params["last_day"] = "–"
    if "detail" in params:  # what could not be read, marked N_() where it is raised
        params["detail"] = i18n.translator(language).gettext(params["detail"])
    return i18n.message(error.code, language, **params)


def public_event(event: Event, now: datetime) -> dict[str, Any]:
    """What anyone may know about an event: no counts of who, just how many seats."""
    return {
        "id": event.id,
        "title": event.title,
        "description": event.description,
        "timezone": event.timezone,
        "starts_at": _local_iso(event, event.starts_at),
        "ends_at": _local_iso(event, event.ends_at),
        "meal_at": _local_iso(event, event.meal_at),
        "venue": event.venue,
        "address": event.address,
        "last_day": event.last_day.isoformat(),
        "deadline_at": _local_iso(event, event.deadline_at),
        "open": event.is_open(now),
        "capacity": event.capacity,
        "seats_left": event.seats_left,
        "waitlist": event.is_full,
        "questions": sorted(q for q in event.questions if event.asks(q)),
        "interests": [{"id": area.id, "title": area.title} for area in event.interests],
        "custom_questions": [public_question(event, question) for question in event.custom_questions],
        # A meeting of a network's series asks `network_consent` (keep me informed); null: a single meeting.
        "series": event.series or None,
    }


def public_question(event: Event, question: Question) -> dict[str, Any]:
    """An organiser's question as the JSON API describes it: the field to send, its texts and limits,
    and for a limited choice whether it is full (never how many chose what)."""
    data: dict[str, Any] = {
        "id": question.id,
        "field": question.field_name,
        "type": question.type,
        "label": question.label,
        "help": question.help,
        "required": question.required,
        "sensitive": question.sensitive,
    }
    if question.sensitive:
        data["consent_field"] = question.consent_name
    for key in QUESTION_LIMITS:
        if getattr(question, key) is not None:
            data[key] = getattr(question, key)
    if question.choices:
        data["choices"] = [
            {
                "id": choice.id,
                "title": choice.title,
                "limited": choice.limit is not None,
                "full": event.choice_is_full(question, choice),
            }
            for choice in question.choices
        ]
    if question.show_when is not None:
        data["show_when"] = {"question": question.show_when.question, "equals": list(question.show_when.values)}
    return data


def _local_iso(event: Event, moment: datetime | None) -> str | None:
    return moment.astimezone(event.zone).isoformat() if moment else None
