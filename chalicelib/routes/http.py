"""What every blueprint needs to read a request and write a response; no rules of the service."""

from __future__ import annotations

from typing import cast

from chalice import Response
from chalice.app import Request

from .. import security, web
from ..config import Settings
from ..errors import SignupError
from ..forms import pick_language
from ..pages import Pages
from ..tokens import TokenExpired

HTML = "text/html; charset=utf-8"


def html(body: str, status_code: int = 200) -> Response:
    return Response(body=body, status_code=status_code, headers={"Content-Type": HTML})


def private(response: Response) -> Response:
    """Pages behind a secret link: out of caches and search engines (the middleware keeps the
    link out of Referer headers)."""
    response.headers.update({"Cache-Control": "no-store", "X-Robots-Tag": "noindex"})
    return response


def json_error(error: SignupError, language: str) -> Response:
    return Response(body=web.error_body(error, language), status_code=error.http_status)


def query(request: Request) -> dict[str, str]:
    return dict(request.query_params or {})


def query_language(request: Request) -> str:
    return pick_language(query(request).get("lang"))


def raw_body(request: Request) -> bytes:
    """The body as sent (Chalice types it `str | bytes`; for API Gateway events it is bytes)."""
    return cast(bytes, request.raw_body)


def base_url(request: Request, settings: Settings) -> str:
    """Where links in emails point: configured, or this API's own address."""
    configured = settings.base_url()
    if configured:
        return configured
    return f"https://{request.headers.get('host', '')}/{request.context.get('stage', 'api')}"


def allowed_origins(request: Request, settings: Settings) -> list[str]:
    """The configured municipality origins, our own origin (the hosted form) and our base URL's."""
    own = [_own_origin(request), security.origin_of(settings.base_url())]
    return settings.allowed_origins() + [origin for origin in own if origin]


def _own_origin(request: Request) -> str:
    headers = request.headers
    host = headers.get("host", "")
    local = host.startswith(("127.0.0.1", "localhost"))
    return f"{headers.get('x-forwarded-proto', 'http' if local else 'https')}://{host}".lower()


def source_ip(request: Request) -> str | None:
    return (request.context.get("identity") or {}).get("sourceIp")


def link_problem(pages: Pages, language: str, problem: Exception) -> Response:
    """A link to one's own registration that does not open: expired 410, forged 403."""
    expired = isinstance(problem, TokenExpired)
    return html(pages.link_problem_page(language, expired), 410 if expired else 403)
