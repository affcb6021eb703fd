"""The email outbox: registrations whose email is waiting, in a sparse index by due time; a
sender claims one with a lease, then records what happened."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from typing import Any, cast

from botocore.exceptions import ClientError

from ..email_history import SentEmail
from ..registrations import EmailDelivery, EmailState, Registration
from .email_history import history_item
from .items import email_attributes, registration_from_item
from .schema import OUTBOX, outbox_time, registration_key
from .table import TableAccess, condition_failed, error_code, set_or_remove


class Outbox(TableAccess):
    def due_emails(self, now: datetime) -> Iterator[Registration]:
        """Registrations whose email is waiting and due (lease over or backoff passed)."""
        for item in self._due(OUTBOX, now):
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
            if condition_failed(error):
                return None
            raise
        return replace(registration, email=claimed)

    def email_sent(self, registration: Registration, message_id: str, line: SentEmail | None = None) -> None:
        self._set_email(
            registration,
            replace(registration.email, state=EmailState.SENT, due_at=None, message_id=message_id, error=""),
            line=line,
        )

    def email_failed(
        self, registration: Registration, error: str, retry_at: datetime | None, line: SentEmail | None = None
    ) -> None:
        state = EmailState.FAILED if retry_at else EmailState.GAVE_UP
        self._set_email(registration, replace(registration.email, state=state, due_at=retry_at, error=error), line=line)

    def email_suppressed(self, registration: Registration, line: SentEmail | None = None) -> None:
        self._set_email(registration, replace(registration.email, state=EmailState.SUPPRESSED, due_at=None), line=line)

    def _set_email(
        self,
        registration: Registration,
        email: EmailDelivery,
        condition: str = "",
        values: dict[str, Any] | None = None,
        line: SentEmail | None = None,
    ) -> None:
        """Record where the registration's email stands and, given `line`, the person's email history
        line with it: one transaction, so the history costs no extra round trip on a sign-up."""
        expression, names, email_values = set_or_remove(email_attributes(email), "e")
        expression_values = {":id": {"S": registration.registration_id}, **(values or {}), **email_values}
        # The registration may have been replaced (cancel, sign up again): leave the new one alone.
        full_condition = "registration_id = :id" + (f" AND {condition}" if condition else "")
        update: dict[str, Any] = {
            "TableName": self.table,
            "Key": registration_key(registration.event_id, registration.answers.email_key),
            "UpdateExpression": expression,
            "ConditionExpression": full_condition,
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": expression_values,
        }
        if line is None:
            self.client.update_item(**update)
            return
        history = {"TableName": self.table, "Item": history_item(line, registration.expires_at)}
        try:
            self.client.transact_write_items(TransactItems=cast(list[Any], [{"Update": update}, {"Put": history}]))
        except ClientError as error:
            if error_code(error) != "TransactionCanceledException":
                raise
            reasons = error.response.get("CancellationReasons", [])
            if reasons and reasons[0].get("Code") == "ConditionalCheckFailed":
                # The same refusal the lone update gives, so callers read one error for one cause.
                raise ClientError(
                    {"Error": {"Code": "ConditionalCheckFailedException", "Message": "registration replaced"}},
                    "UpdateItem",
                ) from error
            raise
