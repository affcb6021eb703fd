"""AWS clients, created on first use and reused by a warm Lambda.

Importing this module touches no AWS: Chalice imports app.py when packaging.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

import boto3
from botocore.config import Config

from . import config

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_sesv2 import SESV2Client
    from mypy_boto3_ssm import SSMClient

# Short timeouts: API Gateway gives up after 29 s, and a person is waiting.
_CLIENT_CONFIG = Config(connect_timeout=2, read_timeout=5, retries={"mode": "standard", "max_attempts": 3})


@functools.cache
def dynamodb() -> DynamoDBClient:
    config.check_local_stage_is_local()
    return boto3.client("dynamodb", config=_CLIENT_CONFIG)


@functools.cache
def sesv2() -> SESV2Client:
    config.check_local_stage_is_local()
    return boto3.client("sesv2", config=_CLIENT_CONFIG)


@functools.cache
def ses() -> Any:
    """SES's first API: the account's send quota (GetSendQuota) is read there."""
    config.check_local_stage_is_local()
    return boto3.client("ses", config=_CLIENT_CONFIG)


@functools.cache
def ssm() -> SSMClient:
    config.check_local_stage_is_local()
    return boto3.client("ssm", config=_CLIENT_CONFIG)


def clear() -> None:
    """Forget cached clients and the cached secret (tests switch endpoints between cases)."""
    dynamodb.cache_clear()
    sesv2.cache_clear()
    ses.cache_clear()
    ssm.cache_clear()
    config._secret_from_ssm.cache_clear()
