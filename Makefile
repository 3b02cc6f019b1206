# The two commands a newcomer needs: `make demo` and `make test`. Everything else supports them.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
PG_URL ?= postgres://postgres@127.0.0.1:5432/coproduce
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: demo test test-sqlite test-postgres test-browser test-full lint format bench bench-scale load drill fuzz install browser pdf-libs postgres assets serve clean messages gettext

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade "pip==25.2"

# Reinstall whenever pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	touch $@

# The translations' .mo files are built here, never committed (compile_translations needs no gettext).
install: $(VENV)/.installed
	@$(MANAGE) compile_translations

demo: install pdf-libs
	$(MANAGE) migrate --noinput
	$(MANAGE) createcachetable
	$(MANAGE) load_demo
	@echo
	$(MANAGE) demo_logins
	@echo
	@echo "Coproduce is running on http://127.0.0.1:8000 (press Ctrl-C to stop)."
	$(MANAGE) runserver 127.0.0.1:8000

serve: install
	$(MANAGE) runserver 127.0.0.1:8000

# Debian's Chromium for the browser tests; Playwright never downloads a browser here.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "Installing Debian's chromium for the browser tests…"; \
		apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# Pango and fonts for WeasyPrint's PDFs (the job-search log); Debian's packages.
pdf-libs:
	@ldconfig -p | grep -q libpangoft2-1.0 || { \
		echo "Installing Pango and fonts for PDFs…"; \
		apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core >/dev/null; }
	@# poppler's pdfinfo: the tests ask it whether each PDF is tagged, as a reader's tools would.
	@command -v pdfinfo >/dev/null 2>&1 || { \
		echo "Installing poppler-utils (pdfinfo) to check PDFs…"; \
		apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null; }

# GNU gettext's xgettext, which makemessages needs; Debian's package.
gettext:
	@command -v xgettext >/dev/null 2>&1 || { \
		echo "Installing GNU gettext for makemessages…"; \
		apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext >/dev/null; }

# The Polish and Arabic catalogues translators work from: participant and public strings only,
# so staff-only pages (which stay English) are left out.
MESSAGES_IGNORE := --ignore=.venv --ignore=tests --ignore=docs --ignore=assets --ignore=staticfiles \
	--ignore=coproduce/web/keyworker --ignore=coproduce/web/partner --ignore=coproduce/web/partnership \
	--ignore=coproduce/web/funder --ignore=coproduce/web/research \
	--ignore=coproduce/web/templates/web/keyworker --ignore=coproduce/web/templates/web/partner \
	--ignore=coproduce/web/templates/web/partnership --ignore=coproduce/web/templates/web/funder \
	--ignore=coproduce/web/templates/web/research
messages: gettext
	$(MANAGE) makemessages -l pl -l ar --no-obsolete $(MESSAGES_IGNORE)

# The PostgreSQL server this machine provides; start it if it is down.
postgres:
	@pg_isready -q -h 127.0.0.1 -p 5432 || { \
		echo "Starting PostgreSQL…"; \
		pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start; \
		for i in $$(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done; }

# Prints how long it took: it must stay well under CI's limit as the product grows (25 minutes here).
test: install browser pdf-libs postgres
	@start=$$(date +%s); \
	$(MAKE) --no-print-directory test-sqlite && $(MAKE) --no-print-directory test-postgres; status=$$?; \
	took=$$(( $$(date +%s) - start )); echo "make test took $$(( took / 60 )) min $$(( took % 60 )) s"; exit $$status

test-sqlite: install
	@echo "== Test suite on SQLite =="
	$(BIN)/pytest -n 2 --dist loadgroup -q

# The browser journeys run on SQLite here (the pages are the same on either database) and on both in
# `make test-full`, which sets COPRODUCE_FULL.
test-postgres: install postgres
	@echo "== Test suite on PostgreSQL =="
	DATABASE_URL=$(PG_URL) $(BIN)/pytest -n 2 --dist loadgroup -q $(if $(COPRODUCE_FULL),,-m "not browser")

test-browser: install browser
	$(BIN)/pytest -q -m browser tests/browser

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy coproduce config
	$(BIN)/lint-imports
	$(MANAGE) makemigrations --check --dry-run

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install
	$(BIN)/python -m coproduce.demo.bench

# Every busy page at a national programme's size on PostgreSQL, against the SQL that returns the same
# data; results into docs/performance.md. Builds bench_scale_<N> once per size (1M takes a while):
# `make bench-scale SIZES=10000,100000` for fewer.
SIZES ?= 10000,100000,1000000
bench-scale: install postgres
	PG_URL=$(PG_URL) $(BIN)/python -m coproduce.demo.bench_scale --sizes $(SIZES)

# 300 staff under locust against gunicorn (4 workers) over the 100k programme for 3 minutes; the
# report goes into docs/performance.md. `make load LOAD_USERS=50 LOAD_TIME=1m` for a shorter run.
LOAD_PARTICIPANTS ?= 100000
LOAD_USERS ?= 300
LOAD_TIME ?= 3m
load: install postgres
	PG_URL=$(PG_URL) $(BIN)/python -m coproduce.demo.load --participants $(LOAD_PARTICIPANTS) \
		--users $(LOAD_USERS) --run-time $(LOAD_TIME)

# The restore drill over the full demo (3,115 participants), on SQLite and on PostgreSQL: back up,
# restore into a fresh database, compare every table and file, verify the audit (docs/operations.md).
# Minutes, so not part of `make test`, which runs the same drill over 40 participants.
drill: install postgres
	@echo "== Restore drill on SQLite (full demo) =="
	COPRODUCE_DRILL_PARTICIPANTS=3115 $(BIN)/pytest -q tests/backups/test_restore_drill.py
	@echo "== Restore drill on PostgreSQL (full demo) =="
	COPRODUCE_DRILL_PARTICIPANTS=3115 DATABASE_URL=$(PG_URL) TEST_DATABASE_NAME=test_coproduce_drill \
		$(BIN)/pytest -q tests/backups/test_restore_drill.py

# Schemathesis over every API operation as every demo role, on a freshly migrated small demo (the
# test database, through the WSGI app in-process): any server error fails. Minutes, so not part of
# `make test`, which runs a few operations the same way (tests/api/test_fuzz_smoke.py).
fuzz: install
	$(BIN)/pytest -q tests/fuzz/fuzz_api.py

# The fuller run: the whole suite (the access matrix whole on PostgreSQL too), the restore drill, and retention over the full demo (3,115
# participants) on SQLite and on PostgreSQL: every closed case past its date anonymised, nothing
# identifying left in any table, every published figure the same (docs/data-protection.md).
# Minutes more, so not part of `make test`, which runs both over 40 participants.
test-full:
	COPRODUCE_ACCESS_MATRIX=full COPRODUCE_FULL=1 $(MAKE) --no-print-directory test
	$(MAKE) --no-print-directory drill
	@echo "== Retention over the full demo on SQLite =="
	COPRODUCE_RETENTION_DEMO_PARTICIPANTS=3115 $(BIN)/pytest -q tests/retention/test_demo_retention.py
	@echo "== Retention over the full demo on PostgreSQL =="
	COPRODUCE_RETENTION_DEMO_PARTICIPANTS=3115 DATABASE_URL=$(PG_URL) TEST_DATABASE_NAME=test_coproduce_retention_full \
		$(BIN)/pytest -q tests/retention/test_demo_retention.py

# Rebuild the committed CSS from npm (needs Node.js; running the site does not).
assets:
	cd assets && npm ci --no-audit --no-fund && npm run build

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-* staticfiles
