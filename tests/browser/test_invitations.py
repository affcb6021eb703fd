"""An invitation's link in Chromium: a member of the network, invited with `./signup network invite`
and sent by the outbox job, opens the link from the email and finds the form already filled in with
their name, organisation and sector (not their address, and the network's choice not ticked); axe
(WCAG 2.2 AA) finds nothing on it at 320 px and on a desktop, and a spoiled link gives the empty form."""

from __future__ import annotations

import email
import email.policy
import json
import urllib.request

import pytest

from chalicelib.console.events import event_toml
from tests.browser.test_pages import WIDTHS, axe_violations
from tests.helpers import EVENT, answers, matched, open_event

EARLIER = "natverk-forra-traffen"
MEMBER = "inbjuden.medlem@example.se"


@pytest.fixture(scope="module")
def invitation_link(service, tmp_path_factory):
    """A member joined the network at an earlier meeting of the demo event's series; the organisers
    invite the members to the demo meeting from the command line, and the outbox job sends it."""
    path = tmp_path_factory.mktemp("invitations") / "earlier.toml"
    path.write_text(event_toml(open_event(id=EARLIER)), encoding="utf-8")
    service.cli("event", "put", str(path))
    body = answers(
        email=MEMBER,
        name="Ingrid Åkesson",
        organisation="Föreningen Hälsingegårdar",
        sector="association",
        network_consent="yes",
        interests=[],
    )
    request = urllib.request.Request(
        f"{service.base}/events/{EARLIER}/registrations",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    assert urllib.request.urlopen(request).status == 201
    assert "Invitations stored:" in service.cli("network", "invite", EVENT)
    service.cli("jobs", "run")
    mails = [email.message_from_string(raw["raw_data"], policy=email.policy.default) for raw in service.mail()]
    (invitation,) = [m for m in mails if m["To"] == MEMBER and str(m["Subject"]).startswith("Inbjudan: ")]
    assert invitation["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text = invitation.get_body(preferencelist=("plain",)).get_content()
    return matched(r"(https?://\S+/events/\S+invitation=\S+)", text).group(1)


def test_the_invitation_opens_the_form_filled_in_and_it_passes_axe(service, axe_page, invitation_link, axe_source):
    assert "inbjuden" not in invitation_link and "%40" not in invitation_link, "nothing personal in the URL"
    axe_page.goto(invitation_link)
    assert axe_page.locator("#name").input_value() == "Ingrid Åkesson"
    assert axe_page.locator("#organisation").input_value() == "Föreningen Hälsingegårdar"
    assert axe_page.locator('input[name="sector"][value="association"]').is_checked()
    assert axe_page.locator("#email").input_value() == "", "the address is not filled in"
    assert not axe_page.locator("#network_consent").is_checked(), "consent is never ticked for anyone"
    found = {}
    for width in WIDTHS:
        axe_page.set_viewport_size({"width": width, "height": 900})
        axe_page.goto(invitation_link)
        violations = axe_violations(axe_page, axe_source)
        if violations:
            found[width] = violations
        wide = axe_page.evaluate("() => document.documentElement.scrollWidth")
        if wide > width:
            found[(width, "scrolls sideways")] = wide
    assert found == {}


def test_a_spoiled_invitation_link_gives_the_empty_form(service, page, invitation_link):
    page.goto(invitation_link[:-4] + ("AAAA" if not invitation_link.endswith("AAAA") else "BBBB"))
    assert page.locator("#name").input_value() == ""
    assert page.locator("#organisation").input_value() == ""
    assert page.locator('input[name="sector"]:checked').count() == 0
