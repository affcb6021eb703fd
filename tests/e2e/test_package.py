"""What `make package` produces deploys: a lint-clean template, least privilege, a small zip that runs."""

from __future__ import annotations

import importlib.util
import io
import json
import marshal
import os
import re
import subprocess
import sys
import zipfile
import zlib
import zoneinfo
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from jinja2 import ModuleLoader

from chalicelib import pages
from devtools import checkov
from devtools.package import package, runtime_python
from tests.helpers import PROJECT, code_with_column_positions, require

# What Lambda's Python runtime has beside the code: boto3 and its dependencies (botocore reads dates with
# dateutil, which may import six).
RUNTIME_PACKAGES = ("boto3", "botocore", "dateutil", "six.py", "jmespath", "s3transfer", "urllib3")


@pytest.fixture(scope="module", params=["dev", "prod"])
def packaged(request, tmp_path_factory):
    out = tmp_path_factory.mktemp(request.param)
    return out, package(request.param, out / "out")


def test_the_template_passes_cfn_lint(packaged):
    out, _ = packaged
    result = subprocess.run(
        [str(Path(sys.executable).parent / "cfn-lint"), str(out / "out" / "sam.json")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_zip_is_small_and_holds_the_templates_compiled(packaged):
    _, zip_path = packaged
    # #11's goal: at most 1.5 MB. The bytecode is more than half the zip and saves every cold start its
    # compiling (README, Deploying). 1.44 MB when the libraries went sourceless and tzdata one archive:
    # 0.42 MB compressed sources and data, 0.96 MB bytecode, the rest the zip's headers (346 entries).
    # Caps 1-2 % above, so a change that grows the zip says so.
    assert zip_path.stat().st_size <= 1_470_000
    entries = zipfile.ZipFile(zip_path).infolist()
    assert sum(entry.compress_size for entry in entries if not entry.filename.endswith(".pyc")) <= 430_000
    assert sum(entry.compress_size for entry in entries if entry.filename.endswith(".pyc")) <= 975_000
    names = {entry.filename for entry in entries}
    assert "app.py" in names
    # The templates only compiled (chalicelib/templates_compiled, see the bytecode's test); of their folder
    # nothing but the scripts the app serves as they are.
    templates_folder = {name for name in names if name.startswith("chalicelib/templates/")}
    assert templates_folder == {"chalicelib/templates/embed.js", "chalicelib/templates/console/people.js"}
    assert not any(name.startswith(("boto3/", "botocore/", "templates/", "tests/", "devtools/")) for name in names)
    # The dates are written by hand (chalicelib/i18n.py): Babel, a dev tool, goes nowhere near the zip.
    assert not any(name.lower().startswith("babel") for name in names)
    # The .ics is written by hand: neither icalendar nor what it pulled in (dateutil, typing_extensions).
    assert not any(
        name.startswith(("icalendar", "dateutil/", "python_dateutil", "typing_extensions")) for name in names
    )
    # The Swedish texts compiled, without their source.
    assert "chalicelib/locale/sv/LC_MESSAGES/messages.mo" in names
    assert not any(name.endswith((".po", ".pot")) for name in names)


def test_the_time_zones_travel_as_one_stored_archive(packaged):
    """tzdata's ~640 files in one inner zip, stored, which the outer zip deflates as one stream."""
    _, zip_path = packaged
    outer = zipfile.ZipFile(zip_path)
    assert not [name for name in outer.namelist() if name.startswith("tzdata/")]
    zones = zipfile.ZipFile(io.BytesIO(outer.read("tzdata.zip")))
    names = set(zones.namelist())
    assert {
        "tzdata/__init__.py",
        "tzdata/zones",
        "tzdata/zoneinfo/__init__.py",
        "tzdata/zoneinfo/Europe/__init__.py",
    } <= names
    assert "tzdata/zoneinfo/Europe/Stockholm" in names and len(names) > 600
    stockholm = zoneinfo.ZoneInfo.from_file(io.BytesIO(zones.read("tzdata/zoneinfo/Europe/Stockholm")))
    assert datetime(2027, 5, 24, 18, tzinfo=stockholm).utcoffset() == timedelta(hours=2)
    assert {entry.compress_type for entry in zones.infolist()} == {zipfile.ZIP_STORED}
    # The reason for it: far smaller than the files deflated one by one, each with its two headers.
    assert outer.getinfo("tzdata.zip").compress_size < 0.5 * sum(
        deflated_size(zones.read(entry), 9) + 76 + 2 * len(entry.filename) for entry in zones.infolist()
    )


def deflated_size(content, level):
    compressor = zlib.compressobj(level, zlib.DEFLATED, -15)  # raw deflate, as a zip entry holds it
    return len(compressor.compress(content) + compressor.flush())


def test_every_entry_is_deflated_at_level_9(packaged):
    """The zip records no level: each entry is as small as this Python's zlib makes its content at 9."""
    _, zip_path = packaged
    archive = zipfile.ZipFile(zip_path)
    entries = archive.infolist()
    assert {entry.compress_type for entry in entries} == {zipfile.ZIP_DEFLATED}
    other_level = [e.filename for e in entries if e.compress_size != deflated_size(archive.read(e), 9)]
    assert other_level == []
    # Level 9 is not zlib's default (6) on this zip: the check above could tell them apart.
    assert [e for e in entries if deflated_size(archive.read(e), 6) != e.compress_size]


def test_no_function_has_a_local_endpoint_or_a_plain_secret(packaged):
    out, _ = packaged
    template = json.loads((out / "out" / "sam.json").read_text())
    functions = {name: r for name, r in template["Resources"].items() if r["Type"] == "AWS::Serverless::Function"}
    assert {"APIHandler", "Hourly", "EmailOutbox", "SesNotification"} <= set(functions)
    for resource in functions.values():
        variables = resource["Properties"]["Environment"]["Variables"]
        assert not [name for name in variables if name.startswith("AWS_ENDPOINT_URL")]
        assert "SIGNUP_SECRET" not in variables
        assert variables["SIGNUP_TABLE"] == {"Ref": "SignupTable"}


def test_every_function_gets_its_base_url_from_the_template(packaged):
    out, _ = packaged
    template = json.loads((out / "out" / "sam.json").read_text())
    functions = [r for r in template["Resources"].values() if r["Type"] == "AWS::Serverless::Function"]
    expected = template["Outputs"]["BaseUrl"]["Value"]
    assert all(f["Properties"]["Environment"]["Variables"]["SIGNUP_BASE_URL"] == expected for f in functions)
    condition, apis_own, custom = expected["Fn::If"]
    assert template["Conditions"][condition] == {"Fn::Equals": [{"Ref": "BaseUrl"}, ""]}
    assert custom == {"Ref": "BaseUrl"}
    # The API's own address is the one Chalice reports, without its trailing slash.
    assert apis_own["Fn::Sub"] + "/" == template["Outputs"]["EndpointURL"]["Value"]["Fn::Sub"]
    pattern = re.compile(template["Parameters"]["BaseUrl"]["AllowedPattern"])
    assert pattern.match("https://anmalan.hudiksvall.se") and pattern.match("")
    assert not pattern.match("http://anmalan.hudiksvall.se") and not pattern.match("https://anmalan.hudiksvall.se/")


def resource_references(node, local_names=()):
    """The logical ids a template fragment refers to (Ref, GetAtt, ${...} in Sub)."""
    if isinstance(node, list):
        return set().union(*(resource_references(item, local_names) for item in node))
    if not isinstance(node, dict):
        return set()
    found = set()
    for key, value in node.items():
        if key == "Ref":
            found.add(value.split(".")[0])
        elif key == "Fn::GetAtt":
            found.add(value[0] if isinstance(value, list) else value.split(".")[0])
        elif key == "Fn::Sub":
            text, variables = (value, {}) if isinstance(value, str) else value
            names = {name.split(".")[0] for name in re.findall(r"\$\{([^!}][^}]*)\}", text)}
            found |= names - set(variables) - set(local_names)
            found |= resource_references(variables, local_names)
        else:
            found |= resource_references(value, local_names)
    return found


def dependency_cycle(resources):
    """A list of logical ids that depend on each other in a circle, or None."""
    graph = {}
    for name, resource in resources.items():
        depends = resource.get("DependsOn", [])
        depends = [depends] if isinstance(depends, str) else depends
        graph[name] = (resource_references(resource) | set(depends)) & set(resources)
    state = {}

    def visit(name, path):
        state[name] = "open"
        for other in sorted(graph[name]):
            if state.get(other) == "open":
                return path[path.index(other) :] + [other]
            if other not in state and (cycle := visit(other, [*path, other])):
                return cycle
        state[name] = "done"
        return None

    for name in sorted(graph):
        if name not in state and (cycle := visit(name, [name])):
            return cycle
    return None


def test_the_template_has_no_circular_dependency(packaged):
    """cfn-lint does not see a cycle through the API's definition body; CloudFormation would refuse it."""
    out, _ = packaged
    resources = json.loads((out / "out" / "sam.json").read_text())["Resources"]
    assert dependency_cycle(resources) is None
    assert dependency_cycle({"A": {"Properties": {"X": {"Fn::Sub": "${B.Arn}"}}}, "B": {"DependsOn": "A"}}) == [
        "A",
        "B",
        "A",
    ]


def test_each_function_has_its_own_role_with_the_policy_from_infra(packaged):
    """One role per function, each with only its policy from infra/resources.json (tests/e2e/test_permissions.py
    proves those match what each function calls); Chalice's policy file never reaches the template."""
    out, _ = packaged
    resources = json.loads((out / "out" / "sam.json").read_text())["Resources"]
    ours = json.loads((PROJECT / "infra" / "resources.json").read_text(encoding="utf-8"))["Resources"]
    functions = {name: r for name, r in resources.items() if r["Type"] == "AWS::Serverless::Function"}
    roles = [function["Properties"]["Role"]["Fn::GetAtt"][0] for function in functions.values()]
    assert len(set(roles)) == len(functions) == 4
    for role in roles:
        assert resources[role]["Type"] == "AWS::IAM::Role"
        assert resources[role]["Properties"]["Policies"] == ours[role]["Properties"]["Policies"]
        assert "ManagedPolicyArns" not in resources[role]["Properties"]
    assert not [name for name, r in resources.items() if r["Type"] in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy")]
    table = resources["SignupTable"]["Properties"]
    assert table["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}
    assert table["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True


def test_ses_can_publish_bounces_to_the_encrypted_topic_the_function_hears(packaged):
    """SES cannot use the AWS-managed alias/aws/sns: the topic's key must be ours and let SES of this account in."""
    out, _ = packaged
    resources = json.loads((out / "out" / "sam.json").read_text())["Resources"]
    topic = resources["SesNotificationsTopic"]["Properties"]
    assert isinstance(topic["KmsMasterKeyId"], dict), "a key of this stack, not an AWS-managed alias"
    key = resources[topic["KmsMasterKeyId"]["Ref"]]
    assert key["Type"] == "AWS::KMS::Key" and key["Properties"]["EnableKeyRotation"] is True
    statements = key["Properties"]["KeyPolicy"]["Statement"]
    (ses,) = [s for s in statements if s["Principal"] == {"Service": "ses.amazonaws.com"}]
    assert set(ses["Action"]) == {"kms:GenerateDataKey*", "kms:Decrypt"}
    assert ses["Condition"] == {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}}
    assert all(
        s["Principal"]
        in ({"Service": "ses.amazonaws.com"}, {"AWS": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}})
        for s in statements
    )
    (publish,) = resources["SesNotificationsTopicPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    assert publish["Principal"] == {"Service": "ses.amazonaws.com"} and publish["Action"] == "sns:Publish"
    assert publish["Condition"] == {"StringEquals": {"AWS:SourceAccount": {"Ref": "AWS::AccountId"}}}
    destination = resources["SesBounceAndComplaintEvents"]["Properties"]["EventDestination"]
    assert destination["SnsDestination"]["TopicARN"] == {"Ref": "SesNotificationsTopic"}
    assert set(destination["MatchingEventTypes"]) == {"bounce", "complaint"}
    (subscription,) = resources["SesNotification"]["Properties"]["Events"].values()
    assert subscription["Properties"]["Topic"]["Fn::Sub"].endswith(":" + topic["TopicName"])


def test_the_api_stage_is_throttled_uncached_and_says_so_in_both_languages(packaged):
    out, _ = packaged
    api = json.loads((out / "out" / "sam.json").read_text())["Resources"]["RestAPI"]["Properties"]
    # "/~1events~1{event_id}" is the path "/events/{event_id}"; "/*" is every path.
    settings = {(s["ResourcePath"][1:].replace("~1", "/"), s["HttpMethod"]): s for s in api["MethodSettings"]}
    assert settings.keys() == {("*", "*"), ("/events/{event_id}/registrations", "POST")}
    assert "post" in api["DefinitionBody"]["paths"]["/events/{event_id}/registrations"]  # a real route
    limits = {key: (s["ThrottlingRateLimit"], s["ThrottlingBurstLimit"]) for key, s in settings.items()}
    assert limits == {("*", "*"): (25, 50), ("/events/{event_id}/registrations", "POST"): (5, 20)}
    # A cache would serve one person's token page to the next: off, everywhere.
    assert api["CacheClusterEnabled"] is False and all(s["CachingEnabled"] is False for s in settings.values())
    for kind in ("THROTTLED", "WAF_FILTERED"):
        response = api["GatewayResponses"][kind]
        assert response["StatusCode"] == "429" and response["ResponseParameters"]["Headers"]["Retry-After"]
        error = json.loads(response["ResponseTemplates"]["application/json"])["error"]
        assert error["code"] == "too_many_requests"
        swedish, english = error["message"].split(" / ")
        assert "Vänta" in swedish and "försök igen" in swedish and "Please wait" in english


def test_the_waf_rate_rule_is_there_only_when_asked_for(packaged):
    out, _ = packaged
    template = json.loads((out / "out" / "sam.json").read_text())
    parameter = template["Parameters"]["WafRequestsPer5Minutes"]
    assert parameter["Default"] == 0 and "$" in parameter["Description"]  # off, and says what it costs
    condition = template["Conditions"]["WithWafRateLimit"]
    assert condition == {"Fn::Not": [{"Fn::Equals": [{"Ref": "WafRequestsPer5Minutes"}, "0"]}]}
    waf = {name: r for name, r in template["Resources"].items() if r["Type"].startswith("AWS::WAFv2::")}
    assert waf and all(r["Condition"] == "WithWafRateLimit" for r in waf.values())
    (acl,) = [r["Properties"] for r in waf.values() if r["Type"] == "AWS::WAFv2::WebACL"]
    (rule,) = acl["Rules"]
    assert acl["DefaultAction"] == {"Allow": {}} and rule["Action"] == {"Block": {}}
    rate = rule["Statement"]["RateBasedStatement"]
    assert rate == {"Limit": {"Ref": "WafRequestsPer5Minutes"}, "EvaluationWindowSec": 300, "AggregateKeyType": "IP"}
    assert not acl["VisibilityConfig"]["SampledRequestsEnabled"]  # samples would keep addresses and headers
    (association,) = [r["Properties"] for r in waf.values() if r["Type"] == "AWS::WAFv2::WebACLAssociation"]
    assert "/restapis/${RestAPI}/stages/${RestAPI.Stage}" in association["ResourceArn"]["Fn::Sub"]


def test_checkov_finds_nothing_but_the_checks_we_skip_each_with_its_reason(packaged):
    out, _ = packaged
    program = checkov.executable()
    if program is None:
        require("checkov is not installed (make test installs it under .local/checkov)")
    skipped = checkov.skips()
    assert skipped and all(re.fullmatch(r"CKV2?_AWS_\d+", check) for check in skipped)
    assert all(len(reason.split()) >= 12 for reason in skipped.values()), "each skip says why"
    findings = checkov.scan(out / "out" / "sam.json", program)
    assert findings.unexplained(skipped) == {}
    assert findings.stale(skipped) == set(), "a skip that finds nothing any more goes"
    assert findings.passed > 40


def run_unpacked(zip_path, tmp_path, code, *args, unpacked=None, **variables):
    """Python on the unpacked zip with nothing but the Lambda runtime's boto3 beside it
    (`unpacked(task)` may change the unpacked files first)."""
    task = tmp_path / "task"
    zipfile.ZipFile(zip_path).extractall(task)
    if unpacked is not None:
        unpacked(task)
    runtime = tmp_path / "runtime"
    runtime.mkdir(parents=True)
    site = Path(__import__("boto3").__file__).parent.parent
    for name in RUNTIME_PACKAGES:
        (runtime / name).symlink_to(site / name)
    environment = {
        "PATH": os.environ["PATH"],
        "PYTHONPATH": f"{task}:{runtime}",
        "SIGNUP_STAGE": "dev",
        "AWS_DEFAULT_REGION": "eu-north-1",
        **variables,
    }
    return subprocess.run(
        [
            sys.executable,
            "-I",
            "-S",  # no site-packages: only the zip and the runtime's boto3
            "-c",
            f"import sys; sys.path[:0] = {[str(task), str(runtime)]!r}\n" + code,
            *args,
            str(task),
        ],
        capture_output=True,
        text=True,
        env=environment,
        cwd=tmp_path,
        check=False,
    )


def test_the_zip_runs_with_only_what_lambda_provides(packaged, tmp_path):
    """Unpacked, with nothing but the Lambda runtime's boto3 beside it: the app imports, renders and mails."""
    _, zip_path = packaged
    probe = """
import sys, zoneinfo
# Only the zip's tzdata may answer (a Lambda image need not have /usr/share/zoneinfo).
zoneinfo.reset_tzpath(to=[])
from datetime import datetime, UTC
import app
from chalicelib import config, i18n, pages
from chalicelib.events import parse_event_toml
from chalicelib.forms import parse_answers
from chalicelib.mail import Links, Writing, registration_email
from chalicelib.registrations import Registration
event = parse_event_toml(open(sys.argv[1], encoding="utf-8").read())
page = pages.Pages(config).form_page(event, "sv", datetime(2027, 5, 1, tzinfo=UTC))
answers = parse_answers({"name": "Åsa", "email": "asa@exempel.se", "organisation": "X", "sector": "public",
                         "meal": "yes"}, event)
now = datetime(2027, 5, 1, tzinfo=UTC)
message = registration_email("confirmation", event, Registration(event.id, "r", answers, "confirmed", now, now),
                             links=Links(manage="u"),
                             writing=Writing(sender="S <a@example.org>", templates=pages.templates(), now=now))
assert "måndag 24 maj 2027" in message.get_body(("plain",)).get_content()
assert i18n.translator("sv").gettext("Please fill in this field.") == "Fyll i det här fältet."
assert i18n.long_date(datetime(2027, 5, 24, 18), "en") == "Monday 24 May 2027"
assert i18n.date_and_clock(datetime(2027, 5, 24, 17), "sv") == "måndag 24 maj 2027 kl. 17.00"
assert i18n.day_and_month(datetime(2027, 5, 15), "en") == "15 May"
assert "text/calendar" in {p.get_content_type() for p in message.walk()}
assert "dns" not in sys.modules and "babel" not in sys.modules
import jinja2, tzdata
assert all(module.__file__.startswith(sys.argv[2]) for module in (jinja2, tzdata)), "from the zip"
assert {"Europe/Stockholm", "UTC"} <= zoneinfo.available_timezones()
# tzdata from its one archive (devtools/package.py, zones_archive), as zipimport serves it.
assert tzdata.__file__.startswith(sys.argv[2] + "/tzdata.zip/"), tzdata.__file__
assert datetime(2027, 1, 1, tzinfo=zoneinfo.ZoneInfo("Australia/Sydney")).utcoffset().seconds == 11 * 3600
print("ok", len(page))
"""
    example = str(PROJECT / "examples" / "natverk-social-hallbarhet.toml")
    result = run_unpacked(zip_path, tmp_path, probe, example, SIGNUP_BASE_URL="https://anmalan.example.org")
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.startswith("ok")


def test_the_zip_serves_its_scripts_as_the_checkout_has_them(packaged, tmp_path):
    _, zip_path = packaged
    probe = """
import json
from chalicelib import config, pages
served = pages.Pages(config)
print(json.dumps([served.embed_script(), served.script("console/people.js")]))
"""
    result = run_unpacked(zip_path, tmp_path, probe, SIGNUP_BASE_URL="https://anmalan.example.org")
    assert result.returncode == 0, result.stderr[-3000:]
    templates = PROJECT / "chalicelib" / "templates"
    expected = [(templates / name).read_text(encoding="utf-8") for name in ("embed.js", "console/people.js")]
    assert json.loads(result.stdout) == expected


def test_in_lambda_a_deployed_stage_without_a_base_url_refuses_to_start(packaged, tmp_path):
    _, zip_path = packaged
    in_lambda = {"AWS_LAMBDA_FUNCTION_NAME": "signup-dev-api"}
    refused = run_unpacked(zip_path, tmp_path / "a", "import app", **in_lambda)
    assert refused.returncode != 0
    assert "ConfigurationError: SIGNUP_BASE_URL must be the service's https:// address" in refused.stderr
    base_url = {"SIGNUP_BASE_URL": "https://anmalan.example.org"}
    started = run_unpacked(zip_path, tmp_path / "b", "import app; print('ok')", **base_url, **in_lambda)
    assert started.returncode == 0 and started.stdout == "ok\n", started.stderr[-3000:]


def test_the_zip_carries_bytecode_of_every_module_for_the_runtimes_python(packaged):
    """Each of our modules' .pyc where the runtime's import looks (its cache tag), compiled from the very
    source beside it; each vendored library's module as bytecode alone in its source's place; all for the
    runtime's magic number, hash-based and unchecked (the runtime trusts it without reading a source), and
    without the column tables."""
    out, zip_path = packaged
    runtime = runtime_python(json.loads((out / "out" / "sam.json").read_text()))
    assert runtime == f"python{sys.version_info[0]}.{sys.version_info[1]}", "tests run the runtime's Python"
    tag = f"cpython-{runtime.removeprefix('python').replace('.', '')}"
    archive = zipfile.ZipFile(zip_path)
    names = set(archive.namelist())
    modules = sorted(name for name in names if name.endswith(".py"))
    # Our sources all ship (a traceback through our code shows its lines); no library's does.
    checkout = subprocess.run(
        ["git", "ls-files", "app.py", "chalicelib/*.py"], cwd=PROJECT, capture_output=True, text=True, check=True
    )
    assert set(modules) == set(checkout.stdout.split())
    for module in modules:
        folder, _, file = module.rpartition("/")
        compiled = f"{folder}/__pycache__/{file[:-3]}.{tag}.pyc".lstrip("/")
        assert compiled in names, f"{module} has no {compiled}"
        data = archive.read(compiled)
        assert data[:4] == importlib.util.MAGIC_NUMBER, compiled
        assert int.from_bytes(data[4:8], "little") == 0b01, f"{compiled}: hash-based, source never checked"
        assert data[8:16] == importlib.util.source_hash(archive.read(module)), f"{compiled} is of another source"
        assert marshal.loads(data[16:]).co_filename.endswith(file)  # noqa: S302 - the zip we just built
    libraries = sorted(
        name for name in names if name.endswith(".pyc") and not name.startswith(("app.", "__pycache__/", "chalicelib/"))
    )
    expected = {"jinja2/__init__.pyc", "jinja2/environment.pyc", "markupsafe/__init__.pyc", "idna/uts46data.pyc"}
    assert expected | {"email_validator/__init__.pyc", "itsdangerous/__init__.pyc", "chalice/app.pyc"} <= set(libraries)
    for compiled in libraries:
        assert "__pycache__/" not in compiled, f"{compiled}: a sourceless module sits where its source would"
        data = archive.read(compiled)
        assert data[:4] == importlib.util.MAGIC_NUMBER and int.from_bytes(data[4:8], "little") == 0b01, compiled
        # Named as the library's own file, so a traceback through it points at the pinned version's line.
        assert marshal.loads(data[16:]).co_filename == compiled[:-1]  # noqa: S302 - the zip we just built
    compiled_templates = sorted(name for name in names if name.startswith("chalicelib/templates_compiled/"))
    # Each template the app renders as a module of bytecode alone, named as Jinja2's ModuleLoader looks for it
    # (not the scripts, which are served as they are).
    rendered = [name for name in pages.templates().list_templates() if not name.endswith(".js")]
    assert {"form.html", "email/registration.txt", "console/people.html"} <= set(rendered)
    expected = {f"chalicelib/templates_compiled/{ModuleLoader.get_module_filename(name)}c" for name in rendered}
    assert set(compiled_templates) == expected
    for compiled in compiled_templates:
        data = archive.read(compiled)
        assert data[:4] == importlib.util.MAGIC_NUMBER and int.from_bytes(data[4:8], "little") == 0b01, compiled
    others = [
        n for n in names if n.endswith(".pyc") and f".{tag}." not in n and n not in {*compiled_templates, *libraries}
    ]
    assert not others, "no other Python's"
    # Every .pyc (ours, the libraries', the templates') without the column tables (`-X no_debug_ranges`).
    with_columns = {
        name: found
        for name in names
        if name.endswith(".pyc")
        if (found := code_with_column_positions(archive.read(name)))
    }
    assert with_columns == {}


def test_the_lambda_handler_runs_on_the_zips_bytecode_alone(packaged, tmp_path):
    """Every source in the unpacked zip replaced by one that refuses to be imported: the handler still
    imports and answers a page (the app, Jinja2 and the page's templates, which the zip carries only
    compiled), so the runtime loads the .pyc and compiles nothing."""
    _, zip_path = packaged

    def break_every_source(task):
        for source in task.rglob("*.py"):
            source.write_text(f"raise ImportError('compiled from source: {source.name}')\n")

    probe = """
import json
import app
page = app.app({"resource": "/privacy", "path": "/privacy", "httpMethod": "GET", "headers": {"Host": "x"},
                "multiValueHeaders": {}, "queryStringParameters": {"lang": "sv"},
                "multiValueQueryStringParameters": {"lang": ["sv"]}, "pathParameters": None,
                "stageVariables": None, "body": None, "isBase64Encoded": False,
                "requestContext": {"resourcePath": "/privacy", "httpMethod": "GET", "stage": "api",
                                   "requestId": "r"}}, None)
assert page["statusCode"] == 200 and "Så hanterar vi dina personuppgifter" in page["body"], page["body"][:500]
import chalicelib, jinja2
from chalicelib import pages
# What runs is the zip's bytecode: this Python would have compiled a source with columns.
loaded = (app.app.__call__, jinja2.Environment.get_template, pages.Pages.privacy_page,
          pages.templates().get_template("privacy.html").root_render_func)
for function in loaded:
    assert all(start is end is None for _, _, start, end in function.__code__.co_positions()), function
print("ok", chalicelib.__file__)
"""
    result = run_unpacked(
        zip_path, tmp_path, probe, unpacked=break_every_source, SIGNUP_BASE_URL="https://anmalan.example.org"
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.startswith("ok") and str(tmp_path / "task") in result.stdout
