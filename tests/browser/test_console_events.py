"""An administrator creates a meeting in the console with the keyboard alone, and its public form opens."""

from __future__ import annotations

from datetime import date, timedelta

from tests.browser.keyboard import focused, tab_to
from tests.browser.test_console import emailed_link

ADMIN = "admin@hudiksvall.example"


def sign_in_by_keyboard(service, page, address):
    page.goto(f"{service.base}/console")
    tab_to(page, lambda active: active["tag"] == "INPUT")
    page.keyboard.type(address)
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Titta i din e-post")
    page.goto(emailed_link(service, address))
    tab_to(page, lambda active: active["tag"] == "BUTTON" and active["text"] == "Logga in")
    page.keyboard.press("Enter")
    page.wait_for_selector("h1")


def test_an_administrator_creates_a_meeting_by_keyboard_and_its_public_form_opens(service, page):
    sign_in_by_keyboard(service, page, ADMIN)
    tab_to(page, lambda active: active["tag"] == "A" and active["text"] == "Ny träff")
    page.keyboard.press("Enter")
    page.wait_for_selector("h1:has-text('Ny träff')")

    starts = date.today() + timedelta(days=50)
    typed = {
        "id": "tangentbordstraffen",
        "title_sv": "Träffen skapad med tangentbordet",
        "starts_at": f"{starts} 18:00",
        "venue": "Rådhussalen",
        "deadline_date": f"{starts - timedelta(days=10)}",
        "capacity": "25",
        "organisers": "arrangor@hudiksvall.example",
    }
    for _ in range(120):
        page.keyboard.press("Tab")
        active = focused(page)
        if active["id"] in typed:
            page.keyboard.press("Control+A")
            page.keyboard.type(typed.pop(active["id"]))
        if active["tag"] == "BUTTON" and active["text"] == "Skapa träffen":
            break
    assert typed == {}, f"never reached {sorted(typed)} by keyboard"
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Träffen är skapad.")

    # The preview, with the console's own security headers: the public form for the edited event, in its frame.
    tab_to(page, lambda active: active["tag"] == "BUTTON" and active["text"] == "Förhandsvisa formuläret", limit=150)
    page.keyboard.press("Enter")
    page.wait_for_selector("h2:has-text('Förhandsvisning av formuläret')")
    preview = page.frame_locator("iframe[title='Förhandsvisning av anmälningsformuläret']")
    assert preview.locator("h1").inner_text() == "Träffen skapad med tangentbordet"

    page.goto(f"{service.base}/events/tangentbordstraffen/form")
    assert page.locator("h1").inner_text() == "Träffen skapad med tangentbordet"
    assert page.locator("form button[type=submit]").count() == 1
