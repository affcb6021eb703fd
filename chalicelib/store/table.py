"""What every part of the store shares: the client and table name, reads that follow every page,
transactions whose refusals are named, and what DynamoDB's errors mean to the rules."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from botocore.exceptions import ClientError

from ..errors import Contention, ServiceBusy
from ..events import Event
from .items import event_from_item, is_expired, plain_item, typed_value
from .schema import EVENTS, EVENTS_INDEX, outbox_time

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

# A transaction conflict (someone else was writing the same items): nothing was written, and the
# rules read again and retry (chalicelib/conflicts.py). An item throttled inside a transaction comes
# back the same way, as a cancelled transaction, which botocore's retry rules never retry: the hot
# event counter under a rush is exactly that case, so ours retries it too, with jitter, bounded.
CONFLICT_ERRORS = {"TransactionConflictException"}
CONFLICT_REASONS = {"TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded"}
# Throttling and AWS's own trouble: botocore's standard mode has already retried these, so they
# are not retried again (that multiplied the attempts inside API Gateway's 29 s): 503 busy.
BUSY_ERRORS = {
    "TransactionInProgressException",
    "ThrottlingException",
    "ProvisionedThroughputExceededException",
    "RequestLimitExceeded",
    "InternalServerError",
}

# One write of a transaction, named so a refusal can say which condition failed.
TaggedWrite = tuple[str, dict[str, Any]]


class TableAccess:
    """The table every part of the store reads and writes; `DynamoStore` is all the parts at once."""

    def __init__(self, client: DynamoDBClient, table_name: str) -> None:
        self.client = client
        self.table = table_name

    def _get(self, key: dict[str, Any]) -> dict[str, Any] | None:
        """One item by its key, read consistently, as plain values."""
        item = self.client.get_item(TableName=self.table, Key=key, ConsistentRead=True).get("Item")
        return plain_item(item) if item else None

    def _query(self, **params: Any) -> Iterator[dict[str, Any]]:
        # A page can be short (1 MB limit, filters) and still not be the last:
        # only a missing LastEvaluatedKey ends the read.
        paginator = self.client.get_paginator("query")
        for page in paginator.paginate(TableName=self.table, **params):
            for item in page.get("Items", []):
                yield plain_item(item)

    def _due(self, queue: str, now: datetime) -> Iterator[dict[str, Any]]:
        """The items of an outbox queue (a sparse partition of the events index, sorted by the time
        each is due) whose time has come."""
        return self._query(
            IndexName=EVENTS_INDEX,
            KeyConditionExpression="GSI1PK = :outbox AND GSI1SK <= :now",
            ExpressionAttributeValues={":outbox": {"S": queue}, ":now": {"S": outbox_time(now)}},
        )

    def _live_items(
        self, partition: dict[str, str], sort_prefix: str, *, newest_first: bool = False
    ) -> Iterator[dict[str, Any]]:
        """One partition's items whose sort key begins with `sort_prefix`, read consistently, in sort key
        order (`newest_first` reverses it, for keys that begin with the time). One past its time to
        live is skipped: DynamoDB deletes it only within days."""
        for item in self._query(
            KeyConditionExpression="PK = :pk AND begins_with(SK, :prefix)",
            ExpressionAttributeValues={":pk": partition, ":prefix": {"S": sort_prefix}},
            ScanIndexForward=not newest_first,
            ConsistentRead=True,
        ):
            if not is_expired(item):
                yield item

    def _events_by_start(
        self, start_condition: str = "", values: dict[str, Any] | None = None, *, only: str = ""
    ) -> list[Event]:
        """Events by start time from the events index: one paged Query, as the events are few.
        `start_condition` narrows the start (GSI1SK), `only` filters the events read, `values` fills both."""
        condition = "GSI1PK = :events" + (f" AND {start_condition}" if start_condition else "")
        params: dict[str, Any] = {"FilterExpression": only} if only else {}
        return [
            event_from_item(item)
            for item in self._query(
                IndexName=EVENTS_INDEX,
                KeyConditionExpression=condition,
                ExpressionAttributeValues={":events": {"S": EVENTS}, **(values or {})},
                **params,
            )
        ]

    def _transact(self, items: list[TaggedWrite]) -> set[str]:
        """Run one transaction; the tags of the items whose condition failed (empty: it was written).
        A conflict raises Contention (nothing was written: read again and try again); throttling and
        AWS's own trouble, already retried by botocore, raise ServiceBusy."""
        try:
            self.client.transact_write_items(TransactItems=cast(list[Any], [item for _, item in items]))
        except ClientError as error:
            code = error_code(error)
            if code in CONFLICT_ERRORS:
                raise Contention(code) from error
            if is_busy(error):
                raise ServiceBusy() from error
            if code != "TransactionCanceledException":
                raise
            reasons = error.response.get("CancellationReasons") or []
            failed = {
                tag
                for (tag, _), reason in zip(items, reasons, strict=False)
                if reason.get("Code") == "ConditionalCheckFailed"
            }
            if not failed:
                raise Contention(",".join(str(reason.get("Code")) for reason in reasons)) from error
            return failed
        return set()

    def _transact_or_contention(self, items: list[dict[str, Any]]) -> None:
        """Run one transaction whose every condition means "unchanged since it was read": any
        refusal but throttling is Contention (read again and retry)."""
        try:
            self.client.transact_write_items(TransactItems=cast(list[Any], items))
        except ClientError as error:
            if is_busy(error):
                raise ServiceBusy() from error
            code = error_code(error)
            if code in CONFLICT_ERRORS or code == "TransactionCanceledException":
                raise Contention(code) from error
            raise


def error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def is_busy(error: ClientError) -> bool:
    """A throttled request or AWS's own 5xx, after botocore's retries."""
    return error_code(error) in BUSY_ERRORS


def condition_failed(error: ClientError) -> bool:
    return error_code(error) == "ConditionalCheckFailedException"


def set_or_remove(
    attributes: dict[str, Any], prefix: str, also_set: tuple[str, ...] = ()
) -> tuple[str, dict[str, str], dict[str, Any]]:
    """An UpdateExpression that sets each attribute, or removes it where the value is None,
    with its placeholder names and values (every name is a placeholder: no reserved-word surprises)."""
    names: dict[str, str] = {}
    values: dict[str, Any] = {}
    sets, removes = list(also_set), []
    for index, (name, value) in enumerate(attributes.items()):
        names[f"#{prefix}{index}"] = name
        if value is None:
            removes.append(f"#{prefix}{index}")
        else:
            sets.append(f"#{prefix}{index} = :{prefix}{index}")
            values[f":{prefix}{index}"] = typed_value(value)
    return "SET " + ", ".join(sets) + (" REMOVE " + ", ".join(removes) if removes else ""), names, values
