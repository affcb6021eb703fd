"""Shared pieces of the benchmarks: DynamoDB Local, an API Gateway event, call counting."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import boto3

from chalicelib.store import create_table
from chalicelib.store.schema import REGISTRATION_PREFIX, event_partition
from devtools import dynamodb_local

TABLE = "signup-bench"


@dataclass
class LambdaContext:
    aws_request_id: str = "bench"
    function_name: str = "signup-dev"
    memory_limit_in_mb: int = 128

    def get_remaining_time_in_millis(self) -> int:
        return 30_000


SENDER = "Signup Hudiksvall <anmalan@signup.local>"


def configure_environment(dynamodb_endpoint: str, ses_endpoint: str) -> None:
    """The local stage's settings: DynamoDB Local for the table, moto's server for SES."""
    os.environ.update(
        AWS_ACCESS_KEY_ID="bench",
        AWS_SECRET_ACCESS_KEY="bench",
        AWS_DEFAULT_REGION="eu-north-1",
        AWS_ENDPOINT_URL=ses_endpoint,
        AWS_ENDPOINT_URL_DYNAMODB=dynamodb_endpoint,
        SIGNUP_TABLE=TABLE,
        SIGNUP_STAGE="local",
        SIGNUP_SENDER=SENDER,
        SIGNUP_SECRET="bench-secret",
        SIGNUP_BASE_URL="http://127.0.0.1:8000",
    )


def start_moto() -> tuple[Any, str]:
    """moto's server in its own process: its CPU and memory must not count as the handler's."""
    port = dynamodb_local.free_port()
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=1).close()  # noqa: S310 (local)
            break
        except OSError:
            time.sleep(0.1)
    ses = boto3.client(
        "ses", endpoint_url=endpoint, region_name="eu-north-1", aws_access_key_id="bench", aws_secret_access_key="bench"
    )
    ses.verify_domain_identity(Domain="signup.local")
    return server, endpoint


def start_dynamodb_local() -> tuple[Any, str]:
    if not dynamodb_local.java_ok() or dynamodb_local.find_jar() is None:
        raise SystemExit("make bench needs Java 17 and DynamoDB Local (make dynamodb-local)")
    port = dynamodb_local.free_port()
    return dynamodb_local.start(port), f"http://127.0.0.1:{port}"


def fresh_table(endpoint: str) -> Any:
    client = boto3.client("dynamodb", endpoint_url=endpoint)
    try:
        client.delete_table(TableName=TABLE)
    except client.exceptions.ResourceNotFoundException:
        pass
    create_table(client, TABLE)
    return client


@contextmanager
def local_table(ses_endpoint: str = "") -> Iterator[Any]:
    """DynamoDB Local with a fresh table and the app's settings pointed at it (SES at `ses_endpoint`, or
    at DynamoDB Local, which sends nothing), stopped afterwards. Gives the table's DynamoDB client."""
    process, endpoint = start_dynamodb_local()
    try:
        configure_environment(endpoint, ses_endpoint or endpoint)
        yield fresh_table(endpoint)
    finally:
        process.terminate()
        process.wait(timeout=10)


def registration_event(event_id: str, body: dict[str, Any]) -> dict[str, Any]:
    """The API Gateway proxy event Lambda receives for one JSON registration."""
    return {
        "resource": "/events/{event_id}/registrations",
        "path": f"/events/{event_id}/registrations",
        "httpMethod": "POST",
        "headers": {"Content-Type": "application/json", "Host": "bench.local"},
        "multiValueHeaders": {"Content-Type": ["application/json"]},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": {"event_id": event_id},
        "stageVariables": None,
        "requestContext": {
            "resourcePath": "/events/{event_id}/registrations",
            "httpMethod": "POST",
            "stage": "api",
            "requestId": "bench",
        },
        "body": json.dumps(body),
        "isBase64Encoded": False,
    }


class CallCounter:
    """Counts AWS API calls a client makes (a botocore event hook: no patching)."""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()

    def attach(self, client: Any) -> None:
        client.meta.events.register("before-call", self._count)

    def _count(self, model: Any, **_: Any) -> None:
        self.calls[f"{model.service_model.service_name}.{model.name}"] += 1

    def per_service(self) -> Counter[str]:
        result: Counter[str] = Counter()
        for name, count in self.calls.items():
            result[name.split(".")[0]] += count
        return result


@dataclass
class PacedOutbox:
    """The organisers' use cases on the local table and moto's SES, every AWS call counted, the send
    pace's waits recorded rather than slept: how the message and invitation benchmarks drive the outbox."""

    outreach: Any
    counter: CallCounter
    waits: list[float]

    def run_until_sent(self, store: Any, start: datetime, max_runs: int) -> tuple[datetime, int]:
        """Outbox runs ten minutes apart until no notice is left (or `max_runs`): the last run's time
        and how many ran."""
        now, runs = start, 0
        while store.active_notices() and runs < max_runs:
            now += timedelta(minutes=10)
            self.outreach.run_outbox(base_url="http://127.0.0.1:8000", now=now)
            runs += 1
        return now, runs


def paced_outbox(client: Any, store: Any, ses_endpoint: str) -> PacedOutbox:
    # Imported here: the other benchmarks import this module and need none of the service.
    from chalicelib import config
    from chalicelib.mail import SesMailer, SesSendQuota
    from chalicelib.outreach import Outreach
    from chalicelib.pages import templates
    from chalicelib.service import Signup

    sesv2 = boto3.client("sesv2", endpoint_url=ses_endpoint)
    ses = boto3.client("ses", endpoint_url=ses_endpoint)
    counter = CallCounter()
    for one in (client, sesv2, ses):
        counter.attach(one)
    waits: list[float] = []
    signup = Signup(store=store, mailer=SesMailer(sesv2), settings=config, templates=templates())
    outreach = Outreach(signup=signup, store=store, send_rate=SesSendQuota(lambda: ses), sleep=waits.append)
    return PacedOutbox(outreach, counter, waits)


def write_items(client: Any, items: list[dict[str, Any]]) -> None:
    """Put `items` in the bench table, 25 to a BatchWriteItem (its limit), sending again what a batch
    leaves unprocessed until nothing is left."""
    for start in range(0, len(items), 25):
        batch: dict[str, Any] = {TABLE: [{"PutRequest": {"Item": item}} for item in items[start : start + 25]]}
        while batch:
            batch = client.batch_write_item(RequestItems=batch).get("UnprocessedItems", {})


def raw_registration_query(client: Any, event_id: str) -> int:
    """The floor the digest and the people page are measured against: one event's registrations read
    by a bare paginated Query (consistent, as the store reads them). Returns how many it read."""
    paginator = client.get_paginator("query")
    return sum(
        len(page["Items"])
        for page in paginator.paginate(
            TableName=TABLE,
            KeyConditionExpression="PK = :pk AND begins_with(SK, :reg)",
            ExpressionAttributeValues={":pk": event_partition(event_id), ":reg": {"S": REGISTRATION_PREFIX}},
            ConsistentRead=True,
        )
    )
