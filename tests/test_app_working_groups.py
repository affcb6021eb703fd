"""Working groups on the public side: the separate, unticked choice to share one's contact details
with one's working group, what a sign-up keeps of it, the owner's change of mind, the privacy notice
and the contract."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from chalicelib.privacy import export_person
from chalicelib.sectors import Sector
from tests.helpers import EVENT, answers, csrf_of, open_event, post_form, post_json
from tests.mailbox import first_manage_path, sent_mail
from tests.test_app_own_registration import edit


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
    path = first_manage_path(moto_endpoint)
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


# -- the console's working groups page --------------------------------------------------------------

AREAS = ("barn-och-unga", "arbete-och-sysselsattning", "trygghet-och-tillit")
SECTORS = tuple(Sector)  # every sector, in the order the form offers them


def signed_up_then_closed(client, app_store, clock, count=10):
    """`count` people signed up through the form, then the clock moved past the last day."""
    for n in range(count):
        given = answers(
            email=f"p{n}@example.se",
            name=f"Person {n}",
            organisation=f"Org {n % 7}",
            sector=SECTORS[n % len(SECTORS)],
            interests=[AREAS[n % 3]],
            share_with_group="yes" if n % 2 else None,
            language="en" if n == 1 else "sv",
        )
        assert post_json(client, given).status_code == 201
    event = app_store.get_event(EVENT)
    clock.set(event.deadline_at + timedelta(hours=1))
    return event


def test_the_groups_page_says_when_it_is_too_early_and_proposes_nothing_then(client, app_store, moto_endpoint):
    from tests.test_app_console import ORGANISER, get, post, sign_in

    cookie = sign_in(client, moto_endpoint, ORGANISER)
    page = get(client, f"/console/events/{EVENT}/groups", cookie)
    body = page.body.decode()
    assert page.status_code == 200 and "Det är för tidigt att bilda grupper" in body
    assert 'value="propose"' not in body
    assert f"/console/events/{EVENT}/groups" in get(client, f"/console/events/{EVENT}", cookie).body.decode()
    refused = post(client, f"/console/events/{EVENT}/groups", cookie, {"do": "propose", "csrf_token": csrf_of(page)})
    assert refused.status_code == 409 and "Grupper kan föreslås när anmälan har stängt" in refused.body.decode()
    assert app_store.working_groups(EVENT) is None


def test_an_organiser_proposes_moves_with_a_select_saves_and_a_stale_page_is_refused(
    client, app_store, moto_endpoint, clock
):
    from tests.test_app_console import ORGANISER, get, post, sign_in

    signed_up_then_closed(client, app_store, clock)
    cookie = sign_in(client, moto_endpoint, ORGANISER)
    path = f"/console/events/{EVENT}/groups"
    page = get(client, path, cookie)
    csrf = csrf_of(page)
    assert (
        post(client, path, cookie, {"do": "propose", "version": "", "csrf_token": "0" * len(csrf)}).status_code == 403
    )
    assert app_store.working_groups(EVENT) is None, "refused without the session's token"
    proposed = post(client, path, cookie, {"do": "propose", "version": "", "csrf_token": csrf})
    assert proposed.status_code == 303 and proposed.headers["Location"].endswith(f"{path}?done=proposed")
    record = app_store.working_groups(EVENT)
    assert len(record.groups) == 2 and record.version == 1

    body = get(client, path, cookie).body.decode()
    ref = record.groups[0].members[0]
    name = app_store.find_registration(EVENT, ref).answers.name
    assert f'<label for="group-{ref}">Grupp för {name}</label>' in body
    assert f'<select id="group-{ref}" name="group-{ref}">' in body and "Intresse: " in body

    fields = {f"group-{r}": str(g.number) for g in record.groups for r in g.members}
    fields[f"group-{ref}"] = str(record.groups[1].number)
    saved = post(client, path, cookie, {**fields, "do": "save", "version": "1", "csrf_token": csrf})
    assert saved.status_code == 303 and saved.headers["Location"].endswith("?done=saved")
    after = app_store.working_groups(EVENT)
    assert ref in after.groups[1].members and after.version == 2
    assert "Flyttad hit av en arrangör" in get(client, path, cookie).body.decode()

    stale = post(
        client, path, cookie, {**fields, f"group-{ref}": "1", "do": "save", "version": "1", "csrf_token": csrf}
    )
    assert stale.status_code == 409 and "Någon annan ändrade grupperna" in stale.body.decode()
    assert ref in app_store.working_groups(EVENT).groups[1].members, "nothing saved from the stale page"
    odd = post(client, path, cookie, {f"group-{ref}": "9", "do": "save", "version": "2", "csrf_token": csrf})
    assert odd.status_code == 400 and "finns inte längre" in odd.body.decode()

    audit = get(client, f"/console/events/{EVENT}/audit", cookie).body.decode()
    assert "Föreslog arbetsgrupper" in audit and "Flyttade personer mellan arbetsgrupper" in audit
    assert "1 person flyttad" in audit


def test_the_groups_download_opens_in_swedish_excel_and_cannot_hold_a_formula(client, app_store, moto_endpoint, clock):
    import csv
    import io

    from tests.test_app_console import ORGANISER, get, post, sign_in

    formula = answers(email="formel@example.se", name="Formel", organisation="@SUM(A1) AB")
    assert post_json(client, formula).status_code == 201
    signed_up_then_closed(client, app_store, clock, count=5)
    cookie = sign_in(client, moto_endpoint, ORGANISER)
    path = f"/console/events/{EVENT}/groups"
    assert get(client, f"{path}.csv", cookie).status_code == 404, "no groups yet"
    post(client, path, cookie, {"do": "propose", "version": "", "csrf_token": csrf_of(get(client, path, cookie))})
    download = get(client, f"{path}.csv", cookie)
    assert download.status_code == 200 and download.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert download.headers["Cache-Control"] == "no-store"
    data = download.body
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 with BOM, or Excel shows mojibake"
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    header, body = rows[0], rows[1:]
    assert header[:3] == ["Grupp", "Arbetsgruppens område", "Namn"] and header[-1] == "Varför i den här gruppen"
    assert len(body) == 6 and {row[2] for row in body} >= {"Formel", "Person 0"}
    assert "'@SUM(A1) AB" in {row[header.index("Organisation eller verksamhet")] for row in body}
    assert all(row[-1] for row in body), "a reason on every line"
    assert "Laddade ner arbetsgrupperna (CSV)" in get(client, f"/console/events/{EVENT}/audit", cookie).body.decode()


def test_each_group_is_emailed_once_in_each_persons_language_listing_only_those_who_share(
    client, app_store, moto_endpoint, clock
):
    from tests.helpers import run_schedule
    from tests.test_app_console import ORGANISER, get, post, sign_in

    signed_up_then_closed(client, app_store, clock, count=8)
    cookie = sign_in(client, moto_endpoint, ORGANISER)
    before = len(sent_mail(moto_endpoint))
    path = f"/console/events/{EVENT}/groups"
    csrf = csrf_of(get(client, path, cookie))
    post(client, path, cookie, {"do": "propose", "version": "", "csrf_token": csrf})
    unticked = post(client, path, cookie, {"do": "send", "version": "1", "csrf_token": csrf})
    assert unticked.status_code == 400 and "Kryssa i rutan" in unticked.body.decode()
    sent = post(client, path, cookie, {"do": "send", "version": "1", "confirm": "yes", "csrf_token": csrf})
    assert sent.status_code == 303 and sent.headers["Location"].endswith("?done=sent")
    again = post(client, path, cookie, {"do": "send", "version": "1", "confirm": "yes", "csrf_token": csrf})
    assert again.status_code == 409, "sent once"
    run_schedule(client, "email_outbox")
    run_schedule(client, "email_outbox")
    mails = sent_mail(moto_endpoint)[before:]
    group_mails = [m for m in mails if str(m["Subject"]).startswith(("Din arbetsgrupp", "Your working group"))]
    assert sorted(str(m["To"]) for m in group_mails) == sorted(f"p{n}@example.se" for n in range(8))
    english = next(m for m in group_mails if str(m["To"]) == "p1@example.se")
    assert str(english["Subject"]).startswith("Your working group")
    record = app_store.working_groups(EVENT)
    by_email = {r.answers.email: r for r in app_store.registrations(EVENT)}
    for message in group_mails:
        text = message.get_body(preferencelist=("plain",)).get_content()
        group = record.group_of(by_email[str(message["To"])].registration_id)
        for ref in group.members:
            other = app_store.find_registration(EVENT, ref).answers
            if other.email == str(message["To"]):
                continue
            assert (other.email in text) == bool(other.share_with_group), (other.email, other.share_with_group)
    page = get(client, path, cookie).body.decode()
    assert "Grupperna mejlades" in page and "<select" not in page
    audit = get(client, f"/console/events/{EVENT}/audit", cookie).body.decode()
    assert "Skickade varje arbetsgrupp dess medlemmar" in audit
    history = app_store.email_history("p0@example.se", EVENT)
    assert [(line.kind, line.result) for line in history][0] == ("working_group", "sent")
