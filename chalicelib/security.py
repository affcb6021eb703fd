"""Who may post, who may frame us, and bots: the rules for a form embedded on other sites.

CORS alone does not stop a plain cross-origin `<form>` post, so POSTs are checked
against the allow-list by their Origin (or Referer) header as well.
"""

from __future__ import annotations

import hashlib
import ipaddress
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote, urlsplit

from itsdangerous import BadSignature, TimestampSigner

from .errors import ValidationFailed

HONEYPOT_FIELD = "website"
FORM_TOKEN_FIELD = "form_token"  # noqa: S105 (a field name)
FORM_TOKEN_SALT = "signup.form-rendered.v1"  # noqa: S105 (a salt, public by design)
# A person needs more than this to fill in the form; a script posting instantly does not.
MIN_FILL_SECONDS = 3
# A hosted form's token serves one registration within this time; a form left open overnight
# still works, and after that the person is asked to send again with everything typed kept.
FORM_TOKEN_LIFETIME = timedelta(hours=24)


def origin_of(url: str | None) -> str | None:
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:  # "http://[evil" (an unclosed IPv6 literal) and the like
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}".lower()


def request_origin(headers: Any) -> str | None:
    """The browser's Origin, or the origin of its Referer when Origin is missing.

    "null" (sandboxed frames, files) and malformed values come back as given,
    so they match no allowed origin.
    """
    origin = headers.get("origin")
    if origin:
        return origin_of(origin) or origin
    return origin_of(headers.get("referer"))


def client_key(ip: str | None) -> str | None:
    """The sender for rate limiting, hashed (an IP address is personal data)."""
    return hashlib.sha256(sender_network(ip).encode()).hexdigest()[:32] if ip else None


def sender_network(ip: str) -> str:
    """Who a request comes from, for rate limiting: an IPv4 address as is, an IPv6 address's /64.

    One IPv6 subscriber (a home, an office, a cloud VM) gets a whole /64 and can use a new
    address in it for every request, so counting single IPv6 addresses limits nothing.
    """
    try:
        address = ipaddress.ip_address(ip.strip())
    except ValueError:
        return ip.strip()
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((int(address) >> 64 << 64, 64)))
    return str(address)


def post_allowed(origin: str | None, allowed: list[str]) -> bool:
    """Browsers send Origin on cross-site posts; a request with neither Origin nor
    Referer is not a browser form, so an API client may post from its server."""
    if origin is None:
        return True
    return origin in allowed


# The one route another site's script may read: the municipality's page posting a registration
# as JSON (and its preflight). Nothing else, least of all the pages behind secret links.
CORS_ROUTE = "/events/{event_id}/registrations"
CORS_METHODS = frozenset({"POST", "OPTIONS"})
# A route with a {token} in its path is a bearer secret: it must never leave in a Referer header.
LINK_PAGE_REFERRER_POLICY = "no-referrer"
# Elsewhere other sites learn our origin, never a path or query.
DEFAULT_REFERRER_POLICY = "strict-origin-when-cross-origin"


def cors_headers(route: str, method: str, origin: str | None, allowed: list[str]) -> dict[str, str]:
    """CORS for an allowed origin, on the public registration route only."""
    if route != CORS_ROUTE or method.upper() not in CORS_METHODS:
        return {}
    if origin is None or origin not in allowed:
        return {}
    return {
        "Access-Control-Allow-Origin": origin,
        "Access-Control-Allow-Methods": "POST, OPTIONS",
        "Access-Control-Allow-Headers": "Content-Type",
        "Access-Control-Max-Age": "600",
        "Vary": "Origin",
    }


# The console: nothing leaves for other sites, and its own forms keep their Origin header (under
# no-referrer a browser sends `Origin: null`, which the console's same-site check must refuse).
CONSOLE_REFERRER_POLICY = "same-origin"


def referrer_policy(route: str) -> str:
    if route.startswith("/console"):
        return CONSOLE_REFERRER_POLICY
    return LINK_PAGE_REFERRER_POLICY if "{token}" in route else DEFAULT_REFERRER_POLICY


def content_security_policy(allowed: list[str], *, embeddable: bool = True) -> str:
    """The public pages may be framed by, and post to, the municipality's sites; the organiser console
    (`embeddable=False`) only posts to itself and is never framed (no clickjacking of its buttons)."""
    others = " ".join(allowed) if embeddable else ""
    ancestors = f"'self' {others}" if embeddable else "'none'"
    return (
        (
            "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
            f"form-action 'self' {others}; frame-ancestors {ancestors}; base-uri 'none'; object-src 'none'"
        )
        .replace("  ", " ")
        .replace(" ;", ";")
    )


def safe_redirect(url: object, allowed: list[str]) -> str | None:
    """A `redirect` target only on an allowed origin: never an open redirect.

    It becomes a Location header after the registration is stored, so it must be
    one that can be written: a target with a line break, a space or another control
    or invisible character gets our own thank-you page instead (None), and non-ASCII
    characters are percent-encoded as a browser would (`/tack-för` → `/tack-f%C3%B6r`).
    """
    if not isinstance(url, str) or not url.strip():
        return None
    url = url.strip()
    if any(char.isspace() or unicodedata.category(char)[0] in "CZ" for char in url):
        return None
    url = "".join(char if char.isascii() else quote(char, safe="") for char in url)
    origin = origin_of(url)
    return url if origin is not None and origin in allowed else None


class _SignedAt(TimestampSigner):
    """A TimestampSigner that stamps the time we give it (the clock is injected everywhere)."""

    def __init__(self, secret: str, moment: datetime) -> None:
        super().__init__(secret, salt=FORM_TOKEN_SALT)
        self.moment = moment

    def get_timestamp(self) -> int:
        return int(self.moment.timestamp())


def form_token(secret: str, event_id: str, now: datetime) -> str:
    """Signed when the hosted form is rendered: its age tells a person from a script, and its
    nonce lets it serve one registration only (the store writes a marker for it)."""
    return _SignedAt(secret, now).sign(f"{event_id}~{secrets.token_urlsafe(12)}").decode()


@dataclass(frozen=True)
class FormTokenUse:
    """A hosted-form token being spent: the marker the registration transaction writes."""

    nonce: str
    expires_at: datetime


@dataclass(frozen=True)
class Verdict:
    """What the bot checks make of a post: a script (answer with a decoy), a token a person may
    hold but that can no longer be used (`problem`, said plainly), or a token to spend."""

    bot: bool = False
    problem: str = ""
    use: FormTokenUse | None = None


def judge(fields: dict[str, object], secret: str, event_id: str, now: datetime) -> Verdict:
    """The hidden honeypot was filled, or the hosted form came back faster than a person types,
    or with a token we never signed: a script. A token older than FORM_TOKEN_LIFETIME is
    refused with a message, since a person may have left the form open.

    Only the hosted form carries a token; a static form pasted on another site and a JSON
    client cannot, so their posts are judged by the honeypot and the limits alone.
    """
    if honeypot_filled(fields):
        return Verdict(bot=True)
    token = fields.get(FORM_TOKEN_FIELD)
    if not isinstance(token, str) or not token:
        return Verdict()
    try:
        value, signed_at = TimestampSigner(secret, salt=FORM_TOKEN_SALT).unsign(token, return_timestamp=True)
    except BadSignature:
        return Verdict(bot=True)
    token_event, _, nonce = value.decode().partition("~")
    if token_event != event_id:
        return Verdict(bot=True)
    age = (now - signed_at).total_seconds()
    if age < MIN_FILL_SECONDS:
        return Verdict(bot=True)
    expires_at = signed_at + FORM_TOKEN_LIFETIME
    if now >= expires_at or not nonce:  # no nonce: a form rendered before tokens served one registration
        return Verdict(problem="form_expired")
    return Verdict(use=FormTokenUse(nonce, expires_at))


def honeypot_filled(fields: dict[str, object]) -> bool:
    return bool(str(fields.get(HONEYPOT_FIELD) or "").strip())


def ask_to_clear_honeypot(fields: dict[str, object]) -> None:
    """A filled trap in a form post: ask, do not drop.

    The trap is hidden by its own markup, so a person cannot see it, but a form
    filler or an odd browser can still type into it; dropping that person in
    silence is the worst thing a sign-up form can do. The bots a honeypot
    catches do not read the answer, and nothing is stored either way.
    """
    if honeypot_filled(fields):
        raise ValidationFailed({HONEYPOT_FIELD: ("honeypot_filled", {})})
