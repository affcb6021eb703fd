"""Each function's role allows what that function calls and nothing more.

The functions run as the dev stage does (secret from SSM, the template's base URL) against
moto, through every route and job; every AWS call is recorded as the IAM action and resource
it needs, per function, and compared with that function's role in infra/resources.json.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib import aws, bootstrap
from chalicelib.mail import SendFailed, SesMailer
from chalicelib.notice_kind import NoticeKind
from chalicelib.notices import new_notice
from tests.helpers import (
    EVENT,
    FORM,
    PROJECT,
    answers,
    csrf_of,
    matched,
    open_event,
    post_json,
    run_schedule,
    tomorrow_at_digest_hour,
)
from tests.mailbox import sent_mail, text_of

TEMPLATE = json.loads((PROJECT / "infra" / "resources.json").read_text(encoding="utf-8"))
ROLES = {
    "APIHandler": "ApiHandlerRole",
    "Hourly": "HourlyRole",
    "EmailOutbox": "EmailOutboxRole",
    "SesNotification": "SesNotificationRole",
}
# A transaction is authorised item by item, as the single-item actions.
TRANSACTION_ACTIONS = {
    "Put": "PutItem",
    "Update": "UpdateItem",
    "ConditionCheck": "ConditionCheckItem",
    "Delete": "DeleteItem",
}
TABLE = "${SignupTable.Arn}"
SES = "ses"  # checked on its own: resources and the sender condition, below
MUNICIPALITY = {"Content-Type": "application/json", "Origin": "https://www.hudiksvall.se"}
HELD = "haller-platsen"  # a confirm_address event
MANAGE = r"/registrations/[^/\s]+"


class CallRecorder:
    """The IAM action and resource behind each AWS call, filed under the function making it."""

    def __init__(self) -> None:
        self.calls: dict[str, set[tuple[str, str]]] = defaultdict(set)
        self.function = ""

    def now_running(self, function: str) -> None:
        self.function = function
        bootstrap.reset()  # fresh clients, and the secret is read again: each function's own calls are seen
        for client in (aws.dynamodb(), aws.sesv2(), aws.ses(), aws.ssm()):
            client.meta.events.register("before-parameter-build", self._record)

    def _record(self, params, model, **_):
        operation, service = model.name, model.service_model.signing_name
        needs = self.calls[self.function]
        if operation == "TransactWriteItems":
            for item in params["TransactItems"]:
                needs.update((f"dynamodb:{TRANSACTION_ACTIONS[kind]}", TABLE) for kind in item)
        elif service == "dynamodb":
            index = params.get("IndexName")
            needs.add((f"dynamodb:{operation}", f"{TABLE}/index/{index}" if index else TABLE))
        elif service == "ssm":
            arn = "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter"
            needs.add((f"ssm:{operation}", arn + params["Name"]))
        else:
            needs.add((f"{service}:{operation}", SES))


def rendered(resource):
    """A policy resource as the text CloudFormation substitutes into."""
    if isinstance(resource, str):
        return resource
    if "Fn::GetAtt" in resource:
        name, attribute = resource["Fn::GetAtt"]
        return f"${{{name}.{attribute}}}"
    return resource["Fn::Sub"]


def statements(role):
    (policy,) = TEMPLATE["Resources"][role]["Properties"]["Policies"]
    return policy["PolicyDocument"]["Statement"]


def granted(role):
    """(action, resource) pairs a role's statements allow, leaving out logs and SES (checked apart)."""
    pairs = set()
    for statement in statements(role):
        assert statement["Effect"] == "Allow" and "NotAction" not in statement and "NotResource" not in statement
        resources = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
        for action in statement["Action"]:
            service = action.split(":")[0]
            pairs |= {(action, SES if service == "ses" else rendered(r)) for r in resources if service != "logs"}
    return pairs


def link(message, path):
    """The path of the first link in the email's text matching `path` (a regular expression)."""
    return matched(rf"https://[^/\s]+({path})", text_of(message)).group(1)


def mail_to(moto_endpoint, *addresses):
    return next(m for m in sent_mail(moto_endpoint) if m["To"].addresses[0].addr_spec in addresses)


def ses_throttles(mailer, message):
    raise SendFailed("TooManyRequestsException")


@pytest.fixture
def recorded(deployed_client, deployed_store, moto_endpoint, monkeypatch):
    """Every route and job run once or more as the dev stage, with the calls of each function."""
    client, store, recorder = deployed_client, deployed_store, CallRecorder()
    store.put_event(open_event(capacity=1), datetime.now(UTC))
    event = store.get_event(EVENT)

    recorder.now_running("APIHandler")
    for path in (f"/events/{EVENT}", f"/events/{EVENT}/form", f"/events/{EVENT}/thanks", "/privacy", "/events/nope"):
        assert client.http.get(path).status_code < 500
    assert post_json(client, answers(email="first@example.se"), headers=MUNICIPALITY).status_code == 201
    assert post_json(client, answers(email="first@example.se"), headers=MUNICIPALITY).status_code < 500  # again
    assert post_json(client, {"email": "nope"}, headers=MUNICIPALITY).status_code == 422
    with monkeypatch.context() as ses_down:  # the email waits in the outbox
        ses_down.setattr(SesMailer, "send", ses_throttles)
        assert post_json(client, answers(email="second@example.se"), headers=MUNICIPALITY).status_code == 201
    first_confirmation = sent_mail(moto_endpoint)[0]
    assert client.http.get(link(first_confirmation, MANAGE)).status_code == 200
    # An event that holds seats until the address is confirmed: one confirms, one never does.
    store.put_event(open_event(id=HELD, capacity=2, confirm_address=True, confirm_within_hours=12), datetime.now(UTC))
    for email in ("clicks@example.se", "never@example.se", "waits@example.se"):
        assert post_json(client, answers(email=email), headers=MUNICIPALITY, path=f"/events/{HELD}/registrations")
    confirm = link(mail_to(moto_endpoint, "clicks@example.se"), r"/registrations/[^/\s]+/confirm")
    assert client.http.get(confirm).status_code == 200 and client.http.post(confirm).status_code == 200

    # A message from the organisers waits for the outbox too (stored as the console stores it).
    store.put_notice(new_notice(event, NoticeKind.MESSAGE, now=datetime.now(UTC), text="Välkomna!"))
    recorder.now_running("EmailOutbox")
    bootstrap.wiring().sleep = lambda _: None  # the pace's waits (moto's rate is one a second)
    with monkeypatch.context() as later:
        later.setattr(bootstrap.wiring(), "clock", lambda: datetime.now(UTC) + timedelta(minutes=6))
        counts = run_schedule(client, "email_outbox")
    assert counts["sent"] == 1 and counts["notice_sent"] == 3 and counts["notice_notices_finished"] == 1

    recorder.now_running("Hourly")
    for moment in (
        datetime.now(UTC) + timedelta(hours=13),  # the unconfirmed seat goes to the waiting list
        tomorrow_at_digest_hour(event),  # the organisers' digest
        event.starts_at - timedelta(days=1),  # the reminder, after the deadline's hand-off
        event.ends_at_or_default + timedelta(days=8),  # diets and access needs are forgotten
    ):
        with monkeypatch.context() as later:
            later.setattr(bootstrap.wiring(), "clock", lambda moment=moment: moment.astimezone(UTC))
            run_schedule(client, "hourly")
    statuses = {r.answers.email: r.status for r in store.registrations(HELD)}
    assert statuses["never@example.se"] == "cancelled" and statuses["waits@example.se"] != "waitlisted"
    # The organisers' first email with a link to the console: the digest (their copy of the message has none).
    digest = next(
        m
        for m in sent_mail(moto_endpoint)
        if m["To"].addresses[0].addr_spec in event.organisers and "/console/events/" in text_of(m)
    )

    recorder.now_running("APIHandler")
    # The organiser signs in to the console from the digest's link and reads the event and its log.
    console_page = link(digest, r"/console/events/[^/\s?]+")
    assert client.http.get(console_page).status_code == 303
    organiser = event.organisers[0]
    asked = client.http.post("/console/sign-in", headers=FORM, body=f"email={organiser}")
    assert asked.status_code == 200
    recorder.now_running("EmailOutbox")  # the link goes out on the outbox job's next run
    assert run_schedule(client, "email_outbox") == {"links_sent": 1}
    recorder.now_running("APIHandler")
    *_, sign_in_mail = [m for m in sent_mail(moto_endpoint) if m["To"].addresses[0].addr_spec == organiser]
    sign_in_link = link(sign_in_mail, r"/console/sign-in/[\w-]+")
    assert client.http.get(sign_in_link).status_code == 200
    pressed = client.http.post(sign_in_link, headers=FORM, body="")
    assert pressed.status_code == 303
    session = {"Cookie": pressed.headers["Set-Cookie"].split(";")[0]}
    event_page = client.http.get(console_page, headers=session)
    assert event_page.status_code == 200
    assert client.http.get(f"{console_page}/audit", headers=session).status_code == 200
    csrf = csrf_of(event_page)
    signed_out = client.http.post("/console/sign-out", headers={**FORM, **session}, body=f"csrf_token={csrf}")
    assert signed_out.status_code == 303
    manage = link(first_confirmation, MANAGE)
    assert client.http.post(manage, headers=FORM, body="").status_code == 200  # the waiting list moves up

    recorder.now_running("SesNotification")
    bounced = [{"emailAddress": "gone@example.se"}]
    bounce = {"notificationType": "Bounce", "bounce": {"bounceType": "Permanent", "bouncedRecipients": bounced}}
    client.lambda_.invoke("ses_notification", client.events.generate_sns_event(message=json.dumps(bounce)))
    assert store.is_suppressed("gone@example.se")
    return recorder.calls


@pytest.mark.parametrize("function", sorted(ROLES))
def test_each_role_allows_exactly_what_its_function_calls(recorded, function):
    role = ROLES[function]
    assert recorded[function], "the scenario ran this function"
    assert granted(role) == recorded[function]


def test_sending_is_limited_to_the_sender_domain_and_the_configuration_set():
    for function, role in ROLES.items():
        sending = [s for s in statements(role) if any(a.startswith("ses:") for a in s["Action"])]
        if function == "SesNotification":
            assert sending == []
            continue
        (statement,) = [s for s in sending if s["Action"] != ["ses:GetSendQuota"]]
        assert statement["Action"] == ["ses:SendEmail"]  # SES v2's SendEmail, raw content included
        assert [rendered(r) for r in statement["Resource"]] == [
            "arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:identity/*",
            "arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:configuration-set/${SesConfigurationSet}",
        ]
        assert statement["Condition"] == {"StringLike": {"ses:FromAddress": {"Fn::Sub": "*@${SenderDomain}"}}}


def test_each_function_writes_only_to_its_own_log_group():
    resources = TEMPLATE["Resources"]
    for function, role in ROLES.items():
        logging = [s for s in statements(role) if any(a.startswith("logs:") for a in s["Action"])]
        (statement,) = logging
        assert statement["Action"] == ["logs:CreateLogStream", "logs:PutLogEvents"]  # the group is the template's
        group = statement["Resource"]["Fn::GetAtt"][0]
        name = resources[function]["Properties"]["FunctionName"]["Fn::Sub"]
        assert resources[group]["Properties"]["LogGroupName"] == {"Fn::Sub": f"/aws/lambda/{name}"}
        assert group in resources[function]["DependsOn"]  # exists before the first line is logged


def test_no_function_can_delete_or_scan():
    """Erasing a person is the operator's `./signup person erase`, with their own credentials."""
    for role in ROLES.values():
        actions = {action for statement in statements(role) for action in statement["Action"]}
        assert not actions & {"dynamodb:DeleteItem", "dynamodb:Scan", "dynamodb:BatchWriteItem"}
