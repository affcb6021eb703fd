"""Headers as the standard library and Python mail-parser read them back (the node parsers join in
tests/clients): exact subjects and names, whatever the folding."""

from __future__ import annotations

import email
import email.policy
from email.headerregistry import Address

import mailparser
import pytest

from chalicelib.headers import MAX_LINE, encoded_words
from chalicelib.mail import written
from tests.clients.stdlib_mail import draft

TITLES = [
    "Anmälningar till Små träffen – åäö ÅÄÖ: 4 anmälda",  # decoded as "…åäöÅÄÖ: 4 anmälda" before
    "Anmälan bekräftad: Nätverk för social hållbarhet – andra träffen",  # "försocial" in mail-parser before
    "Slutlig deltagarlista: - – möte ÅÄÖ – – åäö Ölandsbro: åäö",
    "Påminnelse: " + " ".join(["åäö", "ÅÄÖ", "–", "Ö:", "x" * 12] * 6),
    ("Plain ASCII: folded at spaces by the standard library, " * 3).strip(),
    "=?utf-8?q?looks_encoded?= but is a title",
]


def wire(subject: str, sender: Address) -> bytes:
    return written(draft(subject=subject, sender=sender))


@pytest.mark.parametrize("subject", TITLES)
def test_subjects_read_back_exactly(subject):
    raw = wire(subject, Address("Hudiksvalls kommun – Signup", addr_spec="anmalan@signup.local"))
    assert email.message_from_bytes(raw, policy=email.policy.default)["Subject"] == subject
    assert mailparser.parse_from_bytes(raw).subject == subject
    head = raw.split(b"\r\n\r\n")[0]
    assert head.isascii() and all(len(line) <= MAX_LINE for line in head.split(b"\r\n"))


@pytest.mark.parametrize("name", ["Hudiksvalls kommun – Signup", "Små träffen – åäö ÅÄÖ", "Ö", "Signup"])
def test_a_display_name_reads_back_exactly(name):
    raw = wire("x", Address(name, addr_spec="anmalan@signup.local"))
    assert email.message_from_bytes(raw, policy=email.policy.default)["From"].addresses[0].display_name == name
    assert mailparser.parse_from_bytes(raw).from_ == [(name, "anmalan@signup.local")]


def test_encoded_words_split_between_characters_and_fit_their_lines():
    words = encoded_words("å" * 100 + " ÅÄÖ", first_room=MAX_LINE - len("Subject: "))
    assert len(words) > 2 and all(len(word) <= 75 for word in words)
    assert "".join(str(email.header.make_header(email.header.decode_header(word))) for word in words) == (
        "å" * 100 + " ÅÄÖ"
    )


def test_a_long_one_click_link_is_written_as_it_is_never_as_encoded_words():
    """A mail program reads List-Unsubscribe as a URL: the stdlib turned a signed link longer than a
    line into `=?utf-8?q?=3Chttp...?=`, which node mailparser (tests/clients) found no link in."""
    url = "https://signup.hudiksvall.se/network/leave/" + "WyJuYXR2ZXJrIiwiM2YxMmJiMTdkZTI1OWUxNj" * 4 + ".sig"
    data = written(
        draft(subject="Anmalan bekraftad", sender=Address(addr_spec="anmalan@signup.local"), unsubscribe=url)
    )
    assert f"\r\nList-Unsubscribe: <{url}>\r\n".encode() in data
    assert b"\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n" in data
    assert b"=?utf-8?" not in data
