"""Every page and HTML email, rendered through the app: all templates reached, sentences kept apart."""

from __future__ import annotations

import re

from chalicelib import pages
from tests.pages import visible_text

# A sentence's full stop (or ! ?) running straight into the next sentence's capital: "0.Dagar".
GLUED_SENTENCES = re.compile(r"[\wåäöÅÄÖ][.!?][A-ZÅÄÖ]")


def test_every_page_and_email_template_is_rendered_for_the_checkers(rendered):
    """A new template must be reached by a step in tests/pages.py, so vnu and axe see it too."""
    environment = pages.templates()
    whole_documents = {
        name
        for name in environment.list_templates(extensions=["html"])
        if not name.rsplit("/", 1)[-1].startswith("_") and name != "base.html"
    }
    assert whole_documents - rendered.templates == set()
    assert len([d for d in rendered.documents if d.is_email]) >= 8
    assert {d.name.rsplit("-", 1)[-1] for d in rendered.documents if not d.is_email} >= {"sv", "en"}


def test_no_page_or_email_runs_two_sentences_together(rendered):
    glued = {
        document.name: GLUED_SENTENCES.findall(visible_text(document.html))
        for document in rendered.documents
        if GLUED_SENTENCES.search(visible_text(document.html))
    }
    assert glued == {}


def test_the_digest_keeps_a_space_between_seats_and_days_left(rendered):
    digests = [d for d in rendered.documents if d.is_email and d.name.split("-", 2)[2].startswith("anmalningar-till")]
    assert digests, "the digest was collected"
    for document in digests:
        text = " ".join(visible_text(document.html).split())
        assert "Lediga platser: 0. Dagar kvar till sista anmälningsdag:" in text, document.name


def test_the_organisers_own_questions_are_among_the_checked_pages(rendered):
    names = set(rendered.names())
    assert {"form-questions-sv", "form-questions-errors-en", "form-questions-choice-full-sv"} <= names
    assert {"console-event-questions-sv", "console-people-questions-en", "console-person-questions-sv"} <= names
    full = next(d for d in rendered.documents if d.name == "form-questions-choice-full-sv")
    assert 'value="robotik" disabled' in full.html
