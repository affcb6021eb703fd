"""Names of the environment variables, read lazily.

Chalice's test client and `chalice local` set a stage's variables only while a
request runs, so nothing here is read at import time.
"""

from __future__ import annotations

import os
from typing import Protocol

TABLE = "SIGNUP_TABLE"
SENDER = "SIGNUP_SENDER"
ALLOWED_ORIGINS = "SIGNUP_ALLOWED_ORIGINS"
BASE_URL = "SIGNUP_BASE_URL"
SECRET = "SIGNUP_SECRET"  # noqa: S105 (the variable name, not a secret)
SECRET_PARAMETER = "SIGNUP_SECRET_PARAMETER"  # noqa: S105 (a variable name)
STAGE = "SIGNUP_STAGE"
SES_CONFIGURATION_SET = "SIGNUP_SES_CONFIGURATION_SET"
CONTROLLER = "SIGNUP_CONTROLLER"
RETENTION_DAYS = "SIGNUP_RETENTION_DAYS"
SENSITIVE_DAYS = "SIGNUP_SENSITIVE_DAYS"
ADMINS = "SIGNUP_ADMINS"
CONSOLE_SIGN_INS_PER_SENDER = "SIGNUP_CONSOLE_SIGN_INS_PER_SENDER"
REGISTRATIONS_PER_SENDER = "SIGNUP_REGISTRATIONS_PER_SENDER"
ENDPOINT = "AWS_ENDPOINT_URL"

DEFAULT_TABLE = "signup-local"


class ConfigurationError(RuntimeError):
    """The deployment is missing a setting; an operator must fix it."""


class Settings(Protocol):
    """The settings the rest of the code reads, given to it by `chalicelib.bootstrap`. This module is
    the real one (its functions read the environment lazily); a test may pass another."""

    def base_url(self) -> str: ...

    def sender(self) -> str: ...

    def secret(self) -> str: ...

    def allowed_origins(self) -> list[str]: ...

    def controller(self) -> str: ...

    def retention_days(self) -> int: ...

    def sensitive_days(self) -> int: ...

    def deployed(self) -> bool: ...

    def admins(self) -> str: ...

    def console_sign_ins_per_sender(self) -> int: ...

    def table_name(self) -> str: ...

    def registrations_per_sender(self) -> int | None: ...


def table_name() -> str:
    return os.environ.get(TABLE, DEFAULT_TABLE)


def stage() -> str:
    return os.environ.get(STAGE, "local")


def sender() -> str:
    return os.environ.get(SENDER, "")


def deployed() -> bool:
    """A stage that runs in AWS (dev, prod), as opposed to `make run`'s local stage."""
    return stage() != "local"


def base_url() -> str:
    """Where links in emails and pages point, without a trailing slash.

    A deployed stage must have it (the template sets it): otherwise links would
    come from the request's Host header, which the caller chooses, and the
    scheduled jobs, which have no request, would write relative links.
    """
    value = os.environ.get(BASE_URL, "").rstrip("/")
    if deployed() and not value.startswith("https://"):
        raise ConfigurationError(
            f"{BASE_URL} must be the service's https:// address on stage {stage()!r} (got {value!r}). "
            "The CloudFormation template sets it from its BaseUrl parameter or the API's own address; "
            f"for ./signup, export {BASE_URL}=https://… (the stack's output BaseUrl)."
        )
    return value


def refuse_to_start_misconfigured() -> None:
    """At a Lambda cold start: a deployed stage without its settings fails now, loudly, not at
    the first email with a broken link. Does nothing outside Lambda (Chalice's packaging and
    test client import app.py without the stage's variables)."""
    if os.environ.get("AWS_LAMBDA_FUNCTION_NAME"):
        base_url()


def allowed_origins() -> list[str]:
    """The municipality's sites that may embed the form and post to us, lower-case, no slash."""
    raw = os.environ.get(ALLOWED_ORIGINS, "")
    return [origin.strip().rstrip("/").lower() for origin in raw.split(",") if origin.strip()]


def admins() -> str:
    """The stage's console administrators: comma-separated addresses (they see every event)."""
    return os.environ.get(ADMINS, "")


# Sign-in links one sender (IP) may ask for per hour, for any addresses.
DEFAULT_CONSOLE_SIGN_INS_PER_SENDER = 200


def console_sign_ins_per_sender() -> int:
    """Generous: a municipality's staff share one public IP (the per-address limit does the real work)."""
    return int(os.environ.get(CONSOLE_SIGN_INS_PER_SENDER, str(DEFAULT_CONSOLE_SIGN_INS_PER_SENDER)))


def registrations_per_sender() -> int | None:
    """Sign-ups one sender (IP) may make per 10 minutes, when the stage sets it; None: the store's
    default. `chalice local` reports every caller as 127.0.0.1, so a local load test raises it
    (SIGNUP_REGISTRATIONS_PER_SENDER=100000 make run) instead of patching the code."""
    value = os.environ.get(REGISTRATIONS_PER_SENDER, "").strip()
    return int(value) if value else None


def retention_days() -> int:
    """Whole registrations are deleted this many days after the event (TTL)."""
    return int(os.environ.get(RETENTION_DAYS, "90"))


def sensitive_days() -> int:
    """Diet and access needs are blanked this many days after the event."""
    return int(os.environ.get(SENSITIVE_DAYS, "7"))


def controller() -> str:
    """Who is responsible for the personal data (named in the privacy notice)."""
    return os.environ.get(CONTROLLER, "Hudiksvalls kommun")


def secret() -> str:
    """The key that signs links: an SSM SecureString in AWS, a plain variable only locally."""
    value = os.environ.get(SECRET, "")
    if value:
        return value
    parameter = os.environ.get(SECRET_PARAMETER, "")
    if parameter:
        check_local_stage_is_local()
        from . import aws  # only where the secret is in SSM: a cold start elsewhere does not import botocore here

        return aws.secure_parameter(parameter)
    raise ConfigurationError(f"Neither {SECRET} nor {SECRET_PARAMETER} is set: links cannot be signed.")


def ses_configuration_set() -> str | None:
    return os.environ.get(SES_CONFIGURATION_SET) or None


def check_local_stage_is_local() -> None:
    """Refuse to let the local stage talk to real AWS by accident.

    The local stage carries no endpoint of its own (the local runner picks the
    ports), so a hand-started `chalice local --stage local` without the
    runner's environment would otherwise write to whatever account the
    shell's credentials point at.
    """
    if stage() == "local" and not os.environ.get(ENDPOINT):
        raise ConfigurationError("The local stage needs AWS_ENDPOINT_URL (start it with `make run`).")
