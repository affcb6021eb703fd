"""Working groups on the public side: the separate, unticked choice to share one's contact details
with one's working group, what a sign-up keeps of it, the owner's change of mind, the privacy notice
and the contract."""

from __future__ import annotations

from datetime import UTC, datetime

from chalicelib.privacy import export_person
from tests.helpers import EVENT, answers, open_event, post_form, post_json, sent_mail
from tests.test_app_own_registration import edit, manage_path


def test_the_form_asks_to_share_contact_details_with_the_group_unticked_in_both_languages(client, app_store):
    swedish = client.http.get(f"/events/{EVENT}/form").body.decode()
    assert "Dela mina kontaktuppgifter med min arbetsgrupp" in swedish
    box = swedish[swedish.index('id="share_with_group"') - 40 : swedish.index("Dela mina kontaktuppgifter")]
    assert 'type="checkbox"' in box and "checked" not in box, "never ticked for the person"
    assert swedish.index('id="share_with_group"') != swedish.index('id="network_consent"'), "a choice of its own"
    english = client.http.get(f"/events/{EVENT}/form?lang=en").body.decode()
    assert "Share my contact details with my working group" in english
    assert "your details are not shared" in english
    app_store.put_event(open_event(interests=[]), datetime.now(UTC))
    assert "share_with_group" not in client.http.get(f"/events/{EVENT}/form").body.decode(), "no groups, no choice"


def test_the_choice_is_stored_only_when_ticked_and_is_part_of_the_persons_export(client, app_store):
    assert post_form(client, answers(email="ja@example.se", share_with_group="yes")).status_code == 303
    assert post_json(client, answers(email="nej@example.se")).status_code == 201
    assert post_json(client, answers(email="tom@example.se", share_with_group="no")).status_code == 201
    assert app_store.get_registration(EVENT, "ja@example.se").answers.share_with_group is True
    assert app_store.get_registration(EVENT, "nej@example.se").answers.share_with_group is None
    assert app_store.get_registration(EVENT, "tom@example.se").answers.share_with_group is False
    exported = export_person("ja@example.se", store=app_store)
    assert exported["registrations"][0]["share_with_group"] is True


def test_a_choice_that_is_neither_yes_nor_no_is_refused_in_the_forms_language(client, app_store):
    response = post_json(client, answers(email="kanske@example.se", language="en", share_with_group="perhaps"))
    assert response.status_code == 422
    assert "share_with_group" in response.json_body["error"]["fields"]
    assert app_store.get_registration(EVENT, "kanske@example.se") is None


def test_the_owner_can_withdraw_the_choice_behind_their_link(client, app_store, moto_endpoint):
    post_json(client, answers(share_with_group="yes"))
    path = manage_path(sent_mail(moto_endpoint)[0])
    page = client.http.get(path).body.decode()
    box = page[page.index('id="share_with_group"') - 40 : page.index("Dela mina kontaktuppgifter")]
    assert "checked" in box, "the edit form starts from what is stored"
    assert edit(client, path, share_with_group=None).status_code == 200
    assert app_store.get_registration(EVENT, "asa.oberg@example.se").answers.share_with_group is None


def test_the_privacy_notice_says_what_sharing_with_the_group_means(client):
    swedish = client.http.get("/privacy").body.decode()
    assert "Dela mina kontaktuppgifter med min arbetsgrupp" in swedish and "dina uppgifter delas inte" in swedish
    english = client.http.get("/privacy?lang=en").body.decode()
    assert "your details are not shared" in english


def test_the_openapi_documents_offer_the_choice_and_never_require_it(client, app_store):
    for path in ("/openapi.json", f"/events/{EVENT}/openapi.json"):
        document = client.http.get(path).json_body
        body = document["paths"]["/events/{event_id}/registrations"]["post"]["requestBody"]["content"]
        schema = body["application/json"]["schema"]
        assert "share_with_group" in schema["properties"] and "share_with_group" not in schema["required"]
        assert "share_with_group" in schema["description"]
