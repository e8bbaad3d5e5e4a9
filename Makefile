# Two commands on a fresh machine (see README):
#   make demo   install, then run the full 14-step Tata Kelola Data trail into ./out
#   make test   install, then lint, type-check and run the whole test suite
#
# Both create a local virtual environment (.venv) and, when LibreOffice is missing
# and we may install system packages, install it with apt-get (PDF export needs it).

PYTHON ?= python3
VENV   ?= .venv
OUT    ?= out
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed

.PHONY: demo test lint bench templates system-deps clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

system-deps:
	@bash tools/install-system-deps.sh

demo: $(STAMP) system-deps
	$(BIN)/naskah demo $(OUT)

lint: $(STAMP)
	$(BIN)/ruff check naskah tests bench examples tools
	$(BIN)/mypy naskah

test: $(STAMP) system-deps lint
	$(BIN)/python -m pytest

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
