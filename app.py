"""Signup's Lambda functions: the HTTP routes (blueprints in chalicelib/routes), the headers every
response carries, the scheduled jobs and the SES notifications."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from chalice import Chalice, Rate, Response

from chalicelib import config, logs, security, suppression
from chalicelib.bootstrap import wiring
from chalicelib.routes.console import console
from chalicelib.routes.console_events import console_events
from chalicelib.routes.console_groups import console_groups
from chalicelib.routes.console_invitations import console_invitations
from chalicelib.routes.console_network import console_network
from chalicelib.routes.console_notices import console_notices
from chalicelib.routes.console_people import console_people
from chalicelib.routes.console_questions import console_questions
from chalicelib.routes.http import allowed_origins
from chalicelib.routes.network_links import network_links
from chalicelib.routes.organiser import organiser
from chalicelib.routes.own import own
from chalicelib.routes.public import public

app = Chalice(app_name="signup")
logs.configure(lambda: getattr(getattr(app, "lambda_context", None), "aws_request_id", None))
config.refuse_to_start_misconfigured()

# Routes only: their handler is app.app either way. Schedules and the SNS handler stay here, because
# a blueprint's own Lambda function is packaged with its module as the handler and skips app.py
# (its middleware and logging set-up; aws/chalice#1566).
app.register_blueprint(public)
app.register_blueprint(own)
app.register_blueprint(organiser)
app.register_blueprint(network_links)

SES_NOTIFICATIONS_TOPIC = "signup-ses-notifications"


@app.middleware("http")
def security_headers(event: Any, get_response: Any) -> Response:
    """On every response: CORS (registration route only), Referrer-Policy, who may frame our pages."""
    response = get_response(event)
    settings = wiring().settings
    origin = security.request_origin(event.headers)
    response.headers.update(security.cors_headers(event.path, event.method, origin, allowed_origins(event, settings)))
    response.headers["Referrer-Policy"] = security.referrer_policy(event.path)
    if response.headers.get("Content-Type", "").startswith("text/html"):
        response.headers["Content-Security-Policy"] = security.content_security_policy(
            settings.allowed_origins(), embeddable=not event.path.startswith("/console")
        )
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    if settings.deployed():  # served only over https there; never pin http://127.0.0.1 in a browser
        response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    return response


# The console registers after the security-header middleware: its own middleware (turning a stopped
# console request into its page) then runs inside that one, so those pages get the headers too.
app.register_blueprint(console)
app.register_blueprint(console_people)
app.register_blueprint(console_events)
app.register_blueprint(console_notices)
app.register_blueprint(console_network)
app.register_blueprint(console_questions)
app.register_blueprint(console_invitations)

app.register_blueprint(console_groups)


@app.schedule(Rate(1, unit=Rate.HOURS))
def hourly(event: Any) -> dict[str, int]:
    """Reminders, organiser digests and the deadline hand-off, decided in each event's local time."""
    parts = wiring()
    return dict(parts.outreach.run_hourly(base_url=parts.settings.base_url(), now=parts.clock()))


@app.schedule(Rate(1, unit=Rate.MINUTES))
def email_outbox(event: Any) -> dict[str, int]:
    """Console sign-in links asked for (every minute, so a link arrives within about one), and
    confirmation emails due a retry (SES trouble, or a request that died)."""
    parts = wiring()
    now, base = parts.clock(), parts.settings.base_url()
    counts = parts.console.deliver_links(base_url=base, now=now)
    counts.update(parts.outreach.run_outbox(base_url=base, now=now))
    return dict(counts)


@app.on_sns_message(topic=SES_NOTIFICATIONS_TOPIC)
def ses_notification(event: Any) -> None:
    """Permanent bounces and complaints: never email that address again."""
    parts = wiring()
    suppression.record_notification(
        event.message,
        store=parts.store,
        now=parts.clock(),
        keep_for=timedelta(days=parts.settings.retention_days()),
    )
