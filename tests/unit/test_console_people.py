"""The console's people rules: search, filters, counts, Swedish order, the door list and check-in."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from chalicelib.console.people import (
    PeopleFilter,
    check_in,
    check_in_candidates,
    count_people,
    door_list,
    find_people,
    fold,
    swedish_key,
)
from chalicelib.digest import attendee_csv
from chalicelib.errors import NotCheckedIn, RegistrationNotFound
from chalicelib.forms import parse_answers
from chalicelib.registrations import EmailDelivery, EmailKind, EmailState, Registration, Status
from tests.helpers import answers, at, example_event

NOW = at("2027-05-24T17:40:00+02:00")
EVENT = example_event(capacity=60)


def person(name, *, status=Status.CONFIRMED, number=0, checked_in_at=None, **overrides):
    raw = answers(name=name, email=f"p{number}@example.se", **overrides)
    return Registration(
        event_id=EVENT.id,
        registration_id=f"r{number:02d}",
        answers=parse_answers(raw, EVENT),
        status=status,
        created_at=NOW - timedelta(days=10, minutes=-number),
        updated_at=NOW - timedelta(days=5),
        checked_in_at=checked_in_at,
    )


def people():
    return [
        person("Örjan Sjöberg", number=1, organisation="Hudiksvalls kommun", sector="public", meal="no"),
        person("Åsa Öberg", number=2, organisation="Röda Korset Hudiksvall", interests=["trygghet-och-tillit"]),
        person("Anders Zetterlund", number=3, organisation="Företagarna", sector="company", diet=""),
        person("Ängla Ek", number=4, organisation="Ekbacken", status=Status.WAITLISTED),
        person("Bo Lind", number=5, organisation="Lindens förening", status=Status.CANCELLED),
        person("ebba Ahl", number=6, organisation="Ahls bygg", status=Status.PENDING, meal="no"),
    ]


def names(registrations):
    return [r.answers.name for r in registrations]


# -- search and filters -------------------------------------------------------------


def test_folding_ignores_case_marks_and_spacing():
    assert fold("  ÅSA   Öberg ") == "asa oberg"
    assert fold("Müller-Lüdenscheidt") == "muller-ludenscheidt"
    assert fold("Ｅｖａ") == "eva", "full-width letters, as a phone keyboard may type them"


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("asa", ["Åsa Öberg"]),
        ("ÅSA", ["Åsa Öberg"]),
        ("oberg asa", ["Åsa Öberg"]),  # every word, in any order
        ("röda kors", ["Åsa Öberg"]),  # the organisation
        ("p3@example", ["Anders Zetterlund"]),  # the address
        ("kommun", ["Örjan Sjöberg"]),
        ("berg", ["Åsa Öberg", "Örjan Sjöberg"]),
        ("nobody", []),
    ],
)
def test_search_finds_by_name_organisation_or_address_without_caring_for_case_or_marks(typed, found):
    assert names(find_people(people(), PeopleFilter(text=typed))) == found


def test_the_default_list_is_everyone_not_cancelled_in_swedish_order():
    assert names(find_people(people(), PeopleFilter())) == [
        "Anders Zetterlund",
        "ebba Ahl",
        "Åsa Öberg",
        "Ängla Ek",
        "Örjan Sjöberg",
    ]


def test_filters_by_status_meal_sector_and_interest_combine():
    everyone = people()
    assert names(find_people(everyone, PeopleFilter(status="cancelled"))) == ["Bo Lind"]
    assert len(find_people(everyone, PeopleFilter(status="all"))) == 6
    assert names(find_people(everyone, PeopleFilter(status="waitlisted"))) == ["Ängla Ek"]
    assert names(find_people(everyone, PeopleFilter(meal="no"))) == ["ebba Ahl", "Örjan Sjöberg"]
    assert names(find_people(everyone, PeopleFilter(sector="company"))) == ["Anders Zetterlund"]
    assert names(find_people(everyone, PeopleFilter(interest="trygghet-och-tillit"))) == ["Åsa Öberg"]
    assert names(find_people(everyone, PeopleFilter(meal="yes", status="confirmed"))) == [
        "Anders Zetterlund",
        "Åsa Öberg",
    ]


def test_the_filter_reads_the_get_form_and_treats_unknown_values_as_any():
    wanted = PeopleFilter.from_query(
        {"q": "  Åsa   Ö ", "status": "waitlisted", "meal": "yes", "sector": "public", "interest": "barn-och-unga"},
        EVENT,
    )
    assert wanted == PeopleFilter("Åsa Ö", "waitlisted", "yes", "public", "barn-och-unga")
    odd = PeopleFilter.from_query({"status": "deleted", "meal": "maybe", "sector": "x", "interest": "nope"}, EVENT)
    assert odd == PeopleFilter() and not odd.narrowed
    assert PeopleFilter.from_query(None, EVENT) == PeopleFilter()
    assert len(PeopleFilter.from_query({"q": "a" * 5000}, EVENT).text) == 100


def test_counts_by_status_and_meals_and_arrivals_among_the_seated():
    everyone = people()
    everyone[0] = replace(everyone[0], checked_in_at=NOW)
    everyone[3] = replace(everyone[3], checked_in_at=NOW)  # waiting list: never counted as present
    counts = count_people(everyone)
    assert (counts.confirmed, counts.pending, counts.waitlisted, counts.cancelled) == (3, 1, 1, 1)
    assert (counts.seated, counts.live) == (4, 5)
    assert counts.meals == 2, "Åsa and Anders eat; Örjan and ebba do not, Ängla has no seat"
    assert counts.checked_in == 1


# -- Swedish order ------------------------------------------------------------------------


def test_swedish_order_puts_a_ring_a_umlaut_and_o_umlaut_after_z_ignoring_case():
    words = ["öst", "Ärla", "zeta", "Åke", "alf", "Östen", "äng", "åsa", "Zorn", "Olle", "ärt"]
    assert sorted(words, key=swedish_key) == [
        "alf",
        "Olle",
        "zeta",
        "Zorn",
        "Åke",
        "åsa",
        "äng",
        "Ärla",
        "ärt",
        "öst",
        "Östen",
    ]


def test_other_marked_letters_sort_with_their_swedish_base_letter():
    words = ["Ödman", "Zander", "Øster", "Élise", "Eva", "Æbbe", "Müller", "Mylläri", "Mårten", "Ylva", "Ümit"]
    ordered = sorted(words, key=swedish_key)
    assert ordered.index("Élise") < ordered.index("Eva"), "é is an e"
    # ü is a y: "myller" before "mylläri" (e before ä), and both before "mårten" (y before å).
    assert ordered.index("Müller") < ordered.index("Mylläri") < ordered.index("Mårten")
    assert ordered.index("Ümit") > ordered.index("Ylva") and ordered.index("Ümit") < ordered.index("Zander")
    assert ordered[-3:] == ["Æbbe", "Ödman", "Øster"], "æ as ä, ø as ö, after z"


def test_the_order_is_total_even_for_names_that_differ_only_in_case_or_marks():
    words = ["eklöf", "Eklöf", "Éklöf", "EKLÖF"]
    assert sorted(words, key=swedish_key) == sorted(reversed(words), key=swedish_key)
    assert sorted(words, key=swedish_key)[0] in ("EKLÖF", "Eklöf", "eklöf")
    assert sorted(words, key=swedish_key)[-1] == "Éklöf"


def test_letters_beyond_z_in_other_scripts_still_come_after_o_umlaut():
    assert sorted(["Ωmega", "Öland", "Zeta"], key=swedish_key) == ["Zeta", "Öland", "Ωmega"]


# -- the door list --------------------------------------------------------------------


def test_the_door_list_has_everyone_with_a_seat_in_swedish_order_with_meal_and_diet():
    everyone = people()
    everyone[1] = replace(everyone[1], checked_in_at=NOW)
    rows = door_list(everyone)
    assert [row.name for row in rows] == ["Anders Zetterlund", "ebba Ahl", "Åsa Öberg", "Örjan Sjöberg"]
    anders, ebba, asa, orjan = rows
    assert (asa.organisation, asa.meal, asa.diet, asa.checked_in) == (
        "Röda Korset Hudiksvall",
        True,
        "Vegetarisk",
        True,
    )
    assert ebba.held and not asa.held, "a held seat is on the list, marked"
    assert (orjan.meal, orjan.diet) == (False, ""), "a diet is not served to someone who does not eat"
    assert (anders.meal, anders.diet) == (True, "")


# -- check-in ----------------------------------------------------------------------------


class CheckInStore:
    """The store's check-in contract in memory: one conditional write per call."""

    def __init__(self, registrations: list[Registration]) -> None:
        self.items = {r.registration_id: r for r in registrations}
        self.writes = 0

    def set_checked_in(
        self, held: Registration, at: datetime | None, *, statuses: tuple[Status, ...]
    ) -> tuple[Registration, bool]:
        registration_id = held.registration_id
        registration = self.items.get(registration_id)
        if registration is None or registration.event_id != held.event_id:
            raise RegistrationNotFound()
        self.writes += 1
        if at is not None and registration.status not in statuses:
            raise NotCheckedIn()
        if (at is None) == (registration.checked_in_at is None):
            return registration, False
        self.items[registration_id] = replace(registration, checked_in_at=at)
        return self.items[registration_id], True


def test_a_tap_checks_in_a_second_tap_changes_nothing_and_undo_clears_it() -> None:
    store = CheckInStore(people())
    first = check_in(store.items["r02"], present=True, store=store, now=NOW)
    assert first.present and first.changed and first.registration.checked_in_at == NOW
    again = check_in(store.items["r02"], present=True, store=store, now=NOW + timedelta(minutes=1))
    assert again.present and not again.changed
    assert again.registration.checked_in_at == NOW, "the first tap's time stays"
    undone = check_in(store.items["r02"], present=False, store=store, now=NOW + timedelta(minutes=2))
    assert not undone.present and undone.changed
    assert not check_in(store.items["r02"], present=False, store=store, now=NOW).changed
    assert store.writes == 4, "one write per tap"


def test_a_held_seat_can_be_checked_in_but_not_the_waiting_list_or_the_cancelled() -> None:
    store = CheckInStore(people())
    assert check_in(store.items["r06"], present=True, store=store, now=NOW).present
    for waiting_or_cancelled in ("r04", "r05"):
        with pytest.raises(NotCheckedIn):
            check_in(store.items[waiting_or_cancelled], present=True, store=store, now=NOW)
    with pytest.raises(RegistrationNotFound):
        check_in(replace(store.items["r02"], event_id="another-event"), present=True, store=store, now=NOW)


def test_the_check_in_page_lists_nobody_until_two_letters_are_typed():
    everyone = people()
    assert check_in_candidates(everyone, "") == []
    assert check_in_candidates(everyone, " å ") == []
    assert names(check_in_candidates(everyone, "ås")) == ["Åsa Öberg"]
    assert names(check_in_candidates(everyone, "ek")) == ["Ängla Ek"], "the waiting list shows, to say why"
    assert check_in_candidates(everyone, "lind") == [], "the cancelled do not"


def test_the_export_shows_attendance():
    everyone = people()
    everyone[1] = replace(everyone[1], checked_in_at=NOW)
    rows = list(csv.reader(io.StringIO(attendee_csv(EVENT, everyone).decode("utf-8-sig")), delimiter=";"))
    header, body = rows[0], rows[1:]
    column = header.index("Incheckad")
    attended = {row[0]: row[column] for row in body}
    assert attended["Åsa Öberg"] == "2027-05-24 17:40"
    assert attended["Anders Zetterlund"] == ""


# -- what the pages show ------------------------------------------------------------------


def test_the_person_page_shows_only_the_questions_the_event_asks_and_the_latest_email():
    from chalicelib.console.people_pages import filter_choices, person_context

    plain = example_event(capacity=60, meal_at=None, standard_questions={"interests": False, "message": False})
    registration = replace(people()[1], event_id=plain.id)
    shown = dict(person_context(registration, plain, "sv", NOW)["answers"])
    assert shown["Namn"] == "Åsa Öberg" and shown["E-postadress"] == "p2@example.se"
    assert "Måltid" not in shown and "Arbetsgrupper" not in shown and "Meddelande" not in shown
    choices = filter_choices(plain, "sv")
    assert choices["meal"] == [] and choices["interest"] == []
    sent = replace(registration, email=EmailDelivery(state=EmailState.SENT, kind=EmailKind.PROMOTION, attempts=2))
    context = person_context(sent, EVENT, "en", NOW)
    assert (context["email_kind"], context["email_state"], context["email_attempts"]) == (
        "Seat from the waiting list",
        "sent",
        2,
    )
    assert context["cancellable"] and not context["started"]
    after_start = person_context(registration, EVENT, "en", EVENT.starts_at)
    assert not after_start["cancellable"] and after_start["started"]
