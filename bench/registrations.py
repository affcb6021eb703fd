"""`make bench`: the cost of one registration, as ratios to a floor measured in the same run.

Against Amazon's DynamoDB Local (started here, in memory):
- AWS calls per registration, counted with a botocore hook;
- handler time / raw boto3 floor of the same calls (interleaved, medians);
- registrations per second / raw TransactWriteItems per second (4 processes each);
- peak memory of a fresh process that imports the app and handles 100 registrations;
- CPU milliseconds per registration in the handler's process.
Machines here are noisy: only ratios and counts are compared with targets.
"""

from __future__ import annotations

import multiprocessing
import os
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from typing import Any

from bench.harness import (
    TABLE,
    CallCounter,
    LambdaContext,
    configure_environment,
    fresh_table,
    registration_event,
    start_dynamodb_local,
)

EVENT_ID = "bench-meeting"
SAMPLES = 300
WORKERS = 4
PER_WORKER = 150
if "--quick" in sys.argv:  # the test suite's smoke run: same code, small numbers
    SAMPLES, WORKERS, PER_WORKER = 20, 2, 10


def body(index: int, prefix: str) -> dict[str, Any]:
    return {
        "name": "Åsa Öberg",
        "email": f"{prefix}{index}@example.se",
        "organisation": "Röda Korset Hudiksvall",
        "sector": "association",
        "meal": "yes",
        "diet": "Vegetarisk",
        "attended_before": "no",
        "interests": ["barn-och-unga"],
        "language": "sv",
    }


def load_event(client: Any) -> None:
    from chalicelib.store import DynamoStore
    from tests.helpers import example_event

    event = example_event(id=EVENT_ID, capacity=None)
    DynamoStore(client, TABLE).put_event(event, datetime(2027, 1, 1, tzinfo=UTC))


def raw_calls(client: Any, index: int, prefix: str, with_read: bool = True) -> None:
    """The floor: the same DynamoDB requests the handler sends, built by hand beforehand."""
    from chalicelib.registrations import Registration
    from chalicelib.store import event_key, registration_item

    if with_read:
        client.get_item(TableName=TABLE, Key=event_key(EVENT_ID), ConsistentRead=True)
    now = datetime.now(UTC)
    answers = _ANSWERS[prefix + str(index)]
    item = registration_item(Registration(EVENT_ID, f"r{prefix}{index}", answers, "confirmed", now, now))
    client.transact_write_items(
        TransactItems=[
            {"Put": {"TableName": TABLE, "Item": item, "ConditionExpression": "attribute_not_exists(PK)"}},
            {
                "Update": {
                    "TableName": TABLE,
                    "Key": event_key(EVENT_ID),
                    "UpdateExpression": "SET confirmed_count = confirmed_count + :one",
                    "ConditionExpression": "#s = :open AND deadline_ts > :now",
                    "ExpressionAttributeNames": {"#s": "status"},
                    "ExpressionAttributeValues": {
                        ":one": {"N": "1"},
                        ":open": {"S": "open"},
                        ":now": {"N": str(now.timestamp())},
                    },
                }
            },
        ]
    )


_ANSWERS: dict[str, Any] = {}


def prebuild_answers(prefix: str, count: int) -> None:
    """Raw requests are built before timing: the floor is the wire, not our code."""
    from chalicelib.forms import parse_answers
    from tests.helpers import example_event

    event = example_event(id=EVENT_ID, capacity=None)
    for index in range(count):
        _ANSWERS[prefix + str(index)] = parse_answers(body(index, prefix), event)


def handle(app: Any, index: int, prefix: str) -> None:
    response = app(registration_event(EVENT_ID, body(index, prefix)), LambdaContext())
    if response["statusCode"] != 201:
        raise RuntimeError(f"registration failed: {response['statusCode']} {response['body'][:200]}")


def worker(args: tuple[str, str, int]) -> float:
    """One process of the throughput run: `PER_WORKER` registrations, returns seconds."""
    mode, endpoint, number = args
    configure_environment(endpoint)
    import boto3

    from app import app

    client = boto3.client("dynamodb")
    prefix = f"{mode}{number}-"
    prebuild_answers(prefix, PER_WORKER)
    prebuild_answers(f"warm{prefix}", 1)
    if mode == "handler":
        handle(app, 0, f"warm{prefix}")
    else:
        raw_calls(client, 0, f"warm{prefix}")
    started = time.perf_counter()
    for index in range(PER_WORKER):
        if mode == "handler":
            handle(app, index, prefix)
        else:
            raw_calls(client, index, prefix, with_read=False)
    return time.perf_counter() - started


def throughput(endpoint: str, mode: str) -> float:
    context = multiprocessing.get_context("spawn")
    with context.Pool(WORKERS) as pool:
        started = time.perf_counter()
        pool.map(worker, [(mode, endpoint, number) for number in range(WORKERS)])
        elapsed = time.perf_counter() - started
    return WORKERS * PER_WORKER / elapsed


def peak_memory_mb(endpoint: str) -> float:
    probe = (
        "import resource, sys\n"
        "from bench.registrations import handle, configure_environment\n"
        f"configure_environment({endpoint!r})\n"
        "from app import app\n"
        "for i in range(100): handle(app, i, 'memory-')\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=True,
        cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
    )
    return int(result.stdout.strip().splitlines()[-1]) / 1024


def main() -> int:
    process, endpoint = start_dynamodb_local()
    try:
        configure_environment(endpoint)
        client = fresh_table(endpoint)
        load_event(client)

        import boto3

        from app import app
        from chalicelib import aws

        counter = CallCounter()
        counter.attach(aws.dynamodb())
        floor_client = boto3.client("dynamodb")
        prebuild_answers("floor-", SAMPLES)
        prebuild_answers("warmfloor-", 1)
        handle(app, 0, "warm-")
        raw_calls(floor_client, 0, "warmfloor-")

        handler_times, floor_times, handler_cpu = [], [], 0.0
        counter.calls.clear()
        for index in range(SAMPLES):
            started, cpu = time.perf_counter(), time.process_time()
            handle(app, index, "handler-")
            handler_times.append(time.perf_counter() - started)
            handler_cpu += time.process_time() - cpu
            started = time.perf_counter()
            raw_calls(floor_client, index, "floor-")
            floor_times.append(time.perf_counter() - started)
        calls = counter.per_service()
        dynamodb_calls = calls["dynamodb"] / SAMPLES
        ses_calls = calls["ses"] / SAMPLES + calls["sesv2"] / SAMPLES
        latency_ratio = statistics.median(handler_times) / statistics.median(floor_times)
        cpu_ms = handler_cpu / SAMPLES * 1000

        raw_rate = throughput(endpoint, "raw")
        handler_rate = throughput(endpoint, "handler")
        memory = peak_memory_mb(endpoint)
    finally:
        process.terminate()
        process.wait(timeout=10)

    rows = [
        ("DynamoDB calls per registration", f"{dynamodb_calls:.2f}", "≤ 2", dynamodb_calls <= 2),
        ("SES calls per registration", f"{ses_calls:.2f}", "0 until emails exist", True),
        ("handler time / raw boto3 floor (median)", f"{latency_ratio:.2f}", "≤ 1.5", latency_ratio <= 1.5),
        (
            "registrations/s / raw TransactWriteItems/s",
            f"{handler_rate / raw_rate:.2f}",
            "≥ 0.7",
            handler_rate / raw_rate >= 0.7,
        ),
        ("peak memory, import + 100 registrations (MB)", f"{memory:.0f}", "≤ 100", memory <= 100),
        ("handler CPU ms per registration (pretix: ~65)", f"{cpu_ms:.1f}", "report", True),
    ]
    print(
        f"\nSignup registration benchmark ({SAMPLES} sequential samples, {WORKERS}×{PER_WORKER} concurrent; "
        f"DynamoDB Local, {os.cpu_count()} cores)"
    )
    print(
        f"  floor medians: handler {statistics.median(handler_times) * 1000:.1f} ms, "
        f"raw {statistics.median(floor_times) * 1000:.1f} ms (context only, not compared)"
    )
    for name, value, target, ok in rows:
        print(f"  {name:<48} {value:>8}   target {target:<22} {'ok' if ok else 'MISSED'}")
    print(f"  calls seen: {dict(counter.calls)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
