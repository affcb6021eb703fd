import pytest

from chalicelib.errors import ValidationFailed
from chalicelib.forms import email_key, parse_answers, pick_language
from tests.helpers import ENCODED_WORDS, answers, example_event


def problems(raw, event=None):
    with pytest.raises(ValidationFailed) as error:
        parse_answers(raw, event or example_event())
    return {field: code for field, (code, _params) in error.value.fields.items()}


def test_valid_answers_are_read_with_types():
    result = parse_answers(answers(meal="yes", attended_before="no"), example_event())
    assert result.name == "Åsa Öberg"
    assert result.meal is True and result.attended_before is False
    assert result.interests == ("barn-och-unga",)
    assert result.language == "sv"


def test_json_booleans_are_accepted():
    result = parse_answers(answers(meal=False, attended_before=True), example_event())
    assert result.meal is False and result.attended_before is True


def test_missing_required_fields_are_all_reported_at_once():
    assert problems({}) == {
        "name": "required",
        "email": "required",
        "organisation": "required",
        "sector": "choose_one",
        "meal": "choose_one",
    }


def test_meal_is_not_asked_when_the_event_serves_none():
    result = parse_answers(answers(meal=None), example_event(meal_at=None))
    assert result.meal is None and result.diet == ""


def test_diet_is_dropped_when_the_person_does_not_eat():
    assert parse_answers(answers(meal="no", diet="Glutenfri"), example_event()).diet == ""


@pytest.mark.parametrize("bad", ["Åsa\nÖberg", "Åsa\rBcc: x@y.se", "Åsa\x00", "Åsa\u2028Öberg", "Åsa\x1b[31m"])
def test_control_characters_are_refused_in_single_line_fields(bad):
    assert problems(answers(name=bad)) == {"name": "control_characters"}


def test_free_text_keeps_line_breaks_but_not_nul():
    result = parse_answers(answers(message="Rad ett\r\nRad två"), example_event())
    assert result.message == "Rad ett\nRad två"
    assert problems(answers(message="a\x00b")) == {"message": "control_characters"}


def test_lengths_are_capped():
    assert parse_answers(answers(name="Å" * 200), example_event()).name == "Å" * 200
    assert problems(answers(name="Å" * 201)) == {"name": "too_long"}
    assert problems(answers(message="x" * 2001)) == {"message": "too_long"}
    assert problems(answers(organisation="o" * 201)) == {"organisation": "too_long"}


def test_text_is_normalised_to_nfc():
    decomposed = "A\u030asa O\u0308berg"  # Å and Ö written as letter + combining mark
    assert parse_answers(answers(name=decomposed), example_event()).name == "Åsa Öberg"


def test_names_in_any_script_round_trip():
    for name in ("Zoë Ångström-Łukasiewicz", "Mäkelä Sámi Áillohaš", "محمد العلي", "李小龍", "Ñúñez O'Brien"):
        assert parse_answers(answers(name=name), example_event()).name == name


@pytest.mark.parametrize("bad", ["no-at-sign", "a@", "@b.se", "a b@c.se", "a@b..se"])
def test_email_syntax_is_checked_without_dns(bad):
    assert problems(answers(email=bad)) == {"email": "invalid_email"}


def test_email_identity_is_trimmed_and_case_insensitive():
    assert email_key("  Asa.Oberg@Example.SE ") == email_key("asa.oberg@example.se")


def test_plus_addressing_is_one_mailbox():
    assert email_key("Victim+1@example.se") == email_key("victim+anything+else@example.se") == "victim@example.se"


def test_an_internationalised_domain_is_one_mailbox_in_either_spelling():
    assert email_key("u@exämple.se") == email_key("U@XN--EXMPLE-CUA.se") == "u@xn--exmple-cua.se"


def test_a_domain_is_made_punycode_once_however_many_addresses_use_it(monkeypatch):
    """A report reads thousands of addresses at a few domains; idna's check is most of a key's cost."""
    import idna

    from chalicelib import forms

    encoded = []
    real_encode = idna.encode
    monkeypatch.setattr(
        idna, "encode", lambda domain, **options: encoded.append(domain) or real_encode(domain, **options)
    )
    forms._ascii_domain.cache_clear()
    keys = {email_key(f"person{number}@Exämple.se") for number in range(50)} | {email_key("bo@example.se")}
    assert len(keys) == 51 and "person7@xn--exmple-cua.se" in keys
    assert encoded == ["exämple.se", "example.se"]
    # A refused domain is remembered as refused: still the same key, still not raising.
    assert email_key("a@-bad-.example..se") == email_key("a@-bad-.example..se") == "a@-bad-.example..se"


@pytest.mark.parametrize("odd", ["+@example.se", "no-at-sign", "a@", "a@-bad-.example..se", "a@" + "x" * 300])
def test_the_mailbox_key_never_raises_on_what_a_bounce_may_carry(odd):
    assert email_key(odd) == email_key(odd.upper())


def test_unknown_choices_are_refused():
    assert problems(answers(sector="government")) == {"sector": "invalid_choice"}
    assert problems(answers(meal="maybe")) == {"meal": "invalid_choice"}
    assert problems(answers(interests=["barn-och-unga", "astrology"])) == {"interests": "invalid_choice"}


def test_wrong_json_types_are_field_errors_not_crashes():
    assert problems(answers(name=42)) == {"name": "not_text"}
    assert problems(answers(interests={"a": 1})) == {"interests": "invalid_choice"}
    assert problems(answers(sector=["public"])) == {"sector": "invalid_choice"}


def test_unknown_fields_are_ignored():
    assert parse_answers(answers(favourite_colour="blå"), example_event()).name == "Åsa Öberg"


def test_interests_keep_the_event_order_without_duplicates():
    raw = answers(interests=["trygghet-och-tillit", "barn-och-unga", "trygghet-och-tillit"])
    assert parse_answers(raw, example_event()).interests == ("barn-och-unga", "trygghet-och-tillit")


def test_language_falls_back_to_swedish():
    assert pick_language(None, "de") == "sv"
    assert pick_language("EN") == "en"
    assert pick_language("", "en-GB") == "en"


# What a name or organisation shows must be all it is: it is echoed in mail the municipality signs.
ENCODED_WORD_NAMES = [*ENCODED_WORDS.values(), "Åsa =?iso-8859-1?q?=E5sa?= Öberg", "=?utf-8*sv?q?x?="]


@pytest.mark.parametrize("field", ["name", "organisation"])
@pytest.mark.parametrize("bad", ENCODED_WORD_NAMES)
def test_encoded_words_are_refused_in_single_line_fields(field, bad):
    assert problems(answers(**{field: bad})) == {field: "encoded_word"}


def test_encoded_word_lookalikes_in_free_text_and_plain_punctuation_in_names_are_kept():
    assert parse_answers(answers(message="=?utf-8?q?x?="), example_event()).message == "=?utf-8?q?x?="
    for name in ("Vad? =) Öberg", "Lisa = Lasse?", "A=B?C"):
        assert parse_answers(answers(name=name), example_event()).name == name


@pytest.mark.parametrize("field", ["name", "organisation"])
@pytest.mark.parametrize(
    "bad",
    [
        "https://evil.example/login",
        "Klicka hxxp://x",
        "www.hudiksvall-kommun.example",
        "Åsa, se evil.se",
        "Föreningen login.bank.com/verify",
        "kontakt@evil.nu",
        "EVIL.SE",
        "evil\uff0ese",  # full-width dot
        "evil\u3002se",  # ideographic full stop, read as a dot in host names
    ],
)
def test_web_addresses_are_refused_in_name_and_organisation(field, bad):
    assert problems(answers(**{field: bad})) == {field: "web_address"}


@pytest.mark.parametrize(
    "good", ["Röda Korset Hudiksvall", "A. B. Svensson", "St. Johannes församling", "Anna-Karin E. Ek", "Café 1.5"]
)
def test_ordinary_names_with_dots_are_kept(good):
    assert parse_answers(answers(name=good, organisation=good), example_event()).organisation == good


def test_web_addresses_stay_allowed_in_free_text():
    message = "Se https://www.hudiksvall.se/natverk"
    assert parse_answers(answers(message=message), example_event()).message == message


@pytest.mark.parametrize(
    "bad",
    [
        "Åsa \u202eexe.gpj",  # right-to-left override
        "Åsa\u2066Öberg\u2069",  # isolates
        "Åsa\u200fÖberg",  # right-to-left mark
        "Å\u200bsa",  # zero-width space
        "Åsa\u2060Öberg",  # word joiner
        "\ufeffÅsa",  # byte-order mark, zero-width no-break space
        "Å\u00adsa",  # soft hyphen
        "Åsa\u200dÖberg",  # a joiner between Latin letters only hides
        "w\u200cw\u200cw",
        "Åsa\u3164",  # Hangul filler: a letter that shows nothing
        "Åsa\U000e0041",  # tag character
    ],
)
@pytest.mark.parametrize("field", ["name", "organisation"])
def test_bidi_controls_and_zero_width_characters_are_refused_in_single_line_fields(field, bad):
    assert problems(answers(**{field: bad})) == {field: "invisible_characters"}


def test_joiners_that_spell_a_word_in_persian_or_hindi_are_kept():
    for name in ("زهرا\u200cسادات", "क्\u200dष"):
        assert parse_answers(answers(name=name), example_event()).name == name


@pytest.mark.parametrize("bad", ["åsa@example.se", "Öberg.Åsa@example.se", "用户@例子.广告"])
def test_an_address_with_non_ascii_before_the_at_is_refused_with_its_own_message(bad):
    assert problems(answers(email=bad)) == {"email": "email_not_ascii"}


def test_an_internationalised_domain_is_still_accepted():
    assert parse_answers(answers(email="asa@exämple.se"), example_event()).email == "asa@exämple.se"


def test_every_refusal_has_a_swedish_and_an_english_message():
    from chalicelib import i18n

    for code in ("invisible_characters", "encoded_word", "web_address", "email_not_ascii"):
        swedish, english = i18n.field_message(code, "sv"), i18n.field_message(code, "en")
        assert swedish != code and english != code and swedish != english
