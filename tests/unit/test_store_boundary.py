"""Only the store knows DynamoDB's keys and expressions: the rules ask it in their own words.

The key words are read from store/schema.py itself (every text its keys are built from), so a key
added there is looked for everywhere else without this file changing."""

import ast
import re
from pathlib import Path

from tests.helpers import PROJECT

CHALICELIB = PROJECT / "chalicelib"
STORE = CHALICELIB / "store"
SCHEMA = STORE / "schema.py"
# Code that is deployed or run against a table, outside the store.
SCANNED = (CHALICELIB, PROJECT / "devtools")
KEY_WORD = re.compile(r"[A-Z][A-Z0-9_]+#?")


def schema_key_words() -> tuple[set[str], set[str]]:
    """(prefixes, whole values): every uppercase text schema.py builds a key from, outside the table's
    creation (`EVENT#`, `SERIES#`, ... and `META`, `GROUPS`, `PK`, ...). A text with `#` in it counts
    by its first part (`CONSOLE#SIGNIN#` is `CONSOLE#`)."""
    tree = ast.parse(SCHEMA.read_text(encoding="utf-8"))
    creation = {
        id(node)
        for function in ast.walk(tree)
        if isinstance(function, ast.FunctionDef) and function.name == "create_table"
        for node in ast.walk(function)
    }
    prefixes: set[str] = set()
    whole: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in creation or not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
            continue
        match = KEY_WORD.match(node.value)
        if not match:
            continue
        if "#" in node.value:
            prefixes.add(node.value.split("#")[0] + "#")
        elif match.group() == node.value:
            whole.add(node.value)
    return prefixes, whole


def key_pattern() -> re.Pattern[str]:
    """A quoted text that starts with a key prefix or is a whole key value, or a piece of DynamoDB's
    request language."""
    prefixes, whole = schema_key_words()
    quoted_key = "|".join(
        [re.escape(prefix) for prefix in sorted(prefixes)] + [re.escape(value) + r"[\"']" for value in sorted(whole)]
    )
    return re.compile(
        rf"""["']({quoted_key})"""
        r"|\b(ConditionExpression|UpdateExpression|KeyConditionExpression|FilterExpression|TransactItems|GSI1[PS]K)\b"
        r"|\bboto3\.dynamodb\b"
    )


def offenders(pattern: re.Pattern[str], paths: list[Path]) -> list[str]:
    return [
        f"{path.relative_to(PROJECT)}:{number}: {line.strip()}"
        for path in paths
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if pattern.search(line)
    ]


def outside_the_store() -> list[Path]:
    return sorted(path for root in SCANNED for path in root.rglob("*.py") if STORE not in path.parents)


def test_no_module_outside_the_store_names_a_key_or_an_expression():
    assert offenders(key_pattern(), outside_the_store()) == []


def test_the_key_words_are_read_from_the_schema():
    prefixes, whole = schema_key_words()
    for prefix in ("EVENT#", "REG#", "SENT#", "NOTICE#", "AUDIT#", "MAIL#", "SIGNINS#", "CONSOLE#", "SES#"):
        assert prefix in prefixes
    for prefix in ("SERIES#", "MEMBER#", "ALIAS#"):
        assert prefix in prefixes
    for value in ("META", "GROUPS", "SESSIONS", "EVENTS", "OUTBOX", "NOTICES", "PK", "SK"):
        assert value in whole
    # The table's creation (HASH, RANGE, ALL) names no key.
    assert not {"HASH", "RANGE", "ALL", "PAY_PER_REQUEST"} & whole


def test_the_check_sees_a_key_where_one_is_written():
    pattern = key_pattern()
    assert pattern.search('if item["SK"].startswith("REG#"):')
    assert pattern.search('partition = f"SERIES#{series}"')
    assert pattern.search("{'S': 'MEMBER#' + ref}")
    assert pattern.search('key = {"PK": partition, "SK": {"S": "GROUPS"}}')
    assert pattern.search("ExpressionAttributeValues=values, ConditionExpression=condition")
    assert not pattern.search("registration = store.find_registration(event_id, registration_id)")
    assert not pattern.search('GROUPS_SHOWN = "GROUPS_SHOWN"')


def test_the_devtools_are_scanned_too():
    assert any(path.parent.name == "devtools" for path in outside_the_store())


def test_no_store_module_but_the_schema_writes_a_key():
    """Keys are built in schema.py only: a store module imports them, it does not spell them."""
    spelled = re.compile(
        r"""["'][A-Z][A-Z0-9_]+#"""  # a key prefix
        r"""|^[A-Z_]+ = ["'][A-Z][A-Z0-9_]*["']$"""  # a key value as a module constant
        r"""|["']SK["']: \{["']S["']: ["'][A-Z]"""  # a sort key written inline
    )
    modules = sorted(path for path in STORE.glob("*.py") if path != SCHEMA)
    assert offenders(spelled, modules) == []
