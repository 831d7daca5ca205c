# Two commands for a new user:  `make book`  and  `make test`  (see README.md).
# Everything runs in a project-local virtual environment, .venv, created on first use.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.snnlib-installed
HTML   := _build/html

.PHONY: help venv book test unit notebooks browser-check lab bench clean distclean

help:
	@echo "make book   - create .venv if needed, execute every chapter, build the HTML book into $(HTML)"
	@echo "make test   - unit tests, every notebook through nbval, the book build and the browser check"
	@echo "make lab    - JupyterLab with working widgets"
	@echo "make bench  - side-by-side speed measurements (benchmarks/)"

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "Python >= 3.10 is required")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip
	$(BIN)/python -m pip install -e ".[book,test]"
	touch $(STAMP)

venv: $(STAMP)

book: $(STAMP)
	$(BIN)/jupyter-book build . -W -n --keep-going
	@echo
	@echo "The book is built. Open: file://$(CURDIR)/$(HTML)/index.html"

unit: $(STAMP)
	SNNLIB_PROGRESS=0 $(BIN)/python -m pytest tests
	SNNLIB_PROGRESS=0 $(BIN)/python -m pytest -q --doctest-modules snnlib

notebooks: $(STAMP)
	SNNLIB_PROGRESS=0 $(BIN)/python -m pytest --nbval-lax --nbval-cell-timeout=300 chapters

browser-check: $(STAMP)
	$(BIN)/python tools/check_pages.py $(HTML)

test: $(STAMP)
	$(MAKE) unit
	$(MAKE) notebooks
	$(MAKE) book
	$(MAKE) browser-check

lab: $(STAMP)
	$(BIN)/jupyter lab chapters

bench: $(STAMP)
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf _build .pytest_cache

distclean: clean
	rm -rf $(VENV)
