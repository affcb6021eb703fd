"""The organiser console's sign-in, session and event pages, and the helpers every console route uses.

Other console routes (their own Blueprints) build on these helpers:

- `@console_post(blueprint, path)` registers a form POST: the view is called with a `ConsolePost`
  (fields, user, event, language) once the body was read, the session found, the CSRF token checked
  and the event found visible, in that order; anything refused stops with its page, nothing changed;
- `@console_get(blueprint, path)` registers a signed-in page: the view gets a `ConsoleView` (user,
  event, language) once the session is found and the event found visible;
- `signed_in()` → the ConsoleUser, or (raised) a 303 to the sign-in page;
- `visible_event(user, event_id)` → the Event, or (raised) the same 404 as a missing event;
- `console_page(template, user, **context)` → the Response (no-store, the CSRF token, the header,
  the session's idle clock moved on);
- `see_other(path, language, **params)` → the 303 after a change (a reload repeats nothing);
- `audit(event, user, action, detail)` → one entry in the event's audit log;
- `@guarded` (console_get and console_post put it under theirs): AWS trouble becomes a 503 page
  saying nothing changed.

A helper that stops a request raises ConsoleStop; the middleware registered with this Blueprint
turns it into its response (app.py registers it after the security-header middleware, so those
headers are on it too).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from chalice import Blueprint, ChaliceUnhandledError, Response

from .. import i18n, links, security, web
from ..bootstrap import wiring
from ..console import auth
from ..console.access import ConsoleUser, event_row
from ..console.auth import LinkRefused, LinkState, SessionInvalid, SignInLimited
from ..errors import EventNotFound, SignupError, ValidationFailed
from ..events import Event
from ..forms import parse_email, pick_language
from ..i18n import N_
from .http import HTML, query, raw_body, source_ip

console = Blueprint(__name__)
# A form post arrives urlencoded; any other type reaches the view to be refused in words (415).
FORM_POSTS = ["*/*"]
# Console pages never go into a cache or a search engine.
PRIVATE = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex"}


class ConsoleStop(ChaliceUnhandledError):
    """A console request ends early with this response (raised by the helpers, caught by the middleware)."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status_code)
        self.response = response


def _stop_console_requests(event: Any, get_response: Any) -> Response:
    try:
        return get_response(event)
    except ConsoleStop as stop:
        return stop.response


console.register_middleware(_stop_console_requests, "http")


def guarded(view: Callable[..., Response]) -> Callable[..., Response]:
    """Put under every console route: a refusal the view did not answer itself (AWS unavailable or
    busy, a conflict that would not settle) becomes its page saying nothing changed, never a 500."""

    @functools.wraps(view)
    def guarded_view(*args: Any, **kwargs: Any) -> Response:
        try:
            return view(*args, **kwargs)
        except SignupError as error:
            language = _language()
            heading = i18n.translator(language).gettext("Nothing was changed")
            return _message(heading, web.error_message(error, language), error.http_status)

    return guarded_view


# -- reading the request, writing a page -------------------------------------------------


def _root() -> str:
    """The path the service lives under: "" behind a custom domain or locally, "/api" on API Gateway's own."""
    return urlsplit(wiring().settings.base_url()).path.rstrip("/")


def _language(fields: dict[str, Any] | None = None) -> str:
    return pick_language((fields or {}).get("lang"), query(console.current_request).get("lang"))


def _here() -> str:
    """This request's path without the stage prefix (the route's pattern filled in), for the language
    switch. A page answering a POST names a path that only takes POSTs (a link there answers 405):
    then the switch leads to the event's page, or to /console."""
    request = console.current_request
    params = request.uri_params or {}
    if request.method != "GET":
        return f"/console/events/{params['event_id']}" if "event_id" in params else "/console"
    pattern = str(request.context.get("resourcePath", "/console"))
    return pattern.format(**params)


def _html(body: str, status: int = 200) -> Response:
    return Response(body=body, status_code=status, headers={"Content-Type": HTML, **PRIVATE})


def _page(template: str, status: int = 200, user: ConsoleUser | None = None, **context: Any) -> Response:
    from ..console import pages  # here: a public request never needs the console's page helpers

    parts = wiring()
    language = context.pop("language", None) or _language()
    csrf = parts.console.csrf_token(user) if user else ""
    body = pages.render(
        parts.pages.templates, template, language, root=_root(), here=_here(), user=user, csrf=csrf, **context
    )
    return _html(body, status)


def _message(heading: str, text: str, status: int, user: ConsoleUser | None = None, **extra: Any) -> Response:
    return _page("console/message.html", status, user, heading=heading, text=text, **extra)


def console_message(heading: str, text: str, status: int, *, sign_in_link: bool = False) -> Response:
    """A console-styled page with one message, for someone not signed in (optionally a way to sign in)."""
    return _message(heading, text, status, sign_in_link=sign_in_link)


def _to_console(query_string: str = "", **extra: str) -> Response:
    """303 to the console's front page; `query_string` is "" or starts with "?"."""
    return _redirect(f"/console{query_string}", **extra)


def _redirect(path: str, **extra: str) -> Response:
    """303 to one of our own paths (under the stage prefix, if any)."""
    headers: dict[str, str | list[str]] = {
        "Location": f"{_root()}{path}",
        "Content-Type": HTML,
        **PRIVATE,
        **extra,
    }
    return Response(body="", status_code=303, headers=headers)


def _from_our_site() -> bool:
    """A browser's POST names its origin; ours is the host it reached and the configured base URL.
    (SameSite=Strict and the CSRF token already stop other sites; this also covers the sign-in forms,
    which have no session yet: nobody can sign a visitor in as someone else.)"""
    request = console.current_request
    headers = request.headers
    host = headers.get("host", "")
    local = host.startswith(("127.0.0.1", "localhost"))
    own = f"{headers.get('x-forwarded-proto', 'http' if local else 'https')}://{host}".lower()
    ours = [own, security.origin_of(wiring().settings.base_url()) or own]
    return security.post_allowed(security.request_origin(headers), ours)


def _forbidden(user: ConsoleUser | None = None, language: str | None = None) -> Response:
    tr = i18n.translator(language or _language())
    heading, text = (
        tr.gettext("Nothing was changed"),
        tr.gettext("The form was too old or did not come from Signup. Go back, reload the page and try again."),
    )
    return _message(heading, text, 403, user, **({"language": language} if language else {}))


# -- the helpers other console routes use ------------------------------------------------


def signed_in() -> ConsoleUser:
    """The signed-in person; without a live session, a 303 to the sign-in page (the dead cookie cleared)."""
    parts = wiring()
    try:
        return parts.console.current_user(console.current_request.headers.get("cookie"), parts.clock())
    except SessionInvalid:
        # Back here after signing in (the digest's link to an event), when this was a page to look at.
        here = _here() if console.current_request.method == "GET" else ""
        back = auth.link_query(auth.safe_next(here), _language())
        raise ConsoleStop(_to_console(back, **{"Set-Cookie": auth.clearing_cookie()})) from None


# Reads a posted body (its Content-Type, its bytes) into fields, or raises a SignupError (400/413/415).
BodyReader = Callable[[str | None, bytes], dict[str, Any]]


def form_fields(read: BodyReader = web.parse_body) -> dict[str, Any]:
    """The posted form's fields; a body that cannot be read stops the request with nothing changed."""
    request = console.current_request
    try:
        return read(request.headers.get("content-type"), raw_body(request) or b"")
    except SignupError as error:
        language = _language()
        heading = i18n.translator(language).gettext("Nothing was changed")
        raise ConsoleStop(_message(heading, web.error_message(error, language), error.http_status)) from None


def check_csrf(user: ConsoleUser, fields: dict[str, Any]) -> None:
    """Every state-changing console form carries the session's CSRF token and comes from our own site."""
    if not (wiring().console.csrf_ok(user, fields.get(auth.CSRF_FIELD)) and _from_our_site()):
        raise ConsoleStop(_forbidden(user, _language(fields)))


def visible_event(user: ConsoleUser, event_id: str) -> Event:
    """The event if this person may see it; otherwise the public not-found page (the same for a missing one)."""
    try:
        return wiring().console.event_for(user, event_id)
    except EventNotFound:
        language = _language()
        heading = i18n.translator(language).gettext("Meeting not found")
        raise ConsoleStop(_message(heading, i18n.message("event_not_found", language), 404, user)) from None


def console_page(template: str, user: ConsoleUser, status: int = 200, **context: Any) -> Response:
    """A page for a signed-in person: no-store, the CSRF token for its forms, the shared header, and the
    session's idle clock moved on (a fresh cookie every few minutes of use)."""
    response = _page(template, status, user, **context)
    if user.session is not None:
        parts = wiring()
        now = parts.clock()
        moved = auth.touched(user.session, now)
        if moved is not None:
            response.headers["Set-Cookie"] = parts.console.cookie(moved, now)
    return response


def see_other(path: str, language: str, **params: str) -> Response:
    """303 to one of our own pages after a change (a reload then repeats nothing), in the same language,
    with `params` (what the change did) in its query."""
    return _redirect(links.in_language(path, language, **params))


@dataclass(frozen=True)
class ConsoleView:
    """A signed-in console request that got past the preamble: who sent it, in which language, and (on
    a path with `{event_id}`) the event they may see."""

    user: ConsoleUser
    language: str
    found_event: Event | None = None

    @property
    def event(self) -> Event:
        if self.found_event is None:
            raise LookupError("only a path with {event_id} has an event")
        return self.found_event

    def page(self, template: str, status: int = 200, **context: Any) -> Response:
        """`console_page` for this request: its person, its language and (on a path with `{event_id}`)
        its event are in the context."""
        about = {"event": self.found_event} if self.found_event is not None else {}
        return console_page(template, self.user, status, language=self.language, **about, **context)


@dataclass(frozen=True)
class ConsolePost(ConsoleView):
    """A console form post that got past the preamble, with its fields."""

    fields: dict[str, Any] = field(default_factory=dict, kw_only=True)


# A console view, called with the request past its preamble and the path's parameters.
ConsoleRoute = Callable[..., Response]


def console_get(blueprint: Blueprint, path: str) -> Callable[[ConsoleRoute], ConsoleRoute]:
    """Register `view` as a signed-in console page at `path`, called as `view(request, **uri_params)`
    with a ConsoleView once the session is found (none: 303 to sign in, back here afterwards) and the
    `{event_id}` is one this person may see (404, as for a missing event). Refusals are `guarded`."""

    def register(view: ConsoleRoute) -> ConsoleRoute:
        @functools.wraps(view)
        def page_view(**uri_params: str) -> Response:
            user = signed_in()
            return view(ConsoleView(user, _language(), _seen_event(user, uri_params)), **uri_params)

        route = guarded(page_view)
        blueprint.route(path, methods=["GET"])(route)
        return route

    return register


def console_post(
    blueprint: Blueprint, path: str, *, read: BodyReader = web.parse_body
) -> Callable[[ConsoleRoute], ConsoleRoute]:
    """Register `view` as the console form POST at `path`. It is called as `view(post, **uri_params)`
    after the one preamble every console change goes through, in this order: the body is read (one
    that cannot be read is refused alike signed in or not: 400/413/415), the session (none: 303 to
    sign in), the CSRF token and origin (403), the `{event_id}` this person may see (404, as for a
    missing event). `read` parses the body (the console's larger forms and uploads:
    `posted.read_form`). Refusals a view does not answer itself are `guarded`."""

    def register(view: ConsoleRoute) -> ConsoleRoute:
        @functools.wraps(view)
        def posted_view(**uri_params: str) -> Response:
            fields = form_fields(read)
            user = signed_in()
            check_csrf(user, fields)
            event = _seen_event(user, uri_params)
            return view(ConsolePost(user, _language(fields), event, fields=fields), **uri_params)

        route = guarded(posted_view)
        blueprint.route(path, methods=["POST"], content_types=FORM_POSTS)(route)
        return route

    return register


def _seen_event(user: ConsoleUser, uri_params: dict[str, str]) -> Event | None:
    event_id = uri_params.get("event_id")
    return visible_event(user, event_id) if event_id is not None else None


def audit(event: Event | str, user: ConsoleUser, action: str, detail: str = "") -> None:
    """Write one entry to the event's audit log (kept as long as the event's data). `detail` is read by
    organisers: a file name, a person's name; never a diet or an access need."""
    parts = wiring()
    parts.console.audit(event, user, action, detail, parts.clock())


# -- signing in ---------------------------------------------------------------------------


@console.route("/console", methods=["GET"])
@guarded
def console_home() -> Response:
    """The sign-in page, or the list of one's events once signed in."""
    request = console.current_request
    try:
        user = signed_in()
    except ConsoleStop:
        notice = i18n.translator(_language()).gettext("You are signed out.") if query(request).get("signed_out") else ""
        next_page = auth.safe_next(query(request).get("next"))
        response = _page("console/sign_in.html", notice=notice, email="", error="", next_page=next_page)
        if auth.cookie_value(request.headers.get("cookie")):
            response.headers["Set-Cookie"] = auth.clearing_cookie()
        return response
    return _events_page(user)


@console.route("/console/sign-in", methods=["POST"], content_types=FORM_POSTS)
@guarded
def ask_for_link() -> Response:
    """Always the same "check your email" page, whether or not the address may sign in."""
    fields = form_fields()
    language = _language(fields)
    tr = i18n.translator(language)
    if not _from_our_site():
        return _forbidden(language=language)
    next_page = auth.safe_next(fields.get("next"))
    try:
        address = parse_email(fields)
    except ValidationFailed as error:
        code, params = error.fields["email"]
        message = i18n.field_message(code, language, **params)
        typed = fields.get("email") if isinstance(fields.get("email"), str) else ""
        return _page(
            "console/sign_in.html", 422, language=language, notice="", email=typed, error=message, next_page=next_page
        )
    parts = wiring()
    request = console.current_request
    try:
        parts.console.request_link(
            address,
            language=language,
            client=security.client_key(source_ip(request)),
            now=parts.clock(),
            next_page=next_page,
        )
    except SignInLimited as limited:
        text = (
            tr.gettext(LIMITED_TEXTS[limited.which])
            + " "
            + tr.gettext(
                "In a hurry? An administrator can still make a sign-in link for you with the command ./signup "
                "console link EMAIL."
            )
        )
        return _message(tr.gettext("Please wait a while"), text, 429, language=language, ask_again=True)
    return _page("console/check_email.html", language=language, minutes=auth.sign_in_minutes())


@console.route("/console/sign-in/{token}", methods=["GET"])
@guarded
def show_sign_in_button(token: str) -> Response:
    """The emailed link opens a page with a button. A GET never signs in: mail scanners follow links."""
    parts = wiring()
    state = parts.console.check_link(token, parts.clock())
    if state != LinkState.VALID:
        return _link_problem(state)
    next_page = auth.safe_next(query(console.current_request).get("next"))
    return _page("console/sign_in_button.html", token=token, link_query=auth.link_query(next_page, _language()))


@console.route("/console/sign-in/{token}", methods=["POST"], content_types=FORM_POSTS)
@guarded
def press_sign_in_button(token: str) -> Response:
    """The button: spend the link (single use) and set the session cookie."""
    if not _from_our_site():
        return _forbidden()
    parts = wiring()
    now = parts.clock()
    try:
        session = parts.console.use_link(token, now)
    except LinkRefused as refused:
        return _link_problem(refused.state)
    cookie = {"Set-Cookie": parts.console.cookie(session, now)}
    next_page = auth.safe_next(query(console.current_request).get("next"))
    return _redirect(links.in_language(next_page or "/console", _language()), **cookie)


@console_post(console, "/console/sign-out")
def sign_out(post: ConsolePost) -> Response:
    """This device: its session is refused from now on, and the cookie is cleared."""
    return _sign_out(post, everywhere=False)


@console_post(console, "/console/sign-out-everywhere")
def sign_out_everywhere(post: ConsolePost) -> Response:
    """Every device: the person's session version moves on, so every earlier cookie stops working."""
    return _sign_out(post, everywhere=True)


def _sign_out(post: ConsolePost, *, everywhere: bool) -> Response:
    if post.user.session is not None:
        wiring().console.sign_out(post.user.session, everywhere=everywhere)
    signed_out = links.in_language("/console", post.language, signed_out="1")
    return _redirect(signed_out, **{"Set-Cookie": auth.clearing_cookie()})


# Why no sign-in link was sent (SignInLimited.which).
LIMITED_TEXTS: dict[str, str] = {
    "address": N_(
        "We have already sent several sign-in links to this address in the last hour. Use the link in the latest "
        "email, or try again in an hour."
    ),
    "sender": N_(
        "Many sign-in links have been asked for from your connection in the last hour. Please try again in a while."
    ),
}

# A spent sign-in link: (heading, text) by what is wrong with it.
LINK_PROBLEMS: dict[str, tuple[str, str]] = {
    "used": (
        N_("The link has already been used"),
        N_("A sign-in link works only once. Ask for a new link."),
    ),
    "expired": (
        N_("The link has expired"),
        N_("A sign-in link works for {minutes}. Ask for a new link."),
    ),
    "unknown": (
        N_("The link does not work"),
        N_("The link is incomplete or has been changed. Copy the whole link from the email, or ask for a new one."),
    ),
}


def _link_problem(state: LinkState) -> Response:
    tr = i18n.translator(_language())
    kind = {LinkState.USED: "used", LinkState.EXPIRED: "expired"}.get(state, "unknown")
    heading, text = LINK_PROBLEMS[kind]
    text = tr.gettext(text).format(minutes=i18n.plural(_language(), i18n.COUNTED.minutes, auth.sign_in_minutes()))
    return _message(tr.gettext(heading), text, 404 if kind == "unknown" else 410, ask_again=True)


# -- events ---------------------------------------------------------------------------------


def _events_page(user: ConsoleUser) -> Response:
    from ..console import pages  # see _page

    parts = wiring()
    rows = pages.event_list_rows(parts.console.event_rows(user, parts.clock()), _language())
    return console_page(
        "console/events.html",
        user,
        upcoming=[row for row in rows if row["upcoming"]],
        past=[row for row in rows if not row["upcoming"]],
    )


# The event page links to each of these that is served (other console Blueprints add them).
TOOLS = (
    (N_("Attendees"), "/console/events/{event_id}/people"),
    (N_("Check-in at the door"), "/console/events/{event_id}/check-in"),
    (N_("Door list to print"), "/console/events/{event_id}/door-list"),
    (N_("Download the attendee list (CSV for Excel)"), "/console/events/{event_id}/export.csv"),
    (N_("Working groups"), "/console/events/{event_id}/groups"),
    (N_("Audit log"), "/console/events/{event_id}/audit"),
    (N_("Edit the meeting"), "/console/events/{event_id}/edit"),
    (N_("Registration, last day and seats"), "/console/events/{event_id}/changes"),
    (N_("Own questions on the form"), "/console/events/{event_id}/questions"),
)
# What a cancelled meeting's page no longer offers (its own page links to the message and cancel pages).
CHANGES_TOOLS = (
    "/console/events/{event_id}/edit",
    "/console/events/{event_id}/changes",
    "/console/events/{event_id}/questions",
)
DONE = {
    "cancelled": N_("The meeting is cancelled. Everyone signed up gets an email about it."),
    "message_sent": N_("The message is being sent to those signed up, with a copy to the organisers."),
    "invitations_sent": N_("The invitations are being sent to the network's members who have not signed up."),
}


@console_get(console, "/console/events/{event_id}")
def event_overview(request: ConsoleView, event_id: str) -> Response:
    """One event: its counts, and the way to its people, downloads, check-in and audit log."""
    from ..console import pages  # see _page

    user, event, language = request.user, request.event, request.language
    served = console.current_app.routes
    # A cancelled meeting is not edited or cancelled again; its people may still get a message.
    hidden = CHANGES_TOOLS if event.is_cancelled else ()
    tools = [(label, path.format(event_id=event.id)) for label, path in TOOLS if path in served and path not in hidden]
    done = query(console.current_request).get("done", "")
    return console_page(
        "console/event.html",
        user,
        event=event,
        facts=pages.event_facts(event, language),
        row=event_row(event, wiring().clock()),
        questions=pages.question_rows(event, language),
        tools=tools,
        done_text=i18n.translator(language).gettext(DONE[done]) if done in DONE else "",
        event_notices=pages.notice_rows(wiring().console.notices(event), event, language),
    )


@console_get(console, "/console/events/{event_id}/audit")
def event_audit_log(request: ConsoleView, event_id: str) -> Response:
    """Who did what with this event in the console, newest first."""
    from ..console import pages  # see _page

    user, event, language = request.user, request.event, request.language
    parts = wiring()
    return console_page(
        "console/audit.html",
        user,
        event=event,
        facts=pages.event_facts(event, language),
        entries=pages.audit_rows(parts.console.audit_entries(event), event, language),
        retention_days=parts.settings.retention_days(),
    )
