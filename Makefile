# The two commands of the README: `make run` and `make test`. Both build .venv themselves.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

# Tests run on every core (pytest-xdist): each worker has its own databases and free ports.
# loadgroup: tests marked xdist_group run on one worker, so that a server a module's tests share
# (tests/e2e/test_serve.py) starts once; the others are spread as they come.
PYTEST_WORKERS ?= auto
PYTEST_DIST ?= loadgroup

.PHONY: install run test test-postgres test-reliability reliability-report bench bench-quick report-pages clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	@# setuptools warns about editable installs in a block of stars on every install: not for us.
	PYTHONWARNINGS=ignore $(BIN)/pip install --quiet -e '.[test]'
	touch $@

run: install
	$(BIN)/govpost db upgrade
	$(BIN)/govpost serve --host $(HOST) --port $(PORT)

# Bytecode compiled first and kept (even where PYTHONDONTWRITEBYTECODE is set): every test
# worker and every process the e2e tests start (ticks, workers, gunicorn) would otherwise compile
# the same sources again, and pytest's rewritten test modules are kept for the next run.
test: install
	$(BIN)/python -m compileall -q bot publisher stats tests
	PYTHONDONTWRITEBYTECODE= $(BIN)/pytest -q -n $(PYTEST_WORKERS) --dist $(PYTEST_DIST)

# The database tests again, against the PostgreSQL server of this machine (and CI's).
test-postgres: install
	GOVPOST_TEST_DATABASE_URL=$${GOVPOST_TEST_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/test} \
		$(BIN)/pytest -q -n $(PYTEST_WORKERS) -m db

# Benchmarks (docs/benchmarks.md). They print figures and ratios and never fail on a slow
# machine. bench: all of them (about 30 minutes on 2 cores); bench-quick: a minute, for CI.
bench: install
	$(BIN)/python bench/run.py

bench-quick: install
	$(BIN)/python bench/run.py --quick

# The reliability suite (tests/reliability, issue 16): faults, kills, contention, clocks,
# hostile input. Not in `make test`; GOVPOST_SOAK=1 tries longer. pytest's exit status 5
# (no test selected, e.g. PYTEST_ADDOPTS=-k narrowing it to nothing) is not a failure.
test-reliability: install
	$(BIN)/pytest -q -m reliability tests/reliability || [ $$? -eq 5 ]

# Runs the suite and writes its tally to docs/reliability.md.
reliability-report: install
	$(BIN)/python -m tests.reliability.report

# docs/report-page-*.png: the example year's DOCX, page by page (LibreOffice, pdftoppm and a
# CJK font, apt-installed by the script when missing).
report-pages: install
	$(BIN)/python tools/report_pages.py

clean:
	rm -rf $(VENV) var/*.db build *.egg-info
