"""The field table is the one place a field's limits live: the validator, the form and the
OpenAPI schema all follow it."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from chalicelib import config, fields, openapi, pages
from chalicelib.errors import ValidationFailed
from chalicelib.fields import FIELDS, Kind
from chalicelib.forms import parse_answers
from tests.helpers import answers, matched, open_event

TEXT_KINDS = (Kind.TEXT, Kind.FREE_TEXT, Kind.EMAIL)


def rendered_form() -> str:
    return pages.Pages(config).form_page(open_event(), "sv", datetime.now(UTC))


def max_lengths(html: str) -> dict[str, int]:
    found = re.findall(r'<(?:input|textarea)[^>]*\bname="(\w+)"[^>]*\bmaxlength="(\d+)"', html)
    return {name: int(limit) for name, limit in found}


@pytest.fixture
def shorter_limits(monkeypatch):
    """Every text field's limit halved, in the table only."""
    table = tuple(replace(f, max_length=f.max_length // 2) if f.max_length else f for f in FIELDS)
    monkeypatch.setattr(fields, "FIELDS", table)
    monkeypatch.setattr(fields, "BY_NAME", {f.name: f for f in table})
    return {f.name: f.max_length for f in table if f.max_length}


def test_the_form_takes_every_limit_from_the_table():
    expected = {f.name: f.max_length for f in FIELDS if f.max_length}
    assert max_lengths(rendered_form()) == expected


def test_changing_a_limit_in_the_table_changes_the_form_and_the_validator(shorter_limits):
    assert max_lengths(rendered_form()) == shorter_limits
    for name, limit in shorter_limits.items():
        value = "a@b.se".rjust(limit + 1, "x") if name == "email" else "x" * (limit + 1)
        with pytest.raises(ValidationFailed) as error:
            parse_answers(answers(**{name: value}), open_event())
        assert error.value.fields[name][0] == "too_long", name


def test_the_form_marks_required_exactly_the_required_fields():
    html = rendered_form()
    for field in FIELDS:
        if field.kind in (Kind.TEXT, Kind.EMAIL):
            tag = matched(rf'<input[^>]*\bname="{field.name}"[^>]*>', html).group(0)
            assert (" required" in tag) == field.required, field.name


def test_the_validator_requires_what_the_table_requires_when_the_event_asks_it():
    event = open_event()
    with pytest.raises(ValidationFailed) as error:
        parse_answers({}, event)
    assert set(error.value.fields) == {f.name for f in FIELDS if f.required_by(event)}
    no_meal = open_event(meal_at=None)
    with pytest.raises(ValidationFailed) as error:
        parse_answers({}, no_meal)
    assert "meal" not in error.value.fields


def test_the_schema_takes_limits_choices_and_required_from_the_table():
    schema = openapi.document()["paths"]["/events/{event_id}/registrations"]["post"]["requestBody"]["content"][
        "application/json"
    ]["schema"]
    for field in FIELDS:
        # An optional field is its schema or null.
        prop = schema["properties"][field.name]
        prop = prop["anyOf"][0] if not field.required else prop
        if field.max_length:
            assert prop["maxLength"] == field.max_length, field.name
        if field.kind is Kind.CHOICE:
            for choice in field.choices:
                assert re.match(prop["pattern"], f" {choice.upper()} "), choice
            assert not re.match(prop["pattern"], "något annat")
        if field.required and field.question is None:
            assert field.name in schema["required"]


def radio_values(html: str, name: str) -> list[str]:
    return re.findall(rf'<input type="radio" name="{name}" value="(\w+)"', html)


def test_a_yes_no_question_offers_the_two_answers_the_validator_reads_as_yes_and_no():
    html = rendered_form()
    assert radio_values(html, "meal") == radio_values(html, "attended_before") == list(fields.YesNo)
    assert [fields.read_yes_no(choice) for choice in fields.YesNo] == [True, False]
    for choice, meal in zip(fields.YesNo, (True, False), strict=True):
        assert parse_answers(answers(meal=choice), open_event()).meal is meal


def test_a_box_shows_ticked_for_every_word_the_validator_reads_as_yes():
    def ticked(value: object) -> bool:
        html = pages.Pages(config).form_page(
            open_event(), "sv", datetime.now(UTC), pages.FormInput({"diet_consent": value})
        )
        box = re.search(r'<input type="checkbox" id="diet_consent"[^>]*>', html)
        assert box is not None
        return " checked" in box.group()

    assert [ticked(word) for word in (*fields.YES, " Ja ", True)] == [True] * (len(fields.YES) + 2)
    assert [ticked(word) for word in (*fields.NO, "", None, "maybe", False)] == [False] * (len(fields.NO) + 4)


def test_the_empty_form_shared_by_every_page_cannot_be_filled_in_by_one_of_them():
    with pytest.raises(TypeError):
        pages.NOTHING_TYPED.values["name"] = "Åsa"
    first = pages.NOTHING_TYPED.context("sv")
    first["values"]["name"] = "Åsa"
    assert dict(pages.NOTHING_TYPED.values) == {} and "name" not in pages.NOTHING_TYPED.context("sv")["values"]


def test_every_yes_or_no_shown_to_a_person_takes_its_words_from_the_one_table(monkeypatch):
    """The console, the attendee and group lists, the confirmation email and a custom question's answer
    all say a yes/no answer with i18n.CHOICE_NAMES' words, the form's own: change them there, and
    every one of them follows."""
    from chalicelib import i18n
    from chalicelib.console.people_pages import person_row
    from chalicelib.digest import answer_text, attendee_csv
    from chalicelib.working_group_steps import groups_csv
    from tests.mailbox import parts_of
    from tests.unit.test_console_people import person
    from tests.unit.test_mail import unsent

    monkeypatch.setitem(i18n.CHOICE_NAMES, "yes", "Affirmative")
    monkeypatch.setitem(i18n.CHOICE_NAMES, "no", "Negative")
    english = i18n.translator("en")
    event = open_event(digest={"language": "en"})
    eats = person("Anna Ek", meal="yes", attended_before="no", language="en")
    assert person_row(eats, event, "en", english)["meal"] == "Affirmative"
    listed = attendee_csv(event, [eats]).decode("utf-8-sig")
    assert ";Affirmative;" in listed and ";Negative;" in listed
    assert answer_text(False, None, english, "en") == "Negative"
    member = {"name": "Anna Ek", "email": "a@example.se", "organisation": "Ek AB", "sector": "x", "reason": "r"}
    groups = groups_csv(event, [{"number": 1, "area": "Trygghet", "members": [{**member, "shares": True}]}])
    assert ";Affirmative;" in groups.decode("utf-8-sig")
    text = parts_of(unsent(meal="yes", attended_before="no", language="en"))["text/plain"].get_content()
    assert "Would you like the simple meal? Affirmative" in text and "first meeting? Negative" in text
