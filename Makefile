# Two commands on a fresh machine (see README):
#   make demo   install, then run the full 14-step Tata Kelola Data trail into ./out
#   make test   install, then lint, type-check and run the whole test suite (with a local
#               PostgreSQL for the register tests, started when we may: tools/with-postgres.sh)
#   make test-fast   the quick loop (about 80 s on 2 cores): the tests that need neither
#               LibreOffice, PostgreSQL, a server nor a browser and are not marked slow
#
# Both create a local virtual environment (.venv) and, when LibreOffice is missing
# and we may install system packages, install it with apt-get (PDF export needs it).

PYTHON ?= python3
VENV   ?= .venv
OUT    ?= out
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed
# pytest-xdist workers: the machines here have two cores. PYTEST_JOBS=0 runs in one process.
PYTEST_JOBS ?= 2
PYTEST  = $(BIN)/python -m pytest -n $(PYTEST_JOBS) --dist loadfile

.PHONY: demo test test-fast lint bench templates system-deps clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

system-deps:
	@bash tools/install-system-deps.sh

demo: $(STAMP) system-deps
	$(BIN)/naskah demo -o $(OUT)

lint: $(STAMP)
	$(BIN)/ruff check naskah tests bench examples tools
	$(BIN)/mypy naskah

test: $(STAMP) system-deps lint
	bash tools/with-postgres.sh $(PYTEST) $(PYTEST_ARGS)

test-fast: $(STAMP)
	$(PYTEST) -m "not slow and not libreoffice and not postgres and not serve and not browser" $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python bench/render.py
	$(BIN)/python bench/pdf.py
	$(BIN)/python bench/register.py
	$(BIN)/python bench/sign.py
	$(BIN)/python bench/trail.py
	$(BIN)/python bench/startup.py
	$(BIN)/python bench/serve.py --rounds 3

templates: $(STAMP)
	$(BIN)/python tools/build_templates.py

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .ruff_cache .mypy_cache .hypothesis
