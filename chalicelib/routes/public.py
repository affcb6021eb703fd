"""The public routes: an event's JSON and contract, the hosted form, signing up, thanks, privacy."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Response

from .. import links, request_body, security, web
from ..bootstrap import wiring
from ..errors import EventNotFound, ForbiddenOrigin, RegistrationClosed, SignupError, ValidationFailed
from ..events import Event
from ..forms import pick_language
from ..pages import NOTHING_TYPED, FormInput
from ..registrations import EmailState, Status, ThanksNote
from .http import HTML, allowed_origins, base_url, html, json_error, private, query, query_language, raw_body, source_ip

public = Blueprint(__name__)


@public.route("/events/{event_id}", methods=["GET"])
def get_event(event_id: str) -> Response:
    parts = wiring()
    event = parts.public_store.get_event(event_id)
    if event is None:
        return json_error(EventNotFound(), query_language(public.current_request))
    return Response(body=web.public_event(event, parts.clock()), status_code=200)


@public.route("/events/{event_id}/form", methods=["GET"])
def get_form(event_id: str) -> Response:
    parts = wiring()
    language = query_language(public.current_request)
    event = parts.public_store.get_event(event_id)
    if event is None:
        return html(parts.pages.event_not_found_page(language), 404)
    # An invitation's link fills in the member's name, organisation and sector; a link that does not
    # (forged, expired, someone who left) gives the empty form, and the page says nothing about why.
    invitation = query(public.current_request).get("invitation")
    now = parts.clock()
    invited = FormInput(parts.signup.invitation_values(event, invitation, now)) if invitation else NOTHING_TYPED
    page = html(parts.pages.form_page(event, language, now, invited, form_token=_form_token(event_id)))
    return private(page) if invitation else page


@public.route("/events/{event_id}/thanks", methods=["GET"])
def get_thanks(event_id: str) -> Response:
    parts = wiring()
    request = public.current_request
    language = query_language(request)
    event = parts.public_store.get_event(event_id)
    if event is None:
        return html(parts.pages.event_not_found_page(language), 404)
    asked = query(request)
    return html(parts.pages.thanks_page(event, language, asked.get("status", Status.CONFIRMED), asked.get("email", "")))


# "*/*" lets every content type reach the view, so a wrong one gets our own
# translated 415 instead of Chalice's generic body.
@public.route("/events/{event_id}/registrations", methods=["POST"], content_types=["*/*"])
def create_registration(event_id: str) -> Response:
    parts = wiring()
    request = public.current_request
    content_type = request.headers.get("content-type")
    is_form = request_body.media_type(content_type) == request_body.FORM_TYPE
    language = query_language(request)
    fields: dict[str, Any] = {}
    try:
        # CORS does not stop a plain cross-site <form> post: check who is posting.
        if not security.post_allowed(
            security.request_origin(request.headers), allowed_origins(request, parts.settings)
        ):
            raise ForbiddenOrigin()
        fields = web.parse_body(content_type, raw_body(request))
        language = pick_language(fields.get("language"), language)
        if is_form:
            security.ask_to_clear_honeypot(fields)
        outcome, delivery = parts.signup.sign_up(
            event_id,
            fields,
            base_url=base_url(request, parts.settings),
            now=parts.clock(),
            client=security.client_key(source_ip(request)),
        )
    except SignupError as error:
        if is_form:
            return _form_refused(event_id, error, language, fields)
        return json_error(error, language)
    # A repeated sign-up, or a caught bot, is answered exactly like a new one: a fresh id, never a stored one.
    registration = outcome.registration
    if is_form:
        return _see_thanks(language, registration.status, delivery.state, fields)
    body = {"registration_id": registration.registration_id, "status": registration.status, "email": delivery.state}
    return Response(body=body, status_code=201)


@public.route("/events/{event_id}/registrations", methods=["OPTIONS"])
def registration_preflight(event_id: str) -> Response:
    """CORS preflight for JSON posts from the municipality's pages (headers come from the middleware)."""
    return Response(body="", status_code=204)


@public.route("/privacy", methods=["GET"])
def privacy_notice() -> Response:
    """Who holds the data, why, on what basis, with whom, how long, and one's rights."""
    return html(wiring().pages.privacy_page(query_language(public.current_request)))


@public.route("/openapi.json", methods=["GET"])
def openapi_document() -> Response:
    # Imported here: the contract is a large module that only these two routes read.
    from .. import openapi

    return Response(body=openapi.document(), status_code=200)


@public.route("/events/{event_id}/openapi.json", methods=["GET"])
def event_openapi_document(event_id: str) -> Response:
    """The contract for one event: the questions it asks and its interest areas."""
    from .. import openapi

    event = wiring().public_store.get_event(event_id)
    if event is None:
        return json_error(EventNotFound(), query_language(public.current_request))
    return Response(body=openapi.document(event), status_code=200)


@public.route("/embed.js", methods=["GET"])
def embed_script() -> Response:
    """Runs inside the hosted form: tells an embedding page how tall the form is."""
    return Response(
        body=wiring().pages.embed_script(),
        status_code=200,
        headers={"Content-Type": "text/javascript; charset=utf-8", "Cache-Control": "public, max-age=3600"},
    )


def _see_thanks(language: str, status: str, email_state: EmailState, fields: dict[str, Any]) -> Response:
    """The form's answer to an accepted sign-up, whether new, repeated or a dropped bot: the same
    redirect, so it tells nobody which it was."""
    settings = wiring().settings
    # Relative, so it resolves under whatever stage prefix API Gateway adds; or the
    # municipality's own thank-you page, when it is on an allowed origin.
    target = security.safe_redirect(fields.get("redirect"), settings.allowed_origins())
    thanks = links.with_query("thanks", status=status, lang=language, email=ThanksNote.of(email_state) or "")
    return Response(body="", status_code=303, headers={"Location": target or thanks, "Content-Type": HTML})


def _form_token(event_id: str) -> str:
    parts = wiring()
    return security.form_token(parts.settings.secret(), event_id, parts.clock())


def _form_refused(event_id: str, error: SignupError, language: str, fields: dict[str, Any]) -> Response:
    """A refused form post, answered as a page in the form's language with the error's status."""
    parts = wiring()
    event = None if isinstance(error, EventNotFound) else parts.public_store.get_event(event_id)
    if event is None:
        return html(parts.pages.event_not_found_page(language), 404)
    if isinstance(error, ValidationFailed):
        return html(_form_again(event, error, language, fields), 422)
    if isinstance(error, RegistrationClosed):
        return html(parts.pages.form_page(event, language, parts.clock()), 409)
    # A post from a site we do not know is not told about the event.
    shown = None if isinstance(error, ForbiddenOrigin) else event
    return html(parts.pages.refusal_page(shown, language, error), error.http_status)


def _form_again(event: Event, error: ValidationFailed, language: str, fields: dict[str, Any]) -> str:
    """The form with what was typed and a message beside each field. It keeps the first render's
    token (a person fixing one field quickly is not a bot), unless the token is the problem: expired
    or already used, the form comes back with a fresh one."""
    parts = wiring()
    kept = fields.get(security.FORM_TOKEN_FIELD) if security.FORM_TOKEN_FIELD not in error.fields else None
    token = kept or _form_token(event.id)
    return parts.pages.form_page(event, language, parts.clock(), form_input=FormInput(fields, error), form_token=token)
