"""What moto's SES received, read as a mail program reads it: every email sent, its parts, its plain
text and the links in it."""

from __future__ import annotations

import email
import email.policy
import json
import urllib.request
from email.message import EmailMessage

from tests.helpers import matched


def read_back(message: EmailMessage) -> EmailMessage:
    """What the receiving side reads: the bytes SES would be given, parsed."""
    return email.message_from_bytes(message.as_bytes(policy=email.policy.SMTP), policy=email.policy.default)


def parts_of(message: EmailMessage) -> dict[str, EmailMessage]:
    """An email's parts that hold content (text, HTML, a calendar file, a CSV), by content type."""
    return {part.get_content_type(): part for part in message.walk() if not part.is_multipart()}


def text_of(message: EmailMessage) -> str:
    """An email's plain-text part, decoded."""
    part = message.get_body(preferencelist=("plain",))
    assert part is not None, "the email has a plain-text part"
    return str(part.get_content())


def manage_path(message: EmailMessage) -> str:
    """The path of the link to their own registration that a person's email carries."""
    return "/registrations/" + matched(r"https?://\S+/registrations/(\S+)", text_of(message)).group(1)


def first_manage_path(moto_endpoint: str) -> str:
    """`manage_path` of the first email sent: the confirmation, in a test that signs one person up."""
    return manage_path(sent_mail(moto_endpoint)[0])


def link_path(message: EmailMessage, path: str) -> str:
    """The path of the first link in the email's plain text whose path matches `path` (a regular expression)."""
    return matched(rf"https?://[^/\s]+({path})", text_of(message)).group(1)


def sent_mail(moto_endpoint):
    return [message for _, message in sent_with_destinations(moto_endpoint)]


def sent_raw(moto_endpoint):
    """The bytes of every email moto's SES took, as they went out, for parsers we did not write."""
    data = json.loads(urllib.request.urlopen(f"{moto_endpoint}/moto-api/data.json").read())
    return [raw["raw_data"].encode("utf-8") for raw in data["ses"]["RawMessage"]]


def sent_with_destinations(moto_endpoint):
    """(the addresses SES delivered to, the message parsed back) for every raw email moto's SES took.

    moto lists the explicit Destination and then every address in the To/Cc/Bcc headers,
    so an address a header smuggled in shows up here as well.
    """
    data = json.loads(urllib.request.urlopen(f"{moto_endpoint}/moto-api/data.json").read())
    return [
        (raw["destinations"], email.message_from_string(raw["raw_data"], policy=email.policy.default))
        for raw in data["ses"]["RawMessage"]
    ]
