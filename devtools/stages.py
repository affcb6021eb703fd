"""Stage settings for tools that run outside Chalice (the CLI, the local runner)."""

from __future__ import annotations

import json
import os
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
# State of a local run; SIGNUP_LOCAL_DIR moves it (the tests run a second instance).
LOCAL_DIR = Path(os.environ.get("SIGNUP_LOCAL_DIR", PROJECT / ".local"))
RUN_FILE = LOCAL_DIR / "run.json"


def stage_environment(stage: str) -> dict[str, str]:
    """The environment variables `.chalice/config.json` gives a stage."""
    settings = json.loads((PROJECT / ".chalice" / "config.json").read_text(encoding="utf-8"))
    if stage not in settings.get("stages", {}):
        raise SystemExit(f"unknown stage {stage!r} (known: {', '.join(settings['stages'])})")
    return {**settings.get("environment_variables", {}), **settings["stages"][stage].get("environment_variables", {})}


def local_endpoints() -> dict[str, str]:
    """Where the running `make run` put its AWS stand-ins (written by the runner).

    An AWS_ENDPOINT_URL already in the environment wins: it was set on purpose.
    """
    explicit = {name: value for name, value in os.environ.items() if name.startswith("AWS_ENDPOINT_URL")}
    if explicit:
        return {"SIGNUP_BASE_URL": "http://127.0.0.1:8000", **explicit}
    if not RUN_FILE.exists():
        raise SystemExit("The local service is not running: start it with `make run` first.")
    return json.loads(RUN_FILE.read_text(encoding="utf-8"))


def use_stage(stage: str) -> None:
    """Make boto3 and chalicelib.config see the stage, as the deployed Lambda would."""
    os.environ.update(stage_environment(stage))
    if stage == "local":
        os.environ.update(local_endpoints())
