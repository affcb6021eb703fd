"""An organiser's plain text in an email's HTML part: nothing they write is taken as HTML.

Every character is escaped; only what is plainly a web address (http or https, up to the next space)
becomes a link, and its address is escaped as an attribute. Paragraphs and line breaks are kept.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

# An address ends at white space or at a character that cannot be part of it; a full stop, comma,
# colon, semicolon, or closing bracket or quote at the very end belongs to the sentence, not the link.
_LINK = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)
_TRAILING = ".,:;!?)]}'\""


def linked_paragraphs(text: str) -> Markup:
    """`text` as HTML paragraphs with its web addresses as links (everything else escaped)."""
    paragraphs = [part for part in re.split(r"\n\s*\n", text.strip()) if part.strip()]
    return Markup("\n").join(
        Markup("<p>{}</p>").format(Markup("<br>\n").join(_linked(line) for line in paragraph.split("\n")))
        for paragraph in paragraphs
    )


def _linked(line: str) -> Markup:
    parts: list[Markup] = []
    position = 0
    for match in _LINK.finditer(line):
        address = match.group(0).rstrip(_TRAILING)
        end = match.start() + len(address)
        parts.append(escape(line[position : match.start()]))
        parts.append(Markup('<a href="{0}">{0}</a>').format(address))
        position = end
    parts.append(escape(line[position:]))
    return Markup("").join(parts)
