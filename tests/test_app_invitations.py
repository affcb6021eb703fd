"""Invitations through the app (moto): the console's invite page (a preview of the email and how
many get it, naming nobody), the button (CSRF, audited, refused with a reason when the meeting is
closed or cancelled), the outbox's emails read back as raw MIME, and the signed link that opens the
form filled in, while a link that does not work just gives the empty form."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.network import member_ref
from chalicelib.notices import EventEdit
from tests.helpers import EVENT, answers, csrf_of, post_json, run_schedule
from tests.mailbox import link_path, text_of
from tests.test_app_console import ORGANISER, get, post
from tests.test_app_console_events import audit_actions, path_of
from tests.test_app_notices import delivered
from tests.unit.test_network import FIRST_DAY, SERIES, meeting, sign_up_to_meeting

INVITE = f"/console/events/{EVENT}/invite"


@pytest.fixture
def members(app_store):
    """An earlier meeting of the series where Anna (Swedish), Eva (English) and Cilla joined the network
    and Bo did not; Cilla has signed up for the app's open meeting already."""
    app_store.put_event(meeting(1), FIRST_DAY)
    sign_up_to_meeting(app_store, 1, "anna@example.se", "Hudiksvalls kommun", "public", consent=True)
    sign_up_to_meeting(app_store, 1, "eva@example.se", "Helsinge Hälsa", "other", consent=True, language="en")
    sign_up_to_meeting(app_store, 1, "cilla@example.se", "ICA Maxi AB", "company", consent=True)
    sign_up_to_meeting(app_store, 1, "bo@example.se", "Röda Korset", "association")
    return app_store


def form_link(message):
    return link_path(message, r"/events/\S+invitation=\S+")


def test_the_invite_page_previews_the_email_and_counts_who_gets_it_naming_nobody(client, organiser, members):
    assert post_json(client, answers(email="cilla@example.se", name="Cilla")).status_code == 201
    page = get(client, INVITE, organiser)
    body = page.body.decode()
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert "Inbjudan går till 2 medlemmar i nätverket som inte har anmält sig." in body
    assert "Redan anmälda: 1" in body and "Redan inbjudna till den här träffen: 0" in body
    assert "(medlemmens namn)" in body and "Anmäl dig här" in body, "the email as a member reads it"
    assert "/network/leave/" in body, "with the way out every network email has"
    for someone in ("Anna", "anna@", "Eva", "eva@", "Bo", "bo@"):
        assert someone not in body, "counts only: the preview names nobody"
    assert "Skicka inbjudan till 2 medlemmar" in body
    english = get(client, f"{INVITE}?lang=en", organiser).body.decode()
    assert "The invitation goes to 2 members of the network who have not signed up." in english
    event_page = get(client, f"/console/events/{EVENT}", organiser).body.decode()
    assert f'href="{INVITE}"' in event_page, "the meeting's page leads to it"
    network_page = get(client, f"/console/network/{SERIES}", organiser).body.decode()
    assert f'href="{INVITE}"' in network_page, "so does the network's page, for its next meeting"


def test_the_button_needs_the_csrf_token(client, organiser, members):
    assert post(client, INVITE, organiser, {}).status_code == 403
    assert members.notices(EVENT) == []


def test_invitations_go_out_once_each_in_the_members_language_and_open_the_form_filled_in(
    client, organiser, members, moto_endpoint, unpaced
):
    fields = {"csrf_token": csrf_of(get(client, INVITE, organiser))}
    response = post(client, INVITE, organiser, fields)
    assert response.status_code == 303 and response.headers["Location"].endswith("done=invitations_sent")
    assert "Inbjudningarna skickas till nätverkets medlemmar" in get(client, path_of(response), organiser).body.decode()
    assert "invitations_sent" in audit_actions(members, EVENT)
    (entry,) = [entry for entry in members.audit_entries(EVENT) if entry.action == "invitations_sent"]
    assert entry.detail == "3" and entry.actor == ORGANISER

    before = len(delivered(moto_endpoint, 0))
    run_schedule(client, "email_outbox")
    sent = delivered(moto_endpoint, before)
    by_address = {message["To"]: message for message in sent}
    assert sorted(by_address) == ["anna@example.se", "cilla@example.se", "eva@example.se"]
    anna, eva = by_address["anna@example.se"], by_address["eva@example.se"]
    assert anna["Subject"].startswith("Inbjudan: ") and anna["Content-Language"] == "sv"
    assert eva["Subject"].startswith("Invitation: ") and eva["Content-Language"] == "en"
    assert "Hej Anna!" in text_of(anna) and "Hello Eva," in text_of(eva)
    for message in sent:
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert message["List-Unsubscribe"].startswith("<http://127.0.0.1:8000/network/leave/")
        assert message["List-Unsubscribe"][1:-1] in text_of(message), "the leave link in the body too"
    history = members.email_history("anna@example.se", EVENT)
    assert [(line.kind, line.result) for line in history] == [("invitation", "sent")]

    link = form_link(anna)
    assert "anna" not in link.lower() and "example.se" not in link, "nothing personal in the URL"
    form = client.http.get(link)
    body = form.body.decode()
    assert form.status_code == 200 and form.headers["Cache-Control"] == "no-store"
    assert 'name="name" value="Anna"' in body and 'name="organisation" value="Hudiksvalls kommun"' in body
    assert 'value="public" checked' in body
    assert 'id="email" name="email" value=""' in body, "only name, organisation and sector"
    assert 'name="network_consent" value="yes" checked' not in body, "consent is never ticked for anyone"
    english = client.http.get(form_link(eva)).body.decode()
    assert 'lang="en"' in english and 'name="name" value="Eva"' in english and 'value="other" checked' in english

    run_schedule(client, "email_outbox")
    assert len(delivered(moto_endpoint, before)) == 3, "a second run sends nothing"
    # Anna signs up through the link; a second press reaches nobody: all are signed up or invited.
    assert post_json(client, answers(email="anna@example.se", name="Anna")).status_code == 201
    again = post(client, INVITE, organiser, {"csrf_token": csrf_of(get(client, INVITE, organiser))})
    assert again.status_code == 409 and "Ingen att bjuda in" in again.body.decode()
    run_schedule(client, "email_outbox")
    invitations = [m for m in delivered(moto_endpoint, before) if m["Subject"].startswith(("Inbjudan", "Invitation"))]
    assert len(invitations) == 3, "nobody invited twice"


@pytest.mark.parametrize(
    "spoil",
    [
        lambda link: link[:-3] + ("AAA" if not link.endswith("AAA") else "BBB"),  # altered
        lambda link: link.replace("invitation=", "invitation=x"),  # forged
        lambda link: link.replace(EVENT, "natverk-1"),  # another meeting's form
    ],
)
def test_a_link_that_does_not_work_gives_the_empty_form_and_no_error(
    client, organiser, members, moto_endpoint, unpaced, spoil
):
    post(client, INVITE, organiser, {"csrf_token": csrf_of(get(client, INVITE, organiser))})
    run_schedule(client, "email_outbox")
    (anna,) = [m for m in delivered(moto_endpoint, 0) if m["To"] == "anna@example.se"]
    page = client.http.get(spoil(form_link(anna)))
    body = page.body.decode()
    assert page.status_code == 200 and 'value="Anna"' not in body and 'value="Hudiksvalls kommun"' not in body
    assert 'name="name" value=""' in body or page.body == client.http.get("/events/natverk-1/form").body


def test_a_link_of_a_member_who_left_or_after_the_deadline_gives_no_names(
    client, organiser, members, moto_endpoint, unpaced, clock
):
    post(client, INVITE, organiser, {"csrf_token": csrf_of(get(client, INVITE, organiser))})
    run_schedule(client, "email_outbox")
    mails = {m["To"]: m for m in delivered(moto_endpoint, 0)}
    members.remove_member(SERIES, member_ref("eva@example.se"))
    left = client.http.get(form_link(mails["eva@example.se"])).body.decode()
    assert 'name="name" value=""' in left and 'value="Eva"' not in left
    event = members.get_event(EVENT)
    clock.set(event.deadline_at + timedelta(minutes=1))
    closed = client.http.get(form_link(mails["anna@example.se"]))
    assert closed.status_code == 200 and 'name="name"' not in closed.body.decode(), "the closed page, no names"


def test_inviting_once_registration_has_closed_or_to_a_cancelled_meeting_is_refused_with_the_reason(
    client, organiser, members
):
    csrf = csrf_of(get(client, INVITE, organiser))
    # Closed early by the organisers (the deadline itself: the unit tests and the command line's).
    members.save_event(EventEdit(replace(members.get_event(EVENT), status="closed"), datetime.now(UTC)))
    page = get(client, INVITE, organiser).body.decode()
    assert "Anmälan till träffen har stängt: inbjudningar kan inte längre skickas." in page
    assert "Skicka inbjudan" not in page, "no button"
    refused = post(client, INVITE, organiser, {"csrf_token": csrf, "lang": "en"})
    assert refused.status_code == 409
    assert "Registration for this meeting has closed: invitations can no longer be sent." in refused.body.decode()
    members.save_event(EventEdit(replace(members.get_event(EVENT), status="open"), datetime.now(UTC)))
    cancel_csrf = csrf_of(get(client, f"/console/events/{EVENT}/cancel", organiser))
    post(client, f"/console/events/{EVENT}/cancel", organiser, {"csrf_token": cancel_csrf, "confirm": "yes"})
    refused = post(client, INVITE, organiser, {"csrf_token": csrf})
    assert refused.status_code == 409 and "Träffen är inställd: inbjudningar skickas inte." in refused.body.decode()
    assert [n.kind for n in members.notices(EVENT)] == ["cancelled"], "no invitation stored"
    assert "invitations_sent" not in audit_actions(members, EVENT)
