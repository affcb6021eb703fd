"""Counters and one-use markers written inside a registration's own transaction (no extra calls):
an address's daily emails, a sender's sign-ups per window, a hosted form's token."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..errors import TooManyRequests
from ..registrations import EmailState, Registration
from .schema import daily_emails_key, epoch_seconds, form_token_key, sender_window_key, suppression_key
from .table import TableAccess, TaggedWrite

# Registration emails to one address per UTC day, across events: the form must not
# become a way to flood a stranger's inbox.
DAILY_EMAILS_PER_ADDRESS = 5
# Sign-ups from one sender per 10 minutes: generous for an office behind one address,
# a wall for a script.
REGISTRATIONS_PER_CLIENT_WINDOW = 30
CLIENT_WINDOW_SECONDS = 600


class Limits(TableAccess):
    # The stage's own per-sender limit (config.registrations_per_sender), set by the wiring; None:
    # REGISTRATIONS_PER_CLIENT_WINDOW.
    registrations_per_sender: int | None = None

    def count_sender(self, client: str | None, now: datetime) -> None:
        """A post answered without storing anything still counts against its sender (raises
        TooManyRequests), so the limit answers it as it would anyone."""
        if client and self._transact(self._sender_limit(client, now)):
            raise TooManyRequests()

    def _email_checks(self, registration: Registration, now: datetime) -> list[TaggedWrite]:
        """Suppression and the daily email limit; a failure makes `register` store it without email."""
        if registration.email.state != EmailState.SENDING:
            return []
        email_key = registration.answers.email_key
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
                self._counter(daily_emails_key(email_key, now), DAILY_EMAILS_PER_ADDRESS, now, 2 * 86400),
            ),
        ]

    def _sender_limit(self, client: str | None, now: datetime) -> list[TaggedWrite]:
        """Registrations per sender (hashed IP) per 10-minute window."""
        if not client:
            return []
        key = sender_window_key(client, epoch_seconds(now) // CLIENT_WINDOW_SECONDS)
        limit = self.registrations_per_sender or REGISTRATIONS_PER_CLIENT_WINDOW
        return [("client_limit", self._counter(key, limit, now, CLIENT_WINDOW_SECONDS * 2))]

    def _form_token_marker(self, form_token: Any) -> list[TaggedWrite]:
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
