"""DynamoDB repository: the only module that knows keys and expressions.

One table. An event is `EVENT#{id}`/`META`; a registration sits beside it as
`EVENT#{id}`/`REG#{email}`, so one Query reads an event's registrations.
"""

from __future__ import annotations

import hashlib
import time as time_module
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, time
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import ClientError

from ..errors import (
    AddressSuppressed,
    AlreadyRegistered,
    Contention,
    EmailLimitReached,
    EventFull,
    EventNotFound,
    FormTokenUsed,
    NoticeNotNeeded,
    RegistrationClosed,
    RegistrationNotFound,
    ServiceBusy,
    TooManyRequests,
    WaitlistFull,
)
from ..events import DEFAULT_CONFIRM_WITHIN_HOURS, Event, InterestArea
from ..forms import Answers
from ..jobs import SendState
from ..registrations import SEATED, EmailDelivery, EmailKind, EmailState, Registration, Status

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

EVENTS_INDEX = "events-by-start"  # GSI1: events by start, and the email outbox by due time
REGISTRATION_ID_INDEX = "registrations-by-id"
OUTBOX = "OUTBOX"
# Registration emails to one address per UTC day, across events: the form must not
# become a way to flood a stranger's inbox.
DAILY_EMAILS_PER_ADDRESS = 5
# Sign-ups from one sender per 10 minutes: generous for an office behind one address,
# a wall for a script.
REGISTRATIONS_PER_CLIENT_WINDOW = 30
CLIENT_WINDOW_SECONDS = 600
_serializer = TypeSerializer()
_deserializer = TypeDeserializer()

# A transaction conflict (someone else was writing the same items): nothing was written, and the
# rules read again and retry (chalicelib/conflicts.py). An item throttled inside a transaction comes
# back the same way, as a cancelled transaction, which botocore's retry rules never retry: the hot
# event counter under a rush is exactly that case, so ours retries it too, with jitter, bounded.
_CONFLICT_ERRORS = {"TransactionConflictException"}
_CONFLICT_REASONS = {"TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded"}
# Throttling and AWS's own trouble: botocore's standard mode has already retried these, so they
# are not retried again (that multiplied the attempts inside API Gateway's 29 s): 503 busy.
_BUSY_ERRORS = {
    "TransactionInProgressException",
    "ThrottlingException",
    "ProvisionedThroughputExceededException",
    "RequestLimitExceeded",
    "InternalServerError",
}


def event_key(event_id: str) -> dict[str, Any]:
    return {"PK": {"S": f"EVENT#{event_id}"}, "SK": {"S": "META"}}


def registration_key(event_id: str, email_key: str) -> dict[str, Any]:
    return {"PK": {"S": f"EVENT#{event_id}"}, "SK": {"S": f"REG#{email_key}"}}


def suppression_key(email_key: str) -> dict[str, Any]:
    """Keyed by a hash of the mailbox, not the address: erasing a person deletes everything
    that names them, but a bounced or complaining address must stay suppressed."""
    digest = hashlib.sha256(email_key.encode()).hexdigest()
    return {"PK": {"S": f"SUPPRESSED#{digest}"}, "SK": {"S": "SUPPRESSED"}}


def marker_key(event_id: str, name: str) -> dict[str, Any]:
    return {"PK": {"S": f"EVENT#{event_id}"}, "SK": {"S": f"SENT#{name}"}}


def daily_emails_key(email_key: str, day: str) -> dict[str, Any]:
    return {"PK": {"S": f"ADDRESS#{email_key}"}, "SK": {"S": f"EMAILS#{day}"}}


class DynamoStore:
    """Events and registrations in one DynamoDB table."""

    def __init__(self, client: DynamoDBClient, table_name: str) -> None:
        self.client = client
        self.table = table_name

    # -- events ---------------------------------------------------------------

    def get_event(self, event_id: str) -> Event | None:
        item = self.client.get_item(TableName=self.table, Key=event_key(event_id), ConsistentRead=True).get("Item")
        return event_from_item(_plain(item)) if item else None

    def put_event(self, event: Event, now: datetime) -> None:
        """Create or update an event's description; its counters are left as they are."""
        expression, names, values = _set_or_remove(
            dict(sorted(event_attributes(event).items())),
            "a",
            also_set=(
                "confirmed_count = if_not_exists(confirmed_count, :zero)",
                "waitlist_count = if_not_exists(waitlist_count, :zero)",
                "pending_count = if_not_exists(pending_count, :zero)",
                "created_at = if_not_exists(created_at, :now)",
                "updated_at = :now",
            ),
        )
        expression_values = {**values, ":zero": {"N": "0"}, ":now": {"S": now.isoformat()}}
        self.client.update_item(
            TableName=self.table,
            Key=event_key(event.id),
            UpdateExpression=expression,
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=expression_values,
        )

    def withdraw_organiser_links(self, event_id: str) -> int:
        """Bump the event's organiser link version, so every link made before stops working.
        Like the counters, `put_event` leaves it alone. Returns the new version."""
        try:
            response = self.client.update_item(
                TableName=self.table,
                Key=event_key(event_id),
                UpdateExpression="ADD organiser_link_version :one",
                ConditionExpression="attribute_exists(PK)",
                ExpressionAttributeValues={":one": {"N": "1"}},
                ReturnValues="UPDATED_NEW",
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                raise EventNotFound() from error
            raise
        return int(response["Attributes"]["organiser_link_version"]["N"])

    def list_events(self) -> list[Event]:
        """Every event, by start time, from the events index (no Scan)."""
        events = []
        for item in self._query(
            IndexName=EVENTS_INDEX,
            KeyConditionExpression="GSI1PK = :events",
            ExpressionAttributeValues={":events": {"S": "EVENTS"}},
        ):
            events.append(event_from_item(item))
        return events

    # -- registrations -----------------------------------------------------

    def insert_registration(
        self, registration: Registration, now: datetime, client: str | None = None, form_token: Any = None
    ) -> None:
        """One transaction: the registration and the event's counter, or neither.

        The same transaction checks the email suppression list, the address's
        daily email limit and the sender's rate limit: no extra calls.
        """
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
        items: list[tuple[str, dict[str, Any]]] = [
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
                        "ConditionExpression": f"#status = :open AND deadline_ts > :now AND {seats}",
                        "ExpressionAttributeNames": {
                            "#status": "status",
                            "#capacity": "capacity",
                            **(
                                {"#waitlist_limit": "waitlist_limit"}
                                if registration.status == Status.WAITLISTED
                                else {}
                            ),
                        },
                        "ExpressionAttributeValues": {
                            ":one": {"N": "1"},
                            ":open": {"S": "open"},
                            ":now": {"N": _epoch(now)},
                            **({":zero": {"N": "0"}} if registration.status == Status.PENDING else {}),
                        },
                        "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
                    }
                },
            ),
            *self._email_checks(registration, now),
            *self._client_limit(client, now),
            *self._form_token_marker(form_token),
        ]
        try:
            transaction: list[Any] = [item for _, item in items]  # plain dicts; boto3's TypedDicts are for checking
            self.client.transact_write_items(TransactItems=transaction)
        except ClientError as error:
            raise self._explain_refusal(error, [tag for tag, _ in items], registration, now) from error

    def _email_checks(self, registration: Registration, now: datetime) -> list[tuple[str, dict[str, Any]]]:
        """Suppression and the daily email limit; a failure makes `register` store it without email."""
        if registration.email.state != EmailState.SENDING:
            return []
        email_key = registration.answers.email_key
        day = now.astimezone(UTC).date()
        return [
            (
                "suppressed",
                {
                    "ConditionCheck": {
                        "TableName": self.table,
                        "Key": suppression_key(email_key),
                        "ConditionExpression": "attribute_not_exists(PK)",
                    }
                },
            ),
            (
                "email_limit",
                self._counter(daily_emails_key(email_key, day.isoformat()), DAILY_EMAILS_PER_ADDRESS, now, 2 * 86400),
            ),
        ]

    def _client_limit(self, client: str | None, now: datetime) -> list[tuple[str, dict[str, Any]]]:
        """Registrations per sender (hashed IP) per 10-minute window."""
        if not client:
            return []
        window = int(now.timestamp()) // CLIENT_WINDOW_SECONDS
        key = {"PK": {"S": f"CLIENT#{client}"}, "SK": {"S": f"REGS#{window}"}}
        return [("client_limit", self._counter(key, REGISTRATIONS_PER_CLIENT_WINDOW, now, CLIENT_WINDOW_SECONDS * 2))]

    def _form_token_marker(self, form_token: Any) -> list[tuple[str, dict[str, Any]]]:
        """A hosted form's token serves one registration: its marker is written with it, once;
        DynamoDB's TTL removes it when the token has expired anyway."""
        if form_token is None:
            return []
        return [
            (
                "form_token",
                {
                    "Put": {
                        "TableName": self.table,
                        "Item": {
                            "PK": {"S": f"FORMTOKEN#{form_token.nonce}"},
                            "SK": {"S": "USED"},
                            "expires_at": {"N": str(int(form_token.expires_at.timestamp()))},
                        },
                        "ConditionExpression": "attribute_not_exists(PK)",
                    }
                },
            )
        ]

    def count_sender(self, client: str | None, now: datetime) -> None:
        """A post answered without storing anything still counts against its sender (raises
        TooManyRequests), so the limit answers it as it would anyone."""
        if client and self._transact(self._client_limit(client, now)):
            raise TooManyRequests()

    def _counter(self, key: dict[str, Any], limit: int, now: datetime, keep_seconds: int) -> dict[str, Any]:
        return {
            "Update": {
                "TableName": self.table,
                "Key": key,
                "UpdateExpression": "ADD used :one SET expires_at = :expires",
                "ConditionExpression": "attribute_not_exists(used) OR used < :limit",
                "ExpressionAttributeValues": {
                    ":one": {"N": "1"},
                    ":limit": {"N": str(limit)},
                    ":expires": {"N": str(int(now.timestamp()) + keep_seconds)},
                },
            }
        }

    def _explain_refusal(
        self, error: ClientError, tags: list[str], registration: Registration, now: datetime
    ) -> Exception:
        code = _error_code(error)
        if code in _CONFLICT_ERRORS:
            return Contention(code)
        if _busy(error):
            return ServiceBusy()
        if code != "TransactionCanceledException":
            return error
        # Reasons come in the order of TransactItems, which `tags` names.
        reasons = dict(zip(tags, error.response.get("CancellationReasons") or [], strict=False))
        failed = {tag for tag, reason in reasons.items() if reason.get("Code") == "ConditionalCheckFailed"}
        if len(reasons) != len(tags):
            return Contention("unexplained cancellation")
        if "form_token" in failed:
            return FormTokenUsed()
        if "registration" in failed:
            return self._explain_existing(reasons["registration"].get("Item"), registration)
        if "event" in failed:
            return self._explain_event(reasons["event"].get("Item"), registration, now)
        if "client_limit" in failed:
            return TooManyRequests()
        if "suppressed" in failed:
            return AddressSuppressed()
        if "email_limit" in failed:
            return EmailLimitReached()
        if any(reason.get("Code") in _CONFLICT_REASONS for reason in reasons.values()):
            return Contention(",".join(str(reason.get("Code")) for reason in reasons.values()))
        return error

    def _explain_existing(self, old: Any, registration: Registration) -> Exception:
        existing = (
            registration_from_item(_plain(old))
            if old
            else self.get_registration(registration.event_id, registration.answers.email_key)
        )
        if existing is None or not existing.is_live:
            return Contention("registration changed meanwhile")
        return AlreadyRegistered(existing)

    def _explain_event(self, old: Any, registration: Registration, now: datetime) -> Exception:
        event = event_from_item(_plain(old)) if old else self.get_event(registration.event_id)
        if event is None:
            return EventNotFound()
        if not event.is_open(now):
            return RegistrationClosed()
        if registration.status in SEATED and event.is_full:
            return EventFull()
        if registration.status == Status.WAITLISTED and event.is_full:
            # Still full, so what failed is the waiting list's bound.
            return WaitlistFull()
        return Contention("event changed meanwhile")

    def get_registration(self, event_id: str, email_key: str) -> Registration | None:
        item = self.client.get_item(
            TableName=self.table, Key=registration_key(event_id, email_key), ConsistentRead=True
        ).get("Item")
        if not item or _expired(_plain(item)):
            return None
        return registration_from_item(_plain(item))

    def update_answers(self, registration: Registration, answers: Answers, now: datetime) -> Registration:
        """Replace a live registration's answers (the email, its identity, stays), in one
        transaction with a check that registration is still open."""
        data = answer_attributes(answers)
        names = {f"#f{index}": name for index, name in enumerate(data)}
        values = {f":v{index}": _serializer.serialize(value) for index, value in enumerate(data.values())}
        sets = ", ".join(f"#f{index} = :v{index}" for index in range(len(data)))
        items: list[tuple[str, dict[str, Any]]] = [
            (
                "registration",
                {
                    "Update": {
                        "TableName": self.table,
                        "Key": registration_key(registration.event_id, registration.answers.email_key),
                        "UpdateExpression": f"SET {sets}, updated_at = :now",
                        "ConditionExpression": "registration_id = :id AND #status <> :cancelled",
                        "ExpressionAttributeNames": {**names, "#status": "status"},
                        "ExpressionAttributeValues": {
                            **values,
                            ":now": {"S": now.isoformat()},
                            ":id": {"S": registration.registration_id},
                            ":cancelled": {"S": Status.CANCELLED},
                        },
                    }
                },
            ),
            ("event", self._open_check(registration.event_id, now)),
        ]
        failed = self._transact(items)
        if "event" in failed:
            raise RegistrationClosed()
        if "registration" in failed:
            raise RegistrationNotFound()
        return replace(registration, answers=replace(answers, email=registration.answers.email), updated_at=now)

    def note_duplicate(
        self,
        existing: Registration,
        now: datetime,
        client: str | None,
        notice: EmailDelivery | None,
        form_token: Any = None,
    ) -> None:
        """A repeated sign-up writes no answer: it counts against the sender and, with `notice`,
        takes the existing registration's email lease for the "already registered" email, under
        the same suppression and daily email limit as every registration email."""
        items = self._client_limit(client, now) + self._form_token_marker(form_token)
        if notice is not None:
            expression, names, values = _set_or_remove(email_attributes(notice), "e")
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
        failed = self._transact(items)
        if "form_token" in failed:
            raise FormTokenUsed()
        if "client_limit" in failed:
            raise TooManyRequests()
        if "registration" in failed:
            raise NoticeNotNeeded()
        if "suppressed" in failed:
            raise AddressSuppressed()
        if "email_limit" in failed:
            raise EmailLimitReached()

    def _open_check(self, event_id: str, now: datetime) -> dict[str, Any]:
        return {
            "ConditionCheck": {
                "TableName": self.table,
                "Key": event_key(event_id),
                "ConditionExpression": "#status = :open AND deadline_ts > :now",
                "ExpressionAttributeNames": {"#status": "status"},
                "ExpressionAttributeValues": {":open": {"S": "open"}, ":now": {"N": _epoch(now)}},
            }
        }

    def _transact(self, items: list[tuple[str, dict[str, Any]]]) -> set[str]:
        """Run one transaction; the tags of the items whose condition failed (empty: it was written).
        Conflicts and throttling raise Contention: nothing was written, try again."""
        try:
            self.client.transact_write_items(TransactItems=cast(list[Any], [item for _, item in items]))
        except ClientError as error:
            code = _error_code(error)
            if code in _CONFLICT_ERRORS:
                raise Contention(code) from error
            if _busy(error):
                raise ServiceBusy() from error
            if code != "TransactionCanceledException":
                raise
            reasons = error.response.get("CancellationReasons") or []
            failed = {
                tag
                for (tag, _), reason in zip(items, reasons, strict=False)
                if reason.get("Code") == "ConditionalCheckFailed"
            }
            if not failed:
                raise Contention(",".join(str(reason.get("Code")) for reason in reasons)) from error
            return failed
        return set()

    def registrations(self, event_id: str) -> Iterator[Registration]:
        """All registrations of an event, following every page; expired ones are skipped
        (DynamoDB's TTL deletes them only within days)."""
        for item in self._query(
            KeyConditionExpression="PK = :pk AND begins_with(SK, :reg)",
            ExpressionAttributeValues={":pk": {"S": f"EVENT#{event_id}"}, ":reg": {"S": "REG#"}},
            ConsistentRead=True,
        ):
            if not _expired(item):
                yield registration_from_item(item)

    def find_registration(self, event_id: str, registration_id: str) -> Registration | None:
        """A registration by its id (from a signed link): index for the key, then a consistent read."""
        response = self.client.query(
            TableName=self.table,
            IndexName=REGISTRATION_ID_INDEX,
            KeyConditionExpression="registration_id = :id",
            ExpressionAttributeValues={":id": {"S": registration_id}},
        )
        for key in response.get("Items", []):
            if key["PK"]["S"] == f"EVENT#{event_id}":
                item = self.client.get_item(
                    TableName=self.table, Key={"PK": key["PK"], "SK": key["SK"]}, ConsistentRead=True
                ).get("Item")
                if item and item["registration_id"]["S"] == registration_id and not _expired(_plain(item)):
                    return registration_from_item(_plain(item))
        return None

    def first_waitlisted(self, event_id: str) -> Registration | None:
        """Who is next in line: the earliest waitlisted registration."""
        waiting = [r for r in self.registrations(event_id) if r.status == Status.WAITLISTED]
        return min(waiting, key=lambda r: (r.created_at, r.registration_id), default=None)

    def cancel(
        self,
        registration: Registration,
        promoted: Registration | None,
        now: datetime,
        receipt: EmailDelivery | None = None,
    ) -> None:
        """Cancel one registration (or release its held seat); a freed seat goes to the first on the
        waiting list in the same transaction, written as `promoted` (its status, hold and email as
        the domain built them); the cancelled item holds its `receipt` email (in the outbox index,
        like any waiting email).

        Raises Contention when anything changed since it was read (someone else
        cancelled, confirmed, promoted or joined the waiting list): read again and retry.
        """
        was = registration.status
        items: list[dict[str, Any]] = [
            self._status_change(registration, was, Status.CANCELLED, now, email=receipt),
        ]
        # How the held (unconfirmed) seats change: one fewer if this was one, one more if the
        # seat passes to someone who must confirm in turn.
        pending_change = (1 if promoted is not None and promoted.status == Status.PENDING else 0) - (
            1 if was == Status.PENDING else 0
        )
        if was == Status.WAITLISTED:
            sets, condition = ["waitlist_count = waitlist_count - :one"], "waitlist_count > :zero"
        elif promoted is not None:
            items.append(
                self._status_change(
                    promoted,
                    Status.WAITLISTED,
                    promoted.status,
                    now,
                    email=promoted.email,
                    hold_until=promoted.hold_until,
                )
            )
            sets, condition = ["waitlist_count = waitlist_count - :one"], "waitlist_count > :zero"
        else:
            # Only free the seat if nobody is waiting: else one of them must get it.
            sets, condition = ["confirmed_count = confirmed_count - :one"], "waitlist_count = :zero"
        values = {":one": {"N": "1"}, ":zero": {"N": "0"}}
        if pending_change:
            sets.append("pending_count = if_not_exists(pending_count, :zero) + :pending")
            values[":pending"] = {"N": str(pending_change)}
        items.append(
            {
                "Update": {
                    "TableName": self.table,
                    "Key": event_key(registration.event_id),
                    "UpdateExpression": "SET " + ", ".join(sets),
                    "ConditionExpression": condition,
                    "ExpressionAttributeValues": values,
                }
            }
        )
        try:
            self.client.transact_write_items(TransactItems=cast(list[Any], items))
        except ClientError as error:
            # Any cancellation but throttling means something changed since it was read.
            if _busy(error):
                raise ServiceBusy() from error
            code = _error_code(error)
            if code in _CONFLICT_ERRORS or code == "TransactionCanceledException":
                raise Contention(code) from error
            raise

    def confirm_seat(self, confirmed: Registration, now: datetime) -> None:
        """A held seat becomes `confirmed`, with the confirmation email (and calendar file) the domain
        leased to its caller; Contention when it was released or changed meanwhile."""
        items: list[Any] = [
            self._status_change(confirmed, Status.PENDING, confirmed.status, now, email=confirmed.email),
            {
                "Update": {
                    "TableName": self.table,
                    "Key": event_key(confirmed.event_id),
                    "UpdateExpression": "SET pending_count = pending_count - :one",
                    "ConditionExpression": "pending_count > :zero",
                    "ExpressionAttributeValues": {":one": {"N": "1"}, ":zero": {"N": "0"}},
                }
            },
        ]
        try:
            self.client.transact_write_items(TransactItems=items)
        except ClientError as error:
            # Any cancellation but throttling means something changed since it was read.
            if _busy(error):
                raise ServiceBusy() from error
            code = _error_code(error)
            if code in _CONFLICT_ERRORS or code == "TransactionCanceledException":
                raise Contention(code) from error
            raise

    def _status_change(
        self,
        registration: Registration,
        was: str,
        becomes: str,
        now: datetime,
        email: EmailDelivery | None = None,
        hold_until: datetime | None = None,
    ) -> dict[str, Any]:
        names = {"#status": "status"}
        values: dict[str, Any] = {
            ":was": {"S": was},
            ":becomes": {"S": becomes},
            ":id": {"S": registration.registration_id},
            ":now": {"S": now.isoformat()},
        }
        attributes = email_attributes(email) if email is not None else {}
        if hold_until is not None:
            attributes["hold_until"] = hold_until.isoformat()
        expression, email_names, email_values = _set_or_remove(
            attributes, "e", also_set=("#status = :becomes", "updated_at = :now")
        )
        names.update(email_names)
        values.update(email_values)
        return {
            "Update": {
                "TableName": self.table,
                "Key": registration_key(registration.event_id, registration.answers.email_key),
                "UpdateExpression": expression,
                "ConditionExpression": "#status = :was AND registration_id = :id",
                "ExpressionAttributeNames": names,
                "ExpressionAttributeValues": values,
            }
        }

    # -- the email outbox ----------------------------------------------------------

    def due_emails(self, now: datetime) -> Iterator[Registration]:
        """Registrations whose email is waiting and due (lease over or backoff passed)."""
        for item in self._query(
            IndexName=EVENTS_INDEX,
            KeyConditionExpression="GSI1PK = :outbox AND GSI1SK <= :now",
            ExpressionAttributeValues={":outbox": {"S": OUTBOX}, ":now": {"S": _outbox_time(now) or ""}},
        ):
            yield registration_from_item(item)

    def claim_email(self, registration: Registration, now: datetime, lease: datetime) -> Registration | None:
        """Take the email for one sender: only one of several racing jobs gets it."""
        claimed = replace(
            registration.email, state=EmailState.SENDING, attempts=registration.email.attempts + 1, due_at=lease
        )
        try:
            self._set_email(
                registration,
                claimed,
                condition="email_state IN (:sending, :failed) AND GSI1SK <= :now",
                values={
                    ":sending": {"S": EmailState.SENDING},
                    ":failed": {"S": EmailState.FAILED},
                    ":now": {"S": _outbox_time(now) or ""},
                },
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return None
            raise
        return replace(registration, email=claimed)

    def email_sent(self, registration: Registration, message_id: str) -> None:
        self._set_email(
            registration,
            replace(registration.email, state=EmailState.SENT, due_at=None, message_id=message_id, error=""),
        )

    def email_failed(self, registration: Registration, error: str, retry_at: datetime | None) -> None:
        state = EmailState.FAILED if retry_at else EmailState.GAVE_UP
        self._set_email(registration, replace(registration.email, state=state, due_at=retry_at, error=error))

    def email_suppressed(self, registration: Registration) -> None:
        self._set_email(registration, replace(registration.email, state=EmailState.SUPPRESSED, due_at=None))

    def _set_email(
        self,
        registration: Registration,
        email: EmailDelivery,
        condition: str = "",
        values: dict[str, Any] | None = None,
    ) -> None:
        expression, names, email_values = _set_or_remove(email_attributes(email), "e")
        expression_values = {":id": {"S": registration.registration_id}, **(values or {}), **email_values}
        # The registration may have been replaced (cancel, sign up again): leave the new one alone.
        full_condition = "registration_id = :id" + (f" AND {condition}" if condition else "")
        self.client.update_item(
            TableName=self.table,
            Key=registration_key(registration.event_id, registration.answers.email_key),
            UpdateExpression=expression,
            ConditionExpression=full_condition,
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=expression_values,
        )

    # -- scheduled sends: claimed markers ----------------------------------------

    def upcoming_events(self, now: datetime) -> list[Event]:
        """Events that have not started yet, from the index: past events are never read."""
        return [
            event_from_item(item)
            for item in self._query(
                IndexName=EVENTS_INDEX,
                KeyConditionExpression="GSI1PK = :events AND GSI1SK >= :now",
                ExpressionAttributeValues={
                    ":events": {"S": "EVENTS"},
                    ":now": {"S": now.astimezone(UTC).replace(microsecond=0).isoformat()},
                },
            )
        ]

    def events_with_sensitive_answers(self, start: datetime, end: datetime) -> list[Event]:
        """Events that started in [start, end] whose diets and access needs are not yet forgotten."""
        return [
            event_from_item(item)
            for item in self._query(
                IndexName=EVENTS_INDEX,
                KeyConditionExpression="GSI1PK = :events AND GSI1SK BETWEEN :start AND :end",
                FilterExpression="attribute_not_exists(sensitive_forgotten_at)",
                ExpressionAttributeValues={
                    ":events": {"S": "EVENTS"},
                    ":start": {"S": start.astimezone(UTC).replace(microsecond=0).isoformat()},
                    ":end": {"S": end.astimezone(UTC).replace(microsecond=0).isoformat()},
                },
            )
        ]

    def mark_sensitive_forgotten(self, event_id: str, now: datetime) -> None:
        self.client.update_item(
            TableName=self.table,
            Key=event_key(event_id),
            UpdateExpression="SET sensitive_forgotten_at = :now",
            ExpressionAttributeValues={":now": {"S": now.isoformat()}},
        )

    def blank_sensitive_answers(self, registration: Registration) -> None:
        """Remove diet and access needs (they can reveal health or belief) once the event is over."""
        self.client.update_item(
            TableName=self.table,
            Key=registration_key(registration.event_id, registration.answers.email_key),
            UpdateExpression="SET diet = :empty, access_needs = :empty",
            ConditionExpression="registration_id = :id",
            ExpressionAttributeValues={":empty": {"S": ""}, ":id": {"S": registration.registration_id}},
        )

    def sent_markers(self, event_id: str) -> dict[str, dict[str, Any]]:
        """Every send marker of an event (one small Query), by marker name."""
        return {
            item["SK"].removeprefix("SENT#"): item
            for item in self._query(
                KeyConditionExpression="PK = :pk AND begins_with(SK, :sent)",
                ExpressionAttributeValues={":pk": {"S": f"EVENT#{event_id}"}, ":sent": {"S": "SENT#"}},
                ConsistentRead=True,
            )
        }

    def claim_send(self, event_id: str, name: str, now: datetime, lease: datetime) -> bool:
        """Claim one send (a digest, a reminder to one person) before it goes out.

        Wins if nobody has claimed it, or an earlier claim's lease ran out
        without the send being recorded (that run crashed or SES failed).
        """
        try:
            self.client.put_item(
                TableName=self.table,
                Item={
                    **marker_key(event_id, name),
                    "state": {"S": SendState.CLAIMED},
                    "claimed_at": {"S": now.isoformat()},
                    "lease_until": {"S": lease.astimezone(UTC).isoformat()},
                },
                ConditionExpression="attribute_not_exists(PK) OR (#state <> :sent AND lease_until <= :now)",
                ExpressionAttributeNames={"#state": "state"},
                ExpressionAttributeValues={
                    ":sent": {"S": SendState.SENT},
                    ":now": {"S": now.astimezone(UTC).isoformat()},
                },
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def finish_send(self, event_id: str, name: str, state: SendState, now: datetime, message_id: str = "") -> None:
        """Record the outcome: sent or skipped (final), or failed (free to claim again now)."""
        values: dict[str, Any] = {
            ":state": {"S": state},
            ":at": {"S": now.isoformat()},
            ":lease": {"S": now.astimezone(UTC).isoformat()},
        }
        expression = "SET #state = :state, finished_at = :at, lease_until = :lease"
        if message_id:
            expression += ", message_id = :id"
            values[":id"] = {"S": message_id}
        self.client.update_item(
            TableName=self.table,
            Key=marker_key(event_id, name),
            UpdateExpression=expression,
            ExpressionAttributeNames={"#state": "state"},
            ExpressionAttributeValues=values,
        )

    # -- one person, across events (data subject requests) -----------------------

    def person_items(self, email_key: str, *, with_suppression: bool = True) -> list[dict[str, Any]]:
        """Everything stored under one address: its registration in each event, its address items
        and (unless asked not to, as erasure does) its suppression record."""
        items = []
        for event in self.list_events():
            item = self.client.get_item(
                TableName=self.table, Key=registration_key(event.id, email_key), ConsistentRead=True
            ).get("Item")
            if item:
                items.append(_plain(item))
        items.extend(
            self._query(
                KeyConditionExpression="PK = :pk",
                ExpressionAttributeValues={":pk": {"S": f"ADDRESS#{email_key}"}},
                ConsistentRead=True,
            )
        )
        if with_suppression:
            suppression = self.client.get_item(
                TableName=self.table, Key=suppression_key(email_key), ConsistentRead=True
            ).get("Item")
            if suppression:
                items.append(_plain(suppression))
        return items

    def delete_items(self, items: list[dict[str, Any]]) -> None:
        for item in items:
            self.client.delete_item(TableName=self.table, Key={"PK": {"S": item["PK"]}, "SK": {"S": item["SK"]}})

    # -- suppression -------------------------------------------------------------

    def suppress(self, email_key: str, reason: str, now: datetime) -> None:
        self.client.put_item(
            TableName=self.table,
            Item={**suppression_key(email_key), "reason": {"S": reason}, "at": {"S": now.isoformat()}},
        )

    def is_suppressed(self, email_key: str) -> bool:
        return "Item" in self.client.get_item(TableName=self.table, Key=suppression_key(email_key), ConsistentRead=True)

    def _query(self, **params: Any) -> Iterator[dict[str, Any]]:
        # A page can be short (1 MB limit, filters) and still not be the last:
        # only a missing LastEvaluatedKey ends the read.
        paginator = self.client.get_paginator("query")
        for page in paginator.paginate(TableName=self.table, **params):
            for item in page.get("Items", []):
                yield _plain(item)


# -- item <-> domain -------------------------------------------------------------


def _set_or_remove(
    attributes: dict[str, Any], prefix: str, also_set: tuple[str, ...] = ()
) -> tuple[str, dict[str, str], dict[str, Any]]:
    """An UpdateExpression that sets each attribute, or removes it where the value is None,
    with its placeholder names and values (every name is a placeholder: no reserved-word surprises)."""
    names: dict[str, str] = {}
    values: dict[str, Any] = {}
    sets, removes = list(also_set), []
    for index, (name, value) in enumerate(attributes.items()):
        names[f"#{prefix}{index}"] = name
        if value is None:
            removes.append(f"#{prefix}{index}")
        else:
            sets.append(f"#{prefix}{index} = :{prefix}{index}")
            values[f":{prefix}{index}"] = _serializer.serialize(value)
    return "SET " + ", ".join(sets) + (" REMOVE " + ", ".join(removes) if removes else ""), names, values


def _error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def _busy(error: ClientError) -> bool:
    """A throttled request or AWS's own 5xx, after botocore's retries."""
    return _error_code(error) in _BUSY_ERRORS


def _expired(item: dict[str, Any]) -> bool:
    expires = item.get("expires_at")
    return expires is not None and int(expires) <= time_module.time()


def _epoch(moment: datetime) -> str:
    return format(Decimal(str(moment.timestamp())), "f")


def _plain(item: dict[str, Any]) -> dict[str, Any]:
    return {key: _value(value) for key, value in item.items()}


def _value(typed: dict[str, Any]) -> Any:
    """DynamoDB's typed JSON to Python; the common types inline (a digest reads thousands of items),
    anything else through boto3's TypeDeserializer."""
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
    return _deserializer.deserialize(cast(Any, typed))


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _moment(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def event_attributes(event: Event) -> dict[str, Any]:
    """The descriptive attributes of an event (counters are the store's business)."""
    return {
        "type": "event",
        "event_id": event.id,
        "title": event.title,
        "description": event.description,
        "timezone": event.timezone,
        "starts_at": _iso(event.starts_at),
        "ends_at": _iso(event.ends_at),
        "meal_at": _iso(event.meal_at),
        "venue": event.venue,
        "address": event.address,
        "deadline_at": _iso(event.deadline_at),
        "deadline_ts": Decimal(_epoch(event.deadline_at)),
        "capacity": event.capacity,
        "waitlist_limit": event.waitlist_limit,
        "confirm_address": event.confirm_address,
        "confirm_within_hours": event.confirm_within_hours,
        "organisers": list(event.organisers),
        "questions": sorted(event.questions),
        "interests": [{"id": area.id, "title": area.title} for area in event.interests],
        "status": event.status,
        "reminder_days": list(event.reminder_days),
        "reminder_time": event.reminder_time.strftime("%H:%M"),
        "digest_hour": event.digest_hour,
        "digest": event.digest,
        "organiser_language": event.organiser_language,
        "caterer": event.caterer or None,
        "GSI1PK": "EVENTS",
        "GSI1SK": _iso(event.starts_at),
    }


def event_from_item(item: dict[str, Any]) -> Event:
    capacity = item.get("capacity")
    return Event(
        id=item["event_id"],
        title=dict(item["title"]),
        description=dict(item.get("description") or {}),
        timezone=item["timezone"],
        starts_at=_moment(item["starts_at"]),  # type: ignore[arg-type]
        ends_at=_moment(item.get("ends_at")),
        meal_at=_moment(item.get("meal_at")),
        venue=item["venue"],
        address=item.get("address", ""),
        deadline_at=_moment(item["deadline_at"]),  # type: ignore[arg-type]
        capacity=int(capacity) if capacity is not None else None,
        # Events stored before the bound existed have no waiting list until they are put again.
        waitlist_limit=int(item.get("waitlist_limit", 0)),
        confirm_address=bool(item.get("confirm_address", False)),
        confirm_within_hours=int(item.get("confirm_within_hours", DEFAULT_CONFIRM_WITHIN_HOURS)),
        organisers=tuple(item.get("organisers") or ()),
        questions=frozenset(item.get("questions") or ()),
        interests=tuple(InterestArea(id=area["id"], title=dict(area["title"])) for area in item.get("interests") or ()),
        status=item.get("status", "open"),
        reminder_days=tuple(int(days) for days in item.get("reminder_days", [2])),
        reminder_time=time.fromisoformat(item.get("reminder_time", "09:00")),
        digest_hour=int(item.get("digest_hour", 7)),
        digest=item.get("digest", "changes"),
        organiser_language=item.get("organiser_language", "sv"),
        caterer=item.get("caterer", ""),
        confirmed_count=int(item.get("confirmed_count", 0)),
        waitlist_count=int(item.get("waitlist_count", 0)),
        organiser_link_version=int(item.get("organiser_link_version", 0)),
        pending_count=int(item.get("pending_count", 0)),
    )


def answer_attributes(answers: Answers) -> dict[str, Any]:
    data = answers.as_dict()
    data.pop("email")
    return data


def registration_item(registration: Registration) -> dict[str, Any]:
    answers = registration.answers
    attributes = {
        **answer_attributes(answers),
        "type": "registration",
        "email": answers.email,
        "event_id": registration.event_id,
        "registration_id": registration.registration_id,
        "status": registration.status,
        "created_at": registration.created_at.isoformat(),
        "updated_at": registration.updated_at.isoformat(),
        **email_attributes(registration.email),
        "expires_at": int(registration.expires_at.timestamp()) if registration.expires_at else None,
        "hold_until": _iso(registration.hold_until),
    }
    item = {key: _serializer.serialize(value) for key, value in attributes.items() if value is not None}
    item.update(registration_key(registration.event_id, answers.email_key))
    return item


def email_attributes(email: EmailDelivery) -> dict[str, Any]:
    """The email state; a waiting email is also in the sparse outbox index by due time."""
    waiting = email.waiting and email.due_at is not None
    return {
        "email_state": email.state,
        "email_kind": email.kind,
        "email_attempts": email.attempts,
        "email_due_at": _iso(email.due_at),
        "email_message_id": email.message_id or None,
        "email_error": email.error or None,
        "GSI1PK": OUTBOX if waiting else None,
        "GSI1SK": _outbox_time(email.due_at) if waiting else None,
    }


def _outbox_time(moment: datetime | None) -> str | None:
    # One fixed UTC format, so string order in the index is time order.
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ") if moment else None


def registration_from_item(item: dict[str, Any]) -> Registration:
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
        ),
        status=Status(item["status"]),
        created_at=datetime.fromisoformat(item["created_at"]),
        updated_at=datetime.fromisoformat(item["updated_at"]),
        email=EmailDelivery(
            state=EmailState(item.get("email_state", EmailState.SENT)),
            kind=EmailKind(item.get("email_kind", EmailKind.CONFIRMATION)),
            attempts=int(item.get("email_attempts", 0)),
            due_at=_moment(item.get("email_due_at")),
            message_id=item.get("email_message_id", ""),
            error=item.get("email_error", ""),
        ),
        expires_at=datetime.fromtimestamp(int(item["expires_at"]), UTC) if item.get("expires_at") else None,
        hold_until=_moment(item.get("hold_until")),
    )


def create_table(client: DynamoDBClient, table_name: str) -> None:
    """Create the table and its index (local stand-ins and tests; AWS uses infra/)."""
    try:
        client.create_table(
            TableName=table_name,
            BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[
                {"AttributeName": name, "AttributeType": "S"}
                for name in ("PK", "SK", "GSI1PK", "GSI1SK", "registration_id")
            ],
            KeySchema=[{"AttributeName": "PK", "KeyType": "HASH"}, {"AttributeName": "SK", "KeyType": "RANGE"}],
            GlobalSecondaryIndexes=[
                {
                    "IndexName": EVENTS_INDEX,
                    "KeySchema": [
                        {"AttributeName": "GSI1PK", "KeyType": "HASH"},
                        {"AttributeName": "GSI1SK", "KeyType": "RANGE"},
                    ],
                    "Projection": {"ProjectionType": "ALL"},
                },
                {
                    "IndexName": REGISTRATION_ID_INDEX,
                    "KeySchema": [{"AttributeName": "registration_id", "KeyType": "HASH"}],
                    "Projection": {"ProjectionType": "KEYS_ONLY"},
                },
            ],
        )
    except ClientError as error:
        if error.response["Error"]["Code"] != "ResourceInUseException":
            raise
        return
    client.get_waiter("table_exists").wait(TableName=table_name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
