# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The instance folder (database, key, mail files, PDFs): ACTIONTOOL_INSTANCE_PATH when set, as the app reads it.
INSTANCE := $(or $(ACTIONTOOL_INSTANCE_PATH),instance)
SECRET := $(INSTANCE)/secret_key
# The CLI reads the key from instance/secret_key when ACTIONTOOL_SECRET_KEY is not set.
APP := $(BIN)/actiontool
PORT ?= 5000
# Links in emails point at the server `make run` (or `make dev`) starts, unless told otherwise.
run dev: export ACTIONTOOL_BASE_URL ?= http://127.0.0.1:$(PORT)

.PHONY: run dev shell test setup system-deps translations db roster catalog browser-deps bench clean screenshots

# What production runs (Procfile): gunicorn with gunicorn.conf.py and the delivery worker, on
# http://127.0.0.1:5000; emails land in instance/mail/ as .eml files. Ctrl-C stops both.
run: setup db roster
	$(BIN)/honcho start -f Procfile -p $(PORT)

# Flask's development server (reloads on change) and the worker, for working on the code.
dev: setup db roster
	$(APP) worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	FLASK_DEBUG=1 $(APP) run --host 127.0.0.1 --port $(PORT)

# A shell with the virtualenv active, so `actiontool ...` (the README's operator commands) just works.
shell: setup
	@echo "actiontool is $(CURDIR)/$(APP); type exit to leave this shell."
	@bash --init-file $(VENV)/bin/activate -i

test: setup db roster browser-deps
	$(BIN)/ruff check actiontool tests bench wsgi.py gunicorn.conf.py
	$(BIN)/lint-imports
	$(BIN)/pytest

setup: $(VENV)/.installed system-deps translations $(SECRET)

$(VENV)/.installed: setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,postgres,redis,run]'
	touch $@

# libharfbuzz-subset makes each PDF ~6x faster; pdftoppm (poppler-utils) checks PDFs in tests.
system-deps:
	@sh .ci/system-deps

# Compiled catalogs are built, never committed.
translations: $(VENV)/.installed
	$(BIN)/pybabel compile -d translations --statistics

# Only this user may read the instance folder: it holds supporters' letters until retention removes them.
$(SECRET):
	mkdir -p $(INSTANCE)
	chmod 700 $(INSTANCE)
	$(PYTHON) -c "import secrets; print(secrets.token_urlsafe(48))" > $@
	chmod 600 $@

db: setup
	$(APP) db upgrade

roster: db
	$(APP) roster import --if-empty officials.csv
	$(APP) areas import --if-empty district_areas.csv

# The browser tests use Debian's chromium and axe-core from npm; both optional outside CI.
browser-deps:
	@if command -v npm >/dev/null 2>&1; then \
	  [ -f node_modules/axe-core/axe.min.js ] || npm install --no-audit --no-fund --silent; \
	else echo "npm not found: the accessibility checks will be skipped"; fi

# Every page (public, staff, events) in both languages at 360 px and 1280 px, and the first page of each
# kind of PDF, as PNGs in screenshots/: the whole product reviewed in a minute. The same tour runs in
# `make test`, asserting no sideways scrolling, no axe violation and the public pages' weight.
screenshots: setup db browser-deps
	rm -rf screenshots
	ACTIONTOOL_SCREENSHOTS=$(CURDIR)/screenshots $(BIN)/pytest -q -p no:cacheprovider tests/test_every_page.py
	@echo "Screenshots are in $(CURDIR)/screenshots/"

# Re-extract the strings after changing the UI, then translate what is new in the .po file.
catalog: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg --no-location --sort-output --omit-header \
	  -k lazy_gettext -k _l -o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching \
	  --ignore-obsolete
	sed -i '/^"POT-Creation-Date: /d' translations/*/LC_MESSAGES/messages.po
	rm translations/messages.pot

bench: setup
	$(BIN)/python bench/pdf.py

clean:
	rm -rf $(VENV) node_modules
