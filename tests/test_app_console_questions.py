"""The console's question editor through the app (moto): list, add, edit, move and remove an event's
own questions; the one event validator's messages by field; a renamed choice keeps its id; a lowered
place limit is saved only once confirmed; two organisers saving at once; the audit log; and a removed
question's answers still in the CSV."""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import UTC, datetime

import pytest

from chalicelib.events import LONG_TEXT_MAX, SHORT_TEXT_MAX, place_key
from chalicelib.notices import EventEdit
from tests.helpers import CUSTOM_QUESTIONS, EVENT, answers, csrf_of, matched, open_event, post_form
from tests.test_app_console import get, post
from tests.test_app_console_events import audit_actions, path_of, stored_before_save_times

QUESTIONS = f"/console/events/{EVENT}/questions"


@pytest.fixture
def with_questions(app_store):
    app_store.put_event(open_event(questions=CUSTOM_QUESTIONS), datetime.now(UTC))
    return app_store


@pytest.fixture
def without_questions(app_store):
    """The demo meeting with no questions of its own (its file has two)."""
    app_store.put_event(open_event(questions=[]), datetime.now(UTC))
    return app_store


def form_of(page):
    """The hidden and filled-in fields of a page's main form (#form), as a browser would post them."""
    body = page.body.decode()
    form = matched(r'<form id="form".*?</form>', body, re.S).group(0)
    fields = {}
    for tag in re.findall(r"<input [^>]*>", form):
        name = re.search(r'name="([^"]+)"', tag)
        if not name:
            continue
        kind = matched(r'type="([^"]+)"', tag).group(1)
        value = html.unescape(matched(r'value="([^"]*)"', tag).group(1)) if 'value="' in tag else ""
        if kind == "checkbox" and " checked" not in tag:
            continue
        fields[name.group(1)] = value
    for name, text in re.findall(r'<textarea [^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', form, re.S):
        fields[name] = html.unescape(text)
    for name, options in re.findall(r'<select [^>]*name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected', options)
        fields[name] = html.unescape(chosen.group(1)) if chosen else ""
    return fields


def error_at(body, name):
    found = re.search(rf'<p class="field-error" id="{re.escape(name)}-error">(.*?)</p>', body, re.S)
    return html.unescape(found.group(1)) if found else None


def add(client, cookie, kind, **fields):
    page = get(client, f"{QUESTIONS}/new?type={kind}", cookie)
    assert page.status_code == 200
    return post(client, QUESTIONS, cookie, {**form_of(page), **fields})


def workshop_event():
    """A meeting with one question: a workshop with places."""
    return open_event(questions=[CUSTOM_QUESTIONS[1]])


# -- the list and adding -----------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "longest"), [("short_text", SHORT_TEXT_MAX), ("long_text", LONG_TEXT_MAX)])
def test_a_text_question_s_length_hint_names_the_longest_the_form_takes(
    client, without_questions, organiser, kind, longest
):
    page = get(client, f"{QUESTIONS}/new?type={kind}", organiser)
    assert f"Lämna tomt för det längsta formuläret tar emot ({longest})." in page.body.decode()


def test_the_event_page_links_to_the_editor_which_lists_the_questions_in_order(client, with_questions, organiser):
    overview = get(client, f"/console/events/{EVENT}", organiser).body.decode()
    assert f'href="{QUESTIONS}"' in overview
    page = get(client, QUESTIONS, organiser)
    body = page.body.decode()
    assert page.status_code == 200
    labels = re.findall(r'<strong id="question-(\w+)">', body)
    assert labels == ["presentera", "workshop", "skor", "kollegor", "tro"]
    # The first has no "Move up", the last no "Move down"; each button is named with its question.
    assert body.count('value="up"') == 4 and body.count('value="down"') == 4
    assert 'aria-describedby="question-presentera">Flytta ned</button>' in body


def test_a_one_choice_question_with_a_limited_choice_is_added_and_the_form_asks_it(
    client, without_questions, organiser
):
    app_store = without_questions
    chooser = get(client, f"{QUESTIONS}/new", organiser).body.decode()
    assert 'name="type" value="one_choice"' in chooser
    response = add(
        client,
        organiser,
        "one_choice",
        label_sv="Vilken workshop väljer du?",
        label_en="Which workshop do you choose?",
        required="on",
        choice_0_sv="Robotik i vården",
        choice_0_en="Robotics in care",
        choice_0_limit="15",
        choice_1_sv="Naturvandring",
    )
    assert response.status_code == 303, response.body.decode()[:2000]
    assert path_of(response) == f"{QUESTIONS}?done=added"
    (question,) = app_store.get_event(EVENT).custom_questions
    assert question.id == "vilken_workshop_valjer_du" and question.type == "one_choice" and question.required
    assert [(c.id, c.label("sv"), c.limit) for c in question.choices] == [
        ("robotik-i-varden", "Robotik i vården", 15),
        ("naturvandring", "Naturvandring", None),
    ]
    assert "question_added" in audit_actions(app_store, EVENT)
    form = get(client, f"/events/{EVENT}/form").body.decode()
    assert "Vilken workshop väljer du?" in form and "Robotik i vården <span" in form
    listed = get(client, path_of(response), organiser).body.decode()
    assert "Frågan är tillagd." in listed


def test_every_type_can_be_added_with_its_limits(client, without_questions, organiser):
    app_store = without_questions
    assert add(client, organiser, "short_text", label_sv="Skostorlek", max_length="10").status_code == 303
    assert add(client, organiser, "long_text", label_sv="Berätta mer", help_sv="Några rader").status_code == 303
    assert add(client, organiser, "number", label_sv="Antal kollegor", min="0", max="5").status_code == 303
    assert add(client, organiser, "yes_no", label_sv="Vill du presentera?", sensitive="on").status_code == 303
    response = add(
        client,
        organiser,
        "several_choices",
        label_sv="Tider",
        max_choices="1",
        choice_0_sv="Morgon",
        choice_1_sv="Kväll",
    )
    assert response.status_code == 303
    stored = {q.id: q for q in app_store.get_event(EVENT).custom_questions}
    assert stored["skostorlek"].max_length == 10
    assert stored["beratta_mer"].help == {"sv": "Några rader"} and stored["beratta_mer"].max_length == 2000
    assert (stored["antal_kollegor"].min, stored["antal_kollegor"].max) == (0, 5)
    assert stored["vill_du_presentera"].sensitive
    assert stored["tider"].max_choices == 1 and [c.id for c in stored["tider"].choices] == ["morgon", "kvall"]


def test_a_new_question_s_id_is_unique_and_never_one_a_removed_question_s_answers_hold(
    client, with_questions, organiser
):
    # Someone answered "kollegor"; then it is removed: a new question named alike gets another id.
    assert post_form(client, answers(q_workshop="natur", q_kollegor="2")).status_code == 303
    edit = get(client, f"{QUESTIONS}/kollegor", organiser)
    assert post(client, f"{QUESTIONS}/kollegor/remove", organiser, form_of_remove(edit)).status_code == 303
    assert add(client, organiser, "number", label_sv="Kollegor").status_code == 303
    assert add(client, organiser, "yes_no", label_sv="Vill du presentera din verksamhet?").status_code == 303
    ids = [q.id for q in with_questions.get_event(EVENT).custom_questions]
    assert ids[-2:] == ["kollegor_2", "vill_du_presentera_din_verksamhet"]


def form_of_remove(page):
    body = page.body.decode()
    form = matched(r'<form method="post" action="[^"]*/remove[^"]*">.*?</form>', body, re.S).group(0)
    return dict(re.findall(r'name="([^"]+)" value="([^"]*)"', form))


# -- the one validator's messages --------------------------------------------------------------


def test_mistakes_are_said_at_each_field_in_the_console_s_language_and_nothing_is_saved(
    client, without_questions, organiser
):
    app_store = without_questions
    response = add(
        client,
        organiser,
        "several_choices",
        label_sv="",
        max_choices="7",
        choice_0_sv="Morgon",
        choice_0_limit="noll",
        choice_1_en="Evening",
    )
    body = response.body.decode()
    assert response.status_code == 400
    assert "Frågan kunde inte sparas" in body
    assert error_at(body, "label_sv") == "Den svenska texten behövs."
    assert error_at(body, "choice_0_limit").startswith("Skriv ett heltal, minst 1.")
    assert error_at(body, "choice_1_sv") == "Alternativets svenska namn behövs."
    assert re.search(r'<input [^>]*id="label_sv"[^>]*aria-invalid="true" aria-describedby="label_sv-error"', body)
    # What was written is shown again.
    assert 'value="Evening"' in body and 'value="noll"' in body
    assert app_store.get_event(EVENT).custom_questions == ()
    english = add(client, organiser, "number", label_sv="Antal", min="9", max="1", lang="en")
    assert english.status_code == 400
    assert error_at(english.body.decode(), "max") is not None
    assert "The question could not be saved" in english.body.decode()


def test_a_condition_comes_from_the_questions_above_and_is_kept(client, with_questions, organiser):
    page = get(client, f"{QUESTIONS}/skor", organiser)
    body = page.body.decode()
    # Only questions above "skor" (and the fixed ones) are offered, the current condition chosen.
    assert '<option value="workshop=natur" selected>' in body
    assert 'value="kollegor=' not in body and 'value="meal=true"' in body
    fields = form_of(page)
    assert fields["show_when"] == "workshop=natur"
    fields["show_when"] = "presentera=true"
    assert post(client, f"{QUESTIONS}/skor", organiser, fields).status_code == 303
    condition = with_questions.get_event(EVENT).custom_question("skor").show_when
    assert (condition.question, condition.values) == ("presentera", (True,))
    # A condition the validator refuses (a choice that does not exist) is said at the field.
    fields = form_of(get(client, f"{QUESTIONS}/skor", organiser))
    refused = post(client, f"{QUESTIONS}/skor", organiser, {**fields, "show_when": "workshop=finns-inte"})
    assert refused.status_code == 400 and error_at(refused.body.decode(), "show_when")


# -- editing keeps the answers' meaning --------------------------------------------------------


def test_a_renamed_choice_keeps_its_id_and_a_new_choice_gets_one_from_its_name(client, with_questions, organiser):
    page = get(client, f"{QUESTIONS}/workshop", organiser)
    fields = form_of(page)
    assert fields["choice_0_id"] == "robotik" and fields["choice_0_sv"] == "Robotik i vården"
    fields.update(choice_0_sv="Robotar i omsorgen", choice_2_sv="Natur och hälsa", choice_3_sv="Natur och hälsa")
    response = post(client, f"{QUESTIONS}/workshop", organiser, fields)
    assert response.status_code == 303, response.body.decode()[:3000]
    question = with_questions.get_event(EVENT).custom_question("workshop")
    assert [(c.id, c.label("sv")) for c in question.choices] == [
        ("robotik", "Robotar i omsorgen"),
        ("natur", "Naturvandring"),
        ("natur-och-halsa", "Natur och hälsa"),
        ("natur-och-halsa-2", "Natur och hälsa"),
    ]
    assert question.choice("robotik").limit == 2
    assert "question_edited" in audit_actions(with_questions, EVENT)


def test_more_rows_for_choices_saves_nothing(client, with_questions, organiser):
    fields = form_of(get(client, f"{QUESTIONS}/workshop", organiser))
    before = with_questions.get_event(EVENT)
    response = post(client, f"{QUESTIONS}/workshop", organiser, {**fields, "choice_0_sv": "Ändrat", "do": "more_rows"})
    body = response.body.decode()
    assert response.status_code == 200
    assert 'name="choice_rows" value="8"' in body and 'value="Ändrat"' in body
    assert with_questions.get_event(EVENT).updated_at == before.updated_at


def test_a_removed_choice_s_id_is_not_given_to_a_new_choice(client, with_questions, organiser):
    with_questions.put_event(workshop_event(), datetime.now(UTC))
    assert post_form(client, answers(q_workshop="robotik")).status_code == 303
    fields = form_of(get(client, f"{QUESTIONS}/workshop", organiser))
    fields.update(choice_0_remove="on", choice_2_sv="Robotik")
    assert post(client, f"{QUESTIONS}/workshop", organiser, fields).status_code == 303
    question = with_questions.get_event(EVENT).custom_question("workshop")
    assert [c.id for c in question.choices] == ["natur", "robotik-2"]


# -- a place limit lowered below the places taken ---------------------------------------------------


def test_lowering_a_choice_s_places_below_those_taken_is_shown_first_and_saved_only_once_confirmed(
    client, app_store, organiser
):
    app_store.put_event(workshop_event(), datetime.now(UTC))
    for number in range(2):
        chosen = answers(email=f"robot{number}@example.se", q_workshop="robotik")
        assert post_form(client, chosen).status_code == 303
    assert app_store.get_event(EVENT).choice_counts[place_key("workshop", "robotik")] == 2
    page = get(client, f"{QUESTIONS}/workshop", organiser)
    assert "Nu har 2 valt det." in page.body.decode()
    fields = {**form_of(page), "choice_0_limit": "1"}
    warned = post(client, f"{QUESTIONS}/workshop", organiser, fields)
    body = warned.body.decode()
    assert warned.status_code == 200
    assert "Färre platser än redan är tagna" in body and "1 plats, men 2 har redan valt det" in body
    assert app_store.get_event(EVENT).custom_question("workshop").choice("robotik").limit == 2
    confirmed = post(client, f"{QUESTIONS}/workshop", organiser, {**form_of(warned), "confirm_lower": "on"})
    assert confirmed.status_code == 303
    assert app_store.get_event(EVENT).custom_question("workshop").choice("robotik").limit == 1
    # Raising it, or lowering it while still at or above the places taken, asks nothing.
    raised = {**form_of(get(client, f"{QUESTIONS}/workshop", organiser)), "choice_0_limit": "3"}
    assert post(client, f"{QUESTIONS}/workshop", organiser, raised).status_code == 303


def test_each_question_page_leads_back_and_names_the_meeting_in_its_heading(client, with_questions, organiser):
    title = with_questions.get_event(EVENT).text("title", "sv")
    for path, heading, back, way_back in (
        (QUESTIONS, "Egna frågor", f"/console/events/{EVENT}", "Tillbaka till träffen"),
        (f"{QUESTIONS}/new", "Lägg till en fråga", QUESTIONS, "Tillbaka till frågorna"),
        (f"{QUESTIONS}/presentera", "Ändra frågan", QUESTIONS, "Tillbaka till frågorna"),
    ):
        body = get(client, path, organiser).body.decode()
        assert f'<p><a href="{back}">{way_back}</a></p>\n<h1>{heading}: {title}</h1>' in body, path


# -- two organisers at once -------------------------------------------------------------------------


def test_a_save_over_a_change_made_meanwhile_is_refused_with_nothing_lost(client, with_questions, organiser):
    stale = form_of(get(client, f"{QUESTIONS}/presentera", organiser))
    fresh = form_of(get(client, f"{QUESTIONS}/kollegor", organiser))
    assert post(client, f"{QUESTIONS}/kollegor", organiser, {**fresh, "max": "9"}).status_code == 303
    refused = post(client, f"{QUESTIONS}/presentera", organiser, {**stale, "label_sv": "Vill du tala?"})
    body = refused.body.decode()
    assert refused.status_code == 409
    assert "Någon annan ändrade träffen" in body and 'value="Vill du tala?"' in body
    event = with_questions.get_event(EVENT)
    assert event.custom_question("presentera").label["sv"] == "Vill du presentera din verksamhet?"
    assert event.custom_question("kollegor").max == 9
    # The page shown carries the new version: saving again now works.
    assert post(client, f"{QUESTIONS}/presentera", organiser, form_of(refused)).status_code == 303
    moved_stale = post(client, f"{QUESTIONS}/tro/move", organiser, {**stale, "direction": "up"})
    assert moved_stale.status_code == 409 and "<h2>Ändringen kunde inte göras</h2>" in moved_stale.body.decode()


def test_the_store_refuses_a_save_when_the_event_changed_between_the_check_and_the_write(
    client, with_questions, organiser, monkeypatch
):
    """The check of the form's version is repeated in the write itself (the store's condition)."""
    from chalicelib.console import event_admin

    fields = form_of(get(client, f"{QUESTIONS}/presentera", organiser))
    real = event_admin.stale

    def someone_saves_meanwhile(event, shown):
        answer = real(event, shown)
        with_questions.save_event(EventEdit(event, datetime.now(UTC)))
        return answer

    monkeypatch.setattr(event_admin, "stale", someone_saves_meanwhile)
    refused = post(client, f"{QUESTIONS}/presentera", organiser, {**fields, "label_sv": "Ny text"})
    assert refused.status_code == 409
    assert with_questions.get_event(EVENT).custom_question("presentera").label["sv"] != "Ny text"


# -- moving and removing ----------------------------------------------------------------------------


def test_moving_a_question_changes_the_form_s_order_and_a_broken_condition_is_refused(
    client, with_questions, organiser
):
    page = get(client, QUESTIONS, organiser)
    token = csrf_of(page)
    version = matched(r'name="edited_from" value="([^"]+)"', page.body.decode()).group(1)
    fields = {"csrf_token": token, "edited_from": version, "direction": "up"}
    response = post(client, f"{QUESTIONS}/kollegor/move", organiser, fields)
    assert response.status_code == 303 and path_of(response) == f"{QUESTIONS}?done=moved"
    ids = [q.id for q in with_questions.get_event(EVENT).custom_questions]
    assert ids == ["presentera", "workshop", "kollegor", "skor", "tro"]
    assert "question_moved" in audit_actions(with_questions, EVENT)
    # "skor" is asked only for a workshop: above the workshop question its condition has nothing to read.
    version = with_questions.get_event(EVENT).updated_at.isoformat()
    for _ in range(2):
        fields = {"csrf_token": token, "edited_from": version, "direction": "up"}
        refused = post(client, f"{QUESTIONS}/skor/move", organiser, fields)
        if refused.status_code == 303:
            version = with_questions.get_event(EVENT).updated_at.isoformat()
    assert refused.status_code == 400
    body = refused.body.decode()
    assert "Frågan ”Vilken skostorlek har du?”" in body and "Villkoret måste gälla" in body
    assert [q.id for q in with_questions.get_event(EVENT).custom_questions][:3] == ["presentera", "workshop", "skor"]


def test_a_move_posted_without_the_version_the_list_showed_is_refused(client, with_questions, organiser):
    """The same rule as the event's edit form (event_admin.stale): no `edited_from`, nothing saved."""
    token = csrf_of(get(client, QUESTIONS, organiser))
    refused = post(client, f"{QUESTIONS}/kollegor/move", organiser, {"csrf_token": token, "direction": "up"})
    assert refused.status_code == 409 and "Någon annan ändrade träffen" in refused.body.decode()
    assert [q.id for q in with_questions.get_event(EVENT).custom_questions][2:4] == ["skor", "kollegor"]


def test_the_questions_of_a_meeting_stored_before_save_times_were_kept_can_be_changed(
    client, with_questions, organiser
):
    stored_before_save_times(with_questions, EVENT)
    page = get(client, QUESTIONS, organiser)
    version = matched(r'name="edited_from" value="([^"]*)"', page.body.decode()).group(1)
    fields = {"csrf_token": csrf_of(page), "edited_from": version, "direction": "up"}
    assert post(client, f"{QUESTIONS}/kollegor/move", organiser, fields).status_code == 303
    assert [q.id for q in with_questions.get_event(EVENT).custom_questions][2:4] == ["kollegor", "skor"]


def test_a_removed_question_s_answers_stay_in_the_csv(client, with_questions, organiser):
    assert post_form(client, answers(q_workshop="natur", q_skor="42", q_kollegor="3")).status_code == 303
    edit = get(client, f"{QUESTIONS}/kollegor", organiser)
    removed = post(client, f"{QUESTIONS}/kollegor/remove", organiser, form_of_remove(edit))
    assert removed.status_code == 303
    assert with_questions.get_event(EVENT).custom_question("kollegor") is None
    assert "question_removed" in audit_actions(with_questions, EVENT)
    assert "kollegor" not in get(client, f"/events/{EVENT}/form").body.decode()
    exported = get(client, f"/console/events/{EVENT}/export.csv", organiser).body.decode("utf-8-sig")
    header, row = list(csv.reader(io.StringIO(exported), delimiter=";"))
    assert row[header.index("kollegor (borttagen fråga)")] == "3"
    assert row[header.index("Vilken skostorlek har du?")] == "42"


def test_a_question_others_depend_on_is_not_removed(client, with_questions, organiser):
    edit = get(client, f"{QUESTIONS}/workshop", organiser)
    refused = post(client, f"{QUESTIONS}/workshop/remove", organiser, form_of_remove(edit))
    assert refused.status_code == 400
    assert "Frågan ”Vilken skostorlek har du?”" in refused.body.decode()
    assert with_questions.get_event(EVENT).custom_question("workshop") is not None


# -- who may, and the CSRF token ----------------------------------------------------------------


def test_without_the_csrf_token_or_for_an_unknown_question_nothing_changes(client, with_questions, organiser):
    fields = form_of(get(client, f"{QUESTIONS}/presentera", organiser))
    del fields["csrf_token"]
    assert post(client, f"{QUESTIONS}/presentera", organiser, fields).status_code == 403
    assert get(client, f"{QUESTIONS}/finns_inte", organiser).status_code == 404
    assert get(client, "/console/events/annan/questions", organiser).status_code == 404
    before = with_questions.get_event(EVENT)
    assert before.custom_question("presentera").label["sv"] == "Vill du presentera din verksamhet?"
    assert "question_edited" not in audit_actions(with_questions, EVENT)
