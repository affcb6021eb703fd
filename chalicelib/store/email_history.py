"""Each address's email history: one item per email sent (or not) to it, newest read first."""

from __future__ import annotations

import secrets
import time
from datetime import datetime
from typing import Any

from ..email_history import Result, SentEmail
from .schema import EMAIL_HISTORY_PREFIX, address_partition, email_history_key, epoch_seconds, iso_time, read_time
from .table import TableAccess


def history_item(line: SentEmail, expires_at: datetime | None) -> dict[str, Any]:
    item: dict[str, Any] = {
        **email_history_key(line.email_key, line.at, secrets.token_hex(4)),
        "type": {"S": "email_history"},
        "event_id": {"S": line.event_id},
        "kind": {"S": line.kind},
        "result": {"S": str(line.result)},
        "at": {"S": iso_time(line.at)},
        "message_id": {"S": line.message_id},
        "error": {"S": line.error},
    }
    if expires_at is not None:
        item["expires_at"] = {"N": str(epoch_seconds(expires_at))}
    return item


class EmailHistory(TableAccess):
    def add_email_history(self, line: SentEmail, expires_at: datetime | None) -> None:
        self.client.put_item(TableName=self.table, Item=history_item(line, expires_at))

    def email_history(self, email_key: str, event_id: str, limit: int = 200) -> list[SentEmail]:
        lines = []
        now = time.time()
        for item in self._query(
            KeyConditionExpression="PK = :pk AND begins_with(SK, :mail)",
            ExpressionAttributeValues={":pk": address_partition(email_key), ":mail": {"S": EMAIL_HISTORY_PREFIX}},
            ScanIndexForward=False,
            ConsistentRead=True,
        ):
            if int(item.get("expires_at", now + 1)) <= now:
                continue  # past its time: DynamoDB's TTL deletes it within days
            if item["event_id"] not in ("", event_id):
                continue  # another event's email to the same person
            at = read_time(item["at"])
            assert at is not None  # noqa: S101 - written with every line
            lines.append(
                SentEmail(
                    email_key,
                    item["event_id"],
                    item["kind"],
                    Result(item["result"]),
                    at,
                    item.get("message_id", ""),
                    item.get("error", ""),
                )
            )
            if len(lines) >= limit:
                break
        return lines
