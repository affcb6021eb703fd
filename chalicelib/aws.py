"""AWS clients, created on first use and reused by a warm Lambda.

Importing this module touches no AWS: Chalice imports app.py when packaging.

The clients come from one botocore session, not from boto3: `import boto3` also imports s3transfer
(and with it concurrent.futures and multiprocessing) for S3 transfers this service never makes, which
a cold start paid for. boto3's `client()` is this same call on a session of its own; the region, the
credentials and the endpoints (`AWS_ENDPOINT_URL`, `AWS_ENDPOINT_URL_DYNAMODB`, ...) are resolved
from the environment by botocore either way.
"""

from __future__ import annotations

import functools
import os
from typing import TYPE_CHECKING, Any

import botocore.session
from botocore.config import Config
from botocore.exceptions import DataNotFoundError
from botocore.loaders import Loader

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_sesv2 import SESV2Client
    from mypy_boto3_ssm import SSMClient

# Short timeouts: API Gateway gives up after 29 s, and a person is waiting.
_CLIENT_CONFIG = Config(connect_timeout=2, read_timeout=5, retries={"mode": "standard", "max_attempts": 3})


# The services the app calls.
SERVICES = ("dynamodb", "sesv2", "ses", "ssm")


class OurServicesLoader(Loader):
    """botocore's loader, knowing of our services alone. Before reading a service's model (and again
    before its endpoint rules) botocore checks that the service exists by listing every one of its
    400-odd service folders and their versions; this asks our few for their versions instead (the
    same question botocore asks next, of the service it loads)."""

    def list_available_services(self, type_name: str) -> list[str]:
        return sorted(service for service in SERVICES if self._has(service, type_name))

    def _has(self, service: str, type_name: str) -> bool:
        try:
            return bool(self.list_api_versions(service, type_name))
        except DataNotFoundError:
            return False


@functools.cache
def session() -> botocore.session.Session:
    """One session for the container, as boto3's default session was: the service models it has read
    and the credentials it has resolved serve every client (and survive `clear()`, as boto3's did)."""
    session = botocore.session.get_session()
    # Searching AWS_DATA_PATH's folders first, as botocore's own loader does (botocore.loaders.create_loader).
    data_path = session.get_config_variable("data_path")
    extra = (
        [os.path.expanduser(os.path.expandvars(path)) for path in data_path.split(os.pathsep)] if data_path else None
    )
    session.register_component("data_loader", OurServicesLoader(extra_search_paths=extra))
    return session


# The clients made so far, by service: a warm Lambda reuses them, `clear` forgets them all.
_clients: dict[str, Any] = {}


def _client(service: str) -> Any:
    client = _clients.get(service)
    if client is None:
        client = _clients[service] = session().create_client(service, config=_CLIENT_CONFIG)
    return client


def clients_made() -> list[str]:
    """The services this process has made a client for (at a cold start each one costs a model load)."""
    return sorted(_clients)


def dynamodb() -> DynamoDBClient:
    return _client("dynamodb")


def sesv2() -> SESV2Client:
    return _client("sesv2")


def ses() -> Any:
    """SES's first API: the account's send quota (GetSendQuota) is read there."""
    return _client("ses")


def ssm() -> SSMClient:
    return _client("ssm")


@functools.cache
def secure_parameter(name: str) -> str:
    """An SSM SecureString's value (the signing secret), read once per warm container: SSM is not on the
    hot path of every request."""
    return str(ssm().get_parameter(Name=name, WithDecryption=True)["Parameter"]["Value"])


def clear() -> None:
    """Forget every cached client and the cached secret (tests switch endpoints between cases)."""
    _clients.clear()
    secure_parameter.cache_clear()
