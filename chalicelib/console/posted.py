"""The console's larger forms as fields: an event's description (two languages of text) and a TOML
file pasted or uploaded outgrow the public form's 16 kB, and an upload comes as multipart/form-data.

Only text is read: every field, uploaded file included, must be UTF-8; the first value of a repeated
field wins. Anything else is refused with the public form's own errors (415, 413, 400)."""

from __future__ import annotations

import email.parser
import email.policy
from typing import Any

from ..errors import MalformedRequest
from ..fields import read_yes_no
from ..i18n import N_
from ..request_body import FORM_TYPE, admitted_kind, urlencoded_fields

MULTIPART = "multipart/form-data"
# Room for the longest description in both languages, or an event file, with percent-encoding.
MAX_CONSOLE_BODY = 256 * 1024


def read_form(content_type: str | None, raw_body: bytes, max_bytes: int = MAX_CONSOLE_BODY) -> dict[str, str]:
    if admitted_kind(content_type, raw_body, (FORM_TYPE, MULTIPART), max_bytes) == FORM_TYPE:
        # Raw bytes that are not UTF-8 are "invalid form encoding" here, where the public API says "not UTF-8".
        return {name: values[0] for name, values in urlencoded_fields(raw_body).items()}
    return _multipart(content_type or "", raw_body)


def _multipart(content_type: str, raw_body: bytes) -> dict[str, str]:
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1", errors="replace")
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + raw_body)
    boundary = message.get_boundary()
    if boundary and raw_body.strip() == f"--{boundary}--".encode("latin-1", errors="replace"):
        return {}  # a form with no fields at all (only the closing delimiter): nothing posted, not malformed
    if not message.is_multipart() or message.defects:
        raise MalformedRequest(detail=N_("invalid multipart form"))
    fields: dict[str, str] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str) or name in fields:
            continue
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        try:
            fields[name] = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise MalformedRequest(detail=N_("not UTF-8")) from error
    return fields


def value_text(value: Any) -> str:
    """A posted value as trimmed text (a repeated field's first value; anything else: empty)."""
    if isinstance(value, list):
        value = value[0] if value else ""
    return value.strip() if isinstance(value, str) else ""


def ticked(value: Any) -> bool:
    """Whether a posted checkbox (or its spelling in a file) is on."""
    return read_yes_no(value_text(value)) is True


# Raised by events.py and questions.py; here, so the route modules catch it without importing them.
class EventFormInvalid(ValueError):
    """The form's values do not make an event: messages by form field, in the page's language."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(", ".join(errors))
        self.errors = errors
