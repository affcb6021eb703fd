"""The published OpenAPI document describes every route the app serves, validates as
OpenAPI 3.1, and says exactly what the registration validator accepts."""

from __future__ import annotations

import json

import pytest
from openapi_spec_validator import validate

import app as signup_app
from chalicelib import openapi
from chalicelib.registrations import EmailState, Status
from tests.helpers import EVENT, answers, matched, open_event, post_json

REGISTRATIONS = "/events/{event_id}/registrations"


def body_schema(document, media_type="application/json"):
    return document["paths"][REGISTRATIONS]["post"]["requestBody"]["content"][media_type]["schema"]


def chalice_routes():
    return {(path, method.lower()) for path, methods in signup_app.app.routes.items() for method in methods}


def documented_routes(document):
    return {(path, method) for path, item in document["paths"].items() for method in item}


def test_every_route_the_app_serves_is_documented_and_nothing_else():
    assert documented_routes(openapi.document()) == chalice_routes()


def test_the_event_document_describes_the_same_routes():
    assert documented_routes(openapi.document(open_event())) == chalice_routes()


@pytest.mark.parametrize("event", [None, open_event()], ids=["general", "one event"])
def test_the_document_is_valid_openapi(event):
    validate(openapi.document(event))


def test_the_answer_s_status_and_email_lists_come_from_the_enums():
    answer = openapi.document()["components"]["schemas"]["Registered"]["properties"]
    assert answer["status"]["enum"] == ["confirmed", "pending", "waitlisted"]
    assert set(answer["status"]["enum"]) == set(Status) - {Status.CANCELLED}, "a sign-up is never answered cancelled"
    assert answer["email"]["enum"] == ["sent", "failed", "suppressed", "limited"]
    assert set(answer["email"]["enum"]) == set(EmailState) - {EmailState.SENDING, EmailState.GAVE_UP}
    assert all(type(value) is str for value in answer["status"]["enum"] + answer["email"]["enum"]), "plain data"


def test_both_documents_are_served(client):
    general = client.http.get("/openapi.json")
    assert general.status_code == 200 and json.loads(general.body) == openapi.document()
    one = json.loads(client.http.get(f"/events/{EVENT}/openapi.json").body)
    assert one["paths"]["/events/{event_id}"]["get"]["parameters"][0]["schema"]["enum"] == [EVENT]
    missing = client.http.get("/events/no-such-event/openapi.json")
    assert missing.status_code == 404 and json.loads(missing.body)["error"]["code"] == "event_not_found"


def test_name_and_organisation_need_a_character_that_is_not_a_space():
    schema = body_schema(openapi.document())
    for name in ("name", "organisation", "email"):
        assert schema["properties"][name]["minLength"] == 1
        assert name in schema["required"]


def test_the_meal_answer_is_required_exactly_when_the_event_serves_a_meal():
    assert "meal" in body_schema(openapi.document(open_event()))["required"]
    without_meal = body_schema(openapi.document(open_event(meal_at=None)))
    assert "meal" not in without_meal["required"] and "meal" not in without_meal["properties"]
    general = body_schema(openapi.document())
    assert "meal" not in general["required"] and "serves a meal" in general["description"]


def test_form_posts_and_their_html_answers_are_documented():
    operation = openapi.document()["paths"][REGISTRATIONS]["post"]
    assert set(operation["requestBody"]["content"]) == {"application/json", "application/x-www-form-urlencoded"}
    assert "Location" in operation["responses"]["303"]["headers"]
    assert "text/html" in operation["responses"]["422"]["content"]


def test_the_form_accepts_only_the_events_interest_areas():
    schema = body_schema(openapi.document(open_event()))
    single = schema["properties"]["interests"]["anyOf"][0]["oneOf"][0]["pattern"]
    assert "barn-och-unga" in single


# -- The schema and the validator agree ----------------------------------------
# jsonschema (installed with openapi-spec-validator) checks bodies against the
# schema; the app decides on the same bodies. Each case is one the two could read
# differently.

CASES = [
    answers(),
    answers(name=" "),
    answers(name="Åsa\nÖberg"),
    answers(name="Å" * 200),
    answers(name="Å" * 201),
    answers(organisation=""),
    answers(message="Rad ett\r\nRad två\ttabb"),
    answers(message="a\x00b"),
    answers(meal=None),
    answers(meal=""),
    answers(meal="JA "),
    answers(meal=1),
    answers(meal="no", diet="Glutenfri", diet_consent=None),
    answers(diet_consent=None),
    answers(diet=" ", diet_consent=None),
    answers(diet_consent="maybe", meal="no"),
    answers(attended_before=""),
    answers(sector="Company"),
    answers(sector="unknown"),
    answers(language="de"),
    answers(language=""),
    answers(interests="barn-och-unga"),
    answers(interests=["okänd"]),
    answers(interests=[""]),
    answers(interests=["", "barn-och-unga"]),
    answers(interests=""),
    answers(email="inte-en-adress"),
    answers(email="asa@kommunen.test"),
    answers(email="asa@kommunen.LOCAL "),
    answers(email="asa@test.example.se"),
    answers(email="åsa@example.se"),
    answers(email="asa@exämple.se"),
    answers(name="www.evil.se"),
    answers(name="Åsa =?utf-8?q?x?="),
    answers(name="Å\u200bsa"),
    answers(organisation="Evil。se"),
    answers(organisation="Röda Korset, Hudiksvall"),
]


@pytest.mark.parametrize("body", CASES, ids=[str(index) for index in range(len(CASES))])
def test_the_app_accepts_a_registration_exactly_when_the_schema_does(client, app_store, body):
    from jsonschema import Draft202012Validator, FormatChecker

    schema = body_schema(openapi.document(open_event()))
    valid = Draft202012Validator(schema, format_checker=FormatChecker()).is_valid(body)
    response = post_json(client, body)
    assert response.status_code in (200, 201, 422), response.body
    assert (response.status_code < 400) == valid, response.body


def test_an_unknown_language_falls_back_to_swedish_as_the_document_says(client):
    lang = next(
        parameter
        for parameter in openapi.document()["paths"]["/events/{event_id}/form"]["get"]["parameters"]
        if parameter["name"] == "lang"
    )
    assert "enum" not in lang["schema"] and "falls back to Swedish" in lang["description"]
    response = client.http.get(f"/events/{EVENT}/form?lang=AAA")
    assert response.status_code == 200 and '<html lang="sv">' in response.body.decode()
    english = client.http.get(f"/events/{EVENT}/form?lang=en-GB")
    assert '<html lang="en">' in english.body.decode()


EDITS = [
    {"name": "Åsa Öberg", "organisation": "Röda Korset", "sector": "public", "meal": "no"},
    {"name": " ", "organisation": "Röda Korset", "sector": "public", "meal": "no"},
    {"name": "www.evil.se", "organisation": "Röda Korset", "sector": "public", "meal": "no"},
    {"name": "Åsa", "organisation": "Röda Korset", "sector": "public", "meal": "yes", "diet": "Glutenfri"},
    {"name": "Åsa", "organisation": "Röda Korset", "sector": "public"},
]


@pytest.mark.parametrize("edit", EDITS, ids=[str(index) for index in range(len(EDITS))])
def test_the_manage_page_saves_an_edit_exactly_when_the_schema_accepts_it(client, app_store, moto_endpoint, edit):
    from urllib.parse import urlencode

    from jsonschema import Draft202012Validator

    from tests.helpers import FORM
    from tests.mailbox import sent_mail

    post_json(client, answers())
    text = sent_mail(moto_endpoint)[0].get_body(preferencelist=("plain",)).get_content()
    path = "/registrations/" + matched(r"/registrations/([\w.-]+)", text).group(1)
    operation = openapi.document(open_event())["paths"]["/registrations/{token}"]["post"]
    schema = operation["requestBody"]["content"]["application/x-www-form-urlencoded"]["schema"]
    body = {**edit, "action": "update"}
    valid = Draft202012Validator(schema).is_valid(body)
    response = client.http.post(path, headers=FORM, body=urlencode(body))
    assert response.status_code in (200, 422), response.body[:300]
    assert (response.status_code == 200) == valid
    for cancel in ({"action": "cancel"}, {}, None, [], "x"):
        assert Draft202012Validator(schema).is_valid(cancel)
