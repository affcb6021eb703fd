"""`make bench`: the cost of one registration, as ratios to a floor measured in the same run.

Against Amazon's DynamoDB Local and moto's SES server (both started here):
- AWS calls per registration, counted with a botocore hook;
- handler time / a raw boto3 floor of the same calls (interleaved, medians);
- registrations per second / the same raw calls per second, and / raw TransactWriteItems
  per second (4 processes each);
- the confirmation email's CPU, templates to wire bytes: / rendering the bare templates, and in
  milliseconds without its .ics;
- peak memory of a fresh process that imports the app and handles 100 registrations;
- CPU milliseconds per registration in the handler's process, and its ratio to pretix's app-server
  CPU per registration measured in this same run when the peer is set up (bench/peer.py).
Machines here are noisy: only ratios and counts are compared with targets.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import statistics
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench import peer as bench_peer
from bench import sizing
from bench.harness import (
    SENDER,
    TABLE,
    CallCounter,
    LambdaContext,
    configure_environment,
    fresh_table,
    registration_event,
    start_dynamodb_local,
    start_moto,
)

PROJECT = Path(__file__).resolve().parent.parent
EVENT_ID = "bench-meeting"
SAMPLES, WORKERS, PER_WORKER, RENDERS, PEER_ORDERS = 300, 4, 150, 200, 100
if "--quick" in sys.argv:  # the test suite's smoke run: same code, small numbers
    SAMPLES, WORKERS, PER_WORKER, RENDERS, PEER_ORDERS = 20, 2, 10, 20, 10


def body(index: int, prefix: str) -> dict[str, Any]:
    """The same valid registration the tests use, with its own address."""
    from tests.helpers import answers

    return answers(email=f"{prefix}{index}@example.se")


def bench_event() -> Any:
    from tests.helpers import example_event

    return example_event(id=EVENT_ID, capacity=None)


def load_event(client: Any) -> None:
    from chalicelib.store import DynamoStore

    DynamoStore(client, TABLE).put_event(bench_event(), datetime(2027, 1, 1, tzinfo=UTC))


def _camel(operation: str) -> str:
    return "".join(word.title() for word in operation.split("_"))


RequestShape = tuple[str, tuple[str, ...]]


def request_shape(operation: str, params: dict[str, Any]) -> RequestShape:
    """An AWS request as the floor must match it: the operation and each transaction item's kind."""
    return operation, tuple(next(iter(item)) for item in params.get("TransactItems", []))


class _Recorder:
    """Stands in for a boto3 client while the store and the mailer build their requests: keeps them."""

    def __init__(self, answer: dict[str, Any]) -> None:
        self.requests: list[tuple[str, dict[str, Any]]] = []
        self.answer = answer

    def __getattr__(self, operation: str) -> Any:
        def record(**params: Any) -> dict[str, Any]:
            self.requests.append((operation, params))
            return self.answer

        return record


class RawFloor:
    """The requests the handler sends, built before timing by the store and the mailer themselves
    (each person's own keys, email and history line): the floor is the wire. Every registration is
    the handler's warm one: its event as kept (no read), the transaction that stores it with every
    limit, the email, the transaction that records it with the history line."""

    def __init__(self, prefix: str, count: int) -> None:
        import boto3

        from chalicelib import email_history
        from chalicelib.bootstrap import wiring
        from chalicelib.forms import parse_answers
        from chalicelib.mail import SesMailer
        from chalicelib.registrations import (
            EMAIL_LEASE,
            EmailDelivery,
            EmailKind,
            EmailState,
            Registration,
            SignUp,
            Status,
        )
        from chalicelib.store import DynamoStore

        self.dynamodb = boto3.client("dynamodb")
        self.ses = boto3.client("sesv2")
        event = DynamoStore(self.dynamodb, TABLE).get_event(EVENT_ID)
        assert event is not None, "load_event first"
        now = datetime.now(UTC)
        signup = wiring().signup
        build = signup.message_builder("http://127.0.0.1:8000", now)
        table, mail = _Recorder({}), _Recorder({"MessageId": "floor"})
        store, mailer = DynamoStore(table, TABLE), SesMailer(mail)  # type: ignore[arg-type]
        for index in range(count):
            registration = Registration(
                EVENT_ID,
                f"raw{prefix}{index}",
                parse_answers(body(index, prefix), event),
                Status.CONFIRMED,
                now,
                now,
                email=EmailDelivery(state=EmailState.SENDING, attempts=1, due_at=now + EMAIL_LEASE),
                expires_at=event.ends_at_or_default + timedelta(days=signup.settings.retention_days()),
            )
            store.insert_registration(SignUp(registration, now, place_limits=event.place_limits, read=event))
            mailer.send(build(event, registration))
            line = email_history.line_for(registration, EmailKind.CONFIRMATION, email_history.Result.SENT, now=now)
            store.email_sent(registration, "floor", line)
        self.writes = [params for _, params in table.requests]
        self.emails = [params for _, params in mail.requests]
        # One registration's requests, by operation and the kinds of its transaction's items.
        self.shapes = Counter(
            request_shape(_camel(name), params) for name, params in table.requests[:2] + mail.requests[:1]
        )

    def transact(self, index: int) -> None:
        """The registration's own transaction alone."""
        self.dynamodb.transact_write_items(**self.writes[2 * index])

    def all_calls(self, index: int) -> None:
        self.dynamodb.transact_write_items(**self.writes[2 * index])
        self.ses.send_email(**self.emails[index])
        self.dynamodb.transact_write_items(**self.writes[2 * index + 1])


class EarlierFloor:
    """The floor as measured up to this session, kept to compare with (reported, not a target): an
    event read, a two-item transaction, the email, a lone update. Lighter than what the handler sends
    (its transaction also checks the suppression list and counts the address's daily emails; the
    email's record carries the history line), so it over-counted the handler's own overhead."""

    def __init__(self, prefix: str, count: int) -> None:
        self.floor = RawFloor(prefix, count)

    def all_calls(self, index: int) -> None:
        from chalicelib.store import event_key

        floor = self.floor
        insert = floor.writes[2 * index]["TransactItems"]
        floor.dynamodb.get_item(TableName=TABLE, Key=event_key(EVENT_ID), ConsistentRead=True)
        item = insert[0]["Put"]["Item"]
        floor.dynamodb.transact_write_items(
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
                            ":now": {"N": str(time.time())},
                        },
                    }
                },
            ]
        )
        message_id = floor.ses.send_email(Content=floor.emails[index]["Content"])["MessageId"]
        floor.dynamodb.update_item(
            TableName=TABLE,
            Key={"PK": item["PK"], "SK": item["SK"]},
            UpdateExpression="SET email_state = :sent, email_message_id = :id",
            ExpressionAttributeValues={":sent": {"S": "sent"}, ":id": {"S": message_id}},
        )


def handle(app: Any, index: int, prefix: str) -> None:
    response = app(registration_event(EVENT_ID, body(index, prefix)), LambdaContext())
    if response["statusCode"] != 201 or '"email":"sent"' not in response["body"]:
        raise RuntimeError(f"registration failed: {response['statusCode']} {response['body'][:200]}")


def quiet_logs() -> None:
    """The app logs each registration (as it should in Lambda); the benchmark's report is the output here."""
    import app  # noqa: F401 - configures the app's logging, which we then quieten

    logging.getLogger("chalicelib").setLevel(logging.WARNING)


def worker(args: tuple[str, str, str, int]) -> float:
    """One process of the throughput run: PER_WORKER registrations; returns seconds."""
    mode, dynamodb_endpoint, ses_endpoint, number = args
    configure_environment(dynamodb_endpoint, ses_endpoint)
    from app import app

    quiet_logs()

    prefix = f"{mode}{number}-"
    floor = RawFloor(prefix, PER_WORKER + 1)
    handle(app, 0, f"warm{prefix}")
    started = time.perf_counter()
    for index in range(1, PER_WORKER + 1):
        if mode == "handler":
            handle(app, index, prefix)
        elif mode == "raw-calls":
            floor.all_calls(index)
        else:
            floor.transact(index)
    return time.perf_counter() - started


def throughput(dynamodb_endpoint: str, ses_endpoint: str, mode: str) -> float:
    context = multiprocessing.get_context("spawn")
    with context.Pool(WORKERS) as pool:
        started = time.perf_counter()
        pool.map(worker, [(mode, dynamodb_endpoint, ses_endpoint, number) for number in range(WORKERS)])
        elapsed = time.perf_counter() - started
    return WORKERS * PER_WORKER / elapsed


def email_cost() -> tuple[float, float]:
    """The confirmation email, templates to the bytes SES is given (`wire_bytes`), CPU per email:
    (that / rendering its two templates bare, the milliseconds of it that are not the .ics). The
    .ics (its description's template and calendar_file, timed alone with the same inputs) is
    subtracted for the second figure."""
    from chalicelib import pages
    from chalicelib.calendar_file import calendar_file
    from chalicelib.forms import parse_answers
    from chalicelib.mail import Links, Writing, email_context, registration_email, wire_bytes
    from chalicelib.registrations import EmailKind, Registration, Status

    event = bench_event()
    now = datetime.now(UTC)
    registration = Registration(EVENT_ID, "render", parse_answers(body(0, "render"), event), Status.CONFIRMED, now, now)
    links = Links(manage="http://127.0.0.1:8000/registrations/token")
    templates = pages.templates()
    writing = Writing(sender=SENDER, templates=templates, now=now)
    context = email_context(EmailKind.CONFIRMATION, event, registration, links=links)
    text, page = templates.get_template("email/registration.txt"), templates.get_template("email/registration.html")
    description = templates.get_template("email/calendar.txt")
    full, bare, ics = [], [], []
    for _ in range(RENDERS):
        started = time.process_time()
        wire_bytes(registration_email(EmailKind.CONFIRMATION, event, registration, links=links, writing=writing))
        full.append(time.process_time() - started)
        started = time.process_time()
        text.render(context), page.render(context)
        bare.append(time.process_time() - started)
        started = time.process_time()
        calendar_file(event, "render", language="sv", now=now, description=description.render(context), cancelled=False)
        ics.append(time.process_time() - started)
    email_ms = (statistics.median(full) - statistics.median(ics)) * 1000
    return statistics.median(full) / statistics.median(bare), email_ms


def fresh_process(dynamodb_endpoint: str, ses_endpoint: str) -> tuple[float, float]:
    """A new process imports the app and handles 100 registrations: (its peak memory in MB, the CPU ms
    its start, imports and first registration took: a cold start's work, for the sizing model)."""
    probe = (
        "import resource, time\n"
        "from bench.registrations import handle, configure_environment\n"
        f"configure_environment({dynamodb_endpoint!r}, {ses_endpoint!r})\n"
        "from app import app\n"
        "import logging; logging.getLogger('chalicelib').setLevel(logging.WARNING)\n"
        "handle(app, 0, 'memory-')\n"
        "print(time.process_time() * 1000)\n"
        "for i in range(1, 100): handle(app, i, 'memory-')\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=PROJECT)
    cold_start_cpu_ms, peak_kb = result.stdout.strip().splitlines()[-2:]
    return int(peak_kb) / 1024, float(cold_start_cpu_ms)


def main() -> int:
    dynamodb_process, dynamodb_endpoint = start_dynamodb_local()
    quiet_logs()
    moto, ses_endpoint = start_moto()
    try:
        configure_environment(dynamodb_endpoint, ses_endpoint)
        load_event(fresh_table(dynamodb_endpoint))
        from app import app
        from chalicelib import aws

        counter, shapes = CallCounter(), Counter[RequestShape]()
        for client in (aws.dynamodb(), aws.sesv2()):
            counter.attach(client)
            client.meta.events.register(
                "before-parameter-build",
                lambda params, model, **_: shapes.update([request_shape(model.name, params)]),
            )
        floor, earlier = RawFloor("floor-", SAMPLES + 1), EarlierFloor("earlier-", SAMPLES + 1)
        handle(app, 0, "warm-")
        floor.all_calls(SAMPLES)
        earlier.all_calls(SAMPLES)

        handler_times, floor_times, earlier_times, handler_cpu = [], [], [], 0.0
        counter.calls.clear()
        shapes.clear()
        for index in range(SAMPLES):
            started, cpu = time.perf_counter(), time.process_time()
            handle(app, index, "handler-")
            handler_times.append(time.perf_counter() - started)
            handler_cpu += time.process_time() - cpu
            started = time.perf_counter()
            floor.all_calls(index)
            floor_times.append(time.perf_counter() - started)
            started = time.perf_counter()
            earlier.all_calls(index)
            earlier_times.append(time.perf_counter() - started)
        calls = counter.per_service()
        dynamodb_calls = calls["dynamodb"] / SAMPLES
        ses_calls = calls["sesv2"] / SAMPLES
        latency_ratio = statistics.median(handler_times) / statistics.median(floor_times)
        earlier_ratio = statistics.median(handler_times) / statistics.median(earlier_times)
        cpu_ms = handler_cpu / SAMPLES * 1000
        # The floor must send what the handler sent: the same operations, the same transaction items.
        # Beside them the handler reads the event again when its copy is 30 s old (not on the floor).
        event_reads = shapes.pop(("GetItem", ()), 0)
        same_requests = shapes == Counter({shape: count * SAMPLES for shape, count in floor.shapes.items()})

        handler_rate = throughput(dynamodb_endpoint, ses_endpoint, "handler")
        same_calls_rate = throughput(dynamodb_endpoint, ses_endpoint, "raw-calls")
        transact_rate = throughput(dynamodb_endpoint, ses_endpoint, "transact")
        rendering, email_ms = email_cost()
        memory, cold_start_cpu_ms = fresh_process(dynamodb_endpoint, ses_endpoint)
        peer = bench_peer.measure(PEER_ORDERS)
    finally:
        moto.terminate()
        dynamodb_process.terminate()
        dynamodb_process.wait(timeout=10)

    rows = [
        ("DynamoDB calls per registration", f"{dynamodb_calls:.2f}", "≤ 3", dynamodb_calls <= 3),
        ("SES calls per registration", f"{ses_calls:.2f}", "≤ 1", ses_calls <= 1),
        ("floor sends the handler's requests", "yes" if same_requests else "NO", "same operations", same_requests),
        ("event reads (copy kept 30 s) in the samples", f"{event_reads}", "report (handler only)", True),
        ("handler time / raw boto3 floor, same calls", f"{latency_ratio:.2f}", "≤ 1.5", latency_ratio <= 1.5),
        ("handler time / earlier floor (4 lighter calls)", f"{earlier_ratio:.2f}", "report", True),
        (
            "registrations/s / same raw calls/s",
            f"{handler_rate / same_calls_rate:.2f}",
            "≥ 0.7",
            handler_rate / same_calls_rate >= 0.7,
        ),
        (
            "registrations/s / raw TransactWriteItems/s",
            f"{handler_rate / transact_rate:.2f}",
            "report (email incl.)",
            True,
        ),
        ("email to wire bytes / bare template render", f"{rendering:.1f}", "report", True),
        ("email CPU ms, templates to wire bytes, no .ics", f"{email_ms:.2f}", "≤ 1", email_ms <= 1),
        ("peak memory, import + 100 registrations (MB)", f"{memory:.0f}", "≤ 100", memory <= 100),
        ("handler CPU ms per registration", f"{cpu_ms:.1f}", "report", True),
    ]
    if peer.cpu_ms_per_registration is not None:
        cpu_ratio = cpu_ms / peer.cpu_ms_per_registration
        rows.append(("handler CPU / pretix app-server CPU, same run", f"{cpu_ratio:.3f}", "≤ 0.10", cpu_ratio <= 0.10))
    print(
        f"\nSignup registration benchmark ({SAMPLES} sequential samples, {WORKERS}×{PER_WORKER} concurrent; "
        f"DynamoDB Local + moto SES, {os.cpu_count()} cores)"
    )
    for name, value, target, ok in rows:
        print(f"  {name:<48} {value:>8}   target {target:<22} {'ok' if ok else 'MISSED'}")
    if peer.cpu_ms_per_registration is None:
        print(f"  peer absent: no pretix figure in this run, so no ratio to it: {peer.absent_because}")
    else:
        print(
            f"  (pretix {PEER_ORDERS} sequential orders through its API: its gunicorn tree's CPU, WSGI server "
            "and Django included; Signup's is the Lambda handler in-process, email and .ics included)"
        )
    print(f"  calls seen: {dict(sorted(counter.calls.items()))}")
    for line in sizing.report(cpu_ms, cold_start_cpu_ms):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
