"""Each address's email history: one item per email sent (or not) to it, newest read first."""

from __future__ import annotations

import secrets
from datetime import datetime
from itertools import islice
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
        items = self._live_items(address_partition(email_key), EMAIL_HISTORY_PREFIX, newest_first=True)
        # Lines with another event's id are its emails to the same person ("" is about no event).
        this_event = (item for item in items if item["event_id"] in ("", event_id))
        return [_sent_email(email_key, item) for item in islice(this_event, limit)]


def _sent_email(email_key: str, item: dict[str, Any]) -> SentEmail:
    at = read_time(item["at"])
    assert at is not None  # noqa: S101 - written with every line
    message_id, error = item.get("message_id", ""), item.get("error", "")
    return SentEmail(email_key, item["event_id"], item["kind"], Result(item["result"]), at, message_id, error)
