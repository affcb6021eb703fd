"""The table's layout: its keys, its two indexes, how times are written, and creating it.

One table. An event is `EVENT#{id}`/`META`; a registration sits beside it as
`EVENT#{id}`/`REG#{email}`, so one Query reads an event's registrations, and so do the
event's send markers (`SENT#{name}`), its notices (`NOTICE#{id}`), its working groups (`GROUPS`) and
its console audit log (`AUDIT#{time}#{nonce}`). A series of meetings has its own partition
(`SERIES#{series}`) for its network's members (`MEMBER#{ref}`) and organisation aliases
(`ALIAS#{name}`). The rest
are small records keyed by what they count or guard: an address's daily emails and console sign-in
requests, a sender's window, a used form token, a suppressed mailbox (by hash), a console sign-in
link (by hash) and a console user's sessions.

Every key and every time format lives here, so the item format has one description.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, time
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

EVENTS_INDEX = "events-by-start"  # GSI1: events by start, and the email outbox by due time
REGISTRATION_ID_INDEX = "registrations-by-id"
EVENTS = "EVENTS"  # GSI1PK of every event
OUTBOX = "OUTBOX"  # GSI1PK of every registration whose email is waiting
SIGN_IN_OUTBOX = "SIGNIN_OUTBOX"  # GSI1PK of every console sign-in link asked for and not yet emailed
NOTICES = "NOTICES"  # GSI1PK of every notice still being delivered
REGISTRATION_PREFIX = "REG#"
MARKER_PREFIX = "SENT#"
NOTICE_PREFIX = "NOTICE#"


# -- keys -------------------------------------------------------------------------


def event_partition(event_id: str) -> dict[str, str]:
    """The partition an event shares with its registrations and send markers."""
    return {"S": f"EVENT#{event_id}"}


def event_key(event_id: str) -> dict[str, Any]:
    return {"PK": event_partition(event_id), "SK": {"S": "META"}}


def registration_key(event_id: str, email_key: str) -> dict[str, Any]:
    return {"PK": event_partition(event_id), "SK": {"S": f"{REGISTRATION_PREFIX}{email_key}"}}


def marker_key(event_id: str, name: str) -> dict[str, Any]:
    return {"PK": event_partition(event_id), "SK": {"S": f"{MARKER_PREFIX}{name}"}}


def notice_key(event_id: str, notice_id: str) -> dict[str, Any]:
    """A notice to the event's registrants (cancelled, changed, a message), beside them."""
    return {"PK": event_partition(event_id), "SK": {"S": f"{NOTICE_PREFIX}{notice_id}"}}


GROUPS = "GROUPS"


def groups_key(event_id: str) -> dict[str, Any]:
    """An event's working groups: one item beside its registrations, expiring with them."""
    return {"PK": event_partition(event_id), "SK": {"S": GROUPS}}


def series_partition(series: str) -> dict[str, str]:
    """A series' network: its members and organisation aliases, read together by one Query."""
    return {"S": f"SERIES#{series}"}


MEMBER_PREFIX = "MEMBER#"
ALIAS_PREFIX = "ALIAS#"


def member_key(series: str, ref: str) -> dict[str, Any]:
    """A member of the series' network, by `ref` (a hash of the canonical address: a link to leave
    names no address)."""
    return {"PK": series_partition(series), "SK": {"S": f"{MEMBER_PREFIX}{ref}"}}


def alias_key(series: str, alias: str) -> dict[str, Any]:
    """An organisation alias of the series' network, by its normalised name."""
    return {"PK": series_partition(series), "SK": {"S": f"{ALIAS_PREFIX}{alias}"}}


def send_window_key(window: int) -> dict[str, Any]:
    """The sends every outbox run has taken in one minute of the account's SES rate."""
    return {"PK": {"S": "SES#RATE"}, "SK": {"S": f"WINDOW#{window}"}}


def send_quota_key() -> dict[str, Any]:
    """The account's SES send rate as last read (read again once an hour)."""
    return {"PK": {"S": "SES#RATE"}, "SK": {"S": "QUOTA"}}


def suppression_key(email_key: str) -> dict[str, Any]:
    """Keyed by a hash of the mailbox, not the address: erasing a person deletes everything
    that names them, but a bounced or complaining address must stay suppressed."""
    digest = hashlib.sha256(email_key.encode()).hexdigest()
    return {"PK": {"S": f"SUPPRESSED#{digest}"}, "SK": {"S": "SUPPRESSED"}}


def address_partition(email_key: str) -> dict[str, str]:
    """The partition of the records kept per address: its daily email counts, its console sign-in
    requests and its email history."""
    return {"S": f"ADDRESS#{email_key}"}


def daily_emails_key(email_key: str, at: datetime) -> dict[str, Any]:
    """The emails sent to an address on the day (in UTC) of `at`."""
    return {"PK": address_partition(email_key), "SK": {"S": f"EMAILS#{utc_day(at)}"}}


EMAIL_HISTORY_PREFIX = "MAIL#"


def email_history_key(email_key: str, at: datetime, nonce: str) -> dict[str, Any]:
    """One line of an address's email history, in time order beside its other records (so erasing the
    person takes it, and one Query reads it newest first); `nonce` keeps two lines of one moment apart."""
    return {"PK": address_partition(email_key), "SK": {"S": f"{EMAIL_HISTORY_PREFIX}{outbox_time(at)}#{nonce}"}}


def sender_window_key(client: str, window: int) -> dict[str, Any]:
    return {"PK": {"S": f"CLIENT#{client}"}, "SK": {"S": f"REGS#{window}"}}


def form_token_key(nonce: str) -> dict[str, Any]:
    return {"PK": {"S": f"FORMTOKEN#{nonce}"}, "SK": {"S": "USED"}}


def sign_in_requests_key(email_key: str, window: int) -> dict[str, Any]:
    """Console sign-in links asked for one address in one hour (beside its other counts, so
    erasing the person takes it too)."""
    return {"PK": address_partition(email_key), "SK": {"S": f"SIGNINS#{window}"}}


SIGN_IN_REQUEST_PREFIX = "SIGNINREQ#"


def sign_in_request_key(email_key: str, request_id: str) -> dict[str, Any]:
    """A sign-in link asked for and waiting for the outbox job to email it, beside the address's other
    records (so erasing the person takes it); `request_id` is when it was asked and a nonce."""
    return {"PK": address_partition(email_key), "SK": {"S": f"{SIGN_IN_REQUEST_PREFIX}{request_id}"}}


def sender_sign_ins_key(client: str, window: int) -> dict[str, Any]:
    return {"PK": {"S": f"CLIENT#{client}"}, "SK": {"S": f"SIGNINS#{window}"}}


def sign_in_link_key(token_hash: str) -> dict[str, Any]:
    """A console sign-in link, by the SHA-256 of its token: the token itself is never stored."""
    return {"PK": {"S": f"CONSOLE#SIGNIN#{token_hash}"}, "SK": {"S": "SIGNIN"}}


def console_person_partition(email_key: str) -> dict[str, str]:
    """A console user's sessions: the version (`SESSIONS`) and one item per device signed out (`ENDED#{id}`)."""
    return {"S": f"CONSOLE#PERSON#{email_key}"}


SESSIONS = "SESSIONS"
ENDED_SESSION_PREFIX = "ENDED#"
AUDIT_PREFIX = "AUDIT#"


def sessions_key(email_key: str) -> dict[str, Any]:
    return {"PK": console_person_partition(email_key), "SK": {"S": SESSIONS}}


def ended_session_key(email_key: str, session_id: str) -> dict[str, Any]:
    return {"PK": console_person_partition(email_key), "SK": {"S": f"{ENDED_SESSION_PREFIX}{session_id}"}}


def audit_key(event_id: str, at: datetime, nonce: str) -> dict[str, Any]:
    """An entry of the event's audit log, beside its registrations, in time order (`nonce` keeps two
    entries of one microsecond apart)."""
    return {"PK": event_partition(event_id), "SK": {"S": f"{AUDIT_PREFIX}{outbox_time(at)}#{nonce}"}}


def plain_key(item: dict[str, Any]) -> dict[str, Any]:
    """The typed key of an item read as plain values."""
    return {"PK": {"S": item["PK"]}, "SK": {"S": item["SK"]}}


# -- times --------------------------------------------------------------------------
# A moment is written as ISO 8601 text in UTC wherever it is an attribute or the events
# index's sort key (so string order is time order), and read back by `from_iso_time`. Where
# DynamoDB itself needs something else, there is one function for each need: the outbox index's
# fixed-width key, the epoch number a condition compares, and the whole seconds DynamoDB's TTL
# reads. A time of day (an event's reminder) is `HH:MM`, a day in a key is the UTC date.


def iso_time(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def optional_iso_time(moment: datetime | None) -> str | None:
    return iso_time(moment) if moment else None


def from_iso_time(value: str) -> datetime:
    """A moment as `iso_time` wrote it (or as any ISO 8601 text with an offset)."""
    return datetime.fromisoformat(value)


def read_time(value: Any) -> datetime | None:
    """An optional moment: None where the attribute is absent or empty."""
    return from_iso_time(value) if value else None


def clock_time(clock: time) -> str:
    """A time of day, to the minute."""
    return clock.strftime("%H:%M")


def from_clock_time(value: str) -> time:
    return time.fromisoformat(value)


def utc_day(moment: datetime) -> str:
    """The day (in UTC) a daily count is kept under."""
    return moment.astimezone(UTC).date().isoformat()


def outbox_time(moment: datetime) -> str:
    """The outbox index's sort key: one fixed width, so string order is time order even where
    the microseconds are zero (isoformat would leave them out)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def epoch_number(moment: datetime) -> str:
    """Seconds since the epoch, exactly, as a DynamoDB number (the deadline a write is checked against)."""
    return format(Decimal(str(moment.timestamp())), "f")


def epoch_seconds(moment: datetime) -> int:
    """Whole seconds since the epoch: what DynamoDB's time to live reads, and what rate windows count in."""
    return int(moment.timestamp())


def optional_epoch_seconds(moment: datetime | None) -> int | None:
    return epoch_seconds(moment) if moment else None


def moment_from_epoch_seconds(value: Any) -> datetime:
    return datetime.fromtimestamp(int(value), UTC)


def from_epoch_seconds(value: Any) -> datetime | None:
    """An optional moment in whole seconds (a TTL): None where the attribute is absent."""
    return moment_from_epoch_seconds(value) if value else None


# -- the table ----------------------------------------------------------------------


def create_table(client: DynamoDBClient, table_name: str) -> None:
    """Create the table and its index (local stand-ins and tests; AWS uses infra/)."""
    try:
        client.create_table(
            TableName=table_name,
            BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[
                {"AttributeName": name, "AttributeType": "S"}
                for name in ("PK", "SK", "GSI1PK", "GSI1SK", "registration_id")
            ],
            KeySchema=[{"AttributeName": "PK", "KeyType": "HASH"}, {"AttributeName": "SK", "KeyType": "RANGE"}],
            GlobalSecondaryIndexes=[
                {
                    "IndexName": EVENTS_INDEX,
                    "KeySchema": [
                        {"AttributeName": "GSI1PK", "KeyType": "HASH"},
                        {"AttributeName": "GSI1SK", "KeyType": "RANGE"},
                    ],
                    "Projection": {"ProjectionType": "ALL"},
                },
                {
                    "IndexName": REGISTRATION_ID_INDEX,
                    "KeySchema": [{"AttributeName": "registration_id", "KeyType": "HASH"}],
                    "Projection": {"ProjectionType": "KEYS_ONLY"},
                },
            ],
        )
    except ClientError as error:
        if error.response["Error"]["Code"] != "ResourceInUseException":
            raise
        return
    client.get_waiter("table_exists").wait(TableName=table_name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
