"""Emails: rendered from Jinja2, written as MIME bytes here, sent by SES.

The SES adapter takes its client in the constructor; tests use a recording fake.
"""

from __future__ import annotations

import base64
import binascii
import email.errors
import email.policy
import functools
import re
import secrets
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import format_datetime, make_msgid, parseaddr
from typing import TYPE_CHECKING, Any, Protocol

from botocore.exceptions import BotoCoreError, ClientError

from . import i18n
from .calendar_file import calendar_file, method
from .events import Event
from .headers import READ_POLICY, addresses_field, link_field, plain_field, subject_field
from .i18n import N_
from .meeting_times import local_date_and_clock, meeting_times
from .registrations import EmailKind, Registration, Status

if TYPE_CHECKING:
    from gettext import NullTranslations

    from jinja2 import Environment
    from mypy_boto3_sesv2 import SESV2Client

    from .network import Member
    from .notices import Notice
    from .working_groups import Group

# After cancelling: a short receipt, not the registration email (CANCELLATION withdraws the .ics).
RECEIPTS = (EmailKind.CANCELLATION, EmailKind.CANCELLED_HOLD, EmailKind.LEFT_WAITLIST)


def still_owed(registration: Registration) -> bool:
    """Whether the email a registration waits for still fits where it stands: a receipt only once
    it is cancelled, any other email only while it is live (a released hold's confirmation has no
    subject, and the person must not hear of a seat they no longer have)."""
    return (registration.email.kind in RECEIPTS) == (registration.status == Status.CANCELLED)


# A registration email's subject by its status or kind ("promotion_pending": a freed seat held for a click).
SUBJECTS: dict[str, str] = {
    Status.CONFIRMED: N_("Registration confirmed: {title}"),
    Status.WAITLISTED: N_("You are on the waiting list: {title}"),
    Status.PENDING: N_("Confirm your seat: {title}"),
    EmailKind.PROMOTION: N_("You have a seat: {title}"),
    EmailKind.CANCELLATION: N_("Cancellation confirmed: {title}"),
    "promotion_pending": N_("A seat has opened up – confirm it: {title}"),
    EmailKind.ALREADY_REGISTERED: N_("You are already registered: {title}"),
}


# eq=False: an exception stays equal only to itself, and hashable. __post_init__ hands the value to
# Exception, so `args`, str() and pickling see it however the exception was built.
@dataclass(eq=False)
class SendFailed(Exception):
    """SES did not take the message; `code` says why (for the outbox and operators)."""

    code: str

    def __post_init__(self) -> None:
        super().__init__(self.code)


class Mailer(Protocol):
    def send(self, message: EmailMessage) -> str:
        """Send one message; return the provider's message id or raise SendFailed."""
        ...


# Pythons with the CVE-2024-6923 fix refuse to write a header that would turn into
# several; older ones (pyenv's 3.11.7) have no such switch, so `wire_bytes` checks
# the written headers itself, on every interpreter.
_WIRE_POLICY = (
    email.policy.SMTP.clone(verify_generated_headers=True)
    if hasattr(email.policy.SMTP, "verify_generated_headers")
    else email.policy.SMTP
)
_RECIPIENT_HEADERS = ("To", "Cc", "Bcc")


def recipients(message: EmailMessage) -> list[str]:
    """The addresses the message is for, as we built them (never from text re-parsed)."""
    if isinstance(message, WrittenEmail):
        return [address.addr_spec for address in message.draft.to]
    found: list[str] = []
    for header in _RECIPIENT_HEADERS:
        for value in message.get_all(header, []):
            found.extend(address.addr_spec for address in value.addresses)
    return found


def wire_bytes(message: EmailMessage) -> bytes:
    """The message as SES will send it, checked to say on the wire what we built.

    Signup's own emails (`WrittenEmail`) are their bytes: `written` made them from text it encoded
    itself and never decoded, refusing a line break in any header value, so an encoded word in a
    title or a name stays text (`=?` is encoded again) and cannot become a header.

    Any other EmailMessage is written by the standard library, where an RFC 2047 encoded word
    (`=?utf-8?q?...=0D=0ABcc=3A...?=`) can decode into new header lines while an unpatched
    interpreter writes the message. Its written headers are parsed back and must be the same
    headers, with the same recipients; anything else raises SendFailed("UnsafeHeaders") and
    nothing is sent.
    """
    if isinstance(message, WrittenEmail):
        return message.wire
    try:
        data = message.as_bytes(policy=_WIRE_POLICY)
    except email.errors.MessageError as error:  # HeaderWriteError, where Python has it
        raise SendFailed("UnsafeHeaders") from error
    read_back = BytesParser(policy=READ_POLICY).parsebytes(data, headersonly=True)
    same_headers = Counter(name.lower() for name in read_back.keys()) == Counter(
        name.lower() for name in message.keys()
    )
    try:
        same_recipients = recipients(read_back) == recipients(message)
    except (ValueError, email.errors.MessageError) as error:  # a decoded CR or LF inside an address
        raise SendFailed("UnsafeHeaders") from error
    if not (same_headers and same_recipients):
        raise SendFailed("UnsafeHeaders")
    return data


class SesMailer:
    def __init__(self, client: SESV2Client, configuration_set: str | None = None) -> None:
        self.client = client
        self.configuration_set = configuration_set

    def send(self, message: EmailMessage) -> str:
        # An explicit Destination: SES delivers to these addresses and to nothing a
        # header might claim.
        params: dict[str, Any] = {
            "Destination": {"ToAddresses": recipients(message)},
            "Content": {"Raw": {"Data": wire_bytes(message)}},
        }
        if self.configuration_set:
            params["ConfigurationSetName"] = self.configuration_set
        try:
            return str(self.client.send_email(**params)["MessageId"])
        except ClientError as error:
            raise SendFailed(error.response.get("Error", {}).get("Code", "ClientError")) from error
        except BotoCoreError as error:
            raise SendFailed(type(error).__name__) from error


class SesSendQuota:
    """The account's sending rate as SES states it (GetSendQuota's MaxSendRate, emails a second).
    Takes a client factory: the client is built only when the rate is asked (not on the sign-up path)."""

    def __init__(self, client: Callable[[], Any]) -> None:
        self.client = client

    def __call__(self) -> float:
        return float(self.client().get_send_quota()["MaxSendRate"])


@dataclass(frozen=True)
class Writing:
    """What every email is written with, the same for each email of a request or a job run: who sends
    it (the configured sender), our templates, and the moment it is written (its Date, and a calendar
    entry's DTSTAMP)."""

    sender: str
    templates: Environment
    now: datetime


@dataclass(frozen=True)
class Links:
    manage: str
    privacy: str = ""
    # Where a held seat is confirmed (only while the registration is pending).
    confirm: str = ""
    # The one-click way out of the network's emails, for someone who asked to be kept informed.
    leave_network: str = ""


@dataclass(frozen=True)
class Attachment:
    """A file sent with an email. Text (the .ics) goes quoted-printable, anything else base64."""

    filename: str
    content_type: str  # the MIME type, "text/calendar"; its parameters go in `params`
    data: bytes
    params: tuple[tuple[str, str], ...] = ()
    quoted_printable: bool = False


@dataclass(frozen=True)
class Draft:
    """An email before it is written: everything a reader must get back from the bytes."""

    subject: str
    sender: Address
    to: tuple[Address, ...]
    reply_to: tuple[Address, ...]
    date: datetime
    message_id: str
    language: str  # Content-Language
    text: str
    html: str  # the alternative to `text`
    attachments: tuple[Attachment, ...] = ()
    # RFC 8058: the mail program offers "unsubscribe" and POSTs `List-Unsubscribe=One-Click` to this
    # https link, which takes effect at once (RFC 2369's header, RFC 8058's POST marker).
    unsubscribe: str = ""


class WrittenEmail(EmailMessage):
    """An email as its bytes (`wire`), written once by `written`: that is what SES sends.

    Read as an EmailMessage (tests, the CLI's preview), it is those bytes parsed, as a mail program
    reads them: the parse happens on the first read, and the sending path never reads. The
    standard library's own writing builds a header object for every header it is given and parses
    the value (then folds it again), and writing a message it had to read its headers back to
    check them: about 3 ms an email, against well under 1 here. A written email is final: what is
    read from it is a copy of the bytes, and changing that copy changes nothing that is sent.
    """

    def __init__(self, draft: Draft) -> None:
        # EmailMessage.__init__ is not called: its attributes come from parsing `wire` (__getattr__).
        self.draft = draft
        self.wire = written(draft)

    def __getattr__(self, name: str) -> Any:
        # Only reached for an attribute not set yet: the first read of the message's parts.
        if name.startswith("__") or "_headers" in vars(self):
            raise AttributeError(name)
        # Read with LF line ends, as the message read before it was written: text parts then
        # decode to the text as rendered, not with the wire's CRLF.
        read = BytesParser(policy=READ_POLICY).parsebytes(self.wire.replace(b"\r\n", b"\n"))
        vars(self).update(vars(read))
        return getattr(self, name)

    def as_bytes(self, unixfrom: bool = False, policy: Any = None) -> bytes:
        """The written bytes, with the policy's line ends (CRLF for SMTP, LF otherwise, as before)."""
        if unixfrom:
            return super().as_bytes(unixfrom, policy)
        return self.wire if policy is not None and policy.linesep == "\r\n" else self.wire.replace(b"\r\n", b"\n")

    def as_string(self, unixfrom: bool = False, maxheaderlen: int | None = None, policy: Any = None) -> str:
        if unixfrom:
            return super().as_string(unixfrom, maxheaderlen, policy)
        return self.as_bytes(policy=policy).decode("ascii")


def written(draft: Draft) -> bytes:
    """The email's MIME bytes, 7-bit with CRLF line ends: multipart/alternative text and HTML (inside
    multipart/mixed with the attachments, when there are any), quoted-printable bodies, headers from
    `headers`' field writers (RFC 2047 encoded words for non-ASCII text, no header value with a line
    break). Boundaries start with "=_", which quoted-printable and base64 never write, so no body
    can contain one."""
    bodies = _multipart(
        "alternative",
        [
            _text_part('text/plain; charset="utf-8"', draft.text.encode("utf-8")),
            _text_part('text/html; charset="utf-8"', draft.html.encode("utf-8")),
        ],
    )
    if draft.attachments:
        bodies = _multipart("mixed", [bodies, *(_attachment_part(one) for one in draft.attachments)])
    head = [
        subject_field("Subject", draft.subject),
        addresses_field("From", [draft.sender]),
        addresses_field("To", draft.to),
        addresses_field("Reply-To", draft.reply_to) if draft.reply_to else "",
        plain_field("Date", format_datetime(draft.date)),
        plain_field("Message-ID", draft.message_id),
        "MIME-Version: 1.0\r\n",
    ]
    if draft.unsubscribe:
        head += [link_field("List-Unsubscribe", f"<{draft.unsubscribe}>"), _ONE_CLICK]
    head.append(plain_field("Content-Language", draft.language))
    return "".join(head).encode("ascii") + bodies


_ONE_CLICK = link_field("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")
# What we put in a Content-Type or Content-Disposition parameter: a token, quoted, never escaped.
_PARAMETER = re.compile(r"[A-Za-z0-9._-]+")


def _parameters(params: Sequence[tuple[str, str]]) -> str:
    for name, value in params:
        if not (_PARAMETER.fullmatch(name) and _PARAMETER.fullmatch(value)):
            raise ValueError(f"MIME parameter {name}={value!r}: not a plain token")
    return "".join(f'; {name}="{value}"' for name, value in params)


def _text_part(content_type: str, text: bytes, headers: str = "") -> bytes:
    """UTF-8 text, quoted-printable (7-bit, lines within 76 characters), its lines ended by CRLF
    wherever the text ended one (CR, LF or CRLF), and ending with one, as the standard library did."""
    lines = text.splitlines()
    body = _within_76(binascii.b2a_qp(b"\r\n".join(lines) + b"\r\n", istext=True))
    return (
        plain_field("Content-Type", content_type) + headers + "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
    ).encode("ascii") + body


# RFC 2045 §6.7: a quoted-printable line is at most 76 characters, its "=" soft break included.
_QP_LINE = 76


def _within_76(body: bytes) -> bytes:
    """binascii.b2a_qp keeps lines to 76 characters except one: whitespace it encodes at a line's
    end ("=20") can take the line to 78. Such a line gets one more soft break, never inside an "=XX"."""
    if len(body) <= _QP_LINE or max(map(len, body.split(b"\r\n"))) <= _QP_LINE:
        return body
    lines = []
    for line in body.split(b"\r\n"):
        while len(line) > _QP_LINE:
            cut = _QP_LINE - 1
            cut -= 1 if line[cut - 1 : cut] == b"=" else 2 if line[cut - 2 : cut - 1] == b"=" else 0
            lines.append(line[:cut] + b"=")
            line = line[cut:]
        lines.append(line)
    return b"\r\n".join(lines)


def _attachment_part(attachment: Attachment) -> bytes:
    content_type = attachment.content_type + _parameters(attachment.params)
    disposition = plain_field("Content-Disposition", "attachment" + _parameters([("filename", attachment.filename)]))
    if attachment.quoted_printable:
        return _text_part(content_type, attachment.data, disposition)
    body = base64.encodebytes(attachment.data).replace(b"\n", b"\r\n")  # lines of 76 characters
    return (
        plain_field("Content-Type", content_type) + disposition + "Content-Transfer-Encoding: base64\r\n\r\n"
    ).encode("ascii") + body


def _multipart(subtype: str, parts: list[bytes]) -> bytes:
    """A multipart entity (its Content-Type, a blank line, the parts): each part's own bytes end with
    CRLF, and the CRLF before a boundary line belongs to the boundary (RFC 2046 §5.1.1)."""
    boundary = "=_" + secrets.token_hex(12)
    delimiter = f"--{boundary}\r\n".encode("ascii")
    head = f'Content-Type: multipart/{subtype}; boundary="{boundary}"\r\n\r\n'.encode("ascii")
    return head + b"".join(delimiter + part + b"\r\n" for part in parts) + f"--{boundary}--\r\n".encode("ascii")


@functools.lru_cache(maxsize=256)
def _address(text: str) -> Address:
    """An address from configuration (the sender, the organisers): the same few on every email, so
    each is parsed once (an Address is immutable). SES speaks ASCII: an internationalised domain
    goes out as punycode; a local part that is not ASCII stays, and no header can carry it."""
    name, addr = parseaddr(text)
    if not addr.isascii():
        from email_validator import EmailNotValidError, validate_email  # see _Reader.emails in events.py

        try:
            addr = validate_email(addr, check_deliverability=False).ascii_email or addr
        except EmailNotValidError:
            pass
    local, _, domain = addr.partition("@")
    return Address(display_name=name, username=local, domain=domain)


def _recipient(email: str) -> Address:
    """The validated address alone. No display name: nothing a person typed goes into a header."""
    from email_validator import validate_email

    # SES speaks ASCII addresses: an internationalised domain goes out as punycode.
    ascii_email = validate_email(email, check_deliverability=False).ascii_email or ""
    local, _, domain = ascii_email.partition("@")
    return Address(username=local, domain=domain)


def registration_email(
    kind: EmailKind,
    event: Event,
    registration: Registration,
    *,
    links: Links,
    writing: Writing,
) -> WrittenEmail:
    """The confirmation (or waiting-list notice, promotion, reminder, cancellation receipt) for one registration."""
    language = registration.answers.language
    context = email_context(kind, event, registration, links=links)
    tr = i18n.translator(language)
    if kind == EmailKind.REMINDER:
        subject = tr.gettext("Reminder: {title}, {date}").format(title=context["title"], date=context["date_text"])
    elif kind in RECEIPTS:
        subject = tr.gettext(SUBJECTS[EmailKind.CANCELLATION]).format(title=context["title"])
    else:
        subject_key: str = registration.status
        if kind == EmailKind.PROMOTION:
            # A seat freed in an event with confirm_address is held: the subject asks for the click.
            subject_key = "promotion_pending" if registration.status == Status.PENDING else EmailKind.PROMOTION
        elif kind == EmailKind.ALREADY_REGISTERED:
            subject_key = EmailKind.ALREADY_REGISTERED
        subject = tr.gettext(SUBJECTS[subject_key]).format(title=context["title"])
    if kind == EmailKind.ALREADY_REGISTERED:
        # Someone signed this address up again: say so, show nothing they typed, point to the link.
        body = "email/already_registered"
    else:
        body = "email/cancellation" if kind in RECEIPTS else "email/registration"
    # A calendar entry for a certain seat (not the waiting list, not a seat held for a click),
    # and its withdrawal (same UID, higher SEQUENCE) once the seat is cancelled.
    cancelled = kind == EmailKind.CANCELLATION
    with_calendar = cancelled or (
        kind not in (*RECEIPTS, EmailKind.ALREADY_REGISTERED) and registration.status == Status.CONFIRMED
    )
    calendar = _calendar(event, registration, context, cancelled=cancelled, writing=writing) if with_calendar else None
    return _to_registrant(
        registration, event, subject, body, context, writing=writing, calendar=calendar, unsubscribe=links.leave_network
    )


def _calendar(
    event: Event,
    registration: Registration,
    context: dict[str, Any],
    *,
    cancelled: bool,
    writing: Writing,
) -> Attachment:
    language = registration.answers.language
    description = writing.templates.get_template("email/calendar.txt").render(context)
    ics = calendar_file(
        event,
        registration.registration_id,
        language=language,
        now=writing.now,
        description=description,
        cancelled=cancelled,
    )
    return Attachment(
        filename="traff.ics" if language == "sv" else "meeting.ics",
        content_type="text/calendar",
        data=ics,
        params=(("charset", "utf-8"), ("method", method(cancelled))),
        quoted_printable=True,
    )


def notice_email(
    notice: Notice,
    event: Event,
    registration: Registration,
    *,
    links: Links,
    writing: Writing,
    with_calendar: bool,
) -> WrittenEmail:
    """A notice to one person, in their language: the meeting is cancelled (with the calendar entry
    withdrawn), what changed, old → new (with the updated entry), or the organisers' message. The
    organisers' words go in the body only, escaped in the HTML part: no header carries them."""
    # Imported when used: notices sends through this module, and a cold start needs neither.
    from .notice_kind import NoticeKind
    from .notices import SUBJECTS
    from .plain_text import linked_paragraphs

    language = registration.answers.language
    context = email_context(EmailKind.CONFIRMATION, event, registration, links=links)
    context.update(
        notice=notice,
        changes=described_changes(notice, event, language),
        text_html=linked_paragraphs(notice.text) if notice.text else "",
        with_calendar=with_calendar,
        waiting=registration.status == Status.WAITLISTED,
        # Once the meeting is off, nobody needs a link to change their answers.
        manage_url="" if event.is_cancelled else links.manage,
    )
    subject = i18n.translator(language).gettext(SUBJECTS[notice.kind]).format(title=context["title"])
    cancelled = notice.kind == NoticeKind.CANCELLED
    calendar = _calendar(event, registration, context, cancelled=cancelled, writing=writing) if with_calendar else None
    return _to_registrant(registration, event, subject, "email/notice", context, writing=writing, calendar=calendar)


def invitation_email(event: Event, member: Member, *, links: InvitationLinks, writing: Writing) -> WrittenEmail:
    """An invitation to a network's member, in their language: the meeting, the link to the form
    already filled in (its URL holds a signed token, nothing personal) and, as every network email,
    the one-click way out (RFC 8058). The member's name goes in the body only, never a header."""
    from .notice_kind import NoticeKind
    from .notices import SUBJECTS  # see notice_email

    context = invitation_context(event, member, links)
    language = context["lang"]
    subject = i18n.translator(language).gettext(SUBJECTS[NoticeKind.INVITATION]).format(title=context["title"])
    return _email(
        subject,
        writing=writing,
        to=[_recipient(member.email)],
        reply_to=event.organisers[:1],
        language=language,
        template="email/invitation",
        context=context,
        unsubscribe=links.leave_network,
    )


@dataclass(frozen=True)
class InvitationLinks:
    form: str  # the form, to be filled in from the member's record (a signed token)
    leave_network: str
    privacy: str


def invitation_context(event: Event, member: Member, links: InvitationLinks) -> dict[str, Any]:
    """What the invitation's templates say (the console's preview renders its text part from it)."""
    language = member.language if member.language in ("sv", "en") else "sv"
    times = meeting_times(event, language)
    return {
        "lang": language,
        "name": member.name,
        "title": event.text("title", language),
        "date_text": times.date,
        "meeting_text": times.meeting,
        "deadline_text": times.deadline,
        "venue": event.venue,
        "address": event.address,
        "contact": event.organisers[0] if event.organisers else "",
        "form_url": links.form,
        "leave_network_url": links.leave_network,
        "privacy_url": links.privacy,
    }


def working_group_email(
    notice: Notice,
    event: Event,
    registration: Registration,
    group: Group,
    members: list[Registration],
    *,
    links: Links,
    writing: Writing,
) -> WrittenEmail:
    """One person's email about their working group, in their language: the group's number and area,
    and the name, organisation and address of each member who agreed on the form to share them (the
    others are counted, never named). The reader is told whether their own details were shared."""
    from .notices import SUBJECTS  # see notice_email

    language = registration.answers.language
    context = email_context(EmailKind.CONFIRMATION, event, registration, links=links)
    area = next((a for a in event.interests if a.id == group.area), None)
    shared = [m for m in members if m.answers.share_with_group and m.registration_id != registration.registration_id]
    context.update(
        notice=notice,
        group_number=group.number,
        group_area=area.label(language) if area else "",
        shared=[(m.answers.name, m.answers.organisation, m.answers.email) for m in shared],
        not_shared=sum(
            1 for m in members if not m.answers.share_with_group and m.registration_id != registration.registration_id
        ),
        own_shared=bool(registration.answers.share_with_group),
        group_size=len(members),
    )
    subject = i18n.translator(language).gettext(SUBJECTS[notice.kind]).format(title=context["title"])
    return _to_registrant(registration, event, subject, "email/working_group", context, writing=writing)


def notice_copy_email(notice: Notice, event: Event, *, recipients: int, writing: Writing) -> WrittenEmail:
    """The organisers' copy of a message they sent: the same words, and to whom and how many."""
    from .notices import SUBJECTS, audience_name  # see notice_email
    from .plain_text import linked_paragraphs

    language, tr, title = _in_organisers_words(event)
    context = {
        "lang": language,
        "title": title,
        "notice": notice,
        "text_html": linked_paragraphs(notice.text),
        "audience": audience_name(notice.audience, language),
        "count": recipients,
    }
    subject = tr.gettext("Copy: {subject}").format(subject=tr.gettext(SUBJECTS[notice.kind]).format(title=title))
    return _to_organisers(event, subject, "email/notice_copy", context, to=event.organisers, writing=writing)


def described_changes(notice: Notice, event: Event, language: str) -> list[tuple[str, str, str]]:
    """(what, before, after) for each change, in the reader's language and the meeting's time zone."""
    from .notices import DETAIL_NAMES  # see notice_email

    tr = i18n.translator(language)

    def shown(value: datetime | str | None) -> str:
        if not value:
            return "–"
        if isinstance(value, datetime):
            return local_date_and_clock(event, value, language)
        return value

    return [(tr.gettext(DETAIL_NAMES[change.name]), shown(change.old), shown(change.new)) for change in notice.changes]


def _email(
    subject: str,
    *,
    writing: Writing,
    to: Sequence[Address],
    reply_to: Sequence[str],
    language: str,
    template: str,
    context: dict[str, Any],
    attachments: tuple[Attachment, ...] = (),
    unsubscribe: str = "",
) -> WrittenEmail:
    """One email, written: the plain text from the template `template`.txt and its HTML alternative
    from `template`.html, in `language`; the headers every message carries: when it was written, and
    where a reply goes (the organisers, never the sending address nobody reads)."""
    from_address = _address(writing.sender)
    return WrittenEmail(
        Draft(
            subject=subject,
            sender=from_address,
            to=tuple(to),
            # An organiser whose address no header can carry (not ASCII) is left out of Reply-To
            # rather than stopping the email (replies then go to the sender's address).
            reply_to=tuple(one for one in map(_address, reply_to) if one.addr_spec.isascii()),
            date=writing.now,
            message_id=make_msgid(domain=from_address.domain or "signup.local"),
            language=language,
            text=writing.templates.get_template(f"{template}.txt").render(context),
            html=writing.templates.get_template(f"{template}.html").render(context),
            attachments=attachments,
            unsubscribe=unsubscribe,
        )
    )


def _to_registrant(
    registration: Registration,
    event: Event,
    subject: str,
    template: str,
    context: dict[str, Any],
    *,
    writing: Writing,
    calendar: Attachment | None = None,
    unsubscribe: str = "",
) -> WrittenEmail:
    """An email to the person who registered, in their language, to their validated address alone;
    replies go to the first organiser."""
    return _email(
        subject,
        writing=writing,
        to=[_recipient(registration.answers.email)],
        reply_to=event.organisers[:1],
        language=registration.answers.language,
        template=template,
        context=context,
        attachments=(calendar,) if calendar else (),
        unsubscribe=unsubscribe,
    )


def _in_organisers_words(event: Event) -> tuple[str, NullTranslations, str]:
    """What an email to the organisers is written in: their language, its translations, and the
    meeting's title in it."""
    language = event.organiser_language
    return language, i18n.translator(language), event.text("title", language)


def _to_organisers(
    event: Event,
    subject: str,
    template: str,
    context: dict[str, Any],
    *,
    to: Sequence[str],
    writing: Writing,
    attachments: tuple[Attachment, ...] = (),
) -> WrittenEmail:
    """An email to the organisers (or the caterer), in the organisers' language; replies go to every
    organiser."""
    return _email(
        subject,
        writing=writing,
        to=[_address(address) for address in to],
        reply_to=event.organisers,
        language=event.organiser_language,
        template=template,
        context=context,
        attachments=attachments,
    )


def email_context(kind: EmailKind, event: Event, registration: Registration, *, links: Links) -> dict[str, Any]:
    language = registration.answers.language
    tr = i18n.translator(language)
    times = meeting_times(event, language)
    answers = registration.answers
    return {
        "lang": language,
        "kind": kind,
        "status": registration.status,
        "name": answers.name,
        "title": event.text("title", language),
        "date_text": times.date,
        "meeting_text": times.meeting,
        "meal_text": times.meal_chosen if answers.meal else "",
        "venue": event.venue,
        "address": event.address,
        "answers": answers,
        "meal_answer": i18n.yes_or_no(tr, answers.meal),
        # Only structured answers are echoed: free text (diet, access needs, message) would put
        # whatever anyone typed into mail the municipality sends to an unconfirmed address.
        "attended_answer": i18n.yes_or_no(tr, answers.attended_before),
        "interest_names": [area.label(language) for area in event.interests if area.id in answers.interests],
        "has_free_text": bool(answers.diet or answers.access_needs or answers.message),
        "manage_url": links.manage,
        "privacy_url": links.privacy,
        "confirm_url": links.confirm if registration.status == Status.PENDING else "",
        "leave_network_url": links.leave_network,
        "hold_until_text": local_date_and_clock(event, registration.hold_until, language),
        "contact": event.organisers[0] if event.organisers else "",
    }


def digest_email(
    event: Event,
    summary: Any,
    *,
    final: bool,
    caterer: bool = False,
    csv_bytes: bytes,
    live_link: str,
    recipients: list[str],
    writing: Writing,
    network: dict[str, Any] | None = None,
) -> WrittenEmail:
    """The organisers' digest, or the final list when registration closes, with the CSV (and, for a
    meeting of a network's series, the network's section: `network_report.digest_section`).

    Replies go to the organisers, from the caterer too."""
    language, tr, title = _in_organisers_words(event)
    context = {
        "lang": language,
        "s": summary,
        "event": event,
        "final": final,
        "caterer": caterer,
        "live_link": live_link,
        "live_link_note": tr.gettext(
            "You sign in with the email address listed as organiser of the meeting. The list shows names, diets and "
            "access needs, so only someone who signs in sees it."
        ),
        "heading": (
            tr.gettext("Registration has closed: final attendee list for {title}")
            if final
            else tr.gettext("Where {title} stands")
        ).format(title=title),
        "date_text": meeting_times(event, language).date,
        "venue": event.venue,
        "network": network,
    }
    confirmed = len(summary.confirmed)
    subject = (
        tr.gettext("Final attendee list: {title}")
        if final
        else tr.ngettext(
            "Registrations for {title}: {confirmed} signed up",
            "Registrations for {title}: {confirmed} signed up",
            confirmed,
        )
    )
    csv = Attachment(f"{event.id}.csv", "text/csv", csv_bytes, params=(("charset", "utf-8"),))
    return _to_organisers(
        event,
        subject.format(title=title, confirmed=confirmed),
        "email/digest",
        context,
        to=recipients,
        writing=writing,
        attachments=(csv,) if csv_bytes else (),
    )


def sign_in_email(address: str, *, link: str, valid_minutes: int, language: str, writing: Writing) -> WrittenEmail:
    """ "Logga in på Signup": the one-time link to the organiser console. To the address alone (it was
    validated), no display name, no text the requester typed in any header."""
    tr = i18n.translator(language)
    context = {"lang": language, "link": link, "minutes": valid_minutes}
    return _email(
        tr.gettext("Sign in to Signup"),
        writing=writing,
        to=[_recipient(address)],
        reply_to=(),
        language=language,
        template="email/sign_in",
        context=context,
    )
