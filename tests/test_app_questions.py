"""The organisers' own questions over HTTP: the form, form posts, JSON, the event's JSON and its
OpenAPI document, with refusals said per field in the form's language."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import jsonschema
import pytest

from tests.helpers import CUSTOM_QUESTIONS, EVENT, answers, error_of, open_event, post_form, post_json


@pytest.fixture
def questions(app_store):
    app_store.put_event(open_event(questions=CUSTOM_QUESTIONS), datetime.now(UTC))
    return app_store


def test_the_form_asks_each_question_accessibly(client, questions):
    page = client.http.get(f"/events/{EVENT}/form").body.decode()
    # A group of choices is a fieldset named by its legend; a hint is tied to what it describes.
    assert '<fieldset id="q_workshop">' in page
    assert "<legend>Vilken workshop väljer du? <span" in page
    assert '<fieldset id="q_presentera" aria-describedby="q_presentera-hint">' in page
    assert '<p class="hint" id="q_presentera-hint">Fem minuter var i början av träffen.</p>' in page
    assert 'Robotik i vården <span class="hint">(2 platser kvar)</span>' in page
    assert '<input type="text" inputmode="numeric" id="q_kollegor" name="q_kollegor"' in page
    # Without a script the conditional question shows, saying when to answer it.
    assert 'data-show-when="q_workshop" data-show-values="natur"' in page
    assert "Svara bara om du svarade ”Naturvandring” på frågan ”Vilken workshop väljer du?”." in page
    # The sensitive question has its own consent.
    assert 'name="q_tro_consent" value="yes"' in page


def test_the_form_in_english_uses_the_english_texts(client, questions):
    page = client.http.get(f"/events/{EVENT}/form?lang=en").body.decode()
    assert "Which workshop do you choose?" in page and "Robotics in care" in page
    assert "Only answer if you answered “Nature walk” to the question “Which workshop do you choose?”." in page
    # No English given for a choice: the Swedish shows.
    assert "På morgonen" in page


def test_a_form_post_stores_the_answers(client, questions):
    response = post_form(
        client,
        answers(
            q_workshop="natur", q_skor="42", q_presentera="yes", q_kollegor="2", q_tro=["kvall"], q_tro_consent="yes"
        ),
    )
    assert response.status_code == 303
    (registration,) = questions.registrations(EVENT)
    assert registration.answers.custom == {
        "presentera": True,
        "workshop": "natur",
        "skor": "42",
        "kollegor": 2,
        "tro": ("kvall",),
    }


def test_a_form_post_with_mistakes_shows_each_at_its_question_in_swedish(client, questions):
    response = post_form(client, answers(q_kollegor="9", q_tro="morgon"))
    assert response.status_code == 422
    page = response.body.decode()
    assert '<p class="field-error" id="q_workshop-error">Välj ett av alternativen.</p>' in page
    assert '<p class="field-error" id="q_kollegor-error">Skriv ett tal som är 5 eller mindre.</p>' in page
    assert "Kryssa i samtycket om vi ska spara ditt svar" in page
    # The summary names the question by its label and links to it.
    assert '<a href="#q_workshop">Vilken workshop väljer du?: Välj ett av alternativen.</a>' in page
    assert 'aria-describedby="q_kollegor-error" aria-invalid="true"' in page
    assert 'value="9"' in page
    assert list(questions.registrations(EVENT)) == []


def test_json_refusals_name_the_fields_in_the_requests_language(client, questions):
    response = post_json(client, answers(language="en", q_workshop="yoga", q_kollegor="två"))
    assert response.status_code == 422
    assert error_of(response)["fields"] == {
        "q_workshop": "Please choose one of the options.",
        "q_kollegor": "Please enter a whole number, for example 3.",
    }
    swedish = post_json(client, answers(q_workshop="natur", q_tro=["morgon", "kvall"], q_tro_consent=True))
    assert error_of(swedish)["fields"] == {"q_tro": "Välj högst 1 av alternativen."}


def test_a_full_choice_is_refused_with_a_message_and_shown_as_full(client, questions):
    for number in range(2):
        assert post_json(client, answers(email=f"r{number}@example.se", q_workshop="robotik")).status_code == 201
    response = post_json(client, answers(email="late@example.se", q_workshop="robotik"))
    assert response.status_code == 422
    assert error_of(response)["fields"] == {"q_workshop": "Det alternativet är fullt. Välj ett annat."}
    page = client.http.get(f"/events/{EVENT}/form").body.decode()
    assert 'value="robotik" disabled> Robotik i vården <span class="hint">(fullt)</span>' in page
    public = json.loads(client.http.get(f"/events/{EVENT}").body)
    workshop = next(question for question in public["custom_questions"] if question["id"] == "workshop")
    assert workshop["choices"][0] == {
        "id": "robotik",
        "title": {"sv": "Robotik i vården", "en": "Robotics in care"},
        "limited": True,
        "full": True,
    }


def test_the_events_json_and_openapi_describe_the_questions(client, questions):
    public = json.loads(client.http.get(f"/events/{EVENT}").body)
    assert [question["field"] for question in public["custom_questions"]] == [
        "q_presentera",
        "q_workshop",
        "q_skor",
        "q_kollegor",
        "q_tro",
    ]
    document = json.loads(client.http.get(f"/events/{EVENT}/openapi.json").body)
    body = document["paths"]["/events/{event_id}/registrations"]["post"]["requestBody"]["content"]
    schema = {**body["application/json"]["schema"], "components": document.get("components", {})}
    assert "q_workshop" in schema["required"]
    validator = jsonschema.Draft202012Validator(schema)
    assert validator.is_valid(answers(q_workshop="natur"))
    assert not validator.is_valid(answers())  # the required workshop
    assert not validator.is_valid(answers(q_workshop="natur", q_kollegor=6))
    assert not validator.is_valid(answers(q_workshop="natur", q_tro=["morgon"]))  # no consent
    assert validator.is_valid(answers(q_workshop="natur", q_tro=["morgon"], q_tro_consent="ja"))
    # The shoe size is asked only for the nature walk: otherwise anything sent is ignored.
    assert validator.is_valid(answers(q_workshop="robotik", q_skor="x" * 50))
    assert not validator.is_valid(answers(q_workshop="natur", q_skor="x" * 50))
    form = body["application/x-www-form-urlencoded"]["schema"]
    assert form["properties"]["q_kollegor"]["pattern"].count("0*") == 5


def test_the_owner_changes_a_choice_behind_their_link(client, questions, moto_endpoint):
    from tests.mailbox import sent_mail

    post_json(client, answers(q_workshop="robotik"))
    (message,) = sent_mail(moto_endpoint)
    link = next(
        line for line in message.get_body(preferencelist=("plain",)).get_content().split() if "/registrations/" in line
    )
    path = link[link.index("/registrations/") :]
    page = client.http.get(path).body.decode()
    assert 'value="robotik" checked' in page
    response = post_form(client, {**answers(q_workshop="natur"), "action": "update"}, path=path)
    assert response.status_code in (200, 303)
    (registration,) = questions.registrations(EVENT)
    assert registration.answers.custom["workshop"] == "natur"
    assert questions.get_event(EVENT).choice_counts == {"workshop:robotik": 0, "workshop:natur": 1}
