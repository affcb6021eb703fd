"""Templates compare a state with its name (`notice.kind == NoticeKind.CANCELLED`), never with a copy of
its value: a value renamed in the code then fails where the template names it, instead of the template
silently comparing with the old text and taking the wrong branch."""

from __future__ import annotations

from pathlib import Path

from jinja2 import nodes

from chalicelib import pages
from chalicelib.events import DigestMode, EventStatus, QuestionType
from chalicelib.notices import NoticeKind
from chalicelib.registrations import EmailKind, EmailState, Status

TEMPLATES = Path(pages.__file__).parent / "templates"
STATES = (Status, EmailKind, EmailState, EventStatus, DigestMode, QuestionType, NoticeKind)
STATE_VALUES = {member.value for state in STATES for member in state}


def literal_states(template: str) -> list[str]:
    """The state values a template's comparisons (==, !=, in) write as literal text."""
    tree = pages.templates().parse((TEMPLATES / template).read_text(encoding="utf-8"))
    found = []
    for compare in tree.find_all(nodes.Compare):
        for side in [compare.expr, *(operand.expr for operand in compare.ops)]:
            for constant in [side, *side.find_all(nodes.Const)]:
                if isinstance(constant, nodes.Const) and constant.value in STATE_VALUES:
                    found.append(f"{template}:{compare.lineno} compares with {constant.value!r}")
    return found


def test_no_template_compares_a_state_with_its_value_written_out():
    templates = sorted(
        str(path.relative_to(TEMPLATES)) for path in TEMPLATES.rglob("*") if path.suffix in {".html", ".txt"}
    )
    assert "email/notice.html" in templates and "email/notice.txt" in templates
    assert [problem for template in templates for problem in literal_states(template)] == []


def test_the_check_sees_a_literal_state_in_a_comparison():
    tree = pages.templates().parse('{% if notice.kind == "cancelled" or status in ("waitlisted", "x") %}{% endif %}')
    assert [c.value for compare in tree.find_all(nodes.Compare) for c in compare.find_all(nodes.Const)] == [
        "cancelled",
        "waitlisted",
        "x",
    ]


def test_the_templates_see_the_notice_kinds_by_name():
    template = pages.templates().from_string("{{ NoticeKind.CANCELLED == 'cancelled' }}")
    assert template.render(lang="sv") == "True"
