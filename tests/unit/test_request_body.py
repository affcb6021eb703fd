"""The gate a posted body passes before its fields are read, shared by the public API (`web.parse_body`)
and the console's forms (`posted.read_form`); each caller keeps its own reading of repeated fields and
its own word for raw bytes that are not UTF-8."""

import pytest

from chalicelib.console.posted import MAX_CONSOLE_BODY, read_form
from chalicelib.errors import MalformedRequest, PayloadTooLarge, UnsupportedMediaType
from chalicelib.forms import MAX_BODY_BYTES
from chalicelib.request_body import admitted_kind, media_type, urlencoded_fields
from chalicelib.web import parse_body

FORM = "application/x-www-form-urlencoded"


def detail_of(read, content_type, body):
    with pytest.raises(MalformedRequest) as refused:
        read(content_type, body)
    return refused.value.params["detail"]


def test_raw_bytes_that_are_not_utf8_are_named_as_such_by_the_api_and_as_a_broken_form_by_the_console():
    """The API says "not UTF-8" for JSON and a form alike; the console's form says the form is broken."""
    assert detail_of(parse_body, FORM, b"name=\xff") == "not UTF-8"
    assert detail_of(read_form, FORM, b"name=\xff") == "invalid form encoding"


@pytest.mark.parametrize("read", [parse_body, read_form], ids=["api", "console"])
def test_a_percent_escape_that_is_not_utf8_is_invalid_form_encoding_on_both_sides(read):
    assert detail_of(read, FORM, b"name=%FF") == "invalid form encoding"


@pytest.mark.parametrize("read", [parse_body, read_form], ids=["api", "console"])
def test_the_media_type_is_read_without_its_parameters_and_case(read):
    assert read("Application/X-WWW-Form-Urlencoded ; charset=UTF-8", b"name=%C3%A5")["name"] == "å"


@pytest.mark.parametrize("read", [parse_body, read_form], ids=["api", "console"])
@pytest.mark.parametrize("content_type", [None, "", "text/plain", "application/xml"])
def test_a_kind_neither_side_takes_is_415(read, content_type):
    with pytest.raises(UnsupportedMediaType):
        read(content_type, b"name=a")


def test_each_side_takes_its_own_kinds():
    assert parse_body("application/json", b'{"a": 1}') == {"a": 1}
    with pytest.raises(UnsupportedMediaType):
        parse_body("multipart/form-data; boundary=x", b"")
    with pytest.raises(UnsupportedMediaType):
        read_form("application/json", b"{}")


def test_each_side_has_its_own_size_limit_and_a_body_at_the_limit_passes():
    for read, limit in ((parse_body, MAX_BODY_BYTES), (read_form, MAX_CONSOLE_BODY)):
        at_limit = b"a=" + b"x" * (limit - 2)
        assert read(FORM, at_limit)["a"] == "x" * (limit - 2)
        with pytest.raises(PayloadTooLarge):
            read(FORM, at_limit + b"x")


def test_a_repeated_field_is_the_api_s_last_value_and_the_console_s_first_and_blanks_are_kept():
    assert parse_body(FORM, b"name=1&name=2&empty=") == {"name": "2", "empty": ""}
    assert read_form(FORM, b"name=1&name=2&empty=") == {"name": "1", "empty": ""}


def test_the_gate_names_the_kind_checks_the_kind_before_the_size_and_the_size_inclusively():
    assert media_type(" Multipart/Form-Data; boundary=x") == "multipart/form-data"
    assert admitted_kind("text/csv; header=present", b"abc", ("text/csv",), 3) == "text/csv"
    with pytest.raises(PayloadTooLarge):
        admitted_kind("text/csv", b"abcd", ("text/csv",), 3)
    with pytest.raises(UnsupportedMediaType):
        admitted_kind("text/plain", b"abcd", ("text/csv",), 3)


def test_the_urlencoded_parse_keeps_every_value_in_order_and_refuses_what_is_not_utf8():
    assert urlencoded_fields("a=1&b=&a=%C3%A5+x") == {"a": ["1", "å x"], "b": [""]}
    assert urlencoded_fields(b"a=1&b=&a=%C3%A5+x") == {"a": ["1", "å x"], "b": [""]}
    for broken in ("a=%FF", b"a=\xff"):
        with pytest.raises(MalformedRequest) as refused:
            urlencoded_fields(broken)
        assert refused.value.params["detail"] == "invalid form encoding"
