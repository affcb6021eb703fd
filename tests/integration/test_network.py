"""The network's records in DynamoDB (moto and DynamoDB Local alike, and the fake where it stands in):
a series' meetings from the events index, members written in the sign-up's own transaction without
a time to live, aliases, leaving at once, and a report that reads each meeting with one paged Query."""

from __future__ import annotations

from datetime import timedelta

from chalicelib.network import OrganisationAlias, leave_network, member_ref, merge_organisations
from chalicelib.network_report import network_report
from chalicelib.privacy import erase_person, export_person
from chalicelib.store.schema import EVENTS_INDEX, event_partition, member_key, registration_key, series_partition
from tests.conftest import ALSO_ON_THE_FAKE
from tests.helpers import example_event
from tests.unit.test_network import FIRST_DAY, SERIES, meeting, sign_up_to_meeting


def three_meetings(store):
    for number in (1, 2, 3):
        store.put_event(meeting(number), FIRST_DAY)
    store.put_event(example_event(id="annat-mote", series=None), FIRST_DAY)
    sign_up_to_meeting(store, 1, "anna@example.se", "Hudiksvalls kommun", "public", consent=True)
    sign_up_to_meeting(store, 1, "bo@example.se", "Röda Korset", "association")
    sign_up_to_meeting(store, 2, "anna+2@example.se", "Hudiksvall kommun", "public", consent=True)
    sign_up_to_meeting(store, 2, "bo@example.se", "Föreningen Röda Korset", "association")
    sign_up_to_meeting(store, 2, "cilla@example.se", "ICA Maxi AB", "company", consent=True)
    sign_up_to_meeting(store, 3, "bo@example.se", "Röda korset", "association")
    sign_up_to_meeting(store, 3, "erik@example.se", "Maxi ICA Stormarknad", "company")


def calls(store, operation):
    made = []
    store.client.meta.events.register(
        f"before-parameter-build.dynamodb.{operation}", lambda params, **_: made.append(params)
    )
    return made


@ALSO_ON_THE_FAKE
def test_a_series_is_its_meetings_by_start_and_nothing_else(store):
    three_meetings(store)
    assert [event.id for event in store.series_events(SERIES)] == ["natverk-1", "natverk-2", "natverk-3"]
    assert store.series_events("another-series") == []


@ALSO_ON_THE_FAKE
def test_consent_writes_one_member_record_per_person_with_every_meeting_they_signed_up_for(store):
    three_meetings(store)
    members, aliases = store.network_records(SERIES)
    assert aliases == []
    assert [(m.name, m.organisation, sorted(m.events)) for m in members if m.name.startswith("Anna")] == [
        ("Anna", "Hudiksvall kommun", ["natverk-1", "natverk-2"])
    ]
    assert sorted(m.email for m in members) == ["anna+2@example.se", "cilla@example.se"]
    assert store.get_member(SERIES, member_ref("bo@example.se")) is None, "no consent, no member"


def test_a_member_record_has_no_time_to_live_and_names_no_address_in_its_key(store):
    three_meetings(store)
    item = store._get(member_key(SERIES, member_ref("anna@example.se")))
    assert item is not None and "expires_at" not in item
    assert "anna" not in item["SK"] and "anna" not in item["PK"]
    registration = store._get(registration_key("natverk-1", "anna@example.se"))
    assert registration["network_consent"] is True and "expires_at" in registration


@ALSO_ON_THE_FAKE
def test_leaving_takes_effect_at_once(store):
    three_meetings(store)
    anna = member_ref("anna@example.se")
    assert leave_network(SERIES, anna, store=store)
    assert store.get_member(SERIES, anna) is None
    assert [m.name for m in network_report(SERIES, store=store, now=FIRST_DAY).members] == ["Cilla"]
    assert not leave_network(SERIES, anna, store=store)


@ALSO_ON_THE_FAKE
def test_a_merged_alias_is_stored_with_the_series(store):
    three_meetings(store)
    merge_organisations(SERIES, "ICA Maxi", "Maxi ICA Stormarknad", store=store, now=FIRST_DAY)
    _, aliases = store.network_records(SERIES)
    assert [(a.alias, a.canonical, a.name) for a in aliases] == [("maxi ica stormarknad", "ica maxi", "ICA Maxi")]
    third = network_report(SERIES, store=store, now=meeting(3).starts_at - timedelta(days=1)).meetings[2]
    assert (third.organisations_new, third.organisations_returning) == (0, 2)


def test_a_members_data_is_exported_and_erased_with_the_rest_of_the_person(store):
    three_meetings(store)
    exported = export_person("anna@example.se", store=store)
    assert [record["name"] for record in exported["address_records"] if record.get("type") == "member"] == ["Anna"]
    erase_person("anna@example.se", store=store, now=FIRST_DAY)
    assert store.get_member(SERIES, member_ref("anna@example.se")) is None


def test_the_report_reads_each_meeting_with_one_paged_query_and_never_scans(store):
    three_meetings(store)
    queries, scans = calls(store, "Query"), calls(store, "Scan")
    network_report(SERIES, store=store, now=FIRST_DAY)
    assert scans == []
    by_partition = sorted(
        query["ExpressionAttributeValues"].get(":pk", {}).get("S", query.get("IndexName")) for query in queries
    )
    assert by_partition == [
        event_partition("natverk-1")["S"],
        event_partition("natverk-2")["S"],
        event_partition("natverk-3")["S"],
        series_partition(SERIES)["S"],
        EVENTS_INDEX,
    ]


@ALSO_ON_THE_FAKE
def test_an_alias_put_again_replaces_the_one_of_that_name_in_that_series_only(store):
    store.put_alias(SERIES, OrganisationAlias("ica", "ica maxi", "ICA Maxi"), FIRST_DAY)
    store.put_alias("another-series", OrganisationAlias("ica", "ica kvantum", "ICA Kvantum"), FIRST_DAY)
    store.put_alias(SERIES, OrganisationAlias("ica", "ica nara", "ICA Nära"), FIRST_DAY + timedelta(days=1))
    assert store.network_records(SERIES)[1] == [OrganisationAlias("ica", "ica nara", "ICA Nära")]
    assert store.network_records("another-series")[1] == [OrganisationAlias("ica", "ica kvantum", "ICA Kvantum")]


@ALSO_ON_THE_FAKE
def test_removing_a_member_says_whether_there_was_one_and_leaves_the_others(store):
    three_meetings(store)
    anna, cilla = member_ref("anna@example.se"), member_ref("cilla@example.se")
    assert store.remove_member(SERIES, anna) is True
    assert store.remove_member(SERIES, anna) is False
    assert store.remove_member("another-series", cilla) is False
    assert store.get_member(SERIES, anna) is None
    assert [member.ref for member in store.network_records(SERIES)[0]] == [cilla]
