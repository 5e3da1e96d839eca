# The two commands of the README: `make run` and `make test`. Both build .venv themselves.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test test-postgres clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

run: install
	$(BIN)/govpost db upgrade
	$(BIN)/govpost serve --host $(HOST) --port $(PORT)

test: install
	$(BIN)/pytest -q

# The database tests again, against the PostgreSQL server of this machine (and CI's).
test-postgres: install
	GOVPOST_TEST_DATABASE_URL=$${GOVPOST_TEST_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/test} \
		$(BIN)/pytest -q -m db

clean:
	rm -rf $(VENV) var/*.db build *.egg-info
