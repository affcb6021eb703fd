"""Notices to an event's registrants (cancelled, changed, a message from the organisers), the sends
they are owed, and the account's SES rate shared by every outbox run.

A notice sits beside the event's registrations; while it is being delivered it is also in the events
index under `NOTICES`, so the outbox finds the unfinished ones with one Query (no Scan). Each
person's send is a send marker (`SENT#notice#{id}#{registration}`), claimed before it goes out.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from botocore.exceptions import ClientError

from ..events import NOTICED_MOMENTS, NoticedDetail
from ..jobs import SendState
from ..notice_kind import NoticeKind
from ..notices import Audience, Change, Notice
from ..working_groups import Group
from .items import typed_value
from .schema import (
    EVENTS_INDEX,
    MARKER_PREFIX,
    NOTICE_PREFIX,
    NOTICES,
    event_partition,
    from_epoch_seconds,
    from_iso_time,
    iso_time,
    notice_key,
    optional_epoch_seconds,
    read_time,
    send_quota_key,
    send_window_key,
    suppression_key,
)
from .table import TableAccess, TaggedWrite, condition_failed

# DynamoDB's BatchGetItem reads at most 100 keys; what it leaves unprocessed is asked again.
_BATCH_READS = 100
_MAX_BATCH_ROUNDS = 5


def notice_item(notice: Notice) -> dict[str, Any]:
    attributes: dict[str, Any] = {
        "type": "notice",
        "event_id": notice.event_id,
        "notice_id": notice.notice_id,
        "kind": notice.kind,
        "audience": notice.audience,
        "created_at": iso_time(notice.created_at),
        "author": notice.author or None,
        "changes": [
            {"name": c.name, "old": _stored_detail(c.old), "new": _stored_detail(c.new)} for c in notice.changes
        ]
        or None,
        "text": notice.text or None,
        "expires_at": optional_epoch_seconds(notice.expires_at),
        "groups": [{"number": g.number, "area": g.area, "members": list(g.members)} for g in notice.groups] or None,
    }
    if notice.finished_at is None:
        attributes.update(GSI1PK=NOTICES, GSI1SK=iso_time(notice.created_at))
    else:
        attributes["finished_at"] = iso_time(notice.finished_at)
    item = {key: typed_value(value) for key, value in attributes.items() if value is not None}
    item.update(notice_key(notice.event_id, notice.notice_id))
    return item


def notice_from_item(item: dict[str, Any]) -> Notice:
    return Notice(
        event_id=item["event_id"],
        notice_id=item["notice_id"],
        kind=NoticeKind(item["kind"]),
        audience=Audience(item["audience"]),
        created_at=from_iso_time(item["created_at"]),
        author=item.get("author", ""),
        changes=tuple(
            Change(NoticedDetail(c["name"]), _detail(c["name"], c["old"]), _detail(c["name"], c["new"]))
            for c in item.get("changes") or ()
        ),
        text=item.get("text", ""),
        finished_at=read_time(item.get("finished_at")),
        expires_at=from_epoch_seconds(item.get("expires_at")),
        groups=tuple(
            Group(int(g["number"]), g.get("area", ""), tuple(g.get("members") or ())) for g in item.get("groups") or ()
        ),
    )


def _stored_detail(value: datetime | str | None) -> str:
    """A changed detail as text: a moment as every stored moment is written, "" for none."""
    if isinstance(value, datetime):
        return iso_time(value)
    return value or ""


def _detail(name: str, text: str) -> datetime | str | None:
    return read_time(text) if name in NOTICED_MOMENTS else text


class NoticeRecords(TableAccess):
    def _notice_put(self, notice: Notice) -> list[TaggedWrite]:
        """The notice as one write of a transaction (a new id: it never replaces another)."""
        return [
            (
                "notice",
                {
                    "Put": {
                        "TableName": self.table,
                        "Item": notice_item(notice),
                        "ConditionExpression": "attribute_not_exists(PK)",
                    }
                },
            )
        ]

    def put_notice(self, notice: Notice) -> None:
        """Store a new notice (a message from the organisers); the outbox delivers it."""
        self.client.put_item(
            TableName=self.table, Item=notice_item(notice), ConditionExpression="attribute_not_exists(PK)"
        )

    def notices(self, event_id: str) -> list[Notice]:
        """An event's notices, oldest first (one Query beside its registrations)."""
        return [
            notice_from_item(item)
            for item in self._query(
                KeyConditionExpression="PK = :pk AND begins_with(SK, :notice)",
                ExpressionAttributeValues={":pk": event_partition(event_id), ":notice": {"S": NOTICE_PREFIX}},
                ConsistentRead=True,
            )
        ]

    def active_notices(self) -> list[Notice]:
        """Notices still being delivered, from the sparse index (a quiet run costs one Query)."""
        return [
            notice_from_item(item)
            for item in self._query(
                IndexName=EVENTS_INDEX,
                KeyConditionExpression="GSI1PK = :notices",
                ExpressionAttributeValues={":notices": {"S": NOTICES}},
            )
        ]

    def finish_notice(self, notice: Notice, now: datetime) -> None:
        """Everyone it is for has been sent it (or skipped): out of the outbox's index."""
        self.client.update_item(
            TableName=self.table,
            Key=notice_key(notice.event_id, notice.notice_id),
            UpdateExpression="SET finished_at = :now REMOVE GSI1PK, GSI1SK",
            ConditionExpression="attribute_exists(PK)",
            ExpressionAttributeValues={":now": {"S": iso_time(now)}},
        )

    def finished_sends(self, event_id: str, prefix: str) -> set[str]:
        """The send markers under `prefix` whose send is over (sent or skipped), by name."""
        return {
            item["SK"].removeprefix(MARKER_PREFIX)
            for item in self._query(
                KeyConditionExpression="PK = :pk AND begins_with(SK, :prefix)",
                ExpressionAttributeValues={
                    ":pk": event_partition(event_id),
                    ":prefix": {"S": f"{MARKER_PREFIX}{prefix}"},
                },
                ProjectionExpression="SK, #state",
                ExpressionAttributeNames={"#state": "state"},
                ConsistentRead=True,
            )
            if item.get("state") in (SendState.SENT, SendState.SKIPPED)
        }

    def suppressed_among(self, email_keys: list[str]) -> set[str]:
        """Which of these mailboxes bounced or complained: a hundred looked up in one call."""
        keys = {key: suppression_key(key) for key in email_keys}
        by_partition = {table_key["PK"]["S"]: key for key, table_key in keys.items()}
        found: set[str] = set()
        all_keys = list(keys.values())
        for start in range(0, len(all_keys), _BATCH_READS):
            wanted: dict[str, Any] = {
                self.table: {
                    "Keys": all_keys[start : start + _BATCH_READS],
                    "ConsistentRead": True,
                    "ProjectionExpression": "PK",
                }
            }
            for _ in range(_MAX_BATCH_ROUNDS):
                response = self.client.batch_get_item(RequestItems=wanted)
                answered = response.get("Responses", {}).get(self.table, [])
                found.update(by_partition[item["PK"]["S"]] for item in answered)
                wanted = dict(response.get("UnprocessedKeys") or {})
                if not wanted:
                    break
            else:
                # Still unanswered after several rounds: look each up alone rather than guess.
                left = wanted[self.table]["Keys"]
                found.update(by_partition[key["PK"]["S"]] for key in left if self._get(key))
        return found

    def reserve_sends(self, window: int, wanted: int, limit: int) -> int:
        """Take up to `wanted` of the `limit` sends one minute allows, shared by every outbox run."""
        for _ in range(3):
            try:
                self.client.update_item(
                    TableName=self.table,
                    Key=send_window_key(window),
                    UpdateExpression="ADD sent :wanted SET expires_at = :expires",
                    ConditionExpression="attribute_not_exists(sent) OR sent <= :most",
                    ExpressionAttributeValues={
                        ":wanted": {"N": str(wanted)},
                        ":most": {"N": str(limit - wanted)},
                        ":expires": {"N": str((window + 60 * 24) * 60)},
                    },
                )
                return wanted
            except ClientError as error:
                if not condition_failed(error):
                    raise
            item = self._get(send_window_key(window))
            wanted = min(wanted, limit - int(item.get("sent", 0) if item else 0))
            if wanted <= 0:
                return 0
        return 0

    def send_quota(self, now: datetime, max_age: timedelta) -> float | None:
        """The account's send rate as last read, if read within `max_age`."""
        item = self._get(send_quota_key())
        if not item or from_iso_time(item["read_at"]) + max_age <= now:
            return None
        return float(item["max_send_rate"])

    def keep_send_quota(self, rate: float, now: datetime) -> None:
        self.client.put_item(
            TableName=self.table,
            Item={
                **send_quota_key(),
                "max_send_rate": {"N": str(rate)},
                "read_at": {"S": iso_time(now)},
            },
        )
