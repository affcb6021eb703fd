"""Signup writes its MIME itself (`mail.written`); until November 2026 the standard library wrote it.
Every kind of email, in Swedish and in English, is written both ways from the same draft and read
by node mailparser, Python mail-parser and the standard library's parser: each must read the same
headers, text, HTML and attachments from both (only the boundaries, which nobody reads, differ)."""

from __future__ import annotations

import email
import email.policy
from collections.abc import Callable, Iterable
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from chalicelib.events import NoticedDetail
from chalicelib.mail import (
    InvitationLinks,
    Links,
    WrittenEmail,
    invitation_email,
    notice_copy_email,
    notice_email,
    registration_email,
    sign_in_email,
    working_group_email,
)
from chalicelib.network import Member
from chalicelib.notice_kind import NoticeKind
from chalicelib.notices import Change, new_notice
from chalicelib.registrations import EmailKind, Status
from chalicelib.working_groups import Group
from tests.clients.conftest import read_with_mail_parser
from tests.clients.corpus import (
    NOW,
    ORGANISER_EMAILS,
    PERSON_EMAILS,
    SENDER,
    event_titled,
    every_email,
    organiser_email,
    registration,
)
from tests.clients.stdlib_mail import stdlib_bytes
from tests.helpers import writing_at

LEAVE = "https://signup.example/network/leave/WyJuYXR2ZXJrIiwiM2YxMmJiMTdkZTI1OWUxNj" + "x" * 60 + ".sig"


def every_kind() -> list[tuple[str, WrittenEmail]]:
    """Each email Signup writes, to a Swedish and to an English reader; the organisers' in both."""
    emails: list[tuple[str, WrittenEmail]] = []
    writing = writing_at(NOW, SENDER)
    for language in ("sv", "en"):
        event = event_titled(
            "Nätverk för social hållbarhet – andra träffen",
            "Network for social sustainability – second meeting",
            digest={"language": language},
        )
        people = [registration(event, "sv", Status.CONFIRMED, "r1"), registration(event, "en", Status.CONFIRMED, "r2")]
        if language == "sv":  # the people's emails (both languages) once, from the corpus
            emails += [(one.label, one.message) for one in every_email(event) if not one.to_organisers]
        emails += [(f"{kind}-{language}", organiser_email(kind, event, people)) for kind in ORGANISER_EMAILS]
        copy = new_notice(event, NoticeKind.MESSAGE, now=NOW, text="Välkomna!\nTa med kaffekopp: https://x.se")
        emails.append((f"notice-copy-{language}", notice_copy_email(copy, event, recipients=40, writing=writing)))
    event = event_titled("Små träffen – åäö ÅÄÖ", "Small meeting – åäö ÅÄÖ")
    moved = Change(NoticedDetail.STARTS_AT, event.starts_at, event.starts_at + timedelta(hours=1))
    notices = {
        "message": new_notice(event, NoticeKind.MESSAGE, now=NOW, text="Hej!\n\nLokalen är <b>ändrad</b>."),
        "changed": new_notice(event, NoticeKind.CHANGED, now=NOW, changes=(moved,)),
        "cancelled": new_notice(event, NoticeKind.CANCELLED, now=NOW, text="Tyvärr – ställs in."),
    }
    links = Links(manage="https://signup.example/registrations/TOKEN", leave_network=LEAVE)
    for language in ("sv", "en"):
        one = registration(event, language, Status.CONFIRMED, f"r-{language}", share_with_group="yes")
        other = registration(event, "sv", Status.CONFIRMED, "r-other", share_with_group="yes")
        confirmation = registration_email(EmailKind.CONFIRMATION, event, one, links=links, writing=writing)
        emails.append((f"confirmation-with-leave-link-{language}", confirmation))
        for name, notice in notices.items():
            calendar = name != "message"
            notified = notice_email(notice, event, one, links=links, writing=writing, with_calendar=calendar)
            emails.append((f"notice-{name}-{language}", notified))
        group = Group(1, "", (one.registration_id, other.registration_id))
        groups = new_notice(event, NoticeKind.WORKING_GROUPS, now=NOW, groups=(group,))
        grouped = working_group_email(groups, event, one, group, [one, other], links=links, writing=writing)
        emails.append((f"working-group-{language}", grouped))
        member = Member(
            event.id,
            "ref",
            f"medlem-{language}@example.se",
            "Åsa Öberg",
            "Röda Korset",
            "other",
            language,
            frozenset(),
            NOW,
        )
        invited = InvitationLinks(form="https://signup.example/form?t=T", leave_network=LEAVE, privacy="https://p")
        emails.append((f"invitation-{language}", invitation_email(event, member, links=invited, writing=writing)))
        link = "https://signup.example/console/sign-in/T"
        sign_in = sign_in_email(
            "asa.oberg@hudiksvall.example", link=link, valid_minutes=15, language=language, writing=writing
        )
        emails.append((f"sign-in-{language}", sign_in))
    return emails


def stdlib_view(raw: bytes) -> dict[str, Any]:
    message: EmailMessage = email.message_from_bytes(raw, policy=email.policy.default)
    headers = {name: str(value) for name, value in message.items() if not name.lower().startswith("content-type")}
    leaves = [
        (
            part.get_content_type(),
            sorted((key, value) for key, value in part.get_params() or [] if key != "boundary"),
            part.get_filename(),
            part.get_content_disposition(),
            part.get_payload(decode=True),
        )
        for part in message.walk()
        if not part.is_multipart()
    ]
    shape = [part.get_content_type() for part in message.walk()]
    return {"headers": sorted(headers.items()), "leaves": leaves, "shape": shape}


def mail_parser_view(raw: bytes) -> dict[str, Any]:
    parsed = read_with_mail_parser(raw)
    headers = {name: value for name, value in parsed.headers.items() if name.lower() != "content-type"}
    attachments = [
        (one["filename"], one["mail_content_type"], one["content_transfer_encoding"], one["payload"])
        for one in parsed.attachments
    ]
    return {
        "headers": headers,
        "text": parsed.text_plain,
        "html": parsed.text_html,
        "attachments": attachments,
        "from": parsed.from_,
        "to": parsed.to,
        "reply_to": parsed.reply_to,
        "subject": parsed.subject,
        "date": parsed.date,
    }


@pytest.fixture(scope="module")
def both_ways(
    tmp_path_factory: pytest.TempPathFactory, node_parsers: Callable[[Iterable[Path]], dict[Path, dict[str, Any]]]
) -> list[tuple[str, bytes, bytes, dict[str, Any], dict[str, Any]]]:
    folder: Path = tmp_path_factory.mktemp("writer")
    pairs = []
    for index, (label, message) in enumerate(every_kind()):
        new, old = message.as_bytes(policy=email.policy.SMTP), stdlib_bytes(message.draft)
        assert new == message.wire, "as_bytes is the written bytes"
        paths = (folder / f"{index:03d}-{label}-new.eml", folder / f"{index:03d}-{label}-old.eml")
        paths[0].write_bytes(new)
        paths[1].write_bytes(old)
        pairs.append((label, new, old, paths))
    parsed = node_parsers([path for *_, paths in pairs for path in paths])
    return [(label, new, old, parsed[paths[0]]["email"], parsed[paths[1]]["email"]) for label, new, old, paths in pairs]


def test_every_kind_of_email_is_covered_in_both_languages(both_ways):
    labels = [label for label, *_ in both_ways]
    assert len(set(labels)) == len(labels) == 2 * (len(PERSON_EMAILS) + len(ORGANISER_EMAILS) + 1 + 7)
    kinds = {label.rsplit("-", 1)[0] for label in labels}
    assert {label for kind in kinds for label in (f"{kind}-sv", f"{kind}-en")} == set(labels)


def test_node_mailparser_reads_the_same_email_both_ways(both_ways):
    for label, _, _, new, old in both_ways:
        assert new == old, label
        assert new["text"] and new["html"], label


def test_python_mail_parser_reads_the_same_email_both_ways(both_ways):
    for label, new, old, *_ in both_ways:
        assert mail_parser_view(new) == mail_parser_view(old), label


def test_the_standard_library_reads_the_same_parts_and_headers_both_ways(both_ways):
    for label, new, old, *_ in both_ways:
        assert stdlib_view(new) == stdlib_view(old), label


def test_the_written_bytes_are_7_bit_with_crlf_and_short_lines(both_ways):
    for label, new, *_ in both_ways:
        assert new.isascii(), label
        lines = new.split(b"\r\n")
        assert b"\n" not in b"".join(lines) and b"\r" not in b"".join(lines), label
        assert all(len(line) <= 998 for line in lines), label
        body_lines = new.split(b"\r\n\r\n", 1)[1].split(b"\r\n")
        assert all(len(line) <= 76 for line in body_lines), label
