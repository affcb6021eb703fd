"""Signup's HTTP routes. Each view parses the request, calls chalicelib, maps errors."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from chalice import Chalice, Rate, Response

from chalicelib import config, i18n, logs, openapi, security, service, suppression, web
from chalicelib.errors import (
    EventNotFound,
    EventStarted,
    ForbiddenOrigin,
    RegistrationClosed,
    RegistrationNotFound,
    ServiceUnavailable,
    SignupError,
    ValidationFailed,
)
from chalicelib.forms import pick_language
from chalicelib.registrations import EmailState, Status, hold_state
from chalicelib.tokens import TokenExpired, TokenInvalid, TokenWithdrawn

app = Chalice(app_name="signup")
logs.configure(lambda: getattr(getattr(app, "lambda_context", None), "aws_request_id", None))
config.refuse_to_start_misconfigured()

HTML = "text/html; charset=utf-8"


SES_NOTIFICATIONS_TOPIC = "signup-ses-notifications"


def store() -> service.DynamoStore:
    return service.store()


@app.route("/events/{event_id}", methods=["GET"])
def get_event(event_id: str) -> Response:
    language = _query_language()
    event = store().get_event(event_id)
    if event is None:
        return _json_error(EventNotFound(), language)
    return Response(body=web.public_event(event, web.utcnow()), status_code=200)


@app.route("/events/{event_id}/form", methods=["GET"])
def get_form(event_id: str) -> Response:
    language = _query_language()
    event = store().get_event(event_id)
    if event is None:
        return _not_found_page(language)
    return _html(web.form_page(event, language, web.utcnow(), form_token=_form_token(event_id)))


@app.route("/events/{event_id}/thanks", methods=["GET"])
def get_thanks(event_id: str) -> Response:
    language = _query_language()
    event = store().get_event(event_id)
    if event is None:
        return _not_found_page(language)
    query = app.current_request.query_params or {}
    return _html(web.thanks_page(event, language, query.get("status", Status.CONFIRMED), query.get("email", "")))


# "*/*" lets every content type reach the view, so a wrong one gets our own
# translated 415 instead of Chalice's generic body.
@app.route("/events/{event_id}/registrations", methods=["POST"], content_types=["*/*"])
def create_registration(event_id: str) -> Response:
    request = app.current_request
    content_type = request.headers.get("content-type")
    is_form = web.media_type(content_type) == web.FORM_TYPE
    language = _query_language()
    fields: dict[str, Any] = {}
    try:
        # CORS does not stop a plain cross-site <form> post: check who is posting.
        if not security.post_allowed(security.request_origin(request.headers), _allowed_origins()):
            raise ForbiddenOrigin()
        fields = web.parse_body(content_type, request.raw_body)
        language = pick_language(fields.get("language"), language)
        if is_form:
            security.ask_to_clear_honeypot(fields)
        outcome, delivery = _sign_up(event_id, fields)
    except SignupError as error:
        if is_form:
            return _form_error_page(event_id, error, language, fields)
        return _json_error(error, language)
    # A repeated sign-up, or a caught bot, is answered exactly like a new one: a fresh id, never a stored one.
    registration = outcome.registration
    return _registered(is_form, language, registration.registration_id, registration.status, delivery.state, fields)


@app.route("/events/{event_id}/registrations", methods=["OPTIONS"])
def registration_preflight(event_id: str) -> Response:
    """CORS preflight for JSON posts from the municipality's pages (headers come from the middleware)."""
    return Response(body="", status_code=204)


@app.route("/privacy", methods=["GET"])
def privacy_notice() -> Response:
    """Who holds the data, why, on what basis, with whom, how long, and one's rights."""
    return _html(web.privacy_page(_query_language()))


@app.route("/openapi.json", methods=["GET"])
def openapi_document() -> Response:
    return Response(body=openapi.document(), status_code=200)


@app.route("/events/{event_id}/openapi.json", methods=["GET"])
def event_openapi_document(event_id: str) -> Response:
    """The contract for one event: the questions it asks and its interest areas."""
    event = store().get_event(event_id)
    if event is None:
        return _json_error(EventNotFound(), _query_language())
    return Response(body=openapi.document(event), status_code=200)


@app.route("/embed.js", methods=["GET"])
def embed_script() -> Response:
    """Runs inside the hosted form: tells an embedding page how tall the form is."""
    return Response(
        body=web.embed_script(),
        status_code=200,
        headers={"Content-Type": "text/javascript; charset=utf-8", "Cache-Control": "public, max-age=3600"},
    )


@app.middleware("http")
def security_headers(event: Any, get_response: Any) -> Response:
    """On every response: CORS (registration route only), Referrer-Policy, who may frame our pages."""
    response = get_response(event)
    origin = security.request_origin(event.headers)
    response.headers.update(security.cors_headers(event.path, event.method, origin, _allowed_origins()))
    response.headers["Referrer-Policy"] = security.referrer_policy(event.path)
    if response.headers.get("Content-Type", "").startswith("text/html"):
        response.headers["Content-Security-Policy"] = security.content_security_policy(config.allowed_origins())
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    if config.deployed():  # served only over https there; never pin http://127.0.0.1 in a browser
        response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    return response


def _registered(
    is_form: bool,
    language: str,
    registration_id: str,
    status: str,
    email_state: str,
    fields: dict[str, Any],
) -> Response:
    """The one answer to an accepted sign-up, whether new, repeated or a dropped bot: the same
    status code, keys and headers, so the answer tells nobody which it was."""
    if is_form:
        note = {EmailState.FAILED: "&email=delayed", EmailState.LIMITED: "&email=limited"}.get(email_state, "")
        # Relative, so it resolves under whatever stage prefix API Gateway adds; or the
        # municipality's own thank-you page, when it is on an allowed origin.
        target = security.safe_redirect(fields.get("redirect"), config.allowed_origins())
        location = target or f"thanks?status={status}&lang={language}{note}"
        return Response(body="", status_code=303, headers={"Location": location, "Content-Type": HTML})
    return Response(body={"registration_id": registration_id, "status": status, "email": email_state}, status_code=201)


@app.route("/registrations/{token}", methods=["GET"])
def get_own_registration(token: str) -> Response:
    """Show one's registration and the edit form. GET never changes anything: mail scanners follow links."""
    now = web.utcnow()
    try:
        event, registration = service.open_manage_link(token, now)
    except (TokenInvalid, TokenExpired) as problem:
        return _link_problem(problem)
    return _private(_html(web.manage_page(event, registration, now, token)))


@app.route("/registrations/{token}", methods=["POST"], content_types=["*/*"])
def change_own_registration(token: str) -> Response:
    """The manage page's two forms: `action=update` saves edited answers, anything else cancels."""
    request = app.current_request
    try:
        # The cancel button needs no fields; a body that is there must be read, because an edit too
        # large or garbled to read must never fall through to cancelling the seat.
        fields = web.parse_body(request.headers.get("content-type"), request.raw_body) if request.raw_body else {}
    except SignupError as error:
        return _nothing_changed(error)
    if fields.get("action") == "update":
        return _private(_change_answers(token, fields))
    return _private(_cancel(token))


@app.route("/registrations/{token}/confirm", methods=["GET"])
def show_seat_confirmation(token: str) -> Response:
    """The link in the email of a held seat: a button to confirm. GET never confirms: mail
    scanners follow links, and the point is that the person behind the address does."""
    try:
        event, registration = service.open_manage_link(token, web.utcnow())
    except (TokenInvalid, TokenExpired) as problem:
        return _link_problem(problem)
    return _private(_html(web.confirm_page(event, registration, hold_state(registration))))


@app.route("/registrations/{token}/confirm", methods=["POST"], content_types=["*/*"])
def confirm_own_seat(token: str) -> Response:
    try:
        event, result = service.confirm_registration(token, base_url=_base_url(), now=web.utcnow())
    except (TokenInvalid, TokenExpired) as problem:
        return _link_problem(problem)
    except (RegistrationNotFound, EventNotFound):
        return _link_problem(TokenInvalid())
    except SignupError as error:
        return _nothing_changed(error)
    return _private(_html(web.confirm_page(event, result.registration, result.outcome)))


@app.route("/organiser/{token}", methods=["GET"])
def organiser_attendee_page(token: str) -> Response:
    """The live attendee list behind the signed link in each digest (no login; expires in days,
    withdrawn by `./signup organiser revoke`)."""
    try:
        page = service.organiser_page(token, web.utcnow())
    except (TokenInvalid, TokenExpired, TokenWithdrawn) as problem:
        return _organiser_link_problem(problem)
    if page is None:
        return _organiser_link_problem(TokenInvalid())
    return _private(_html(page))


@app.schedule(Rate(1, unit=Rate.HOURS))
def hourly(event: Any) -> dict[str, int]:
    """Reminders, organiser digests and the deadline hand-off, decided in each event's local time."""
    return dict(service.run_hourly(base_url=config.base_url(), now=web.utcnow()))


@app.schedule(Rate(10, unit=Rate.MINUTES))
def email_outbox(event: Any) -> dict[str, int]:
    """Retry confirmation emails that are due (SES trouble, or a request that died)."""
    return dict(service.run_outbox(base_url=config.base_url(), now=web.utcnow()))


@app.on_sns_message(topic=SES_NOTIFICATIONS_TOPIC)
def ses_notification(event: Any) -> None:
    """Permanent bounces and complaints: never email that address again."""
    suppression.record_notification(event.message, store=store(), now=web.utcnow())


# -- helpers -----------------------------------------------------------------


def _change_answers(token: str, fields: dict[str, Any]) -> Response:
    now = web.utcnow()
    try:
        event, registration = service.change_answers(token, fields, now=now)
    except (TokenInvalid, TokenExpired) as problem:
        return _link_problem(problem)
    except RegistrationNotFound:
        return _link_problem(TokenInvalid())
    except (ValidationFailed, RegistrationClosed) as error:
        event, registration = service.open_manage_link(token, now)
        invalid = error if isinstance(error, ValidationFailed) else None
        values = fields if invalid else None
        page = web.manage_page(event, registration, now, token, values=values, error=invalid)
        return _html(page, error.http_status)
    except SignupError as error:
        return _nothing_changed(error)
    return _html(web.manage_page(event, registration, now, token, "saved_heading", "saved_text"))


def _cancel(token: str) -> Response:
    now = web.utcnow()
    try:
        event, result = service.cancel_registration(token, base_url=_base_url(), now=now)
    except (TokenInvalid, TokenExpired) as problem:
        return _link_problem(problem)
    except EventStarted:
        event, registration = service.open_manage_link(token, now)
        return _html(web.manage_page(event, registration, now, token), 409)
    except (RegistrationNotFound, EventNotFound):
        return _link_problem(TokenInvalid())
    except SignupError as error:
        return _nothing_changed(error)
    text = "already_cancelled_text" if result.already_cancelled else "cancelled_text"
    return _html(web.manage_page(event, result.registration, now, token, "cancelled_heading", text))


def _sign_up(event_id: str, fields: dict[str, Any]) -> Any:
    source_ip = (app.current_request.context.get("identity") or {}).get("sourceIp")
    try:
        return service.sign_up(
            event_id, fields, base_url=_base_url(), now=web.utcnow(), client=security.client_key(source_ip)
        )
    except (BotoCoreError, ClientError) as error:
        # Operators need the AWS error code; the person needs to know nothing was kept.
        code = error.response.get("Error", {}).get("Code") if isinstance(error, ClientError) else type(error).__name__
        app.log.error("registration failed on AWS", extra={"error": code})
        raise ServiceUnavailable() from error


def _base_url() -> str:
    """Where links in emails point: configured, or this API's own address."""
    configured = config.base_url()
    if configured:
        return configured
    request = app.current_request
    return f"https://{request.headers.get('host', '')}/{request.context.get('stage', 'api')}"


def _private(response: Response) -> Response:
    """Pages behind a secret link: out of caches and search engines (the middleware keeps the
    link out of Referer headers)."""
    response.headers.update({"Cache-Control": "no-store", "X-Robots-Tag": "noindex"})
    return response


def _own_origin() -> str:
    headers = app.current_request.headers
    host = headers.get("host", "")
    local = host.startswith(("127.0.0.1", "localhost"))
    return f"{headers.get('x-forwarded-proto', 'http' if local else 'https')}://{host}".lower()


def _allowed_origins() -> list[str]:
    """The configured municipality origins, our own origin (the hosted form) and our base URL's."""
    own = [_own_origin(), security.origin_of(config.base_url())]
    return config.allowed_origins() + [origin for origin in own if origin]


def _form_token(event_id: str) -> str:
    return security.form_token(config.secret(), event_id, web.utcnow())


def _link_problem(problem: Exception) -> Response:
    expired = isinstance(problem, TokenExpired)
    return _html(web.link_problem_page(_query_language(), expired), 410 if expired else 403)


def _nothing_changed(error: SignupError) -> Response:
    """A post behind a person's own link that could not be carried out (unreadable, too large, AWS
    busy): say so with the error's own status and message; the registration is as it was."""
    language = _query_language()
    heading = i18n.labels(language)["nothing_changed_heading"]
    page = web.message_page(None, language, heading, web.error_message(error, language))
    return _private(_html(page, error.http_status))


def _organiser_link_problem(problem: Exception) -> Response:
    """Forged: 403. Expired or withdrawn: 410 Gone, saying where a working link comes from."""
    kind, status = {TokenExpired: ("expired", 410), TokenWithdrawn: ("withdrawn", 410)}.get(
        type(problem), ("invalid", 403)
    )
    return _private(_html(web.organiser_link_problem_page(_query_language(), kind), status))


def _query_language() -> str:
    return pick_language((app.current_request.query_params or {}).get("lang"))


def _html(body: str, status_code: int = 200) -> Response:
    return Response(body=body, status_code=status_code, headers={"Content-Type": HTML})


def _json_error(error: SignupError, language: str) -> Response:
    return Response(body=web.error_body(error, language), status_code=error.http_status)


def _not_found_page(language: str) -> Response:
    labels = i18n.labels(language)
    text = i18n.message("event_not_found", language)
    return _html(web.message_page(None, language, labels["not_found_heading"], text), 404)


def _form_error_page(event_id: str, error: SignupError, language: str, fields: dict[str, Any]) -> Response:
    event = store().get_event(event_id) if error.code != "event_not_found" else None
    if event is None:
        return _not_found_page(language)
    if isinstance(error, ValidationFailed):
        # Keep the first render's token (a person fixing one field quickly is not a bot), unless
        # it is the problem: expired or already used, the form comes back with a fresh one.
        kept = fields.get(security.FORM_TOKEN_FIELD) if security.FORM_TOKEN_FIELD not in error.fields else None
        token = kept or _form_token(event_id)
        return _html(web.form_page(event, language, web.utcnow(), values=fields, error=error, form_token=token), 422)
    if error.code == "registration_closed":
        return _html(web.form_page(event, language, web.utcnow()), 409)
    if isinstance(error, ForbiddenOrigin):
        heading = i18n.labels(language)["errors_heading"]
        return _html(web.message_page(None, language, heading, web.error_message(error, language)), 403)
    heading = i18n.labels(language)["errors_heading"]
    return _html(web.message_page(event, language, heading, web.error_message(error, language)), error.http_status)
