"""`make run`'s runner, started as a newcomer would: it serves, stores, and stops cleanly."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator

from devtools import dynamodb_local
from tests.helpers import EVENT, PROJECT, answers


def wait_for(url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the runner exited early:\n{process.stdout.read()}")
        try:
            urllib.request.urlopen(url, timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer in {timeout} s")


def port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


@contextlib.contextmanager
def running(environment: dict[str, str]) -> Iterator[tuple[str, list[str]]]:
    """Start the runner; on leaving, press Ctrl-C and collect what it printed."""
    runner = subprocess.Popen(
        [sys.executable, "-m", "devtools.localrun"],
        cwd=PROJECT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output: list[str] = []
    try:
        base = f"http://127.0.0.1:{environment['SIGNUP_PORT']}"
        wait_for(f"{base}/events/{EVENT}", runner)
        yield base, output
    finally:
        runner.send_signal(signal.SIGINT)
        output.append(runner.communicate(timeout=30)[0])


def signup_cli(environment: dict[str, str], *argv: str) -> str:
    result = subprocess.run(
        [str(PROJECT / "signup"), *argv], capture_output=True, text=True, env=environment, check=False
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_the_local_runner_serves_stores_keeps_data_and_stops(tmp_path):
    names = ("SIGNUP_PORT", "SIGNUP_AWS_PORT", "SIGNUP_DYNAMODB_PORT", "SIGNUP_OUTBOX_PORT")
    ports = {name: dynamodb_local.free_port() for name in names}
    environment = {name: value for name, value in os.environ.items() if not name.startswith("AWS_ENDPOINT_URL")}
    environment.update({name: str(port) for name, port in ports.items()}, SIGNUP_LOCAL_DIR=str(tmp_path))
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
    assert ("Amazon DynamoDB Local" if persistent else "moto on") in printed
    time.sleep(0.5)
    assert all(port_is_free(port) for port in ports.values()), "Ctrl-C left something listening"

    if persistent:
        with running(environment):
            assert "1 registrations: 1 confirmed" in signup_cli(environment, "registrations", "list", EVENT)
