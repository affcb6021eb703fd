"""A cold start imports only what a route needs: `import app` leaves the heavy libraries that only
some routes use (calendar files, templates, dates, the console) for the first route that needs
them. Checked by which modules a fresh interpreter holds, never by time (`make bench` measures that)."""

import json
import subprocess
import sys

from tests.helpers import PROJECT

HEAVY = ("icalendar", "jinja2", "babel", "chalicelib.console_service", "chalicelib.jobs", "chalicelib.openapi")
# What only the console uses: its pages, sign-in, forms and tools (about 40 ms of a cold import).
# Chalice registers every route at import, so the console's route modules are imported; they import
# these inside their views, and catch exceptions defined in console/auth.py and console/posted.py.
CONSOLE_ONLY = (
    "chalicelib.console.pages",
    "chalicelib.console.sign_in",
    "chalicelib.console.event_admin",
    "chalicelib.console.events",
    "chalicelib.console.questions",
    "chalicelib.console.people",
    "chalicelib.console.people_pages",
    "chalicelib.console.network_view",
    "chalicelib.working_group_steps",
)
# Rules of other features (the organisers' and the schedule's, over the whole store): not at import.
OTHER_FEATURES = (
    "chalicelib.digest",
    "chalicelib.invitations",
    "chalicelib.network",
    "chalicelib.notices",
    "chalicelib.notice_delivery",
    "chalicelib.working_groups",
)
# The email address tables (about 20 ms): only when an address is validated (a registration, a sign-in).
ADDRESSES = ("email_validator", "idna")
# boto3 and the S3 transfer manager it imports (with concurrent.futures' process pool and
# multiprocessing): the app makes its clients from botocore and writes DynamoDB's JSON itself.
BOTO3 = ("boto3", "s3transfer", "multiprocessing")

PROBE = """
import json, sys
{setup}
print(json.dumps(sorted(name for name in sys.modules if name.split(".")[0] in {roots!r} or name in {heavy!r})))
"""


def loaded_after(setup, watched=HEAVY):
    roots = sorted({name.split(".")[0] for name in watched})
    result = subprocess.run(
        [sys.executable, "-c", PROBE.format(setup=setup, roots=roots, heavy=list(watched))],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        check=True,
    )
    return set(json.loads(result.stdout.strip().splitlines()[-1]))


def test_importing_the_app_leaves_calendar_templates_dates_and_console_for_the_routes_that_need_them():
    loaded = loaded_after("import app")
    assert "chalicelib.routes.public" in loaded  # the probe did import the app and its routes
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))


def test_importing_the_app_leaves_the_console_helpers_and_the_address_tables_to_the_views_that_use_them():
    watched = CONSOLE_ONLY + OTHER_FEATURES + ADDRESSES
    loaded = loaded_after("import app", watched)
    assert "chalicelib.routes.console_people" in loaded  # the console's routes are registered all the same
    assert not loaded & set(watched), sorted(loaded & set(watched))


def test_importing_the_app_imports_neither_boto3_nor_s3transfer():
    loaded = loaded_after("import app\nimport chalicelib.store", BOTO3 + ("botocore.session",))
    assert "botocore.session" in loaded  # the probe saw the app's AWS module imported
    assert not loaded & set(BOTO3), sorted(loaded & set(BOTO3))


def test_the_address_tables_come_with_the_first_address_validated():
    """The lazy imports are real: validating an address (a registration, a sign-in) brings them in."""
    loaded = loaded_after(
        "import app\nfrom chalicelib.forms import parse_email\nparse_email({'email': 'asa@exämple.se'})\n",
        CONSOLE_ONLY + ADDRESSES,
    )
    assert {"email_validator", "idna"} <= loaded
    assert not loaded & set(CONSOLE_ONLY), sorted(loaded & set(CONSOLE_ONLY))


def test_the_first_email_brings_in_what_it_needs_on_demand():
    """The lazy imports are real imports that happen when needed (not code that was dropped)."""
    loaded = loaded_after(
        "import app\n"
        "from chalicelib.pages import templates\n"
        "from chalicelib.calendar_file import calendar_file\n"
        "from chalicelib import i18n\n"
        "from datetime import date\n"
        "templates(); i18n.long_date(date(2027, 5, 24), 'sv')\n"
        "from tests.helpers import example_event\n"
        "from datetime import datetime, UTC\n"
        "calendar_file(example_event(), 'r1', language='sv', now=datetime.now(UTC), description='x')\n"
    )
    assert "jinja2" in loaded
    # The dates are written by hand (tests/unit/test_dates.py): Babel is a dev tool only.
    assert not {name for name in loaded if name.split(".")[0] == "babel"}
    # The calendar file is written by hand: icalendar (60-100 ms of import) is a test tool only.
    assert not {name for name in loaded if name.split(".")[0] == "icalendar"}
