"""DynamoDB repository: the only code that knows keys and expressions.

The table's layout is in `schema`, the item <-> domain mapping in `items`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, cast

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
from ..events import Event
from ..forms import Answers
from ..jobs import SendState
from ..registrations import SEATED, EmailDelivery, EmailState, Registration, Status
from .items import (
    answer_attributes,
    email_attributes,
    event_attributes,
    event_from_item,
    is_expired,
    plain_item,
    registration_from_item,
    registration_item,
    typed_value,
)
from .schema import (
    EVENTS,
    EVENTS_INDEX,
    OUTBOX,
    REGISTRATION_ID_INDEX,
    create_table,
    daily_emails_key,
    epoch_number,
    epoch_seconds,
    event_key,
    form_token_key,
    iso_time,
    marker_key,
    outbox_time,
    registration_key,
    sender_window_key,
    suppression_key,
)

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

__all__ = [
    "DynamoStore",
    "create_table",
    "event_key",
    "registration_key",
    "registration_item",
    "registration_from_item",
    "plain_item",
]

# Registration emails to one address per UTC day, across events: the form must not
# become a way to flood a stranger's inbox.
DAILY_EMAILS_PER_ADDRESS = 5
# Sign-ups from one sender per 10 minutes: generous for an office behind one address,
# a wall for a script.
REGISTRATIONS_PER_CLIENT_WINDOW = 30
CLIENT_WINDOW_SECONDS = 600

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


class DynamoStore:
    """Events and registrations in one DynamoDB table."""

    def __init__(self, client: DynamoDBClient, table_name: str) -> None:
        self.client = client
        self.table = table_name

    # -- events ---------------------------------------------------------------

    def get_event(self, event_id: str) -> Event | None:
        item = self.client.get_item(TableName=self.table, Key=event_key(event_id), ConsistentRead=True).get("Item")
        return event_from_item(plain_item(item)) if item else None

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
        expression_values = {**values, ":zero": {"N": "0"}, ":now": {"S": iso_time(now)}}
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
            ExpressionAttributeValues={":events": {"S": EVENTS}},
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
                            ":now": {"N": epoch_number(now)},
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
        key = sender_window_key(client, epoch_seconds(now) // CLIENT_WINDOW_SECONDS)
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
                            **form_token_key(form_token.nonce),
                            "expires_at": {"N": str(epoch_seconds(form_token.expires_at))},
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
                    ":expires": {"N": str(epoch_seconds(now) + keep_seconds)},
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
            registration_from_item(plain_item(old))
            if old
            else self.get_registration(registration.event_id, registration.answers.email_key)
        )
        if existing is None or not existing.is_live:
            return Contention("registration changed meanwhile")
        return AlreadyRegistered(existing)

    def _explain_event(self, old: Any, registration: Registration, now: datetime) -> Exception:
        event = event_from_item(plain_item(old)) if old else self.get_event(registration.event_id)
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
        if not item or is_expired(plain_item(item)):
            return None
        return registration_from_item(plain_item(item))

    def update_answers(self, registration: Registration, answers: Answers, now: datetime) -> Registration:
        """Replace a live registration's answers (the email, its identity, stays), in one
        transaction with a check that registration is still open."""
        data = answer_attributes(answers)
        names = {f"#f{index}": name for index, name in enumerate(data)}
        values = {f":v{index}": typed_value(value) for index, value in enumerate(data.values())}
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
                            ":now": {"S": iso_time(now)},
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
                "ExpressionAttributeValues": {":open": {"S": "open"}, ":now": {"N": epoch_number(now)}},
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
            if not is_expired(item):
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
                if item and item["registration_id"]["S"] == registration_id and not is_expired(plain_item(item)):
                    return registration_from_item(plain_item(item))
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
            ":now": {"S": iso_time(now)},
        }
        attributes = email_attributes(email) if email is not None else {}
        if hold_until is not None:
            attributes["hold_until"] = iso_time(hold_until)
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
            ExpressionAttributeValues={":outbox": {"S": OUTBOX}, ":now": {"S": outbox_time(now)}},
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
                    ":now": {"S": outbox_time(now)},
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
                    ":events": {"S": EVENTS},
                    ":now": {"S": iso_time(now.replace(microsecond=0))},
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
                    ":events": {"S": EVENTS},
                    ":start": {"S": iso_time(start.replace(microsecond=0))},
                    ":end": {"S": iso_time(end.replace(microsecond=0))},
                },
            )
        ]

    def mark_sensitive_forgotten(self, event_id: str, now: datetime) -> None:
        self.client.update_item(
            TableName=self.table,
            Key=event_key(event_id),
            UpdateExpression="SET sensitive_forgotten_at = :now",
            ExpressionAttributeValues={":now": {"S": iso_time(now)}},
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
                    "claimed_at": {"S": iso_time(now)},
                    "lease_until": {"S": iso_time(lease)},
                },
                ConditionExpression="attribute_not_exists(PK) OR (#state <> :sent AND lease_until <= :now)",
                ExpressionAttributeNames={"#state": "state"},
                ExpressionAttributeValues={
                    ":sent": {"S": SendState.SENT},
                    ":now": {"S": iso_time(now)},
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
            ":at": {"S": iso_time(now)},
            ":lease": {"S": iso_time(now)},
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
                items.append(plain_item(item))
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
                items.append(plain_item(suppression))
        return items

    def delete_items(self, items: list[dict[str, Any]]) -> None:
        for item in items:
            self.client.delete_item(TableName=self.table, Key={"PK": {"S": item["PK"]}, "SK": {"S": item["SK"]}})

    # -- suppression -------------------------------------------------------------

    def suppress(self, email_key: str, reason: str, now: datetime) -> None:
        self.client.put_item(
            TableName=self.table,
            Item={**suppression_key(email_key), "reason": {"S": reason}, "at": {"S": iso_time(now)}},
        )

    def is_suppressed(self, email_key: str) -> bool:
        return "Item" in self.client.get_item(TableName=self.table, Key=suppression_key(email_key), ConsistentRead=True)

    def _query(self, **params: Any) -> Iterator[dict[str, Any]]:
        # A page can be short (1 MB limit, filters) and still not be the last:
        # only a missing LastEvaluatedKey ends the read.
        paginator = self.client.get_paginator("query")
        for page in paginator.paginate(TableName=self.table, **params):
            for item in page.get("Items", []):
                yield plain_item(item)


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
            values[f":{prefix}{index}"] = typed_value(value)
    return "SET " + ", ".join(sets) + (" REMOVE " + ", ".join(removes) if removes else ""), names, values


def _error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def _busy(error: ClientError) -> bool:
    """A throttled request or AWS's own 5xx, after botocore's retries."""
    return _error_code(error) in _BUSY_ERRORS
