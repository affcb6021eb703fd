"""Mail headers that every reader decodes to exactly the text we meant.

The standard library folds a long non-ASCII header into several RFC 2047 encoded words and
may leave the only space between two of them outside both. Decoders must drop whitespace
between adjacent encoded words (RFC 2047 §6.2), so "åäö ÅÄÖ" arrives as "åäöÅÄÖ". Python's
own parser does the opposite in display names (it keeps that whitespace), and some parsers
glue a plain word to an encoded one. So a non-ASCII subject is written here entirely as
encoded words, each holding whole characters and its own spaces, and a non-ASCII display
name as a single encoded word: then there is no whitespace between words for anyone to
keep or drop. An ASCII subject is written as it is when it fits on one line.

Signup's emails are written by `mail.written` with the field writers here (`subject_field`,
`addresses_field`, `link_field`, `plain_field`).
"""

from __future__ import annotations

import base64
import email.policy
import functools
from collections.abc import Sequence
from email.headerregistry import (
    Address,
    BaseHeader,
    HeaderRegistry,
)
from typing import Any

# RFC 2047 §2: an encoded word is at most 75 characters, a line holding one at most 76.
MAX_WORD = 75
MAX_LINE = 76
# RFC 5322 §2.1.1: no line longer than 998 characters (78 is only a recommendation).
MAX_HARD_LINE = 998
_CHARSET = "utf-8"
# RFC 2047 §5(3): the characters a Q-encoded word may carry as themselves anywhere, phrases included.
_Q_PLAIN = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!*+-/")


def _q(data: bytes) -> str:
    return "".join("_" if byte == 0x20 else chr(byte) if chr(byte) in _Q_PLAIN else f"={byte:02X}" for byte in data)


def encoded_word(text: str) -> str:
    """`text` as one encoded word, Q or B, whichever is shorter (Q keeps mostly-ASCII text readable)."""
    data = text.encode(_CHARSET)
    q = _q(data)
    b = base64.b64encode(data).decode("ascii")
    return f"=?{_CHARSET}?q?{q}?=" if len(q) <= len(b) else f"=?{_CHARSET}?b?{b}?="


# "=?utf-8?q?" and "?=" around every encoded word, Q or B alike.
_WORD_FRAME = len(f"=?{_CHARSET}?q??=")


def _q_length(character: str, size: int) -> int:
    """How long `character` (`size` UTF-8 bytes) is Q-encoded: as itself (or "_"), else =XX a byte."""
    return 1 if character == " " or character in _Q_PLAIN else 3 * size


def encoded_words(text: str, first_room: int) -> list[str]:
    """`text` as encoded words that decode, concatenated, to exactly `text`.

    Splits only between characters, never inside one's UTF-8 bytes; the first word fits in
    `first_room` characters (the rest of the header's first line), later ones in a folded line.
    A chunk's encoded length is kept as it grows (Q adds each character's own length, B is
    4 per 3 bytes), so the text is encoded once per word, not once per character.
    """
    words: list[str] = []
    chunk, q_length, byte_count = "", 0, 0
    for character in text:
        room = min(MAX_WORD, first_room if not words else MAX_LINE - 1)
        size = len(character.encode(_CHARSET))
        grown_q, grown_bytes = q_length + _q_length(character, size), byte_count + size
        if chunk and _WORD_FRAME + min(grown_q, -(-grown_bytes // 3) * 4) > room:
            words.append(encoded_word(chunk))
            chunk, grown_q, grown_bytes = "", _q_length(character, size), size
        chunk, q_length, byte_count = chunk + character, grown_q, grown_bytes
    words.append(encoded_word(chunk))
    return words


def _refuse_line_breaks(name: str, value: str) -> None:
    # A header value is one logical line: a CR or LF in it would start a header of its own.
    if "\r" in value or "\n" in value:
        raise ValueError(f"{name}: a header value may not contain a line break")


@functools.lru_cache(maxsize=1024)
def subject_field(name: str, text: str, linesep: str = "\r\n") -> str:
    """`Name: text` as written: plain when ASCII that fits on one line (some readers, Python
    mail-parser, keep the line break of a folded header in the subject), otherwise whole encoded
    words, one a line. Text that merely looks like an encoded word is encoded too: readers would
    decode it, and what they decoded (a CR LF and a `Bcc:`) is not what we meant to say.
    Kept for the next email: an event's people all get the same few subjects."""
    _refuse_line_breaks(name, text)
    if not _needs_encoding(text) and len(name) + 2 + len(text) <= MAX_LINE:
        return f"{name}: {text}{linesep}"
    words = encoded_words(text, MAX_LINE - len(name) - 2)
    return f"{name}: " + f"{linesep} ".join(words) + linesep


def addresses_field(name: str, addresses: Sequence[Address], linesep: str = "\r\n") -> str:
    """From, To, Cc, Reply-To: one mailbox (`mailbox`) a line, folded before a piece that would make
    the line longer than `MAX_LINE` (never inside one). Addresses must be ASCII: SES speaks ASCII,
    and an address cannot be an encoded word."""
    lines = [f"{name}:"]
    for index, one in enumerate(addresses):
        # Address refuses line breaks too; the writer does not rely on it (a name with one would be
        # written as an encoded word that decodes into it).
        _refuse_line_breaks(name, one.display_name + one.addr_spec)
        if not one.addr_spec.isascii():
            raise ValueError(f"{name}: {one.addr_spec!r} is not an ASCII address")
        pieces = mailbox(one)
        if index < len(addresses) - 1:
            pieces[-1] += ","
        for piece in pieces:
            if len(lines[-1]) + 1 + len(piece) > MAX_LINE and lines[-1].strip():
                lines.append("")
            lines[-1] += " " + piece
        if index < len(addresses) - 1:
            lines.append("")
    return linesep.join(lines) + linesep


def link_field(name: str, text: str, linesep: str = "\r\n") -> str:
    """List-Unsubscribe and List-Unsubscribe-Post (RFC 2369, RFC 8058): ASCII, on one line as they
    are. Mail programs read these as URLs, not text: the standard library turned a signed link
    longer than 78 characters into `=?utf-8?q?=3Chttp...?=`, in which node mailparser found no link,
    so no one-click way out would have been offered."""
    return plain_field(name, text, linesep)


def plain_field(name: str, value: str, linesep: str = "\r\n") -> str:
    """A header we compose from ASCII pieces of our own (Date, Message-ID, Content-Type, ...): one
    line, as it is; anything else is refused rather than written."""
    _refuse_line_breaks(name, value)
    line = f"{name}: {value}"
    if not line.isascii() or len(line) > MAX_HARD_LINE:
        raise ValueError(f"{name}: not a one-line ASCII header value")
    return line + linesep


def _needs_encoding(text: str) -> bool:
    # Plain ASCII that merely looks like an encoded word would be decoded by readers: encode it too.
    return not text.isascii() or "=?" in text


def mailbox(address: Address) -> list[str]:
    """One address as the pieces of its line(s): the display name as a single encoded word (or
    plain, when ASCII), then the address.

    A display name too long for one encoded word (about 40 Swedish characters) is left out:
    several words would decode differently in different readers, and the address alone still
    reaches the person. Our display names come from configuration, never from the form.
    """
    name = address.display_name
    if not name:
        return [address.addr_spec]
    if not _needs_encoding(name):
        return [str(address)]
    word = encoded_word(name)
    if len(word) > MAX_WORD:
        return [address.addr_spec]
    return [word, f"<{address.addr_spec}>"]


class _Registry(HeaderRegistry):
    """The standard registry, but each header's class is made once: the stdlib builds a new class
    (`type(...)`) for every header it creates or parses, about a fifth of an email's build time."""

    def __init__(self) -> None:
        super().__init__()
        self._classes: dict[str, type[BaseHeader]] = {}

    def map_to_type(self, name: str, cls: Any) -> None:
        super().map_to_type(name, cls)
        self._classes.clear()

    def __getitem__(self, name: str) -> type[BaseHeader]:
        key = name.lower()
        made = self._classes.get(key)
        if made is None:
            made = self._classes[key] = super().__getitem__(name)
        return made


# Reading messages back (a `mail.WrittenEmail` read as an EmailMessage, `mail.wire_bytes` checking a
# message the standard library wrote): the stdlib's own header classes, made once.
READ_POLICY = email.policy.default.clone(header_factory=_Registry())
