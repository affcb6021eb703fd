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

from chalicelib.headers import MAX_WORD, addresses_field, encoded_word, link_field, plain_field, subject_field
from chalicelib.mail import SendFailed, SesMailer, WrittenEmail, _recipient, written
from tests.clients.conftest import read_with_mail_parser
from tests.clients.stdlib_mail import draft
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


def confirmation_for(name: str) -> WrittenEmail:
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


# -- Signup's own writer (mail.written): nothing it is given is ever decoded, so nothing decodes into a header


def written_and_read(draft) -> tuple[bytes, EmailMessage]:
    raw = written(draft)
    return raw, email.message_from_bytes(raw, policy=email.policy.default)


@pytest.mark.parametrize("title", ENCODED_WORDS.values(), ids=ENCODED_WORDS.keys())
def test_a_title_that_is_an_encoded_word_reads_back_as_that_text_never_as_a_header(ses, title):
    """A subject is the event's title, which organisers type. Text that looks like an encoded word is
    encoded again, so every reader shows it as typed, and what it would decode into stays inside it."""
    subject = f"Anmälan bekräftad: {title}"
    raw, parsed = written_and_read(draft(subject=subject))
    assert parsed["Subject"] == subject
    assert read_with_mail_parser(raw).subject == subject
    assert header_names(raw) == header_names(written(draft()))
    assert parsed["Bcc"] is None and parsed["Cc"] is None
    assert [address.addr_spec for address in parsed["To"].addresses] == [VICTIM]


SHORT_WORD = "=?utf-8?q?=0D=0ABcc=3A_a=40b?="  # short enough to be written as a name, encoded again


@pytest.mark.parametrize("name", [SHORT_WORD, *ENCODED_WORDS.values()], ids=["short", *ENCODED_WORDS.keys()])
def test_a_senders_name_that_is_an_encoded_word_stays_a_name(ses, name):
    """The sender's display name comes from configuration: even so, an encoded word in it is text
    (or, too long for one encoded word, left out: `headers.mailbox`), never decoded."""
    sender = Address(display_name=name, username="anmalan", domain="signup.local")
    raw, parsed = written_and_read(draft(sender=sender))
    shown = name if len(encoded_word(name)) <= MAX_WORD else ""
    assert parsed["From"].addresses[0].display_name == shown
    assert read_with_mail_parser(raw).from_ == [(shown, "anmalan@signup.local")]
    assert [address.addr_spec for address in parsed["From"].addresses] == ["anmalan@signup.local"]
    assert header_names(raw) == header_names(written(draft()))


def test_what_ses_is_given_for_a_written_email_is_its_bytes_and_its_built_recipients(ses):
    message = confirmation_for("=?utf-8?q?x=0D=0ABcc=3A_attacker=40evil=2Eexample?=")
    params = send_capturing(ses, message)
    assert params is not None
    assert params["Destination"] == {"ToAddresses": [VICTIM]}
    assert params["Content"]["Raw"]["Data"] == message.wire


class UncheckedAddress(Address):
    """An Address with whatever name and address it is given: Address() itself refuses line breaks."""

    def __init__(self, display_name: str, addr_spec: str) -> None:
        self._unchecked = (display_name, addr_spec)

    @property
    def display_name(self) -> str:
        return self._unchecked[0]

    @property
    def addr_spec(self) -> str:
        return self._unchecked[1]


@pytest.mark.parametrize(
    "field",
    [
        lambda: subject_field("Subject", "Anmälan\r\nBcc: attacker@evil.example"),
        lambda: subject_field("Subject", "Anmalan\nBcc: attacker@evil.example"),
        lambda: plain_field("Content-Language", "sv\r\nBcc: attacker@evil.example"),
        lambda: link_field("List-Unsubscribe", "<https://x.se/\r\nBcc: attacker@evil.example>"),
        # Address() refuses CR and LF itself; the writer does not rely on that.
        lambda: addresses_field("To", [UncheckedAddress("", "a@x.se\r\nBcc: b@evil.example")]),
        lambda: addresses_field("To", [UncheckedAddress("Åsa\r\nBcc: b@evil.example", "a@x.se")]),
    ],
    ids=["subject CRLF", "subject LF", "plain", "link", "address", "name"],
)
def test_a_header_value_with_a_line_break_is_refused_not_written(field):
    with pytest.raises(ValueError, match="line break"):
        field()


@pytest.mark.parametrize(
    "address", ["asa@example.se\r\nBcc: attacker@evil.example", "asa@example.se\nCc: x@evil.example"]
)
def test_a_recipient_address_with_a_line_break_is_refused(address):
    with pytest.raises(ValueError):
        _recipient(address)
