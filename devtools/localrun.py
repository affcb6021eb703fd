"""`make run`: the whole service on 127.0.0.1 with no AWS account.

moto's server stands in for SES (and for DynamoDB when Java is missing);
Amazon's DynamoDB Local holds the table when Java 17 is present, persisted
under .local/ so registrations survive a restart. Ctrl-C stops everything.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from typing import Any

from chalicelib import aws, bootstrap
from chalicelib.console import auth
from chalicelib.events import parse_event_toml
from chalicelib.store import create_table
from devtools import dynamodb_local, outbox_viewer
from devtools.stages import LOCAL_DIR, PROJECT, RUN_FILE, stage_environment

EXAMPLES = PROJECT / "examples"


def _port(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        raise SystemExit(f"{name} must be a port number") from None


def start_moto(port: int) -> Any:
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    return server


def use_environment(environment: dict[str, str]) -> bootstrap.Wiring:
    """The service's own wiring (store, clock, console, outbox) over the local stand-ins: this process
    sees the environment `chalice local` is given, as the CLI sees its stage's."""
    os.environ.update(environment)
    bootstrap.reset()
    return bootstrap.wiring()


def prepare(parts: bootstrap.Wiring) -> list[str]:
    """Create the table, verify the sender, load the example events. Returns their ids."""
    create_table(aws.dynamodb(), parts.settings.table_name())
    sender_domain = parts.settings.sender().rsplit("@", 1)[-1].rstrip(">")
    aws.ses().verify_domain_identity(Domain=sender_domain)
    loaded = []
    for path in sorted(EXAMPLES.glob("*.toml")):
        event = parse_event_toml(path.read_text(encoding="utf-8"))
        parts.store.put_event(event, parts.clock())
        loaded.append(event.id)
    return loaded


def demo_console_link(parts: bootstrap.Wiring, base: str) -> tuple[str, str]:
    """(the local stage's first administrator, a sign-in link for them): one use, auth.SIGN_IN_VALID."""
    admin = parts.settings.admins().split(",")[0].strip()
    if not admin:
        return "", ""
    return admin, f"{base}/console/sign-in/{parts.console.make_link(admin, parts.clock())}"


def start_outbox_job(parts: bootstrap.Wiring, base: str) -> threading.Event:
    """`chalice local` runs no schedules: email the console sign-in links asked for every second (so
    a link is in the Outbox by the time you look), and retry due emails every minute."""
    stop = threading.Event()

    def loop() -> None:
        seconds = 0
        while not stop.wait(1):
            seconds += 1
            try:
                parts.console.deliver_links(base_url=base, now=parts.clock())
                if seconds % 60 == 0:
                    parts.outreach.run_outbox(base_url=base, now=parts.clock())
            except Exception as error:  # noqa: BLE001 - keep the local runner alive; say what failed
                print(f"outbox job failed: {type(error).__name__}: {error}", file=sys.stderr)

    threading.Thread(target=loop, daemon=True).start()
    return stop


def _stop_on_signals() -> None:
    """Ctrl-C and SIGTERM stop the runner however it was started.

    A shell that starts a background job, and some CI runners, start us with SIGINT
    ignored, and Python then leaves it ignored: set our own handler so Ctrl-C still works.
    """
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))


def main() -> int:
    _stop_on_signals()
    port = _port("SIGNUP_PORT", 8000)
    aws_port = _port("SIGNUP_AWS_PORT", 5005)
    dynamodb_port = _port("SIGNUP_DYNAMODB_PORT", 5006)
    outbox_port = _port("SIGNUP_OUTBOX_PORT", 8025)
    environment = {**os.environ, **stage_environment("local")}
    environment["AWS_ENDPOINT_URL"] = f"http://127.0.0.1:{aws_port}"
    # The local stage leaves these to us: they follow the ports. localhost:PORT is a
    # second origin for free, standing in for the municipality's site.
    environment["SIGNUP_BASE_URL"] = f"http://127.0.0.1:{port}"
    environment.setdefault("SIGNUP_ALLOWED_ORIGINS", f"http://localhost:{port}")

    children: list[subprocess.Popen[bytes]] = []
    viewer = None
    stop_jobs = None
    moto = None
    try:
        moto = start_moto(aws_port)
        if dynamodb_local.java_ok() and dynamodb_local.find_jar():
            data_dir = LOCAL_DIR / "dynamodb-data"
            children.append(dynamodb_local.start(dynamodb_port, data_dir))
            environment["AWS_ENDPOINT_URL_DYNAMODB"] = f"http://127.0.0.1:{dynamodb_port}"
            backend = f"Amazon DynamoDB Local on 127.0.0.1:{dynamodb_port} (data kept in {data_dir}/)"
        else:
            backend = f"moto on 127.0.0.1:{aws_port} (in memory: no Java 17, so registrations vanish on restart)"
        endpoints = {
            key: environment[key]
            for key in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB", "SIGNUP_BASE_URL", "SIGNUP_ALLOWED_ORIGINS")
            if key in environment
        }
        parts = use_environment(environment)
        events = prepare(parts)
        RUN_FILE.parent.mkdir(exist_ok=True)
        RUN_FILE.write_text(json.dumps(endpoints), encoding="utf-8")
        viewer = outbox_viewer.serve(outbox_port, environment["AWS_ENDPOINT_URL"])
        stop_jobs = start_outbox_job(parts, environment["SIGNUP_BASE_URL"])
        chalice = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "devtools.chalice_local",
                "local",
                "--stage",
                "local",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--no-autoreload",
            ],
            cwd=PROJECT,
            env=environment,
        )
        children.append(chalice)
        base = f"http://127.0.0.1:{port}"
        print(f"\nSignup runs locally. Table: {backend}. Email: moto SES on 127.0.0.1:{aws_port}.")
        for event_id in events:
            print(f"  Form (sv):  {base}/events/{event_id}/form")
            print(f"  Form (en):  {base}/events/{event_id}/form?lang=en")
            print(f"  Event JSON: {base}/events/{event_id}")
            print(f"  Sign-ups:   ./signup registrations list {event_id} --stage local")
        print(f"  Outbox:     http://127.0.0.1:{outbox_port}/  (every email the local SES received)")
        admin, link = demo_console_link(parts, base)
        if link:
            print(f"  Console:    {link}")
            valid = f"within {auth.sign_in_minutes()} minutes"
            print(f"              (signs in the demo administrator {admin} once, {valid};")
            print(f"              later, ask for a link at {base}/console and open it from the Outbox)")
        print("Ctrl-C stops everything.\n", flush=True)
        return chalice.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        for child in reversed(children):
            if child.poll() is None:
                child.terminate()
                try:
                    child.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    child.kill()
        if viewer is not None:
            viewer.shutdown()
        if stop_jobs is not None:
            stop_jobs.set()
        if moto is not None:
            moto.stop()
        RUN_FILE.unlink(missing_ok=True)
        print("Stopped.")


if __name__ == "__main__":
    sys.exit(main())
