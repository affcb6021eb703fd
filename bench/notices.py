"""A message from the organisers to 1,000 registrants, delivered by outbox runs ten minutes apart at
the account's SES rate (moto's: one a second, so a run sends its 60 and leaves the rest): the SES
calls it takes (one SendEmail per person, plus the organisers' copy), no Scan, and the DynamoDB calls
per recipient. DynamoDB Local for the table, moto's server for SES; the pace's waits are recorded,
not slept (what is measured is calls, not time)."""

from __future__ import annotations

import json
import sys
import urllib.request
from typing import Any

from bench.harness import (
    TABLE,
    configure_environment,
    fresh_table,
    paced_outbox,
    start_dynamodb_local,
    start_moto,
    write_items,
)
from chalicelib.events import Event
from chalicelib.forms import parse_answers
from chalicelib.notices import Audience
from chalicelib.registrations import EmailDelivery, EmailState, Registration, Status
from chalicelib.store import DynamoStore, registration_item
from tests.helpers import answers, at, example_event

RECIPIENTS = 1_000
QUICK_RECIPIENTS = 100  # `--quick` (the test that make bench keeps working)
NOW = at("2027-05-01T12:00:00+02:00")
MAX_RUNS = 100


def main() -> int:
    recipients = QUICK_RECIPIENTS if "--quick" in sys.argv[1:] else RECIPIENTS
    moto, ses_endpoint = start_moto()
    dynamodb, dynamodb_endpoint = start_dynamodb_local()
    try:
        configure_environment(dynamodb_endpoint, ses_endpoint)
        client = fresh_table(dynamodb_endpoint)
        store = DynamoStore(client, TABLE)
        event = example_event(capacity=None, waitlist_limit=None)
        store.put_event(event, NOW)
        _signed_up(client, event, recipients)
        already = _sent(ses_endpoint)
        outbox = paced_outbox(client, store, ses_endpoint)
        counter, waits = outbox.counter, outbox.waits
        outbox.outreach.send_message(
            store.get_event(event.id),
            "Välkomna! Programmet: https://hudiksvall.se",
            Audience.EVERYONE,
            author="",
            now=NOW,
        )
        counter.calls.clear()
        _, runs = outbox.run_until_sent(store, NOW, MAX_RUNS)
        calls = dict(counter.calls)
        delivered = _sent(ses_endpoint) - already
    finally:
        for process in (dynamodb, moto):
            process.terminate()
            process.wait(timeout=10)

    sends = calls.get("sesv2.SendEmail", 0)
    quota = calls.get("ses.GetSendQuota", 0)
    dynamodb_calls = {name.split(".", 1)[1]: count for name, count in calls.items() if name.startswith("dynamodb.")}
    scans = dynamodb_calls.get("Scan", 0)
    per_recipient = sum(dynamodb_calls.values()) / recipients
    wanted = recipients + 1  # each person once, and the organisers' copy
    print(f"\nSignup message benchmark ({recipients} registrants; DynamoDB Local, moto's SES at its 1/s rate)")
    print(f"  {'outbox runs (10 min apart) until delivered':<48} {runs:>8}")
    print(
        f"  {'SES SendEmail calls (people + the copy)':<48} {sends:>8}   target {wanted:<22}"
        f"{'ok' if sends == wanted == delivered else 'MISSED'}"
    )
    print(f"  {'SES GetSendQuota calls (rate kept an hour)':<48} {quota:>8}")
    print(f"  {'Scan calls':<48} {scans:>8}   target 0                      {'ok' if scans == 0 else 'MISSED'}")
    print(f"  {'DynamoDB calls per recipient':<48} {per_recipient:>8.2f}")
    print(f"  {'DynamoDB calls by kind':<48} {dynamodb_calls}")
    print(f"  {'paced waits (recorded, s)':<48} {sum(waits):>8.0f}")
    return 0 if sends == wanted == delivered and scans == 0 else 1


def _signed_up(client: Any, event: Event, recipients: int) -> None:
    """The registrants, written in batches as confirmed people whose confirmation went out long ago
    (so the outbox owes them nothing but the message)."""
    items = []
    for number in range(recipients):
        registration = Registration(
            event_id=event.id,
            registration_id=f"bench{number:04d}",
            answers=parse_answers(answers(email=f"person{number:04d}@example.se"), event),
            status=Status.CONFIRMED,
            created_at=NOW,
            updated_at=NOW,
            email=EmailDelivery(state=EmailState.SENT),
        )
        items.append(registration_item(registration))
    write_items(client, items)


def _sent(endpoint: str) -> int:
    data = json.loads(urllib.request.urlopen(f"{endpoint}/moto-api/data.json").read())  # noqa: S310 (local)
    return len(data["ses"]["RawMessage"])


if __name__ == "__main__":
    sys.exit(main())
