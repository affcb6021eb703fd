"""A repeated sign-up and one's own registration: nothing changes except behind the signed link."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import boto3

from chalicelib import pages
from chalicelib.forms import parse_answers
from chalicelib.store.schema import REGISTRATION_PREFIX
from tests.helpers import EVENT, FORM, answers, open_event, post_form, post_json, run_schedule
from tests.mailbox import first_manage_path, manage_path, sent_mail, text_of

ALICE = answers(email="alice@example.se", name="Alice Andersson", organisation="Alice AB", diet="", meal="no")
# What a stranger who knows Alice's address posts: every answer different.
STRANGER = answers(
    email="ALICE@Example.se ",
    name="Mallory",
    organisation="Mallory Inc",
    language="en",
    meal="yes",
    diet="Något påhittat",
    diet_consent="yes",
    access_needs="Påhittat behov",
)


def alice(app_store):
    return app_store.get_registration(EVENT, "alice@example.se")


def shape(response):
    """What a sender can observe of an answer, apart from the random id."""
    body = json.loads(response.body) if response.body else {}
    return response.status_code, sorted(body), body.get("status"), body.get("email"), sorted(response.headers)


# -- a second post for the same address ------------------------------------------------


def test_a_second_post_for_an_address_changes_nothing(client, app_store):
    post_json(client, ALICE)
    before = alice(app_store)
    post_json(client, STRANGER)
    post_form(client, STRANGER)
    after = alice(app_store)
    assert after.answers == before.answers and after.registration_id == before.registration_id
    assert after.status == before.status and after.updated_at == before.updated_at
    assert app_store.get_event(EVENT).confirmed_count == 1


def test_a_second_post_is_answered_exactly_like_a_first_sign_up(client, app_store):
    post_json(client, ALICE)
    first_sign_up = post_json(client, answers(email="bob@example.se"))
    repeated = post_json(client, STRANGER)
    assert shape(repeated) == shape(first_sign_up)
    assert shape(repeated)[:2] == (201, ["email", "registration_id", "status"])
    told = json.loads(repeated.body)["registration_id"]
    assert told != alice(app_store).registration_id and len(told) == len(alice(app_store).registration_id)
    assert app_store.find_registration(EVENT, told) is None
    # The form path: the same redirect to the same thank-you page.
    first_form = post_form(client, answers(email="carl@example.se", language="en"))
    repeated_form = post_form(client, STRANGER)
    assert (repeated_form.status_code, repeated_form.headers) == (first_form.status_code, first_form.headers)


def test_a_second_post_on_a_full_event_says_what_a_new_sign_up_would_hear(client, app_store):
    app_store.put_event(open_event(capacity=1), datetime.now(UTC))
    post_json(client, ALICE)
    assert json.loads(post_json(client, STRANGER).body)["status"] == "waitlisted"
    assert alice(app_store).status == "confirmed"


def test_a_second_post_when_every_place_is_taken_is_refused_like_anyone_else(client, app_store):
    app_store.put_event(open_event(capacity=1, waitlist_limit=0), datetime.now(UTC))
    post_json(client, ALICE)
    stranger, newcomer = post_json(client, STRANGER), post_json(client, answers(email="new@example.se"))
    assert (stranger.status_code, json.loads(stranger.body)["error"]["code"]) == (409, "waitlist_full")
    assert sorted(stranger.headers) == sorted(newcomer.headers) and newcomer.status_code == 409


def test_the_owner_is_emailed_the_link_and_nothing_the_stranger_typed(client, app_store, moto_endpoint):
    post_json(client, ALICE)
    post_json(client, STRANGER)
    confirmation, notice = sent_mail(moto_endpoint)
    assert notice["To"].addresses[0].addr_spec == "alice@example.se" and len(notice["To"].addresses) == 1
    assert notice["Subject"] == "Du är redan anmäld: Nätverk för social hållbarhet – andra träffen"
    assert not any(part.get_content_type() == "text/calendar" for part in notice.walk())
    html = notice.get_body(preferencelist=("html",)).get_content()
    for body in (text_of(notice), html):
        assert "Alice Andersson" in body and "ingenting i din anmälan har ändrats" in body
        for typed in ("Mallory", "påhittat", "Påhittat"):
            assert typed not in body
    assert manage_path(notice) == manage_path(confirmation)
    page = client.http.get(manage_path(notice))
    assert page.status_code == 200 and "Alice AB" in page.body.decode()


def test_a_second_post_counts_against_the_sender_limit(client, app_store, monkeypatch, clock):
    from chalicelib.store import limits as store_limits
    from tests.helpers import early_in_a_sender_window

    clock.set(early_in_a_sender_window())
    monkeypatch.setattr(store_limits, "REGISTRATIONS_PER_CLIENT_WINDOW", 2)
    codes = [post_json(client, body).status_code for body in (ALICE, STRANGER, STRANGER)]
    assert codes == [201, 201, 429]


def test_the_notice_shares_the_daily_email_limit_of_the_address(client, app_store, moto_endpoint, monkeypatch):
    from chalicelib.store import limits as store_limits

    monkeypatch.setattr(store_limits, "DAILY_EMAILS_PER_ADDRESS", 2)
    post_json(client, ALICE)
    states = [json.loads(post_json(client, STRANGER).body)["email"] for _ in range(3)]
    assert states == ["sent", "limited", "limited"]
    assert len(sent_mail(moto_endpoint)) == 2


def test_the_notice_goes_through_the_outbox_when_ses_fails(client, app_store, moto_endpoint, monkeypatch, clock):
    from chalicelib.mail import SendFailed, SesMailer

    post_json(client, ALICE)

    def throttled(self, message):
        raise SendFailed("TooManyRequestsException")

    # Only SES is patched, and only for this post (undo() would also take back the fixtures' environment).
    with monkeypatch.context() as ses_down:
        ses_down.setattr(SesMailer, "send", throttled)
        assert json.loads(post_json(client, STRANGER).body)["email"] == "failed"
    later = datetime.now(UTC) + timedelta(minutes=6)
    clock.set(later)
    assert run_schedule(client, "email_outbox") == {"sent": 1}
    assert sent_mail(moto_endpoint)[-1]["Subject"].startswith("Du är redan anmäld")


# -- changing one's answers behind the link ------------------------------------------------


def edit(client, path, **overrides):
    fields = {key: value for key, value in answers(**overrides).items() if key != "email"}
    return client.http.post(path, headers=FORM, body=urlencode({**fields, "action": "update"}, doseq=True))


def test_the_manage_page_offers_an_edit_form_filled_in_with_the_stored_answers(client, app_store, moto_endpoint):
    post_json(client, answers(organisation="Röda Korset", access_needs="Hörslinga"))
    page = client.http.get(first_manage_path(moto_endpoint)).body.decode()
    assert "Ändra dina svar" in page and 'name="action" value="update"' in page
    assert 'value="Röda Korset"' in page and ">Hörslinga</textarea>" in page
    assert 'name="email"' not in page and "asa.oberg@example.se" in page
    assert 'name="website"' not in page, "the owner's page needs no bot trap"


def test_the_owner_changes_answers_with_the_same_validation(client, app_store, moto_endpoint):
    post_json(client, answers(diet=""))
    path = first_manage_path(moto_endpoint)
    refused = edit(client, path, diet="Glutenfri", diet_consent=None)
    assert refused.status_code == 422
    assert 'id="diet_consent-error"' in refused.body.decode() and "Glutenfri" in refused.body.decode()
    assert app_store.get_registration(EVENT, "asa.oberg@example.se").answers.diet == ""

    saved = edit(client, path, organisation="Hudiksvalls kommun", diet="Glutenfri", diet_consent="yes")
    assert saved.status_code == 200 and "Dina svar är sparade" in saved.body.decode()
    assert saved.headers["Cache-Control"] == "no-store"
    stored = app_store.get_registration(EVENT, "asa.oberg@example.se")
    assert (stored.answers.organisation, stored.answers.diet) == ("Hudiksvalls kommun", "Glutenfri")
    assert stored.answers.email == "asa.oberg@example.se" and stored.status == "confirmed"
    assert app_store.get_event(EVENT).confirmed_count == 1


def test_answers_cannot_change_once_registration_has_closed(client, app_store, moto_endpoint, clock):
    post_json(client, answers())
    path = first_manage_path(moto_endpoint)
    event = app_store.get_event(EVENT)
    clock.set(event.deadline_at + timedelta(seconds=1))
    page = client.http.get(path).body.decode()
    assert "svaren går inte längre att ändra" in page and 'value="update"' not in page
    refused = edit(client, path, organisation="Sent ändrad")
    assert refused.status_code == 409 and "svaren går inte längre att ändra" in refused.body.decode()
    assert app_store.get_registration(EVENT, "asa.oberg@example.se").answers.organisation != "Sent ändrad"


def test_the_stored_answers_and_the_edit_form_agree(event):
    stored = parse_answers(answers(meal="no", diet="", attended_before="yes", interests=["barn-och-unga"]), event)
    values = pages.answer_values(stored)
    assert parse_answers({**values, "email": stored.email, "language": stored.language}, event) == stored


# -- a link follows the event's current time -------------------------------------------------


def test_a_link_follows_the_event_when_it_moves(client, app_store, moto_endpoint, clock):
    post_json(client, answers())
    path = first_manage_path(moto_endpoint)
    event = app_store.get_event(EVENT)
    # Moved 16 days earlier: the link dies a week after the new end, not the old one.
    earlier = replace(event, starts_at=event.starts_at - timedelta(days=16), meal_at=None)
    app_store.put_event(earlier, datetime.now(UTC))
    clock.set(earlier.ends_at_or_default + timedelta(days=8))
    assert client.http.get(path).status_code == 410
    # Moved later: the link lives on past the week after the old date.
    later = replace(event, starts_at=event.starts_at + timedelta(days=30), meal_at=None)
    app_store.put_event(later, datetime.now(UTC))
    clock.set(event.ends_at_or_default + timedelta(days=8))
    assert client.http.get(path).status_code == 200


def test_no_cancelling_and_no_promotion_once_the_meeting_has_started(client, app_store, moto_endpoint, clock):
    app_store.put_event(open_event(capacity=1), datetime.now(UTC))
    post_json(client, answers(email="first@example.se"))
    post_json(client, answers(email="second@example.se"))
    path = first_manage_path(moto_endpoint)
    event = app_store.get_event(EVENT)
    clock.set(event.starts_at + timedelta(minutes=1))
    assert "Träffen har redan börjat" in client.http.get(path).body.decode()
    refused = client.http.post(path, headers=FORM, body="action=cancel")
    assert refused.status_code == 409 and "Träffen har redan börjat" in refused.body.decode()
    assert "Avboka min anmälan" not in refused.body.decode()
    event = app_store.get_event(EVENT)
    assert (event.confirmed_count, event.waitlist_count) == (1, 1)
    assert len(sent_mail(moto_endpoint)) == 2, "no promotion email"


def test_an_edit_too_large_or_garbled_to_read_changes_nothing_and_never_cancels(client, app_store, moto_endpoint):
    post_json(client, answers())
    path = first_manage_path(moto_endpoint)
    # Three long answers in a non-Latin script pass 16 kB once the form encodes them (about 6× each).
    too_large = urlencode({"action": "update", "message": "ж" * 2000, "access_needs": "ж" * 2000, "diet": "ж" * 2000})
    garbled = b"action=update&name=" + bytes([0xFF, 0xFE])
    for body, status in ((too_large, 413), (garbled, 400)):
        response = client.http.post(path, headers=FORM, body=body)
        assert response.status_code == status
        assert "Ingenting har ändrats" in response.body.decode()
        assert response.headers["Cache-Control"] == "no-store"
        assert app_store.get_registration(EVENT, "asa.oberg@example.se").status == "confirmed"
    assert app_store.get_event(EVENT).confirmed_count == 1
    assert [m["Subject"] for m in sent_mail(moto_endpoint)][1:] == [], "no cancellation receipt"


def test_aws_trouble_behind_ones_own_link_is_503_not_a_500_or_a_broken_link(
    client, app_store, moto_endpoint, monkeypatch
):
    from chalicelib.errors import ServiceBusy
    from chalicelib.service import Signup

    post_json(client, answers())
    path = first_manage_path(moto_endpoint)

    def busy(*_args, **_kwargs):
        raise ServiceBusy()

    for name in ("change_answers", "cancel_registration", "confirm_registration"):
        monkeypatch.setattr(Signup, name, busy)
    for response in (
        edit(client, path, organisation="Nytt AB"),
        client.http.post(path, headers=FORM, body="action=cancel"),
        client.http.post(path + "/confirm", headers=FORM, body=""),
    ):
        assert response.status_code == 503
        assert "Ingenting har ändrats" in response.body.decode()
    assert app_store.get_registration(EVENT, "asa.oberg@example.se").status == "confirmed"


def test_a_second_post_while_the_confirmation_is_leased_elsewhere_sends_no_second_copy(
    client, app_store, moto_endpoint
):
    post_json(client, ALICE)
    assert len(sent_mail(moto_endpoint)) == 1
    # As if the confirmation were still in the hands of the request or outbox run that leased it.
    dynamodb = boto3.client("dynamodb", endpoint_url=moto_endpoint)
    (item,) = [
        row
        for row in dynamodb.scan(TableName="signup-local")["Items"]
        if row["SK"]["S"].startswith(REGISTRATION_PREFIX)
    ]
    dynamodb.update_item(
        TableName="signup-local",
        Key={"PK": item["PK"], "SK": item["SK"]},
        UpdateExpression="SET email_state = :sending",
        ExpressionAttributeValues={":sending": {"S": "sending"}},
    )
    assert post_json(client, STRANGER).status_code == 201
    assert len(sent_mail(moto_endpoint)) == 1, "the leased confirmation went out a second time"
