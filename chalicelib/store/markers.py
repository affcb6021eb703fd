"""Send markers: one per scheduled send (a digest, a reminder to one person), claimed with a
conditional write before it goes out, so a job run twice sends once."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from botocore.exceptions import ClientError

from ..errors import Contention
from ..invitations import marker
from ..jobs import SendMarker, SendState
from .schema import MARKER_PREFIX, event_partition, iso_time, marker_key, member_key, read_time
from .table import TableAccess, condition_failed


def marker_from_item(item: dict[str, Any]) -> SendMarker:
    return SendMarker(state=SendState(item["state"]), finished_at=read_time(item.get("finished_at")))


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
            self.client.put_item(**self._claim(event_id, name, now, lease))
        except ClientError as error:
            if condition_failed(error):
                return False
            raise
        return True

    def claim_invitation(self, event_id: str, series: str, ref: str, now: datetime, lease: datetime) -> bool:
        """Claim one member's invitation to a meeting, as `claim_send` does, in one transaction with
        a check that they are still a member: someone who left or was erased since the run read the
        members is not written to. A run racing another for the same claim may lose it to a
        transaction conflict: it leaves that member to the winner (or to the next run)."""
        try:
            failed = self._transact(
                [
                    ("claim", {"Put": self._claim(event_id, marker(ref), now, lease)}),
                    (
                        "member",
                        {
                            "ConditionCheck": {
                                "TableName": self.table,
                                "Key": member_key(series, ref),
                                "ConditionExpression": "attribute_exists(PK)",
                            }
                        },
                    ),
                ]
            )
        except Contention:
            return False
        return not failed

    def _claim(self, event_id: str, name: str, now: datetime, lease: datetime) -> dict[str, Any]:
        return {
            "TableName": self.table,
            "Item": {
                **marker_key(event_id, name),
                "state": {"S": SendState.CLAIMED},
                "claimed_at": {"S": iso_time(now)},
                "lease_until": {"S": iso_time(lease)},
            },
            "ConditionExpression": "attribute_not_exists(PK) OR (#state <> :sent AND lease_until <= :now)",
            "ExpressionAttributeNames": {"#state": "state"},
            "ExpressionAttributeValues": {":sent": {"S": SendState.SENT}, ":now": {"S": iso_time(now)}},
        }

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
