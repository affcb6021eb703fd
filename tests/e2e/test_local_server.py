"""`make run`'s local server takes a burst like a real front end: 100 connections opened at once all
get an HTTP answer (with chalice local's listen backlog of 5, a quarter of them got none)."""

import collections
import http.client
import os
import subprocess
import sys
import threading

from devtools import dynamodb_local
from devtools.stages import stage_environment
from tests.helpers import PROJECT
from tests.local_run import wait_for

BURST = 100


def test_a_burst_of_connections_all_get_an_http_answer():
    port = dynamodb_local.free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "devtools.chalice_local", "local", "--stage", "local"]
        + ["--host", "127.0.0.1", "--port", str(port), "--no-autoreload"],
        cwd=PROJECT,
        env={**os.environ, **stage_environment("local")},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        wait_for(f"http://127.0.0.1:{port}/embed.js", server, [])
        start, answers, lock = threading.Barrier(BURST), collections.Counter(), threading.Lock()

        def one_person() -> None:
            start.wait()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            try:
                # A path no route serves: answered by the app at once, so only the server's queue is tested.
                connection.request("GET", "/no-such-page")
                outcome = str(connection.getresponse().status)
            except OSError as error:
                outcome = type(error).__name__
            finally:
                connection.close()
            with lock:
                answers[outcome] += 1

        people = [threading.Thread(target=one_person) for _ in range(BURST)]
        for person in people:
            person.start()
        for person in people:
            person.join()
        assert sum(count for outcome, count in answers.items() if outcome.isdigit()) == BURST, dict(answers)
    finally:
        server.terminate()
        server.wait(timeout=10)
