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
from typing import TYPE_CHECKING, Any

import botocore.session
from botocore.config import Config

from . import config

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_sesv2 import SESV2Client
    from mypy_boto3_ssm import SSMClient

# Short timeouts: API Gateway gives up after 29 s, and a person is waiting.
_CLIENT_CONFIG = Config(connect_timeout=2, read_timeout=5, retries={"mode": "standard", "max_attempts": 3})


@functools.cache
def session() -> botocore.session.Session:
    """One session for the container, as boto3's default session was: the service models it has read
    and the credentials it has resolved serve every client (and survive `clear()`, as boto3's did)."""
    return botocore.session.get_session()


def _client(service: str) -> Any:
    config.check_local_stage_is_local()
    return session().create_client(service, config=_CLIENT_CONFIG)


@functools.cache
def dynamodb() -> DynamoDBClient:
    return _client("dynamodb")


@functools.cache
def sesv2() -> SESV2Client:
    return _client("sesv2")


@functools.cache
def ses() -> Any:
    """SES's first API: the account's send quota (GetSendQuota) is read there."""
    return _client("ses")


@functools.cache
def ssm() -> SSMClient:
    return _client("ssm")


def clear() -> None:
    """Forget cached clients and the cached secret (tests switch endpoints between cases)."""
    dynamodb.cache_clear()
    sesv2.cache_clear()
    ses.cache_clear()
    ssm.cache_clear()
    config._secret_from_ssm.cache_clear()
