"""`make bench` (network): the network report over a series of 3 meetings × 1,000 people, against
DynamoDB Local; then invitations to 1,000 members (see `invitations`).

Each meeting's registrations must be read with one paged Query (as many pages as a bare paginated
Query of the same items, never a Scan); beside them the report reads the series' meetings from the
events index and its members and aliases from one partition. Its time is given as a ratio to the
same five Queries made bare (the floor): the same keys, filter and consistency, every page followed,
the items counted and nothing decoded, so what the ratio shows is ours alone (decoding the items and
the report's rules). Before each timed side the garbage is collected: a full collection that the one
side's garbage made due is not charged to the other.
"""

from __future__ import annotations

import gc
import logging
import statistics
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

from bench.harness import (
    TABLE,
    CallCounter,
    local_table,
    raw_registration_query,
    write_items,
)
from chalicelib.store.schema import EVENTS, EVENTS_INDEX

PEOPLE = 1000
MEETINGS = 3
ROUNDS = 5
SERIES = "natverk-bench"
if "--quick" in sys.argv:
    PEOPLE, ROUNDS = 200, 2


def meeting(number: int) -> Any:
    from tests.helpers import series_meeting

    return series_meeting(f"{SERIES}-{number}", SERIES, datetime(2027, 2, 1, 18) + timedelta(days=40 * number))


def load_series(client: Any, store: Any) -> int:
    """Three meetings: at each, a third of the people are new and two thirds came before; one in
    four ticked the network's choice (their member records are written as a sign-up writes them)."""
    from chalicelib.forms import parse_answers
    from chalicelib.registrations import EmailDelivery, EmailState, Registration, Status
    from chalicelib.store import registration_item
    from tests.helpers import answers

    now = datetime(2027, 1, 1, tzinfo=UTC)
    members = 0
    sectors = ("company", "association", "public", "other")
    for number in range(1, MEETINGS + 1):
        event = meeting(number)
        store.put_event(event, now)
        first = (number - 1) * PEOPLE // 3
        items = []
        for person in range(first, first + PEOPLE):
            consent = person % 4 == 0
            raw = answers(
                email=f"p{person}@example.se",
                name=f"Person {person} Öberg",
                organisation=f"Organisation {person % 250} AB",
                sector=sectors[person % 4],
                interests=["barn-och-unga"] if person % 3 else [],
                network_consent="yes" if consent else None,
            )
            registration = Registration(
                event.id,
                f"r{number}-{person}",
                parse_answers(raw, event),
                Status.CONFIRMED,
                now,
                now,
                EmailDelivery(state=EmailState.SENT),
            )
            items.append(registration_item(registration))
            if consent:
                ((_, write),) = store._membership(registration, SERIES, now)
                client.update_item(**write["Update"])
                members += 1
        write_items(client, items)
    return members


def main() -> int:
    logging.getLogger("chalicelib").setLevel(logging.WARNING)
    with local_table() as client:
        from chalicelib import aws, network_report
        from chalicelib.store import DynamoStore

        store = DynamoStore(aws.dynamodb(), TABLE)
        load_series(client, store)
        counter = CallCounter()
        counter.attach(aws.dynamodb())
        partitions: Counter[str] = Counter()

        def note_query(params: dict[str, Any], **_: Any) -> None:
            values = params.get("ExpressionAttributeValues", {})
            partitions[params.get("IndexName") or values.get(":pk", {}).get("S", "?")] += 1

        aws.dynamodb().meta.events.register("before-parameter-build.dynamodb.Query", note_query)
        raw_pages: Counter[str] = Counter()

        def note_raw(params: dict[str, Any], **_: Any) -> None:
            raw_pages[params.get("IndexName") or params["ExpressionAttributeValues"][":pk"]["S"]] += 1

        client.meta.events.register("before-parameter-build.dynamodb.Query", note_raw)
        now = datetime(2027, 1, 15, tzinfo=UTC)
        ids = [f"{SERIES}-{number}" for number in range(1, MEETINGS + 1)]

        def raw_queries() -> int:
            """The report's five Queries, bare: the series' meetings, its members and aliases, and each
            meeting's registrations. Returns how many registrations they read."""
            raw_query(
                client,
                IndexName=EVENTS_INDEX,
                KeyConditionExpression="GSI1PK = :events",
                FilterExpression="series = :series",
                ExpressionAttributeValues={":events": {"S": EVENTS}, ":series": {"S": SERIES}},
            )
            raw_query(
                client,
                KeyConditionExpression="PK = :pk",
                ExpressionAttributeValues={":pk": {"S": f"SERIES#{SERIES}"}},
                ConsistentRead=True,
            )
            return sum(raw_registration_query(client, event_id) for event_id in ids)

        def report() -> Any:
            return network_report.network_report(SERIES, store=store, now=now)

        raw_queries(), report()
        floor, ours = [], []
        counter.calls.clear()
        partitions.clear()
        raw_pages.clear()
        for _ in range(ROUNDS):
            gc.collect()
            started = time.perf_counter()
            assert raw_queries() == MEETINGS * PEOPLE
            floor.append(time.perf_counter() - started)
            gc.collect()
            started = time.perf_counter()
            result = report()
            ours.append(time.perf_counter() - started)
        calls = {name: count / ROUNDS for name, count in counter.calls.items()}
        invited, invitation_lines = invitations(client.meta.endpoint_url)

    ratio = statistics.median(ours) / statistics.median(floor)
    scans = sum(count for name, count in calls.items() if name.endswith("Scan"))
    report_pages = sum(partitions[f"EVENT#{event_id}"] for event_id in ids) // ROUNDS
    floor_pages = sum(raw_pages[f"EVENT#{event_id}"] for event_id in ids) // ROUNDS
    per_meeting = [partitions[f"EVENT#{event_id}"] // ROUNDS for event_id in ids]
    print(f"\nSignup network report benchmark ({MEETINGS} meetings × {PEOPLE} people, {ROUNDS} rounds; DynamoDB Local)")
    print(f"  {'DynamoDB calls per report':<48} {calls}")
    print(f"  {'registration Query pages per meeting':<48} {per_meeting}")
    print(
        f"  {'registration Query pages: report / raw':<48} {report_pages}/{floor_pages}   target equal"
        f"                   {'ok' if report_pages == floor_pages else 'MISSED'}"
    )
    print(
        f"  {'other Query pages (events index, series)':<48} "
        f"{partitions['events-by-start'] // ROUNDS}, {partitions[f'SERIES#{SERIES}'] // ROUNDS}"
    )
    print(f"  {'Scan calls':<48} {scans:>8}   target 0                      {'ok' if scans == 0 else 'MISSED'}")
    print(
        f"  {'report time / its 5 Queries made bare':<48} {ratio:>8.2f}   target ≤ 1.5                  "
        f"{'ok' if ratio <= 1.5 else 'MISSED'}"
    )
    last = result.meetings[-1]
    print(
        f"  {'last meeting: people new/returning, members':<48} {last.people_new}/{last.people_returning}, "
        f"{len(result.members)}"
    )
    print("\n".join(invitation_lines))
    return invited


def raw_query(client: Any, **params: Any) -> int:
    """A bare paginated Query of the bench table (every page followed): how many items it read."""
    paginator = client.get_paginator("query")
    return sum(len(page["Items"]) for page in paginator.paginate(TableName=TABLE, **params))


INVITATION_NOW = datetime(2027, 5, 1, 10, tzinfo=UTC)
MAX_RUNS = 100


def invitations(dynamodb_endpoint: str) -> tuple[int, list[str]]:
    """`PEOPLE` members of a series, none signed up for its open meeting, invited by outbox runs ten
    minutes apart at the account's SES rate (moto's: one a second, so a run sends its 60 and leaves
    the rest): one SendEmail per member, no Scan, and the DynamoDB calls per member. The pace's waits
    are recorded, not slept."""
    from bench.harness import fresh_table, paced_outbox, start_moto
    from chalicelib.store import DynamoStore
    from tests.helpers import example_event

    moto, ses_endpoint = start_moto()
    try:
        client = fresh_table(dynamodb_endpoint)
        store = DynamoStore(client, TABLE)
        event = example_event(id=f"{SERIES}-next", series=SERIES, capacity=None, waitlist_limit=None)
        store.put_event(event, INVITATION_NOW)
        _members(client, store, event.id)
        outbox = paced_outbox(client, store, ses_endpoint)
        outreach, counter, waits = outbox.outreach, outbox.counter, outbox.waits
        _, invitees = outreach.invite(store.get_event(event.id), author="", now=INVITATION_NOW)
        counter.calls.clear()
        now, runs = outbox.run_until_sent(store, INVITATION_NOW, MAX_RUNS)
        # Once all are sent, every member counts as invited: a second press would reach nobody.
        counts_after = outreach.invitees(store.get_event(event.id), now)
        calls = dict(counter.calls)
    finally:
        moto.terminate()
        moto.wait(timeout=10)
    sends = calls.get("sesv2.SendEmail", 0)
    dynamodb_calls = {name.split(".", 1)[1]: count for name, count in calls.items() if name.startswith("dynamodb.")}
    scans = dynamodb_calls.get("Scan", 0)
    ok = sends == PEOPLE == len(invitees.invite) and scans == 0 and counts_after.already_invited == PEOPLE
    lines = [
        f"\nSignup invitations benchmark ({PEOPLE} members, none signed up; DynamoDB Local, moto's SES at 1/s)",
        f"  {'outbox runs (10 min apart) until delivered':<48} {runs:>8}",
        f"  {'SES SendEmail calls (invitations)':<48} {sends:>8}   target {PEOPLE:<22}"
        f"{'ok' if sends == PEOPLE else 'MISSED'}",
        f"  {'Scan calls':<48} {scans:>8}   target 0                      {'ok' if scans == 0 else 'MISSED'}",
        f"  {'DynamoDB calls per member':<48} {sum(dynamodb_calls.values()) / PEOPLE:>8.2f}",
        f"  {'DynamoDB calls by kind':<48} {dynamodb_calls}",
        f"  {'invited already, after the runs':<48} {counts_after.already_invited:>8}",
        f"  {'paced waits (recorded, s)':<48} {sum(waits):>8.0f}",
    ]
    return (0 if ok else 1), lines


def _members(client: Any, store: Any, event_id: str) -> None:
    """`PEOPLE` member records of the series, written as a sign-up with the network's consent writes them."""
    from chalicelib.forms import parse_answers
    from chalicelib.registrations import EmailDelivery, EmailState, Registration, Status
    from tests.helpers import answers

    event = store.get_event(event_id)
    for person in range(PEOPLE):
        raw = answers(
            email=f"m{person}@example.se",
            name=f"Medlem {person} Åkesson",
            language="en" if person % 5 == 0 else "sv",
            network_consent="yes",
        )
        registration = Registration(
            f"{SERIES}-earlier",
            f"m{person}",
            parse_answers(raw, event),
            Status.CONFIRMED,
            INVITATION_NOW,
            INVITATION_NOW,
            EmailDelivery(state=EmailState.SENT),
        )
        ((_, write),) = store._membership(registration, SERIES, INVITATION_NOW)
        client.update_item(**write["Update"])


if __name__ == "__main__":
    sys.exit(main())
