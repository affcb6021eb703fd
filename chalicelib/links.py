"""Every link the service makes, in one place: a path with its query string, and the pages emails
and forms link to (the privacy notice, the form, leaving the network, the console's event page).

Swedish is the default language, so a link names only English (`lang=en`); the privacy notice's
link always names its language. Query strings are written by urllib.parse.urlencode, so a value
with `&`, `=`, `#` or a space cannot change what the link asks for."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from urllib.parse import urlencode

Params = Mapping[str, str] | Iterable[tuple[str, str]]


def with_query(path: str, params: Params = (), /, **more: str) -> str:
    """`path` with `params` and then `more` as its query string (in that order); values that are ""
    are left out, and with none left the path is returned as it is."""
    pairs = list(params.items() if isinstance(params, Mapping) else params) + list(more.items())
    kept = [(name, value) for name, value in pairs if value != ""]
    return f"{path}?{urlencode(kept)}" if kept else path


def language_param(language: str) -> dict[str, str]:
    """The query parameter naming the page's language: none for Swedish, the default."""
    return {"lang": "en"} if language == "en" else {}


def in_language(path: str, language: str, /, **params: str) -> str:
    """`path` in `language`, with `params` (the language last)."""
    return with_query(path, {**params, **language_param(language)})


def privacy(base_url: str, language: str) -> str:
    """The privacy notice in `language` (always named: the notice is linked from emails and forms
    that may be read far from the page that sent them)."""
    return with_query(f"{base_url}/privacy", lang=language)


def registration_form(base_url: str, event_id: str, language: str, *, invitation: str = "") -> str:
    """The event's registration form; with an invitation's token, filled in from the member's record."""
    return with_query(f"{base_url}/events/{event_id}/form", {**language_param(language), "invitation": invitation})


def own_registration(base_url: str, token: str) -> str:
    """A person's own registration (its signed token is the whole of the access)."""
    return f"{base_url}/registrations/{token}"


def leave_network(base_url: str, token: str) -> str:
    """A member's one-click way out of the network's emails (RFC 8058)."""
    return f"{base_url}/network/leave/{token}"


def console_event(base_url: str, event_id: str, language: str) -> str:
    """The event's page in the organiser console, in `language`."""
    return in_language(f"{base_url}/console/events/{event_id}", language)
