"""DynamoDB's typed JSON, written and read by our own codec (chalicelib/store/items.py), checked against
boto3's TypeSerializer and TypeDeserializer (a test tool here: the app no longer imports boto3) over
generated values: the same JSON for what we store, the same refusals with the same exception types,
and refused where boto3 would send DynamoDB what it refuses."""

from decimal import Decimal, Inexact, Overflow, Rounded, Underflow

import pytest
from boto3.dynamodb.types import Binary, TypeDeserializer, TypeSerializer
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from chalicelib.store.items import plain_item, typed_value

BOTO3_WRITES, BOTO3_READS = TypeSerializer(), TypeDeserializer()

# Numbers on both sides of DynamoDB's limits (38 digits; exponents -130..125): ints of up to 45
# digits, and decimals of any exponent, infinity and NaN among them.
integers = st.integers(min_value=-(10**45), max_value=10**45)
decimals = st.decimals(allow_nan=True, allow_infinity=True)
hashable_numbers = integers | st.decimals(allow_nan=False, allow_infinity=True)
leaves = (
    st.none()
    | st.booleans()
    | st.text(max_size=20)
    | integers
    | decimals
    | st.floats(allow_nan=False)
    | st.binary(max_size=4)
    | st.sets(st.text(max_size=5), max_size=4)
    | st.frozensets(hashable_numbers, max_size=4)
    | st.sets(st.text(max_size=3) | st.integers() | st.booleans(), max_size=3)  # mixed: refused by both
)
values = st.recursive(
    leaves,
    lambda children: (
        st.lists(children, max_size=4)
        | st.lists(children, max_size=3).map(tuple)
        | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)


def anywhere(value, found):
    """Whether `found` holds for the value or anything in it."""
    if found(value):
        return True
    if isinstance(value, dict):
        value = value.values()
    return isinstance(value, (list, tuple, set, frozenset, type({}.values()))) and any(
        anywhere(element, found) for element in value
    )


def dynamodb_refuses(value):
    """What boto3 writes and DynamoDB refuses: an empty set, -Infinity, -NaN (boto3 refuses only the
    positive ones)."""
    return (isinstance(value, (set, frozenset)) and not value) or (isinstance(value, Decimal) and not value.is_finite())


def binary(value):
    return isinstance(value, (bytes, bytearray))


def refused_by_us_alone(value):
    """What boto3 would send and DynamoDB refuse, or send and we never store (binary)."""
    return anywhere(value, lambda part: dynamodb_refuses(part) or binary(part))


def outcome(write, value):
    """What a writer makes of a value: its JSON, or the type of what it raised."""
    try:
        return "written", write(value)
    except (TypeError, ArithmeticError) as error:
        return "refused", type(error)


def exactly(value):
    """A value with every type spelled out (1, True and Decimal("1") are ==), Binary read as bytes."""
    if isinstance(value, Binary):
        value = value.value
    if isinstance(value, dict):
        return "dict", {key: exactly(element) for key, element in value.items()}
    if isinstance(value, list):
        return "list", [exactly(element) for element in value]
    if isinstance(value, (set, frozenset)):
        return "set", sorted(repr(exactly(element)) for element in value)
    return type(value).__name__, repr(value)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values)
def test_values_are_written_as_boto3_writes_them_and_refused_where_it_refuses(value):
    ours = outcome(typed_value, value)
    if refused_by_us_alone(value):
        assert ours[0] == "refused"
    else:
        assert exactly(ours) == exactly(outcome(BOTO3_WRITES.serialize, value))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values)
def test_stored_values_are_read_as_boto3_reads_them(value):
    """Whatever DynamoDB can hold (binary too, though we write none) reads back as boto3 reads it,
    numbers as Decimal and sets as sets; what we write reads back as what boto3 wrote does."""
    kind, written = outcome(BOTO3_WRITES.serialize, value)
    assume(kind == "written" and not anywhere(value, dynamodb_refuses))
    assert exactly(plain_item({"a": written})) == exactly({"a": BOTO3_READS.deserialize(written)})
    if not anywhere(value, binary):
        assert exactly(plain_item({"a": typed_value(value)})) == exactly(plain_item({"a": written}))


@pytest.mark.parametrize(
    ("value", "refusal"),
    [
        (0.5, TypeError),  # a float: its binary value is not the number it prints as
        (Decimal("0." + "1" * 39), Inexact),  # more digits than DynamoDB keeps
        (10**38, Rounded),  # 39 digits, though the last are zeros
        (Decimal("1E+127"), Overflow),
        (Decimal("1.5E-165"), Underflow),
        (Decimal("Infinity"), TypeError),
        (Decimal("-Infinity"), TypeError),  # boto3 sends it; DynamoDB refuses it
        (Decimal("NaN"), TypeError),
        (set(), TypeError),  # boto3 sends {"NS": []}; DynamoDB refuses it
        ({"a", 1}, TypeError),
        (b"bytes", TypeError),  # nothing we store is binary
        (object(), TypeError),
        ({"deep": [{"er": 0.5}]}, TypeError),
    ],
)
def test_what_dynamodb_cannot_hold_exactly_is_refused_before_it_is_sent(value, refusal):
    with pytest.raises(refusal):
        typed_value(value)


def test_every_dynamodb_type_is_read():
    item = {
        "s": {"S": "Åsa"},
        "n": {"N": "-12.50"},
        "yes": {"BOOL": True},
        "nothing": {"NULL": True},
        "list": {"L": [{"N": "1"}, {"S": "två"}]},
        "map": {"M": {"inner": {"SS": ["a", "b"]}}},
        "numbers": {"NS": ["1", "2.5"]},
        "bytes": {"B": b"\x00\x01"},
        "byte_sets": {"BS": [b"a", b"b"]},
    }
    assert exactly(plain_item(item)) == exactly(
        {
            "s": "Åsa",
            "n": Decimal("-12.50"),
            "yes": True,
            "nothing": None,
            "list": [Decimal(1), "två"],
            "map": {"inner": {"a", "b"}},
            "numbers": {Decimal(1), Decimal("2.5")},
            "bytes": b"\x00\x01",
            "byte_sets": {b"a", b"b"},
        }
    )
    with pytest.raises(TypeError, match="Dynamodb type X is not supported"):
        plain_item({"odd": {"X": "?"}})
