"""The app as a deployed stage runs it: links from the configured address, HSTS, nothing guessed."""

from __future__ import annotations

import re

import pytest
from chalice.test import Client

import app as signup_app
from chalicelib import config
from tests.conftest import DEPLOYED_BASE_URL
from tests.helpers import EVENT, answers, post_json, run_schedule
from tests.mailbox import sent_mail

MUNICIPALITY = "https://www.hudiksvall.se"  # the dev stage's allowed origin
HSTS = "max-age=31536000; includeSubDomains"


def test_links_in_emails_use_the_base_url_whatever_host_the_request_names(deployed_client, moto_endpoint):
    headers = {"Content-Type": "application/json", "Origin": MUNICIPALITY, "Host": "evil.example"}
    response = post_json(deployed_client, answers(), headers=headers)
    assert response.status_code == 201
    (message,) = sent_mail(moto_endpoint)
    text = message.get_body(preferencelist=("plain",)).get_content()
    links = re.findall(r"https?://[^\s>\"]+", text)
    assert any(link.startswith(f"{DEPLOYED_BASE_URL}/registrations/") for link in links)
    assert not [link for link in links if "evil.example" in link]


def test_a_deployed_stage_without_a_base_url_refuses_to_run_its_jobs(deployed_store, monkeypatch):
    monkeypatch.delenv("SIGNUP_BASE_URL", raising=False)
    with Client(signup_app.app, stage_name="dev") as client, pytest.raises(config.ConfigurationError, match="https"):
        run_schedule(client, "hourly")


@pytest.mark.parametrize("path", ["/privacy", f"/events/{EVENT}/form", "/events/no-such-event"])
def test_deployed_stages_tell_browsers_to_use_https_only(deployed_client, path):
    response = deployed_client.http.get(path)
    assert response.status_code in (200, 404)
    assert response.headers["Strict-Transport-Security"] == HSTS


def test_a_refused_post_on_a_deployed_stage_carries_hsts_too(deployed_client):
    headers = {"Content-Type": "application/json", "Origin": "https://elsewhere.example"}
    response = post_json(deployed_client, answers(), headers=headers)
    assert response.status_code == 403
    assert response.headers["Strict-Transport-Security"] == HSTS


def test_the_local_stage_sends_no_hsts(client):
    response = client.http.get("/privacy")
    assert response.status_code == 200
    assert "Strict-Transport-Security" not in response.headers
