"""One person across events (data subject requests): everything stored under an address, to
show or to delete, and their console sessions, to end."""

from __future__ import annotations

from datetime import datetime

from ..console.auth import SESSION_ABSOLUTE
from ..privacy import PersonRecords
from .events import EventRecords
from .items import registration_from_item
from .network import NetworkRecords
from .schema import (
    REGISTRATION_PREFIX,
    SESSIONS,
    address_partition,
    console_person_partition,
    epoch_seconds,
    plain_key,
    registration_key,
    suppression_key,
)


class People(EventRecords, NetworkRecords):
    def person_records(self, email_key: str, *, with_suppression: bool = True) -> PersonRecords:
        """Its registration in each event, its address items, its membership of each network and
        (unless asked not to, as erasure does) its suppression record."""
        items = []
        events = self.list_events()
        for event in events:
            item = self._get(registration_key(event.id, email_key))
            if item:
                items.append(item)
        items.extend(self.member_items({event.series for event in events if event.series}, email_key))
        items.extend(
            self._query(
                KeyConditionExpression="PK = :pk",
                ExpressionAttributeValues={":pk": address_partition(email_key)},
                ConsistentRead=True,
            )
        )
        if with_suppression:
            suppression = self._get(suppression_key(email_key))
            if suppression:
                items.append(suppression)
        registrations = [item for item in items if item["SK"].startswith(REGISTRATION_PREFIX)]
        console = self._query(
            KeyConditionExpression="PK = :pk",
            ExpressionAttributeValues={":pk": console_person_partition(email_key)},
            ConsistentRead=True,
        )
        return PersonRecords(
            registration_items=tuple(registrations),
            address_items=tuple(item for item in items if not item["SK"].startswith(REGISTRATION_PREFIX)),
            registrations=tuple(registration_from_item(item) for item in registrations),
            console_items=tuple(console),
        )

    def delete_person_records(self, records: PersonRecords, now: datetime) -> None:
        for item in (*records.registration_items, *records.address_items):
            self.client.delete_item(TableName=self.table, Key=plain_key(item))
        for item in records.console_items:
            if item["SK"] != SESSIONS:
                self.client.delete_item(TableName=self.table, Key=plain_key(item))
        if records.console_items:
            self._forget_console_person(records.console_items[0]["PK"], now)

    def _forget_console_person(self, partition: str, now: datetime) -> None:
        """End every console session and sign-in link of the address: one more session version (a
        cookie or link made under an older one is refused). The version record cannot simply be deleted:
        a missing one reads as version 0, which would bring back a cookie made before any sign-out. So it
        expires a day and a second from now (TTL), when every cookie made before has passed its
        absolute lifetime and every link its 15 minutes."""
        self.client.update_item(
            TableName=self.table,
            Key={"PK": {"S": partition}, "SK": {"S": SESSIONS}},
            UpdateExpression="ADD session_version :one SET expires_at = :gone",
            ExpressionAttributeValues={
                ":one": {"N": "1"},
                ":gone": {"N": str(epoch_seconds(now + SESSION_ABSOLUTE) + 1)},
            },
        )
