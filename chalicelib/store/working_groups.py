"""An event's working groups: one item beside its registrations (`EVENT#{id}` / `GROUPS`), holding
the groups' areas and members (registration ids only: names are read from the registrations, so an
erased person is in no group any more), who an organiser moved, a version for the optimistic check
and when the groups were told. It expires with the event's registrations."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from botocore.exceptions import ClientError

from ..notices import Notice
from ..working_groups import Group, GroupsChanged, WorkingGroups
from .items import is_expired, typed_value
from .notices import NoticeRecords
from .schema import (
    from_epoch_seconds,
    from_iso_time,
    groups_key,
    iso_time,
    optional_epoch_seconds,
    optional_iso_time,
    read_time,
)
from .table import condition_failed


def groups_item(record: WorkingGroups) -> dict[str, Any]:
    attributes: dict[str, Any] = {
        "type": "working_groups",
        "event_id": record.event_id,
        "version": record.version,
        "groups": [
            {"number": group.number, "area": group.area, "members": list(group.members)} for group in record.groups
        ],
        "moved": sorted(record.moved),
        "proposed_at": iso_time(record.proposed_at),
        "updated_at": iso_time(record.updated_at),
        "sent_at": optional_iso_time(record.sent_at),
        "expires_at": optional_epoch_seconds(record.expires_at),
    }
    item = {key: typed_value(value) for key, value in attributes.items() if value is not None}
    item.update(groups_key(record.event_id))
    return item


def groups_from_item(item: dict[str, Any]) -> WorkingGroups:
    return WorkingGroups(
        event_id=item["event_id"],
        groups=tuple(
            Group(int(group["number"]), group.get("area", ""), tuple(group.get("members") or ()))
            for group in item.get("groups") or ()
        ),
        version=int(item["version"]),
        proposed_at=from_iso_time(item["proposed_at"]),
        updated_at=from_iso_time(item["updated_at"]),
        moved=frozenset(item.get("moved") or ()),
        sent_at=read_time(item.get("sent_at")),
        expires_at=from_epoch_seconds(item.get("expires_at")),
    )


def _saved_from(expected_version: int | None) -> tuple[str, dict[str, Any]]:
    """The condition that the groups are as the saver read them (none yet, or that version), unsent."""
    if expected_version is None:
        return "attribute_not_exists(PK)", {}
    return "version = :expected AND attribute_not_exists(sent_at)", {":expected": {"N": str(expected_version)}}


class WorkingGroupRecords(NoticeRecords):
    def working_groups(self, event_id: str) -> WorkingGroups | None:
        """The event's groups as last saved (None before any proposal, or once expired)."""
        item = self._get(groups_key(event_id))
        if item is None or is_expired(item):
            return None
        return groups_from_item(item)

    def save_working_groups(self, record: WorkingGroups, expected_version: int | None) -> None:
        """Write the groups if they are still as read (GroupsChanged otherwise: nothing written)."""
        condition, values = _saved_from(expected_version)
        params: dict[str, Any] = {"ConditionExpression": condition}
        if values:
            params["ExpressionAttributeValues"] = values
        try:
            self.client.put_item(TableName=self.table, Item=groups_item(record), **params)
        except ClientError as error:
            if condition_failed(error):
                raise GroupsChanged() from error
            raise

    def send_working_groups(self, record: WorkingGroups, notice: Notice, now: datetime) -> None:
        """Mark the groups told and store the notice the outbox delivers, in one transaction: the groups
        are told once, as saved in the version the organiser saw (GroupsChanged otherwise)."""
        condition, values = _saved_from(record.version)
        failed = self._transact(
            [
                (
                    "groups",
                    {
                        "Update": {
                            "TableName": self.table,
                            "Key": groups_key(record.event_id),
                            "UpdateExpression": "SET sent_at = :now",
                            "ConditionExpression": condition,
                            "ExpressionAttributeValues": {**values, ":now": {"S": iso_time(now)}},
                        }
                    },
                ),
                *self._notice_put(notice),
            ]
        )
        if failed:
            raise GroupsChanged()
