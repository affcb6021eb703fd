"""An invitation as mail programs read it: RFC 8058's one-click headers (List-Unsubscribe with an
https link, List-Unsubscribe-Post: List-Unsubscribe=One-Click) from the raw bytes SES was given,
read by node mailparser and Python mail-parser, the member's language, no name in any header, and
the form link whose URL carries only a signed token."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib import bootstrap
from chalicelib.registrations import register
from tests.helpers import EVENT, answers, run_schedule
from tests.mailbox import sent_raw
from tests.unit.test_network import FIRST_DAY, meeting

MEMBERS = {"anna@example.se": "sv", "eva@example.org": "en"}
ONE_CLICK = "List-Unsubscribe=One-Click"


@pytest.fixture
def invitations(client, app_store, moto_endpoint, mailboxes):
    """Anna (Swedish) and Eva (English) joined the network at an earlier meeting; the organisers invite
    them to the open one. Each invitation as node mailparser and Python mail-parser read it, with the
    raw bytes SES was given."""
    earlier = meeting(1)
    app_store.put_event(earlier, FIRST_DAY)
    for address, language in MEMBERS.items():
        fields = answers(
            email=address,
            name=address.split("@")[0].title() + " Öberg-Åkesson",
            organisation="Hälsa & Vård ek. för.",
            sector="other",
            language=language,
            network_consent="yes",
            interests=[],
        )
        register(earlier.id, fields, store=app_store, now=earlier.starts_at - timedelta(days=20))
    parts = bootstrap.wiring()
    parts.sleep = lambda _: None  # moto's one-a-second rate: the pace is tested elsewhere
    before = len(sent_raw(moto_endpoint))
    parts.outreach.invite(app_store.get_event(EVENT), author="", now=datetime.now(UTC))
    run_schedule(client, "email_outbox")
    raws = sent_raw(moto_endpoint)[before:]
    box = mailboxes(raws, {address: (address, language) for address, language in MEMBERS.items()})
    received = {}
    for address, (one,) in box.items():
        (raw,) = [raw for raw in raws if f"\r\nTo: {address}\r\n".encode() in raw]
        received[address] = (one.node, one.python, raw)
    return received


def test_the_one_click_headers_read_the_same_in_both_parsers_and_on_the_wire(invitations):
    for address, (node, python, raw) in invitations.items():
        url = node["list"]["unsubscribe"]["url"]
        assert re.fullmatch(r"http://127\.0\.0\.1:8000/network/leave/[A-Za-z0-9_\-.]+", url), url
        assert f"List-Unsubscribe: <{url}>" in node["listLines"]
        assert f"List-Unsubscribe-Post: {ONE_CLICK}" in node["listLines"], "RFC 8058's marker, as written"
        assert python.headers["List-Unsubscribe"] == f"<{url}>"
        assert python.headers["List-Unsubscribe-Post"] == ONE_CLICK
        assert b"\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n" in raw
        assert url in node["text"] and url in node["html"], "the same way out in the body"
        assert address.split("@")[0] not in url.lower(), "the link names no address"


def test_each_member_reads_it_in_their_language_with_their_name_only_in_the_body(invitations):
    for address, (node, python, _) in invitations.items():
        language = MEMBERS[address]
        assert node["contentLanguage"] == language
        assert node["subject"].startswith("Inbjudan: " if language == "sv" else "Invitation: ")
        assert python.subject == node["subject"]
        assert node["to"] == [{"name": "", "address": address}], "no display name from what a person typed"
        name = address.split("@")[0].title() + " Öberg-Åkesson"
        assert name in node["text"] and name in node["html"]
        assert all(name not in line for line in node["listLines"]) and name not in node["subject"]


def test_the_form_link_carries_a_signed_token_and_nothing_personal(client, invitations):
    for address, (node, _, _) in invitations.items():
        (link,) = set(re.findall(r"http://127\.0\.0\.1:8000(/events/[^\s\"<>]+)", node["text"]))
        assert link.startswith(f"/events/{EVENT}/form?") and "invitation=" in link
        assert ("lang=en" in link) == (MEMBERS[address] == "en")
        local = address.split("@")[0]
        assert local not in link.lower() and "oberg" not in link.lower() and "@" not in link
        form = client.http.get(link.replace("&amp;", "&")).body.decode()
        assert f'name="name" value="{local.title()} Öberg-Åkesson"' in form
