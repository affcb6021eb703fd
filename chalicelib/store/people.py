"""One person across events (data subject requests): everything stored under an address, to
show or to delete."""

from __future__ import annotations

from ..privacy import PersonRecords
from .events import EventRecords
from .items import registration_from_item
from .schema import REGISTRATION_PREFIX, address_partition, plain_key, registration_key, suppression_key


class People(EventRecords):
    def person_records(self, email_key: str, *, with_suppression: bool = True) -> PersonRecords:
        """Its registration in each event, its address items and (unless asked not to, as erasure
        does) its suppression record."""
        items = []
        for event in self.list_events():
            item = self._get(registration_key(event.id, email_key))
            if item:
                items.append(item)
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
        return PersonRecords(
            registration_items=tuple(registrations),
            address_items=tuple(item for item in items if not item["SK"].startswith(REGISTRATION_PREFIX)),
            registrations=tuple(registration_from_item(item) for item in registrations),
        )

    def delete_person_records(self, records: PersonRecords) -> None:
        for item in (*records.registration_items, *records.address_items):
            self.client.delete_item(TableName=self.table, Key=plain_key(item))
