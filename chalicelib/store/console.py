"""The organiser console's records: sign-in links, each person's sessions, the audit log, limits.

- a sign-in link is stored by the hash of its token, spent by one conditional write, and kept a
  day past its 15 minutes (TTL), so a late click is told "already used" or "expired", not "unknown";
- a person's session version (signing out everywhere adds one) and one item per device signed out
  (TTL: when that session would have ended anyway) share a partition: one Query reads both;
- the audit log sits beside the event's registrations and is kept exactly as long (TTL);
- sign-in requests are counted per address and per sender, like the registration limits, and queued
  for the outbox job in the same transaction (a sparse index by due time, as the email outbox).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from itertools import islice
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from ..console.audit import AuditEntry
from ..console.auth import SESSION_ABSOLUTE, SignInLimited, SignInLink, StoredSignInLink
from .items import plain_item
from .limits import Limits
from .schema import (
    AUDIT_PREFIX,
    ENDED_SESSION_PREFIX,
    SESSIONS,
    SIGN_IN_OUTBOX,
    SIGN_IN_REQUEST_PREFIX,
    audit_key,
    console_person_partition,
    ended_session_key,
    epoch_seconds,
    event_partition,
    iso_time,
    moment_from_epoch_seconds,
    outbox_time,
    read_time,
    sender_sign_ins_key,
    sessions_key,
    sign_in_link_key,
    sign_in_request_key,
    sign_in_requests_key,
)
from .table import TaggedWrite, condition_failed

if TYPE_CHECKING:
    from ..console.sign_in import LinkRequest

SIGN_IN_WINDOW_SECONDS = 3600
# Links one address may ask for per hour: a person who lost a few emails still gets in; a stranger
# typing someone's address cannot fill their inbox.
SIGN_INS_PER_ADDRESS = 5
# A link's record outlives the link by this much, to say "used" or "expired" rather than "unknown".
KEEP_LINK_RECORD = timedelta(days=1)
# A queued request's record: gone (TTL) well after the outbox job has emailed it or given up.
KEEP_SIGN_IN_REQUEST = timedelta(hours=1)
# One transaction writes at most this many items.
TRANSACTION_ITEMS = 100


class ConsoleRecords(Limits):
    # -- limits ---------------------------------------------------------------------

    def queue_sign_in_request(self, request: LinkRequest, client: str | None, per_sender: int) -> None:
        """Count one request for a link against the address and the sender and queue it for the
        outbox job, in one transaction; raises SignInLimited (and writes nothing) when either has had
        its share this hour."""
        now = request.asked_at
        window = epoch_seconds(now) // SIGN_IN_WINDOW_SECONDS
        keep = 2 * SIGN_IN_WINDOW_SECONDS
        request_id = f"{outbox_time(now)}#{secrets.token_hex(4)}"
        items: list[TaggedWrite] = [
            (
                "address",
                self._counter(sign_in_requests_key(request.email_key, window), SIGN_INS_PER_ADDRESS, now, keep),
            ),
            (
                "queued",
                {
                    "Put": {
                        "TableName": self.table,
                        "Item": {
                            **sign_in_request_key(request.email_key, request_id),
                            "type": {"S": "sign_in_request"},
                            "GSI1PK": {"S": SIGN_IN_OUTBOX},
                            "GSI1SK": {"S": outbox_time(now)},
                            "email_key": {"S": request.email_key},
                            "language": {"S": request.language},
                            "next_page": {"S": request.next_page},
                            "asked_at": {"S": iso_time(now)},
                            "attempts": {"N": "0"},
                            "expires_at": {"N": str(epoch_seconds(now + KEEP_SIGN_IN_REQUEST))},
                        },
                    }
                },
            ),
        ]
        if client:
            items.append(("sender", self._counter(sender_sign_ins_key(client, window), per_sender, now, keep)))
        failed = self._transact(items)
        if failed:
            raise SignInLimited("sender" if "sender" in failed else "address")

    def due_sign_in_requests(self, now: datetime) -> Iterator[LinkRequest]:
        for item in self._due(SIGN_IN_OUTBOX, now):
            yield _link_request(item)

    def claim_sign_in_request(self, request: LinkRequest, now: datetime, lease: datetime) -> LinkRequest | None:
        try:
            response = self.client.update_item(
                TableName=self.table,
                Key=sign_in_request_key(request.email_key, request.request_id),
                UpdateExpression="SET GSI1SK = :lease ADD attempts :one",
                ConditionExpression="GSI1PK = :outbox AND GSI1SK <= :now",
                ExpressionAttributeValues={
                    ":lease": {"S": outbox_time(lease)},
                    ":one": {"N": "1"},
                    ":outbox": {"S": SIGN_IN_OUTBOX},
                    ":now": {"S": outbox_time(now)},
                },
                ReturnValues="ALL_NEW",
            )
        except ClientError as error:
            if condition_failed(error):
                return None
            raise
        return _link_request(plain_item(response["Attributes"]))

    def retry_sign_in_request(self, request: LinkRequest, at: datetime) -> None:
        self._update_sign_in_request(request, "SET GSI1SK = :at", {":at": {"S": outbox_time(at)}})

    def finish_sign_in_request(self, request: LinkRequest) -> None:
        """Out of the outbox's index; the item itself expires by TTL (no function may delete)."""
        self._update_sign_in_request(request, "REMOVE GSI1PK, GSI1SK")

    def _update_sign_in_request(
        self, request: LinkRequest, expression: str, values: dict[str, Any] | None = None
    ) -> None:
        # Only while it is there: the person may have been erased meanwhile, and an update of a missing
        # item would write a new one naming the address, with no TTL.
        params: dict[str, Any] = {
            "TableName": self.table,
            "Key": sign_in_request_key(request.email_key, request.request_id),
            "UpdateExpression": expression,
            "ConditionExpression": "attribute_exists(PK)",
        }
        if values:
            params["ExpressionAttributeValues"] = values
        try:
            self.client.update_item(**params)
        except ClientError as error:
            if not condition_failed(error):
                raise

    # -- sign-in links ------------------------------------------------------------------

    def save_sign_in_link(self, link: SignInLink, now: datetime) -> None:
        self.client.put_item(
            TableName=self.table,
            Item={
                **sign_in_link_key(link.token_hash),
                "email_key": {"S": link.email_key},
                "session_version": {"N": str(link.session_version)},
                "created_at": {"S": iso_time(now)},
                "valid_until": {"N": str(epoch_seconds(link.expires_at))},
                "expires_at": {"N": str(epoch_seconds(link.expires_at + KEEP_LINK_RECORD))},
            },
            ConditionExpression="attribute_not_exists(PK)",
        )

    def sign_in_link(self, token_hash: str) -> StoredSignInLink | None:
        """The link's record (None: never made, or removed by the TTL)."""
        item = self._get(sign_in_link_key(token_hash))
        if item is None:
            return None
        return StoredSignInLink(
            email_key=item["email_key"],
            expires_at=moment_from_epoch_seconds(item["valid_until"]),
            used_at=read_time(item.get("used_at")),
        )

    def use_sign_in_link(self, token_hash: str, now: datetime) -> tuple[str, int] | None:
        """Spend the link: one conditional write, so of two presses (or two devices) exactly one
        wins. The mailbox key it was made for and the session version it was made under, or None
        when it is unknown, used or expired."""
        try:
            response = self.client.update_item(
                TableName=self.table,
                Key=sign_in_link_key(token_hash),
                UpdateExpression="SET used_at = :now",
                ConditionExpression="attribute_exists(PK) AND attribute_not_exists(used_at) AND valid_until > :epoch",
                ExpressionAttributeValues={":now": {"S": iso_time(now)}, ":epoch": {"N": str(epoch_seconds(now))}},
                ReturnValues="ALL_NEW",
            )
        except ClientError as error:
            if condition_failed(error):
                return None
            raise
        spent = response["Attributes"]
        return str(spent["email_key"]["S"]), int(spent.get("session_version", {}).get("N", "0"))

    # -- sessions ------------------------------------------------------------------------

    def session_state(self, email_key: str) -> tuple[int, frozenset[str]]:
        """The person's session version and the sessions signed out one device at a time (one Query)."""
        version = 0
        ended = set()
        for item in self._query(
            KeyConditionExpression="PK = :pk",
            ExpressionAttributeValues={":pk": console_person_partition(email_key)},
            ConsistentRead=True,
        ):
            if item["SK"] == SESSIONS:
                version = int(item.get("session_version", 0))
            elif item["SK"].startswith(ENDED_SESSION_PREFIX):  # one past its TTL belongs to a session over anyway
                ended.add(item["SK"].removeprefix(ENDED_SESSION_PREFIX))
        return version, frozenset(ended)

    def end_session(self, email_key: str, session_id: str, issued_at: datetime) -> None:
        """Sign out one device: its session id is refused until the session would have ended anyway."""
        self.client.put_item(
            TableName=self.table,
            Item={
                **ended_session_key(email_key, session_id),
                "expires_at": {"N": str(epoch_seconds(issued_at + SESSION_ABSOLUTE) + 1)},
            },
        )

    def end_all_sessions(self, email_key: str) -> int:
        """Sign out everywhere: every session made with an earlier version stops working. The new version."""
        response = self.client.update_item(
            TableName=self.table,
            Key=sessions_key(email_key),
            UpdateExpression="ADD session_version :one",
            ExpressionAttributeValues={":one": {"N": "1"}},
            ReturnValues="UPDATED_NEW",
        )
        return int(response["Attributes"]["session_version"]["N"])

    # -- the audit log ------------------------------------------------------------------

    def add_audit_entries(self, entries: Iterable[tuple[AuditEntry, datetime]]) -> None:
        """Write entries (each with when DynamoDB may delete it): one call per hundred."""
        puts: list[dict[str, Any]] = [
            {
                "TableName": self.table,
                "Item": {
                    **audit_key(entry.event_id, entry.at, secrets.token_hex(4)),
                    "type": {"S": "audit"},
                    "at": {"S": iso_time(entry.at)},
                    "actor": {"S": entry.actor},
                    "action": {"S": entry.action},
                    "detail": {"S": entry.detail},
                    "expires_at": {"N": str(epoch_seconds(expires_at))},
                },
            }
            for entry, expires_at in entries
        ]
        for start in range(0, len(puts), TRANSACTION_ITEMS):
            chunk = puts[start : start + TRANSACTION_ITEMS]
            if len(chunk) == 1:
                self.client.put_item(**chunk[0])
            else:
                self._transact([("audit", {"Put": put}) for put in chunk])

    def audit_entries(self, event_id: str, limit: int = 500) -> list[AuditEntry]:
        """The event's audit log, newest first (at most `limit` entries)."""
        items = self._live_items(event_partition(event_id), AUDIT_PREFIX, newest_first=True)
        return [_audit_entry(event_id, item) for item in islice(items, limit)]


def _audit_entry(event_id: str, item: dict[str, Any]) -> AuditEntry:
    at = read_time(item["at"])
    assert at is not None  # noqa: S101 - written with every entry
    return AuditEntry(event_id, at, item["actor"], item["action"], item["detail"])


def _link_request(item: dict[str, Any]) -> LinkRequest:
    # Here: every request builds the store, and only the sign-in outbox needs sign-in (and its mail).
    from ..console.sign_in import LinkRequest

    asked_at = read_time(item["asked_at"])
    assert asked_at is not None  # noqa: S101 - written with every request
    return LinkRequest(
        email_key=item["email_key"],
        language=item["language"],
        next_page=item.get("next_page", ""),
        asked_at=asked_at,
        attempts=int(item.get("attempts", 0)),
        request_id=item["SK"].removeprefix(SIGN_IN_REQUEST_PREFIX),
    )
