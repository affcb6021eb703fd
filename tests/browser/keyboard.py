"""Moving through a page with the Tab key, as a keyboard user does, for the browser tests."""

from __future__ import annotations

from typing import Any


def focused(page: Any) -> dict[str, str]:
    """The element that has keyboard focus: its tag, id, name and text."""
    return page.evaluate(
        "() => ({tag: document.activeElement.tagName, id: document.activeElement.id,"
        " name: document.activeElement.name || '', text: document.activeElement.innerText || ''})"
    )


def tab_to(page: Any, matches: Any, limit: int = 80) -> None:
    """Press Tab until the focused element `matches`; fail after `limit` presses."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if matches(focused(page)):
            return
    raise AssertionError("never reached it by keyboard")
