"""Property-based fuzzing of the public contract: no 5xx, and never a half-written registration."""

from __future__ import annotations

import json
from collections import Counter
from urllib.parse import urlencode

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib.fields import for_event
from chalicelib.security import FORM_TOKEN_FIELD, HONEYPOT_FIELD
from tests.helpers import EVENT, URL, answers, example_event

# Every field of the demo meeting's table (its own questions included), and the form's own hidden
# fields (redirect, honeypot, render token).
FIELDS = for_event(example_event())
FIELD_NAMES = [field.name for field in FIELDS] + ["redirect", HONEYPOT_FIELD, FORM_TOKEN_FIELD]
# Values each field would accept, and one just over each limit.
CHOICES = [choice for field in FIELDS for choice in field.choices] + ["yes", "no", "barn-och-unga", "a@b.se", "3"]
OVER_LIMITS = ["å" * (field.max_length + 1) for field in FIELDS if field.max_length]
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=300),
    st.sampled_from([*CHOICES, *OVER_LIMITS, "Åsa\r\nBcc: x"]),
)
values = st.one_of(scalars, st.lists(scalars, max_size=4), st.dictionaries(st.text(max_size=5), scalars, max_size=3))
bodies = st.dictionaries(st.sampled_from(FIELD_NAMES) | st.text(max_size=10), values, max_size=12)
valid_ish = st.builds(
    lambda overrides: {**answers(), **overrides}, st.dictionaries(st.sampled_from(FIELD_NAMES), values, max_size=3)
)
content_types = st.sampled_from(
    [
        "application/json",
        "application/x-www-form-urlencoded",
        "text/plain",
        "application/json; charset=utf-8",
        "multipart/form-data",
        "",
    ]
)
raw_bytes = st.binary(max_size=200)
# The allowed origin (the local stage's) followed by anything: line breaks, spaces, non-ASCII,
# controls; the target becomes a Location header after the registration is stored.
MUNICIPALITY = "http://localhost:8000"
redirects = st.one_of(
    st.builds(lambda tail: f"{MUNICIPALITY}/{tail}", st.text(max_size=30)),
    st.sampled_from([f"{MUNICIPALITY}/tack\r\nSet-Cookie: a=b", f"{MUNICIPALITY}/tack-för", "http://[x", " \t"]),
)
valid_with_redirect = st.builds(lambda redirect: {**answers(), "redirect": redirect}, redirects)


def nested(depth, key, kind):
    """A JSON object whose field is `depth` lists or objects deep (thousands fit in 16 kB)."""
    if kind == "list":
        return "{" + json.dumps(key) + ": " + "[" * depth + "]" * depth + "}"
    return "{" + json.dumps(key) + ": " + '{"a": ' * depth + "1" + "}" * depth + "}"


deep_json = st.builds(
    nested, st.integers(min_value=1, max_value=8000), st.sampled_from(FIELD_NAMES), st.sampled_from(["list", "object"])
)


def encode(body, content_type):
    if "urlencoded" in content_type:
        flat = {key: value if isinstance(value, (str, list)) else json.dumps(value) for key, value in body.items()}
        return urlencode(flat, doseq=True)
    return json.dumps(body)


@settings(
    max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(
    body=st.one_of(bodies, valid_ish, valid_with_redirect),
    content_type=content_types,
    garbage=st.one_of(st.none(), raw_bytes, deep_json),
    lang=st.sampled_from(["sv", "en", "xx", ""]),
)
def test_any_request_gets_a_4xx_or_a_success_and_the_store_stays_consistent(
    client, app_store, body, content_type, garbage, lang
):
    before = list(app_store.registrations(EVENT))
    payload = garbage if garbage is not None else encode(body, content_type)
    headers = {"Content-Type": content_type} if content_type else {}
    response = client.http.post(f"{URL}?lang={lang}", headers=headers, body=payload)
    assert response.status_code < 500, response.body[:300]
    location = response.headers.get("Location", "")
    assert location.isascii() and location.isprintable() and " " not in location, location
    after = list(app_store.registrations(EVENT))
    event = app_store.get_event(EVENT)
    # The counters always equal the items: nothing half-written, whatever came in.
    assert event.confirmed_count == sum(r.status == "confirmed" for r in after)
    assert event.waitlist_count == sum(r.status == "waitlisted" for r in after)
    # ... and so do the choices' place counts.
    held = Counter(place for r in after for place in r.answers.places)
    assert {place: count for place, count in event.choice_counts.items() if count} == dict(held)
    if response.status_code >= 400:
        assert after == before
    if response.status_code >= 400 and response.headers.get("Content-Type", "").startswith("application/json"):
        error = json.loads(response.body)["error"]
        assert error["code"] and error["message"]
