"""The one link builder: query strings written by urlencode, Swedish unnamed, the privacy notice's
language always named, and each page's address as emails and forms link to it."""

from urllib.parse import parse_qsl, urlsplit

from chalicelib import links

BASE = "https://signup.example"


def test_a_query_string_keeps_the_order_leaves_out_empty_values_and_escapes_what_would_change_it():
    assert links.with_query("/console") == "/console"
    assert links.with_query("/console", done="") == "/console"
    assert links.with_query("/x", {"b": "2"}, a="1") == "/x?b=2&a=1"
    assert links.with_query("/x", [("q", "Åsa & Öberg"), ("next", "/console/events/a")]) == (
        "/x?q=%C3%85sa+%26+%C3%96berg&next=%2Fconsole%2Fevents%2Fa"
    )
    text = "a=1&lang=sv#top"
    assert parse_qsl(urlsplit(links.with_query("/x", q=text)).query) == [("q", text)]


def test_only_english_is_named_and_the_language_comes_last():
    assert links.in_language("/console", "sv") == "/console"
    assert links.in_language("/console", "en") == "/console?lang=en"
    assert links.in_language("/console", "en", signed_out="1") == "/console?signed_out=1&lang=en"
    assert links.in_language("", "en") == "?lang=en" and links.in_language("", "sv") == ""


def test_the_pages_emails_and_forms_link_to():
    assert links.privacy(BASE, "sv") == f"{BASE}/privacy?lang=sv"
    assert links.privacy(BASE, "en") == f"{BASE}/privacy?lang=en"
    assert links.registration_form(BASE, "trygghet", "sv") == f"{BASE}/events/trygghet/form"
    assert links.registration_form(BASE, "trygghet", "en", invitation="a.b-c_") == (
        f"{BASE}/events/trygghet/form?lang=en&invitation=a.b-c_"
    )
    assert links.own_registration(BASE, "TOKEN") == f"{BASE}/registrations/TOKEN"
    assert links.leave_network(BASE, "TOKEN") == f"{BASE}/network/leave/TOKEN"
    assert links.console_event(BASE, "trygghet", "sv") == f"{BASE}/console/events/trygghet"
    assert links.console_event(BASE, "trygghet", "en") == f"{BASE}/console/events/trygghet?lang=en"


def test_no_other_module_writes_a_query_string_or_these_addresses_by_hand():
    """Every caller uses the builder: outside links.py, no module of the service writes `?lang=`,
    the privacy notice's or the way out of the network's address, or calls urlencode."""
    import re
    from pathlib import Path

    by_hand = re.compile(r"""\?lang=|lang=en&|[}"']/privacy\b|[}"']/network/leave/|urlencode\(""")
    root = Path(links.__file__).parent
    found = [
        f"{path.relative_to(root)}:{number}: {line.strip()}"
        for path in sorted(root.rglob("*.py"))
        if path.name not in ("links.py", "openapi.py")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if by_hand.search(line) and "route(" not in line
    ]
    assert found == []
