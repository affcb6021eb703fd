"""Signup's HTTP routes. Each view parses the request, calls chalicelib, maps errors."""

from __future__ import annotations

import logging
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from chalice import Chalice, Response

from chalicelib import aws, config, i18n, web
from chalicelib.errors import EventNotFound, ServiceUnavailable, SignupError, ValidationFailed
from chalicelib.forms import pick_language
from chalicelib.registrations import register
from chalicelib.store import DynamoStore

app = Chalice(app_name="signup")
app.log.setLevel(logging.INFO)

HTML = "text/html; charset=utf-8"


def store() -> DynamoStore:
    return DynamoStore(aws.dynamodb(), config.table_name())


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
    return _html(web.form_page(event, language, web.utcnow()))


@app.route("/events/{event_id}/thanks", methods=["GET"])
def get_thanks(event_id: str) -> Response:
    language = _query_language()
    event = store().get_event(event_id)
    if event is None:
        return _not_found_page(language)
    status = (app.current_request.query_params or {}).get("status", "confirmed")
    return _html(web.thanks_page(event, language, status))


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
        fields = web.parse_body(content_type, request.raw_body)
        language = pick_language(fields.get("language"), language)
        outcome = _register(event_id, fields)
    except SignupError as error:
        if is_form:
            return _form_error_page(event_id, error, language, fields)
        return _json_error(error, language)
    registration = outcome.registration
    if is_form:
        # Relative, so it resolves under whatever stage prefix API Gateway adds.
        return Response(
            body="",
            status_code=303,
            headers={"Location": f"thanks?status={registration.status}&lang={language}", "Content-Type": HTML},
        )
    return Response(
        body={"registration_id": registration.registration_id, "status": registration.status},
        status_code=201 if outcome.created else 200,
    )


# -- helpers -----------------------------------------------------------------


def _register(event_id: str, fields: dict[str, Any]) -> Any:
    try:
        return register(event_id, fields, store=store(), now=web.utcnow())
    except (BotoCoreError, ClientError) as error:
        # Operators need the AWS error code; the person needs to know nothing was kept.
        code = error.response.get("Error", {}).get("Code") if isinstance(error, ClientError) else type(error).__name__
        app.log.error("registration failed on AWS: %s", code)
        raise ServiceUnavailable() from error


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
        return _html(web.form_page(event, language, web.utcnow(), values=fields, error=error), 422)
    if error.code == "registration_closed":
        return _html(web.form_page(event, language, web.utcnow()), 409)
    heading = i18n.labels(language)["errors_heading"]
    return _html(web.message_page(event, language, heading, web.error_message(error, language)), error.http_status)
