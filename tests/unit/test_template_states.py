"""Templates compare a state with its name (`notice.kind == NoticeKind.CANCELLED`), never with a copy of
its value: a value renamed in the code then fails where the template names it, instead of the template
silently comparing with the old text and taking the wrong branch. Likewise a template loops over the
states themselves (`{% for choice in YesNo %}`), not over a copy of their values."""

from __future__ import annotations

import re
from pathlib import Path

from jinja2 import nodes

from chalicelib import pages
from chalicelib.console.posted import ticked
from chalicelib.events import DigestMode, EventStatus, QuestionType
from chalicelib.fields import YesNo, read_yes_no
from chalicelib.notice_kind import NoticeKind
from chalicelib.registrations import EmailKind, EmailState, Status

TEMPLATES = Path(pages.__file__).parent / "templates"
STATES = (Status, EmailKind, EmailState, EventStatus, DigestMode, QuestionType, NoticeKind, YesNo)
STATE_VALUES = {member.value for state in STATES for member in state}


def literal_states(template: str) -> list[str]:
    """The state values a template's comparisons (==, !=, in) and loops write as literal text."""
    return literal_states_in(pages.templates().parse((TEMPLATES / template).read_text(encoding="utf-8")), template)


def literal_states_in(tree: nodes.Template, template: str) -> list[str]:
    found = []
    for compare in tree.find_all(nodes.Compare):
        for side in [compare.expr, *(operand.expr for operand in compare.ops)]:
            found += [f"{template}:{compare.lineno} compares with {value!r}" for value in state_constants(side)]
    for loop in tree.find_all(nodes.For):
        found += [f"{template}:{loop.lineno} loops over {value!r}" for value in state_constants(loop.iter)]
    return found


def state_constants(expression: nodes.Node) -> list[str]:
    """The state values written as literal text in an expression (itself a constant, or inside it)."""
    constants = [expression, *expression.find_all(nodes.Const)]
    return [c.value for c in constants if isinstance(c, nodes.Const) and c.value in STATE_VALUES]


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
    assert literal_states_in(tree, "t") == ["t:1 compares with 'cancelled'", "t:1 compares with 'waitlisted'"]


def test_the_check_sees_a_loop_over_literal_states():
    tree = pages.templates().parse('{% for choice in ("yes", "no") %}{{ choice }}{% endfor %}')
    assert literal_states_in(tree, "t") == ["t:1 loops over 'yes'", "t:1 loops over 'no'"]
    assert literal_states_in(pages.templates().parse("{% for choice in YesNo %}{% endfor %}"), "t") == []


def test_the_templates_see_the_notice_kinds_by_name():
    template = pages.templates().from_string("{{ NoticeKind.CANCELLED == 'cancelled' }}")
    assert template.render(lang="sv") == "True"


def test_the_templates_see_the_yes_no_choices_by_name_in_order():
    template = pages.templates().from_string("{% for choice in YesNo %}{{ choice }} {% endfor %}")
    assert template.render(lang="sv") == "yes no "


def literal_choice_values(template: str) -> list[str]:
    """The form controls whose value is a YesNo word written out (`value="yes"`) instead of `{{ YesNo.YES }}`:
    the route reading it then compares with its own copy of the word."""
    tree = pages.templates().parse((TEMPLATES / template).read_text(encoding="utf-8"))
    words = "|".join(member.value for member in YesNo)
    return [
        f"{template}:{data.lineno} writes {found.group(0)}"
        for data in tree.find_all(nodes.TemplateData)
        for found in re.finditer(rf'\bvalue="({words})"', data.data)
    ]


def test_no_form_control_writes_a_yes_or_no_value_out():
    templates = sorted(str(path.relative_to(TEMPLATES)) for path in TEMPLATES.rglob("*.html"))
    assert "console/person.html" in templates
    assert [problem for template in templates for problem in literal_choice_values(template)] == []


def test_the_console_reads_its_yes_no_controls_with_the_one_reader():
    """The cancel box, the groups' "email now" box and the person page's "tell them" choice: what the
    template posts is what the routes' reader takes, both ways."""
    for template in ("console/event_cancel.html", "console/groups.html", "console/person.html"):
        source = (TEMPLATES / template).read_text(encoding="utf-8")
        assert 'value="{{ YesNo.YES }}"' in source, template
    assert ticked(YesNo.YES.value) and not ticked(YesNo.NO.value) and not ticked(None)
    assert read_yes_no(YesNo.NO.value) is False and read_yes_no(None) is None  # no choice posted: they are told
