# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
READY := $(VENV)/.ready

.PHONY: package run test test-fast messages messages-compile bench lint format clean dynamodb-local browser-tools mail-clients html-tools screenshots checkov

$(READY): requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is needed (tomllib, zoneinfo)")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

# The Swedish texts, compiled for gettext (never committed: built from the .po whenever it changed).
PO := chalicelib/locale/sv/LC_MESSAGES/messages.po
MO := $(PO:.po=.mo)
$(MO): $(PO) | $(READY)
	$(PY) -m devtools.catalogue compile

messages-compile: $(MO)

## Extract every text from the code and templates into the Swedish catalogue (new ones empty, changed
## ones fuzzy, unused ones dropped), then compile it. Write the Swedish in $(PO); `make test` checks it.
messages: $(READY)
	$(PY) -m devtools.catalogue update

## Run the service locally on 127.0.0.1 (no AWS account needed).
run: $(READY) $(MO)
	@$(PY) -m devtools.dynamodb_local fetch
	$(PY) -m devtools.localrun

## Run the whole test suite (DynamoDB Local tier included when Java 17 is present; always in CI).
test: $(READY) $(MO) dynamodb-local browser-tools mail-clients html-tools checkov
	$(PY) -m pytest

test-fast: $(READY) $(MO)
	$(PY) -m pytest tests/unit tests/test_app.py -q

dynamodb-local: $(READY)
	@$(PY) -m devtools.dynamodb_local fetch

browser-tools: $(READY)
	@$(PY) -m devtools.browser fetch

## checkov in its own environment under .local/ (it pins a boto3 older than ours).
checkov: $(READY)
	@$(PY) -m devtools.checkov fetch

## The mail and calendar parsers of tests/clients (node mailparser, ical.js, node-ical), from npm.
mail-clients: $(READY)
	@$(PY) -m devtools.mail_clients fetch

## The Nu HTML Checker (npm vnu-jar) for tests/test_html_valid.py.
html-tools: $(READY)
	@$(PY) -m devtools.vnu fetch

## Screenshots of the form and thank-you page for the README (needs Chromium).
screenshots: $(READY) browser-tools
	SIGNUP_SCREENSHOTS=docs $(PY) -m pytest tests/browser -k screenshots -q

## Benchmark against DynamoDB Local: ratios to a raw boto3 floor measured in the same run.
bench: $(READY) $(MO) dynamodb-local
	$(PY) -m bench.registrations
	$(PY) -m bench.digest
	$(PY) -m bench.console_people
	$(PY) -m bench.cold_start
	$(PY) -m bench.notices
	$(PY) -m bench.network

## A SAM/CloudFormation template and the zip for a stage (STAGE=dev by default), checked by cfn-lint and checkov.
STAGE ?= dev
package: $(READY) $(MO) checkov
	$(PY) -m devtools.package --stage $(STAGE)
	$(VENV)/bin/cfn-lint dist/$(STAGE)/sam.json
	$(PY) -m devtools.checkov check dist/$(STAGE)/sam.json

lint: $(READY)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format: $(READY)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) .local .pytest_cache
