"""Links to the live attendee page: they expire within days, can be withdrawn, cannot be forged."""

from __future__ import annotations

from datetime import timedelta

import pytest
from itsdangerous import URLSafeSerializer

from chalicelib import tokens
from chalicelib.tokens import TokenExpired, TokenInvalid, TokenWithdrawn
from tests.helpers import at

SECRET = "test-secret"
SENT = at("2027-05-10T07:00:00+02:00")


def test_a_link_works_for_three_days_from_the_digest_that_carried_it():
    token = tokens.make_organiser_token(SECRET, "traff", 0, SENT)
    link = tokens.read_organiser_token(SECRET, token, SENT + tokens.ORGANISER_LINK_VALID - timedelta(seconds=1))
    assert link.event_id == "traff" and link.link_version == 0
    with pytest.raises(TokenExpired):
        tokens.read_organiser_token(SECRET, token, SENT + tokens.ORGANISER_LINK_VALID)


def test_each_day_s_digest_carries_a_different_link():
    today = tokens.make_organiser_token(SECRET, "traff", 0, SENT)
    tomorrow = tokens.make_organiser_token(SECRET, "traff", 0, SENT + timedelta(days=1))
    assert today != tomorrow


def test_a_link_made_before_the_event_s_links_were_withdrawn_is_refused():
    old = tokens.read_organiser_token(SECRET, tokens.make_organiser_token(SECRET, "traff", 0, SENT), SENT)
    with pytest.raises(TokenWithdrawn):
        tokens.ensure_current(old, 1)
    new = tokens.read_organiser_token(SECRET, tokens.make_organiser_token(SECRET, "traff", 1, SENT), SENT)
    tokens.ensure_current(new, 1)


@pytest.mark.parametrize(
    "token",
    [
        tokens.make_organiser_token("another-secret", "traff", 0, SENT),
        tokens.make_organiser_token(SECRET, "traff", 0, SENT)[:-2] + "xx",
        # The old permanent link (event id and the event's end): no longer honoured.
        URLSafeSerializer(SECRET, salt="signup.organiser-page.v1").dumps(["traff", 1_900_000_000]),
        # Right key, wrong shapes.
        URLSafeSerializer(SECRET, salt=tokens.ORGANISER_SALT).dumps(["traff", "0", 1_900_000_000]),
        URLSafeSerializer(SECRET, salt=tokens.ORGANISER_SALT).dumps(["traff", True, 1_900_000_000]),
        URLSafeSerializer(SECRET, salt=tokens.ORGANISER_SALT).dumps({"event": "traff"}),
        # A registration's own link is not an organiser link.
        tokens.make_token(SECRET, "traff", "registration-id", SENT),
        "",
    ],
    ids=["other key", "altered", "v1", "string version", "bool version", "object", "manage link", "empty"],
)
def test_a_forged_or_altered_link_is_invalid(token):
    with pytest.raises(TokenInvalid):
        tokens.read_organiser_token(SECRET, token, SENT)
