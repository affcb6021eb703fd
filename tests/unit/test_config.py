"""Settings: the signing secret comes from SSM in AWS (once per container), never a local endpoint in AWS."""

import json
from email.message import EmailMessage
from typing import Any

import boto3
import pytest
from moto import mock_aws

from chalicelib import aws, config
from chalicelib.bootstrap import Wiring
from tests.helpers import PROJECT


def test_the_secret_is_read_from_ssm_once_per_container(monkeypatch):
    monkeypatch.delenv("SIGNUP_SECRET", raising=False)
    monkeypatch.setenv("SIGNUP_STAGE", "prod")
    monkeypatch.setenv("SIGNUP_SECRET_PARAMETER", "/signup/signing-secret")
    with mock_aws():
        boto3.client("ssm").put_parameter(Name="/signup/signing-secret", Value="s3cret", Type="SecureString")
        calls = []
        aws.ssm().meta.events.register("before-call.ssm.GetParameter", lambda **_: calls.append(1))
        assert config.secret() == "s3cret" and config.secret() == "s3cret"
        assert len(calls) == 1


def test_no_secret_at_all_is_a_clear_configuration_error(monkeypatch):
    monkeypatch.delenv("SIGNUP_SECRET", raising=False)
    monkeypatch.delenv("SIGNUP_SECRET_PARAMETER", raising=False)
    with pytest.raises(config.ConfigurationError, match="SIGNUP_SECRET"):
        config.secret()


def test_deployable_stages_carry_no_local_endpoint_and_no_plain_secret():
    settings = json.loads((PROJECT / ".chalice" / "config.json").read_text(encoding="utf-8"))
    assert settings["autogen_policy"] is False
    for stage in ("dev", "prod"):
        variables = {**settings["environment_variables"], **settings["stages"][stage]["environment_variables"]}
        assert not [name for name in variables if name.startswith("AWS_ENDPOINT_URL")]
        assert "SIGNUP_SECRET" not in variables and variables["SIGNUP_SECRET_PARAMETER"]


def test_the_local_stage_refuses_to_run_without_a_local_endpoint(monkeypatch):
    # Wherever the app makes a client: the table, SES, the secret in SSM.
    monkeypatch.setenv("SIGNUP_STAGE", "local")
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("SIGNUP_SECRET", raising=False)
    monkeypatch.setenv("SIGNUP_SECRET_PARAMETER", "/signup/signing-secret")
    wiring = Wiring()
    for make in (
        lambda: wiring.public_store,
        lambda: wiring.store,
        lambda: wiring.mailer.send(EmailMessage()),
        config.secret,
    ):
        with pytest.raises(config.ConfigurationError, match="make run"):
            make()


@pytest.mark.parametrize("value", [None, "", "http://anmalan.example.org"])
def test_a_deployed_stage_needs_an_https_base_url(monkeypatch, value):
    monkeypatch.setenv("SIGNUP_STAGE", "prod")
    if value is None:
        monkeypatch.delenv("SIGNUP_BASE_URL", raising=False)
    else:
        monkeypatch.setenv("SIGNUP_BASE_URL", value)
    with pytest.raises(config.ConfigurationError, match="SIGNUP_BASE_URL must be the service's https:// address"):
        config.base_url()


def test_the_base_url_loses_its_trailing_slash_and_the_local_stage_may_leave_it_empty(monkeypatch):
    monkeypatch.setenv("SIGNUP_STAGE", "prod")
    monkeypatch.setenv("SIGNUP_BASE_URL", "https://anmalan.example.org/")
    assert config.base_url() == "https://anmalan.example.org"
    monkeypatch.setenv("SIGNUP_STAGE", "local")
    monkeypatch.delenv("SIGNUP_BASE_URL")
    assert config.base_url() == ""


def test_a_lambda_of_a_deployed_stage_refuses_to_start_without_a_base_url(monkeypatch):
    monkeypatch.setenv("SIGNUP_STAGE", "dev")
    monkeypatch.delenv("SIGNUP_BASE_URL", raising=False)
    config.refuse_to_start_misconfigured()  # outside Lambda (packaging, tests): nothing to check yet
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "signup-dev-api")
    with pytest.raises(config.ConfigurationError, match="SIGNUP_BASE_URL"):
        config.refuse_to_start_misconfigured()
    monkeypatch.setenv("SIGNUP_BASE_URL", "https://anmalan.example.org")
    config.refuse_to_start_misconfigured()


def test_deployable_stages_leave_the_base_url_to_the_template():
    settings = json.loads((PROJECT / ".chalice" / "config.json").read_text(encoding="utf-8"))
    for stage in ("dev", "prod"):
        assert "SIGNUP_BASE_URL" not in settings["stages"][stage]["environment_variables"]


def test_the_wiring_builds_its_stores_from_the_settings_it_is_given(monkeypatch):
    """The table and the per-sender limit come from the Settings handed to Wiring, not the environment."""
    monkeypatch.setenv("SIGNUP_STAGE", "local")
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:1")  # a client is made, never called
    monkeypatch.setenv("SIGNUP_TABLE", "signup-from-the-environment")

    class Given:
        def __getattr__(self, name: str) -> object:
            return getattr(config, name)

        def table_name(self) -> str:
            return "signup-given"

        def registrations_per_sender(self) -> int | None:
            return 7

    given: Any = Given()
    wiring = Wiring(settings=given)
    for store in (wiring.store, wiring.public_store):
        assert store.table == "signup-given" and store.registrations_per_sender == 7


def test_only_the_wiring_reads_the_clock_and_every_wait_is_given():
    """The service (and its command line) reads the time through Wiring.clock and waits through a
    `sleep` it is given (a parameter's default at most), so tests give both instead of patching a module."""
    import re

    read_here = re.compile(r"datetime\.now\(|time\.time\(\)|sleep=time\.sleep\b|time\.sleep\(")
    # The check sees each way of reading the clock or waiting (an empty list below proves nothing otherwise).
    assert all(
        read_here.search(line)
        for line in ("now = datetime.now(UTC)", "time.time()", "sleep=time.sleep", "time.sleep(1)")
    )
    package = PROJECT / "chalicelib"
    found = [
        f"{path.relative_to(PROJECT)}:{number}"
        for path in [*sorted(package.rglob("*.py")), PROJECT / "devtools" / "cli.py"]
        if path.name != "bootstrap.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if read_here.search(line)
    ]
    assert found == []
