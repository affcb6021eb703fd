"""`make run`'s runner, started as a newcomer would: it serves, stores, and stops cleanly."""

from __future__ import annotations

import json
import urllib.request

from devtools import dynamodb_local
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
    assert ("Amazon DynamoDB Local" if persistent else "moto on") in printed
    assert local_run.wait_until_free(list(ports.values())) == [], "Ctrl-C left something listening"

    if persistent:
        with running(environment):
            assert "1 registrations: 1 confirmed" in signup_cli(environment, "registrations", "list", EVENT)
