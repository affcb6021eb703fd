"""Who is invited to a new meeting of a series (a pure rule), when inviting is refused, and the
invitation link's token: signed, for one meeting, nothing personal in it."""

from __future__ import annotations

import base64
import json
from dataclasses import replace
from datetime import timedelta

import pytest

from chalicelib import tokens
from chalicelib.forms import email_key
from chalicelib.invitations import InvitationRefused, check_can_invite, marker, who_is_invited
from chalicelib.network import member_ref
from chalicelib.registrations import Status
from tests.fakes import InMemoryStore
from tests.helpers import example_event
from tests.unit.test_network import SERIES, meeting, sign_up_to_meeting

SECRET = "a-test-secret-of-enough-length-0123456789"


@pytest.fixture
def store():
    """Meeting 1 is over; meeting 2 is open. Anna, Cilla, Dan and Eva joined the network at meeting 1
    (Bo did not tick the box); Cilla has signed up for meeting 2 already."""
    store = InMemoryStore(meeting(1), meeting(2))
    sign_up_to_meeting(store, 1, "anna@example.se", "Hudiksvalls kommun", "public", consent=True)
    sign_up_to_meeting(store, 1, "bo@example.se", "Röda Korset", "association")
    sign_up_to_meeting(store, 1, "cilla@example.se", "ICA Maxi AB", "company", consent=True)
    sign_up_to_meeting(store, 1, "dan@example.se", "Svenska kyrkan", "association", consent=True)
    sign_up_to_meeting(store, 1, "eva@example.se", "Helsinge Hälsa", "other", consent=True)
    sign_up_to_meeting(store, 2, "cilla@example.se", "ICA Maxi AB", "company")
    return store


def invitees(store, invited=frozenset(), suppressed=frozenset()):
    members, _ = store.network_records(SERIES)
    return who_is_invited(
        members,
        store.registrations("natverk-2"),
        event_id="natverk-2",
        invited=set(invited),
        suppressed=set(suppressed),
    )


def names(result):
    return sorted(member.name for member in result.invite)


def test_members_who_have_not_signed_up_are_invited_and_people_without_consent_never(store):
    result = invitees(store)
    assert names(result) == ["Anna", "Dan", "Eva"], "Bo never asked to be kept informed; Cilla signed up"
    assert (result.registered, result.already_invited, result.suppressed, result.members) == (1, 0, 0, 4)


def test_a_member_already_invited_to_this_meeting_is_not_invited_again(store):
    result = invitees(store, invited={member_ref("anna@example.se")})
    assert names(result) == ["Dan", "Eva"] and result.already_invited == 1


def test_a_suppressed_address_is_not_invited(store):
    result = invitees(store, suppressed={email_key("dan@example.se")})
    assert names(result) == ["Anna", "Eva"] and result.suppressed == 1


def test_a_member_who_signs_up_after_being_invited_counts_as_signed_up(store):
    sign_up_to_meeting(store, 2, "Anna+jobb@Example.se", "Hudiksvalls kommun", "public")
    result = invitees(store, invited={member_ref("anna@example.se")})
    assert names(result) == ["Dan", "Eva"]
    assert (result.registered, result.already_invited) == (2, 0), "signed up is what she is now"


def test_a_cancelled_registration_still_counts_as_signed_up_they_know_of_the_meeting(store):
    registration = sign_up_to_meeting(store, 2, "eva@example.se", "Helsinge Hälsa", "other")
    key = ("natverk-2", registration.answers.email_key)
    store.items[key] = replace(store.items[key], status=Status.CANCELLED)
    assert names(invitees(store)) == ["Anna", "Dan"]


def test_a_member_who_left_or_was_erased_is_gone_from_the_members_and_so_not_invited(store):
    store.remove_member(SERIES, member_ref("eva@example.se"))
    assert names(invitees(store)) == ["Anna", "Dan"]


def test_a_members_invitation_marker_names_the_member_not_the_request():
    assert marker(member_ref("anna@example.se")) == f"invite#{member_ref('anna@example.se')}"
    assert "anna" not in marker(member_ref("anna@example.se"))


def test_inviting_is_refused_for_a_cancelled_closed_full_or_series_less_meeting():
    event = meeting(2)
    open_moment = event.deadline_at - timedelta(days=1)
    check_can_invite(event, open_moment)  # open: no refusal
    cases = {
        "closed": (event, event.deadline_at),
        "cancelled": (replace(event, status="cancelled"), open_moment),
        "no_series": (replace(event, series=""), open_moment),
        "full": (replace(event, capacity=1, confirmed_count=1, waitlist_limit=0), open_moment),
    }
    for code, (refused_event, moment) in cases.items():
        with pytest.raises(InvitationRefused) as refused:
            check_can_invite(refused_event, moment)
        assert refused.value.code == code
        assert refused.value.text("sv") != refused.value.text("en"), "said in Swedish and in English"
    with pytest.raises(InvitationRefused) as closed:
        check_can_invite(event, event.deadline_at)
    assert closed.value.text("sv") == "Anmälan till träffen har stängt: inbjudningar kan inte längre skickas."


def test_the_invitation_token_names_the_meeting_and_a_hash_and_nothing_personal():
    ref = member_ref("anna.andersson@example.se")
    token = tokens.make_invite_token(SECRET, "natverk-2", ref)
    assert tokens.read_invite_token(SECRET, token) == tokens.InviteToken("natverk-2", ref)
    payload = token.split(".")[0]
    decoded = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert decoded == ["natverk-2", ref], "only the meeting and the member's hash"
    assert "anna" not in token.lower()


@pytest.mark.parametrize(
    "token",
    [
        "",
        "not-a-token",
        tokens.make_invite_token("another-secret-of-enough-length-0123456", "natverk-2", "ab" * 16),
        tokens.make_leave_token(SECRET, SERIES, "ab" * 16, "sv"),  # another kind of link
        tokens.make_token(SECRET, "natverk-2", "registration-id", example_event().starts_at),
    ],
)
def test_a_forged_altered_or_other_kind_of_token_is_refused(token):
    with pytest.raises(tokens.TokenInvalid):
        tokens.read_invite_token(SECRET, token)


def test_the_invitation_link_works_until_the_sign_up_deadline():
    deadline = meeting(2).deadline_at
    tokens.check_invitation_lifetime(deadline, deadline - timedelta(seconds=1))
    with pytest.raises(tokens.TokenExpired):
        tokens.check_invitation_lifetime(deadline, deadline)
