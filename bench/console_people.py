"""`make bench` (third part): the console's people page for an event with 1,000 registrations.

Through the app's own handler, signed in, against DynamoDB Local: the DynamoDB calls one page view
makes (the registrations are one paged Query; never a Scan), and its time as a ratio to that raw
paginated Query alone, measured interleaved in the same run. Only ratios and counts are reported.
"""

from __future__ import annotations

import logging
import statistics
import sys
import time
from datetime import UTC, datetime
from typing import Any

from bench.digest import load_registrations
from bench.harness import (
    CallCounter,
    LambdaContext,
    local_table,
    raw_registration_query,
)
from chalicelib.store.schema import event_partition

REGISTRATIONS = 1000
ROUNDS = 7
TARGET = 2.0
if "--quick" in sys.argv:
    REGISTRATIONS, ROUNDS = 200, 2
EVENT_ID = "stor-traff"
ORGANISER = "social.hallbarhet@hudiksvall.example"  # the example event's organiser


def page_event(path: str, cookie: str) -> dict[str, Any]:
    """The API Gateway proxy event Lambda receives for one GET of a console page."""
    return {
        "resource": "/console/events/{event_id}/people",
        "path": path,
        "httpMethod": "GET",
        "headers": {"Host": "bench.local", "Cookie": cookie},
        "multiValueHeaders": {"Host": ["bench.local"], "Cookie": [cookie]},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": {"event_id": EVENT_ID},
        "stageVariables": None,
        "requestContext": {
            "resourcePath": "/console/events/{event_id}/people",
            "httpMethod": "GET",
            "stage": "api",
            "requestId": "bench",
        },
        "body": None,
        "isBase64Encoded": False,
    }


def main() -> int:
    logging.getLogger("chalicelib").setLevel(logging.WARNING)  # the app's own logs are not the report
    with local_table() as client:
        import app as signup_app  # noqa: F401 - configures the app's logging, which we then quieten

        logging.getLogger().setLevel(logging.WARNING)
        from app import app
        from chalicelib import aws
        from chalicelib.bootstrap import wiring
        from tests.helpers import example_event

        now = datetime.now(UTC)
        parts = wiring()
        parts.store.put_event(example_event(id=EVENT_ID, capacity=None), now)
        load_registrations(client, EVENT_ID, REGISTRATIONS)
        session = parts.console.use_link(parts.console.make_link(ORGANISER, now), now)
        cookie = parts.console.cookie(session, now).split(";")[0]
        request = page_event(f"/console/events/{EVENT_ID}/people", cookie)

        def raw_query() -> int:
            return raw_registration_query(client, EVENT_ID)

        def people_page() -> str:
            response = app(request, LambdaContext())
            assert response["statusCode"] == 200, response["body"][:500]
            return str(response["body"])

        raw_query(), people_page()  # warm both
        counter = CallCounter()
        counter.attach(aws.dynamodb())
        # Which partition each Query reads: the registrations are under the event's; the session's
        # record is another.
        event_queries: list[str] = []

        def note_query(params: Any, **_: Any) -> None:
            values = params.get("ExpressionAttributeValues") or {}
            if values.get(":pk") == event_partition(EVENT_ID):
                event_queries.append(values.get(":reg", {}).get("S", ""))

        aws.dynamodb().meta.events.register("provide-client-params.dynamodb.Query", note_query)
        raw_counter = CallCounter()
        raw_counter.attach(client)
        floor, ours, rows = [], [], 0
        for _ in range(ROUNDS):
            started = time.perf_counter()
            assert raw_query() == REGISTRATIONS
            floor.append(time.perf_counter() - started)
            started = time.perf_counter()
            body = people_page()
            ours.append(time.perf_counter() - started)
            rows = body.count('<th scope="row">')
        page_calls = {name: count / ROUNDS for name, count in counter.calls.items()}
        registration_pages = len(event_queries) / ROUNDS
        raw_pages = raw_counter.calls["dynamodb.Query"] / ROUNDS

    ratio = statistics.median(ours) / statistics.median(floor)
    queries = registration_pages
    scans = sum(count for name, count in page_calls.items() if name.endswith("Scan"))
    print(f"\nSignup console people page ({REGISTRATIONS} registrations, {ROUNDS} rounds; DynamoDB Local)")
    print(f"  {'people page DynamoDB calls (session, event, people)':<48} {page_calls}")
    print(f"  {'rows shown':<48} {rows:>8}")
    print(
        f"  {'registration Query pages: page view / raw':<48} {queries:>4.0f}/{raw_pages:<3.0f}   "
        f"target equal (one paged Query)  {'ok' if queries == raw_pages else 'MISSED'}"
    )
    print(f"  {'Scan calls':<48} {scans:>8}   target 0                      {'ok' if scans == 0 else 'MISSED'}")
    print(
        f"  {'people page time / raw paginated Query':<48} {ratio:>8.2f}   target < {TARGET}                  "
        f"{'ok' if ratio < TARGET else 'MISSED'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
