"""Domain errors. Views map them to HTTP; nothing here knows about HTTP clients."""

from __future__ import annotations

from typing import Any


class SignupError(Exception):
    """A refusal a person can act on. `code` is stable; the message is translated."""

    code = "error"
    http_status = 400

    def __init__(self, **params: Any) -> None:
        super().__init__(self.code)
        self.params = params


class EventNotFound(SignupError):
    code = "event_not_found"
    http_status = 404


class RegistrationNotFound(SignupError):
    code = "registration_not_found"
    http_status = 404


class RegistrationClosed(SignupError):
    code = "registration_closed"
    http_status = 409


class EventCancelled(RegistrationClosed):
    """The organisers called the meeting off: no sign-ups, changes or moves up any more. A kind of
    closed, so every place that answers a closed form answers this too, with its own words."""

    code = "event_cancelled"


class WaitlistFull(SignupError):
    """Every seat and every place on the waiting list is taken; nothing was stored."""

    code = "waitlist_full"
    http_status = 409


class EventStarted(SignupError):
    """The meeting has begun: a registration can no longer be cancelled."""

    code = "event_started"
    http_status = 409


class RegisteredBefore(SignupError):
    """An organiser adding someone by hand: that address is already registered (`registration`)."""

    code = "registered_before"
    http_status = 409


class NotCheckedIn(SignupError):
    """Only someone with a seat can be marked present: the waiting list and the cancelled cannot."""

    code = "not_checked_in"
    http_status = 409


class ValidationFailed(SignupError):
    """Field-level problems: `fields` maps a field name to a message code."""

    code = "invalid_input"
    http_status = 422

    def __init__(self, fields: dict[str, tuple[str, dict[str, Any]]]) -> None:
        super().__init__()
        self.fields = fields


class ChoiceFull(ValidationFailed):
    """Every place of a limited choice is taken (`place`: its `events.place_key`); nothing was written.
    Said at its question's field (`q_<id>`) like any other problem with the answers."""

    def __init__(self, place: str) -> None:
        super().__init__({f"q_{place.split(':', 1)[0]}": ("choice_full", {})})
        self.place = place


class MalformedRequest(SignupError):
    code = "malformed_request"
    http_status = 400


class UnsupportedMediaType(SignupError):
    code = "unsupported_media_type"
    http_status = 415


class PayloadTooLarge(SignupError):
    code = "payload_too_large"
    http_status = 413


class TooManyRequests(SignupError):
    code = "too_many_requests"
    http_status = 429


class ForbiddenOrigin(SignupError):
    code = "forbidden_origin"
    http_status = 403


class ServiceBusy(SignupError):
    """DynamoDB kept refusing: conflicts after bounded retries, or throttling botocore retried."""

    code = "busy"
    http_status = 503


class ServiceUnavailable(SignupError):
    """AWS answered with an error we did not expect; nothing was stored."""

    code = "unavailable"
    http_status = 503


# Signals between the store and the domain; they never reach a client as such.
class AlreadyRegistered(Exception):
    """A live registration with this email exists for this event."""


class NoticeNotNeeded(Exception):
    """A repeated sign-up's registration already has an email on its way (or changed meanwhile)."""


class FormTokenUsed(Exception):
    """The hosted form's token has already served a registration."""


class EventFull(Exception):
    """The confirmed seats are taken; the caller may waitlist instead."""


class AddressSuppressed(Exception):
    """The address bounced or complained: store the registration, send nothing."""


class EmailLimitReached(Exception):
    """This address got its daily share of emails: store the registration, send nothing."""


class Contention(Exception):
    """A transaction conflict, or what was read changed before the write: nothing was written,
    read again and retry (chalicelib/conflicts.py). Never throttling: botocore retries that."""


class EventEdited(Exception):
    """The event's description was saved after the rules read it (a sign-up decided on a recent
    copy): nothing was written; `event` is the stored one (None when it is gone), decide again."""

    def __init__(self, event: Any) -> None:
        super().__init__("event edited since it was read")
        self.event = event


class EventExists(Exception):
    """An event with that id is already stored: creating it would overwrite another meeting."""


class EventChanged(Exception):
    """Someone else saved the event after this edit began: saving would undo their changes."""


class SeatsTaken(Exception):
    """Fewer seats than are already taken: nobody loses a seat they were given."""

    def __init__(self, taken: int) -> None:
        super().__init__(taken)
        self.taken = taken
