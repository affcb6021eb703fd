"""Shared fixtures: fake AWS credentials, events, stores on moto and on DynamoDB Local."""

from __future__ import annotations

import os
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from botocore.config import Config
from chalice.test import Client

import app as signup_app
from chalicelib import aws, bootstrap
from chalicelib.events import Event, parse_event_toml
from chalicelib.store import DynamoStore, create_table
from devtools import dynamodb_local
from tests.fakes import InMemoryStore
from tests.helpers import EXAMPLE, Clock, open_event, require


@pytest.fixture(autouse=True)
def fake_aws_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No test can reach real AWS: fake credentials, no endpoint unless a fixture sets one."""
    for name in list(os.environ):
        if name.startswith("AWS_ENDPOINT_URL") or name in ("AWS_PROFILE", "AWS_SESSION_TOKEN"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-north-1")
    bootstrap.reset()
    yield
    bootstrap.reset()


@pytest.fixture
def clock() -> Clock:
    """The app's clock, for a test to set (the real time until it does)."""
    the_clock = Clock()
    bootstrap.wiring().clock = the_clock
    return the_clock


@pytest.fixture
def event() -> Event:
    return parse_event_toml(EXAMPLE.read_text(encoding="utf-8"))


# -- the app on moto's server ---------------------------------------------------


@pytest.fixture(scope="session")
def moto_endpoint():
    from moto.server import ThreadedMotoServer

    port = dynamodb_local.free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


def fresh_app_table(moto_endpoint: str, monkeypatch: pytest.MonkeyPatch, table: str, sender_domain: str) -> DynamoStore:
    """moto's server emptied, with a stage's table, its verified sender domain and the example meeting open."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_endpoint)
    urllib.request.urlopen(urllib.request.Request(f"{moto_endpoint}/moto-api/reset", method="POST")).close()
    aws.clear()
    client = boto3.client("dynamodb", endpoint_url=moto_endpoint)
    create_table(client, table)
    boto3.client("ses", endpoint_url=moto_endpoint).verify_domain_identity(Domain=sender_domain)
    store = DynamoStore(client, table)
    store.put_event(open_event(), datetime.now(UTC))
    return store


@pytest.fixture
def app_store(moto_endpoint, monkeypatch):
    """The table behind the app, on moto's server (thread-safe, as `make run` uses it)."""
    return fresh_app_table(moto_endpoint, monkeypatch, "signup-local", "signup.local")


@pytest.fixture
def client(app_store, monkeypatch):
    """The app as `make run` serves it on the default port (the runner sets these two)."""
    monkeypatch.setenv("SIGNUP_BASE_URL", "http://127.0.0.1:8000")
    monkeypatch.setenv("SIGNUP_ALLOWED_ORIGINS", "http://localhost:8000")
    with Client(signup_app.app, stage_name="local") as test_client:
        yield test_client


@pytest.fixture
def organiser(client, app_store, moto_endpoint):
    """The demo meeting's organiser signed in to the console: their session cookie. (A module whose
    meeting or organiser is its own overrides this.)"""
    from tests.test_app_console import ORGANISER, sign_in  # the console's sign-in steps live with its tests

    return sign_in(client, moto_endpoint, ORGANISER)


@pytest.fixture
def unpaced() -> list[float]:
    """The outbox paces to moto's SES rate (one a second): record the waits instead of waiting."""
    waits: list[float] = []
    bootstrap.wiring().sleep = waits.append
    return waits


@pytest.fixture
def rendered(client, app_store, moto_endpoint, clock, monkeypatch):
    """Every page and HTML email the app produces (tests/pages.py), for vnu, axe and the text checks."""
    from tests.pages import render_everything

    return render_everything(client, app_store, moto_endpoint, clock, monkeypatch)


# -- DynamoDB: moto in-process, and Amazon's DynamoDB Local -------------------


@pytest.fixture(scope="session")
def dynamodb_local_endpoint() -> Iterator[str]:
    if not dynamodb_local.java_ok():
        require("Java 17+ is not installed (DynamoDB Local needs it)")
    if dynamodb_local.find_jar() is None:
        require("DynamoDB Local is not fetched (make test fetches it)")
    port = dynamodb_local.free_port()
    process = dynamodb_local.start(port)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


_table_counter = iter(range(1, 1_000_000))


@pytest.fixture
def dynamodb_local_client(dynamodb_local_endpoint: str) -> Any:
    # The app's 5 s read timeout is for AWS. DynamoDB Local answering 50 racing threads on a busy
    # 2-core machine can take longer, and a timed-out transaction retried while the first attempt
    # still commits makes the race tests fail for the machine's sake, not the code's.
    return boto3.client(
        "dynamodb",
        endpoint_url=dynamodb_local_endpoint,
        config=aws._CLIENT_CONFIG.merge(Config(max_pool_connections=64, read_timeout=120)),
    )


@pytest.fixture
def dynamodb_local_store(dynamodb_local_client: Any) -> DynamoStore:
    """A fresh table in DynamoDB Local for each test."""
    name = f"signup-test-{next(_table_counter)}"
    create_table(dynamodb_local_client, name)
    return DynamoStore(dynamodb_local_client, name)


@pytest.fixture
def moto_store() -> Iterator[DynamoStore]:
    from moto import mock_aws

    with mock_aws():
        client = boto3.client("dynamodb")
        create_table(client, "signup-test")
        yield DynamoStore(client, "signup-test")


@pytest.fixture
def fake_store() -> InMemoryStore:
    """The unit tests' stand-in, for the contract tests it must pass too (ALSO_ON_THE_FAKE)."""
    return InMemoryStore()


@pytest.fixture(params=["moto", "dynamodb_local"])
def store(request: pytest.FixtureRequest) -> DynamoStore | InMemoryStore:
    """The same semantics checked on moto and on Amazon's own emulator (and, where a test asks
    for it, on the in-memory fake)."""
    return request.getfixturevalue(f"{request.param}_store")


# A store contract test the in-memory fake must pass as well, where it stands in for the store.
ALSO_ON_THE_FAKE = pytest.mark.parametrize("store", ["fake", "moto", "dynamodb_local"], indirect=True)


# -- the app as a deployed stage runs it (dev: secret from SSM, base URL from the template) --

DEPLOYED_BASE_URL = "https://anmalan.example.org"


@pytest.fixture
def deployed_store(moto_endpoint, monkeypatch):
    """The dev stage's table, signing secret (SSM) and sender domain, on moto's server."""
    store = fresh_app_table(moto_endpoint, monkeypatch, "signup-dev", "example.org")
    boto3.client("ssm", endpoint_url=moto_endpoint).put_parameter(
        Name="/signup/signing-secret", Value="dev-secret-" + "x" * 40, Type="SecureString"
    )
    return store


@pytest.fixture
def deployed_client(deployed_store, monkeypatch):
    """The app with the dev stage's settings and the base URL the template gives it."""
    monkeypatch.setenv("SIGNUP_BASE_URL", DEPLOYED_BASE_URL)
    with Client(signup_app.app, stage_name="dev") as test_client:
        yield test_client
