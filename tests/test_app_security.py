"""An embedded form on other sites: who may post and frame, bots, redirects, rate limits."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import pytest

import app as signup_app
from chalicelib import config, pages, security, tokens
from tests.helpers import EVENT, FORM, JSON, URL, answers, example_event

MUNICIPALITY = "http://localhost:8000"  # in the local stage's SIGNUP_ALLOWED_ORIGINS
LOCAL_SECRET = "local-only-not-a-secret"


def post(client, body, *, headers, form=False):
    raw = urlencode(body, doseq=True) if form else json.dumps(body)
    return client.http.post(URL, headers={**(FORM if form else JSON), **headers}, body=raw)


def stored(app_store):
    return list(app_store.registrations(EVENT))


def test_a_post_from_another_site_is_refused_with_a_clear_message(client, app_store):
    response = post(client, answers(), headers={"Origin": "https://evil.example"})
    assert response.status_code == 403
    error = json.loads(response.body)["error"]
    assert error["code"] == "forbidden_origin" and "kommunens webbplats" in error["message"]
    form = post(client, answers(), headers={"Origin": "https://evil.example"}, form=True)
    assert form.status_code == 403 and "kommunens webbplats" in form.body.decode()
    assert stored(app_store) == []


def test_without_origin_the_referer_decides(client, app_store):
    response = post(client, answers(), headers={"Referer": "https://evil.example/page"}, form=True)
    assert response.status_code == 403
    assert post(client, answers(), headers={"Referer": f"{MUNICIPALITY}/natverk"}, form=True).status_code == 303


def test_a_sandboxed_or_null_origin_is_refused(client, app_store):
    assert post(client, answers(), headers={"Origin": "null"}).status_code == 403


def test_the_municipality_may_post_and_read_the_answer(client, app_store):
    response = post(client, answers(), headers={"Origin": MUNICIPALITY})
    assert response.status_code == 201
    assert response.headers["Access-Control-Allow-Origin"] == MUNICIPALITY
    assert response.headers["Vary"] == "Origin"


def test_our_own_hosted_form_may_post(client, app_store):
    response = post(
        client, answers(), headers={"Origin": "https://signup.example", "Host": "signup.example"}, form=True
    )
    assert response.status_code == 303


def test_preflight_answers_only_allowed_origins(client):
    allowed = client.http.request("OPTIONS", URL, headers={"Origin": MUNICIPALITY})
    assert allowed.status_code == 204 and allowed.headers["Access-Control-Allow-Origin"] == MUNICIPALITY
    refused = client.http.request("OPTIONS", URL, headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in refused.headers


def test_pages_may_be_framed_only_by_allowed_origins(client):
    response = client.http.get(f"/events/{EVENT}/form")
    policy = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'self' http://localhost:8000;" in policy
    assert "script-src 'self'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_filled_honeypot_in_a_json_post_looks_like_success_and_stores_nothing(client, app_store):
    api = post(client, answers(website="x"), headers={})
    assert api.status_code == 201 and json.loads(api.body)["registration_id"]
    assert stored(app_store) == []


@pytest.mark.parametrize(("lang", "message"), [("sv", "Töm det och skicka igen"), ("en", "Clear it and send again")])
def test_a_filled_honeypot_in_a_form_post_asks_to_clear_it_instead_of_dropping_the_person(
    client, app_store, lang, message
):
    """A form filler can type into the hidden trap for a real person: say so, keep what they typed."""
    response = post(client, answers(website="https://www.example.se", language=lang), headers={}, form=True)
    assert response.status_code == 422
    page = response.body.decode()
    assert message in page and 'id="website-error"' in page
    visible_trap = page.split('id="website"')[1].split(">")[0]
    assert 'value="https://www.example.se"' in visible_trap and "hidden" not in visible_trap
    assert 'value="Åsa Öberg"' in page, "what was typed is kept"
    assert stored(app_store) == []
    cleared = post(client, answers(website="", language=lang), headers={}, form=True)
    assert cleared.status_code == 303 and len(stored(app_store)) == 1


def test_the_honeypot_is_hidden_by_its_own_markup_not_by_a_stylesheet(client):
    """The pasted form lands on a page with none of our CSS (the browser tests render it bare)."""
    for page in (client.http.get(f"/events/{EVENT}/form").body.decode(), web_snippet_form()):
        wrapper = page.split('<input type="text" id="website"')[0].rsplit("<div", 1)[1]
        assert " hidden" in wrapper and "display:none !important" in wrapper and 'aria-hidden="true"' in wrapper
        trap = page.split('id="website"')[1].split(">")[0]
        assert 'tabindex="-1"' in trap and 'autocomplete="off"' in trap


def web_snippet_form():
    return pages.Pages(config).embed_snippets(example_event(), "sv", "https://signup.example")[1]


def test_the_hosted_form_filled_in_too_fast_is_dropped_but_a_person_gets_through(client, app_store, clock):
    page = client.http.get(f"/events/{EVENT}/form").body.decode()
    token = page.split('name="form_token" value="')[1].split('"')[0]
    assert post(client, answers(form_token=token), headers={}, form=True).status_code == 303
    assert stored(app_store) == [], "posted within a second of rendering: a script"
    later = datetime.now(UTC) + timedelta(seconds=security.MIN_FILL_SECONDS + 1)
    clock.set(later)
    assert post(client, answers(form_token=token), headers={}, form=True).status_code == 303
    assert len(stored(app_store)) == 1


def test_a_forged_form_token_is_dropped(client, app_store):
    forged = security.form_token("not-our-secret", EVENT, datetime.now(UTC) - timedelta(minutes=5))
    post(client, answers(form_token=forged), headers={}, form=True)
    assert stored(app_store) == []


@pytest.mark.parametrize(
    ("redirect", "expected"),
    [
        (f"{MUNICIPALITY}/tack", f"{MUNICIPALITY}/tack"),
        ("https://evil.example/phish", "thanks?status=confirmed&lang=sv"),
        ("//evil.example/phish", "thanks?status=confirmed&lang=sv"),
        ("javascript:alert(1)", "thanks?status=confirmed&lang=sv"),
    ],
)
def test_redirect_only_to_allowed_origins(client, app_store, redirect, expected):
    response = post(client, answers(redirect=redirect), headers={}, form=True)
    assert response.headers["Location"] == expected


@pytest.mark.parametrize(
    ("redirect", "expected"),
    [
        (f"{MUNICIPALITY}/tack\r\nSet-Cookie: session=evil", "thanks?status=confirmed&lang=sv"),
        (f"{MUNICIPALITY}/tack\nX: y", "thanks?status=confirmed&lang=sv"),
        (f"{MUNICIPALITY}/tack\r", f"{MUNICIPALITY}/tack"),  # trimmed, like every other field
        (f"{MUNICIPALITY}/tack\rX: y", "thanks?status=confirmed&lang=sv"),
        (f"{MUNICIPALITY}/a b", "thanks?status=confirmed&lang=sv"),
        (f"{MUNICIPALITY}/tack\x00", "thanks?status=confirmed&lang=sv"),
        (f"{MUNICIPALITY}/tack\u202e", "thanks?status=confirmed&lang=sv"),
        ("http://[evil.example/", "thanks?status=confirmed&lang=sv"),
        (f"{MUNICIPALITY}/tack-för-anmälan–2027", f"{MUNICIPALITY}/tack-f%C3%B6r-anm%C3%A4lan%E2%80%932027"),
        ("http://exämple.se/tack", "thanks?status=confirmed&lang=sv"),
    ],
)
def test_a_redirect_that_cannot_be_a_header_falls_back_and_the_registration_stands(
    client, app_store, redirect, expected
):
    response = post(client, answers(redirect=redirect), headers={}, form=True)
    assert response.status_code == 303
    assert response.headers["Location"] == expected
    assert response.headers["Location"].isascii()
    assert len(stored(app_store)) == 1


def test_diet_is_kept_only_with_its_own_consent(client, app_store):
    response = post(client, answers(diet="Glutenfri", diet_consent=None), headers={}, form=True)
    assert response.status_code == 422
    page = response.body.decode()
    assert 'id="diet_consent-error"' in page and "Kryssa i samtycket" in page
    assert stored(app_store) == []
    assert post(client, answers(diet="", diet_consent=None), headers={}).status_code == 201


def test_too_many_sign_ups_from_one_sender_get_429(client, app_store, monkeypatch, clock):
    from chalicelib.store import limits as store_limits
    from tests.helpers import early_in_a_sender_window

    clock.set(early_in_a_sender_window())
    monkeypatch.setattr(store_limits, "REGISTRATIONS_PER_CLIENT_WINDOW", 2)
    codes = [post(client, answers(email=f"p{i}@example.se"), headers={}).status_code for i in range(3)]
    assert codes == [201, 201, 429]
    assert (
        "Vänta tio minuter"
        in json.loads(post(client, answers(email="x@example.se"), headers={}).body)["error"]["message"]
    )
    assert len(stored(app_store)) == 2


@pytest.mark.parametrize(("setting", "codes"), [("2", [201, 201, 429]), ("40", [201] * 32)])
def test_the_stage_sets_the_sender_limit_without_patching(client, app_store, monkeypatch, clock, setting, codes):
    """`chalice local` reports every caller as 127.0.0.1: a local load test raises the stage's limit."""
    from tests.helpers import early_in_a_sender_window

    clock.set(early_in_a_sender_window())
    monkeypatch.setenv(config.REGISTRATIONS_PER_SENDER, setting)
    sent = [post(client, answers(email=f"s{i}@example.se"), headers={}).status_code for i in range(len(codes))]
    assert sent == codes


def test_the_contract_is_published_as_openapi(client):
    document = json.loads(client.http.get("/openapi.json").body)
    assert document["openapi"].startswith("3.")
    assert "/events/{event_id}/registrations" in document["paths"]


def test_the_resize_script_is_served_as_javascript(client):
    response = client.http.get("/embed.js")
    assert response.headers["Content-Type"].startswith("text/javascript")
    assert "postMessage" in response.body.decode()


def test_a_person_correcting_a_mistake_quickly_is_not_taken_for_a_bot(client, app_store, clock):
    rendered = datetime.now(UTC)
    clock.set(rendered)
    page = client.http.get(f"/events/{EVENT}/form").body.decode()
    token = page.split('name="form_token" value="')[1].split('"')[0]
    first_try = rendered + timedelta(seconds=40)
    clock.set(first_try)
    corrected = post(client, answers(email="fel", form_token=token), headers={}, form=True)
    assert corrected.status_code == 422
    kept = corrected.body.decode().split('name="form_token" value="')[1].split('"')[0]
    assert kept == token, "the re-rendered form keeps the first render's time"
    clock.set(first_try + timedelta(seconds=1))  # fixed in a second
    assert post(client, answers(form_token=kept), headers={}, form=True).status_code == 303
    assert len(stored(app_store)) == 1


@pytest.mark.parametrize(
    ("fields", "language", "says"),
    [
        ({"name": "Åsa \u202eexe.gpj"}, "sv", "Ta bort osynliga tecken"),
        ({"organisation": "Bank\u200bID support"}, "en", "Please remove invisible characters"),
        ({"organisation": "Logga in på www.bankid-hjalp.example"}, "sv", "Ta bort webbadressen"),
        ({"name": "Åsa, se https://evil.example"}, "en", "Please remove the web address"),
        ({"email": "åsa.öberg@example.se"}, "sv", "Vi kan inte skicka e-post till en adress med å, ä, ö"),
        ({"email": "åsa.öberg@example.se"}, "en", "We cannot send email to an address with letters such as å"),
    ],
)
def test_what_a_single_line_field_or_an_address_cannot_hold_is_refused_in_the_forms_language(
    client, app_store, fields, language, says
):
    form = post(client, answers(**fields, language=language), headers={}, form=True)
    assert form.status_code == 422
    assert says in form.body.decode()
    api = post(client, answers(**fields, language=language), headers={})
    assert api.status_code == 422
    assert json.loads(api.body)["error"]["fields"][next(iter(fields))].startswith(says)
    assert stored(app_store) == []


# Every route the app serves, so a route added later is checked too.
ROUTES = sorted((path, method) for path, methods in signup_app.app.routes.items() for method in methods)
REGISTRATION_ROUTE = [("/events/{event_id}/registrations", "POST"), ("/events/{event_id}/registrations", "OPTIONS")]
TOKEN_ROUTES = {"/registrations/{token}", "/registrations/{token}/confirm", "/console/sign-in/{token}"}


def request_route(client, route, method, token="forged"):  # noqa: S107 (a path segment)
    path = route.replace("{event_id}", EVENT).replace("{token}", token)
    body = json.dumps(answers()) if method == "POST" else None
    return client.http.request(method, path, headers={**JSON, "Origin": MUNICIPALITY}, body=body)


def access_control_headers(response):
    return sorted(name for name in response.headers if name.lower().startswith("access-control-"))


def test_the_route_table_holds_the_registration_and_token_routes():
    assert set(REGISTRATION_ROUTE) <= set(ROUTES) and TOKEN_ROUTES <= {path for path, _ in ROUTES}


@pytest.mark.parametrize(("route", "method"), ROUTES, ids=[f"{method} {route}" for route, method in ROUTES])
def test_cors_only_on_the_registration_route_and_a_referrer_policy_on_every_response(client, app_store, route, method):
    response = request_route(client, route, method)
    assert response.status_code < 500
    if (route, method) in REGISTRATION_ROUTE:
        assert response.headers["Access-Control-Allow-Origin"] == MUNICIPALITY
        assert response.headers["Access-Control-Allow-Methods"] == "POST, OPTIONS"
    else:
        assert access_control_headers(response) == [], "an allowed origin still gets no CORS here"
    # Any route whose path carries a secret token (a later one, such as an edit form, too). The console
    # sends nothing to other sites and keeps the Origin of its own forms (no-referrer would make it "null").
    expected = "no-referrer" if "{token}" in route else "strict-origin-when-cross-origin"
    if route.startswith("/console"):
        expected = "same-origin"
    assert response.headers["Referrer-Policy"] == expected


def test_pages_behind_a_working_secret_link_send_no_referrer_and_no_cors(client, app_store):
    """The token is the whole of the access control: it must not leak to a site the page links to."""
    post(client, answers(), headers={})
    (registration,) = stored(app_store)
    event = app_store.get_event(EVENT)
    manage = tokens.make_token(LOCAL_SECRET, EVENT, registration.registration_id, event.ends_at_or_default)
    for route, method, token in (
        ("/registrations/{token}", "GET", manage),
        ("/registrations/{token}", "POST", manage),
    ):
        response = request_route(client, route, method, token)
        assert response.status_code == 200, (route, method)
        assert "Åsa Öberg" in response.body.decode() or method == "POST"
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert response.headers["Cache-Control"] == "no-store"
        assert access_control_headers(response) == []


def test_an_unparseable_origin_is_refused_not_a_crash(client, app_store):
    response = post(client, answers(), headers={"Origin": "http://[evil.example"})
    assert response.status_code == 403 and stored(app_store) == []


def test_an_unparseable_referer_counts_as_none(client, app_store):
    # As with no Referer at all: not a browser form, so an API client posting from its server.
    response = post(client, answers(), headers={"Referer": "http://[evil.example/form"})
    assert response.status_code == 201
