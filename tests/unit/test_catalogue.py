"""The gettext catalogue against the code: every text has its Swedish, and the catalogue holds nothing dead."""

from __future__ import annotations

import re

import pytest

from chalicelib import digest, email_history, i18n
from chalicelib.console import people
from chalicelib.events import DigestMode
from chalicelib.fields import YesNo
from chalicelib.registrations import EmailKind, EmailState, Status
from devtools import catalogue


@pytest.fixture(scope="module")
def used():
    return catalogue.extract()


@pytest.fixture(scope="module")
def swedish():
    return catalogue.read("sv")


def _key(message):
    return (message.context, message.id)


def test_the_code_uses_texts_and_finds_them_in_python_and_templates(used):
    """Extraction itself works (a broken babel.cfg would otherwise make the checks below vacuous)."""
    files = {path for message in used for path, _ in message.locations}
    assert all(any(path.endswith(kind) for path in files) for kind in (".py", ".html", ".txt")), files
    assert len(used) > 20


def test_every_text_in_the_code_has_its_swedish(used, swedish):
    missing = []
    for message in used:
        if not message.id:
            continue
        found = swedish.get(message.id, message.context)
        strings = found.string if found is not None else None
        translated = all(strings) if isinstance(strings, tuple | list) else bool(strings)
        if found is None or not translated or found.fuzzy:
            missing.append(message.id)
    assert not missing, (
        "run `make messages` and write the Swedish in chalicelib/locale/sv/LC_MESSAGES/messages.po:\n"
        + ("\n".join(map(str, missing)))
    )


def test_the_catalogue_holds_no_text_the_code_no_longer_uses(used, swedish):
    wanted = {_key(message) for message in used if message.id}
    dead = [message.id for message in swedish if message.id and _key(message) not in wanted]
    obsolete = list(swedish.obsolete)
    assert not dead and not obsolete, "run `make messages` to drop them:\n" + "\n".join(map(str, dead + obsolete))


def test_a_swedish_text_has_the_same_placeholders_as_its_english(swedish):
    def placeholders(text):
        return sorted(re.findall(r"\{\w*\}|%\(\w+\)[sd]", text))

    wrong = []
    for message in swedish:
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple | list) else (message.id,)
        strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
        # A plural's singular may say "one" instead of the count; every form keeps the other placeholders.
        expected = {p for p in placeholders(ids[-1]) if p not in ("{count}", "%(num)s", "%(count)s")}
        for string in strings:
            if not expected <= set(placeholders(string)) or set(placeholders(string)) - set(placeholders(ids[-1])):
                wrong.append((message.id, string))
    assert not wrong, wrong


def test_the_compiled_catalogue_is_what_the_service_reads():
    assert i18n.translator("sv").gettext("Please fill in this field.") == "Fyll i det här fältet."
    assert i18n.translator("en").gettext("Please fill in this field.") == "Please fill in this field."


def test_a_missing_compiled_catalogue_is_a_clear_error(tmp_path):
    (tmp_path / "sv" / "LC_MESSAGES").mkdir(parents=True)
    with pytest.raises(RuntimeError, match="make messages-compile"):
        i18n.check_catalogues(tmp_path)
    po = tmp_path / "sv" / "LC_MESSAGES" / "messages.po"
    mo = po.with_suffix(".mo")
    mo.write_bytes(b"")
    po.write_text("")
    import os

    os.utime(mo, (1, 1))
    with pytest.raises(RuntimeError, match="older than"):
        i18n.check_catalogues(tmp_path)
    os.utime(mo, None)
    os.utime(po, (1, 1))
    i18n.check_catalogues(tmp_path)


def test_every_error_code_has_a_message_in_both_languages():
    from chalicelib import errors

    codes = {cls.code for cls in vars(errors).values() if isinstance(cls, type) and issubclass(cls, errors.SignupError)}
    codes.discard(errors.SignupError.code)  # the base class is never raised itself
    for code in codes:
        swedish, english = i18n.message(code, "sv"), i18n.message(code, "en")
        assert code not in (swedish, english) and swedish != english, code


def test_every_note_the_person_page_can_show_after_a_change_has_its_text():
    from chalicelib.registrations import ResendState
    from chalicelib.routes.console_people import DONE_NOTICES

    resends = {f"resend_{state}" for state in ResendState if state != ResendState.LEASED}
    assert resends <= set(DONE_NOTICES), resends - set(DONE_NOTICES)


def test_counts_and_contexts_pick_the_right_swedish():
    sv = i18n.translator("sv")
    assert i18n.event_problem("below_seats_taken", "sv", taken=1).startswith("1 plats är redan tagen.")
    assert i18n.event_problem("below_seats_taken", "sv", taken=3).startswith("3 platser är redan tagna.")
    assert i18n.event_problem("below_seats_taken", "en", taken=1).startswith("1 seat is already taken.")
    # One English word, two Swedish ones: a registration is "Avbokad", the filter lists "Avbokade".
    assert sv.gettext(i18n.PERSON_STATUS["cancelled"]) == "Avbokad"
    assert sv.pgettext(*i18n.STATUS_FILTERS["cancelled"]) == "Avbokade"


# Each state's words: a table keyed by a state's values, so a state added without its words would show
# a KeyError on a page (or its bare code), and words for a state that no longer exists are dead text.
@pytest.mark.parametrize(
    ("table", "states"),
    [
        ("STATUS_NAMES", set(Status)),
        ("PERSON_STATUS", set(Status)),
        ("EMAIL_STATES", set(EmailState)),
        ("EMAIL_PROBLEMS", set(digest.EMAIL_PROBLEMS)),
        ("EMAIL_RESULTS", set(email_history.Result)),
        ("DIGEST_MODES", set(DigestMode)),
        ("CHOICE_NAMES", set(YesNo)),
        ("STATUS_FILTERS", {value or "live" for value in people.STATUS_CHOICES}),
        ("EMAIL_KINDS", {*EmailKind, *email_history.HistoryKind}),
    ],
)
def test_each_state_table_has_words_for_every_state_and_no_other(table, states):
    assert set(getattr(i18n, table)) == {str(state) for state in states}
