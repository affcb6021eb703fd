"""The gate every posted body passes before its fields are read, for the public API (`web.parse_body`)
and the console's forms (`console/posted.read_form`) alike: a media type the route takes, a size it
allows, and a urlencoded form parsed strictly. Which kinds and how large is each caller's to say; so is
how a repeated field is read."""

from __future__ import annotations

from collections.abc import Collection
from urllib.parse import parse_qs

from .errors import MalformedRequest, PayloadTooLarge, UnsupportedMediaType
from .i18n import N_

FORM_TYPE = "application/x-www-form-urlencoded"


def media_type(content_type: str | None) -> str:
    """The Content-Type header's type, without its parameters (`; charset=…`), in lower case."""
    return (content_type or "").split(";")[0].strip().lower()


def admitted_kind(content_type: str | None, raw_body: bytes, accepted: Collection[str], max_bytes: int) -> str:
    """The body's media type, once it is one of `accepted` (else UnsupportedMediaType, 415) and the body
    is no longer than `max_bytes` (else PayloadTooLarge, 413). The type is checked first, so a large body
    of the wrong kind is told its kind."""
    kind = media_type(content_type)
    if kind not in accepted:
        raise UnsupportedMediaType()
    if len(raw_body) > max_bytes:
        raise PayloadTooLarge()
    return kind


def urlencoded_fields(body: str | bytes) -> dict[str, list[str]]:
    """A urlencoded form's fields, each with all its values in order, blank ones kept. Raises
    MalformedRequest ("invalid form encoding") when a percent-escape is not UTF-8, or when raw bytes
    are (a caller that tells "not UTF-8" apart decodes the body itself and passes the text)."""
    try:
        text = body if isinstance(body, str) else body.decode("utf-8")
        return parse_qs(text, keep_blank_values=True, errors="strict")
    except (ValueError, UnicodeDecodeError) as error:
        raise MalformedRequest(detail=N_("invalid form encoding")) from error
