"""Structured logs: one JSON object a line, with the request id, and never personal data.

Only fields an operator needs are allowed through (event ids, states, counts,
error codes); a field outside that list is dropped rather than logged.
"""

from __future__ import annotations

import json
import logging
import sys
from typing import Any

ALLOWED_FIELDS = {
    "event_id",
    "status",
    "kind",
    "error",
    "counts",
    "count",
    "items",
    "seats_freed",
    "promoted",
    "request_id",
}
_STANDARD = set(vars(logging.makeLogRecord({})))


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and key in ALLOWED_FIELDS:
                entry[key] = value
        if record.exc_info:
            entry["exception"] = record.exc_info[0].__name__ if record.exc_info[0] else "unknown"
        return json.dumps(entry, ensure_ascii=False, default=str)


class RequestIdFilter(logging.Filter):
    """Stamps each record with the Lambda request id, when there is one."""

    def __init__(self, request_id: Any) -> None:
        super().__init__()
        self.request_id = request_id

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = self.request_id()
        return True


class _CurrentStreamHandler(logging.StreamHandler):
    """Writes to whatever sys.stdout (or sys.stderr) is at the time: Lambda ships stdout to
    CloudWatch; a command line keeps stdout for its own output."""

    def __init__(self, to_stderr: bool) -> None:
        self.to_stderr = to_stderr
        super().__init__()

    @property
    def stream(self) -> Any:
        return sys.stderr if self.to_stderr else sys.stdout

    @stream.setter
    def stream(self, _value: Any) -> None:
        pass


def configure(request_id: Any, to_stderr: bool = False) -> None:
    handler = _CurrentStreamHandler(to_stderr)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter(request_id))
    for name in ("chalicelib", "signup"):
        logger = logging.getLogger(name)
        logger.handlers = [handler]
        logger.setLevel(logging.INFO)
        logger.propagate = False
