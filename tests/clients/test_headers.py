"""Subjects, names and the headers around them read the same in every mail program.

A matrix of titles (å/ä/ö beside spaces, dashes and colons, short and long) goes into every kind
of email; the bytes we send are read back by the standard library, node `mailparser` and Python
`mail-parser`, and each must see exactly the text we wrote.
"""

from __future__ import annotations

import email
import email.policy
import email.utils
from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from typing import Any

import pytest

from chalicelib.headers import MAX_LINE
from chalicelib.mail import written
from tests.clients.conftest import read_with_mail_parser
from tests.clients.corpus import (
    NOW,
    ORGANISER_EMAILS,
    ORGANISERS,
    PERSON_EMAILS,
    SENDER,
    Sent,
    event_titled,
    every_email,
)
from tests.clients.stdlib_mail import draft

TITLES = [
    ("Små träffen – åäö ÅÄÖ", "Small meeting – åäö ÅÄÖ"),
    ("åäö ÅÄÖ", "Å Ä Ö"),
    ("Möte: Ö", "Meeting: Ö"),
    ("Å – Ä – Ö: å:ä:ö", "Ö - Ä - Å"),
    ("Nätverk för social hållbarhet – andra träffen", "Network for social sustainability – second meeting"),
    (
        "Regional konferens om social hållbarhet, integration och föreningsliv i Hälsingland – dag två: åäö ÅÄÖ",
        "Regional conference on social sustainability in Hälsingland – day two: Ölandsbro, Åre and Ängelholm",
    ),
    ("Träff: åäö:ÅÄÖ – öppet för alla   som vill", "Meeting:åäö – open to all"),
    ("Sjö-träff i Hudiksvall", "Plain ASCII meeting - part 2: planning"),
    ("Sjö-träff", "A plain ASCII title long enough that the subject line has to be folded: part 2"),
    ("=?utf-8?q?ser_ut_som_kod?= – men är en titel", "=?x?= looks encoded"),
    ("ÅÄÖ" * 30, " ".join(["åäö"] * 30)),
]
# The sender's display name comes from configuration (SIGNUP_SENDER).
SENDERS = [
    SENDER,
    "Små träffen – åäö ÅÄÖ <anmalan@signup.local>",
    "Signup Hudiksvall <anmalan@signup.local>",
    "Ölands Kök & Ängsbacka <anmalan@signup.local>",
]


@pytest.fixture(scope="module")
def matrix(tmp_path_factory, node_parsers):
    """Every email for every title, each read by node mailparser (one process for them all)."""
    folder = tmp_path_factory.mktemp("headers")
    sent = []
    for index, (sv, en) in enumerate(TITLES):
        sender = SENDERS[index % len(SENDERS)]
        sent += [(one, sender) for one in every_email(event_titled(sv, en), sender=sender)]
    paths = [one.write(folder, index) for index, (one, _) in enumerate(sent)]
    parsed = node_parsers(paths)
    return [
        Read(one, sender, parsed[path]["email"], stdlib(one.raw), read_with_mail_parser(one.raw))
        for (one, sender), path in zip(sent, paths, strict=True)
    ]


@dataclass(frozen=True)
class Read:
    """One message as we built it, and as each parser read its bytes."""

    sent: Sent
    sender: str
    node: dict[str, Any]  # node mailparser
    stdlib: EmailMessage  # email.parser with policy.default
    python: Any  # Python mail-parser


def stdlib(raw: bytes) -> EmailMessage:
    return email.message_from_bytes(raw, policy=email.policy.default)


def test_every_subject_reads_exactly_as_written_in_three_parsers(matrix):
    assert len(matrix) == len(TITLES) * (2 * len(PERSON_EMAILS) + len(ORGANISER_EMAILS))
    for one in matrix:
        written = one.sent.message.draft.subject  # as built, not as read back
        assert (one.stdlib["Subject"], one.node["subject"], one.python.subject) == (written,) * 3, one.sent.label


def test_the_title_survives_whole_in_every_subject(matrix):
    titles = {title for pair in TITLES for title in pair}
    for one in matrix:
        assert any(title in one.node["subject"] for title in titles), (one.sent.label, one.node["subject"])


def test_the_senders_display_name_reads_exactly_as_configured(matrix):
    for one in matrix:
        name = email.utils.parseaddr(one.sender)[0]
        assert one.stdlib["From"].addresses[0].display_name == name, one.sent.label
        assert one.node["from"] == [{"name": name, "address": "anmalan@signup.local"}], one.sent.label
        assert one.python.from_ == [(name, "anmalan@signup.local")], one.sent.label


def test_replies_go_to_the_organisers(matrix):
    for one in matrix:
        replies = [reply["address"] for reply in one.node["replyTo"]]
        if one.sent.to_organisers:  # digest, final list, caterer: every organiser
            assert replies == ORGANISERS, one.sent.label
        else:  # a person's email: the first organiser, their contact
            assert replies == ORGANISERS[:1], one.sent.label
        assert [address for _, address in one.python.reply_to] == replies, one.sent.label
        assert [address.addr_spec for address in one.stdlib["Reply-To"].addresses] == replies


def test_every_message_is_dated_when_it_was_written(matrix):
    for one in matrix:
        assert datetime.fromisoformat(one.node["date"]) == NOW, one.sent.label
        assert one.stdlib["Date"].datetime == NOW, one.sent.label
        assert one.python.date == NOW, one.sent.label


def test_the_language_set_in_code_is_on_the_wire(matrix):
    for one in matrix:
        assert one.node["contentLanguage"] == one.sent.language, one.sent.label
        assert one.python.headers.get("Content-Language") == one.sent.language, one.sent.label
        assert one.stdlib["Content-Language"] == one.sent.language, one.sent.label


def test_headers_stay_7_bit_with_short_lines(matrix):
    for one in matrix:
        head = one.sent.raw.split(b"\r\n\r\n", 1)[0]
        assert head.isascii(), one.sent.label
        assert all(len(line) <= MAX_LINE for line in head.split(b"\r\n") if b"=?" in line), one.sent.label


def test_a_display_name_too_long_for_one_encoded_word_leaves_the_bare_address():
    sender = Address(display_name="Hudiksvalls kommun – " + "å" * 40, addr_spec="anmalan@signup.local")
    raw = written(draft(sender=sender))
    assert b"From: anmalan@signup.local\r\n" in raw
    assert read_with_mail_parser(raw).from_ == [("", "anmalan@signup.local")]
