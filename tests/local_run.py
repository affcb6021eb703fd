"""`make run`'s runner as the e2e and browser tests start it: free ports, its own state, Ctrl-C to stop."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from devtools import dynamodb_local
from tests.helpers import EVENT, PROJECT

PORT_NAMES = ("SIGNUP_PORT", "SIGNUP_AWS_PORT", "SIGNUP_DYNAMODB_PORT", "SIGNUP_OUTBOX_PORT")


def environment(state: Path, **extra: str) -> dict[str, str]:
    """The runner's environment: fresh ports, state under `state`, no AWS endpoint inherited."""
    variables = {name: value for name, value in os.environ.items() if not name.startswith("AWS_ENDPOINT_URL")}
    variables.update({name: str(dynamodb_local.free_port()) for name in PORT_NAMES}, SIGNUP_LOCAL_DIR=str(state))
    variables.update(extra)
    return variables


def wait_for(url: str, process: subprocess.Popen[str], printed: list[str], timeout: float = 180) -> None:
    """Poll until `url` answers; the deadline is generous for a busy 2-core machine (Java starts slowly)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            process.wait()
            raise AssertionError("the runner exited early:\n" + "".join(printed))
        try:
            urllib.request.urlopen(url, timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer in {timeout} s")


@contextlib.contextmanager
def running(variables: dict[str, str]) -> Iterator[tuple[str, list[str]]]:
    """Start the runner; on leaving, press Ctrl-C and collect what it printed.

    It starts with SIGINT ignored, as a shell's background job (`make run &`) and some CI
    runners start it, so every use proves that Ctrl-C stops it all the same.
    """
    runner = subprocess.Popen(
        ["sh", "-c", 'trap "" INT; exec "$0" -m devtools.localrun', sys.executable],
        cwd=PROJECT,
        env=variables,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output: list[str] = []
    # Read what the runner prints as it prints it: chalice logs every request, and a
    # pipe nobody empties fills up (64 kB) and then blocks every request thread.
    printed: list[str] = []
    reader = threading.Thread(target=lambda: printed.extend(runner.stdout or ()), daemon=True)
    reader.start()
    try:
        base = f"http://127.0.0.1:{variables['SIGNUP_PORT']}"
        wait_for(f"{base}/events/{EVENT}", runner, printed)
        yield base, output
    finally:
        runner.send_signal(signal.SIGINT)
        try:
            runner.wait(timeout=60)
        except subprocess.TimeoutExpired:
            runner.kill()
            raise
        finally:
            reader.join(timeout=10)
            output.append("".join(printed))


def wait_until_free(ports: list[int], timeout: float = 60) -> list[int]:
    """Poll until nothing listens on `ports`; returns those still taken at the deadline."""
    deadline = time.monotonic() + timeout
    while True:
        taken = [port for port in ports if not port_is_free(port)]
        if not taken or time.monotonic() > deadline:
            return taken
        time.sleep(0.1)


def port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def signup_cli(variables: dict[str, str], *argv: str) -> str:
    result = subprocess.run(
        [str(PROJECT / "signup"), *argv], capture_output=True, text=True, env=variables, check=False
    )
    assert result.returncode == 0, result.stderr
    return result.stdout
