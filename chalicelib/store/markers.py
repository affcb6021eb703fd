"""Send markers: one per scheduled send (a digest, a reminder to one person), claimed with a
conditional write before it goes out, so a job run twice sends once."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from botocore.exceptions import ClientError

from ..jobs import SendMarker, SendState
from .items import marker_from_item
from .schema import MARKER_PREFIX, event_partition, iso_time, marker_key
from .table import TableAccess, condition_failed


class SendMarkers(TableAccess):
    def sent_markers(self, event_id: str) -> dict[str, SendMarker]:
        """Every send marker of an event (one small Query), by marker name."""
        return {
            item["SK"].removeprefix(MARKER_PREFIX): marker_from_item(item)
            for item in self._query(
                KeyConditionExpression="PK = :pk AND begins_with(SK, :sent)",
                ExpressionAttributeValues={":pk": event_partition(event_id), ":sent": {"S": MARKER_PREFIX}},
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
            if condition_failed(error):
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
