"""The console's records on moto and on DynamoDB Local: one-time links, sessions, audit log, limits."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from chalicelib.console import auth, sign_in
from chalicelib.console.access import ConsoleUser
from chalicelib.console.audit import AuditEntry, record
from chalicelib.console.auth import SignInLimited
from chalicelib.store.console import SIGN_INS_PER_ADDRESS
from chalicelib.store.schema import AUDIT_PREFIX, event_partition, sign_in_link_key
from tests.helpers import all_at_once, at, example_event

NOW = at("2027-05-01T12:00:00+02:00")
ANNA = "anna@hudiksvall.se"


def test_a_link_is_stored_by_its_hash_and_used_once(store):
    link = auth.new_sign_in_link(ANNA, NOW)
    store.save_sign_in_link(link, NOW)
    assert store.sign_in_link(auth.hash_token(link.token)) == auth.StoredSignInLink(
        email_key=ANNA, expires_at=NOW + auth.SIGN_IN_VALID, used_at=None
    )
    assert store.sign_in_link(link.token) is None  # the token itself is no key
    assert store.use_sign_in_link(link.token_hash, NOW + timedelta(minutes=1)) == (ANNA, 0)
    assert store.use_sign_in_link(link.token_hash, NOW + timedelta(minutes=2)) is None
    assert store.sign_in_link(link.token_hash).used_at == NOW + timedelta(minutes=1)
    assert sign_in.check_link(link.token, store=store, now=NOW) is auth.LinkState.USED


def test_an_expired_or_unknown_link_is_not_used(store):
    link = auth.new_sign_in_link(ANNA, NOW)
    store.save_sign_in_link(link, NOW)
    assert store.use_sign_in_link(link.token_hash, NOW + auth.SIGN_IN_VALID) is None
    assert store.sign_in_link(link.token_hash).used_at is None
    assert store.use_sign_in_link(auth.hash_token("never-made"), NOW) is None
    item = store.client.get_item(TableName=store.table, Key=sign_in_link_key(link.token_hash))["Item"]
    # DynamoDB's TTL removes the record a day after the link stops working.
    assert int(item["expires_at"]["N"]) == int((NOW + auth.SIGN_IN_VALID + timedelta(days=1)).timestamp())


def test_twenty_presses_of_one_link_at_once_sign_in_exactly_one(dynamodb_local_store):
    store = dynamodb_local_store
    store.put_event(example_event(organisers=[ANNA]), NOW)
    link = auth.new_sign_in_link(ANNA, NOW)
    store.save_sign_in_link(link, NOW)

    def press():
        try:
            return sign_in.use_link(link.token, store=store, admins=frozenset(), retention=timedelta(days=90), now=NOW)
        except auth.LinkRefused as refused:
            return refused.state

    outcomes = all_at_once(press, 20)
    sessions = [outcome for outcome in outcomes if isinstance(outcome, auth.Session)]
    assert len(sessions) == 1 and outcomes.count(auth.LinkState.USED) == 19
    assert [entry.action for entry in store.audit_entries(example_event().id)] == ["signed_in"]


def test_sessions_end_one_device_at_a_time_or_all_at_once(store):
    assert store.session_state(ANNA) == (0, frozenset())
    laptop = auth.new_session(ANNA, 0, NOW)
    store.end_session(ANNA, laptop.session_id, laptop.issued_at)
    assert store.session_state(ANNA) == (0, frozenset({laptop.session_id}))
    assert store.end_all_sessions(ANNA) == 1
    assert store.end_all_sessions(ANNA) == 2
    assert store.session_state(ANNA)[0] == 2
    assert store.session_state("bo@example.se") == (0, frozenset())


def test_the_audit_log_is_newest_first_kept_as_long_as_the_event_s_data_and_per_event(store):
    event = example_event()
    other = example_event(id="annan")
    user = ConsoleUser(ANNA, is_admin=False)
    retention = timedelta(days=90)
    record(store, user, [event, other], "signed_in", retention=retention, now=NOW)
    record(store, user, [event], "downloaded_csv", "natverk.csv", retention=retention, now=NOW + timedelta(seconds=1))
    record(store, user, [event], "downloaded_csv", "again", retention=retention, now=NOW + timedelta(seconds=1))
    entries = store.audit_entries(event.id)
    assert [entry.action for entry in entries] == ["downloaded_csv", "downloaded_csv", "signed_in"]
    assert {entry.detail for entry in entries[:2]} == {"natverk.csv", "again"}  # the same moment: both kept
    assert entries[-1] == AuditEntry(event.id, NOW, ANNA, "signed_in", "")
    assert len(store.audit_entries(other.id)) == 1
    (item, *_) = store.client.query(
        TableName=store.table,
        KeyConditionExpression="PK = :pk AND begins_with(SK, :a)",
        ExpressionAttributeValues={":pk": event_partition(event.id), ":a": {"S": AUDIT_PREFIX}},
    )["Items"]
    assert int(item["expires_at"]["N"]) == int((event.ends_at_or_default + retention).timestamp())
    # The audit log is no registration: reading the event's registrations never meets it.
    assert list(store.registrations(event.id)) == []


def test_more_than_a_hundred_audit_entries_are_written_in_chunks(store):
    events = [example_event(id=f"traff-{number}") for number in range(130)]
    record(store, ConsoleUser(ANNA, is_admin=True), events, "signed_in", retention=timedelta(days=1), now=NOW)
    assert all(len(store.audit_entries(event.id)) == 1 for event in (events[0], events[99], events[100], events[129]))


def ask(store, address, client, now, per_sender):
    store.queue_sign_in_request(sign_in.LinkRequest(address, "sv", "", now), client, per_sender)


def test_sign_in_requests_are_limited_per_address_and_per_sender(store):
    for _ in range(SIGN_INS_PER_ADDRESS):
        ask(store, ANNA, "sender-a", NOW, per_sender=100)
    with pytest.raises(SignInLimited) as limited:
        ask(store, ANNA, "sender-a", NOW, per_sender=100)
    assert limited.value.which == "address"
    ask(store, ANNA, "sender-a", NOW + timedelta(hours=1), per_sender=100)  # a new hour
    for number in range(3):
        ask(store, f"p{number}@example.se", "sender-b", NOW, per_sender=3)
    with pytest.raises(SignInLimited) as limited:
        ask(store, "p9@example.se", "sender-b", NOW, per_sender=3)
    assert limited.value.which == "sender"
    ask(store, "p9@example.se", "sender-c", NOW, per_sender=3)  # the address itself is fine
    queued = list(store.due_sign_in_requests(NOW + timedelta(hours=1)))
    assert len(queued) == SIGN_INS_PER_ADDRESS + 1 + 3 + 1, "a refused request queues nothing"


def test_a_queued_request_is_claimed_by_one_run_retried_and_finished(store):
    ask(store, ANNA, None, NOW, per_sender=10)
    (request,) = store.due_sign_in_requests(NOW)
    assert (request.email_key, request.language, request.attempts) == (ANNA, "sv", 0)
    claimed = store.claim_sign_in_request(request, NOW, NOW + sign_in.SIGN_IN_LEASE)
    assert claimed is not None and claimed.attempts == 1
    assert store.claim_sign_in_request(request, NOW, NOW + sign_in.SIGN_IN_LEASE) is None, "taken"
    assert list(store.due_sign_in_requests(NOW)) == [], "leased"
    store.retry_sign_in_request(claimed, NOW + timedelta(minutes=1))
    (again,) = store.due_sign_in_requests(NOW + timedelta(minutes=1))
    store.finish_sign_in_request(
        store.claim_sign_in_request(again, NOW + timedelta(minutes=1), NOW + timedelta(hours=1))
    )
    assert list(store.due_sign_in_requests(NOW + timedelta(days=1))) == []
    assert store.claim_sign_in_request(again, NOW + timedelta(days=1), NOW + timedelta(days=1)) is None


def test_a_request_erased_while_its_email_was_being_sent_is_not_written_back(store):
    from chalicelib.privacy import erase_person

    ask(store, ANNA, None, NOW, per_sender=10)
    (request,) = store.due_sign_in_requests(NOW)
    claimed = store.claim_sign_in_request(request, NOW, NOW + sign_in.SIGN_IN_LEASE)
    erase_person(ANNA, store=store, now=NOW)
    store.finish_sign_in_request(claimed)
    store.retry_sign_in_request(claimed, NOW)
    assert store.person_records(ANNA).address_items == (), "nothing naming the address comes back"


def test_twenty_runs_at_once_take_a_request_exactly_once(dynamodb_local_store):
    store = dynamodb_local_store
    ask(store, ANNA, None, NOW, per_sender=10)
    (request,) = store.due_sign_in_requests(NOW)
    with ThreadPoolExecutor(max_workers=20) as pool:
        taken = list(
            pool.map(lambda _: store.claim_sign_in_request(request, NOW, NOW + timedelta(minutes=2)), range(20))
        )
    assert len([claim for claim in taken if claim is not None]) == 1
