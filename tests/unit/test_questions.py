"""The organisers' own questions: read from the event's TOML, and the answers validated per type."""

from __future__ import annotations

import copy
from dataclasses import replace

import pytest

from chalicelib import fields, i18n
from chalicelib.console.events import GENERAL, event_from_form, event_mapping, event_toml, form_values
from chalicelib.console.questions import question_errors
from chalicelib.errors import ChoiceFull, ValidationFailed
from chalicelib.events import EventFileError, EventProblem, parse_event_toml
from chalicelib.forms import parse_answers
from chalicelib.registrations import change_answers, register
from tests.fakes import InMemoryStore
from tests.helpers import CUSTOM_QUESTIONS, EVENT, answers, at, example_event, question_event

NOW = at("2027-05-01T12:00:00+02:00")


def event_problems(questions, **overrides):
    with pytest.raises(EventFileError) as error:
        example_event(questions=questions, **overrides)
    return {problem.key: problem.code for problem in error.value.details}


def answer_problems(raw, event=None):
    with pytest.raises(ValidationFailed) as error:
        parse_answers(raw, event or question_event())
    return {name: code for name, (code, _params) in error.value.fields.items()}


def with_question(index, **changes):
    questions = copy.deepcopy(CUSTOM_QUESTIONS)
    questions[index].update(changes)
    for key in [key for key, value in changes.items() if value is None]:
        del questions[index][key]
    return questions


# -- the event description ------------------------------------------------------------------------


def test_questions_are_read_with_their_labels_choices_limits_and_condition():
    event = question_event()
    workshop = event.custom_question("workshop")
    assert [question.id for question in event.custom_questions] == ["presentera", "workshop", "skor", "kollegor", "tro"]
    assert workshop.label == {"sv": "Vilken workshop väljer du?", "en": "Which workshop do you choose?"}
    assert [(choice.id, choice.limit) for choice in workshop.choices] == [("robotik", 2), ("natur", None)]
    assert event.place_limits == {"workshop:robotik": 2}
    assert event.custom_question("skor").show_when.values == ("natur",)
    assert event.custom_question("tro").sensitive
    # The fixed questions stay switched on when [[questions]] replaces the [questions] table.
    assert event.asks("diet") and event.asks("message")


def test_fixed_questions_are_switched_in_standard_questions_beside_custom_ones():
    event = question_event(standard_questions={"message": False})
    assert not event.asks("message") and event.asks("diet")


def test_the_old_questions_table_still_switches_fixed_questions():
    assert not example_event(questions={"message": False}, standard_questions=None).asks("message")
    assert event_problems({"message": False}, standard_questions={"diet": False}) == {
        "standard_questions": "questions_twice"
    }


@pytest.mark.parametrize(
    ("changes", "key", "code"),
    [
        ({"id": "Workshop"}, "questions[1].id", "question_id"),
        ({"id": "val_consent"}, "questions[1].id", "question_id_consent"),
        ({"id": "presentera"}, "questions[1].id", "question_twice"),
        ({"type": "dropdown"}, "questions[1].type", "question_type"),
        ({"label": {"en": "Which workshop?"}}, "questions[1].label", "swedish_required"),
        ({"label": None}, "questions[1].label", "missing"),
        ({"required": "ja"}, "questions[1].required", "boolean"),
        ({"max_length": 10}, "questions[1].max_length", "question_key_for_type"),
        ({"choices": []}, "questions[1].choices", "choices_shape"),
        ({"choices": [{"id": "a", "sv": "A"}, "b"]}, "questions[1].choices[1]", "choices_shape"),
        ({"choices": [{"id": "a", "sv": "A"}, {"id": "a", "sv": "B"}]}, "questions[1].choices[1].id", "choice_twice"),
        ({"choices": [{"id": "a", "en": "A"}]}, "questions[1].choices[0].sv", "choice_name"),
        ({"choices": [{"id": "a", "sv": "A", "limit": 0}]}, "questions[1].choices[0].limit", "seats"),
        ({"colour": "red"}, "questions[1].colour", "unknown_key"),
    ],
)
def test_a_question_with_a_mistake_is_refused_naming_its_key(changes, key, code):
    found = event_problems(with_question(1, **changes))
    # (A question that depends on a refused one is refused too: `skor` below asks about the workshop.)
    assert {name: problem for name, problem in found.items() if name.startswith("questions[1]")} == {key: code}


def test_a_question_that_is_not_a_table_is_refused_where_it_stands():
    assert event_problems([CUSTOM_QUESTIONS[0], "workshop"]) == {"questions[1]": "question_shape"}


def test_limits_must_fit_the_type():
    assert event_problems(with_question(3, min=5, max=1)) == {"questions[3].max": "min_above_max"}
    assert event_problems(with_question(0, max_length=300, type="short_text")) == {
        "questions[0].max_length": "whole_number"
    }
    assert event_problems(with_question(4, max_choices=3)) == {"questions[4].max_choices": "whole_number"}


def test_show_when_must_name_a_question_above_and_one_of_its_answers():
    assert event_problems(with_question(2, show_when={"question": "kollegor", "equals": 1})) == {
        "questions[2].show_when.question": "show_when_question"
    }
    assert event_problems(with_question(2, show_when={"question": "workshop", "equals": "yoga"})) == {
        "questions[2].show_when.equals": "show_when_value"
    }
    assert event_problems(with_question(0, show_when={"question": "meal", "equals": "ja"})) == {
        "questions[0].show_when.equals": "show_when_value"
    }
    assert event_problems(with_question(0, show_when={"question": "workshop"})) == {
        "questions[0].show_when": "show_when_shape"
    }


def test_the_cli_sentence_names_the_key_in_english():
    with pytest.raises(EventFileError) as error:
        example_event(questions=with_question(1, type="dropdown"))
    assert error.value.problems[0:1] == [
        "questions[1].type: expected one of short_text, long_text, one_choice, several_choices, yes_no, number, "
        "got 'dropdown'"
    ]


def test_a_questions_own_keys_are_read_as_the_events_are_with_the_dotted_key_and_no_unit():
    """A question's flags, limits and texts go through the event's own readers: the same sentences,
    named by the dotted key, and a limit says its range without a unit."""
    questions = copy.deepcopy(CUSTOM_QUESTIONS)
    questions[2].update(max_length=0, required="ja", help={"en": "Only English"})
    questions[3].update(min=-(10**10), sensitive=1)
    with pytest.raises(EventFileError) as error:
        example_event(questions=questions)
    assert error.value.problems == [
        "questions[2].help: the Swedish text (sv) is required",
        "questions[2].required: expected true or false, got 'ja'",
        "questions[2].max_length: expected a whole number from 1 to 200, got 0",
        "questions[3].sensitive: expected true or false, got 1",
        "questions[3].min: expected a whole number from -1000000000 to 1000000000, got -10000000000",
    ]
    limit = next(problem for problem in error.value.details if problem.key == "questions[2].max_length")
    assert limit.params == {"at_least": 1, "at_most": 200}


def test_the_exported_toml_reads_back_as_the_same_questions():
    event = question_event(standard_questions={"message": False})
    assert parse_event_toml(event_toml(event)) == event
    mapping = event_mapping(event)
    assert mapping["standard_questions"]["message"] is False
    assert mapping["questions"][1]["choices"][0] == {
        "id": "robotik",
        "sv": "Robotik i vården",
        "en": "Robotics in care",
        "limit": 2,
    }


def test_the_field_table_holds_each_question_and_a_sensitive_ones_consent():
    table = {field.name: field for field in fields.for_event(question_event())}
    assert table["q_workshop"].kind is fields.Kind.CHOICE and table["q_workshop"].required
    assert table["q_workshop"].choices == ("robotik", "natur")
    assert table["q_kollegor"].kind is fields.Kind.NUMBER and (
        table["q_kollegor"].minimum,
        table["q_kollegor"].maximum,
    ) == (0, 5)
    assert table["q_tro"].kind is fields.Kind.SEVERAL and table["q_tro"].max_choices == 1
    assert table["q_tro_consent"].is_consent
    assert "q_presentera_consent" not in table
    assert table["q_skor"].max_length == 10


# -- the answers --------------------------------------------------------------------------------


def test_answers_of_each_type_are_read_with_their_types():
    result = parse_answers(
        answers(
            q_presentera="ja",
            q_workshop="natur",
            q_skor=" 42 ",
            q_kollegor="3",
            q_tro=["kvall"],
            q_tro_consent="yes",
        ),
        question_event(),
    )
    assert result.custom == {"presentera": True, "workshop": "natur", "skor": "42", "kollegor": 3, "tro": ("kvall",)}
    assert result.sensitive == {"tro"}
    assert result.places == ("workshop:natur", "tro:kvall")


def test_a_required_question_is_required_and_each_limit_is_checked():
    assert answer_problems(answers()) == {"q_workshop": "choose_one"}
    base = answers(q_workshop="natur")
    assert answer_problems({**base, "q_workshop": "yoga"}) == {"q_workshop": "invalid_choice"}
    assert answer_problems({**base, "q_kollegor": "6"}) == {"q_kollegor": "number_too_large"}
    assert answer_problems({**base, "q_kollegor": -1}) == {"q_kollegor": "number_too_small"}
    assert answer_problems({**base, "q_kollegor": "två"}) == {"q_kollegor": "not_whole_number"}
    assert answer_problems({**base, "q_kollegor": True}) == {"q_kollegor": "not_whole_number"}
    assert answer_problems({**base, "q_skor": "x" * 11}) == {"q_skor": "too_long"}
    assert answer_problems({**base, "q_presentera": "kanske"}) == {"q_presentera": "invalid_choice"}
    assert answer_problems({**base, "q_tro": ["morgon", "kvall"], "q_tro_consent": "yes"}) == {
        "q_tro": "too_many_choices"
    }


def test_a_required_several_choices_question_needs_one_ticked():
    event = example_event(questions=with_question(4, required=True, sensitive=None))
    assert answer_problems(answers(q_workshop="natur"), event) == {"q_tro": "choose_at_least_one"}


def test_a_question_shown_when_another_answer_has_a_value_is_dropped_otherwise():
    event = example_event(questions=with_question(2, required=True))
    assert answer_problems(answers(q_workshop="natur"), event) == {"q_skor": "required"}
    # Another workshop: the question is not asked, so neither required nor kept.
    result = parse_answers(answers(q_workshop="robotik", q_skor="42"), event)
    assert "skor" not in result.custom


def test_a_question_can_depend_on_the_meal_answer():
    event = example_event(questions=with_question(0, show_when={"question": "meal", "equals": True}))
    assert parse_answers(answers(meal="no", q_workshop="natur", q_presentera="ja"), event).custom == {
        "workshop": "natur"
    }
    assert parse_answers(answers(meal="yes", q_workshop="natur", q_presentera="ja"), event).custom["presentera"]


def test_a_sensitive_answer_needs_its_own_consent():
    assert answer_problems(answers(q_workshop="natur", q_tro=["morgon"])) == {
        "q_tro_consent": "question_consent_needed"
    }
    # Consent without an answer stores nothing.
    assert parse_answers(answers(q_workshop="natur", q_tro_consent="yes"), question_event()).sensitive == frozenset()


def test_answers_to_questions_the_event_does_not_ask_are_ignored():
    result = parse_answers(answers(q_workshop="natur", q_okand="x"), question_event())
    assert set(result.custom) == {"workshop"}


# -- a limited choice ---------------------------------------------------------------------------


def test_a_full_choice_is_refused_at_its_field_and_nothing_is_stored():
    store = InMemoryStore(question_event())
    for number in range(2):
        register(
            EVENT,
            answers(email=f"r{number}@example.se", q_workshop="robotik"),
            store=store,
            now=NOW,
        )
    with pytest.raises(ChoiceFull) as refused:
        register(EVENT, answers(email="late@example.se", q_workshop="robotik"), store=store, now=NOW)
    assert refused.value.fields == {"q_workshop": ("choice_full", {})}
    assert len(store.items) == 2
    # Another choice is still open.
    register(EVENT, answers(email="late@example.se", q_workshop="natur"), store=store, now=NOW)
    assert store.events[EVENT].choice_counts == {"workshop:robotik": 2, "workshop:natur": 1}


def test_changing_ones_choice_moves_the_place_and_keeps_a_removed_questions_answer():
    store = InMemoryStore(question_event())
    outcome = register(EVENT, answers(q_workshop="robotik", q_presentera="ja"), store=store, now=NOW)
    # The organisers remove the yes/no question; the answer stays through an edit of the rest.
    event = store.events[EVENT]
    store.events[event.id] = replace(event, custom_questions=event.custom_questions[1:])
    changed = change_answers(
        event.id, outcome.registration.registration_id, answers(q_workshop="natur"), store=store, now=NOW
    )
    assert changed.answers.custom == {"presentera": True, "workshop": "natur"}
    assert store.events[event.id].choice_counts == {"workshop:robotik": 0, "workshop:natur": 1}


def test_editing_the_event_in_the_consoles_form_keeps_its_questions():
    event = replace(question_event(), choice_counts={"workshop:robotik": 1})
    values = {**form_values(event), "venue": "Stadshuset"}
    edited = event_from_form(values, "sv", existing=event)
    assert edited.venue == "Stadshuset"
    assert edited.custom_questions == event.custom_questions
    assert edited.choice_counts == {"workshop:robotik": 1}


@pytest.mark.parametrize(
    "code",
    [
        "question_consent_needed",
        "choose_at_least_one",
        "too_many_choices",
        "not_whole_number",
        "number_too_small",
        "number_too_large",
        "choice_full",
    ],
)
def test_each_problem_with_an_answer_is_said_in_swedish_and_english(code):
    swedish, english = (i18n.field_message(code, language, min=1, max=5) for language in ("sv", "en"))
    assert swedish and english and swedish != english


@pytest.mark.parametrize(
    ("label", "language", "named"),
    [
        ({"sv": "Kost", "en": "Diet"}, "en", "Diet"),
        ({"sv": "Kost", "en": ""}, "en", "Kost"),
        ({"sv": "Kost"}, "sv", "Kost"),
        ({"sv": "", "en": "Diet"}, "sv", "diet"),
        ({}, "en", "diet"),
    ],
)
def test_a_problem_with_another_question_names_it_in_the_language_else_swedish_else_by_its_id(label, language, named):
    """The organiser's label picks its language by the one rule (events.in_language); a question
    with no label yet is named by its id, so the message still says which question it is."""
    problem = EventProblem(key="questions[1].label", code="unknown_key", text="Unknown key.")
    tables = [{"id": "first"}, {"id": "diet", "label": label}]
    errors = question_errors([problem], example_event(), tables, language, index=0)
    said = i18n.translator(language).gettext("The question “{question}”: {problem}")
    assert errors[GENERAL] == said.format(question=named, problem=i18n.event_problem("unknown_key", language))
