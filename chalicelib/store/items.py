"""Items and the domain: an event, a registration and its email state as DynamoDB attributes, and back.

Reads go through `plain_item` (typed JSON to Python values); writes serialise plain values.
The keys and the time formats come from `schema`.
"""

from __future__ import annotations

import time as time_module
from collections.abc import Mapping, Set
from decimal import Clamped, Context, Decimal, Inexact, Overflow, Rounded, Underflow
from typing import Any

from ..events import (
    DEFAULT_CONFIRM_WITHIN_HOURS,
    Choice,
    DigestMode,
    Event,
    EventStatus,
    InterestArea,
    Question,
    QuestionType,
    ShowWhen,
)
from ..forms import Answers
from ..registrations import EmailDelivery, EmailKind, EmailState, Registration, Status
from .schema import (
    EVENTS,
    OUTBOX,
    clock_time,
    epoch_number,
    from_clock_time,
    from_epoch_seconds,
    from_iso_time,
    iso_time,
    optional_epoch_seconds,
    optional_iso_time,
    outbox_time,
    read_time,
    registration_key,
)

# A choice's place count on the event item: `choice_count:workshop:robotik` (top-level, so adding one
# never needs a map that might not exist yet).
CHOICE_COUNT_PREFIX = "choice_count:"

# DynamoDB's numbers: 38 significant digits and a bounded exponent. A number written is first made a
# Decimal in this context (boto3's own), so one DynamoDB would round or refuse raises the decimal
# signal instead (Inexact, Rounded, Overflow, Underflow or Clamped, all ArithmeticError).
_NUMBERS = Context(Emin=-128, Emax=126, prec=38, traps=[Clamped, Overflow, Inexact, Rounded, Underflow])


def typed_value(value: Any) -> dict[str, Any]:
    """A Python value as DynamoDB's typed JSON, as boto3's TypeSerializer writes it, for what we store:
    str, bool, int and Decimal, None, lists and tuples, mappings, and sets of strings or of numbers.

    Refused: a float (TypeError: its binary value is not the number it prints as), a number DynamoDB
    cannot hold exactly (a decimal signal, above), infinity and NaN, an empty set (DynamoDB refuses
    one; boto3 would send it and get a ValidationException back) and any other type (TypeError:
    binary is among them, as nothing here stores bytes)."""
    if value is None:
        return {"NULL": True}
    if isinstance(value, str):
        return {"S": value}
    if isinstance(value, bool):
        return {"BOOL": value}
    if isinstance(value, (int, Decimal)):
        return {"N": _number(value)}
    if isinstance(value, float):
        raise TypeError("Float types are not supported. Use Decimal types instead.")
    if isinstance(value, Mapping):
        return {"M": {key: typed_value(element) for key, element in value.items()}}
    if isinstance(value, (list, tuple)):
        return {"L": [typed_value(element) for element in value]}
    if isinstance(value, Set):
        return _typed_set(value)
    raise TypeError(f'Unsupported type "{type(value)}" for value "{value}"')


def _number(value: int | Decimal) -> str:
    number = _NUMBERS.create_decimal(value)
    if not number.is_finite():
        raise TypeError("Infinity and NaN not supported")
    return str(number)


def _typed_set(values: Set[Any]) -> dict[str, Any]:
    if not values:
        raise TypeError("DynamoDB stores no empty set: leave the attribute out instead")
    if all(isinstance(element, str) for element in values):
        return {"SS": list(values)}
    if all(isinstance(element, (int, Decimal)) for element in values):
        return {"NS": [_number(element) for element in values]}
    raise TypeError(f'Unsupported type "{type(values)}" for value "{values}": a set holds strings or numbers')


def plain_item(item: dict[str, Any]) -> dict[str, Any]:
    return {key: _value(value) for key, value in item.items()}


def _value(typed: dict[str, Any]) -> Any:
    """DynamoDB's typed JSON to Python, as boto3's TypeDeserializer reads it (numbers as Decimal, sets
    as sets), except that binary stays bytes; the common types first (a digest reads thousands)."""
    ((kind, inner),) = typed.items()
    if kind == "S" or kind == "BOOL":
        return inner
    if kind == "N":
        return Decimal(inner)
    if kind == "L":
        return [_value(element) for element in inner]
    if kind == "M":
        return {key: _value(element) for key, element in inner.items()}
    if kind == "NULL":
        return None
    if kind == "SS" or kind == "BS":
        return set(inner)
    if kind == "NS":
        return {Decimal(number) for number in inner}
    if kind == "B":
        return inner
    raise TypeError(f"Dynamodb type {kind} is not supported")


def is_expired(item: dict[str, Any]) -> bool:
    """Past its time to live: DynamoDB deletes such items only within days, so reads skip them."""
    expires = item.get("expires_at")
    return expires is not None and int(expires) <= time_module.time()


def event_attributes(event: Event) -> dict[str, Any]:
    """The descriptive attributes of an event (counters are the store's business)."""
    return {
        "type": "event",
        "event_id": event.id,
        "title": event.title,
        "description": event.description,
        "timezone": event.timezone,
        "starts_at": iso_time(event.starts_at),
        "ends_at": optional_iso_time(event.ends_at),
        "meal_at": optional_iso_time(event.meal_at),
        "venue": event.venue,
        "address": event.address,
        "deadline_at": iso_time(event.deadline_at),
        "deadline_ts": Decimal(epoch_number(event.deadline_at)),
        "capacity": event.capacity,
        "waitlist_limit": event.waitlist_limit,
        "confirm_address": event.confirm_address,
        "confirm_within_hours": event.confirm_within_hours,
        "organisers": list(event.organisers),
        "questions": sorted(event.questions),
        "interests": [{"id": area.id, "title": area.title} for area in event.interests],
        "custom_questions": [question_attributes(question) for question in event.custom_questions] or None,
        "status": event.status,
        "reminder_days": list(event.reminder_days),
        "reminder_time": clock_time(event.reminder_time),
        "digest_hour": event.digest_hour,
        "digest": event.digest,
        "organiser_language": event.organiser_language,
        "caterer": event.caterer or None,
        "series": event.series or None,
        "GSI1PK": EVENTS,
        "GSI1SK": iso_time(event.starts_at),
    }


def event_from_item(item: dict[str, Any]) -> Event:
    capacity = item.get("capacity")
    return Event(
        id=item["event_id"],
        title=dict(item["title"]),
        description=dict(item.get("description") or {}),
        timezone=item["timezone"],
        starts_at=from_iso_time(item["starts_at"]),
        ends_at=read_time(item.get("ends_at")),
        meal_at=read_time(item.get("meal_at")),
        venue=item["venue"],
        address=item.get("address", ""),
        deadline_at=from_iso_time(item["deadline_at"]),
        capacity=int(capacity) if capacity is not None else None,
        # Events stored before the bound existed have no waiting list until they are put again.
        waitlist_limit=int(item.get("waitlist_limit", 0)),
        confirm_address=bool(item.get("confirm_address", False)),
        confirm_within_hours=int(item.get("confirm_within_hours", DEFAULT_CONFIRM_WITHIN_HOURS)),
        organisers=tuple(item.get("organisers") or ()),
        questions=frozenset(item.get("questions") or ()),
        interests=tuple(InterestArea(id=area["id"], title=dict(area["title"])) for area in item.get("interests") or ()),
        status=EventStatus(item.get("status", EventStatus.OPEN)),
        reminder_days=tuple(int(days) for days in item.get("reminder_days", [2])),
        reminder_time=from_clock_time(item.get("reminder_time", "09:00")),
        digest_hour=int(item.get("digest_hour", 7)),
        digest=DigestMode(item.get("digest", DigestMode.CHANGES)),
        organiser_language=item.get("organiser_language", "sv"),
        caterer=item.get("caterer", ""),
        series=item.get("series", ""),
        confirmed_count=int(item.get("confirmed_count", 0)),
        waitlist_count=int(item.get("waitlist_count", 0)),
        organiser_link_version=int(item.get("organiser_link_version", 0)),
        pending_count=int(item.get("pending_count", 0)),
        choice_counts={
            name.removeprefix(CHOICE_COUNT_PREFIX): int(count)
            for name, count in item.items()
            if name.startswith(CHOICE_COUNT_PREFIX)
        },
        custom_questions=tuple(question_from_attributes(question) for question in item.get("custom_questions") or ()),
        updated_at=read_time(item.get("updated_at")),
        calendar_version=int(item.get("calendar_version", 0)),
    )


def question_attributes(question: Question) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": question.id,
        "type": question.type,
        "label": question.label,
        "help": question.help,
        "required": question.required,
        "sensitive": question.sensitive,
        "max_length": question.max_length,
        "min": question.min,
        "max": question.max,
        "max_choices": question.max_choices,
        "choices": [{"id": choice.id, "title": choice.title, "limit": choice.limit} for choice in question.choices],
    }
    if question.show_when is not None:
        data["show_when"] = {"question": question.show_when.question, "values": list(question.show_when.values)}
    return {key: value for key, value in data.items() if value is not None}


def _optional_int(value: Any) -> int | None:
    return None if value is None else int(value)


def question_from_attributes(data: dict[str, Any]) -> Question:
    condition = data.get("show_when")
    return Question(
        id=data["id"],
        type=QuestionType(data["type"]),
        label=dict(data["label"]),
        help=dict(data.get("help") or {}),
        required=bool(data.get("required", False)),
        sensitive=bool(data.get("sensitive", False)),
        max_length=_optional_int(data.get("max_length")),
        min=_optional_int(data.get("min")),
        max=_optional_int(data.get("max")),
        max_choices=_optional_int(data.get("max_choices")),
        choices=tuple(
            Choice(id=choice["id"], title=dict(choice["title"]), limit=_optional_int(choice.get("limit")))
            for choice in data.get("choices") or ()
        ),
        show_when=ShowWhen(question=condition["question"], values=tuple(condition["values"])) if condition else None,
    )


def answer_attributes(answers: Answers) -> dict[str, Any]:
    """The answers as attributes; the organisers' own questions in two maps, the sensitive answers
    apart (`sensitive_answers`) so blanking them after the event needs no knowledge of the questions."""
    data = answers.as_dict()
    data.pop("email")
    custom = data.pop("custom")
    sensitive = set(data.pop("sensitive"))
    data["answers"] = {key: value for key, value in custom.items() if key not in sensitive} or None
    data["sensitive_answers"] = {key: value for key, value in custom.items() if key in sensitive} or None
    data["choice_places"] = data.pop("places") or None
    return data


def _answer_value(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(value)
    if isinstance(value, Decimal):
        return int(value)
    return value


def custom_answers(item: dict[str, Any]) -> tuple[dict[str, Any], frozenset[str]]:
    plain = {key: _answer_value(value) for key, value in (item.get("answers") or {}).items()}
    sensitive = {key: _answer_value(value) for key, value in (item.get("sensitive_answers") or {}).items()}
    return {**plain, **sensitive}, frozenset(sensitive)


def registration_item(registration: Registration) -> dict[str, Any]:
    answers = registration.answers
    attributes = {
        **answer_attributes(answers),
        "type": "registration",
        "email": answers.email,
        "event_id": registration.event_id,
        "registration_id": registration.registration_id,
        "status": registration.status,
        "created_at": iso_time(registration.created_at),
        "updated_at": iso_time(registration.updated_at),
        **email_attributes(registration.email),
        "expires_at": optional_epoch_seconds(registration.expires_at),
        "hold_until": optional_iso_time(registration.hold_until),
        "checked_in_at": optional_iso_time(registration.checked_in_at),
    }
    item = {key: typed_value(value) for key, value in attributes.items() if value is not None}
    item.update(registration_key(registration.event_id, answers.email_key))
    return item


def email_attributes(email: EmailDelivery) -> dict[str, Any]:
    """The email state; a waiting email is also in the sparse outbox index by due time."""
    due = email.due_at if email.waiting else None
    return {
        "email_state": email.state,
        "email_kind": email.kind,
        "email_attempts": email.attempts,
        "email_due_at": optional_iso_time(email.due_at),
        "email_message_id": email.message_id or None,
        "email_error": email.error or None,
        "GSI1PK": OUTBOX if due else None,
        "GSI1SK": outbox_time(due) if due else None,
    }


def registration_from_item(item: dict[str, Any]) -> Registration:
    custom, sensitive = custom_answers(item)
    return Registration(
        event_id=item["event_id"],
        registration_id=item["registration_id"],
        answers=Answers(
            name=item["name"],
            email=item["email"],
            organisation=item["organisation"],
            sector=item["sector"],
            language=item.get("language", "sv"),
            meal=item.get("meal"),
            diet=item.get("diet", ""),
            access_needs=item.get("access_needs", ""),
            attended_before=item.get("attended_before"),
            interests=tuple(item.get("interests") or ()),
            message=item.get("message", ""),
            custom=custom,
            sensitive=sensitive,
            places=tuple(item.get("choice_places") or ()),
            network_consent=item.get("network_consent"),
            share_with_group=item.get("share_with_group"),
        ),
        status=Status(item["status"]),
        created_at=from_iso_time(item["created_at"]),
        updated_at=from_iso_time(item["updated_at"]),
        email=EmailDelivery(
            state=EmailState(item.get("email_state", EmailState.SENT)),
            kind=EmailKind(item.get("email_kind", EmailKind.CONFIRMATION)),
            attempts=int(item.get("email_attempts", 0)),
            due_at=read_time(item.get("email_due_at")),
            message_id=item.get("email_message_id", ""),
            error=item.get("email_error", ""),
        ),
        expires_at=from_epoch_seconds(item.get("expires_at")),
        hold_until=read_time(item.get("hold_until")),
        checked_in_at=read_time(item.get("checked_in_at")),
    )
