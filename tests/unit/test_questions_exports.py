"""The organisers' own questions where organisers read the answers: the CSV, the digest (never the
caterer's), the console's people list, its filter and the person page."""

from __future__ import annotations

import csv
import io
from dataclasses import replace

from chalicelib.console.pages import question_rows
from chalicelib.console.people import PeopleFilter, find_people
from chalicelib.console.people_pages import filter_choices, person_context
from chalicelib.digest import attendee_csv, summarize
from chalicelib.forms import parse_answers
from chalicelib.registrations import Registration, Status
from tests.helpers import answers, at, question_event, written_digest

NOW = at("2027-05-10T07:00:00+02:00")


def registered(event, number, status=Status.CONFIRMED, **chosen):
    parsed = parse_answers(answers(name=f"Person {number}", email=f"p{number}@example.se", **chosen), event)
    return Registration(event.id, f"r{number}", parsed, status, NOW, NOW)


def people(event):
    return [
        registered(event, 1, q_workshop="robotik", q_presentera="ja", q_kollegor="2"),
        registered(event, 2, q_workshop="natur", q_skor="=1+1", q_tro=["kvall"], q_tro_consent="ja"),
        registered(event, 3, Status.WAITLISTED, q_workshop="robotik"),
        registered(event, 4, Status.CANCELLED, q_workshop="natur"),
    ]


def csv_rows(event, registrations):
    return list(csv.reader(io.StringIO(attendee_csv(event, registrations).decode("utf-8-sig")), delimiter=";"))


def test_the_csv_has_one_column_per_question_with_answers_in_words_and_no_formulas():
    event = question_event()
    header, *rows = csv_rows(event, people(event))
    assert header[-5:] == [
        "Vill du presentera din verksamhet?",
        "Vilken workshop väljer du?",
        "Vilken skostorlek har du?",
        "Hur många kollegor tar du med?",
        "Behöver du ett tyst rum för bön?",
    ]
    by_name = {row[0]: row[-5:] for row in rows}
    assert by_name["Person 1"] == ["Ja", "Robotik i vården", "", "2", ""]
    # A typed answer that a spreadsheet would run is neutralised.
    assert by_name["Person 2"] == ["", "Naturvandring", "'=1+1", "", "På kvällen"]
    assert "Person 4" not in by_name


def test_a_removed_question_keeps_its_answers_in_the_csv_and_a_renamed_choice_shows_its_new_name():
    event = question_event()
    registrations = people(event)
    workshop = event.custom_questions[1]
    renamed = replace(workshop, choices=(replace(workshop.choices[0], title={"sv": "Robotar"}), workshop.choices[1]))
    changed = replace(event, custom_questions=(renamed,))
    header, *rows = csv_rows(changed, registrations)
    assert header[-5:] == [
        "Vilken workshop väljer du?",
        "kollegor (borttagen fråga)",
        "presentera (borttagen fråga)",
        "skor (borttagen fråga)",
        "tro (borttagen fråga)",
    ]
    by_name = {row[0]: row[-5:] for row in rows}
    assert by_name["Person 1"] == ["Robotar", "2", "Ja", "", ""]


def test_the_digest_counts_each_choice_for_organisers_but_tells_the_caterer_nothing_of_it():
    event = question_event()
    summary = summarize(event, people(event), now=NOW, since=None)
    assert summary.choices == (
        ("Vilken workshop väljer du?", (("Robotik i vården (av 2 platser)", 2), ("Naturvandring", 1))),
        ("Behöver du ett tyst rum för bön?", (("På morgonen", 0), ("På kvällen", 1))),
    )

    def digest_texts(caterer):
        message = written_digest(event, summary, now=NOW, final=caterer, caterer=caterer)
        plain = message.get_body(preferencelist=("plain",)).get_content()
        html = message.get_body(preferencelist=("html",)).get_content()
        return plain, html

    plain, html = digest_texts(caterer=False)
    assert "== Vilken workshop väljer du? ==\n- Robotik i vården (av 2 platser): 2\n- Naturvandring: 1" in plain
    assert "<li>På kvällen: 1</li>" in html
    for text in digest_texts(caterer=True):
        assert "workshop" not in text and "tyst rum" not in text and "På kvällen" not in text


def test_the_people_list_is_filtered_by_an_answer():
    event = question_event()
    registrations = people(event)
    choices = dict(filter_choices(event, "sv")["answer"])
    assert choices["workshop:robotik"] == "Vilken workshop väljer du?: Robotik i vården"
    assert choices["presentera:yes"] == "Vill du presentera din verksamhet?: Ja"
    robotics = PeopleFilter.from_query({"answer": "workshop:robotik"}, event)
    assert [r.registration_id for r in find_people(registrations, robotics)] == ["r1", "r3"]
    quiet = PeopleFilter.from_query({"answer": "tro:kvall"}, event)
    assert [r.registration_id for r in find_people(registrations, quiet)] == ["r2"]
    presenting = PeopleFilter.from_query({"answer": "presentera:yes"}, event)
    assert [r.registration_id for r in find_people(registrations, presenting)] == ["r1"]
    # An answer the page does not offer is read as any, never refused.
    assert PeopleFilter.from_query({"answer": "workshop:yoga"}, event).answer == ""


def test_the_person_page_shows_every_answer_in_words():
    event = question_event()
    shown = dict(person_context(people(event)[0], event, "en", NOW)["answers"])
    assert shown["Which workshop do you choose?"] == "Robotics in care"
    assert shown["Would you like to present your organisation?"] == "Yes"
    assert shown["How many colleagues are you bringing?"] == "2"


def test_the_event_page_lists_the_questions_with_their_places():
    event = replace(question_event(), choice_counts={"workshop:robotik": 2, "workshop:natur": 7})
    rows = {row["id"]: row for row in question_rows(event, "sv")}
    assert rows["workshop"]["choices"] == ["Robotik i vården: 2 av 2", "Naturvandring: 7"]
    assert rows["workshop"]["rules"] == "ett val, obligatoriskt"
    assert rows["tro"]["rules"] == "flera val, känslig, med eget samtycke"
