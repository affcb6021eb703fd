"""The app's AWS clients come from botocore, not boto3, and are the clients boto3 made: the same region,
endpoints and settings, resolved from the same environment (the Lambda's, `make run`'s, a test's)."""

import boto3
import pytest

from chalicelib import aws

SERVICES = ("dynamodb", "sesv2", "ses", "ssm")

DEPLOYED = {"SIGNUP_STAGE": "prod"}
ENVIRONMENTS = {
    "a region only": DEPLOYED,
    "Lambda's two region variables": {**DEPLOYED, "AWS_REGION": "eu-west-1", "AWS_DEFAULT_REGION": "eu-west-1"},
    "make run's one endpoint": {"SIGNUP_STAGE": "local", "AWS_ENDPOINT_URL": "http://127.0.0.1:4566"},
    "an endpoint for DynamoDB alone": {
        "SIGNUP_STAGE": "local",
        "AWS_ENDPOINT_URL": "http://127.0.0.1:4566",
        "AWS_ENDPOINT_URL_DYNAMODB": "http://127.0.0.1:8001",
    },
    "an endpoint for SES v2 alone": {**DEPLOYED, "AWS_ENDPOINT_URL_SESV2": "http://127.0.0.1:9002"},
    "endpoints ignored": {
        **DEPLOYED,
        "AWS_ENDPOINT_URL": "http://127.0.0.1:4566",
        "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true",
    },
}


def described(client):
    config = client.meta.config
    return {
        "endpoint": client.meta.endpoint_url,
        "region": client.meta.region_name,
        "service": client.meta.service_model.service_name,
        "timeouts": (config.connect_timeout, config.read_timeout),
        "retries": config.retries,
        "key": client._request_signer._credentials.access_key,
    }


@pytest.mark.parametrize("environment", ENVIRONMENTS.values(), ids=ENVIRONMENTS.keys())
@pytest.mark.parametrize("service", SERVICES)
def test_each_client_is_the_one_boto3_made_from_the_same_environment(monkeypatch, environment, service):
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    aws.clear()
    ours = getattr(aws, service)()
    # boto3.client(service, config=...) as the app called it, on a session of boto3's own.
    theirs = boto3.session.Session().client(service, config=aws._CLIENT_CONFIG)
    assert described(ours) == described(theirs)
    assert type(ours).__name__ == type(theirs).__name__  # the same API: botocore's class for the service


def test_the_clients_share_one_session_and_survive_nothing_but_clear(monkeypatch):
    monkeypatch.setenv("SIGNUP_STAGE", "prod")
    first = aws.dynamodb()
    assert aws.dynamodb() is first
    aws.clear()
    assert aws.dynamodb() is not first
    assert aws.session() is aws.session()
