"""The network's rules: organisations recognised by a normalised name and merged aliases, people by
their canonical address, and a report that names only those who asked to be kept informed."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from chalicelib.errors import ValidationFailed
from chalicelib.events import EventFileError
from chalicelib.forms import parse_answers
from chalicelib.network import (
    AlreadyMerged,
    Organisations,
    leave_network,
    member_ref,
    merge_organisations,
    normalise_organisation,
)
from chalicelib.network_report import network_report, report_text
from chalicelib.registrations import Status
from tests.fakes import InMemoryStore
from tests.helpers import answers, at, example_event, series_meeting, sign_up

SERIES = "natverk-social-hallbarhet"
FIRST_DAY = at("2027-01-10T12:00:00+01:00")


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Hudiksvalls kommun", "HUDIKSVALL  KOMMUN"),
        ("Hudiksvalls kommun", "Kommunen i Hudiksvall"),
        ("ICA Maxi AB", "ica maxi"),
        ("ICA Maxi AB (publ)", "Ica-Maxi"),
        ("Röda Korset", "Föreningen Roda korset"),
        ("Röda Korsets förening", "röda korset"),
        ("Hälsa & Vård ek. för.", "Hälsa och vård"),
        ("Åsa Öbergs Café Aktiebolag", "asa obergs cafe"),
        ("  Studieförbundet   Vuxenskolan ", "studieförbundet vuxenskolan"),
    ],
)
def test_variants_of_one_organisation_normalise_to_one_key(one, other):
    assert normalise_organisation(one) == normalise_organisation(other)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Hudiksvalls kommun", "Nordanstigs kommun"),
        ("Röda Korset", "Rädda Barnen"),
        ("ICA Maxi AB", "ICA Kvantum AB"),
    ],
)
def test_different_organisations_stay_apart(one, other):
    assert normalise_organisation(one) != normalise_organisation(other)


def test_a_name_made_only_of_legal_form_words_keeps_them():
    assert normalise_organisation("Kommunen") == "kommunen"
    assert normalise_organisation("AB") == "ab"


def test_the_series_key_is_validated_like_every_other_key():
    event = example_event(series=SERIES)
    assert event.series == SERIES and event.asks("network")
    assert not example_event(series=None).asks("network"), "a single meeting does not ask about a network"
    with pytest.raises(EventFileError) as refused:
        example_event(series="Nätverk med mellanslag")
    assert [(problem.key, problem.code) for problem in refused.value.details] == [("series", "id_format")]
    with pytest.raises(EventFileError):
        example_event(series=7)


def test_the_network_choice_is_asked_only_in_a_series_and_never_ticked_by_default():
    alone, in_series = example_event(series=None), example_event(series=SERIES)
    assert parse_answers(answers(network_consent="yes"), alone).network_consent is None, "ignored outside a series"
    assert parse_answers(answers(), in_series).network_consent is None
    assert parse_answers(answers(network_consent="yes"), in_series).network_consent is True
    with pytest.raises(ValidationFailed) as refused:
        parse_answers(answers(network_consent="perhaps"), in_series)
    assert refused.value.fields["network_consent"][0] == "invalid_choice"


# -- a three-meeting series -------------------------------------------------------------------------


def meeting(number: int, **overrides):
    """The series' meetings a month apart, each with its deadline a week before."""
    starts = FIRST_DAY + timedelta(days=30 * number)
    local = starts.astimezone(example_event().zone).replace(tzinfo=None)
    return series_meeting(f"natverk-{number}", SERIES, local, **overrides)


def sign_up_to_meeting(store, number, email, organisation, sector, consent=False, **more):
    """`email` (named after its local part) signs up to the series' meeting `number` twenty days before
    it, for `organisation` in `sector`, agreeing to the network list when `consent`."""
    event = store.get_event(f"natverk-{number}")
    more.setdefault("interests", [])
    return sign_up(
        store,
        now=event.starts_at - timedelta(days=20),
        event_id=event.id,
        email=email,
        name=email.split("@")[0].split("+")[0].title(),
        organisation=organisation,
        sector=sector,
        network_consent="yes" if consent else None,
        **more,
    ).registration


@pytest.fixture
def series_store():
    """Three meetings: the third is still ahead. Anna (consents) and Bo (does not) come to all;
    Cilla comes once; the municipality is spelled three ways; the church comes only to the first."""
    store = InMemoryStore(meeting(1), meeting(2), meeting(3), example_event(id="annat-mote", series=None))
    sign_up_to_meeting(
        store, 1, "anna@example.se", "Hudiksvalls kommun", "public", consent=True, interests=["barn-och-unga"]
    )
    sign_up_to_meeting(store, 1, "bo@example.se", "Röda Korset", "association")
    sign_up_to_meeting(store, 1, "dan@example.se", "Svenska kyrkan Hudiksvall", "association")
    sign_up_to_meeting(store, 2, "Anna+natverk@Example.se", "Hudiksvall kommun", "public", consent=True)
    sign_up_to_meeting(store, 2, "bo@example.se", "Föreningen Röda Korset", "association")
    sign_up_to_meeting(
        store, 2, "cilla@example.se", "ICA Maxi AB", "company", consent=True, interests=["arbete-och-sysselsattning"]
    )
    sign_up_to_meeting(store, 3, "anna@example.se", "Kommunen i Hudiksvall", "public")
    sign_up_to_meeting(store, 3, "bo@example.se", "Röda korset", "association")
    sign_up_to_meeting(store, 3, "erik@example.se", "Helsinge Hälsa", "other")
    return store


def report(store, now=None):
    return network_report(SERIES, store=store, now=now or meeting(3).starts_at - timedelta(days=3))


def test_people_are_recognised_by_canonical_address_and_organisations_by_normalised_name(series_store):
    first, second, third = report(series_store).meetings
    assert [m.event.id for m in (first, second, third)] == ["natverk-1", "natverk-2", "natverk-3"]
    assert (first.people_new, first.people_returning) == (3, 0)
    # "Anna+natverk@Example.se" is anna@example.se; Bo returns; Cilla is new.
    assert (second.people_new, second.people_returning) == (1, 2)
    assert (second.organisations_new, second.organisations_returning) == (1, 2)
    assert (third.people_new, third.people_returning) == (1, 2)
    assert (third.organisations_new, third.organisations_returning) == (1, 2)
    assert report(series_store).people_counted == 5
    assert report(series_store).organisations_counted == 5


def test_sectors_per_meeting_show_the_gaps(series_store):
    first, second, third = report(series_store).meetings
    assert first.sector_organisations == {"public": 1, "association": 2}
    assert first.missing_sectors == ("company", "other"), "no companies yet, nobody from elsewhere"
    assert second.missing_sectors == ("other",)
    assert third.missing_sectors == ("company",)
    assert first.interests == {"barn-och-unga": 1} and second.interests == {"arbete-och-sysselsattning": 1}


def test_the_nudge_list_holds_organisations_that_came_before_and_have_not_signed_up_for_the_next(series_store):
    result = report(series_store)
    assert result.next_meeting.id == "natverk-3"
    assert [(entry.name, entry.meetings) for entry in result.nudge] == [
        ("ICA Maxi AB", 1),
        ("Svenska kyrkan Hudiksvall", 1),
    ]


def test_merged_aliases_count_as_one_organisation(series_store):
    sign_up_to_meeting(series_store, 3, "fia@example.se", "Maxi ICA Stormarknad", "company")
    assert report(series_store).meetings[2].organisations_new == 2, "before the merge: a new organisation"
    merge_organisations(SERIES, "ICA Maxi", "Maxi ICA Stormarknad", store=series_store, now=FIRST_DAY)
    result = report(series_store)
    assert result.meetings[2].organisations_new == 1 and result.meetings[2].organisations_returning == 3
    assert "ICA Maxi" not in [entry.name for entry in result.nudge], "it has signed up, under another name"
    with pytest.raises(AlreadyMerged):
        merge_organisations(SERIES, "Maxi ICA Stormarknad", "ica maxi ab", store=series_store, now=FIRST_DAY)


def test_a_merge_needs_two_names_each_no_longer_than_a_one_line_answer(series_store):
    from chalicelib.fields import SINGLE_LINE_MAX

    for keep, other in (("", "ICA Maxi"), ("ICA Maxi", "   "), ("x" * (SINGLE_LINE_MAX + 1), "ICA Maxi")):
        with pytest.raises(ValueError):
            merge_organisations(SERIES, keep, other, store=series_store, now=FIRST_DAY)
    assert series_store.network_records(SERIES)[1] == [], "nothing merged"
    merge_organisations(SERIES, "x" * SINGLE_LINE_MAX, "ICA Maxi", store=series_store, now=FIRST_DAY)


def test_a_merge_into_a_name_that_was_merged_before_points_straight_at_the_kept_one(series_store):
    merge_organisations(SERIES, "Helsinge Hälsa", "Hälsocentralen", store=series_store, now=FIRST_DAY)
    merge_organisations(SERIES, "Region Gävleborg", "Helsinge Hälsa", store=series_store, now=FIRST_DAY)
    _, aliases = series_store.network_records(SERIES)
    organisations = Organisations(aliases)
    assert organisations.key("Hälsocentralen") == organisations.key("Region Gävleborg") == "region gavleborg"
    assert {alias.canonical for alias in aliases} == {"region gavleborg"}


def test_only_people_who_consented_are_named_across_meetings(series_store):
    result = report(series_store)
    assert [(m.name, m.organisation, m.meetings) for m in result.members] == [
        ("Anna", "Hudiksvall kommun", 3),
        ("Cilla", "ICA Maxi AB", 1),
    ]
    named = repr(result.members) + repr(result.nudge)
    for unnamed in ("Bo", "bo@example.se", "Dan", "Erik"):
        assert unnamed not in named, f"{unnamed} did not consent and is only counted"


def test_a_member_is_kept_after_the_meetings_registrations_are_gone(series_store):
    # The first meeting's retention has passed: its registrations are deleted by their TTL.
    for key in [key for key in series_store.items if key[0] == "natverk-1"]:
        del series_store.items[key]
    second = report(series_store).meetings[1]
    # Anna's first meeting is remembered through her membership; Bo's is not (he is counted anew).
    assert (second.people_new, second.people_returning) == (2, 1)
    assert [m.name for m in report(series_store).members] == ["Anna", "Cilla"]


def test_leaving_removes_the_member_at_once_and_a_cancelled_sign_up_is_not_registered(series_store):
    anna = member_ref("anna@example.se")
    assert leave_network(SERIES, anna, store=series_store)
    assert [m.name for m in report(series_store).members] == ["Cilla"]
    assert not leave_network(SERIES, anna, store=series_store), "a second press changes nothing"
    erik = ("natverk-3", "erik@example.se")
    series_store.items[erik] = replace(series_store.items[erik], status=Status.CANCELLED)
    assert report(series_store).meetings[2].registered == 2


def test_registered_and_came_are_both_counted(series_store):
    first = series_store.items[("natverk-1", "anna@example.se")]
    series_store.items[("natverk-1", "anna@example.se")] = replace(first, checked_in_at=meeting(1).starts_at)
    first_meeting, second_meeting, _ = report(series_store).meetings
    assert (first_meeting.registered, first_meeting.came) == (3, 1)
    assert (second_meeting.registered, second_meeting.came) == (3, None), "no check-in: not known"


def test_the_report_reads_each_registrations_address_key_once(series_store, monkeypatch):
    """The canonical address is computed (trimmed, case-folded, its domain made punycode) on every
    ask: the report asks once per registration it reads, not once per table it builds."""
    from chalicelib import forms

    asked = []
    real_email_key = forms.email_key
    monkeypatch.setattr(forms, "email_key", lambda email: asked.append(email) or real_email_key(email))
    first, second, third = report(series_store).meetings
    assert len(asked) == first.registered + second.registered + third.registered == 9


def test_the_digest_section_gives_numbers_gaps_and_whom_to_remind_but_names_no_person(series_store):
    from chalicelib.network_report import digest_section

    section = digest_section(report(series_store), "natverk-3", "sv")
    assert [row["this"] for row in section["rows"]] == [False, False, True]
    assert section["rows"][1] | {"label": ""} == {
        "label": "",
        "this": False,
        "registered": 3,
        "came": "–",
        "people_new": 1,
        "people_returning": 2,
        "organisations_new": 1,
        "organisations_returning": 2,
    }
    assert section["gaps"] == ["inga företag än"]
    assert section["nudge"] == ["ICA Maxi AB", "Svenska kyrkan Hudiksvall"]
    assert section["members"] == 2 and "Anna" not in repr(section) and "Bo" not in repr(section)
    earlier = digest_section(report(series_store), "natverk-2", "en")
    assert earlier["nudge"] == [], "the reminders belong to the next meeting's digest"
    assert earlier["gaps"] == ["nobody else yet"]


def test_the_report_text_says_so_when_nobody_is_left_to_nudge_and_nobody_asked_to_be_kept_informed():
    store = InMemoryStore(meeting(1), meeting(2))
    sign_up_to_meeting(store, 1, "bo@example.se", "Röda Korset", "association")
    sign_up_to_meeting(store, 2, "bo@example.se", "Röda Korset", "association")
    result = network_report(SERIES, store=store, now=meeting(2).starts_at - timedelta(days=3))
    assert not result.nudge and not result.members
    lines = report_text(result, "en").splitlines()
    assert "  Every organisation that came before has signed up for the next meeting." in lines
    assert "  Nobody has asked to be kept informed yet." in lines
    assert not [line for line in lines if line.startswith("  - ")], "nobody is named"


def test_the_digest_reads_the_network_through_the_organisers_store_not_a_persons(series_store):
    """The hourly job's digest is the organisers' use case: its network section comes from the
    outreach's whole store, whatever a person's `signup.store` holds (here nothing of the series)."""
    from chalicelib import config
    from chalicelib.digest import summarize
    from chalicelib.outreach import Outreach
    from chalicelib.pages import templates
    from chalicelib.service import Signup
    from tests.fakes import RecordingMailer

    persons_store = InMemoryStore()
    signup = Signup(store=persons_store, mailer=RecordingMailer(), settings=config, templates=templates())
    outreach = Outreach(signup=signup, store=series_store)
    now = meeting(3).starts_at - timedelta(days=3)
    event = series_store.get_event("natverk-3")
    registrations = list(series_store.registrations(event.id))
    summary = summarize(event, registrations, now=now, since=None)
    digest = outreach.job_messages("https://signup.example", now).digest(event, summary, registrations, final=False)
    text = digest.get_body(("plain",)).get_content()
    assert "(den här träffen): anmälda 3, kom –; personer 1 ny, 2 återkommande" in text
    assert "Har varit med förut men inte anmält sig än: ICA Maxi AB, Svenska kyrkan Hudiksvall." in text
    assert "Medlemmar som vill hållas informerade: 2." in text


def test_an_interest_area_is_titled_in_the_language_else_swedish_else_by_its_id(series_store):
    """The console's network page and the report text both name an area by NetworkReport.area_title."""
    titled = replace(
        report(series_store),
        interest_titles={
            "food": {"sv": "Mat", "en": "Food"},
            "woods": {"sv": "Skog", "en": ""},
            "lake": {"en": "Lake"},
        },
    )
    assert [titled.area_title(area, "en") for area in ("food", "woods", "gone")] == ["Food", "Skog", "gone"]
    assert [titled.area_title(area, "sv") for area in ("food", "woods", "lake")] == ["Mat", "Skog", "lake"]
