"""Independent API tools against `make run`'s runner: openapi-spec-validator over the served
documents and Schemathesis generating requests from them, with all its checks.

The only things passed in are what must be real: the demo event's own document
(`/events/{id}/openapi.json`, whose event id, interest areas and questions of its own are real, so
the fuzzer generates `q_presentera` and `q_workshop` answers too), and one genuine
signed link to a registration (from its confirmation email), so the pages behind it are tested
too, not only refusals. A console sign-in link is not passed in: the first post spends it, and
every later case would then meet "already used" (410) by design.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from tests import local_run
from tests.helpers import EVENT, answers, matched
from tests.mailbox import sent_mail

BIN = Path(sys.executable).parent
# Per operation; twelve operations make well over 500 cases in a few minutes on two cores.
EXAMPLES_PER_OPERATION = 60
# Fixed, so a run is reproducible; change it to explore other cases.
SEED = 20261126


@pytest.fixture(scope="module")
def runner(tmp_path_factory):
    environment = local_run.environment(tmp_path_factory.mktemp("runner"))
    with local_run.running(environment) as (base, _):
        yield base, environment


@pytest.fixture(scope="module")
def service(runner):
    return runner[0]


def real_tokens(base: str, environment: dict[str, str]) -> dict[str, str]:
    """A registration's signed links (from the email it got), by route."""
    request = urllib.request.Request(
        f"{base}/events/{EVENT}/registrations",
        # A member of the network: the confirmation then carries the way out (List-Unsubscribe).
        data=json.dumps(answers(email="schemathesis@example.se", network_consent="yes")).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    urllib.request.urlopen(request).close()
    moto = f"http://127.0.0.1:{environment['SIGNUP_AWS_PORT']}"
    (message,) = [m for m in sent_mail(moto) if "schemathesis@example.se" in str(m["To"])]
    text = message.get_body(preferencelist=("plain",)).get_content()
    registration = matched(r"/registrations/([\w.-]+)", text).group(1)
    leave = matched(r"/network/leave/([\w.-]+)", message["List-Unsubscribe"]).group(1)
    return {
        "/registrations/{token}": registration,
        "/registrations/{token}/confirm": registration,
        "/network/leave/{token}": leave,
    }


# The digests' old attendee links are gone for good: every token is answered 410 with a page
# pointing to the console, which is the right answer to a well-formed request too.
GONE = (
    '[[operations]]\ninclude-path = "/organiser/{token}"\nchecks.positive_data_acceptance.expected-statuses = ["410"]\n'
)


def schemathesis_config(tokens: dict[str, str]) -> str:
    return GONE + "".join(
        f'[[operations]]\ninclude-path = "{path}"\nparameters = {{ "path.token" = "{token}" }}\n\n'
        for path, token in tokens.items()
    )


@pytest.mark.parametrize("path", ["/openapi.json", f"/events/{EVENT}/openapi.json"])
def test_openapi_spec_validator_finds_the_served_documents_valid(service, path, tmp_path):
    served = tmp_path / "openapi.json"  # the validator's command line reads files only
    served.write_bytes(urllib.request.urlopen(f"{service}{path}").read())
    result = subprocess.run(
        [str(BIN / "openapi-spec-validator"), str(served)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert ": OK" in result.stdout


def test_schemathesis_finds_no_failure_with_all_checks(runner, tmp_path):
    service, environment = runner
    document = json.loads(urllib.request.urlopen(f"{service}/events/{EVENT}/openapi.json").read())
    body = document["paths"]["/events/{event_id}/registrations"]["post"]["requestBody"]["content"]
    asked = body["application/json"]["schema"]["properties"]
    assert {"q_presentera", "q_workshop"} <= set(asked), "the demo event's own questions are in its document"
    config = tmp_path / "schemathesis.toml"
    config.write_text(schemathesis_config(real_tokens(service, environment)), encoding="utf-8")
    result = subprocess.run(
        [
            str(BIN / "schemathesis"),
            "--config-file",
            str(config),
            "run",
            f"{service}/events/{EVENT}/openapi.json",
            "--checks",
            "all",
            "--max-examples",
            str(EXAMPLES_PER_OPERATION),
            "--seed",
            str(SEED),
            "--generation-database",
            "none",
            # Generous: a slow answer on a loaded 2-core machine is not what this test is about.
            "--request-timeout",
            "30",
            "--no-color",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    report = result.stdout + result.stderr
    assert result.returncode == 0, report[-6000:]
    generated = re.search(r"(\d+) generated", report)
    assert generated and int(generated.group(1)) >= 500, report[-2000:]
    assert re.search(r"Failures:|failures? in", report) is None, report[-6000:]
    # The genuine links reached the pages behind them: not every answer was a refusal.
    assert "returned only 401/403" not in report, report[-3000:]
    print(f"Schemathesis: {generated.group(1)} cases, 0 failures")
