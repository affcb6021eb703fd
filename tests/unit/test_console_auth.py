"""Console sign-in rules without AWS: links, who may sign in, the session cookie, CSRF."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from itsdangerous import URLSafeSerializer

from chalicelib.console import auth
from chalicelib.console.auth import LinkState, SessionInvalid
from tests.helpers import example_event

SECRET = "unit-test-secret"
NOW = datetime(2027, 5, 10, 9, 0, tzinfo=UTC)


def test_a_sign_in_link_is_random_long_and_only_its_hash_is_kept():
    first = auth.new_sign_in_link("Anna.Berg+console@Hudiksvall.se", NOW)
    second = auth.new_sign_in_link("anna.berg@hudiksvall.se", NOW)
    assert first.token != second.token and len(first.token) == 43  # 32 random bytes, URL-safe
    assert auth.plausible_token(first.token)
    assert first.token_hash == auth.hash_token(first.token) and first.token not in first.token_hash
    assert first.email_key == second.email_key == "anna.berg@hudiksvall.se"
    assert first.expires_at == NOW + timedelta(minutes=15)


@pytest.mark.parametrize("token", ["", "x" * 42, "x" * 44, "a" * 42 + "/", "å" * 43, "a" * 42 + "\n"])
def test_a_token_we_could_not_have_made_is_not_plausible(token):
    assert not auth.plausible_token(token)


def test_a_link_is_valid_until_used_or_15_minutes_old():
    expires = NOW + auth.SIGN_IN_VALID
    assert auth.link_state(None, NOW) == LinkState.UNKNOWN
    stored = auth.StoredSignInLink("anna@hudiksvall.se", expires)
    assert auth.link_state(stored, NOW) is LinkState.VALID
    assert auth.link_state(stored, expires - timedelta(seconds=1)) is LinkState.VALID
    assert auth.link_state(stored, expires) is LinkState.EXPIRED
    assert auth.link_state(replace(stored, used_at=NOW), NOW) is LinkState.USED


def test_administrators_and_organisers_of_any_event_may_sign_in_nobody_else():
    admins = auth.admin_keys(" Chef@Hudiksvall.se , ,it@hudiksvall.se")
    assert admins == {"chef@hudiksvall.se", "it@hudiksvall.se"}
    events = [example_event(organisers=["Social.Hallbarhet@hudiksvall.example"])]
    assert auth.may_sign_in("chef@hudiksvall.se", admins, [])
    assert auth.may_sign_in("social.hallbarhet@hudiksvall.example", frozenset(), events)
    assert not auth.may_sign_in("someone@example.se", admins, events)
    assert auth.admin_keys("") == frozenset()


def test_a_session_survives_the_round_trip_through_its_cookie():
    session = auth.new_session("anna@hudiksvall.se", 3, NOW)
    value = auth.encode_session(SECRET, session)
    header = f"other=1; {auth.COOKIE_NAME}={value}; theme=dark"
    assert auth.decode_session(SECRET, auth.cookie_value(header), NOW + timedelta(hours=1)) == session


def test_a_forged_altered_or_missing_cookie_is_no_session():
    value = auth.encode_session(SECRET, auth.new_session("anna@hudiksvall.se", 0, NOW))
    for bad in (None, "", auth.encode_session("another-secret", auth.new_session("x@y.se", 0, NOW)), value[:-2] + "AA"):
        with pytest.raises(SessionInvalid):
            auth.decode_session(SECRET, bad, NOW)


def test_a_cookie_signed_before_the_shared_token_functions_still_reads_and_a_misshaped_one_does_not():
    # The cookie's bytes as the console wrote them when it signed with its own serializer: a deploy
    # must not sign everybody out.
    issued = int(NOW.timestamp())
    written = URLSafeSerializer(SECRET, salt=auth.SESSION_SALT).dumps(["anna@hudiksvall.se", "abc", issued, issued, 2])
    session = auth.decode_session(SECRET, str(written), NOW)
    assert (session.email_key, session.session_id, session.version) == ("anna@hudiksvall.se", "abc", 2)
    assert auth.encode_session(SECRET, session) == str(written)
    for fields in (
        ["anna@hudiksvall.se", "abc", issued, issued, True],  # JSON's true is not a version
        ["anna@hudiksvall.se", "abc", issued, issued],
        ["anna@hudiksvall.se", "abc", str(issued), issued, 2],
        {"person": "anna@hudiksvall.se"},
    ):
        forged = str(URLSafeSerializer(SECRET, salt=auth.SESSION_SALT).dumps(fields))
        with pytest.raises(SessionInvalid):
            auth.decode_session(SECRET, forged, NOW)


def test_a_session_ends_8_hours_after_its_last_use_and_24_hours_after_sign_in():
    session = auth.new_session("anna@hudiksvall.se", 0, NOW)
    idle_end = NOW + timedelta(hours=8)
    assert auth.decode_session(SECRET, auth.encode_session(SECRET, session), idle_end - timedelta(seconds=1))
    with pytest.raises(SessionInvalid):
        auth.decode_session(SECRET, auth.encode_session(SECRET, session), idle_end)
    # Used every few hours, it still ends 24 hours after sign-in.
    busy = replace(session, last_seen=NOW + timedelta(hours=23))
    assert auth.decode_session(SECRET, auth.encode_session(SECRET, busy), NOW + timedelta(hours=23, minutes=59))
    with pytest.raises(SessionInvalid):
        auth.decode_session(SECRET, auth.encode_session(SECRET, busy), NOW + timedelta(hours=24))


def test_a_session_from_the_future_is_refused():
    later = auth.new_session("anna@hudiksvall.se", 0, NOW + timedelta(hours=1))
    with pytest.raises(SessionInvalid):
        auth.decode_session(SECRET, auth.encode_session(SECRET, later), NOW)


def test_signing_out_everywhere_or_on_this_device_ends_the_session():
    session = auth.new_session("anna@hudiksvall.se", 2, NOW)
    assert auth.still_current(session, 2, [])
    assert not auth.still_current(session, 3, [])
    assert not auth.still_current(session, 2, ["other", session.session_id])


def test_the_idle_clock_moves_only_when_it_is_worth_a_new_cookie():
    session = auth.new_session("anna@hudiksvall.se", 0, NOW)
    assert auth.touched(session, NOW + timedelta(minutes=1)) is None
    moved = auth.touched(session, NOW + timedelta(hours=1))
    assert moved is not None and moved.last_seen == NOW + timedelta(hours=1) and moved.issued_at == NOW


def test_the_cookie_is_host_only_secure_http_only_strict_and_dies_with_the_session():
    session = auth.new_session("anna@hudiksvall.se", 0, NOW)
    header = auth.session_cookie("VALUE", session, NOW + timedelta(hours=1))
    parts = [part.strip() for part in header.split(";")]
    assert parts[0] == "__Host-signup-session=VALUE"
    assert set(parts[1:]) == {"Max-Age=25200", "Path=/", "Secure", "HttpOnly", "SameSite=Strict"}
    assert "Domain" not in header
    assert "Max-Age=0" in auth.clearing_cookie() and auth.clearing_cookie().startswith("__Host-signup-session=;")


def test_our_cookie_is_found_beside_a_malformed_one():
    assert auth.cookie_value('bad"cookie=1; __Host-signup-session=abc.def') == "abc.def"
    assert auth.cookie_value("theme=dark") is None
    assert auth.cookie_value(None) is None


def test_the_csrf_token_is_bound_to_the_session_and_compared_whole():
    session = auth.new_session("anna@hudiksvall.se", 0, NOW)
    other = auth.new_session("anna@hudiksvall.se", 0, NOW)
    token = auth.csrf_token(SECRET, session)
    assert auth.csrf_ok(SECRET, session, token)
    assert token != auth.csrf_token(SECRET, other) and not auth.csrf_ok(SECRET, other, token)
    assert token != auth.csrf_token("another-secret", session)
    for bad in (None, "", token[:-1], token + "0", ["list"], "å" * 64):
        assert not auth.csrf_ok(SECRET, session, bad)


@pytest.mark.parametrize(
    ("value", "kept"),
    [
        ("/console/events/natverk-social-hallbarhet", True),
        ("/console/events/natverk-social-hallbarhet/people", True),
        ("/console", False),
        ("https://evil.example/console/events/x", False),
        ("//evil.example/console/events/x", False),
        ("/console//evil.example", False),
        ("/console/events/x\r\nSet-Cookie: a=b", False),
        ("/console/events/x?y=1", False),
        ("/console/../events", False),
        ("/console/events/å", False),
        ("/console/" + "a" * 300, False),
        (None, False),
        (["/console/events/x"], False),
    ],
)
def test_only_a_console_page_is_kept_as_where_to_go_after_signing_in(value, kept):
    assert auth.safe_next(value) == (value if kept else "")
