"""Header injection through RFC 2047 encoded words: whatever a name says, a message has one recipient.

On Python builds without the CVE-2024-6923 fix (pyenv's 3.11.7 is one) an encoded
word in a display name decodes into real header lines when the message is written.
These tests build each message the way the app does, bypassing the form's refusal,
and read what SES would be given: its Destination and the bytes, parsed back.
"""

from __future__ import annotations

import email
import email.policy
from email.headerregistry import Address
from email.message import EmailMessage

import boto3
import pytest
from botocore.stub import ANY, Stubber

from chalicelib.mail import SendFailed, SesMailer
from tests.helpers import ENCODED_WORDS
from tests.unit.test_mail import unsent

VICTIM = "asa.oberg@example.se"


@pytest.fixture
def ses():
    return boto3.client("sesv2", region_name="eu-north-1")


def send_capturing(ses, message: EmailMessage) -> dict | None:
    """What SesMailer hands to SES for this message, or None when it refused to send."""
    captured: dict = {}
    ses.meta.events.register("provide-client-params.sesv2.SendEmail", lambda params, **_: captured.update(params))
    with Stubber(ses) as stub:
        stub.add_response("send_email", {"MessageId": "ses-1"}, {"Destination": ANY, "Content": ANY})
        try:
            SesMailer(ses).send(message)
        except SendFailed as refused:
            assert refused.code == "UnsafeHeaders"
            return None
    return captured


def confirmation_for(name: str) -> EmailMessage:
    return unsent(name=name)


def header_names(raw: bytes) -> list[str]:
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    return sorted(name.lower() for name in parsed.keys())


@pytest.mark.parametrize("name", ENCODED_WORDS.values(), ids=ENCODED_WORDS.keys())
def test_an_encoded_word_in_the_name_never_adds_a_recipient_or_a_header(ses, name):
    params = send_capturing(ses, confirmation_for(name))
    intended = send_capturing(ses, confirmation_for("Åsa Öberg"))
    assert params is not None, "the name is not in any header, so the message is safe to send"
    assert params["Destination"] == {"ToAddresses": [VICTIM]}
    raw = params["Content"]["Raw"]["Data"]
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert [address.addr_spec for address in parsed["To"].addresses] == [VICTIM]
    assert parsed["Cc"] is None and parsed["Bcc"] is None
    assert header_names(raw) == header_names(intended["Content"]["Raw"]["Data"])
    assert b"attacker" not in raw.split(b"\r\n\r\n", 1)[0]


@pytest.mark.parametrize("name", ENCODED_WORDS.values(), ids=ENCODED_WORDS.keys())
def test_a_message_whose_headers_would_change_on_the_wire_is_not_sent(ses, name):
    # The second line of defence: should a display name ever carry user text again, the
    # written headers are parsed back and must say what was built.
    message = EmailMessage()
    message["Subject"] = "Anmälan bekräftad"
    message["From"] = "anmalan@signup.local"
    message["To"] = Address(display_name=name, username="asa.oberg", domain="example.se")
    message.set_content("Hej!")
    params = send_capturing(ses, message)
    if params is None:
        return  # refused: nothing reached SES (the unpatched interpreters end here)
    # A patched interpreter writes the name as inert text: still one recipient, the same headers.
    assert params["Destination"] == {"ToAddresses": [VICTIM]}
    raw = params["Content"]["Raw"]["Data"]
    written = email.message_from_bytes(raw, policy=email.policy.default)
    assert [address.addr_spec for address in written["To"].addresses] == [VICTIM]
    assert header_names(raw) == ["content-transfer-encoding", "content-type", "from", "mime-version", "subject", "to"]


def test_ses_is_told_the_recipients_explicitly(ses):
    params = send_capturing(ses, confirmation_for("Åsa Öberg"))
    assert params["Destination"] == {"ToAddresses": [VICTIM]}
