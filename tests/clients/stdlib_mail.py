"""The email as Signup wrote it until November 2026: the standard library's EmailMessage, built with
`POLICY` and written with the SMTP policy. Kept as the reference `mail.written` is compared with
(tests/clients/test_writer.py): read by the same parsers, both must say the same. Its header classes
fold through `headers`' field writers, as they did when the writer was made: what the comparison
checks is the MIME around them and the bodies."""

from __future__ import annotations

import email.policy
from datetime import UTC, datetime
from email.headerregistry import Address, BaseHeader, Group, UniqueAddressHeader, UniqueUnstructuredHeader
from email.message import EmailMessage
from email.utils import format_datetime
from typing import TYPE_CHECKING, Any

from chalicelib.headers import _needs_encoding, _Registry, addresses_field, link_field, subject_field
from chalicelib.mail import Draft

if TYPE_CHECKING:
    # The registry joins each header mixin with BaseHeader at runtime (type(name, (mixin, BaseHeader), {}));
    # the type stubs keep them apart, so type-check against what the classes are once joined.
    class _SubjectBase(BaseHeader):
        @classmethod
        def parse(cls, value: Any, kwds: dict[str, Any]) -> None: ...

    class _AddressBase(BaseHeader):
        @property
        def groups(self) -> tuple[Group, ...]: ...
else:
    _SubjectBase = UniqueUnstructuredHeader
    _AddressBase = UniqueAddressHeader


class ExactSubject(_SubjectBase):
    @classmethod
    def parse(cls, value: Any, kwds: dict[str, Any]) -> None:
        super().parse(value, kwds)
        kwds["decoded"] = value  # the subject as given, literally (never decoded)

    def fold(self, *, policy: Any) -> str:
        return subject_field(self.name, str(self), policy.linesep)


class ExactAddresses(_AddressBase):
    def fold(self, *, policy: Any) -> str:
        addresses = [one for group in self.groups for one in group.addresses]
        if not any(_needs_encoding(one.display_name) for one in addresses):
            return str(super().fold(policy=policy))  # plain names: the standard library's folding
        return addresses_field(self.name, addresses, policy.linesep)


class VerbatimLinks(_SubjectBase):
    def fold(self, *, policy: Any) -> str:
        return link_field(self.name, str(self), policy.linesep)


_registry = _Registry()
_registry.map_to_type("subject", ExactSubject)
for _name in ("from", "to", "cc", "bcc", "reply-to"):
    _registry.map_to_type(_name, ExactAddresses)
for _name in ("list-unsubscribe", "list-unsubscribe-post"):
    _registry.map_to_type(_name, VerbatimLinks)
POLICY = email.policy.default.clone(header_factory=_registry)


def stdlib_message(draft: Draft) -> EmailMessage:
    message = EmailMessage(policy=POLICY)
    message["Subject"] = draft.subject
    message["From"] = draft.sender
    message["To"] = list(draft.to)
    if draft.reply_to:
        message["Reply-To"] = list(draft.reply_to)
    message["Date"] = format_datetime(draft.date)
    message["Message-ID"] = draft.message_id
    message.set_content(draft.text, cte="quoted-printable")
    message.add_alternative(draft.html, subtype="html", cte="quoted-printable")
    for attachment in draft.attachments:
        maintype, _, subtype = attachment.content_type.partition("/")
        params = dict(attachment.params)
        if attachment.quoted_printable:  # text, with its charset from the text itself
            params.pop("charset")
            message.add_attachment(
                attachment.data.decode("utf-8"),
                subtype=subtype,
                filename=attachment.filename,
                params=params,
                cte="quoted-printable",
            )
        else:
            message.add_attachment(
                attachment.data,
                maintype=maintype,
                subtype=subtype,
                filename=attachment.filename,
                params=params,
            )
    if draft.unsubscribe:
        message["List-Unsubscribe"] = f"<{draft.unsubscribe}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    # Set last: set_content() drops every Content-* header, and making the message multipart moves
    # them into the first part, so a Content-Language set earlier never reaches the wire.
    message["Content-Language"] = draft.language
    return message


def stdlib_bytes(draft: Draft) -> bytes:
    return stdlib_message(draft).as_bytes(policy=email.policy.SMTP)


def draft(**overrides: Any) -> Draft:
    """A small email to write, with fields replaced as given."""
    fields: dict[str, Any] = {
        "subject": "Anmälan bekräftad",
        "sender": Address("Hudiksvalls kommun – Signup", addr_spec="anmalan@signup.local"),
        "to": (Address(addr_spec="asa.oberg@example.se"),),
        "reply_to": (),
        "date": datetime(2027, 5, 1, 10, tzinfo=UTC),
        "message_id": "<1.2.3@signup.local>",
        "language": "sv",
        "text": "Hej Åsa!\n",
        "html": "<p>Hej Åsa!</p>\n",
    }
    fields.update(overrides)
    return Draft(**fields)
