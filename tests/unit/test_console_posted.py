"""The console's larger forms: urlencoded or multipart (an uploaded file), text only, within a limit."""

import pytest

from chalicelib.console.posted import read_form
from chalicelib.errors import MalformedRequest, PayloadTooLarge, UnsupportedMediaType

BOUNDARY = "----grans1"


def multipart(*parts):
    body = b""
    for name, value, filename in parts:
        disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
        body += f"--{BOUNDARY}\r\nContent-Disposition: {disposition}\r\n\r\n".encode() + value + b"\r\n"
    return body + f"--{BOUNDARY}--\r\n".encode()


def test_an_uploaded_file_is_read_as_text_beside_the_other_fields():
    body = multipart(("csrf_token", b"abc", None), ("toml_file", 'venue = "Rådhussalen"\n'.encode(), "träff.toml"))
    fields = read_form(f"multipart/form-data; boundary={BOUNDARY}", body)
    assert fields == {"csrf_token": "abc", "toml_file": 'venue = "Rådhussalen"\n'}


def test_a_file_saved_with_a_byte_order_mark_reads_the_same():
    body = multipart(("toml", "\ufeffid = 1".encode(), "a.toml"))
    assert read_form(f"multipart/form-data; boundary={BOUNDARY}", body) == {"toml": "id = 1"}


def test_urlencoded_fields_keep_their_first_value():
    assert read_form("application/x-www-form-urlencoded", b"a=%C3%A5&a=2&b=") == {"a": "å", "b": ""}


def test_what_cannot_be_read_is_refused_with_the_public_form_s_errors():
    with pytest.raises(UnsupportedMediaType):
        read_form("application/json", b"{}")
    with pytest.raises(PayloadTooLarge):
        read_form("application/x-www-form-urlencoded", b"a=" + b"x" * 100, max_bytes=50)
    with pytest.raises(MalformedRequest):
        read_form(f"multipart/form-data; boundary={BOUNDARY}", multipart(("toml", b"\xff\xfe", "a.toml")))
    with pytest.raises(MalformedRequest):
        read_form("application/x-www-form-urlencoded", b"a=%FF")


def test_a_multipart_form_with_no_fields_is_an_empty_form_not_a_malformed_one():
    """Valid by the API's own document (every field optional): it then fails the CSRF check, as 403."""
    assert read_form(f"multipart/form-data; boundary={BOUNDARY}", multipart()) == {}
    with pytest.raises(MalformedRequest):
        read_form(f"multipart/form-data; boundary={BOUNDARY}", b"--" + BOUNDARY.encode() + b"\r\nno end")
