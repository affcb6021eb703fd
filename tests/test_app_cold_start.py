"""A cold public request imports nothing only the console uses: the form page and a registration,
each the first request of a fresh process (as a Lambda cold start serves it), checked by which
modules that process holds afterwards, never by time (`make bench` measures that)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from urllib.parse import urlencode

from tests.helpers import EVENT, FORM, JSON, PROJECT, URL, answers
from tests.mailbox import first_manage_path
from tests.unit.test_cold_start import ADDRESSES, BOTO3, CONSOLE_ONLY

FIRST_REQUEST = """
import json, sys
from chalice.test import Client
import app
method, path, headers, body = json.load(sys.stdin)
with Client(app.app, stage_name="local") as client:
    response = getattr(client.http, method)(path, headers=headers, body=body)
from chalicelib import aws
print(json.dumps({"status": response.status_code, "modules": sorted(sys.modules), "clients": aws.clients_made()}))
"""


FIRST_SCHEDULE_RUN = """
import json, sys
from chalice.test import Client
import app
name, = json.load(sys.stdin)
with Client(app.app, stage_name="local") as client:
    event = client.events.generate_cw_event(source="aws.events", detail_type="Scheduled Event", detail={}, resources=[])
    client.lambda_.invoke(name, event)
print(json.dumps({"modules": sorted(sys.modules)}))
"""


def in_fresh_process(code, given):
    result = subprocess.run(
        [sys.executable, "-c", code],
        input=json.dumps(given),
        cwd=PROJECT,
        env=dict(os.environ),  # the moto endpoint the fixture set
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def first_request(method, path, headers=None, body=""):
    answer = in_fresh_process(FIRST_REQUEST, [method, path, headers or {}, body])
    return answer["status"], set(answer["modules"])


def clients_of_first_request(method, path, headers=None, body=""):
    """The AWS clients a fresh process's first request created (each costs a model load)."""
    answer = in_fresh_process(FIRST_REQUEST, [method, path, headers or {}, body])
    return answer["status"], set(answer["clients"])


def schedule_run(name):
    return set(in_fresh_process(FIRST_SCHEDULE_RUN, [name])["modules"])


# The console's light parts the route modules need at import: its access rules, the audit log's
# helper, the session cookie (and the sign-in exceptions), and the posted form's reader.
CONSOLE_AT_IMPORT = {
    "chalicelib.console",
    *(f"chalicelib.console.{name}" for name in ("access", "audit", "auth", "posted")),
}


def console_modules(loaded):
    """The console's modules a process holds beyond those its route modules need to be registered."""
    return sorted(
        name
        for name in loaded
        if name in CONSOLE_ONLY or name.startswith("chalicelib.console") and name not in CONSOLE_AT_IMPORT
    )


# What only the organisers' and the schedule's use cases need (chalicelib/outreach.py over the whole
# DynamoStore): the rules of notices, invitations, jobs, digests, working groups and erasure, the
# network's report (a sign-up needs only chalicelib.network's member record), and the store's
# modules for them. A person's request (the form, a registration) imports none of it.
ORGANISERS_ONLY = (
    "chalicelib.outreach",
    "chalicelib.notices",
    "chalicelib.notice_delivery",
    "chalicelib.invitations",
    "chalicelib.jobs",
    "chalicelib.digest",
    "chalicelib.network_report",
    "chalicelib.working_groups",
    "chalicelib.privacy",
    "chalicelib.console.audit",
    *(
        f"chalicelib.store.{name}"
        for name in (
            "full",
            "notices",
            "working_groups",
            "markers",
            "event_changes",
            "console",
            "people",
            "check_in",
            "sensitive",
        )
    ),
)


def test_a_cold_form_page_imports_neither_the_console_nor_the_address_tables(app_store, monkeypatch):
    monkeypatch.setenv("SIGNUP_BASE_URL", "http://127.0.0.1:8000")
    status, loaded = first_request("get", f"/events/{EVENT}/form")
    assert status == 200
    assert "jinja2" in loaded  # the page was rendered in that process
    assert not console_modules(loaded)
    assert not set(ADDRESSES) & loaded
    assert "chalicelib.store.signups" in loaded  # the event was read from the store in that process
    assert not set(ORGANISERS_ONLY) & loaded, sorted(set(ORGANISERS_ONLY) & loaded)


def test_a_cold_registration_imports_the_address_tables_but_nothing_only_the_console_uses(app_store, monkeypatch):
    monkeypatch.setenv("SIGNUP_BASE_URL", "http://127.0.0.1:8000")
    status, loaded = first_request("post", URL, JSON, json.dumps(answers()))
    assert status == 201
    assert "email_validator" in loaded  # the address was validated in that process
    assert not console_modules(loaded)
    assert {"chalicelib.service", "chalicelib.outbox", "chalicelib.mail"} <= loaded  # stored and emailed
    assert not set(ORGANISERS_ONLY) & loaded, sorted(set(ORGANISERS_ONLY) & loaded)
    # Its clients come from botocore, its items are DynamoDB's JSON written by our own codec.
    assert "botocore.client" in loaded and not set(BOTO3) & loaded, sorted(set(BOTO3) & loaded)


def test_the_organisers_use_cases_come_with_the_first_schedule_run(app_store, monkeypatch):
    """The other side of the split is real: the outbox's run builds them (and the whole store) on demand."""
    monkeypatch.setenv("SIGNUP_BASE_URL", "http://127.0.0.1:8000")
    loaded = schedule_run("email_outbox")
    assert {"chalicelib.outreach", "chalicelib.store.full", "chalicelib.notices", "chalicelib.network_report"} <= loaded


def test_only_a_request_that_emails_creates_the_ses_client(app_store, moto_endpoint, monkeypatch):
    """One's own page, an edit and the form create DynamoDB's client alone; signing up (which emails)
    creates SES's too. SES's is built by the first send, not by building the use cases."""
    monkeypatch.setenv("SIGNUP_BASE_URL", "http://127.0.0.1:8000")
    assert clients_of_first_request("post", URL, JSON, json.dumps(answers())) == (201, {"dynamodb", "sesv2"})
    path = first_manage_path(moto_endpoint)
    assert clients_of_first_request("get", path) == (200, {"dynamodb"})
    fields = {key: value for key, value in answers(organisation="Nytt AB").items() if key != "email"}
    edit = urlencode({**fields, "action": "update"}, doseq=True)
    status, clients = clients_of_first_request("post", path, FORM, edit)
    assert app_store.get_registration(EVENT, "asa.oberg@example.se").answers.organisation == "Nytt AB"
    assert clients == {"dynamodb"}, status
    assert clients_of_first_request("get", f"/events/{EVENT}/form") == (200, {"dynamodb"})
