"""Domain errors. Views map them to HTTP; nothing here knows about HTTP clients."""

from __future__ import annotations

from typing import Any

from .events import answer_field


class SignupError(Exception):
    """A refusal a person can act on. `code` is stable (the API's `error.code`, the key of the
    translated message); `http_status` is how a view answers it. A refusal names both in its class
    line, `class EventNotFound(SignupError, code="event_not_found", http_status=404)`; a narrower one
    names only what differs from the refusal it narrows."""

    code = "error"
    http_status = 400

    def __init_subclass__(cls, *, code: str | None = None, http_status: int | None = None, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if code is not None:
            cls.code = code
        if http_status is not None:
            cls.http_status = http_status

    def __init__(self, **params: Any) -> None:
        super().__init__(self.code)
        self.params = params


# Nothing there by that id.
class EventNotFound(SignupError, code="event_not_found", http_status=404):
    """No meeting by that id: never created, or removed. The console says the same to an organiser
    who may not see the meeting, so the answer tells nothing about which it is."""


class RegistrationNotFound(SignupError, code="registration_not_found", http_status=404):
    """No registration behind the link (erased, replaced by a new sign-up, or never there), or its
    meeting is gone."""


# The meeting's state refuses it now; nothing was written.
class RegistrationClosed(SignupError, code="registration_closed", http_status=409):
    """The last day to sign up has passed or the organisers closed the form: no sign-up, and no
    change to the answers given."""


class EventCancelled(RegistrationClosed, code="event_cancelled"):
    """The organisers called the meeting off: no sign-ups, changes or moves up any more. A kind of
    closed, so every place that answers a closed form answers this too, with its own words."""


class WaitlistFull(SignupError, code="waitlist_full", http_status=409):
    """Every seat and every place on the waiting list is taken; nothing was stored."""


class EventStarted(SignupError, code="event_started", http_status=409):
    """The meeting has begun: a registration can no longer be cancelled."""


class RegisteredBefore(SignupError, code="registered_before", http_status=409):
    """An organiser adding someone by hand: that address is already registered (`registration`)."""


class NotCheckedIn(SignupError, code="not_checked_in", http_status=409):
    """Only someone with a seat can be marked present: the waiting list and the cancelled cannot."""


# The answers themselves: said at the fields, in the form's language.
class ValidationFailed(SignupError, code="invalid_input", http_status=422):
    """Field-level problems: `fields` maps a field name to a message code."""

    def __init__(self, fields: dict[str, tuple[str, dict[str, Any]]]) -> None:
        super().__init__()
        self.fields = fields


class ChoiceFull(ValidationFailed):
    """Every place of a limited choice is taken (`place`: its `events.place_key`); nothing was written.
    Said at its question's field (`q_<id>`) like any other problem with the answers."""

    def __init__(self, place: str) -> None:
        super().__init__({answer_field(place.split(":", 1)[0]): ("choice_full", {})})
        self.place = place


# The request itself is refused before anything is read or written.
class MalformedRequest(SignupError, code="malformed_request", http_status=400):
    """The body cannot be read as its content type says (not UTF-8, invalid JSON, JSON nested too
    deeply, not a JSON object, a broken form or multipart encoding); `detail` says which."""


class UnsupportedMediaType(SignupError, code="unsupported_media_type", http_status=415):
    """The body is of a type the route does not take: the API takes a form post or JSON, the
    console a form post or a multipart form."""


class PayloadTooLarge(SignupError, code="payload_too_large", http_status=413):
    """The body is larger than the route takes (`forms.MAX_BODY_BYTES`, the console's
    `MAX_CONSOLE_BODY`)."""


class TooManyRequests(SignupError, code="too_many_requests", http_status=429):
    """Too many sign-ups from one sender within the store's window (`store.limits`); a post that
    stored nothing counts too, so trying again and again does not get around it."""


class ForbiddenOrigin(SignupError, code="forbidden_origin", http_status=403):
    """A sign-up posted from a page whose origin is not among the allowed ones (a cross-site form
    post, which CORS does not stop)."""


# AWS did not do it; nothing was stored, and trying again shortly may work.
class ServiceBusy(SignupError, code="busy", http_status=503):
    """DynamoDB kept refusing: conflicts after bounded retries, or throttling botocore retried."""


class ServiceUnavailable(SignupError, code="unavailable", http_status=503):
    """AWS answered with an error we did not expect; nothing was stored."""


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
