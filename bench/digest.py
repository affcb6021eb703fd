"""`make bench` (second part): the organisers' digest at scale, against DynamoDB Local.

- One event with 5,000 registrations: the digest's DynamoDB calls (Query pages only,
  never a Scan) and its time as a ratio to a raw paginated Query of the same items.
- The hourly job with 200 upcoming and 200 past events: how many events it reads.
"""

from __future__ import annotations

import logging
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from typing import Any

from bench.harness import (
    TABLE,
    CallCounter,
    local_table,
    raw_registration_query,
    write_items,
)

REGISTRATIONS = 5000
EVENTS = 200
ROUNDS = 5
if "--quick" in sys.argv:
    REGISTRATIONS, EVENTS, ROUNDS = 500, 20, 2


def load_registrations(client: Any, event_id: str, count: int = REGISTRATIONS) -> None:
    from chalicelib.forms import parse_answers
    from chalicelib.registrations import EmailDelivery, EmailState, Registration, Status
    from chalicelib.store import registration_item
    from tests.helpers import answers, example_event

    event = example_event(id=event_id, capacity=None)
    now = datetime(2027, 5, 1, tzinfo=UTC)
    items = []
    for index in range(count):
        raw = answers(
            email=f"p{index}@example.se",
            name=f"Person {index} Öberg",
            organisation=f"Org {index % 300}",
            diet=["", "Vegetarisk", "Glutenfri"][index % 3],
            meal="yes" if index % 2 else "no",
        )
        registration = Registration(
            event_id,
            f"r{index}",
            parse_answers(raw, event),
            Status.CONFIRMED,
            now + timedelta(seconds=index),
            now,
            EmailDelivery(state=EmailState.SENT),
        )
        items.append(registration_item(registration))
    write_items(client, items)


def main() -> int:
    logging.getLogger("chalicelib").setLevel(logging.WARNING)  # the app's own logs are not the report
    with local_table() as client:
        from chalicelib import aws
        from chalicelib.digest import attendee_csv, summarize
        from chalicelib.mail import Writing, digest_email
        from chalicelib.pages import templates
        from chalicelib.store import DynamoStore
        from tests.fakes import RecordingMailer
        from tests.helpers import example_event

        store = DynamoStore(aws.dynamodb(), TABLE)
        event = example_event(id="big-meeting", capacity=None)
        store.put_event(event, datetime(2027, 1, 1, tzinfo=UTC))
        load_registrations(client, event.id)
        counter = CallCounter()
        counter.attach(aws.dynamodb())
        now = datetime(2027, 5, 10, 7, tzinfo=UTC)

        def raw_query() -> int:
            return raw_registration_query(client, event.id)

        def digest() -> int:
            registrations = list(store.registrations(event.id))
            summary = summarize(event, registrations, now=now, since=None)
            digest_email(
                event,
                summary,
                final=False,
                csv_bytes=attendee_csv(event, registrations),
                live_link="x",
                recipients=list(event.organisers),
                writing=Writing(sender="S <a@signup.local>", templates=templates(), now=now),
            ).as_bytes()
            return len(registrations)

        raw_query(), digest()
        floor, ours = [], []
        counter.calls.clear()
        for _ in range(ROUNDS):
            started = time.perf_counter()
            assert raw_query() == REGISTRATIONS
            floor.append(time.perf_counter() - started)
            started = time.perf_counter()
            assert digest() == REGISTRATIONS
            ours.append(time.perf_counter() - started)
        digest_calls = {name: count / ROUNDS for name, count in counter.calls.items()}

        # The hourly job: as many past events as upcoming ones.
        kinds = [
            ("kommande", datetime(2027, 6, 1, 18), date(2027, 5, 25)),
            ("tidigare", datetime(2027, 3, 1, 18), date(2027, 2, 25)),
        ]
        for index in range(EVENTS):
            for name, first_start, deadline in kinds:
                starts_at = first_start + timedelta(hours=index)
                other = example_event(
                    id=f"{name}-{index}",
                    starts_at=starts_at,
                    meal_at=None,
                    ends_at=None,
                    deadline=deadline,
                    digest={"send": "off"},
                )
                store.put_event(other, now)
        from chalicelib import config
        from chalicelib.jobs import run_hourly
        from chalicelib.outreach import Outreach
        from chalicelib.service import Signup

        signup = Signup(store=store, mailer=RecordingMailer(), settings=config, templates=templates())
        counter.calls.clear()
        messages = Outreach(signup=signup, store=store).job_messages("http://x", now)
        first = run_hourly(store=store, mailer=RecordingMailer(), messages=messages, now=now)
        first_calls = dict(counter.calls)
        counter.calls.clear()
        # The next hour: what a steady-state run costs (the first run also forgot old events' diets, once).
        counts = run_hourly(store=store, mailer=RecordingMailer(), messages=messages, now=now + timedelta(hours=1))
        job_calls = dict(counter.calls)

    ratio = statistics.median(ours) / statistics.median(floor)
    scans = sum(count for name, count in digest_calls.items() if name.endswith("Scan"))
    print(f"\nSignup digest benchmark ({REGISTRATIONS} registrations, {ROUNDS} rounds; DynamoDB Local)")
    print(f"  {'digest DynamoDB calls (Query pages)':<48} {digest_calls}")
    print(f"  {'Scan calls':<48} {scans:>8}   target 0                      {'ok' if scans == 0 else 'MISSED'}")
    print(
        f"  {'digest time / raw paginated Query':<48} {ratio:>8.2f}   target ≤ 1.5                  "
        f"{'ok' if ratio <= 1.5 else 'MISSED'}"
    )
    checked, upcoming = counts["events_checked"], EVENTS + 1  # the big meeting is upcoming too
    print(
        f"  {'hourly job: events read of upcoming+past':<48} {checked:>4}/{2 * EVENTS + 1}   target {upcoming} "
        f"(no past)          {'ok' if checked == upcoming else 'MISSED'}"
    )
    print(
        f"  hourly job calls, first run (one-time clean-up of {first['sensitive_answers_blanked']} diets in past "
        f"events): {first_calls}"
    )
    print(f"  hourly job calls, next hour (steady state): {job_calls}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
