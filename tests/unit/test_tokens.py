"""Links to one's own registration: they carry only ids, follow the event, and cannot be forged."""

from __future__ import annotations

from datetime import timedelta

import pytest
from itsdangerous import URLSafeSerializer

from chalicelib import tokens
from chalicelib.tokens import TokenExpired, TokenInvalid
from tests.helpers import at

SECRET = "test-secret"
ENDS = at("2027-05-24T21:00:00+02:00")
EXPIRES = int((ENDS + tokens.VALID_AFTER_EVENT).timestamp())


def signed(payload):
    return URLSafeSerializer(SECRET, salt=tokens.SALT).dumps(payload)


def test_a_link_carries_the_ids_and_no_address():
    token = tokens.make_token(SECRET, "traff", "reg-1", ENDS)
    assert tokens.read_token(SECRET, token) == tokens.ManageToken("traff", "reg-1", EXPIRES)
    assert "@" not in URLSafeSerializer(SECRET, salt=tokens.SALT).loads(token)


def test_a_link_lives_until_a_week_after_the_event_as_it_stands_now():
    tokens.check_lifetime(ENDS, ENDS + tokens.VALID_AFTER_EVENT - timedelta(seconds=1))
    with pytest.raises(TokenExpired):
        tokens.check_lifetime(ENDS, ENDS + tokens.VALID_AFTER_EVENT)


@pytest.mark.parametrize(
    "token",
    [
        tokens.make_token("another-secret", "traff", "reg-1", ENDS),
        tokens.make_token(SECRET, "traff", "reg-1", ENDS)[:-2] + "xx",
        # Right key, wrong shapes: JSON's `true` is not a whole number of seconds, however Python counts it.
        signed(["traff", "reg-1", True]),
        signed(["traff", "reg-1", str(EXPIRES)]),
        signed(["traff", 7, EXPIRES]),
        signed(["traff", "reg-1", EXPIRES, "extra"]),
        signed({"event": "traff"}),
        # Another kind of link (the organisers' old attendee link, same key, its own salt) is not one.
        URLSafeSerializer(SECRET, salt="signup.organiser-page.v2").dumps(["traff", "reg-1", EXPIRES]),
        "",
    ],
    ids=[
        "other key",
        "altered",
        "bool expiry",
        "string expiry",
        "number id",
        "four fields",
        "object",
        "organiser",
        "empty",
    ],
)
def test_a_forged_or_altered_link_is_invalid(token):
    with pytest.raises(TokenInvalid):
        tokens.read_token(SECRET, token)
