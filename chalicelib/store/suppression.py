"""The suppression list: mailboxes that bounced or complained, by hash, never emailed again."""

from __future__ import annotations

from datetime import datetime

from .schema import iso_time, suppression_key
from .table import TableAccess


class SuppressionList(TableAccess):
    def suppress(self, email_key: str, reason: str, now: datetime) -> None:
        self.client.put_item(
            TableName=self.table,
            Item={**suppression_key(email_key), "reason": {"S": reason}, "at": {"S": iso_time(now)}},
        )

    def is_suppressed(self, email_key: str) -> bool:
        return "Item" in self.client.get_item(TableName=self.table, Key=suppression_key(email_key), ConsistentRead=True)
