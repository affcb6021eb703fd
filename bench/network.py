"""`make bench` (network): the network report over a series of 3 meetings × 1,000 people, against
DynamoDB Local.

Each meeting's registrations must be read with one paged Query (as many pages as a bare paginated
Query of the same items, never a Scan); beside them the report reads the series' meetings from the
events index and its members and aliases from one partition. Its time is given as a ratio to the
raw paginated Queries of the three meetings (bench/harness.py's floor).
"""

from __future__ import annotations

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
)

PEOPLE = 1000
MEETINGS = 3
ROUNDS = 5
SERIES = "natverk-bench"
if "--quick" in sys.argv:
    PEOPLE, ROUNDS = 200, 2


def meeting(number: int) -> Any:
    from tests.helpers import example_event

    starts = datetime(2027, 2, 1, 18) + timedelta(days=40 * number)
    return example_event(
        id=f"{SERIES}-{number}",
        series=SERIES,
        starts_at=starts,
        meal_at=starts - timedelta(hours=1),
        ends_at=starts + timedelta(hours=2),
        deadline=(starts - timedelta(days=7)).date(),
        capacity=None,
        waitlist_limit=None,
    )


def load_series(client: Any, store: Any) -> int:
    """Three meetings: at each, a third of the people are new and two thirds came before; one in
    four ticked the network's choice (their member records are written as a sign-up writes them)."""
    from chalicelib.forms import parse_answers
    from chalicelib.registrations import EmailDelivery, Registration
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
                "confirmed",
                now,
                now,
                EmailDelivery(state="sent"),
            )
            items.append(registration_item(registration))
            if consent:
                ((_, write),) = store._membership(registration, SERIES, now)
                client.update_item(**write["Update"])
                members += 1
        for start in range(0, len(items), 25):
            batch = {TABLE: [{"PutRequest": {"Item": item}} for item in items[start : start + 25]]}
            while batch:
                batch = client.batch_write_item(RequestItems=batch).get("UnprocessedItems") or None
    return members


def main() -> int:
    logging.getLogger("chalicelib").setLevel(logging.WARNING)
    with local_table() as client:
        from chalicelib import aws, network
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
            raw_pages[params["ExpressionAttributeValues"][":pk"]["S"]] += 1

        client.meta.events.register("before-parameter-build.dynamodb.Query", note_raw)
        now = datetime(2027, 1, 15, tzinfo=UTC)
        ids = [f"{SERIES}-{number}" for number in range(1, MEETINGS + 1)]

        def raw_queries() -> int:
            return sum(raw_registration_query(client, event_id) for event_id in ids)

        def report() -> Any:
            return network.network_report(SERIES, store=store, now=now)

        raw_queries(), report()
        floor, ours = [], []
        counter.calls.clear()
        partitions.clear()
        raw_pages.clear()
        for _ in range(ROUNDS):
            started = time.perf_counter()
            assert raw_queries() == MEETINGS * PEOPLE
            floor.append(time.perf_counter() - started)
            started = time.perf_counter()
            result = report()
            ours.append(time.perf_counter() - started)
        calls = {name: count / ROUNDS for name, count in counter.calls.items()}

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
        f"  {'report time / raw paginated Queries':<48} {ratio:>8.2f}   target ≤ 1.5                  "
        f"{'ok' if ratio <= 1.5 else 'MISSED'}"
    )
    last = result.meetings[-1]
    print(
        f"  {'last meeting: people new/returning, members':<48} {last.people_new}/{last.people_returning}, "
        f"{len(result.members)}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
