"""The local outbox: every email moto's SES received, readable in a browser. Never deployed."""

from __future__ import annotations

import email
import email.policy
import html
import json
import threading
import urllib.request
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


def received(moto_endpoint: str) -> list[EmailMessage]:
    with urllib.request.urlopen(f"{moto_endpoint}/moto-api/data.json", timeout=5) as response:  # noqa: S310
        data = json.loads(response.read())
    messages = [
        email.message_from_string(raw["raw_data"], policy=email.policy.default)
        for raw in data.get("ses", {}).get("RawMessage", [])
    ]
    return list(reversed(messages))  # newest first


def _part(message: EmailMessage, content_type: str) -> Any:
    for part in message.walk():
        if part.get_content_type() == content_type:
            return part
    return None


def index_page(messages: list[EmailMessage]) -> str:
    rows = "".join(
        f"<tr><td>{html.escape(str(m['Date'] or ''))}</td><td>{html.escape(str(m['To']))}</td>"
        f'<td><a href="/message/{i}">{html.escape(str(m["Subject"]))}</a></td></tr>'
        for i, m in enumerate(messages)
    )
    body = rows or '<tr><td colspan="3">No emails yet: sign up through the form.</td></tr>'
    return (
        '<!doctype html><html lang="en"><meta charset="utf-8"><title>Local outbox</title>'
        "<style>body{font:1rem system-ui;margin:2rem}td,th{padding:.3rem .8rem;text-align:left}</style>"
        f"<h1>Local outbox ({len(messages)})</h1><p>Emails moto's SES stand-in received, newest first. "
        f"This page exists only under <code>make run</code>.</p>"
        f"<table><tr><th>Date</th><th>To</th><th>Subject</th></tr>{body}</table>"
    )


def message_page(index: int, message: EmailMessage) -> str:
    text = _part(message, "text/plain")
    calendar = _part(message, "text/calendar")
    headers = "".join(
        f"<tr><th>{name}</th><td>{html.escape(str(message[name] or ''))}</td></tr>"
        for name in ("From", "To", "Reply-To", "Subject")
    )
    ics = f'<p><a href="/message/{index}/calendar.ics">Download the .ics</a></p>' if calendar else "<p>No .ics</p>"
    return (
        '<!doctype html><html lang="en"><meta charset="utf-8"><title>Email</title>'
        "<style>body{font:1rem system-ui;margin:2rem}iframe{width:100%;height:32rem;border:1px solid #999}</style>"
        f'<p><a href="/">← Outbox</a></p><table>{headers}</table>{ics}'
        f'<h2>HTML part</h2><iframe sandbox src="/message/{index}/html" title="HTML part"></iframe>'
        f"<h2>Text part</h2><pre>{html.escape(text.get_content() if text else '')}</pre>"
    )


def serve(port: int, moto_endpoint: str) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            parts = [p for p in self.path.split("?")[0].split("/") if p]
            messages = received(moto_endpoint)
            try:
                if not parts:
                    self._send(200, "text/html; charset=utf-8", index_page(messages).encode())
                    return
                message = messages[int(parts[1])]
                if len(parts) == 2:
                    self._send(200, "text/html; charset=utf-8", message_page(int(parts[1]), message).encode())
                elif parts[2] == "html":
                    part = _part(message, "text/html")
                    self._send(200, "text/html; charset=utf-8", part.get_content().encode() if part else b"")
                elif parts[2] == "calendar.ics":
                    part = _part(message, "text/calendar")
                    self._send(200, "text/calendar; charset=utf-8", part.get_content().encode())
                else:
                    raise IndexError
            except (IndexError, ValueError, AttributeError):
                self._send(404, "text/plain; charset=utf-8", b"Not found")

        def _send(self, status: int, content_type: str, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header(
                "Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-src 'self'"
            )
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet: it would log addresses
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
