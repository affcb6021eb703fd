"""The SES adapter maps SES's errors to SendFailed, checked with botocore's Stubber."""

from email.message import EmailMessage

import boto3
import pytest
from botocore.stub import ANY, Stubber

from chalicelib.mail import SendFailed, SesMailer


def message():
    built = EmailMessage()
    built["Subject"] = "Anmälan bekräftad"
    built["From"] = "anmalan@signup.local"
    built["To"] = "asa@example.se"
    built.set_content("Hej Åsa!")
    return built


@pytest.fixture
def ses():
    return boto3.client("sesv2", region_name="eu-north-1")


def test_a_sent_message_returns_the_ses_message_id(ses):
    with Stubber(ses) as stub:
        stub.add_response(
            "send_email",
            {"MessageId": "ses-1"},
            {
                "Destination": {"ToAddresses": ["asa@example.se"]},
                "Content": {"Raw": {"Data": ANY}},
                "ConfigurationSetName": "signup",
            },
        )
        assert SesMailer(ses, "signup").send(message()) == "ses-1"


@pytest.mark.parametrize("code", ["TooManyRequestsException", "MessageRejected", "SendingPausedException"])
def test_ses_errors_become_send_failed_with_their_code(ses, code):
    with Stubber(ses) as stub:
        stub.add_client_error("send_email", service_error_code=code, http_status_code=400)
        with pytest.raises(SendFailed) as failure:
            SesMailer(ses).send(message())
    assert failure.value.code == code


def test_the_raw_bytes_are_ascii_with_crlf_line_ends(ses):
    with Stubber(ses) as stub:
        stub.add_response("send_email", {"MessageId": "ses-2"}, {"Destination": ANY, "Content": {"Raw": {"Data": ANY}}})
        captured = {}
        ses.meta.events.register("provide-client-params.sesv2.SendEmail", lambda params, **_: captured.update(params))
        SesMailer(ses).send(message())
    data = captured["Content"]["Raw"]["Data"]
    assert b"\r\n" in data and b"Subject: =?utf-8?" in data
