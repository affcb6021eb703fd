"""The app's AWS clients come from botocore, not boto3, and are the clients boto3 made: the same region,
endpoints and settings, resolved from the same environment (the Lambda's, `make run`'s, a test's)."""

import functools
import os

import boto3
import pytest
from botocore.loaders import create_loader

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
    # A fresh session, as a new container has: the process's own resolved its credentials from whichever
    # test's environment came first (as boto3's default session did).
    monkeypatch.setattr(aws, "session", functools.cache(aws.session.__wrapped__))
    aws.clear()
    ours = getattr(aws, service)()
    # boto3.client(service, config=...) as the app called it, on a session of boto3's own.
    theirs = boto3.session.Session().client(service, config=aws._CLIENT_CONFIG)
    assert described(ours) == described(theirs)
    assert type(ours).__name__ == type(theirs).__name__  # the same API: botocore's class for the service


@pytest.mark.parametrize("service", SERVICES)
def test_the_clients_share_one_session_and_survive_nothing_but_clear(monkeypatch, service):
    monkeypatch.setenv("SIGNUP_STAGE", "prod")
    client = getattr(aws, service)
    first = client()
    assert client() is first
    aws.clear()
    assert client() is not first
    assert aws.session() is aws.session()


def test_the_session_knows_our_services_as_botocore_does_without_listing_all_of_botocore_s(monkeypatch):
    """Its loader answers "which services exist" for ours as botocore's own loader would, for every kind
    of file a client reads, and reads the folders of AWS_DATA_PATH first, as botocore's does."""
    monkeypatch.setenv("AWS_DATA_PATH", os.pathsep.join(["~/models", "$HOME/more"]))
    loader = aws.session.__wrapped__().get_component("data_loader")
    botocore_s = create_loader(os.environ["AWS_DATA_PATH"])
    assert loader.search_paths == botocore_s.search_paths
    for kind in ("service-2", "endpoint-rule-set-1", "paginators-1", "waiters-2"):
        assert loader.list_available_services(kind) == [
            name for name in botocore_s.list_available_services(kind) if name in aws.SERVICES
        ]
    assert loader.list_available_services("service-2") == sorted(aws.SERVICES)


def test_creating_the_clients_lists_a_few_folders_not_every_service_botocore_knows(monkeypatch):
    """botocore's own loader lists its 400-odd service folders and their versions, once for the models
    and once for the endpoint rules (about 900 listings per cold start): ours asks our four alone."""
    monkeypatch.setenv("SIGNUP_STAGE", "prod")
    listed = []
    real_listdir = os.listdir
    monkeypatch.setattr(os, "listdir", lambda path: listed.append(path) or real_listdir(path))
    monkeypatch.setattr(aws, "session", functools.cache(aws.session.__wrapped__))  # a fresh session: nothing read yet
    for service in aws.SERVICES:
        getattr(aws, service)()
    assert len(listed) <= 4 * len(aws.SERVICES), listed
