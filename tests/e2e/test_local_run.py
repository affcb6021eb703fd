"""`make run`'s runner, started as a newcomer would: it serves, stores, and stops cleanly."""

from __future__ import annotations

import json
import urllib.request
from datetime import UTC, datetime, timedelta

from chalicelib import bootstrap
from chalicelib.console import auth
from chalicelib.console.auth import LinkState
from devtools import dynamodb_local, localrun
from devtools.stages import stage_environment
from tests import local_run
from tests.helpers import EVENT, answers
from tests.local_run import running, signup_cli


def test_the_local_runner_serves_stores_keeps_data_and_stops(tmp_path):
    environment = local_run.environment(tmp_path)
    ports = {name: int(environment[name]) for name in local_run.PORT_NAMES}
    persistent = dynamodb_local.java_ok() and dynamodb_local.find_jar() is not None

    with running(environment) as (base, output):
        form = urllib.request.urlopen(f"{base}/events/{EVENT}/form").read().decode()
        assert "Rådhussalen, Kulturhuset" in form
        request = urllib.request.Request(
            f"{base}/events/{EVENT}/registrations",
            data=json.dumps(answers()).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request) as response:
            assert response.status == 201
        assert "Åsa Öberg" in signup_cli(environment, "registrations", "list", EVENT)
        outbox = f"http://127.0.0.1:{ports['SIGNUP_OUTBOX_PORT']}"
        listing = urllib.request.urlopen(f"{outbox}/").read().decode()
        assert "Anmälan bekräftad: Nätverk för social hållbarhet" in listing
        assert "BEGIN:VCALENDAR" in urllib.request.urlopen(f"{outbox}/message/0/calendar.ics").read().decode()
        assert "Åsa Öberg" in urllib.request.urlopen(f"{outbox}/message/0/html").read().decode()
    (printed,) = output
    assert f"{base}/events/{EVENT}/form" in printed and "Stopped." in printed
    assert f"Console:    {base}/console/sign-in/" in printed and "admin@hudiksvall.example" in printed
    assert f"once, within {auth.sign_in_minutes()} minutes;" in printed  # as long as the link works
    assert ("Amazon DynamoDB Local" if persistent else "moto on") in printed
    assert local_run.wait_until_free(list(ports.values())) == [], "Ctrl-C left something listening"

    if persistent:
        with running(environment):
            assert "1 registration: 1 confirmed" in signup_cli(environment, "registrations", "list", EVENT)


def test_the_runner_loads_the_examples_and_makes_the_demo_link_with_the_wiring_s_store_and_clock(
    moto_endpoint, monkeypatch
):
    """The runner's own writes (the table, the example meetings, the console link it prints) go through
    the service's wiring, so they read the same clock the app does."""
    urllib.request.urlopen(urllib.request.Request(f"{moto_endpoint}/moto-api/reset", method="POST")).close()
    for name, value in {**stage_environment("local"), "AWS_ENDPOINT_URL": moto_endpoint}.items():
        monkeypatch.setenv(name, value)
    bootstrap.reset()
    parts = bootstrap.wiring()
    moment = datetime(2027, 5, 1, 10, 0, tzinfo=UTC)
    parts.clock = lambda: moment
    assert EVENT in localrun.prepare(parts)
    assert parts.store.get_event(EVENT) is not None
    admin, link = localrun.demo_console_link(parts, "http://127.0.0.1:8000")
    assert admin == "admin@hudiksvall.example" and link.startswith("http://127.0.0.1:8000/console/sign-in/")
    token = link.rsplit("/", 1)[-1]
    minute = timedelta(minutes=1)
    assert parts.console.check_link(token, moment + auth.SIGN_IN_VALID - minute) == LinkState.VALID
    assert parts.console.check_link(token, moment + auth.SIGN_IN_VALID + minute) == LinkState.EXPIRED
