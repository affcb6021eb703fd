"""Only the store knows DynamoDB's keys and expressions: the rules ask it in their own words."""

import re

from tests.helpers import PROJECT

CHALICELIB = PROJECT / "chalicelib"
# A key prefix of the table (schema.py) or a piece of DynamoDB's request language.
DYNAMODB_WORDS = re.compile(
    r"""["'](EVENT|REG|SENT|ADDRESS|SUPPRESSED|CLIENT|FORMTOKEN|EMAILS|REGS)#"""
    r"|\b(ConditionExpression|UpdateExpression|KeyConditionExpression|FilterExpression|TransactItems|GSI1[PS]K)\b"
    r"|\bboto3\.dynamodb\b"
)


def test_no_module_outside_the_store_names_a_key_or_an_expression():
    offenders = [
        f"{path.relative_to(PROJECT)}:{number}: {line.strip()}"
        for path in sorted(CHALICELIB.rglob("*.py"))
        if CHALICELIB / "store" not in path.parents
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if DYNAMODB_WORDS.search(line)
    ]
    assert offenders == []


def test_the_check_sees_a_key_where_one_is_written():
    assert DYNAMODB_WORDS.search('if item["SK"].startswith("REG#"):')
    assert DYNAMODB_WORDS.search("ExpressionAttributeValues=values, ConditionExpression=condition")
    assert not DYNAMODB_WORDS.search("registration = store.find_registration(event_id, registration_id)")
