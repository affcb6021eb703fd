"""Signing up: the registration, the event's counter and every limit in one transaction, and a
repeated sign-up's "already registered" email; a refusal says which condition failed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

from botocore.exceptions import ClientError

from .. import errors
from ..events import Event, EventStatus
from ..registrations import SEATED, EmailState, Registration, RepeatedSignUp, SignUp, Status
from .events import EventRecords
from .items import email_attributes, event_from_item, plain_item, registration_from_item, registration_item
from .limits import Limits
from .network import NetworkRecords
from .places import full_place, place_changes
from .registrations import RegistrationRecords
from .schema import epoch_number, event_key, iso_time, registration_key
from .table import CONFLICT_ERRORS, CONFLICT_REASONS, TaggedWrite, error_code, is_busy, set_or_remove

# What a failed check beside a sign-up's write means, by its tag, in the order a refusal is told:
# the sender's rate first, then the address's suppression and its daily email limit.
_CHECK_REFUSALS: dict[str, type[Exception]] = {
    "client_limit": errors.TooManyRequests,
    "suppressed": errors.AddressSuppressed,
    "email_limit": errors.EmailLimitReached,
}
# A repeated sign-up's write: a form already used first; an email still on its way (no second one
# needed) after the sender's rate and before the address's checks.
_DUPLICATE_REFUSALS: dict[str, type[Exception]] = {
    "form_token": errors.FormTokenUsed,
    "client_limit": errors.TooManyRequests,
    "registration": errors.NoticeNotNeeded,
    "suppressed": errors.AddressSuppressed,
    "email_limit": errors.EmailLimitReached,
}


def _first_refusal(failed: set[str], refusals: dict[str, type[Exception]]) -> Exception | None:
    """The refusal of the first tag in `refusals` that failed; None when none did."""
    tag = next((tag for tag in refusals if tag in failed), None)
    return refusals[tag]() if tag is not None else None


class Signups(EventRecords, RegistrationRecords, Limits, NetworkRecords):
    def insert_registration(self, signup: SignUp) -> None:
        """One transaction: the registration and the event's counter, or neither.

        The same transaction checks the email suppression list, the address's
        daily email limit and the sender's rate limit: no extra calls. `by_hand` (an
        organiser adds someone): the seats still count, but not the deadline or an early close.
        The choices the answers hold are counted on the event in the same update, each limited one
        (`place_limits`) only while it has a place left.
        `network`: the series whose member record this sign-up writes (the person asked to be kept
        informed), in the same transaction, so a member is never without their sign-up or back.
        `read`: the event as the rules read it (maybe a recent copy, `recent_event`); EventEdited,
        with nothing written, when its description has been saved since.
        """
        registration, now, by_hand, read = signup.registration, signup.now, signup.by_hand, signup.read
        seated = registration.status in SEATED
        counters = "confirmed_count = confirmed_count + :one" if seated else "waitlist_count = waitlist_count + :one"
        if registration.status == Status.PENDING:
            counters += ", pending_count = if_not_exists(pending_count, :zero) + :one"
        if seated:
            seats = "(attribute_not_exists(#capacity) OR confirmed_count < #capacity)"
        else:
            # Waitlist only while still full (a seat freed meanwhile should go to this person)
            # and while the waiting list has room.
            seats = "confirmed_count >= #capacity AND waitlist_count < #waitlist_limit"
        place_sets, place_condition, place_names, place_values = place_changes(
            registration.answers.places, (), signup.place_limits
        )
        counters += place_sets
        seats += place_condition
        version_names, version_values = {}, {}
        if read is not None:
            seats += " AND " + ("#described = :described" if read.updated_at else "attribute_not_exists(#described)")
            version_names = {"#described": "updated_at"}
            version_values = {":described": {"S": iso_time(read.updated_at)}} if read.updated_at else {}
        items: list[TaggedWrite] = [
            (
                "registration",
                {
                    "Put": {
                        "TableName": self.table,
                        "Item": registration_item(registration),
                        # A cancelled registration may be replaced by a new sign-up.
                        "ConditionExpression": "attribute_not_exists(PK) OR #status = :cancelled",
                        "ExpressionAttributeNames": {"#status": "status"},
                        "ExpressionAttributeValues": {":cancelled": {"S": Status.CANCELLED}},
                        "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
                    }
                },
            ),
            (
                "event",
                {
                    "Update": {
                        "TableName": self.table,
                        "Key": event_key(registration.event_id),
                        "UpdateExpression": f"SET {counters}",
                        # By hand, the deadline and an early close do not apply; a cancellation does.
                        "ConditionExpression": f"#status <> :cancelled AND {seats}"
                        if by_hand
                        else f"#status = :open AND deadline_ts > :now AND {seats}",
                        "ExpressionAttributeNames": {
                            "#status": "status",
                            **place_names,
                            **version_names,
                            "#capacity": "capacity",
                            **(
                                {"#waitlist_limit": "waitlist_limit"}
                                if registration.status == Status.WAITLISTED
                                else {}
                            ),
                        },
                        "ExpressionAttributeValues": {
                            ":one": {"N": "1"},
                            **(
                                {":cancelled": {"S": EventStatus.CANCELLED}}
                                if by_hand
                                else {":open": {"S": EventStatus.OPEN}, ":now": {"N": epoch_number(now)}}
                            ),
                            **({":zero": {"N": "0"}} if registration.status == Status.PENDING else {}),
                            **place_values,
                            **version_values,
                        },
                        "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
                    }
                },
            ),
            *self._email_checks(registration, now),
            *self._sender_limit(signup.client, now),
            *self._form_token_marker(signup.form_token),
            *(self._membership(registration, signup.network, now) if signup.network else []),
        ]
        try:
            transaction: list[Any] = [item for _, item in items]  # plain dicts; boto3's TypedDicts are for checking
            self.client.transact_write_items(TransactItems=transaction)
        except ClientError as error:
            raise self._explain_refusal(error, [tag for tag, _ in items], signup) from error

    def _explain_refusal(self, error: ClientError, tags: list[str], signup: SignUp) -> Exception:
        code = error_code(error)
        if code in CONFLICT_ERRORS:
            return errors.Contention(code)
        if is_busy(error):
            return errors.ServiceBusy()
        if code != "TransactionCanceledException":
            return error
        # Reasons come in the order of TransactItems, which `tags` names.
        reasons = dict(zip(tags, error.response.get("CancellationReasons") or [], strict=False))
        if len(reasons) != len(tags):
            return errors.Contention("unexplained cancellation")
        return self._explain_conditions(reasons, signup) or error

    def _explain_conditions(self, reasons: dict[str, Any], signup: SignUp) -> Exception | None:
        """Which refusal the failed conditions (by tag) mean; None when none explains it."""
        registration, now, by_hand, read = signup.registration, signup.now, signup.by_hand, signup.read
        failed = {tag for tag, reason in reasons.items() if reason.get("Code") == "ConditionalCheckFailed"}
        if "form_token" in failed:
            return errors.FormTokenUsed()
        event_refusal = None
        if "event" in failed:
            stored = self._stored_event(reasons["event"].get("Item"), registration.event_id, now)
            if read is not None and (stored is None or stored.updated_at != read.updated_at):
                # Decided on a description that has changed since: decide again on this one.
                return errors.EventEdited(stored)
            event_refusal = self._explain_event(stored, registration, now, by_hand, signup.place_limits)
            # The rules may have gone by a recent copy, whose counters are only a first guess: what
            # the stored event refuses before anything else (closed, full, no room to wait) comes
            # first, as it would have from a fresh read, also for an address already registered.
            # An organiser adding by hand may know who is signed up: for them "registered before" wins.
            refused_first = not (by_hand and "registration" in failed)
            if refused_first and isinstance(
                event_refusal, errors.RegistrationClosed | errors.EventNotFound | errors.EventFull | errors.WaitlistFull
            ):
                return event_refusal
        if "registration" in failed:
            return self._explain_existing(reasons["registration"].get("Item"), registration)
        if event_refusal is not None:
            return event_refusal
        refused = _first_refusal(failed, _CHECK_REFUSALS)
        if refused is not None:
            return refused
        if any(reason.get("Code") in CONFLICT_REASONS for reason in reasons.values()):
            return errors.Contention(",".join(str(reason.get("Code")) for reason in reasons.values()))
        return None

    def _explain_existing(self, old: Any, registration: Registration) -> Exception:
        existing = (
            registration_from_item(plain_item(old))
            if old
            else self.get_registration(registration.event_id, registration.answers.email_key)
        )
        if existing is None or not existing.is_live:
            return errors.Contention("registration changed meanwhile")
        return errors.AlreadyRegistered(existing)

    def _stored_event(self, old: Any, event_id: str, now: datetime) -> Event | None:
        """The event as the refused write found it (read again if DynamoDB did not return it); kept
        for the next sign-up's `recent_event`, its counters being the newest this process has seen."""
        event = event_from_item(plain_item(old)) if old else self.get_event(event_id)
        if event is not None:
            self.remember_event(event, now)
        return event

    def _explain_event(
        self,
        event: Event | None,
        registration: Registration,
        now: datetime,
        by_hand: bool,
        place_limits: Mapping[str, int],
    ) -> Exception:
        if event is None:
            return errors.EventNotFound()
        if event.is_cancelled:
            return errors.EventCancelled()
        if not by_hand and not event.is_open(now):
            return errors.RegistrationClosed()
        if registration.status in SEATED and event.is_full:
            return errors.EventFull()
        if registration.status == Status.WAITLISTED and event.waitlist_is_full:
            return errors.WaitlistFull()
        full = full_place(registration.answers.places, event.choice_counts, place_limits)
        if full is not None:
            return errors.ChoiceFull(full)
        if registration.status == Status.WAITLISTED and event.is_full:
            # Still full, so what failed is the waiting list's bound.
            return errors.WaitlistFull()
        return errors.Contention("event changed meanwhile")

    def note_duplicate(self, repeated: RepeatedSignUp) -> None:
        """A repeated sign-up writes no answer: it counts against the sender and, with `notice`,
        takes the existing registration's email lease for the "already registered" email, under
        the same suppression and daily email limit as every registration email."""
        existing, now, notice = repeated.existing, repeated.now, repeated.notice
        items = self._sender_limit(repeated.client, now) + self._form_token_marker(repeated.form_token)
        if notice is not None:
            expression, names, values = set_or_remove(email_attributes(notice), "e")
            items[:0] = [
                (
                    "registration",
                    {
                        "Update": {
                            "TableName": self.table,
                            "Key": registration_key(existing.event_id, existing.answers.email_key),
                            "UpdateExpression": expression,
                            # Never take over an email still on its way (a confirmation the outbox retries).
                            "ConditionExpression": "registration_id = :id AND #status <> :cancelled "
                            "AND NOT (email_state IN (:sending, :failed))",
                            "ExpressionAttributeNames": {**names, "#status": "status"},
                            "ExpressionAttributeValues": {
                                **values,
                                ":id": {"S": existing.registration_id},
                                ":cancelled": {"S": Status.CANCELLED},
                                ":sending": {"S": EmailState.SENDING},
                                ":failed": {"S": EmailState.FAILED},
                            },
                        }
                    },
                ),
                *self._email_checks(replace(existing, email=notice), now),
            ]
        if not items:
            return
        refused = _first_refusal(self._transact(items), _DUPLICATE_REFUSALS)
        if refused is not None:
            raise refused
